import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tcb from '@cloudbase/node-sdk';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { handler as supervise } from '../../cloudfunctions/supervise';
import { cloudbaseFileStore } from '../../cloudfunctions/_lib/files/cloudbase';
import { localFileStore, type LocalFileStore } from '../../cloudfunctions/_lib/files/local';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { EXPORT_LINK_MINUTES } from '../../cloudfunctions/_lib/supervision/export-report';
import { exportFile, type ExportInput, type ExportScope } from '../../cloudfunctions/_lib/supervision/exports';
import type { ExportAnswer } from '../../src/core/contracts/supervise';
import type { Fail, Ok } from '../../src/core/errors';
import type { LiaisonsAnswer, MonthlyAnswer, MonthlyProvince, MonthlyRow, MonthlyTotals, OnlineCompletionAnswer, ProgressAnswer } from '../../src/core/supervision';
import { FUNCTIONS } from '../../tools/local-cloud/functions';
import { createLocalCloud } from '../../tools/local-cloud/server';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { startLocalHost } from '../support/local-host';

/**
 * `supervise export` (issue 14): the tables as files laid out as their annexes, read back with a real reader
 * (exceljs for the workbook and for the CSV), stored under a random name and fetched by a short-lived link that
 * only the caller may use; audited with the file's sha256.
 */
jest.setTimeout(60_000);

const T0 = new Date('2026-11-20T10:00:00+08:00');
const JIANGSU: ExportScope = { provinces: ['320000'], madeAt: T0 };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function workbookOf(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(new Uint8Array(bytes).buffer);
  return workbook;
}
/** Every row of a sheet as its cells' values (1-based columns, as Excel numbers them; empty cells undefined). */
const rowsOf = (ws: ExcelJS.Worksheet) => {
  const rows: (ExcelJS.CellValue | undefined)[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => (rows[n] = Array.from({ length: ws.columnCount }, (_, i) => row.getCell(i + 1).value ?? undefined)));
  return rows;
};
/** The CSV read back by exceljs's CSV reader (fast-csv), after its BOM. */
async function csvRows(bytes: Buffer): Promise<string[][]> {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const workbook = new ExcelJS.Workbook();
  const ws = await workbook.csv.read(Readable.from([bytes.subarray(3)]), { map: (value: string) => value });
  return rowsOf(ws).slice(1).map((row) => row.map((v) => (v === undefined ? '' : String(v))));
}

const REFERENCE = { jumps: { '4': 0, '5': 0, '6': 0 }, inApp: { '4': 0, '5': 0, '6': 0 }, joint: { count: 0, amountWan: 0 }, certificates: 0 };
const monthlyRow = (centerCode: string, centerName: string, figures: { v4: number; o5: boolean; c7: number; a7: number; c8: number; windows: number }): MonthlyRow => ({
  centerCode,
  centerName,
  province: `${centerCode.slice(0, 2)}0000`,
  items: {
    '4': { online: true, volume: figures.v4 },
    '5': { online: figures.o5, volume: 3 },
    '6': { online: true, volume: 0 },
    '7': { count: figures.c7, amountWan: figures.a7 },
    '8': { count: figures.c8 },
  },
  windows: figures.windows,
  zones: 1,
  training: 12,
  reference: REFERENCE,
  filledAt: '2026-11-16T02:00:00.000Z',
});
const totalsOf = (v4: number, online5: number, c7: number, a7: number, c8: number, windows: number, centers: number): MonthlyTotals => ({
  items: {
    '4': { online: centers, volume: v4 },
    '5': { online: online5, volume: 3 * centers },
    '6': { online: centers, volume: 0 },
    '7': { count: c7, amountWan: a7 },
    '8': { count: c8 },
  },
  windows,
  zones: centers,
  training: 12 * centers,
});
const province = (code: string, provinceName: string, totals: MonthlyTotals): MonthlyProvince => ({ province: code, provinceName, totals, unfilled: [], state: 'open', late: false, submission: null, corrected: false, corrections: [] });
const JIANGSU_TOTALS = totalsOf(47, 1, 3, 47.75, 1, 5, 2);
const MONTHLY: MonthlyAnswer = {
  period: { from: '2026-10-15', to: '2026-11-15' },
  month: '2026-11',
  due: '2026-11-20',
  running: false,
  rows: [
    monthlyRow('320100', '南京住房公积金管理中心', { v4: 40, o5: true, c7: 2, a7: 35.5, c8: 1, windows: 3 }),
    monthlyRow('321000', '扬州市住房公积金管理中心', { v4: 7, o5: false, c7: 1, a7: 12.25, c8: 0, windows: 2 }),
  ],
  totals: JIANGSU_TOTALS,
  provinces: [province('320000', '江苏省', JIANGSU_TOTALS)],
};
const monthly = (answer = MONTHLY): ExportInput => ({ report: 'monthly', answer });

