import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { seriousViolations } from './axe';
import { launchChromium } from './browser';
import { startLocalHost, verifyDevStaff, type RunningHost } from './local-host';

export interface E2E {
  readonly host: RunningHost;
  readonly page: Page;
  /** A fresh tab in the same browser context (same storage), which becomes `page`. */
  newPage(): Promise<Page>;
  /** Taro H5 keeps earlier pages in the DOM; the one on screen is `.taro_page_stationed`. */
  current(selector: string): Locator;
  /** A page load of its own (another hash only moves Taro's router) at `hash` of the app. */
  open(hash: string): Promise<void>;
  /** Waits until the element on screen reads `text` (a state that changes after a tap). */
  until(selector: string, text: string): Promise<void>;
  /** The dev sign-in (which never sends anyone to 内部试用中) -> the persona -> 返回首页. */
  signIn(persona: 'employee' | 'tester' | 'supervisor' | 'center-staff', label: string): Promise<void>;
  /** With E2E_SHOTS=<folder>, the page on screen saved there as `name`.png (390x844, full page); else nothing. */
  shot(name: string): Promise<void>;
  /** axe on the page on screen, once its transition has settled; then its shot, `focus` scrolled into view. */
  expectAccessible(name: string, focus?: string): Promise<void>;
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
    const h5Dir = path.resolve(__dirname, '../..', process.env.H5_DIR ?? 'dist/h5');
    // the host the tests start never builds them (parallel builds emptied the folder under each other): npm test builds once
    if (!existsSync(path.join(h5Dir, 'index.html'))) throw new Error(`${h5Dir}/index.html is missing: build the H5 pages first with H5_DIR=${h5Dir} NODE_ENV=production npx taro build --type h5`);
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

  const current = (selector: string) => need(page, 'the page').locator(`.taro_page_stationed ${selector}`);
  const open = async (hash: string) => {
    await need(page, 'the page').goto('about:blank');
    await need(page, 'the page').goto(`${need(host, 'the local host').url}/#/${hash}`);
  };

  const shot = async (name: string) => {
    const shots = process.env.E2E_SHOTS;
    if (!shots) return;
    mkdirSync(shots, { recursive: true });
    await need(page, 'the page').screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  };

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
    current,
    open,
    async until(selector, text) {
      await current(`${selector}:has-text(${JSON.stringify(text)})`).waitFor();
    },
    async signIn(persona, label) {
      await open('packages/dev/sign-in/index');
      await current(`#persona-${persona}`).click();
      await expect(current('#sign-in-roles').innerText()).resolves.toContain(label);
      await current('.sign-in-home').click();
    },
    shot,
    async expectAccessible(name, focus) {
      await need(page, 'the page').waitForTimeout(400);
      expect(await seriousViolations(need(page, 'the page'))).toEqual([]);
      if (focus) await current(focus).scrollIntoViewIfNeeded();
      await shot(name);
    },
  };
}
