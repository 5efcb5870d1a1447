import { readFileSync } from 'node:fs';
import path from 'node:path';
import { idCheckChar } from '../../src/core/identity';
import { seriousViolations } from '../support/axe';
import { useChromiumOnLocalHost } from '../support/e2e';
import { verifyOnHost } from '../support/local-host';

jest.setTimeout(600_000);

/**
 * Every page of the app (every page in src/app.config.ts, so a page added later is checked too), each opened by the
 * persona it is for, in Chromium on the local host, in 标准版 and in 长辈版: axe-core's WCAG 2.2 AA rules (wcag2a,
 * wcag2aa, wcag21aa, wcag22aa) find no serious or critical violation, no control lies off screen, no placeholder is
 * cut and no line ends on one character; in 长辈版 the computed sizes of every visible text and control meet the MIIT
 * elderly-friendly numbers (shared DOMAIN.md, "Elderly-friendly numbers"). Those are given in pt on the phone; here
 * 1 pt is taken as 1 CSS px at the 390 px wide viewport the pages are opened in (an iPhone's 390 pt wide screen).
 */
const e2e = useChromiumOnLocalHost();

const ELDER = { mainText: 18, largestText: 30, lineHeight: 1.3, target: 60 };
const YANGZHOU = '321000';

type Persona = 'employee' | 'center-staff' | 'supervisor' | 'tester';
/** The dev sign-in's persona for each, and the role its check names (e2e.signIn). */
const PERSONAS: Record<Persona, string> = { employee: '缴存职工', 'center-staff': '中心工作人员', supervisor: '监管人员', tester: '内部测试人员' };

/**
 * Who opens a subpackage's pages (the main package's are the employee's). The local host's sign-in is anyone's: it is
 * outside the page shell, never drawn in 长辈版, so only 标准版's checks apply to it.
 */
const PACKAGE_PERSONAS: Record<string, Persona> = {
  'packages/code': 'employee',
  'packages/account': 'employee',
  'packages/portal': 'center-staff',
  'packages/supervise': 'supervisor',
  'packages/trial': 'tester',
  'packages/dev': 'employee',
};
/** The portal's pages for supervisors (变更审核, 角色管理, 节假日安排), not for a center's staff. */
const SUPERVISORS_PORTAL_PAGES = ['packages/portal/review/index', 'packages/portal/roles/index', 'packages/portal/calendar/index'];

/** Every page as src/app.config.ts lists them (the main package's, then each subpackage's), with the persona that opens it. */
function pagesByPersona(): { page: string; persona: Persona | undefined; root: string }[] {
  const config = readFileSync(path.resolve(__dirname, '../../src/app.config.ts'), 'utf8');
  const list = /pages:\s*\[([\s\S]*?)\]/.exec(config)?.[1] ?? '';
  const main = [...list.matchAll(/'(pages\/[^']+)'/g)].map((m) => ({ page: m[1], persona: 'employee' as Persona, root: '' }));
  const packaged = [...config.matchAll(/\{\s*root:\s*'([^']+)',\s*pages:\s*\[([^\]]*)\]/g)].flatMap(([, root, pages]) =>
    [...pages.matchAll(/'([^']+)'/g)].map((m) => {
      const page = `${root}/${m[1]}`;
      return { page, persona: SUPERVISORS_PORTAL_PAGES.includes(page) ? ('supervisor' as const) : PACKAGE_PERSONAS[root], root };
    }),
  );
  return [...main, ...packaged];
}

/** The pages H5's tab bar is on screen with (首页, 我的申请, 我的), as src/app.config.ts lists them. */
function tabBarPages(): string[] {
  const config = readFileSync(path.resolve(__dirname, '../../src/app.config.ts'), 'utf8');
  return [...config.matchAll(/pagePath:\s*'(pages\/[^']+)'/g)].map((m) => m[1]);
}

/** The parameters a page needs to show its content (not its "missing parameter" message). */
const params = (id: string): Record<string, string> => ({
  'pages/center/index': `code=${YANGZHOU}`,
  'pages/item/index': `item=7&code=${YANGZHOU}`,
  'pages/application/index': `id=${id}`,
  'pages/certificate/index': 'type=certificate-loan-cleared',
  'pages/service-request/index': `item=5&code=${YANGZHOU}`,
  // the web-view's fallback: a link that is not https is refused with a message
  'pages/webview/index': `url=${encodeURIComponent('http://example.com/')}`,
  'packages/code/show/index': `id=${id}`,
  // the transfer is 扬州's, the staff persona's center
  'packages/portal/workbench-detail/index': `id=${id}`,
  'packages/trial/checklist/index': `code=${YANGZHOU}`,
});