describe('the files, laid out as the annexes', () => {
  it('lays out the monthly table as annex 2: title, 填报 lines, two-row merged header, centers, 总计 and 填表说明', async () => {
    const file = await exportFile(monthly(), 'xlsx', JIANGSU);
    expect(file.name).toBe('江苏省-跨省通办工作落实情况汇总表-2026-11.xlsx');
    expect(file.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const ws = (await workbookOf(file.bytes)).worksheets[0];
    const rows = rowsOf(ws);
    expect(ws.columnCount).toBe(13);
    expect(rows[1][0]).toBe('住房公积金高频服务事项“跨省通办”工作落实情况汇总表');
    expect(rows[2][0]).toBe('填报省份（盖章）：江苏省');
    expect(rows[3][0]).toBe('填报时间：2026年11月20日');
    expect(rows[4][0]).toBe('填报期间：自2026年10月15日至2026年11月15日');
    // the header: grouped columns under one merged cell, the others merged over both rows
    expect(rows[5]).toEqual([
      '城市中心',
      '住房公积金单位登记开户',
      '住房公积金单位登记开户',
      '住房公积金单位及个人缴存信息变更',
      '住房公积金单位及个人缴存信息变更',
      '提前还清住房公积金贷款',
      '提前还清住房公积金贷款',
      '通过两地联办方式办理异地购房提取住房公积金',
      '通过两地联办方式办理异地购房提取住房公积金',
      '通过代收代办方式开具住房公积金个人住房贷款全部还清证明笔数',
      '设置“跨省通办”业务线下窗口数量(个)',
      '设置“跨省通办”业务线上专区数量(个)',
      '当月参加“跨省通办”培训人次',
    ]);
    expect(rows[6].slice(1, 9)).toEqual(['是否实现全程网办', '当月业务量', '是否实现全程网办', '当月业务量', '是否实现全程网办', '当月业务量', '笔数', '金额(万元)']);
    const merges = ws.model.merges;
    expect(merges).toEqual(expect.arrayContaining(['A1:M1', 'A2:M2', 'A5:A6', 'B5:C5', 'D5:E5', 'F5:G5', 'H5:I5', 'J5:J6', 'K5:K6', 'L5:L6', 'M5:M6']));
    expect(ws.getCell('C5').isMerged && ws.getCell('C5').master.address).toBe('B5');
    // the header is printed again on every page
    expect(ws.pageSetup.printTitlesRow).toBe('5:6');
    // one row per center, the annex's columns in its order; the amount in 万元 with two decimals
    expect(rows[7]).toEqual(['南京住房公积金管理中心', '是', 40, '是', 3, '是', 0, 2, 35.5, 1, 3, 1, 12]);
    expect(rows[8]).toEqual(['扬州市住房公积金管理中心', '是', 7, '否', 3, '是', 0, 1, 12.25, 0, 2, 1, 12]);
    expect(ws.getCell('I7').numFmt).toBe('0.00');
    // the province's totals row, in bold: centers not fully online counted as annex 3 words it
    expect(rows[9]).toEqual(['总计', '已完成', 47, '1个中心未完成', 6, '已完成', 0, 3, 47.75, 1, 5, 2, 24]);
    expect(ws.getCell('A9').font.bold).toBe(true);
    // the notes under the table, after a blank row
    expect(rows[10].every((v) => v === undefined)).toBe(true);
    expect(rows[11][0]).toBe('填表说明：1. 对省内有未实现全程网办的城市中心，省厅需另附书面材料说明未实现原因和预计完成时间。');
    expect(rows[12][0]).toBe('2. 两地联办和代收代办事项，受理地和缴存地均需统计业务笔数，提取金额由缴存地填写。');
    expect(rows[14][0]).toBe('4. 填报期间为自上月15日至本月15日。');
    expect(merges).toContain('A14:M14');
  });

  it('lists a national table province by province, each with its totals row, then the national 总计', async () => {
    const zhejiang = monthlyRow('330100', '杭州住房公积金管理中心', { v4: 5, o5: true, c7: 4, a7: 1.2, c8: 2, windows: 1 });
    const zhejiangTotals = totalsOf(5, 1, 4, 1.2, 2, 1, 1);
    const answer: MonthlyAnswer = {
      ...MONTHLY,
      running: true,
      rows: [...MONTHLY.rows, zhejiang],
      totals: totalsOf(52, 2, 7, 48.95, 3, 6, 3),
      provinces: [province('320000', '江苏省', JIANGSU_TOTALS), province('330000', '浙江省', zhejiangTotals)],
    };
    const file = await exportFile(monthly(answer), 'xlsx', { provinces: [], madeAt: T0 });
    expect(file.name).toBe('全国-跨省通办工作落实情况汇总表-2026-11.xlsx');
    const ws = (await workbookOf(file.bytes)).worksheets[0];
    const rows = rowsOf(ws);
    expect(rows[2][0]).toBe('填报省份（盖章）：全国');
    // the running period says its figures are those so far
    expect(rows[4][0]).toBe('填报期间：自2026年10月15日至2026年11月15日（统计中，为截至填报时间的数据）');
    expect(rows.slice(7, 13).map((r) => r[0])).toEqual(['南京住房公积金管理中心', '扬州市住房公积金管理中心', '江苏省合计', '杭州住房公积金管理中心', '浙江省合计', '总计']);
    expect(rows[9]).toEqual(['江苏省合计', '已完成', 47, '1个中心未完成', 6, '已完成', 0, 3, 47.75, 1, 5, 2, 24]);
    expect(rows[11]).toEqual(['浙江省合计', '已完成', 5, '已完成', 3, '已完成', 0, 4, 1.2, 2, 1, 1, 12]);
    expect(rows[12]).toEqual(['总计', '已完成', 52, '1个中心未完成', 9, '已完成', 0, 7, 48.95, 3, 6, 3, 36]);
    expect(['A9', 'A10', 'A12'].map((a) => ws.getCell(a).font.bold === true)).toEqual([true, false, true]);
  });

  it('writes the same columns and rows as CSV with a BOM, read back by a CSV reader', async () => {
    const file = await exportFile(monthly(), 'csv', JIANGSU);
    expect(file.name).toBe('江苏省-跨省通办工作落实情况汇总表-2026-11.csv');
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    const rows = await csvRows(file.bytes);
    expect(rows[0]).toHaveLength(13);
    expect(rows[0].slice(0, 3)).toEqual(['城市中心', '住房公积金单位登记开户：是否实现全程网办', '住房公积金单位登记开户：当月业务量']);
    expect(rows[0][8]).toBe('通过两地联办方式办理异地购房提取住房公积金：金额(万元)');
    expect(rows[1]).toEqual(['南京住房公积金管理中心', '是', '40', '是', '3', '是', '0', '2', '35.50', '1', '3', '1', '12']);
    expect(rows[3]).toEqual(['总计', '已完成', '47', '1个中心未完成', '6', '已完成', '0', '3', '47.75', '1', '5', '2', '24']);
    expect(rows).toHaveLength(4);
  });

  it('gives the same bytes and sha256 for the same table and time, whenever it is made', async () => {
    const first = await exportFile(monthly(), 'xlsx', JIANGSU);
    // the clock moves on (zip entries, workbook properties): the file must not
    jest.useFakeTimers({ now: new Date('2027-03-01T08:00:00+08:00'), doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask', 'clearTimeout', 'clearInterval', 'clearImmediate'] });
    try {
      const again = await exportFile(monthly(), 'xlsx', JIANGSU);
      expect(sha256(again.bytes)).toBe(sha256(first.bytes));
    } finally {
      jest.useRealTimers();
    }
    const zip = await JSZip.loadAsync(first.bytes);
    for (const entry of Object.values(zip.files)) expect(entry.date.getTime()).toBe(Math.floor(T0.getTime() / 2000) * 2000);
    // another table is another file
    const changed = { ...MONTHLY, rows: [MONTHLY.rows[0]] };
    expect(sha256((await exportFile(monthly(changed), 'xlsx', JIANGSU)).bytes)).not.toBe(sha256(first.bytes));
  });

  it('lays out access progress as annex 1 of notice 2021-30, with the centers behind each column', async () => {
    const center = (centerCode: string, centerName: string, brokenItems: (4 | 5 | 6)[], interfaceTest: 'not-started' | 'started' | 'passed') => ({
      centerCode,
      centerName,
      live: true,
      brokenItems,
      interfaceTest,
      lastRunAt: null,
    });
    const answer: ProgressAnswer = {
      asOf: '2026-11-19',
      rows: [
        {
          province: '320000',
          provinceName: '江苏省',
          centers: 3,
          connected: 3,
          notJumping: 1,
          testingStarted: 2,
          testingPassed: 1,
          rows: [center('320300', '徐州市住房公积金管理中心', [4, 6], 'not-started'), center('321000', '扬州市住房公积金管理中心', [], 'passed'), center('320400', '常州市住房公积金管理中心', [], 'started')],
        },
      ],
      totals: { centers: 3, connected: 3, notJumping: 1, testingStarted: 2, testingPassed: 1 },
    };
    const file = await exportFile({ report: 'progress', answer }, 'xlsx', JIANGSU);
    expect(file.name).toBe('江苏省-小程序接入工作进展情况表-2026-11-19.xlsx');
    const ws = (await workbookOf(file.bytes)).worksheets[0];
    const rows = rowsOf(ws);
    expect(rows[1][0]).toBe('全国住房公积金小程序接入工作进展情况表');
    expect(rows[3][0]).toBe('统计日期：截至2026年11月19日');
    expect(rows[5]).toEqual(['省（区、市）', '链接未正常跳转的中心', '已开展转移接续接口测试的中心', '已开展转移接续接口测试的中心']);
    expect(rows[6]).toEqual(['省（区、市）', '链接未正常跳转的中心', '已开始', '已通过']);
    expect(ws.model.merges).toEqual(expect.arrayContaining(['A5:A6', 'B5:B6', 'C5:D5']));
    expect(rows[7]).toEqual(['江苏省', '徐州市住房公积金管理中心（事项4、6）', '常州市住房公积金管理中心', '扬州市住房公积金管理中心']);
    expect(rows[8]).toEqual(['合计', '1个中心', '1个中心', '1个中心']);
    expect(String(rows[10][0])).toMatch(/^填表说明：1\. 链接未正常跳转的中心/);
  });

  const cell = (notDone: number, centerCodes: string[] = []) => ({ notDone, label: notDone === 0 ? '已完成' : `${notDone}个中心未完成`, centerCodes });
  const ONLINE: OnlineCompletionAnswer = {
    rows: [{ province: '320000', provinceName: '江苏省', centers: 13, items: { '4': cell(1, ['320300']), '5': cell(0), '6': cell(2, ['320300', '320800']) } }],
    attachment: [
      { centerCode: '320300', centerName: '徐州市住房公积金管理中心', province: '320000', item: 4, reason: '系统升级中', expectedDate: '2026-12-31', givenAt: '2026-11-01T02:00:00.000Z' },
      { centerCode: '320800', centerName: '淮安市住房公积金管理中心', province: '320000', item: 6, reason: null, expectedDate: null, givenAt: null },
    ],
  };

  it('lays out full-online completion as annex 3, with the centers’ reasons on a second sheet', async () => {
    const answer = ONLINE;
    const workbook = await workbookOf((await exportFile({ report: 'onlineCompletion', answer }, 'xlsx', JIANGSU)).bytes);
    const [table, attachment] = workbook.worksheets;
    expect(rowsOf(table)[4]).toEqual(['省份', '住房公积金单位登记开户', '住房公积金单位及个人缴存信息变更', '提前还清住房公积金贷款']);
    expect(rowsOf(table)[5]).toEqual(['江苏省', '1个中心未完成', '已完成', '2个中心未完成']);
    expect(attachment.name).toBe('未完成中心说明');
    expect(rowsOf(attachment)[5]).toEqual(['江苏省', '徐州市住房公积金管理中心', '住房公积金单位登记开户', '系统升级中', '2026-12-31']);
    expect(rowsOf(attachment)[6]).toEqual(['江苏省', '淮安市住房公积金管理中心', '提前还清住房公积金贷款', '（中心尚未填写）', undefined]);
  });

  it('writes full-online completion as CSV with the centers’ reasons after the table, under a blank line and their heading', async () => {
    const rows = await csvRows((await exportFile({ report: 'onlineCompletion', answer: ONLINE }, 'csv', JIANGSU)).bytes);
    // the reader pads every row to the widest (the attachment's five columns)
    expect(rows).toEqual([
      ['省份', '住房公积金单位登记开户', '住房公积金单位及个人缴存信息变更', '提前还清住房公积金贷款', ''],
      ['江苏省', '1个中心未完成', '已完成', '2个中心未完成', ''],
      ['', '', '', '', ''],
      ['未实现全程网办的城市中心说明', '', '', '', ''],
      ['省份', '城市中心', '事项', '未实现原因', '预计完成时间'],
      ['江苏省', '徐州市住房公积金管理中心', '住房公积金单位登记开户', '系统升级中', '2026-12-31'],
      ['江苏省', '淮安市住房公积金管理中心', '提前还清住房公积金贷款', '（中心尚未填写）', ''],
    ]);
  });

  it('names every province a file shows on its 填报省份 line and in its name, and 全国 for none', async () => {
    const liaisons: LiaisonsAnswer = { rows: [{ province: '320000', provinceName: '江苏省', liaison: null }, { province: '330000', provinceName: '浙江省', liaison: null }] };
    const two = await exportFile({ report: 'liaisons', answer: liaisons }, 'xlsx', { provinces: ['320000', '330000'], madeAt: T0 });
    expect(two.name).toBe('江苏省、浙江省-跨省通办工作省级联络员表-2026-11-20.xlsx');
    expect(rowsOf((await workbookOf(two.bytes)).worksheets[0])[2][0]).toBe('填报省份：江苏省、浙江省');
    expect((await exportFile({ report: 'liaisons', answer: liaisons }, 'csv', { provinces: [], madeAt: T0 })).name).toMatch(/^全国-/);
  });

  it('lays out the liaisons as annex 1 of plan 2021-50, and keeps a text Excel would run as a formula as text in CSV', async () => {
    const answer: LiaisonsAnswer = {
      rows: [
        { province: '320000', provinceName: '江苏省', liaison: { name: '=HYPERLINK("x")', position: '处长, 住房公积金监管处', landline: '025-83881234', mobile: '13912345678', updatedAt: T0.toISOString() } },
        { province: '330000', provinceName: '浙江省', liaison: null },
      ],
    };
    const xlsx = rowsOf((await workbookOf((await exportFile({ report: 'liaisons', answer }, 'xlsx', JIANGSU)).bytes)).worksheets[0]);
    expect(xlsx[1][0]).toBe('住房公积金高频服务事项“跨省通办”工作省级联络员表');
    expect(xlsx[4]).toEqual(['省份', '姓名', '职务', '座机', '手机']);
    // a string cell, never a formula
    expect(xlsx[5]).toEqual(['江苏省', '=HYPERLINK("x")', '处长, 住房公积金监管处', '025-83881234', '13912345678']);
    expect(xlsx[6]).toEqual(['浙江省', '（尚未填报）', undefined, undefined, undefined]);
    expect(xlsx[8][0]).toBe('填表说明：1. 直辖市和新疆生产建设兵团直接填报。');
    const csv = await csvRows((await exportFile({ report: 'liaisons', answer }, 'csv', JIANGSU)).bytes);
    expect(csv[1]).toEqual(['江苏省', `'=HYPERLINK("x")`, '处长, 住房公积金监管处', '025-83881234', '13912345678']);
  });
});

describe('supervise export', () => {
  const national: Caller = { openid: 'sup-national', roles: [{ role: 'supervisor' }] };
  const jiangsu: Caller = { openid: 'sup-jiangsu', roles: [{ role: 'provincial-supervisor', province: '320000' }] };
  const staff: Caller = { openid: 'staff-yz', roles: [{ role: 'center-staff', centerCode: '321000' }] };
  const LIAISON = { name: '王建国', position: '住房公积金监管处处长', landline: '025-83881234', mobile: '13912345678' };

  let store: Store;
  let filesRoot: string;
  let files: LocalFileStore;
  let outside: ReturnType<typeof testOutside>;
  beforeAll(async () => {
    store = await catalogStore();
  });
  beforeEach(() => {
    filesRoot = mkdtempSync(path.join(tmpdir(), 'gjj-exports-'));
    files = localFileStore(filesRoot);
    outside = testOutside({ files: () => files });
  });
  afterAll(() => store.close());

  const call = (caller: Caller | undefined, event: unknown, now = T0) => supervise.handle(event, contextFor(store, caller, now, outside));
  async function exported(caller: Caller, event: Record<string, unknown>, now = T0): Promise<ExportAnswer> {
    const answer = await call(caller, { action: 'export', ...event }, now);
    if (!answer.ok) throw new Error(`export refused: ${answer.message}`);
    return (answer as Ok<ExportAnswer>).data;
  }
  const stored = () => (existsSync(path.join(filesRoot, 'exports')) ? readdirSync(path.join(filesRoot, 'exports')) : []);
  const fetched = async (answer: ExportAnswer, openid: string) => {
    const got = await files.download(answer.url.slice('/downloads/'.length), openid, T0);
    if (got.status !== 200) throw new Error(`download refused: ${got.status}`);
    return got;
  };

  it('exports the table the caller sees on screen, under a random name, as a link and the sha256 of the file', async () => {
    const onScreen = await call(jiangsu, { action: 'progress' });
    const answer = await exported(jiangsu, { report: 'progress', format: 'xlsx' });
    expect(answer.name).toBe(`江苏省-小程序接入工作进展情况表-2026-11-20.xlsx`);
    expect(answer.url).toMatch(/^\/downloads\/[A-Za-z0-9_-]{32}$/);
    const [name] = stored();
    expect(name).toMatch(/^[0-9a-f]{32}\.xlsx$/);
    const got = await fetched(answer, jiangsu.openid);
    expect(sha256(got.bytes)).toBe(answer.sha256);
    expect(got.name).toBe(answer.name);
    const rows = rowsOf((await workbookOf(got.bytes)).worksheets[0]);
    const table = (onScreen as Ok<ProgressAnswer>).data;
    expect(rows[7][0]).toBe('江苏省');
    expect(rows[8]).toEqual(['合计', `${table.totals.notJumping}个中心`, `${table.totals.testingStarted - table.totals.testingPassed}个中心`, `${table.totals.testingPassed}个中心`]);
  });

  it('audits every export: who, which report and the sha256', async () => {
    const before = (await store.audit.listFor('province:320000')).length;
    const answer = await exported(jiangsu, { report: 'onlineCompletion', format: 'csv' });
    const entries = await store.audit.listFor('province:320000');
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)).toMatchObject({ actor: jiangsu.openid, action: 'supervision.export', at: T0 });
    expect(entries.at(-1)?.detail).toContain('全程网办完成情况统计表');
    expect(entries.at(-1)?.detail).toContain(`sha256 ${answer.sha256}`);
    const national0 = (await store.audit.listFor('province:all')).length;
    const all = await exported(national, { report: 'onlineCompletion', format: 'xlsx' });
    expect(all.name).toMatch(/^全国-/);
    expect(await store.audit.listFor('province:all')).toHaveLength(national0 + 1);
  });

  it('exports access progress as of the date asked for, as on screen for that date', async () => {
    const onScreen = ((await call(jiangsu, { action: 'progress', asOf: '2026-11-16' })) as Ok<ProgressAnswer>).data;
    const answer = await exported(jiangsu, { report: 'progress', asOf: '2026-11-16', format: 'xlsx' });
    expect(answer.name).toBe('江苏省-小程序接入工作进展情况表-2026-11-16.xlsx');
    const rows = rowsOf((await workbookOf((await fetched(answer, jiangsu.openid)).bytes)).worksheets[0]);
    expect(rows[3][0]).toBe('统计日期：截至2026年11月16日');
    expect(rows[8]).toEqual(['合计', `${onScreen.totals.notJumping}个中心`, `${onScreen.totals.testingStarted - onScreen.totals.testingPassed}个中心`, `${onScreen.totals.testingPassed}个中心`]);
  });

  it('names both provinces of a supervisor holding two on the file, and audits the export under each, not as national', async () => {
    const two: Caller = { openid: 'sup-two', roles: [{ role: 'provincial-supervisor', province: '320000' }, { role: 'provincial-supervisor', province: '330000' }] };
    const count = async (subject: string) => (await store.audit.listFor(subject)).filter((e) => e.actor === two.openid).length;
    const answer = await exported(two, { report: 'onlineCompletion', format: 'csv' });
    expect(answer.name).toBe('江苏省、浙江省-全程网办事项完成情况统计表-2026-11-20.csv');
    expect((await csvRows((await fetched(answer, two.openid)).bytes)).slice(1, 3).map((r) => r[0])).toEqual(['江苏省', '浙江省']);
    expect(await count('province:320000')).toBe(1);
    expect(await count('province:330000')).toBe(1);
    expect(await count('province:all')).toBe(0);
  });

  it('exports the liaisons in full to the supervisors who may see them', async () => {
    expect((await call(jiangsu, { action: 'setLiaison', province: '320000', ...LIAISON })).ok).toBe(true);
    const answer = await exported(jiangsu, { report: 'liaisons', format: 'csv' });
    const rows = await csvRows((await fetched(answer, jiangsu.openid)).bytes);
    expect(rows).toEqual([['省份', '姓名', '职务', '座机', '手机'], ['江苏省', LIAISON.name, LIAISON.position, LIAISON.landline, LIAISON.mobile]]);
    // a national supervisor's file lists every province in the annex's order
    const nationwide = await csvRows((await fetched(await exported(national, { report: 'liaisons', format: 'csv' }), national.openid)).bytes);
    expect(nationwide).toHaveLength(33);
    expect(nationwide[1][0]).toBe('北京市');
  });

  it('exports a province’s monthly table as on screen; once submitted, the very file whose sha256 the submission kept', async () => {
    const HOUR = 3_600_000;
    const before = await exported(jiangsu, { report: 'monthly', period: '2026-11', format: 'xlsx' });
    expect(before.name).toBe('江苏省-跨省通办工作落实情况汇总表-2026-11.xlsx');
    const table = ((await call(jiangsu, { action: 'monthly', period: '2026-11' })) as Ok<MonthlyAnswer>).data;
    const rows = rowsOf((await workbookOf((await fetched(before, jiangsu.openid)).bytes)).worksheets[0]);
    const centers = table.rows.length;
    expect(centers).toBeGreaterThan(1);
    expect(rows.slice(7, 7 + centers).map((r) => r[0])).toEqual(table.rows.map((r) => r.centerName));
    expect(rows[7 + centers][0]).toBe('总计');
    expect(rows[7 + centers][2]).toBe(table.totals.items['4'].volume);
    const submitted = await call(jiangsu, { action: 'submitMonthly', period: '2026-11', province: '320000' }, new Date(T0.getTime() + HOUR));
    const kept = (submitted as Ok<MonthlyAnswer>).data.provinces[0].submission?.sha256;
    expect(kept).toMatch(/^[0-9a-f]{64}$/);
    const after = await exported(jiangsu, { report: 'monthly', period: '2026-11', format: 'xlsx' }, new Date(T0.getTime() + 2 * HOUR));
    expect(after.sha256).toBe(kept);
    expect(after.sha256).not.toBe(before.sha256);
  });

  it('refuses another province, anyone but a supervisor, and nobody, storing nothing and auditing nothing', async () => {
    const audited = (await store.audit.listFor('province:330000')).length;
    const other = await call(jiangsu, { action: 'export', report: 'liaisons', province: '330000', format: 'xlsx' });
    expect(other).toMatchObject({ ok: false, code: 'FORBIDDEN', fields: { province: expect.stringContaining('江苏省') } });
    expect(await call(staff, { action: 'export', report: 'progress', format: 'xlsx' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await call(undefined, { action: 'export', report: 'progress', format: 'xlsx' })).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(stored()).toEqual([]);
    expect(await store.audit.listFor('province:330000')).toHaveLength(audited);
  });

  it.each([
    [{ report: 'monthly', format: 'xlsx' }, 'period', '导出月度统计表请选择统计期间'],
    [{ report: 'monthly', period: '2099-01', format: 'xlsx' }, 'period', '统计期间尚未开始'],
    [{ report: 'monthly', period: '2026-13', format: 'xlsx' }, 'period', '统计期间应为 YYYY-MM'],
    [{ report: 'progress', format: 'pdf' }, 'format', '格式应为 xlsx 或 csv'],
    [{ report: 'everything', format: 'xlsx' }, 'report', '报表应为'],
    [{ report: 'progress', province: '999999', format: 'xlsx' }, 'province', '没有这个省份代码'],
    [{ report: 'progress', province: '32', format: 'xlsx' }, 'province', '省份代码应为 6 位数字'],
    [{ report: 'progress', asOf: '2099-01-01', format: 'xlsx' }, 'asOf', '统计日期不能晚于今天'],
    [{ report: 'liaisons', asOf: '2026-11-16', format: 'xlsx' }, 'asOf', '只有接入进度表可以选择统计日期'],
  ])('answers VALIDATION_FAILED naming the field for %j, storing nothing', async (event, field, message) => {
    const answer = await call(national, { action: 'export', ...event });
    expect(answer.ok).toBe(false);
    expect((answer as Fail).code).toBe('VALIDATION_FAILED');
    expect((answer as Fail).fields?.[field]).toContain(message);
    expect(stored()).toEqual([]);
  });
});

describe('the local host’s download route', () => {
  let store: Store;
  let files: LocalFileStore;
  let clock: Date;
  let host: Awaited<ReturnType<typeof createLocalCloud>>;
  let origin: string;
  beforeAll(async () => {
    store = await catalogStore();
    files = localFileStore(mkdtempSync(path.join(tmpdir(), 'gjj-exports-')));
    clock = T0;
    host = await createLocalCloud({
      store,
      functions: FUNCTIONS,
      envRoles: new Map([['sup-jiangsu', [{ role: 'provincial-supervisor', province: '320000' }]], ['sup-zhejiang', [{ role: 'provincial-supervisor', province: '330000' }]]]),
      log: createLogger({ level: 'silent' }),
      outside: testOutside({ files: () => files }),
      downloads: files,
      now: () => clock,
    });
    origin = await host.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await host.close();
    await store.close();
  });
  beforeEach(() => {
    clock = T0;
  });

  async function exportOnHost(openid: string): Promise<ExportAnswer> {
    const res = await fetch(`${origin}/api/supervise`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
      body: JSON.stringify({ action: 'export', report: 'onlineCompletion', format: 'xlsx' }),
    });
    const answer = (await res.json()) as Ok<ExportAnswer>;
    expect(answer.ok).toBe(true);
    return answer.data;
  }
  const get = (url: string, openid?: string) => fetch(`${origin}${url}`, { headers: openid ? { 'x-wx-openid': openid } : {} });

  it('serves the file to the person it was exported for, under its name, exactly as hashed', async () => {
    const answer = await exportOnHost('sup-jiangsu');
    const res = await get(answer.url, 'sup-jiangsu');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent(answer.name)}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(sha256(bytes)).toBe(answer.sha256);
    expect(rowsOf((await workbookOf(bytes)).worksheets[0])[5][0]).toBe('江苏省');
  });

  it('refuses another person, nobody signed in, an unknown link, and the link once it has expired', async () => {
    const answer = await exportOnHost('sup-jiangsu');
    const other = await get(answer.url, 'sup-zhejiang');
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect((await get(answer.url)).status).toBe(401);
    expect((await get('/downloads/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'sup-jiangsu')).status).toBe(404);
    clock = new Date(T0.getTime() + EXPORT_LINK_MINUTES * 60_000 - 1000);
    expect((await get(answer.url, 'sup-jiangsu')).status).toBe(200);
    clock = new Date(T0.getTime() + EXPORT_LINK_MINUTES * 60_000);
    const expired = await get(answer.url, 'sup-jiangsu');
    expect(expired.status).toBe(410);
    expect(await expired.json()).toMatchObject({ ok: false, message: '下载链接已过期，请重新导出' });
  });
});

describe('npm start', () => {
  it('serves an export made on the running host to the supervisor who made it, and to nobody else', async () => {
    const host = await startLocalHost({ SUPERVISOR_OPENIDS: 'dev-supervisor' });
    try {
      const res = await fetch(`${host.url}/api/supervise`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': 'dev-supervisor' },
        body: JSON.stringify({ action: 'export', report: 'liaisons', format: 'csv' }),
      });
      const answer = (await res.json()) as Ok<ExportAnswer>;
      expect(answer.data.url).toMatch(/^\/downloads\//);
      const mine = await fetch(`${host.url}${answer.data.url}`, { headers: { 'x-wx-openid': 'dev-supervisor' } });
      expect(mine.status).toBe(200);
      expect(sha256(Buffer.from(await mine.arrayBuffer()))).toBe(answer.data.sha256);
      expect((await fetch(`${host.url}${answer.data.url}`, { headers: { 'x-wx-openid': 'dev-tester' } })).status).toBe(403);
    } finally {
      await host.stop();
    }
  }, 180_000);
});

describe('deployed, in CloudBase storage', () => {
  it('answers a temporary URL for the stored file, lasting the link’s minutes', async () => {
    const asked: unknown[] = [];
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const sent = JSON.parse(body) as { action: string; file_list: { fileid: string; max_age: number }[] };
        asked.push(sent);
        const [file] = sent.file_list;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ requestId: 'r1', data: { download_list: [{ code: 'SUCCESS', fileID: file.fileid, tempFileURL: `https://files.example/${file.fileid.split('/').pop()}?sign=x&t=${file.max_age}` }] } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const saved = process.env.TENCENTCLOUD;
    process.env.TENCENTCLOUD = 'true'; // no metadata probe before the request; serviceUrl decides where it goes
    try {
      const app = tcb.init({ env: 'test-env', serviceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, secretId: 'x', secretKey: 'y' });
      const expiresAt = new Date(Date.now() + EXPORT_LINK_MINUTES * 60_000);
      const url = await cloudbaseFileStore(app).link('cloud://test-env.abcd/exports/0f0f.xlsx', { openid: 'sup-jiangsu', name: '江苏省.xlsx', contentType: 'x', expiresAt });
      expect(url).toBe(`https://files.example/0f0f.xlsx?sign=x&t=${EXPORT_LINK_MINUTES * 60}`);
      expect(asked).toEqual([expect.objectContaining({ action: 'storage.batchGetDownloadUrl', file_list: [{ fileid: 'cloud://test-env.abcd/exports/0f0f.xlsx', max_age: EXPORT_LINK_MINUTES * 60 }] })]);
    } finally {
      if (saved === undefined) delete process.env.TENCENTCLOUD;
      else process.env.TENCENTCLOUD = saved;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
