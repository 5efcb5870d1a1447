import { TextEncoder } from 'node:util';
import { render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import QRCode from 'qrcode';
import type { Result } from '../../src/core/errors';
import type { CodeImage, FindingStatus, FindingView } from '../../src/core/trial';
import LinksPage from '../../src/packages/portal/links';
import TrialFindingsPage from '../../src/packages/portal/trial-findings';
import { setDevOpenid } from '../../src/services/dev-identity';
import { seriousViolationsIn } from './support/axe';
import { eventsOf, fakeFunctions, type FakeCall } from './support/fake-functions';
import { bytesOfBlob, catchDownloads, releaseDownloads } from './support/downloads';
import { click, fill, textOf, waitForText } from './support/interact';
import { findElement, openWith, showPage } from './support/page';

/*
 * 试用问题 in the portal with the portal function's trial actions answered by the test (they are built beside this
 * page), and the links page opened from it to correct a link, the rest of it from the shared local host.
 */
jest.setTimeout(60_000);
// qrcode encodes with TextEncoder, which browsers and Node have and jsdom does not
Object.assign(globalThis, { TextEncoder });

const ok = <T,>(data: T): Result<T> => ({ ok: true, data });

const LINK: FindingView = {
  id: 'fnd0123456789abcdefghij',
  province: '320000',
  centerCode: '321000',
  centerName: '扬州市住房公积金管理中心',
  check: 'link:3',
  checkLabel: '事项 3 正常退休提取住房公积金',
  owner: 'center',
  status: 'open',
  statusLabel: '待处理',
  expected: '退休提取的办理页面',
  seen: '页面显示 404',
  observed: 'load-failed',
  screenshot: { fileId: 'findings/screenshot-1.png', name: '退休提取.png', url: '/downloads/screenshot-token' },
  openedAt: '2026-12-03T02:00:00.000Z',
  ageDays: 3,
  history: [
    { at: '2026-12-03T02:00:00.000Z', by: '张测试', kind: 'opened', note: '点击后白屏' },
    { at: '2026-12-04T03:30:00.000Z', by: '张测试', kind: 'reopened', note: '仍然打不开' },
  ],
};
const POSTER: FindingView = { ...LINK, id: 'fndabcdefghij0123456789', check: 'poster', checkLabel: '中心小程序码', expected: '扫码打开本中心页面', seen: '打开了首页', observed: null, screenshot: null, ageDays: 0, history: [LINK.history[0]] };

/** The portal function's trial actions: `findings` by status, and what `resolveFinding` and `posterCode` answer. */
function serve(findings: Partial<Record<FindingStatus, FindingView[]>>, resolve?: (event: Record<string, unknown>) => Result<unknown>, poster?: Result<CodeImage>): FakeCall[] {
  return fakeFunctions((fn, event) => {
    if (fn !== 'portal') return undefined;
    if (event.action === 'trialFindings') return ok({ items: findings[event.status as FindingStatus] ?? [] });
    if (event.action === 'resolveFinding' && resolve) return resolve(event);
    if (event.action === 'posterCode' && poster) return poster;
    return undefined;
  });
}

async function opened(): Promise<HTMLElement> {
  const { container } = render(<TrialFindingsPage />);
  await findElement(container, '.trial-finding, .state-empty, .state-error');
  return container;
}

beforeEach(() => {
  openWith({});
  setDevOpenid('dev-staff-321000');
  jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
});
afterEach(() => jest.restoreAllMocks());

it('lists the center’s open findings with what was expected and seen, what the app saw, the screenshot, age and history', async () => {
  const calls = serve({ open: [LINK, POSTER] });
  const container = await opened();
  const id = `#trial-finding-${LINK.id}`;
  expect(textOf(container, `${id}-status`)).toBe('待处理');
  expect(textOf(container, `${id}-expected`)).toBe('应为：退休提取的办理页面');
  expect(textOf(container, `${id}-seen`)).toBe('实际：页面显示 404');
  expect(textOf(container, `${id}-observed`)).toBe('小程序记录：网页加载失败');
  expect(textOf(container, `${id}-screenshot`)).toBe('查看截图（退休提取.png）');
  expect(textOf(container, `${id}-age`)).toBe('提出于 2026-12-03 10:00，已 3 天');
  expect(textOf(container, `${id}-history-1`)).toBe('2026-12-04 11:30 张测试 复核未通过，重新打开仍然打不开');
  expect(textOf(container, `#trial-finding-${POSTER.id}-age`)).toBe('提出于 2026-12-03 10:00，今天提出');
  expect(eventsOf(calls, 'portal', 'trialFindings')).toEqual([{ action: 'trialFindings', status: 'open' }]);
});

it('shows the screenshot through its short-lived link, and says so when the link no longer answers', async () => {
  serve({ open: [LINK] });
  const preview = jest.spyOn(Taro, 'previewImage').mockResolvedValue({ errMsg: 'previewImage:ok' });
  const container = await opened();
  // the local host knows no such download: it refuses, as it does once a link has lapsed or for another person
  await click(container, `#trial-finding-${LINK.id}-screenshot`);
  await findElement(container, `#trial-finding-${LINK.id}-screenshot-error`);
  expect(preview).not.toHaveBeenCalled();
});

it('shows the findings of the status picked', async () => {
  const fixed = { ...LINK, status: 'fixed' as const, statusLabel: '已整改待复核' };
  const calls = serve({ open: [], fixed: [fixed] });
  const container = await opened();
  expect(textOf(container, '.state-empty')).toBe('暂无待处理的试用问题');
  // the status shown says so in words, not by colour alone; each status is a button
  expect(Array.from(container.querySelectorAll('#trial-findings-status .chip'), (e) => [e.tagName.toLowerCase(), e.textContent])).toEqual([
    ['taro-button-core', '已选：待处理'],
    ['taro-button-core', '已整改待复核'],
    ['taro-button-core', '已关闭'],
  ]);
  await click(container, '#trial-findings-status-fixed');
  await waitForText(container, `#trial-finding-${LINK.id}-waiting`, '已标记整改，等待测试人员复核');
  expect(textOf(container, '#trial-findings-status-fixed')).toBe('已选：已整改待复核');
  expect(container.querySelector(`#trial-finding-${LINK.id}-resolve`)).toBeNull();
  expect(eventsOf(calls, 'portal', 'trialFindings').map((e) => e.status)).toEqual(['open', 'fixed']);
});

it('marks a finding fixed only with a note, and shows it waiting for the tester', async () => {
  const calls = serve({ open: [POSTER] }, (e) => ok({ ...POSTER, status: 'fixed', statusLabel: '已整改待复核', history: [...POSTER.history, { at: '2026-12-06T02:00:00.000Z', by: '本人', kind: 'fixed', note: String(e.note) }] }));
  const container = await opened();
  const id = `#trial-finding-${POSTER.id}`;
  await click(container, `${id}-resolve`);
  await waitForText(container, `${id}-note-error`, '请填写整改说明');
  expect(eventsOf(calls, 'portal', 'resolveFinding')).toEqual([]);

  await fill(container, `${id}-note textarea`, '已重新生成小程序码并更换海报');
  await click(container, `${id}-resolve`);
  await waitForText(container, `${id}-status`, '已整改待复核');
  expect(eventsOf(calls, 'portal', 'resolveFinding')).toEqual([{ action: 'resolveFinding', id: POSTER.id, note: '已重新生成小程序码并更换海报' }]);
  expect(textOf(container, `${id}-history-1`)).toBe('2026-12-06 10:00 本人 标记已整改已重新生成小程序码并更换海报');
  expect(container.querySelector(`${id}-resolve`)).toBeNull();
});

it('shows the function’s refusal under the finding', async () => {
  serve({ open: [POSTER] }, () => ({ ok: false, code: 'FINDING_NOT_FOUND', message: '没有这个试用问题，或它不属于本中心' }));
  const container = await opened();
  const id = `#trial-finding-${POSTER.id}`;
  await fill(container, `${id}-note textarea`, '已更换海报');
  await click(container, `${id}-resolve`);
  await waitForText(container, `${id}-note-error`, '没有这个试用问题，或它不属于本中心');
  expect(textOf(container, `${id}-status`)).toBe('待处理');
});

it('offers 更正链接 for a link finding only, opening the links page with the finding and its item', async () => {
  serve({ open: [LINK, POSTER] });
  const navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
  const container = await opened();
  expect(container.querySelector(`#trial-finding-${POSTER.id}-correct-link`)).toBeNull();
  await click(container, `#trial-finding-${LINK.id}-correct-link`);
  expect(navigate.mock.calls.map(([o]) => o.url)).toEqual([`/packages/portal/links/index?findingId=${LINK.id}&item=3`]);
});

it('opens the links page’s form on the finding’s item and sends the finding with the proposed link', async () => {
  openWith({ findingId: LINK.id, item: '3' });
  const calls = fakeFunctions((fn, event) => (fn === 'portal' && event.action === 'proposeLink' ? ok({ id: 'chg-test', target: { kind: 'link', item: 3 } }) : undefined));
  const { container } = render(<LinksPage />);
  await findElement(container, '#links-propose', 30_000);
  expect(container.querySelector('#links-target-3')?.className).toContain('chip-selected');
  expect(textOf(container, '#links-propose-finding')).toContain('整改内部试用发现的“退休提取”链接问题');
  expect((await findElement<HTMLInputElement>(container, '#links-date input')).value).toBe('');
  await fill(container, '#links-url input', 'https://gjj.yangzhou.gov.cn/retire');
  await click(container, '#links-submit');
  await waitFor(() => expect(eventsOf(calls, 'portal', 'proposeLink')).toHaveLength(1));
  const sent = eventsOf(calls, 'portal', 'proposeLink');
  // the date left empty: a trial correction goes live when a supervisor approves it
  expect(sent).toEqual([{ action: 'proposeLink', item: 3, url: 'https://gjj.yangzhou.gov.cn/retire', findingId: LINK.id }]);
});

it('explains on a link finding to propose the right link first, or to mark it fixed when fixed otherwise', async () => {
  serve({ open: [LINK, POSTER] });
  const container = await opened();
  const how = textOf(container, `#trial-finding-${LINK.id}-how`);
  expect(how).toContain('请先点“更正链接”');
  expect(how).toContain('监管人员审核通过后，本问题即为已整改');
  expect(how).toContain('已用其他方式整改的');
  expect(container.querySelector(`#trial-finding-${POSTER.id}-how`)).toBeNull();
});

it('asks the findings again when shown again (back from the links page)', async () => {
  const calls = serve({ open: [LINK] });
  const container = await opened();
  // the first show is the mount's, already loaded
  showPage();
  expect(eventsOf(calls, 'portal', 'trialFindings')).toHaveLength(1);
  showPage();
  await waitFor(() => expect(eventsOf(calls, 'portal', 'trialFindings')).toHaveLength(2));
  await waitForText(container, `#trial-finding-${LINK.id}-status`, '待处理');
});

it('shows a finding as the function answers it when asked again (a correction approved meanwhile)', async () => {
  const fixed: FindingView = { ...LINK, status: 'fixed', statusLabel: '已整改待复核', history: [...LINK.history, { at: '2026-12-06T02:00:00.000Z', by: '监管人员', kind: 'fixed', note: '链接更正已审核通过' }] };
  let approved = false;
  fakeFunctions((fn, event) => (fn === 'portal' && event.action === 'trialFindings' ? ok({ items: [approved ? fixed : LINK] }) : undefined));
  const container = await opened();
  showPage();
  approved = true;
  showPage();
  await waitForText(container, `#trial-finding-${LINK.id}-status`, '已整改待复核');
  expect(container.querySelector(`#trial-finding-${LINK.id}-resolve`)).toBeNull();
});

it('leads to the 链接与接口登记 page for the center’s own code', async () => {
  serve({ open: [] });
  const navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
  const container = await opened();
  expect(container.querySelector('#links-poster')).toBeNull();
  await click(container, '#trial-poster-go');
  expect(navigate).toHaveBeenCalledWith({ url: '/packages/portal/links/index' });
});

describe('the center’s own code, on the 链接与接口登记 page', () => {
  afterEach(releaseDownloads);

  async function linksPage(): Promise<HTMLElement> {
    const { container } = render(<LinksPage />);
    await findElement(container, '#links-poster', 30_000);
    return container;
  }

  it('shows it on H5 as a QR code of the center page with the center’s scene, and saves it as a PNG', async () => {
    // the link stands for WeChat's code: H5 never fetches it and draws the page's address with the same scene instead
    const calls = serve({}, undefined, ok({ image: { name: '本中心小程序码.png', contentType: 'image/png', sha256: 'a'.repeat(64), size: 8, url: '/downloads/x', expiresAt: '2026-12-06T08:00:00.000Z' }, page: 'pages/center/index', scene: 'c=321000' }));
    const drawn = jest.spyOn(QRCode, 'toDataURL');
    const caught = catchDownloads();
    const container = await linksPage();
    await click(container, '#links-poster-show');
    const image = await findElement(container, '#links-poster-image');
    expect(eventsOf(calls, 'portal', 'posterCode')).toEqual([{ action: 'posterCode' }]);
    expect(drawn.mock.calls.map((c) => c[0])).toEqual([`${location.origin}${location.pathname}#/pages/center/index?scene=c%3D321000`]);
    const src = (image as unknown as { src?: string }).src ?? '';
    expect(src).toBe(await drawn.mock.results[0].value);

    await click(container, '#links-poster-save');
    expect(caught.anchors.map((a) => a.download)).toEqual(['本中心小程序码.png']);
    const saved = await bytesOfBlob(caught.blobs[0]);
    expect(Buffer.from(saved).toString('base64')).toBe(src.slice(src.indexOf(',') + 1));
  });

  it('says why when WeChat cannot make it', async () => {
    serve({}, undefined, { ok: false, code: 'WECHAT_UNAVAILABLE', message: '暂时无法生成小程序码，请稍后再试' });
    const container = await linksPage();
    await click(container, '#links-poster-show');
    await waitForText(container, '#links-poster-error', '暂时无法生成小程序码，请稍后再试');
    expect(container.querySelector('#links-poster-image')).toBeNull();
  });
});

it('has no serious or critical accessibility violation (axe-core, WCAG 2.2 AA)', async () => {
  serve({ open: [LINK, POSTER] });
  const container = await opened();
  expect(await seriousViolationsIn(container)).toEqual([]);
});