/** A transfer of the dev employee (the H5 build's default persona), verified first through the host's functions. */
async function transferOfDevEmployee(url: string): Promise<string> {
  const first17 = '32100219850303123';
  await verifyOnHost(url, 'dev-employee', '张三', first17 + idCheckChar(first17));
  const res = await fetch(`${url}/api/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': 'dev-employee' },
    body: JSON.stringify({
      action: 'submit',
      type: 'transfer',
      requestId: 'accessibility-0001',
      payload: { transferOutCenter: '320100', transferInCenter: YANGZHOU, formerEmployer: '南京某某科技有限公司', formerAccount: '12345678', newEmployer: '扬州某某制造有限公司', newAccount: '87654321', phone: '13812345678' },
    }),
  });
  const answer = (await res.json()) as { ok: boolean; message?: string; data?: { id: string } };
  if (!answer.ok || !answer.data) throw new Error(`transfer not submitted: ${answer.message}`);
  return answer.data.id;
}

interface Measured {
  texts: { text: string; fontSize: number; lineHeight: number }[];
  controls: { what: string; width: number; height: number }[];
  /** Controls partly past the screen's sides, or held in place on the screen (a fixed view, nothing scrolling between) and partly off it. */
  offScreen: string[];
  /** Empty one-line inputs whose placeholder is wider than the room for it (the person reads it cut short). */
  cutPlaceholders: string[];
  /** Texts of several lines whose last line is one character (缴存信息变 / 更). */
  loneLastCharacters: string[];
}

/**
 * The page on screen as laid out, with H5's tab bar (drawn by Taro outside the pages, on screen on 首页, 我的申请 and
 * 我的): every visible text (its computed font size and line height as a multiple of it) and every visible control —
 * buttons, links, inputs, and views that answer a tap (React's onClick on them) — with its bounding box.
 */
async function measure(): Promise<Measured> {
  return e2e.page.evaluate(() => {
    const page = document.querySelector('.taro_page_stationed');
    if (!page) return { texts: [], controls: [], offScreen: [], cutPlaceholders: [], loneLastCharacters: [] };
    const roots = [page, ...Array.from(document.querySelectorAll('.taro-tabbar__tabbar'))];
    const shown = (el: Element) => {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.opacity !== '0';
    };
    const describe = (el: Element) => {
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 24);
      return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
    };
    const texts: Measured['texts'] = [];
    const loneLastCharacters: string[] = [];
    for (const root of roots) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        const text = (node.textContent ?? '').trim();
        if (!parent || text === '' || !shown(parent)) continue;
        const style = getComputedStyle(parent);
        const fontSize = parseFloat(style.fontSize);
        // the text's lines as laid out, when it ends its block (its last line is the block's): a last line no wider
        // than one character, under a line of Chinese
        let block: Element = parent;
        while (block.parentElement && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
        if (text.length > 3 && /[\u4e00-\u9fff]/.test(text) && (block.textContent ?? '').trim().endsWith(text)) {
          const range = document.createRange();
          range.selectNodeContents(node);
          const lines = new Map<number, number>();
          for (const rect of Array.from(range.getClientRects())) lines.set(Math.round(rect.top), (lines.get(Math.round(rect.top)) ?? 0) + rect.width);
          const widths = [...lines.entries()].sort(([a], [b]) => a - b).map(([, width]) => width);
          if (widths.length > 1 && widths[widths.length - 1] <= fontSize * 1.1) loneLastCharacters.push(`${describe(parent)}: ${text.slice(-12)}`);
        }
        // "normal" is about 1.2 in Chromium's fonts: not the 1.3 asked for
        const lineHeight = style.lineHeight === 'normal' ? 1.2 : parseFloat(style.lineHeight) / fontSize;
        texts.push({ text: `${describe(parent)}: ${text.slice(0, 24)}`, fontSize, lineHeight: Math.round(lineHeight * 100) / 100 });
      }
    }
    const inRoots = (selector: string) => roots.flatMap((root) => Array.from(root.querySelectorAll(selector)));
    // inputs' own words (what is typed and the placeholder) are text too
    for (const input of inRoots('input:not([type=file]):not([type=hidden]), textarea')) {
      if (!shown(input)) continue;
      const style = getComputedStyle(input);
      const fontSize = parseFloat(style.fontSize);
      const lineHeight = style.lineHeight === 'normal' ? 1.2 : parseFloat(style.lineHeight) / fontSize;
      texts.push({ text: describe(input), fontSize, lineHeight: Math.round(lineHeight * 100) / 100 });
    }
    // Taro's H5 components are custom elements whose React wrapper adds the listeners itself: a view answers a tap
    // when its element's fiber, or a component rendering exactly that element, has onClick (or onTap)
    type Fiber = { memoizedProps?: Record<string, unknown> | null; type?: unknown; child?: Fiber | null; return?: Fiber | null };
    const tappable = (el: Element) => {
      const key = Object.keys(el).find((k) => k.startsWith('__reactFiber$'));
      let fiber = key ? (el as unknown as Record<string, Fiber | undefined>)[key] : undefined;
      while (fiber) {
        const props = fiber.memoizedProps;
        if (typeof props?.onClick === 'function' || typeof props?.onTap === 'function') return true;
        const parent = fiber.return;
        if (!parent || typeof parent.type === 'string' || parent.child !== fiber) return false;
        fiber = parent;
      }
      return false;
    };
    // a file input is hidden in the label drawn as its button (components/file-pick): the label is measured
    const controlSelector = 'taro-button-core, button, a[href], label:has(> input[type=file]), input:not([type=hidden]), textarea, select, [role=button], [role=link], [role=tab], [role=checkbox], [role=radio], [role=switch]';
    // whether the view stays where it is on the screen whatever is scrolled: a fixed view met before any view that
    // scrolls, going up from it
    const heldInPlace = (el: Element) => {
      for (let at: Element | null = el; at; at = at.parentElement) {
        const style = getComputedStyle(at);
        if (at !== el && /(auto|scroll)/.test(style.overflowY) && at.scrollHeight > at.clientHeight) return false;
        if (style.position === 'fixed') return true;
      }
      return false;
    };
    const controls: Measured['controls'] = [];
    const offScreen: string[] = [];
    for (const el of inRoots('*')) {
      if (!(el.matches(controlSelector) || tappable(el)) || !shown(el)) continue;
      if (el.matches('input[type=file]')) continue;
      const box = el.getBoundingClientRect();
      controls.push({ what: describe(el), width: Math.round(box.width), height: Math.round(box.height) });
      // past the screen's sides (no page scrolls sideways), or held in place past its top or bottom
      const offSide = box.left < -0.5 || box.right > innerWidth + 0.5;
      const off = offSide || box.top < -0.5 || box.bottom > innerHeight + 0.5;
      if (offSide || (off && heldInPlace(el))) offScreen.push(`${describe(el)} (${Math.round(box.left)},${Math.round(box.top)} ${Math.round(box.width)}x${Math.round(box.height)})`);
    }
    // a placeholder's width in the input's own font, against the input's width inside its padding
    const canvas = document.createElement('canvas').getContext('2d')!;
    const cutPlaceholders: string[] = [];
    for (const input of inRoots('input:not([type=file]):not([type=hidden])') as HTMLInputElement[]) {
      if (!shown(input) || input.value !== '' || !input.placeholder) continue;
      const style = getComputedStyle(input);
      canvas.font = style.font;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const needed = canvas.measureText(input.placeholder).width;
      if (needed > room + 1) cutPlaceholders.push(`${describe(input)} “${input.placeholder}” (${Math.round(needed)} > ${Math.round(room)} px)`);
    }
    return { texts, controls, offScreen, cutPlaceholders, loneLastCharacters };
  });
}

/** What in the page on screen (and its tab bar when it has one) is below the 长辈版 numbers, one line each. */
function elderOffenders({ texts, controls }: Measured, withTabBar: boolean): string[] {
  const tabLabels = texts.filter((t) => t.text.includes('.weui-tabbar__label')).length;
  const offenders = [
    ...(withTabBar && tabLabels !== 3 ? [`标签栏的 3 个标签只量到 ${tabLabels} 个`] : []),
    ...texts.filter((t) => t.fontSize < ELDER.mainText).map((t) => `文字 ${t.fontSize}px < ${ELDER.mainText}: ${t.text}`),
    ...texts.filter((t) => t.lineHeight < ELDER.lineHeight).map((t) => `行高 ${t.lineHeight} < ${ELDER.lineHeight}: ${t.text}`),
    ...controls.filter((c) => c.width < ELDER.target || c.height < ELDER.target).map((c) => `点击区域 ${c.width}x${c.height} < ${ELDER.target}x${ELDER.target}: ${c.what}`),
  ];
  const largest = Math.max(0, ...texts.map((t) => t.fontSize));
  if (largest < ELDER.largestText) offenders.push(`最大文字 ${largest}px < ${ELDER.largestText}`);
  return offenders;
}

/**
 * Opens `page` as the person would (a load of its own) and waits for it to settle: words on screen, loading states
 * gone. Answers whether it showed anything.
 */
async function show(page: string, query: string | undefined): Promise<boolean> {
  await e2e.open(query ? `${page}?${query}` : page);
  const settled = () => {
    const shown = document.querySelector('.taro_page_stationed');
    return shown instanceof HTMLElement && shown.innerText.trim() !== '' && !shown.querySelector('.state-loading');
  };
  const ok = await e2e.page.waitForFunction(settled, undefined, { timeout: 30_000 }).then(() => true, () => false);
  await e2e.page.waitForTimeout(600);
  return ok;
}

/** 长辈版 on or off as the app keeps it (Taro's storage on H5: localStorage, `{ data }` as JSON). */
async function chooseElder(on: boolean): Promise<void> {
  await e2e.open('pages/index/index');
  await e2e.page.evaluate((value) => localStorage.setItem('elder-mode', JSON.stringify({ data: value })), on);
}

let applicationId = '';
beforeAll(async () => {
  applicationId = await transferOfDevEmployee(e2e.host.url);
});

it('opens every page of src/app.config.ts by a persona it is for', () => {
  const pages = pagesByPersona();
  expect(pages.length).toBeGreaterThanOrEqual(44);
  // a subpackage added later must say whose it is
  expect(pages.filter((p) => p.root !== '' && !(p.root in PACKAGE_PERSONAS))).toEqual([]);
  for (const persona of Object.keys(PERSONAS)) expect(pages.some((p) => p.persona === persona)).toBe(true);
  for (const page of SUPERVISORS_PORTAL_PAGES) expect(pages.some((p) => p.page === page)).toBe(true);
});

describe.each([
  ['标准版', false],
  ['长辈版', true],
])('every page in %s', (_mode, elder) => {
  it.each(Object.keys(PERSONAS) as Persona[])(`of the %s has no serious or critical WCAG 2.2 AA violation${elder ? ' and meets the elderly-friendly sizes' : ''}`, async (persona) => {
    await chooseElder(elder);
    await e2e.signIn(persona, PERSONAS[persona]);
    const pages = pagesByPersona()
      .filter((p) => p.persona === persona)
      .map((p) => p.page);
    const withTabBar = tabBarPages();
    expect(withTabBar).toHaveLength(3);
    const problems: Record<string, string[]> = {};
    for (const page of pages) {
      if (!(await show(page, params(applicationId)[page]))) {
        problems[page] = ['页面未显示任何内容'];
        continue;
      }
      const found = (await seriousViolations(e2e.page)).map((v) => `${v.impact} ${v.id} (${v.help}): ${v.targets.slice(0, 5).join(' | ')}`);
      const measured = await measure();
      // a control partly off the screen that no scrolling brings into view
      found.push(...measured.offScreen.map((what) => `超出屏幕，滑动也看不全: ${what}`));
      found.push(...measured.cutPlaceholders.map((what) => `提示文字显示不全: ${what}`));
      found.push(...measured.loneLastCharacters.map((what) => `末行只剩一个字: ${what}`));
      if (elder && !page.startsWith('packages/dev/')) found.push(...elderOffenders(measured, withTabBar.includes(page)));
      if (found.length > 0) problems[page] = found;
      await e2e.shot(`accessibility-${elder ? 'elder' : 'standard'}-${page.split('/').slice(page.startsWith('pages/') ? 1 : 0, -1).join('-')}`);
    }
    expect(problems).toEqual({});
  });
});
