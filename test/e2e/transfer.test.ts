import { idCheckChar } from '../../src/core/identity';
import { useChromiumOnLocalHost } from '../support/e2e';
import { closeSimClient, simReceived } from '../support/sim-client';
import { until } from '../support/until';

jest.setTimeout(240_000);

/**
 * The H5 build in real Chromium against a fresh local host: its WeChat simulator passes faces, its relay
 * delivers to the center simulator (every center's endpoint on the local host), which verifies each
 * delivery with the `standardwebhooks` library, then calls back 01, 02, 08, 00 a second apart.
 */
const e2e = useChromiumOnLocalHost();
const { current } = e2e;

const NANJING = '320100'; // transfer-out
const YANGZHOU = '321000'; // transfer-in: the center the delivery goes to

afterAll(() => closeSimClient());

const received = () => simReceived(e2e.host.simOrigin);


/** The timeline as the page shows it, oldest first (the page lists newest first). */
const timelineSteps = async () => (await current('#application-timeline .timeline-step').allInnerTexts()).map((s) => s.trim()).reverse();

describe('a verified employee applies for a transfer-continuation in the app', () => {
  const first17 = `32100219850202${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  const docNumber = first17 + idCheckChar(first17);

  it('submits it; the center receives a delivery the standardwebhooks library verifies; its callbacks move the timeline to 办结', async () => {
    // 实名核验 first, as in identity.test.ts: face verification through the WeChat simulator
    await e2e.page.goto(e2e.host.url);
    await current('#go-mine').click();
    await current('#mine-go-verify').click();
    await current('#verify-name input').fill('李四');
    await current('#verify-doc-number input').fill(docNumber);
    await current('#verify-next').click();
    await current('#verify-agree').click();
    await current('.verify-success').waitFor();

    // home -> 异地转移接续: the form
    await e2e.page.goto(e2e.host.url);
    await current('#go-transfer').click();
    await e2e.page.waitForURL(/pages\/transfer\/index/);
    await current('#transfer-form').waitFor();
    expect(await current('#transfer-identity').count()).toBe(0); // verified: no "verify first" notice

    await current('#transfer-out-center').click();
    await current('#transfer-out-center-search input').fill('南京');
    await current(`#transfer-out-center-search #center-${NANJING}`).click();
    await current('#transfer-in-center').click();
    await current('#transfer-in-center-search input').fill('扬州');
    await current(`#transfer-in-center-search #center-${YANGZHOU}`).click();
    await expect(current('#transfer-out-center').innerText()).resolves.toContain('南京');
    await expect(current('#transfer-in-center').innerText()).resolves.toContain('扬州');
    await current('#transfer-former-employer input').fill('南京某某科技有限公司');
    await current('#transfer-former-account input').fill('12345678');
    await current('#transfer-new-employer input').fill('扬州某某制造有限公司');
    await current('#transfer-new-account input').fill('87654321');
    await current('#transfer-phone input').fill('13812345678');

    // review (masked), then submit once
    await current('#transfer-next').click();
    await current('#transfer-review').waitFor();
    await expect(current('#transfer-review-phone').innerText()).resolves.toBe('138****5678');
    await expect(current('#transfer-review-in-center').innerText()).resolves.toContain('扬州');
    await current('#transfer-submit').click();

    // the detail page takes the form's place; its URL names the application
    await e2e.page.waitForURL(/pages\/application\/index\?id=/);
    const id = decodeURIComponent(/[?&]id=([^&#]+)/.exec(e2e.page.url())?.[1] ?? '');
    expect(id).toMatch(/^[a-z0-9]{8,40}$/);
    await current('#application-status-label').waitFor();
    await expect(current('#application-letter').innerText()).resolves.toMatch(/^联系函编号：321000\d{10}$/);

    // the center simulator received the delivery for this application, signed so that the library verifies it
    const delivery = await until('the delivery at the center simulator', async () => (await received()).find((r) => r.applicationId === id));
    expect(delivery).toMatchObject({
      centerCode: YANGZHOU,
      type: 'application.submitted',
      applicationId: id,
      verified: true,
      problems: [], // the body is as docs/center-api.md describes it
      answer: 200,
      duplicate: false,
      fault: null,
    });
    expect(delivery.id).toMatch(/^msg_/);
    expect(delivery.letterNumber).toMatch(/^321000\d{10}$/);
    expect((await received()).filter((r) => r.applicationId === id)).toHaveLength(1);

    // the open detail page follows by itself (it asks again every 15 s while the application moves)
    await until(
      'the detail page to show 已办结 without a reload',
      async () => ((await current('#application-status-label').innerText()).trim() === '已办结' ? true : undefined),
      60_000,
      1000,
    );
    await expect(current('#application-step').innerText()).resolves.toBe('当前环节：办结');
    const steps = await timelineSteps();
    expect([
      ['提交', '送达中心', '受理', '转出地确认', '转出地确认', '办结'],
      ['提交', '受理', '转出地确认', '转出地确认', '办结'], // a callback beat the record of the delivery
    ]).toContainEqual(steps);
    await expect(current('#application-letter').innerText()).resolves.toBe(`联系函编号：${delivery.letterNumber}`);
    expect(await current('#application-withdraw').count()).toBe(0); // completed: nothing to withdraw

    // each callback the simulator sent was taken once and changed the application
    const done = (await received()).find((r) => r.applicationId === id);
    expect(done?.callbacks.filter((c) => c.httpStatus === 200).map((c) => [c.status, c.response])).toEqual(
      ['01', '02', '08', '00'].map((code) => [code, { ok: true, data: { changed: true } }]),
    );

    // nothing of the full ID number reached the page
    expect(await e2e.page.content()).not.toContain(docNumber);
  });
});
