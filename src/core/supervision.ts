import * as z from 'zod';
import { APPLICATION_STATUSES, type ApplicationStatus } from './applications/status';
import type { ItemId } from './items';
import { groupDigits } from './money';
import { textField } from './validation';

/**
 * Supervision (issue 14): the provinces, and the row and answer types of every table the `supervise` function
 * answers (its events: core/contracts/supervise.ts). Pages, exports and services read these shapes; every
 * date is a China date (YYYY-MM-DD), every instant an ISO string, every province its 6-digit code.
 */

/** The provinces as the supervision tables list them (annex order): the 31 provinces and 兵团, by 6-digit code. */
export const PROVINCES = [
  { code: '110000', name: '北京市' },
  { code: '120000', name: '天津市' },
  { code: '130000', name: '河北省' },
  { code: '140000', name: '山西省' },
  { code: '150000', name: '内蒙古自治区' },
  { code: '210000', name: '辽宁省' },
  { code: '220000', name: '吉林省' },
  { code: '230000', name: '黑龙江省' },
  { code: '310000', name: '上海市' },
  { code: '320000', name: '江苏省' },
  { code: '330000', name: '浙江省' },
  { code: '340000', name: '安徽省' },
  { code: '350000', name: '福建省' },
  { code: '360000', name: '江西省' },
  { code: '370000', name: '山东省' },
  { code: '410000', name: '河南省' },
  { code: '420000', name: '湖北省' },
  { code: '430000', name: '湖南省' },
  { code: '440000', name: '广东省' },
  { code: '450000', name: '广西壮族自治区' },
  { code: '460000', name: '海南省' },
  { code: '500000', name: '重庆市' },
  { code: '510000', name: '四川省' },
  { code: '520000', name: '贵州省' },
  { code: '530000', name: '云南省' },
  { code: '540000', name: '西藏自治区' },
  { code: '610000', name: '陕西省' },
  { code: '620000', name: '甘肃省' },
  { code: '630000', name: '青海省' },
  { code: '640000', name: '宁夏回族自治区' },
  { code: '650000', name: '新疆维吾尔自治区' },
  { code: '660000', name: '新疆生产建设兵团' },
] as const;

const PROVINCE_NAMES: ReadonlyMap<string, string> = new Map(PROVINCES.map((p) => [p.code, p.name]));

/** Whether a 6-digit code names a province of PROVINCES. */
export const isProvinceCode = (code: string) => PROVINCE_NAMES.has(code);

/** 320000 -> 江苏省; the code itself for one that names no province. */
export const provinceName = (code: string) => PROVINCE_NAMES.get(code) ?? code;

/** The province a center belongs to: a center's code is its division code, whose first two digits are its province's. */
export const provinceOfCenter = (centerCode: string) => `${centerCode.slice(0, 2)}0000`;

/** A province as events name it: its 6-digit code, one of PROVINCES. */
export const ProvinceCodeSchema = z
  .string({ error: '请提供省份代码' })
  .regex(/^\d{6}$/, '省份代码应为 6 位数字（如 320000 江苏）')
  .refine(isProvinceCode, '没有这个省份代码（如 320000 江苏）');

// ---------------------------------------------------------------- 1. access progress (notice 2021-30, annex 1)

/** Where a center stands in transfer-interface testing (its conformance runs): 未开始 / 已开始 / 已通过. */
export const INTERFACE_TEST_STATES = ['not-started', 'started', 'passed'] as const;
export type InterfaceTestState = (typeof INTERFACE_TEST_STATES)[number];
export const INTERFACE_TEST_LABELS: Record<InterfaceTestState, string> = { 'not-started': '未开始', started: '已开始', passed: '已通过' };

/** One center in the access progress table, as of the table's date. */
export interface ProgressCenterRow {
  centerCode: string;
  centerName: string;
  /** Joined the mini-program (its links are shown): the center's state now, which has no history. */
  live: boolean;
  /** Items whose link's latest daily check (or latest trial tester's check) by the table's date found it not jumping; empty: every checked link jumps. */
  brokenItems: ItemId[];
  /**
   * From the center's interface-test runs and the trial's test transfer sent by the table's date: passed once a run
   * that started by then passed, or the center accepted the test transfer in time by then.
   */
  interfaceTest: InterfaceTestState;
  /** When its latest run or test transfer by the table's date started; null: none. */
  lastRunAt: string | null;
}

