import path from 'node:path';
import { idCheckChar } from '../../src/core/identity';
import { useChromiumOnLocalHost } from '../support/e2e';
import { until } from '../support/until';

jest.setTimeout(300_000);

// the journey's screenshots are kept as test artifacts: in E2E_SHOTS when set (CI sets it), else test-artifacts/e2e
process.env.E2E_SHOTS ??= path.resolve(__dirname, '../../test-artifacts/e2e');

/**
 * An employee's way through the app in Chromium on the local host, as issue 17 asks to see it: the home page, a
 * transfer-continuation applied for and followed to 办结, then 我的申请 and its detail; and the same home, 我的 and
 * a form in 长辈版. Every screen passes axe-core (WCAG 2.2 AA) and is saved as journey-*.png.
 */
const e2e = useChromiumOnLocalHost();
const { current } = e2e;

const NANJING = '320100';
const YANGZHOU = '321000';

describe('an employee on the redesigned pages', () => {
  const first17 = `32100219860404${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  let applicationId = '';

  it('starts on the home page, verifies on 我的 and applies for a transfer that the center takes to 办结', async () => {
    await e2e.open('pages/index/index');
    await current('#home-elder-switch').waitFor();
    await e2e.expectAccessible('journey-home');

    // 实名核验 first: the form is for verified people
    await e2e.open('pages/mine/index');
    await current('#mine-go-verify').click();
    await current('#verify-name input').fill('王五');
    await current('#verify-doc-number input').fill(first17 + idCheckChar(first17));
    await current('#verify-next').click();
    await current('#verify-agree').click();
    await current('.verify-success').waitFor();

    await e2e.open('pages/index/index');
    await current('#go-transfer').click();
    await e2e.page.waitForURL(/pages\/transfer\/index/);
    await current('#transfer-form').waitFor();
    await e2e.expectAccessible('journey-transfer-form');
    await current('#transfer-out-center').click();
    await current('#transfer-out-center-search input').fill('南京');
    await current(`#transfer-out-center-search #center-${NANJING}`).click();
    await current('#transfer-in-center').click();
    await current('#transfer-in-center-search input').fill('扬州');
    await current(`#transfer-in-center-search #center-${YANGZHOU}`).click();
    await current('#transfer-former-employer input').fill('南京某某科技有限公司');
    await current('#transfer-former-account input').fill('12345678');
    await current('#transfer-new-employer input').fill('扬州某某制造有限公司');
    await current('#transfer-new-account input').fill('87654321');
    await current('#transfer-phone input').fill('13812345678');
    await current('#transfer-next').click();
    await current('#transfer-review').waitFor();
    await e2e.expectAccessible('journey-transfer-review');
    await current('#transfer-submit').click();

    await e2e.page.waitForURL(/pages\/application\/index\?id=/);
    applicationId = decodeURIComponent(/[?&]id=([^&#]+)/.exec(e2e.page.url())?.[1] ?? '');
    // the center simulator calls back 01, 02, 08, 00: the open page follows to 办结
    await until(
      'the detail page to show 已办结',
      async () => ((await current('#application-status-label').innerText()).trim() === '已办结' ? true : undefined),
      90_000,
      1000,
    );
    await e2e.expectAccessible('journey-application-done');
  });

  it('finds the transfer on 我的申请 and opens its detail from there', async () => {
    expect(applicationId).not.toBe('');
    await e2e.open('pages/index/index');
    await current('#go-applications').click();
    await e2e.page.waitForURL(/pages\/applications\/index/);
    await e2e.until('.applications-page', '已办结');
    await e2e.expectAccessible('journey-applications');
    await current(`#application-item-${applicationId}`).click();
    await e2e.page.waitForURL(new RegExp(`pages/application/index\\?id=${applicationId}`));
    await e2e.until('#application-status-label', '已办结');
    await e2e.expectAccessible('journey-application-detail');
  });

  it('switches to 长辈版 on the home page: the frequent items large, 我的 and the form in large type; 标准版 again on 我的', async () => {
    await e2e.open('pages/index/index');
    await current('#home-elder-switch-elder').click();
    await current('#elder-go-transfer').waitFor();
    expect(await current('.item-grid').count()).toBe(0); // the eight items give way to the frequent ones
    await e2e.expectAccessible('journey-elder-home');

    // remembered: a fresh load of another page is in 长辈版 too
    await e2e.open('pages/mine/index');
    await current('.elder-mode #mine-elder-switch').waitFor();
    await expect(current('#mine-elder-switch-elder').getAttribute('aria-pressed')).resolves.toBe('true');
    await e2e.expectAccessible('journey-elder-mine');

    await e2e.open('pages/index/index');
    await current('#elder-go-transfer').click();
    await e2e.page.waitForURL(/pages\/transfer\/index/);
    await current('.elder-mode #transfer-form').waitFor();
    await e2e.expectAccessible('journey-elder-transfer-form');

    await e2e.open('pages/mine/index');
    await current('#mine-elder-switch-standard').click();
    await e2e.open('pages/index/index');
    await current('.item-grid').waitFor();
    expect(await current('.elder-mode').count()).toBe(0);
  });
});
