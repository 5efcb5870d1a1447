import type * as ExcelJS from 'exceljs';
import type { ExportFormat } from '../../../src/core/contracts/supervise';
import { itemById, type ItemId } from '../../../src/core/items';
import {
  FULL_ONLINE_ITEMS,
  notDoneLabel,
  provinceName,
  type LiaisonsAnswer,
  type MonthlyAnswer,
  type MonthlyRow,
  type MonthlyTotals,
  type OnlineCompletionAnswer,
  type ProgressAnswer,
} from '../../../src/core/supervision';
import { shanghaiDate } from '../../../src/core/time';

/**
 * The supervision tables as files laid out as their annexes (notice 2021-30 annexes 1 and 3, plan 2021-50
 * annexes 1 and 2): a title, the 填报省份 / 填报时间 lines, the annex's columns in its order under its one- or
 * two-row merged header, the rows, a totals row where the annex has one, and its 填表说明 under the table. The
 * CSV carries the same columns (header rows flattened) and rows, a further sheet's after a blank line. Pure: the
 * same answer, scope and time give the same bytes, so a submitted table's sha256 can be checked against the file
 * made again.
 */

/**
 * Who a file is for and when it is made: the provinces it shows, named on its 填报省份 line and in its name (none:
 * national, 全国), and the instant on its 填报时间 line.
 */
export interface ExportScope {
  provinces: readonly string[];
  madeAt: Date;
}

/** A table of a supervision answer, by report. */
export type ExportInput =
  | { report: 'progress'; answer: ProgressAnswer }
  | { report: 'onlineCompletion'; answer: OnlineCompletionAnswer }
  | { report: 'monthly'; answer: MonthlyAnswer }
  | { report: 'liaisons'; answer: LiaisonsAnswer };