/** One province's line of annex 1, with the centers behind each figure. */
export interface ProgressRow {
  province: string;
  provinceName: string;
  /** Centers of the province in the catalog. */
  centers: number;
  /** Of those, joined the mini-program. */
  connected: number;
  /** Centers with at least one link not jumping (the annex's 链接未正常跳转的中心 column, by name). */
  notJumping: number;
  /** Centers whose interface testing has started (passed or not: the annex's 已开展转移接续接口测试的中心). */
  testingStarted: number;
  /** Of those, passed. */
  testingPassed: number;
  /** Every center of the province, by code: the rows behind the figures. */
  rows: ProgressCenterRow[];
}

/** The figures of ProgressRow summed over the provinces shown. */
export type ProgressTotals = Pick<ProgressRow, 'centers' | 'connected' | 'notJumping' | 'testingStarted' | 'testingPassed'>;

/** `supervise progress`: the provinces the caller may see (one when asked for one), in PROVINCES order. */
export interface ProgressAnswer {
  /** The China date the table is as of (today unless asked). */
  asOf: string;
  rows: ProgressRow[];
  totals: ProgressTotals;
}

// ---------------------------------------------------------------- 2. full-online completion (notice 2021-30, annex 3)

/** The items of 2021 that must be fully online (annex 3): 单位登记开户, 缴存信息变更, 提前还清贷款. */
export const FULL_ONLINE_ITEMS = [4, 5, 6] as const;
export type FullOnlineItem = (typeof FULL_ONLINE_ITEMS)[number];
export const isFullOnlineItem = (value: unknown): value is FullOnlineItem => value === 4 || value === 5 || value === 6;

/** A count of centers not fully online as the annexes word it: 已完成 when none is left, else N个中心未完成. */
export const notDoneLabel = (notDone: number): string => (notDone === 0 ? '已完成' : `${notDone}个中心未完成`);

/** One item's cell of annex 3: done when every center of the province registers a full online channel for it. */
export interface OnlineCompletionCell {
  /** Centers without a full online channel (web page or mini-program) for the item: their route is in-app, counter, or none. */
  notDone: number;
  /** 已完成, or N个中心未完成 (the annex's wording). */
  label: string;
  /** The centers not done, by code. */
  centerCodes: string[];
}

export interface OnlineCompletionRow {
  province: string;
  provinceName: string;
  centers: number;
  items: Record<`${FullOnlineItem}`, OnlineCompletionCell>;
}

/** What a center not fully online for an item says in the portal (`portal setOnlineReason`): why, and by when. */
export interface OnlineReasonRow {
  centerCode: string;
  centerName: string;
  province: string;
  item: FullOnlineItem;
  /** Null while the center has given none. */
  reason: string | null;
  expectedDate: string | null;
  /** When it was given; null while none is. */
  givenAt: string | null;
}

/** `supervise onlineCompletion`: the table, and its attachment (附件说明): one line per center and item not done. */
export interface OnlineCompletionAnswer {
  rows: OnlineCompletionRow[];
  /** Per province, its centers not done, by center then item (with or without a reason given). */
  attachment: OnlineReasonRow[];
}

/** Limits of what a center writes about an item it has not made fully online. */
export const ONLINE_REASON_MAX = 200;

/** `portal setOnlineReason` answers the line as stored. */
export type SetOnlineReasonAnswer = OnlineReasonRow;

// ---------------------------------------------------------------- 3. monthly statistics (plan 2021-50, annex 2)

/**
 * The applications annex 2 counts as handled (办理量): every status but 不予受理 (rejected), 已撤销 (withdrawn) and
 * 办理失败 (failed), which the centers did not handle; those still in progress count in the period they were submitted.
 */
export const MONTHLY_COUNTED_STATUSES: readonly ApplicationStatus[] = APPLICATION_STATUSES.filter((s) => s !== 'rejected' && s !== 'withdrawn' && s !== 'failed');

/** The most a count entered for a month may be (a typing slip of a few digits too many is refused). */
export const MONTHLY_COUNT_MAX = 10_000_000;
/** The most an amount entered for a month may be, in 万元. */
export const MONTHLY_AMOUNT_WAN_MAX = 10_000_000;

/** A whole count of at least 0, naming the field. */
const monthlyCount = (label: string) =>
  z
    .number({ error: `请填写${label}` })
    .int(`${label}应为整数`)
    .min(0, `${label}不能为负数`)
    .max(MONTHLY_COUNT_MAX, `${label}不超过 ${groupDigits(MONTHLY_COUNT_MAX)}`);

/**
 * Whether an amount has at most two decimals, exactly: the shortest decimal form JavaScript writes of it has no
 * third digit after the point (0.1 + 0.2 is written 0.30000000000000004 and refused; 1e-9 is written in exponent
 * form and refused; amounts up to MONTHLY_AMOUNT_WAN_MAX are never written in exponent form otherwise).
 */
