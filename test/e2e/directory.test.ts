import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startLocalHost, type RunningHost } from '../support/local-host';

jest.setTimeout(180_000);

/** The H5 build in real Chromium against the real local host and center simulator. */
let host: RunningHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  if (!existsSync(path.resolve(__dirname, '../../dist/h5/index.html'))) throw new Error('dist/h5 is missing: run npm run build:h5');
  host = await startLocalHost();
  browser = await launchChromium();
  // the simulator's certificate is self-signed for loopback, made at its start
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, ignoreHTTPSErrors: true });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

/** Taro H5 keeps earlier pages in the DOM; the one on screen is `.taro_page_stationed`. */
const current = (selector: string) => page.locator(`.taro_page_stationed ${selector}`);

describe('an employee finds their center and jumps to its online hall', () => {
  it('walks home -> search 扬州 and yz -> center detail -> the web-view page', async () => {
    await page.goto(host.url);
    await current('#item-1').waitFor();
    await expect(current('.item-grid').innerText()).resolves.toContain('缴存贷款信息查询');

    await current('#home-search').click();
    const input = current('.center-search-input input');
    await input.waitFor();
    await input.fill('扬州');
    await current('#center-321000').waitFor();
    await expect(current('#center-321000').innerText()).resolves.toContain('扬州市住房公积金管理中心');

    await input.fill('yz');
    await current('#center-321000').waitFor();
    await expect(current('.center-search-results').innerText()).resolves.toContain('0514-12329');

    await current('#center-321000').click();
    await current('#center-name').waitFor();
    await expect(current('#center-name').innerText()).resolves.toBe('扬州市住房公积金管理中心');
    await expect(current('#center-phone').innerText()).resolves.toContain('0514-12329');

    await current('#center-item-1').click();
    await page.waitForURL(/pages\/webview\/index/);
    const frame = page.frameLocator('.taro_page_stationed iframe');
    await expect(frame.locator('#hall-center').innerText()).resolves.toBe('扬州市住房公积金管理中心');
    await expect(frame.locator('#hall-item').innerText()).resolves.toBe('个人住房公积金缴存贷款等信息查询');
  });

  it('shows the fallback with the phone instead of a dead jump when the link is unhealthy', async () => {
    // 徐州 is one of the 39 centers whose links did not jump in notice 2021-30 (demo data marks them unhealthy)
    page = await context.newPage();
    await page.goto(`${host.url}/#/pages/center/index?code=320300`);
    await current('#center-name').waitFor();
    await current('#center-item-1').click();
    const fallback = current('.fallback-card');
    await fallback.waitFor();
    await expect(fallback.innerText()).resolves.toMatch(/暂时无法访问[\s\S]*0516-12329/);
    expect(page.url()).toContain('pages/center/index');
  });

  it('picks the business-locale center on an item page and goes to its hall for that item', async () => {
    page = await context.newPage();
    await page.goto(host.url);
    await current('#item-3').click();
    const input = current('.center-search-input input');
    await input.waitFor();
    await input.fill('yz');
    await current('#center-321000').click();
    await expect(current('#item-center').innerText()).resolves.toContain('扬州市住房公积金管理中心');
    await current('#item-go').click();
    await page.waitForURL(/pages\/webview\/index/);
    const frame = page.frameLocator('.taro_page_stationed iframe');
    await expect(frame.locator('#hall-item').innerText()).resolves.toBe('正常退休提取住房公积金');
  });
});

describe('the dev sign-in of the local host', () => {
  it('switches to a supervisor and the functions see that role', async () => {
    page = await context.newPage();
    await page.goto(host.url);
    await current('#go-sign-in').click();
    await current('#persona-supervisor').click();
    await expect(current('#sign-in-roles').innerText()).resolves.toContain('监管人员');
    await current('#persona-employee').click();
    await expect(current('#sign-in-roles').innerText()).resolves.toContain('缴存职工');
  });
});