export interface ExportFile {
  /** The name to save it under (Chinese, with its extension). */
  name: string;
  bytes: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

type Cell = string | number;

/** A column of an annex; columns sharing a `group` sit under one merged header cell, the others span both header rows. */
interface Column {
  label: string;
  group?: string;
  width: number;
  /** Excel number format for amounts (万元, two decimals). */
  format?: string;
}

interface Row {
  cells: Cell[];
  /** A totals row (总计 / 合计), set in bold. */
  total?: boolean;
}

interface Sheet {
  name: string;
  title: string;
  lines: string[];
  columns: Column[];
  rows: Row[];
  notes: string[];
}

/** One file: its base name and its sheets, the first being the annex itself (the CSV carries them one after another). */
interface Layout {
  name: string;
  sheets: [Sheet, ...Sheet[]];
}

const chineseDate = (date: string) => {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};
const scopeName = (scope: ExportScope) => (scope.provinces.length === 0 ? '全国' : scope.provinces.map(provinceName).join('、'));
const madeOn = (scope: ExportScope) => `填报时间：${chineseDate(shanghaiDate(scope.madeAt))}`;
const itemName = (item: ItemId) => itemById(item)?.name ?? `事项${item}`;

function progressLayout(answer: ProgressAnswer, scope: ExportScope): Layout {
  const names = (rows: ProgressAnswer['rows'][number]['rows'], pick: (r: (typeof rows)[number]) => boolean, withItems = false) =>
    rows
      .filter(pick)
      .map((r) => (withItems ? `${r.centerName}（事项${r.brokenItems.join('、')}）` : r.centerName))
      .join('、');
  return {
    name: `${scopeName(scope)}-小程序接入工作进展情况表-${answer.asOf}`,
    sheets: [
      {
        name: '接入工作进展情况',
        title: '全国住房公积金小程序接入工作进展情况表',
        lines: [`填报省份：${scopeName(scope)}`, `统计日期：截至${chineseDate(answer.asOf)}`, madeOn(scope)],
        columns: [
          { label: '省（区、市）', width: 18 },
          { label: '链接未正常跳转的中心', width: 48 },
          { group: '已开展转移接续接口测试的中心', label: '已开始', width: 40 },
          { group: '已开展转移接续接口测试的中心', label: '已通过', width: 40 },
        ],
        rows: [
          ...answer.rows.map((p) => ({
            cells: [
              p.provinceName,
              names(p.rows, (r) => r.brokenItems.length > 0, true),
              names(p.rows, (r) => r.interfaceTest === 'started'),
              names(p.rows, (r) => r.interfaceTest === 'passed'),
            ],
          })),
          {
            cells: [
              '合计',
              `${answer.totals.notJumping}个中心`,
              `${answer.totals.testingStarted - answer.totals.testingPassed}个中心`,
              `${answer.totals.testingPassed}个中心`,
            ],
            total: true,
          },
        ],
        notes: [
          '1. 链接未正常跳转的中心：截至统计日期，最近一次每日链接检查中有链接未能正常跳转的中心，括号内为相应事项。',
          '2. 已开展转移接续接口测试的中心：截至统计日期已开始接口测试的中心；“已通过”为已有一次测试全部通过，“已开始”为已测试但尚未通过。',
        ],
      },
    ],
  };
}

function onlineCompletionLayout(answer: OnlineCompletionAnswer, scope: ExportScope): Layout {
  return {
    name: `${scopeName(scope)}-全程网办事项完成情况统计表-${shanghaiDate(scope.madeAt)}`,
    sheets: [
      {
        name: '完成情况统计',
        title: '需实现全程网办的3项“跨省通办”事项完成情况统计表',
        lines: [`填报省份：${scopeName(scope)}`, madeOn(scope)],
        columns: [{ label: '省份', width: 18 }, ...FULL_ONLINE_ITEMS.map((item) => ({ label: itemName(item), width: 30 }))],
        rows: answer.rows.map((p) => ({ cells: [p.provinceName, ...FULL_ONLINE_ITEMS.map((item) => p.items[`${item}`].label)] })),
        notes: [
          '1. 已完成：本省（区、市）全部城市中心已登记该事项的全程网办渠道；N个中心未完成：尚未登记全程网办渠道的中心数。',
          '2. 对省内有未实现全程网办的城市中心，未实现原因和预计完成时间见“未完成中心说明”。',
        ],
      },
      {
        name: '未完成中心说明',
        title: '未实现全程网办的城市中心说明',
        lines: [`填报省份：${scopeName(scope)}`, madeOn(scope)],
        columns: [
          { label: '省份', width: 18 },
          { label: '城市中心', width: 32 },
          { label: '事项', width: 30 },
          { label: '未实现原因', width: 50 },
          { label: '预计完成时间', width: 16 },
        ],
        rows: answer.attachment.map((r) => ({
          cells: [provinceName(r.province), r.centerName, itemName(r.item), r.reason ?? '（中心尚未填写）', r.expectedDate ?? ''],
        })),
        notes: ['原因和预计完成时间由各城市中心在中心门户填写。'],
      },
    ],
  };
}

function monthlyLayout(answer: MonthlyAnswer, scope: ExportScope): Layout {
  const online = (v: boolean) => (v ? '是' : '否');
  const totalsRow = (label: string, totals: MonthlyTotals, centers: number): Row => ({
    cells: [
      label,
      notDoneLabel(centers - totals.items['4'].online),
      totals.items['4'].volume,
      notDoneLabel(centers - totals.items['5'].online),
      totals.items['5'].volume,
      notDoneLabel(centers - totals.items['6'].online),
      totals.items['6'].volume,
      totals.items['7'].count,
      totals.items['7'].amountWan,
      totals.items['8'].count,
      totals.windows,
      totals.zones,
      totals.training,
    ],
    total: true,
  });
  const centerRow = (r: MonthlyRow): Row => ({
    cells: [
      r.centerName,
      online(r.items['4'].online),
      r.items['4'].volume,
      online(r.items['5'].online),
      r.items['5'].volume,
      online(r.items['6'].online),
      r.items['6'].volume,
      r.items['7'].count,
      r.items['7'].amountWan,
      r.items['8'].count,
      r.windows,
      r.zones,
      r.training,
    ],
  });
  // one province: its centers and its totals row; several (national): each province's centers and its 合计, then 总计
  const grouped = answer.provinces.length > 1;
  const rows = answer.provinces.flatMap((p) => {
    const centers = answer.rows.filter((r) => r.province === p.province);
    return grouped ? [...centers.map(centerRow), totalsRow(`${p.provinceName}合计`, p.totals, centers.length)] : centers.map(centerRow);
  });
  return {
    name: `${scopeName(scope)}-跨省通办工作落实情况汇总表-${answer.month}`,
    sheets: [
      {
        name: '落实情况汇总',
        title: '住房公积金高频服务事项“跨省通办”工作落实情况汇总表',
        lines: [
          `填报省份（盖章）：${scopeName(scope)}`,
          madeOn(scope),
          `填报期间：自${chineseDate(answer.period.from)}至${chineseDate(answer.period.to)}${answer.running ? '（统计中，为截至填报时间的数据）' : ''}`,
        ],
        columns: [
          { label: '城市中心', width: 30 },
          ...FULL_ONLINE_ITEMS.flatMap((item) => [
            { group: itemName(item), label: '是否实现全程网办', width: 12 },
            { group: itemName(item), label: '当月业务量', width: 12 },
          ]),
          { group: '通过两地联办方式办理异地购房提取住房公积金', label: '笔数', width: 12 },
          { group: '通过两地联办方式办理异地购房提取住房公积金', label: '金额(万元)', width: 14, format: '0.00' },
          { label: '通过代收代办方式开具住房公积金个人住房贷款全部还清证明笔数', width: 22 },
          { label: '设置“跨省通办”业务线下窗口数量(个)', width: 16 },
          { label: '设置“跨省通办”业务线上专区数量(个)', width: 16 },
          { label: '当月参加“跨省通办”培训人次', width: 16 },
        ],
        rows: [...rows, totalsRow('总计', answer.totals, answer.rows.length)],
        notes: [
          '1. 对省内有未实现全程网办的城市中心，省厅需另附书面材料说明未实现原因和预计完成时间。',
          '2. 两地联办和代收代办事项，受理地和缴存地均需统计业务笔数，提取金额由缴存地填写。',
          '3. 本省“三个一百”活动的计划安排、特色做法和工作成效，请另附书面材料。',
          '4. 填报期间为自上月15日至本月15日。',
        ],
      },
    ],
  };
}

function liaisonsLayout(answer: LiaisonsAnswer, scope: ExportScope): Layout {
  return {
    name: `${scopeName(scope)}-跨省通办工作省级联络员表-${shanghaiDate(scope.madeAt)}`,
    sheets: [
      {
        name: '省级联络员',
        title: '住房公积金高频服务事项“跨省通办”工作省级联络员表',
        lines: [`填报省份：${scopeName(scope)}`, madeOn(scope)],
        columns: [
          { label: '省份', width: 18 },
          { label: '姓名', width: 14 },
          { label: '职务', width: 30 },
          { label: '座机', width: 18 },
          { label: '手机', width: 16 },
        ],
        rows: answer.rows.map((r) => ({
          cells: r.liaison
            ? [r.provinceName, r.liaison.name, r.liaison.position, r.liaison.landline, r.liaison.mobile]
            : [r.provinceName, '（尚未填报）', '', '', ''],
        })),
        notes: ['1. 直辖市和新疆生产建设兵团直接填报。', '2. 请于8月20日前将此表报我司，后续如有人员调整及时更新。'],
      },
    ],
  };
}

function layoutOf(input: ExportInput, scope: ExportScope): Layout {
  switch (input.report) {
    case 'progress':
      return progressLayout(input.answer, scope);
    case 'onlineCompletion':
      return onlineCompletionLayout(input.answer, scope);
    case 'monthly':
      return monthlyLayout(input.answer, scope);
    case 'liaisons':
      return liaisonsLayout(input.answer, scope);
  }
}

const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const FONT = { name: '宋体', size: 11 };

/** Columns A, B, … AA as Excel names them. */
function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

function writeSheet(workbook: ExcelJS.Workbook, sheet: Sheet): void {
  const ws = workbook.addWorksheet(sheet.name, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const last = columnLetter(sheet.columns.length);
  sheet.columns.forEach((c, i) => (ws.getColumn(i + 1).width = c.width));
  const wide = (rowNumber: number, text: string, style: Partial<ExcelJS.Style>) => {
    ws.mergeCells(`A${rowNumber}:${last}${rowNumber}`);
    const cell = ws.getCell(`A${rowNumber}`);
    cell.value = text;
    cell.style = style;
  };

  let r = 1;
  wide(r, sheet.title, { font: { ...FONT, name: '黑体', size: 18, bold: true }, alignment: { horizontal: 'center', vertical: 'middle' } });
  ws.getRow(r).height = 36;
  for (const line of sheet.lines) wide(++r, line, { font: { ...FONT, size: 12 }, alignment: { horizontal: 'left', vertical: 'middle' } });

  // the header: one row, or two where columns are grouped (a group merged across, the others merged down)
  const twoRows = sheet.columns.some((c) => c.group !== undefined);
  const top = r + 1;
  const bottom = twoRows ? top + 1 : top;
  const headerStyle: Partial<ExcelJS.Style> = {
    font: { ...FONT, bold: true },
    alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
    border: BORDER,
    fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } },
  };
  for (let i = 0; i < sheet.columns.length; i++) {
    const column = sheet.columns[i];
    const letter = columnLetter(i + 1);
    for (let row = top; row <= bottom; row++) ws.getCell(`${letter}${row}`).style = headerStyle;
    if (column.group === undefined) {
      ws.getCell(`${letter}${top}`).value = column.label;
      if (twoRows) ws.mergeCells(`${letter}${top}:${letter}${bottom}`);
      continue;
    }
    ws.getCell(`${letter}${bottom}`).value = column.label;
    if (sheet.columns[i - 1]?.group === column.group) continue;
    let end = i;
    while (sheet.columns[end + 1]?.group === column.group) end++;
    ws.getCell(`${letter}${top}`).value = column.group;
    if (end > i) ws.mergeCells(`${letter}${top}:${columnLetter(end + 1)}${top}`);
  }
  ws.getRow(top).height = twoRows ? 48 : 30;
  if (twoRows) ws.getRow(bottom).height = 30;
  // the header stays in view on screen and is printed again on every page of a long table
  ws.views = [{ state: 'frozen', xSplit: 1, ySplit: bottom }];
  ws.pageSetup.printTitlesRow = `${top}:${bottom}`;

