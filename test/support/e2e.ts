import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { startLocalHost, verifyDevStaff, type RunningHost } from './local-host';

export interface E2E {
  readonly host: RunningHost;
  readonly page: Page;
  /** A fresh tab in the same browser context (same storage), which becomes `page`. */
  newPage(): Promise<Page>;
  /** Taro H5 keeps earlier pages in the DOM; the one on screen is `.taro_page_stationed`. */
  current(selector: string): Locator;
}

/**
 * For one e2e file: the H5 build in Debian's Chromium against a fresh local host (real server, embedded
 * database, center simulator, WeChat simulator), started before the file's tests and stopped after; `env` is
 * added to the host's environment (LAUNCH=closed: the store closed, as freshly deployed).
 */
export function useChromiumOnLocalHost(env: Record<string, string> = {}): E2E {
  let host: RunningHost | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not ready: beforeAll has not run`);
    return value;
  };

  beforeAll(async () => {
    if (!existsSync(path.resolve(__dirname, '../../dist/h5/index.html'))) throw new Error('dist/h5 is missing: run npm run build:h5');
    host = await startLocalHost(env);
    // the staff persona works at the counter and in the workbench only with a verified identity of its own
    await verifyDevStaff(host.url);
    browser = await launchChromium();
    // the center simulator's certificate is self-signed for loopback, made at its start
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, ignoreHTTPSErrors: true });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  return {
    get host() {
      return need(host, 'the local host');
    },
    get page() {
      return need(page, 'the page');
    },
    async newPage() {
      page = await need(context, 'the browser').newPage();
      return page;
    },
    current: (selector) => need(page, 'the page').locator(`.taro_page_stationed ${selector}`),
  };
}
