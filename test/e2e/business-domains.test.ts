import { useChromiumOnLocalHost } from '../support/e2e';

jest.setTimeout(240_000);

/**
 * The business-domain registry in real Chromium against a fresh local host (issue 16 point 1, "Must show"). The
 * simulator's halls (every demo link, on `localhost`) start as a configured business domain. The national supervisor
 * takes it off the mini-program's list and requests it again with the verification file WeChat issued; 扬州's staff
 * see the file to place, its content and where it must answer; an employee tapping 扬州's item 1 gets the link to copy
 * with the explanation and the phone, never the web-view; once the supervisor marks it configured, the web-view opens
 * 扬州's hall. Each page is checked with axe-core (WCAG 2.2 AA); E2E_SHOTS=<folder> saves a screenshot of each.
 */
const e2e = useChromiumOnLocalHost();
const { current, open, until, signIn, shot, expectAccessible } = e2e;

const YANGZHOU = '321000';
const DOMAIN = 'localhost';
const CARD = `#domain-${DOMAIN}`;
const FILE = { name: 'a1b2c3d4e5.txt', content: '7d0f1c9e2b8a4f6e5d3c' };


/** 确定 in Taro's modal, after checking what it asks. */
async function confirm(asks: RegExp): Promise<void> {
  await expect(e2e.page.locator('.taro-modal__content').innerText()).resolves.toMatch(asks);
  await e2e.page.locator('.taro-model__confirm').click();
}

/** The national supervisor's 业务域名 page, from 我的 and the overview. */
async function domainsPage(): Promise<void> {
  await signIn('supervisor', '监管人员');
  await current('#go-mine').click();
  await current('#mine-supervise').click();
  await current('#overview-go-domains').click();
  await current(`${CARD}-state`).waitFor();
}

/** An employee taps item 1 on 扬州's page. */
async function tapYangzhouItem1(): Promise<void> {
  await signIn('employee', '缴存职工');
  await open(`pages/center/index?code=${YANGZHOU}`);
  await current('#center-item-1').click();
}

describe('a hall on a domain that is not a business domain: requested, placed, configured', () => {
  it('lets the national supervisor see the domain configured, take it off and request it with WeChat’s file', async () => {
    await domainsPage();
    await expect(current('#domains-count').innerText()).resolves.toMatch(/^已配置 1 \/ 200$/);
    await expect(current(`${CARD}-state`).innerText()).resolves.toBe('已配置为业务域名');
    // every demo center's hall is on the simulator's domain: the card names the first five and counts the rest
    await expect(current(`${CARD}-centers`).innerText()).resolves.toMatch(/^使用的中心：(.+、){4}.+等 \d+ 个中心（\d+ 个链接）$/);
    await expectAccessible('01-domains');

    await current(`${CARD}-remove`).click();
    await confirm(/移除后，localhost 的链接不再在小程序内打开/);
    await until(`${CARD}-state`, '未申请');
    await expect(current('#domains-count').innerText()).resolves.toMatch(/^已配置 0 \/ 200$/);

    await current(`${CARD}-request`).click();
    await current(`${CARD}-file-name input`).fill(FILE.name);
    await current(`${CARD}-file-content input`).fill(FILE.content);
    await expectAccessible('02-domain-request', `${CARD}-form`);
    await current(`${CARD}-request-send`).click();
    await confirm(new RegExp(`将校验文件 ${FILE.name.replace('.', '\\.')} 交给使用 localhost 的中心`));
    await until(`${CARD}-state`, '待放置校验文件');
    await expect(current(`${CARD}-file`).innerText()).resolves.toBe(`校验文件：${FILE.name}`);
    await expectAccessible('03-domain-requested', CARD);
  });

  it('shows 扬州’s staff the file to place, its content and the address where it must answer, with why', async () => {
    await signIn('center-staff', `中心工作人员（${YANGZHOU}）`);
    await current('#go-mine').click();
    await current('#mine-links').click();
    const card = `#links-domain-${DOMAIN}`;
    await current(`${card}-file`).waitFor();
    await expect(current(`${card}-state`).innerText()).resolves.toBe('待放置校验文件');
    await expect(current(card).innerText()).resolves.toContain('在微信小程序内打开网页需要该域名配置为本小程序的业务域名');
    await expect(current(`${card}-file-name`).innerText()).resolves.toBe(FILE.name);
    await expect(current(`${card}-file-content`).innerText()).resolves.toBe(FILE.content);
    await expect(current(`${card}-file-url`).innerText()).resolves.toBe(`${e2e.host.simOrigin}/${FILE.name}`);
    await current(`${card}-file-content-copy`).click();
    await expect(e2e.page.evaluate(() => localStorage.getItem('taro_clipboard'))).resolves.toContain(FILE.content);
    await expectAccessible('04-staff-file', card);
  });

  it('gives an employee tapping 扬州’s item 1 the link to copy with the explanation and the phone, not the web-view', async () => {
    await tapYangzhouItem1();
    await current('#copy-link').waitFor();
    await expect(current('#copy-link-item').innerText()).resolves.toBe('个人住房公积金缴存贷款等信息查询');
    await expect(current('#copy-link-center').innerText()).resolves.toBe('办理中心：扬州市住房公积金管理中心');
    await expect(current('#copy-link-message').innerText()).resolves.toContain('暂不能在本小程序内打开');
    const hall = `${e2e.host.simOrigin}/hall/${YANGZHOU}/1`;
    await expect(current('#copy-link-url').innerText()).resolves.toBe(hall);
    await expect(current('#copy-link-call').innerText()).resolves.toContain('0514-12329');
    await current('#copy-link-copy').click();
    await until('#copy-link-done', '链接已复制');
    await expect(e2e.page.evaluate(() => localStorage.getItem('taro_clipboard'))).resolves.toContain(hall);
    expect(e2e.page.url()).toContain('pages/center/index');
    await expect(e2e.page.locator('.taro_page_stationed iframe').count()).resolves.toBe(0);
    await expectAccessible('05-employee-copy', '#copy-link');
  });

  it('opens 扬州’s hall in the web-view once the supervisor marks the domain configured', async () => {
    await domainsPage();
    await current(`${CARD}-configure`).click();
    await confirm(/请确认已在微信公众平台“开发管理—业务域名”中添加 localhost/);
    await until(`${CARD}-state`, '已配置为业务域名');
    await expect(current('#domains-count').innerText()).resolves.toMatch(/^已配置 1 \/ 200$/);

    await tapYangzhouItem1();
    await expect(e2e.page.frameLocator('.taro_page_stationed iframe').locator('#hall-center').innerText()).resolves.toContain('扬州');
    expect(e2e.page.url()).toContain('pages/webview/index');
    await shot('06-webview');
  });
});
