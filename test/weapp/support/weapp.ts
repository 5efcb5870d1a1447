import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import postcss from 'postcss';
import type { WxCloud } from './in-process-cloud';

/** The WeChat build under test: `npm run build:weapp` writes it. */
export const DIST_WEAPP = path.resolve(__dirname, '../../../dist/weapp');

/** The wx APIs a test observes; each still answers like miniprogram-simulate's own mock. */
export interface ObservedWx {
  navigateTo: jest.Mock<unknown, [{ url: string }]>;
  /** The tab bar's pages (首页, 我的申请, 我的) open only with switchTab: navigateTo to them fails in WeChat. */
  switchTab: jest.Mock<unknown, [{ url: string }]>;
  makePhoneCall: jest.Mock<unknown, [{ phoneNumber: string }]>;
}

type Lifecycle = (this: PageInstance, ...args: unknown[]) => void;
type PageConfig = { data?: Record<string, unknown> } & Record<string, unknown>;
interface PageInstance {
  onLoad?: Lifecycle;
  onShow?: Lifecycle;
  onUnload?: Lifecycle;
}

/** What the mini-program's JS runtime defines globally, and what miniprogram-simulate adds. */
interface MiniProgramGlobals {
  wx: Record<string, unknown>;
  App: (config: Record<string, unknown>) => void;
  getApp: () => Record<string, unknown> | undefined;
  getCurrentPages: () => PageInstance[];
  Page: (config: PageConfig) => void;
  Component: (options: Record<string, unknown>) => void;
}

/**
 * The slice of miniprogram-simulate (j-component) the tests use, declared here: its own typings pull in
 * miniprogram-api-typings, whose global `require` would hide Node's for the whole program.
 */
export interface SimNode {
  readonly dom: HTMLElement | undefined;
  dispatchEvent(eventName: string): void;
  querySelector(selector: string): SimNode | undefined;
  querySelectorAll(selector: string): SimNode[];
}
export interface PageHandle extends SimNode {
  attach(parent: Node): void;
  detach(): void;
}
interface Simulate {
  load(componentPath: string, tagName: string, options: { rootPath: string }): string;
  render(componentId: string): PageHandle;
}

export interface Weapp {
  readonly wx: ObservedWx;
  /** The device storage behind wx.getStorageSync / wx.setStorageSync (simulate's own mock keeps nothing). */
  readonly storage: Map<string, unknown>;
  /**
   * Opens a page of the build (`pages/center/index`) as WeChat would with `query`, and shows it; the
   * page opened before is unloaded first.
   */
  open(route: string, query?: Record<string, string>): PageHandle;
}

/** The tag pages are loaded under: miniprogram-simulate prefixes their classes with it (`card` renders as `page--card`). */
const PAGE_TAG = 'page';

const WAIT_STEP_MS = 20;
const WAIT_LIMIT_MS = 5_000;

let booted: Weapp | undefined;

/**
 * Starts the WeChat build once per test file, as the mini-program runtime would: the globals
 * (wx, App, getApp, getCurrentPages, Page) first, then dist/weapp/app.js, which registers the app and
 * launches it. `wx.cloud` is the given cloud (Taro keeps the object it finds at start-up as Taro.cloud).
 * Pages are Taro page configs registered with `Page()`; miniprogram-simulate renders components only, so
 * each page runs as a component whose `attached` does what WeChat does on opening a page: onLoad(query)
 * then onShow().
 */
export function bootWeapp(cloud: WxCloud = unusedCloud): Weapp {
  if (booted) return booted;
  if (!existsSync(path.join(DIST_WEAPP, 'app.js'))) {
    throw new Error(`The WeChat build is missing (${DIST_WEAPP}/app.js): run npm run build:weapp`);
  }

  // miniprogram-simulate installs its mock `wx` and `Component` when first required
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const simulate = require('miniprogram-simulate') as Simulate;
  const g = globalThis as unknown as MiniProgramGlobals;
  const { navigateTo, switchTab, makePhoneCall } = g.wx as Record<string, (options: unknown) => unknown>;
  const wx: ObservedWx = {
    navigateTo: jest.fn((options: { url: string }) => navigateTo(options)),
    switchTab: jest.fn((options: { url: string }) => switchTab(options)),
    makePhoneCall: jest.fn((options: { phoneNumber: string }) => makePhoneCall(options)),
  };
  const info = { pixelRatio: 2, windowWidth: 375, windowHeight: 667, screenWidth: 375, screenHeight: 667, platform: 'devtools', SDKVersion: '3.7.0', language: 'zh_CN', version: '8.0.50' };
  const storage = new Map<string, unknown>();
  Object.assign(g.wx, {
    getSystemInfoSync: () => info,
    getWindowInfo: () => info,
    getDeviceInfo: () => info,
    getAppBaseInfo: () => info,
    getStorageSync: (key: string) => storage.get(key) ?? '',
    setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
    clearStorageSync: () => storage.clear(),
    cloud: cloud,
    ...wx,
  });

  let app: Record<string, unknown> | undefined;
  const pages: PageInstance[] = [];
  let nextQuery: Record<string, string> = {};
  g.App = (config) => {
    app = config;
    (config.onLaunch as Lifecycle | undefined)?.call(config as PageInstance, { path: 'pages/index/index', query: {}, scene: 1001 });
  };
  g.getApp = () => app;
  g.getCurrentPages = () => [...pages];
  g.Page = ({ data, ...methods }) => {
    g.Component({
      data,
      methods,
      lifetimes: {
        attached(this: PageInstance) {
          pages.push(this);
          this.onLoad?.(nextQuery);
          this.onShow?.();
        },
        detached(this: PageInstance) {
          this.onUnload?.();
          pages.splice(pages.indexOf(this), 1);
        },
      },
    });
  };

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(DIST_WEAPP, 'app.js'));

  // a page's chunk runs (and calls Page()) once per build, so each page is loaded once and rendered per open
  const loaded = new Map<string, string>();
  let current: PageHandle | undefined;
  booted = {
    wx,
    storage,
    open(route, query = {}) {
      current?.detach(); // one page at a time, as after wx.redirectTo: the previous one unloads
      let id = loaded.get(route);
      if (!id) {
        id = simulate.load(path.join(DIST_WEAPP, route), PAGE_TAG, { rootPath: DIST_WEAPP });
        loaded.set(route, id);
      }
      const page = simulate.render(id);
      nextQuery = query;
      page.attach(document.createElement('parent-wrapper'));
      current = page;
      return page;
    },
  };
  return booted;
}