const wholeFen = (v: number) => /^-?\d+(\.\d{1,2})?$/.test(String(v));

/** An amount in 万元 of at least 0 with at most two decimals, naming the field. */
const monthlyWan = (label: string) =>
  z
    .number({ error: `请填写${label}` })
    .min(0, `${label}不能为负数`)
    .max(MONTHLY_AMOUNT_WAN_MAX, `${label}不超过 ${groupDigits(MONTHLY_AMOUNT_WAN_MAX)}`)
    .refine(wholeFen, `${label}最多保留两位小数`);

/**
 * What only the center knows of a period (`portal setMonthlyFigures`): the month's volume of items 4-6 (handled in
 * its own hall and channels), the purchase withdrawals and loan-cleared certificates it handled outside the app
 * (the amount only as the deposit center), and its windows, zones and training attendance.
 */
export const MonthlyFiguresSchema = z.object({
  volumes: z.object(
    {
      '4': monthlyCount('单位登记开户当月业务量'),
      '5': monthlyCount('缴存信息变更当月业务量'),
      '6': monthlyCount('提前还清贷款当月业务量'),
    },
    { error: '请填写事项 4-6 的当月业务量' },
  ),
  outside: z.object(
    {
      jointCount: monthlyCount('小程序外两地联办购房提取笔数'),
      jointAmountWan: monthlyWan('小程序外两地联办购房提取金额（万元）'),
      certificates: monthlyCount('小程序外代收代办还清证明笔数'),
    },
    { error: '请填写小程序外办理的笔数' },
  ),
  windows: monthlyCount('线下窗口数量'),
  zones: monthlyCount('线上专区数量'),
  training: monthlyCount('当月培训人次'),
});
export type MonthlyFigures = z.infer<typeof MonthlyFiguresSchema>;

/** Why a change after the province submitted (a correction, a new version) is made; at most this long. */
export const CORRECTION_REASON_MAX = 200;
export const CorrectionReasonSchema = textField('更正原因', { multiline: true })
  .min(2, '请填写更正原因')
  .max(CORRECTION_REASON_MAX, `更正原因不超过 ${CORRECTION_REASON_MAX} 个字`);

/** What the product recorded itself for a center in a period: shown beside what the center entered. */
export interface MonthlyReference {
  /** Jumps to the center's own channel for items 4-6. */
  jumps: Record<`${FullOnlineItem}`, number>;
  /** In-app requests for items 4-6 taken for the center. */
  inApp: Record<`${FullOnlineItem}`, number>;
  /** Purchase withdrawals in the app the center took part in (purchase or deposit locale), and what it paid as the deposit center. */
  joint: { count: number; amountWan: number };
  /** Loan-cleared certificates in the app the center took part in (accepting or business locale). */
  certificates: number;
}

/** One center's line of annex 2 for a period (computed and entered figures merged; owned with the monthly cycle). */
export interface MonthlyRow {
  centerCode: string;
  centerName: string;
  province: string;
  items: {
    '4': { online: boolean; volume: number };
    '5': { online: boolean; volume: number };
    '6': { online: boolean; volume: number };
    /** Purchase withdrawal by joint handling: cases, and the amount in 万元 (two decimals) from the deposit center's payments. */
    '7': { count: number; amountWan: number };
    /** Loan-cleared certificates by accept-here handling. */
    '8': { count: number };
  };
  /** Offline windows, online zones, training attendance: entered by the center. */
  windows: number;
  zones: number;
  training: number;
  reference: MonthlyReference;
  /** When the center last entered its figures for the period; null: not yet (its entered columns read 0). */
  filledAt: string | null;
}

/** The province's totals row: the figures of MonthlyRow summed (items' `online`: how many centers are). */
export interface MonthlyTotals {
  items: {
    '4': { online: number; volume: number };
    '5': { online: number; volume: number };
    '6': { online: number; volume: number };
    '7': { count: number; amountWan: number };
    '8': { count: number };
  };
  windows: number;
  zones: number;
  training: number;
}

/** Where a province's table stands: open (before the 20th, not submitted), submitted, or overdue (after the 20th, not submitted). */
export const MONTHLY_STATES = ['open', 'submitted', 'overdue'] as const;
export type MonthlyState = (typeof MONTHLY_STATES)[number];
export const MONTHLY_STATE_LABELS: Record<MonthlyState, string> = { open: '待报送', submitted: '已报送', overdue: '逾期未报送' };

