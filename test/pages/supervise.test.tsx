import { render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { provinceName, type DashboardAnswer, type OnlineCompletionAnswer, type ProgressAnswer } from '../../src/core/supervision';
import { periodOf, shanghaiDate } from '../../src/core/time';
import FiguresPage from '../../src/packages/portal/figures';
import MinePage from '../../src/pages/mine';
import OnlineReasonPage from '../../src/packages/portal/online-reason';
import LiaisonsPage from '../../src/packages/supervise/liaisons';
import MonthlyPage from '../../src/packages/supervise/monthly';
import OnlinePage from '../../src/packages/supervise/online';
import OverviewPage from '../../src/packages/supervise/overview';
import ProgressPage from '../../src/packages/supervise/progress';
import RecommendationsPage from '../../src/packages/supervise/recommendations';
import { setDevOpenid } from '../../src/services/dev-identity';
import { portalCalls } from '../../src/services/portal';
import { superviseCalls } from '../../src/services/supervise';
import { bodiesOf } from './support/calls';
import { bytesOfBlob, catchDownloads, releaseDownloads } from './support/downloads';
import { click, confirmModals, fill, pickCenter, press, textOf, waitForText } from './support/interact';
import { findElement, openWith } from './support/page';

/*
 * The supervise subpackage against the shared local host: its catalog, the 39 centers whose links are marked not
 * jumping (notice 2021-30, annex 1), its demo routes; national supervisor dev-supervisor, and the provincial
 * supervisor of 江苏 dev-province-320000 (the local host's PROVINCIAL_SUPERVISORS default).
 */
// the overview asks for the tables of every province and the dashboard's figures (12 periods counted): more than one round trip
jest.setTimeout(60_000);
const LOADED_MS = 30_000;

const NATIONAL = 'dev-supervisor';
const JIANGSU = '320000';
const PROVINCIAL = 'dev-province-320000';
const STAFF = 'dev-staff-321000';
const YANGZHOU = '321000';

/** The running report period, and the one just ended (the one a province submits by the 20th). */
const RUNNING = periodOf(shanghaiDate(new Date()));
const ENDED = (() => {
  const [year, month] = RUNNING.split('-').map(Number);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
})();

/** An answer of the function itself, as the current person; throws unless it succeeds. */
async function asked<T>(call: Promise<{ ok: true; data: T } | { ok: false; message: string }>): Promise<T> {
  const got = await call;
  if (!got.ok) throw new Error(got.message);
  return got.data;
}

async function rendered(page: JSX.Element, ready: string): Promise<HTMLElement> {
  const { container } = render(page);
  await findElement(container, `${ready}, .state-error`, LOADED_MS);
  return container;
}

/** The events sent to the supervise function through a spy on fetch since it was set. */
const superviseBodies = (spy: jest.SpyInstance) => bodiesOf(spy).filter((c) => c.url.includes('/api/supervise')).map((c) => c.body);

beforeEach(() => {
  openWith({});
  jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
});
afterEach(() => {
  jest.restoreAllMocks();
  releaseDownloads();
});

describe('overview', () => {
  let progress: ProgressAnswer;
  let online: OnlineCompletionAnswer;
  beforeAll(async () => {
    setDevOpenid(NATIONAL);
    progress = await asked(superviseCalls.progress());
    online = await asked(superviseCalls.onlineCompletion());
  });

  it('shows a national supervisor the national totals as words and bars, the 39 centers whose links do not jump taken off those jumping', async () => {
    setDevOpenid(NATIONAL);
    const container = await rendered(<OverviewPage />, '#overview-access-total');

    const { centers, connected, notJumping, testingPassed } = progress.totals;
    expect(notJumping).toBe(39);
    expect(textOf(container, '#overview-scope')).toContain('全国监管总览');
    expect(textOf(container, '#overview-total-connected-text')).toBe(`已接入 ${connected}/${centers} 个中心，${Math.round((connected / centers) * 100)}%`);
    expect(textOf(container, '#overview-total-jumping-text')).toContain(`链接正常跳转 ${centers - 39}/${centers} 个中心`);
    expect(textOf(container, '#overview-total-tested-text')).toContain(`接口测试已通过 ${testingPassed}/${centers}`);
    const notDone = new Set(online.rows.flatMap((r) => [...r.items['4'].centerCodes, ...r.items['5'].centerCodes, ...r.items['6'].centerCodes]));
    expect(textOf(container, '#overview-total-online-text')).toContain(`第4-6项全程网办 ${centers - notDone.size}/${centers}`);
    // every province the catalog has, each with its own bars
    expect(container.querySelectorAll('[id^="overview-province-"]')).toHaveLength(progress.rows.length);
    const jiangsu = progress.rows.find((r) => r.province === JIANGSU);
    expect(textOf(container, `#overview-${JIANGSU}-connected-text`)).toContain(`已接入 ${jiangsu?.connected}/${jiangsu?.centers}`);
  });

  it('opens the rows behind a figure: a province’s bar opens its progress table, its full-online bar the completion table', async () => {
    setDevOpenid(NATIONAL);
    const navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await rendered(<OverviewPage />, '#overview-access-total');

    await click(container, `#overview-${JIANGSU}-jumping`);
    await click(container, `#overview-${JIANGSU}-online`);
    expect(navigate.mock.calls.map(([o]) => o.url)).toEqual([`/packages/supervise/progress/index?province=${JIANGSU}`, `/packages/supervise/online/index?province=${JIANGSU}`]);
  });

  it('shows the running period’s volume per item and the last 12 periods as bars with their values written, one chart per item picked, from one call', async () => {
    setDevOpenid(NATIONAL);
    const spy = jest.spyOn(globalThis, 'fetch');
    const container = await rendered(<OverviewPage />, '#overview-access-total');
    await findElement(container, '#overview-trend-chart', LOADED_MS);
    // the 12 periods come with the dashboard's one call, not a monthly table each
    const actions = superviseBodies(spy).map((b) => b.action);
    expect(actions.filter((a) => a === 'dashboard')).toHaveLength(1);
    expect(actions).not.toContain('monthly');
    spy.mockRestore();

    const period = periodOf(shanghaiDate(new Date()));
    const current = await asked(superviseCalls.monthly(period));
    expect(textOf(container, '#overview-volume-4')).toBe(`单位登记开户${current.totals.items['4'].volume} 件`);
    expect(textOf(container, '#overview-volume-7')).toBe(`购房提取${current.totals.items['7'].count} 件`);
    const columns = container.querySelectorAll('#overview-trend-chart .supervise-chart-column');
    expect(columns).toHaveLength(12);
    expect(textOf(container, '#overview-trend-chart-11')).toBe(`${current.totals.items['4'].volume}${Number(period.slice(5))}月`);
    await click(container, '#overview-trend-item-8');
    await waitForText(container, '#overview-trend-chart .supervise-chart-unit', '贷款还清证明');
    expect(textOf(container, '#overview-trend-chart-11')).toBe(`${current.totals.items['8'].count}${Number(period.slice(5))}月`);
  });

  it('shows average transfer time per province against the national 6 as words and bars, the centers overdue for acceptance and the 差评 still open', async () => {
    setDevOpenid(NATIONAL);
    const navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await rendered(<OverviewPage />, '#overview-access-total');
    await findElement(container, '#overview-transfer-national', LOADED_MS);
    const figures: DashboardAnswer = await asked(superviseCalls.dashboard());

    const days = (avg: number | null) => (avg === null ? '无办结' : `${avg} 个工作日`);
    expect(textOf(container, '#overview-transfer-national')).toBe(`平均 ${days(figures.national.avgWorkingDays)}，办结 ${figures.national.count} 件（全国 6 个工作日）`);
    expect(container.querySelectorAll('[id^="overview-transfer-"][id$="-text"]')).toHaveLength(figures.transferTime.length);
    const jiangsu = figures.transferTime.find((r) => r.province === JIANGSU);
    expect(textOf(container, `#overview-transfer-${JIANGSU}-text`)).toContain(`${provinceName(JIANGSU)} ${days(jiangsu?.avgWorkingDays ?? null)}，办结 ${jiangsu?.count} 件`);
    // the national figure is marked on every province's bar
    expect(container.querySelectorAll('#overview-transfer .supervise-target')).toHaveLength(figures.transferTime.length);

    const overdue = figures.overdue.reduce((n, r) => n + r.count, 0);
    expect(textOf(container, '#overview-overdue-count')).toBe(`${overdue} 件，${figures.overdue.length} 个中心`);
    expect(container.querySelectorAll('[id^="overview-overdue-"]:not(#overview-overdue-count)')).toHaveLength(figures.overdue.length);
    expect(textOf(container, '#overview-follow-ups-open')).toBe(`${figures.followUpsOpen.total} 条差评未整改完成`);
    expect(textOf(container, '#overview-call-backs-overdue')).toBe(`${figures.callBacksOverdue.total} 条回访已逾期`);
    expect(container.querySelectorAll('[id^="overview-call-backs-"]:not(#overview-call-backs-overdue)')).toHaveLength(figures.callBacksOverdue.rows.length);
    expect(textOf(container, '#overview-scans-total')).toBe(`本期 ${figures.posterScans.total} 次`);
    expect(container.querySelectorAll('[id^="overview-scans-center-"]')).toHaveLength(Math.min(10, figures.posterScans.centers.length));

    await click(container, `#overview-transfer-${JIANGSU}`);
    expect(navigate.mock.calls.map(([o]) => o.url)).toEqual([`/packages/supervise/progress/index?province=${JIANGSU}`]);
  });

  it('shows national supervisors 好差评 and the deliveries given up on, and a provincial supervisor only their own province without them', async () => {
    setDevOpenid(NATIONAL);
    const national = await rendered(<OverviewPage />, '#overview-access-total');
    await findElement(national, '#overview-satisfaction', LOADED_MS);
    await findElement(national, '#overview-dead-letters-count', LOADED_MS);
    expect(textOf(national, '#overview-poor')).toMatch(/^差评（不满意、非常不满意）\d+ 条/);

    setDevOpenid(PROVINCIAL);
    const provincial = await rendered(<OverviewPage />, `#overview-province-${JIANGSU}`);
    expect(textOf(provincial, '#overview-scope')).toContain(`${provinceName(JIANGSU)}监管总览`);
    expect(provincial.querySelectorAll('[id^="overview-province-"]')).toHaveLength(1);
    expect(provincial.querySelector('#overview-access-total')).toBeNull();
    expect(provincial.querySelector('#overview-satisfaction')).toBeNull();
    // their own province's transfer time and 差评 still open, no other province's
    await findElement(provincial, '#overview-follow-ups-open', LOADED_MS);
    expect(provincial.querySelectorAll('[id^="overview-transfer-"][id$="-text"]')).toHaveLength(1);
    expect(provincial.querySelector(`#overview-transfer-${JIANGSU}`)).not.toBeNull();
  });
});

describe('access progress table', () => {
  it('opens on the province a figure named, its centers listed with the items whose links do not jump and their interface testing', async () => {
    setDevOpenid(NATIONAL);
    const answer = await asked(superviseCalls.progress(JIANGSU));
    const broken = answer.rows[0].rows.find((c) => c.brokenItems.length > 0);
    openWith({ province: JIANGSU });
    const container = await rendered(<ProgressPage />, '#progress-table');

    expect(textOf(container, '#supervise-province-filter')).toContain('只看江苏省');
    expect(container.querySelectorAll('[id^="progress-province-"][id$="-toggle"]')).toHaveLength(1);
    expect(container.querySelectorAll('[id^="progress-center-"][id$="-test"]')).toHaveLength(answer.rows[0].rows.length);
    if (broken) expect(textOf(container, `#progress-center-${broken.centerCode}-links`)).toBe(`第${broken.brokenItems.join('、')}项链接未正常跳转`);
    expect(textOf(container, `#progress-province-${JIANGSU}-not-jumping`)).toBe(`${answer.rows[0].notJumping} 个`);
  });

  it('refuses a date after today under the field and asks nothing, then shows the table as of a past date', async () => {
    setDevOpenid(NATIONAL);
    openWith({ province: JIANGSU });
    const container = await rendered(<ProgressPage />, '#progress-table');
    const spy = jest.spyOn(globalThis, 'fetch');

    await fill(container, '#progress-date input', '2099-01-01');
    await press(container, '#progress-query');
    expect(textOf(container, '#progress-date-error')).toBe('统计日期不能晚于今天');
    expect(superviseBodies(spy)).toEqual([]);

    await fill(container, '#progress-date input', '2026-01-05');
    await press(container, '#progress-query');
    await waitForText(container, '#progress-title', '截至 2026-01-05');
    expect(superviseBodies(spy)).toEqual([{ action: 'progress', province: JIANGSU, asOf: '2026-01-05' }]);
  });

  it('shows a provincial supervisor the function’s refusal when the page is opened on another province', async () => {
    setDevOpenid(PROVINCIAL);
    openWith({ province: '110000' });
    const container = await rendered(<ProgressPage />, '#progress-table');

    expect(textOf(container, '.state-error .state-message')).not.toBe('');
    expect(container.querySelector('#progress-table')).toBeNull();
  });

  it('exports the table as an Excel file and downloads it on H5 under its name', async () => {
    setDevOpenid(NATIONAL);
    openWith({ province: JIANGSU });
    const container = await rendered(<ProgressPage />, '#progress-table');
    const downloads = catchDownloads();

    await press(container, '#progress-export');
    await waitFor(() => expect(downloads.anchors.length + container.querySelectorAll('#progress-export-error').length).toBe(1), { timeout: LOADED_MS });
    expect(textOf(container, '#progress-export-error')).toBe('');
    expect(downloads.anchors).toHaveLength(1);
    expect(downloads.anchors[0].download).toMatch(/\.xlsx$/);
    // an xlsx is a zip: it starts PK\x03\x04
    const bytes = await bytesOfBlob(downloads.blobs[0]);
    expect([...bytes.slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  });

  it('exports the table as of the date shown as CSV too, downloaded under its name', async () => {
    setDevOpenid(NATIONAL);
    openWith({ province: JIANGSU });
    const container = await rendered(<ProgressPage />, '#progress-table');
    await fill(container, '#progress-date input', '2026-01-05');
    await press(container, '#progress-query');
    await waitForText(container, '#progress-title', '截至 2026-01-05', LOADED_MS);
    const spy = jest.spyOn(globalThis, 'fetch');
    const downloads = catchDownloads();

    await press(container, '#progress-export-csv');
    await waitFor(() => expect(downloads.anchors.length + container.querySelectorAll('#progress-export-error').length).toBe(1), { timeout: LOADED_MS });
    expect(textOf(container, '#progress-export-error')).toBe('');
    expect(superviseBodies(spy)).toEqual([{ action: 'export', report: 'progress', format: 'csv', province: JIANGSU, asOf: '2026-01-05' }]);
    expect(downloads.anchors[0].download).toBe('江苏省-小程序接入工作进展情况表-2026-01-05.csv');
    // a CSV for Excel: a UTF-8 BOM, then the header's first column
    const bytes = await bytesOfBlob(downloads.blobs[0]);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(downloads.blobs[0].type).toBe('text/csv; charset=utf-8');
  });
});

describe('a refused download', () => {
  /** The export is made; its download answers `response` instead of the file. */
  async function exportRefused(response: () => Response): Promise<string> {
    setDevOpenid(NATIONAL);
    openWith({ province: JIANGSU });
    const container = await rendered(<ProgressPage />, '#progress-table');
    const real = globalThis.fetch;
    jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => (String(input).startsWith('/downloads/') ? Promise.resolve(response()) : real(input, init)));
    await press(container, '#progress-export');
    return waitForText(container, '#progress-export-error', /.+/, LOADED_MS);
  }

  it('says the host’s refusal under the button', async () => {
    const refusal = { ok: false, code: 'FORBIDDEN', message: '只能下载本人导出的文件' };
    expect(await exportRefused(() => new Response(JSON.stringify(refusal), { status: 403 }))).toBe('只能下载本人导出的文件');
  });

  it('says the download failed when the refusal is not one the functions give', async () => {
    expect(await exportRefused(() => new Response(JSON.stringify({ error: 'bad gateway' }), { status: 502 }))).toBe('文件下载失败，请稍后重试');
  });
});

describe('三个一百 recommendations', () => {
  it('is opened from the overview', async () => {
    setDevOpenid(NATIONAL);
    const navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await rendered(<OverviewPage />, '#overview-tables');
    await click(container, '#overview-go-recommendations');
    expect(navigate.mock.calls.map(([o]) => o.url)).toEqual(['/packages/supervise/recommendations/index']);
  });

  it('lets the province’s supervisor add one about its center, refusing a short title and summary under their fields first, then withdraw it', async () => {
    setDevOpenid(PROVINCIAL);
    const container = await rendered(<RecommendationsPage />, '#recommendations-table');
    const prefix = `#recommend-${JIANGSU}`;
    const before = await asked(superviseCalls.recommendations(JIANGSU));
    const windows = before.rows[0].counts.window;
    expect(textOf(container, `${prefix}-count-window`)).toBe(`示范窗口${windows}/5 个`);
    await click(container, `${prefix}-add`);
    const spy = jest.spyOn(globalThis, 'fetch');

    await pickCenter(container, `${prefix}-centerCode`, '扬州', YANGZHOU);
    await fill(container, `${prefix}-title input`, '扬');
    await fill(container, `${prefix}-summary textarea`, '很好');
    await press(container, `${prefix}-save`);
    expect(textOf(container, `${prefix}-title-error`)).toBe('请填写标题');
    expect(textOf(container, `${prefix}-summary-error`)).toBe('简介至少 10 个字');
    expect(superviseBodies(spy)).toEqual([]);

    await fill(container, `${prefix}-title input`, '扬州市中心跨省通办示范窗口');
    await fill(container, `${prefix}-summary textarea`, '设立跨省通办专窗，异地购房提取一次办结，平均用时 2 个工作日。');
    await press(container, `${prefix}-save`);
    await waitForText(container, `${prefix}-count-window`, `示范窗口${windows + 1}/5 个`, LOADED_MS);
    const added = (await asked(superviseCalls.recommendations(JIANGSU))).rows[0].items.find((i) => i.title === '扬州市中心跨省通办示范窗口');
    expect(added).toMatchObject({ kind: 'window', centerCode: YANGZHOU });
    expect(textOf(container, `${prefix}-item-${added?.id}`)).toContain('扬州市中心跨省通办示范窗口');

    confirmModals();
    await press(container, `${prefix}-remove-${added?.id}`);
    await waitForText(container, `${prefix}-count-window`, `示范窗口${windows}/5 个`, LOADED_MS);
    expect(container.querySelector(`${prefix}-item-${added?.id}`)).toBeNull();
  });

  it('shows national supervisors every province’s counts without the ways to add or withdraw', async () => {
    setDevOpenid(NATIONAL);
    const container = await rendered(<RecommendationsPage />, '#recommendations-table');
    expect(textOf(container, '#recommendations-title')).toMatch(/^已达标 \d+\/32 个省份/);
    expect(container.querySelector(`#recommend-${JIANGSU}-count-story`)).not.toBeNull();
    expect(container.querySelector('[id$="-add"], [id*="-remove-"]')).toBeNull();
  });
});

describe('full-online completion table', () => {
  it('shows each province’s items 4-6 as 已完成 or N个中心未完成, and the centers not done with their notes', async () => {
    setDevOpenid(NATIONAL);
    const answer = await asked(superviseCalls.onlineCompletion(JIANGSU));
    openWith({ province: JIANGSU });
    const container = await rendered(<OnlinePage />, '#online-table');

    for (const item of ['4', '5', '6'] as const) expect(textOf(container, `#online-province-${JIANGSU}-${item}`)).toBe(answer.rows[0].items[item].label);
    const lines = answer.attachment.filter((l) => l.province === JIANGSU);
    expect(container.querySelectorAll('[id^="online-reason-"]')).toHaveLength(lines.length);
  });
});

describe('liaisons', () => {
  it('refuses a landline without its area code under the field, sending nothing, then keeps the liaison and shows the mobile masked', async () => {
    setDevOpenid(PROVINCIAL);
    const container = await rendered(<LiaisonsPage />, '#liaisons-table');
    await click(container, `#liaison-${JIANGSU}-edit`);
    const spy = jest.spyOn(globalThis, 'fetch');
    await fill(container, `#liaison-${JIANGSU}-name input`, '王小明');
    await fill(container, `#liaison-${JIANGSU}-position input`, '住房公积金监管处副处长');
    await fill(container, `#liaison-${JIANGSU}-landline input`, '83881234');
    await fill(container, `#liaison-${JIANGSU}-mobile input`, '13912345678');
    await press(container, `#liaison-${JIANGSU}-save`);

    expect(textOf(container, `#liaison-${JIANGSU}-landline-error`)).toBe('座机应为“区号-号码”，如 025-83881234');
    expect(superviseBodies(spy)).toEqual([]);

    await fill(container, `#liaison-${JIANGSU}-landline input`, '025-83881234');
    await press(container, `#liaison-${JIANGSU}-save`);
    await waitForText(container, `#liaison-${JIANGSU}-state`, '已报送');
    expect(textOf(container, `#liaison-${JIANGSU}-person`)).toContain('王小明 · 住房公积金监管处副处长');
    expect(textOf(container, `#liaison-${JIANGSU}-person`)).toContain('座机 025-83881234');
    expect(textOf(container, `#liaison-${JIANGSU}-person`)).not.toContain('13912345678');
    expect(superviseBodies(spy)).toEqual([{ action: 'setLiaison', province: JIANGSU, name: '王小明', position: '住房公积金监管处副处长', landline: '025-83881234', mobile: '13912345678' }]);
  });
});

describe('the monthly figures of a center (portal)', () => {
  it('shows the product’s own figures beside the fields, refuses a negative count and an amount with three decimals under their fields, and sends nothing', async () => {
    setDevOpenid(STAFF);
    const container = await rendered(<FiguresPage />, '#figures-form');
    const spy = jest.spyOn(globalThis, 'fetch');

    expect(textOf(container, '#figures-periods')).toContain(`${ENDED}（上期）`);
    expect(textOf(container, '#figures-form')).toMatch(/小程序跳转 \d+ 次，小程序内申请 \d+ 件/);
    // the period chosen is the one ended (上期): not 本期, and late once its day to report has passed
    const due = /请于 (\d{4}-\d{2}-\d{2}) 前填报/.exec(textOf(container, '#figures-period'))?.[1] ?? '';
    expect(textOf(container, '#figures-state')).toBe(shanghaiDate(new Date()) > due ? `该期尚未填报，已过 ${due} 的填报期限，请尽快填报` : '该期尚未填报');
    await fill(container, '#figures-volumes-4 input', '-1');
    await fill(container, '#figures-outside-jointAmountWan input', '1.234');
    await press(container, '#figures-save');

    expect(textOf(container, '#figures-volumes-4-error')).toBe('单位登记开户当月业务量不能为负数');
    expect(textOf(container, '#figures-outside-jointAmountWan-error')).toBe('小程序外两地联办购房提取金额（万元）最多保留两位小数');
    expect(textOf(container, '#figures-windows-error')).toBe('请填写线下窗口数量');
    expect(bodiesOf(spy).filter((c) => c.url.includes('/api/portal'))).toEqual([]);
  });

  it('saves the period’s figures, which the province’s monthly table then shows as 已填报 with them', async () => {
    setDevOpenid(STAFF);
    const container = await rendered(<FiguresPage />, '#figures-form');
    const values = { 'volumes-4': '40', 'volumes-5': '50', 'volumes-6': '60', 'outside-jointCount': '7', 'outside-jointAmountWan': '12.5', 'outside-certificates': '8', windows: '3', zones: '1', training: '25' };
    for (const [slug, value] of Object.entries(values)) await fill(container, `#figures-${slug} input`, value);
    await press(container, '#figures-save');
    await waitForText(container, '#figures-state', '已填报');

    setDevOpenid(PROVINCIAL);
    openWith({ period: ENDED });
    const table = await rendered(<MonthlyPage />, '#monthly-table');
    // the only province shown opens with its centers
    expect(textOf(table, `#monthly-center-${YANGZHOU}-filled`)).toBe('已填报');
    expect(textOf(table, `#monthly-center-${YANGZHOU}-4`)).toBe('第4项 单位登记开户全程网办，40 件');
    expect(textOf(table, `#monthly-center-${YANGZHOU}-7`)).toContain('12.50 万元');
    expect(textOf(table, `#monthly-province-${JIANGSU}-unfilled`)).not.toContain('扬州');
  });
});

describe('the monthly table and its submission', () => {
  it('shows a national supervisor the national totals, how many provinces are overdue, and each province’s state as the function gives it, offering no submission', async () => {
    setDevOpenid(NATIONAL);
    const answer = await asked(superviseCalls.monthly(ENDED));
    openWith({ period: ENDED });
    const container = await rendered(<MonthlyPage />, '#monthly-table');

    expect(textOf(container, '#monthly-span')).toContain(`报送截止 ${answer.due}`);
    expect(textOf(container, '#monthly-total-lines-4')).toContain(`${answer.totals.items['4'].volume} 件`);
    expect(textOf(container, '#monthly-overdue')).toContain(`逾期未报送：${answer.provinces.filter((p) => p.state === 'overdue').length} 个省份`);
    const jiangsu = answer.provinces.find((p) => p.province === JIANGSU);
    expect(textOf(container, `#monthly-province-${JIANGSU}-state`)).toBe(jiangsu?.state === 'overdue' ? '逾期未报送' : jiangsu?.state === 'open' ? '待报送' : '已报送');
    // a province's own supervisors submit its table
    expect(container.querySelectorAll('[id$="-submit"]')).toHaveLength(0);
  });

  it('offers no submission for the running period, whose figures are so far', async () => {
    setDevOpenid(PROVINCIAL);
    openWith({ period: RUNNING });
    const container = await rendered(<MonthlyPage />, '#monthly-table');

    expect(textOf(container, '#monthly-span')).toContain('（进行中）');
    expect(container.querySelector(`#monthly-province-${JIANGSU}-submit`)).toBeNull();
    expect(textOf(container, `#monthly-province-${JIANGSU}`)).toContain('本期尚未结束');
  });

  it('lets the provincial supervisor submit the province’s table after confirming, which then reads 已报送 with its first version', async () => {
    setDevOpenid(PROVINCIAL);
    openWith({ period: ENDED });
    const container = await rendered(<MonthlyPage />, '#monthly-table');
    const modal = confirmModals();
    const spy = jest.spyOn(globalThis, 'fetch');

    await press(container, `#monthly-province-${JIANGSU}-submit`);
    await waitForText(container, `#monthly-province-${JIANGSU}-state`, '已报送', LOADED_MS);
    expect(String(modal.mock.calls[0]?.[0]?.content)).toContain('报送后表格冻结');
    expect(superviseBodies(spy)[0]).toEqual({ action: 'submitMonthly', period: ENDED, province: JIANGSU });
    expect(textOf(container, `#monthly-province-${JIANGSU}-submission`)).toMatch(/^第 1 版，.+ 报送，文件校验码 [0-9a-f]{12}…$/);
    expect(container.querySelector(`#monthly-province-${JIANGSU}-submit`)).toBeNull();
  });

  it('after a center corrects its figures, asks the province for the correction’s reason under the field before it submits the next version', async () => {
    setDevOpenid(STAFF);
    const before = await asked(portalCalls.monthlyFigures(ENDED));
    expect(before.submitted).toBe(true);
    const figures = before.entered ?? { volumes: { '4': 0, '5': 0, '6': 0 }, outside: { jointCount: 0, jointAmountWan: 0, certificates: 0 }, windows: 0, zones: 0, training: 0 };
    await asked(portalCalls.setMonthlyFigures(ENDED, { ...figures, training: figures.training + 1 }, '补录当月培训人次'));

    setDevOpenid(PROVINCIAL);
    openWith({ period: ENDED });
    const container = await rendered(<MonthlyPage />, '#monthly-table');
    expect(textOf(container, `#monthly-province-${JIANGSU}-corrected`)).toContain('请核对后报送更正版本');
    // the corrected line as it stands now beside the submitted one
    expect(textOf(container, `#monthly-province-${JIANGSU}-correction-${YANGZHOU}`)).toContain(`/ ${figures.training + 1}`);
    expect(textOf(container, `#monthly-center-${YANGZHOU}`)).toContain(`/ ${figures.training}`);
    const spy = jest.spyOn(globalThis, 'fetch');
    await press(container, `#monthly-province-${JIANGSU}-submit`);
    expect(textOf(container, `#monthly-province-${JIANGSU}-reason-error`)).not.toBe('');
    expect(superviseBodies(spy)).toEqual([]);

    confirmModals();
    await fill(container, `#monthly-province-${JIANGSU}-reason input`, '扬州补录培训人次');
    await press(container, `#monthly-province-${JIANGSU}-submit`);
    await waitForText(container, `#monthly-province-${JIANGSU}-submission`, '第 2 版', LOADED_MS);
    expect(textOf(container, `#monthly-province-${JIANGSU}-submission`)).toContain('更正原因：扬州补录培训人次');
  });
});

describe('the note on an item not fully online (portal)', () => {
  it('shows which of items 4-6 the center has made fully online, refuses a past date under the field, then keeps the note the province’s table attaches', async () => {
    setDevOpenid(STAFF);
    const container = await rendered(<OnlineReasonPage />, '#online-reason-4');
    expect(textOf(container, '#online-reason-4-state')).toBe('已实现全程网办');
    expect(container.querySelector('#online-reason-4-form')).toBeNull();
    expect(textOf(container, '#online-reason-5-state')).toBe('尚未实现全程网办');
    const spy = jest.spyOn(globalThis, 'fetch');

    await fill(container, '#online-reason-5-reason input', '单位开户需现场核验印章，系统改造中');
    await fill(container, '#online-reason-5-date input', '2020-01-01');
    await press(container, '#online-reason-5-save');
    expect(textOf(container, '#online-reason-5-date-error')).toBe('预计完成日期不能早于今天');
    expect(bodiesOf(spy).filter((c) => c.url.includes('/api/portal'))).toEqual([]);

    await fill(container, '#online-reason-5-date input', '2099-03-31');
    await press(container, '#online-reason-5-save');
    await waitForText(container, '#online-reason-5-saved', '预计 2099-03-31 完成');

    setDevOpenid(PROVINCIAL);
    openWith({});
    const table = await rendered(<OnlinePage />, '#online-table');
    expect(textOf(table, `#online-reason-${YANGZHOU}-5`)).toContain('原因：单位开户需现场核验印章，系统改造中；预计完成：2099-03-31');
  });
});

describe('the ways in from 我的', () => {
  it('gives a provincial supervisor 监管总览 but not the national supervisors’ 角色管理, and staff 月度数据填报 and 未全程网办说明', async () => {
    setDevOpenid(PROVINCIAL);
    const provincial = await rendered(<MinePage />, '#mine-supervise');
    expect(textOf(provincial, '#mine-supervise')).toContain('监管总览');
    expect(provincial.querySelector('#mine-roles')).toBeNull();
    expect(provincial.querySelector('#mine-figures')).toBeNull();

    setDevOpenid(STAFF);
    const staff = await rendered(<MinePage />, '#mine-figures');
    expect(staff.querySelector('#mine-online-reason')).not.toBeNull();
    expect(staff.querySelector('#mine-supervise')).toBeNull();

    setDevOpenid(NATIONAL);
    const national = await rendered(<MinePage />, '#mine-roles');
    expect(national.querySelector('#mine-supervise')).not.toBeNull();
  });
});
