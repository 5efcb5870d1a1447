import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { periodOf, shanghaiDate } from '../../src/core/time';
import { seriousViolations } from '../support/axe';
import { useChromiumOnLocalHost } from '../support/e2e';

jest.setTimeout(240_000);

/**
 * Supervision in real Chromium against a fresh local host: the national supervisor opens the overview; 扬州's staff
 * fill in the month just ended; 江苏's provincial supervisor submits the province's table and downloads its Excel
 * file. Each page is checked with axe-core (WCAG 2.2 AA: no serious or critical violation).
 */
const e2e = useChromiumOnLocalHost();
const { current } = e2e;

const JIANGSU = '320000';
const YANGZHOU = '321000';

/** The period just ended (the one a province submits by the 20th): the month before the running one. */
function endedPeriod(): string {
  const [year, month] = periodOf(shanghaiDate(new Date())).split('-').map(Number);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** Home -> 切换身份（本地开发） -> the persona, then 我的. */
async function actAs(persona: 'supervisor' | 'provincial-supervisor' | 'center-staff', label: string): Promise<void> {
  // a page load of its own: going to the same address with another hash only moves Taro's router
  await e2e.page.goto('about:blank');
  await e2e.page.goto(e2e.host.url);
  await current('#go-sign-in').click();
  await current(`#persona-${persona}`).click();
  await expect(current('#sign-in-roles').innerText()).resolves.toContain(label);
  await current('.sign-in-home').click();
  await current('#go-mine').click();
}

async function expectAccessible(): Promise<void> {
  // the page transition has settled: axe sees the page on screen only
  await e2e.page.waitForTimeout(400);
  expect(await seriousViolations(e2e.page)).toEqual([]);
}

describe('supervision: the overview, a province’s monthly submission and its Excel file', () => {
  const period = endedPeriod();

  it('shows the national supervisor the overview with the 39 centers whose links do not jump, every figure as words', async () => {
    await actAs('supervisor', '监管人员');
    await current('#mine-supervise').click();
    await e2e.page.waitForURL(/packages\/supervise\/overview\/index/);
    const jumping = await current('#overview-total-jumping-text').innerText();
    const [, jump, total] = /链接正常跳转 (\d+)\/(\d+) 个中心/.exec(jumping) ?? [];
    expect(Number(total) - Number(jump)).toBe(39);
    await current('#overview-trend-chart').waitFor();
    expect(await current('#overview-trend-chart .supervise-chart-column').count()).toBe(12);
    await current('#overview-satisfaction').waitFor();
    await expectAccessible();
  });

  it('lets 扬州’s staff fill in the month just ended beside the product’s own figures', async () => {
    await actAs('center-staff', `中心工作人员（${YANGZHOU}）`);
    await current('#mine-figures').click();
    await current(`#figures-period-${period}`).click();
    await current('#figures-form').waitFor();
    await expect(current('#figures-form').innerText()).resolves.toContain('小程序跳转');
    const values: Record<string, string> = { 'volumes-4': '4321', 'volumes-5': '12', 'volumes-6': '3', 'outside-jointCount': '2', 'outside-jointAmountWan': '35.5', 'outside-certificates': '1', windows: '6', zones: '2', training: '1234' };
    for (const [slug, value] of Object.entries(values)) await current(`#figures-${slug} input`).fill(value);
    await expectAccessible();
    await current('#figures-save').click();
    await current('#figures-state:has-text("已填报")').waitFor();
  });

  it('lets 江苏’s provincial supervisor submit the province’s table, which then reads 已报送, and download it as Excel', async () => {
    await actAs('provincial-supervisor', '省级监管人员');
    await current('#mine-supervise').click();
    await current('#overview-go-monthly').click();
    await current(`#monthly-period-${period}`).click();
    const card = `#monthly-province-${JIANGSU}`;
    await expect(current(`${card}-state`).innerText()).resolves.toMatch(/待报送|逾期未报送/);
    await expect(current(`${card}-unfilled`).innerText()).resolves.not.toContain('扬州');
    await expectAccessible();

    await current(`${card}-submit`).click();
    await e2e.page.locator('.taro-model__confirm').click();
    await current(`${card}-state:has-text("已报送")`).waitFor();
    await expect(current(`${card}-submission`).innerText()).resolves.toMatch(/^第 1 版，.+ 报送，文件校验码 [0-9a-f]{12}…$/);

    const [download] = await Promise.all([e2e.page.waitForEvent('download'), current('#monthly-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^江苏省-.+\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(await readFile(await download.path())).buffer);
    const sheet = book.worksheets[0];
    const texts: string[] = [];
    sheet.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.value))));
    expect(texts).toContain('住房公积金高频服务事项“跨省通办”工作落实情况汇总表');
    expect(texts.some((t) => t.includes('江苏省'))).toBe(true);
    // 扬州's row carries what its staff entered
    const yangzhou = sheet.getRows(1, sheet.rowCount)?.find((row) => String(row.values).includes('扬州'));
    expect(String(yangzhou?.values)).toContain('1234');
  });
});