/** A province's submission of its table: who, when, the sha256 of the exported file, and which version (a correction is a new one). */
export interface MonthlySubmissionView {
  version: number;
  submittedBy: string;
  submittedAt: string;
  sha256: string;
  /** What the file hashed is: the exported xlsx, or the table as canonical CSV when no exporter is there. */
  fileName: string;
  /** Why this version corrects the one before; null for the first. */
  reason: string | null;
}

/** One province in the monthly cycle: its totals row, who has not filled, and its submission. */
export interface MonthlyProvince {
  province: string;
  provinceName: string;
  totals: MonthlyTotals;
  /** Centers that have not entered their figures for the period, by code. */
  unfilled: string[];
  state: MonthlyState;
  /** The province first submitted after the due date (逾期报送): kept once it has submitted. */
  late: boolean;
  /** The latest version submitted; its rows are frozen (the answer shows them as submitted). */
  submission: MonthlySubmissionView | null;
  /** Figures were corrected after the latest submission: a new version awaits the province's submission. */
  corrected: boolean;
  /** The corrected centers' lines as they stand now (the frozen ones stay in `rows`): what the next version carries. */
  corrections: MonthlyRow[];
}

/** `supervise monthly`: the period (from the 15th of last month included to the 15th of this month excluded). */
export interface MonthlyAnswer {
  period: { from: string; to: string };
  /** The period's month (YYYY-MM), its due date (the 20th), and whether it is still running (figures so far). */
  month: string;
  due: string;
  running: boolean;
  rows: MonthlyRow[];
  /** Over every row shown (every province for a national supervisor). */
  totals: MonthlyTotals;
  /** The provinces shown, in PROVINCES order. */
  provinces: MonthlyProvince[];
}

/** `portal monthlyFigures`: the center's line as the table shows it, and what it entered (null before it has). */
export interface MonthlyFiguresAnswer {
  month: string;
  period: { from: string; to: string };
  due: string;
  row: MonthlyRow;
  entered: MonthlyFigures | null;
  /** The province submitted the table: a change now is a correction and needs a reason. */
  submitted: boolean;
}

// ---------------------------------------------------------------- 4. provincial liaisons (plan 2021-50, annex 1)

export const LIAISON_NAME_MAX = 20;
export const LIAISON_POSITION_MAX = 40;

/** A landline as the annex gives it: area code, a hyphen, the number (025-83881234), an extension after another hyphen. */
export const LANDLINE_PATTERN = /^0\d{2,3}-\d{7,8}(-\d{1,6})?$/;
/** A mainland mobile number: 11 digits from 1. */
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;

/** What a province keeps about its liaison (setLiaison's fields). */
export const LiaisonFieldsSchema = z.object({
  name: textField('联络员姓名').min(2, '请填写联络员姓名').max(LIAISON_NAME_MAX, `联络员姓名不超过 ${LIAISON_NAME_MAX} 个字`),
  position: textField('联络员职务').min(2, '请填写联络员职务').max(LIAISON_POSITION_MAX, `联络员职务不超过 ${LIAISON_POSITION_MAX} 个字`),
  landline: textField('座机').regex(LANDLINE_PATTERN, '座机应为“区号-号码”，如 025-83881234'),
  mobile: textField('手机').regex(MOBILE_PATTERN, '手机应为 11 位手机号码'),
});
export type LiaisonFields = z.infer<typeof LiaisonFieldsSchema>;

/** One province's line of annex 1; a province with no liaison yet has none of the fields (null). */
export interface LiaisonRow {
  province: string;
  provinceName: string;
  liaison: (LiaisonFields & { updatedAt: string }) | null;
}

/** `supervise liaisons`: the provinces the caller may see, in PROVINCES order. `setLiaison` answers its province's row. */
export interface LiaisonsAnswer {
  rows: LiaisonRow[];
}

// ---------------------------------------------------------------- 5. 三个一百 (plan 2021-50)

/** 示范窗口, 小故事, 主任体验: what each province recommends, at least RECOMMENDATION_TARGET of each. */
export const RECOMMENDATION_KINDS = ['window', 'story', 'director'] as const;
export type RecommendationKind = (typeof RECOMMENDATION_KINDS)[number];
export const RECOMMENDATION_LABELS: Record<RecommendationKind, string> = { window: '示范窗口', story: '便民惠民小故事', director: '中心主任体验' };
/** Each province recommends at least 5 of each kind (by the end of November 2021). */
export const RECOMMENDATION_TARGET = 5;
export const RECOMMENDATION_TITLE_MAX = 60;
export const RECOMMENDATION_SUMMARY_MAX = 500;
/** Recommendation ids: `rec` and 20 characters of [a-z0-9], made by the server. */
export const RECOMMENDATION_ID_PATTERN = /^rec[a-z0-9]{20}$/;