  r = bottom;
  for (const row of sheet.rows) {
    const excelRow = ws.getRow(++r);
    row.cells.forEach((value, i) => {
      const cell = excelRow.getCell(i + 1);
      // an empty text is an empty cell (bordered like the others)
      cell.value = value === '' ? null : value;
      cell.style = {
        font: { ...FONT, bold: row.total === true },
        alignment: { horizontal: typeof value === 'number' ? 'right' : i === 0 ? 'left' : 'center', vertical: 'middle', wrapText: true },
        border: BORDER,
        ...(sheet.columns[i].format ? { numFmt: sheet.columns[i].format } : {}),
      };
    });
  }

  r++;
  sheet.notes.forEach((note, i) => {
    wide(++r, i === 0 ? `填表说明：${note}` : note, { font: FONT, alignment: { horizontal: 'left', vertical: 'top', wrapText: true } });
    ws.getRow(r).height = 20 * Math.max(1, Math.ceil(note.length / 80));
  });
}

type ExcelModule = typeof ExcelJS;

/**
 * exceljs, loaded on first use (installed beside the bundle, tools/build-functions.ts; exports alone need it). It
 * is CommonJS whose names Node's own import cannot list, so they sit on `default` there (tsx, the local host)
 * while a bundler's or jest's interop puts them on both.
 */