/** The page's text as shown (Taro renders every node through its templates, so this is what WeChat shows). */
export function textOf(node: SimNode | undefined): string {
  return node?.dom?.textContent ?? '';
}

/**
 * Taps the node `selector` finds (the `tap` WeChat sends on a touch) and lets the handler run: Taro
 * dispatches a tap to React's onClick asynchronously. Fails when nothing matches.
 */
export async function tap(page: PageHandle, selector: string): Promise<void> {
  const node = page.querySelector(selector);
  if (!node) throw new Error(`nothing to tap: no ${selector} on the page, which shows: ${textOf(page) || '(nothing)'}`);
  node.dispatchEvent('tap');
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Waits until the page shows `expected` (Taro renders through setData after React commits, and a page
 * that calls a function renders again when the answer arrives). Fails with the text it did show.
 */
export async function waitForText(page: PageHandle, expected: string | RegExp): Promise<void> {
  const shows = () => (typeof expected === 'string' ? textOf(page).includes(expected) : expected.test(textOf(page)));
  for (let waited = 0; waited < WAIT_LIMIT_MS && !shows(); waited += WAIT_STEP_MS) {
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
  if (!shows()) throw new Error(`page did not show ${String(expected)} within ${WAIT_LIMIT_MS} ms; it shows: ${textOf(page) || '(nothing)'}`);
}

/** A page that calls a function in a test that gave no cloud: fail the call loudly, as WeChat would. */
const unusedCloud: WxCloud = {
  init: () => {},
  callFunction: ({ name }) => Promise.reject({ errMsg: `cloud.callFunction:fail this test file gave no cloud (called ${name})` }),
};

/** One rule of the build's WXSS: its selectors as written, and its declarations (`!important` kept apart). */
export interface WxssRule {
  selectors: string[];
  declarations: Array<{ prop: string; value: string; important: boolean }>;
}

/** A WXSS file of the build (`app.wxss`, `pages/index/index.wxss`) with its @imports inlined, as its rules. */
export function wxssRules(file: string): WxssRule[] {
  const rules: WxssRule[] = [];
  const read = (at: string): void => {
    postcss.parse(readFileSync(at, 'utf8')).each((node) => {
      if (node.type === 'atrule' && node.name === 'import') read(path.join(path.dirname(at), node.params.replace(/^["']|["']$/g, '')));
      if (node.type === 'rule') {
        const declarations: WxssRule['declarations'] = [];
        node.walkDecls((d) => void declarations.push({ prop: d.prop, value: d.value, important: d.important === true }));
        rules.push({ selectors: node.selectors, declarations });
      }
    });
  };
  read(path.join(DIST_WEAPP, file));
  return rules;
}

/**
 * Whether a WXSS selector applies to an element of a rendered page (`page.dom`), as WeChat would match it: miniprogram-simulate renders
 * `view` as `wx-view` and prefixes the page's classes (`.card` as `.page--card`), so the selector is read the same
 * way. Selectors jsdom cannot parse (pseudo-elements of WeChat's own) match nothing.
 */
export function wxssMatches(element: Element, selector: string): boolean {
  const asRendered = selector
    .replace(/\.([-_a-zA-Z][-_a-zA-Z0-9]*)/g, `.${PAGE_TAG}--$1`)
    .replace(/(^|[\s>+~])([a-z][a-z-]*)/g, '$1wx-$2');
  try {
    return element.matches(asRendered);
  } catch {
    return false;
  }
}