/** What a province recommends (addRecommendation's fields besides the province). */
export const RecommendationFieldsSchema = z.object({
  kind: z.enum(RECOMMENDATION_KINDS, { error: '类别应为 window（示范窗口）、story（便民惠民小故事）或 director（中心主任体验）' }),
  /** The center it is about (a window, a story or a director's experience is always some center's). */
  centerCode: z.string({ error: '请选择所属中心' }).regex(/^\d{6}$/, '中心代码应为 6 位数字'),
  title: textField('标题').min(2, '请填写标题').max(RECOMMENDATION_TITLE_MAX, `标题不超过 ${RECOMMENDATION_TITLE_MAX} 个字`),
  summary: textField('简介', { multiline: true }).min(10, '简介至少 10 个字').max(RECOMMENDATION_SUMMARY_MAX, `简介不超过 ${RECOMMENDATION_SUMMARY_MAX} 个字`),
});
export type RecommendationFields = z.infer<typeof RecommendationFieldsSchema>;

export interface RecommendationView extends RecommendationFields {
  id: string;
  province: string;
  centerName: string;
  addedAt: string;
}

/** One province's 三个一百: how many of each kind against the target, and the recommendations, newest first. */
export interface RecommendationRow {
  province: string;
  provinceName: string;
  counts: Record<RecommendationKind, number>;
  /** Every kind has at least RECOMMENDATION_TARGET. */
  met: boolean;
  items: RecommendationView[];
}

/** `supervise recommendations`: the provinces the caller may see; add and remove answer the province's row. */
export interface RecommendationsAnswer {
  target: number;
  rows: RecommendationRow[];
}

// ---------------------------------------------------------------- dashboard figures (issue 14, "Dashboards")

/** The national average transfer time in working days (2021: from 11 down to 6), each province's is set against. */
export const NATIONAL_TRANSFER_WORKING_DAYS = 6;
/** Transfer times are of the transfers completed (办结) in this many calendar days up to now. */
export const TRANSFER_TIME_DAYS = 30;

/** A province's average transfer time: working days from submission to 办结, over the transfers completed in the window. */
export interface TransferTimeRow {
  province: string;
  provinceName: string;
  /** One decimal; null when no transfer of the province was completed in the window. */
  avgWorkingDays: number | null;
  count: number;
}

/** A center with applications still awaiting its acceptance after their stored limit (acceptBy, 3 working days). */
export interface OverdueAcceptanceRow {
  centerCode: string;
  centerName: string;
  province: string;
  count: number;
}

/** A center's count of 差评: follow-ups not yet fixed, or call-backs overdue. */
export interface OpenFollowUpRow {
  centerCode: string;
  centerName: string;
  province: string;
  count: number;
}

/** One report period's volume per item, as annex 2's totals row gives it (items 4-6 volume; 7 and 8 count). */
export interface TrendPoint {
  period: string;
  items: Record<'4' | '5' | '6' | '7' | '8', number>;
}

/** `supervise dashboard`: the overview's figures for the provinces the caller may see (one when asked). */
export interface DashboardAnswer {
  /** The China date the transfer-time window starts (TRANSFER_TIME_DAYS before today), and today. */
  transferWindow: { from: string; to: string };
  /** Per province shown, in PROVINCES order. */
  transferTime: TransferTimeRow[];
  /** The national figure each province is set against, and the average over every province shown. */
  national: { target: number; avgWorkingDays: number | null; count: number };
  /** Centers with applications overdue for acceptance, most first. */
  overdue: OverdueAcceptanceRow[];
  /** Centers with open 差评 (follow-ups not yet 已整改), most first, and their sum. */
  followUpsOpen: { rows: OpenFollowUpRow[]; total: number };
  /** Centers with 差评 whose call-back is overdue today (the 差评 clock on the official calendar), most first, and their sum. */
  callBacksOverdue: { rows: OpenFollowUpRow[]; total: number };
  /** The last 12 report periods, the running one last. */
  trend: TrendPoint[];
  /** Scans of the centers' poster codes (issue 15) in the running report period. */
  posterScans: PosterScans;
}

/**
 * How often the centers' poster codes were scanned in a report period (from `from` to `to`, excluded): per province
 * shown (PROVINCES order) and per center scanned, most first. A signed-in person counts once per center and day.
 */
export interface PosterScans {
  period: string;
  from: string;
  to: string;
  provinces: { province: string; provinceName: string; count: number }[];
  centers: { centerCode: string; centerName: string; province: string; count: number }[];
  total: number;
}