async function loadExcel(): Promise<ExcelModule> {
  const loaded: ExcelModule | { default: ExcelModule } = await import('exceljs');
  return 'default' in loaded ? loaded.default : loaded;
}

/**
 * The workbook, zipped again with every entry dated `madeAt`: exceljs dates its zip entries with the clock,
 * which would give the same table a different sha256 on every export.
 */
async function xlsxBytes(layout: Layout, madeAt: Date): Promise<Buffer> {
  const [{ Workbook }, { default: JSZip }] = await Promise.all([loadExcel(), import('jszip')]);
  const workbook = new Workbook();
  workbook.creator = '全国住房公积金小程序';
  workbook.lastModifiedBy = '全国住房公积金小程序';
  workbook.created = madeAt;
  workbook.modified = madeAt;
  for (const sheet of layout.sheets) writeSheet(workbook, sheet);
  const written = await JSZip.loadAsync(await workbook.xlsx.writeBuffer());
  const fixed = new JSZip();
  for (const entry of Object.values(written.files)) {
    if (!entry.dir) fixed.file(entry.name, await entry.async('uint8array'), { date: madeAt, createFolders: false });
  }
  return fixed.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}

/** A CSV field: quoted when it must be, and a text Excel would take for a formula (=, +, -, @) kept as text. */
function csvField(value: Cell): string {
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A sheet's table as CSV lines: the header in one row (a group before its column's label), then the rows. */
function csvLines(sheet: Sheet): Cell[][] {
  const header = sheet.columns.map((c) => (c.group === undefined ? c.label : `${c.group}：${c.label}`));
  return [header, ...sheet.rows.map((row) => row.cells.map((value, i) => (sheet.columns[i].format && typeof value === 'number' ? value.toFixed(2) : value)))];
}

/**
 * The annex's table as CSV for Excel: a BOM (so Excel reads UTF-8), CRLF line ends; a further sheet (annex 3's
 * centers' reasons) follows the table after a blank line, under its title.
 */
function csvBytes(layout: Layout): Buffer {
  const [table, ...attached] = layout.sheets;
  const lines = [...csvLines(table), ...attached.flatMap((sheet) => [[], [sheet.title], ...csvLines(sheet)])];
  return Buffer.from(`\uFEFF${lines.map((cells) => cells.map(csvField).join(',')).join('\r\n')}\r\n`, 'utf8');
}

/** A supervision table as a file laid out as its annex, in the format asked for. */
export async function exportFile(input: ExportInput, format: ExportFormat, scope: ExportScope): Promise<ExportFile> {
  const layout = layoutOf(input, scope);
  const bytes = format === 'xlsx' ? await xlsxBytes(layout, scope.madeAt) : csvBytes(layout);
  return { name: `${layout.name}.${format}`, bytes, contentType: CONTENT_TYPES[format] };
}
