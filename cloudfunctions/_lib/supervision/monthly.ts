import { createHash } from 'node:crypto';
import { AppError } from '../../../src/core/errors';
import {
  FULL_ONLINE_ITEMS,
  PROVINCES,
  provinceName,
  provinceOfCenter,
  type MonthlyAnswer,
  type MonthlyFigures,
  type MonthlyFiguresAnswer,
  type MonthlyProvince,
  type MonthlyRow,
  type MonthlyState,
  type MonthlySubmissionView,
  type MonthlyTotals,
} from '../../../src/core/supervision';
import { formatShanghai, reportDueDate, reportPeriod, shanghaiDate, shanghaiMidnight } from '../../../src/core/time';
import type { StoredCenter } from '../../../src/core/centers';
import { requireStaffCenter, type Caller, type ServiceContext } from '../runtime/define';
import { centerSubject } from '../services/audit-names';
import { notifyMonthlyDue } from '../services/notify';
import { emptyCounts } from '../store/monthly-counts';
import type { MonthlyCounts, MonthlyFiguresRecord, MonthlySubmissionRecord } from '../store/port';
import { exportFile } from './exports';
import { fullyOnline } from './online-completion';
import { provinceSubject, provincesShown, requireProvince } from './scope';

/**
 * Monthly statistics (plan 2021-50, annex 2) and their cycle (issue 14): per center, for the period from the 15th
 * of last month to the 15th of this month, what the product recorded (counted in the database, for both centers
 * of a joint or accept-here case, the amount only from the deposit center's payments) merged with what the center
 * entered in the portal; from the 16th centers that have not filled are reminded; a province submits its table by
 * the 20th (the exported file's sha256 kept) and it is frozen as submitted: a change after is a correction, audited,
 * and a new version once the province submits again; after the 20th a province that has not is overdue.
 */

/** The day of the month from which centers are reminded to fill the period that just ended. */
export const REMIND_FROM_DAY = 16;
/** Where submitted tables' files are kept, as hashed. */
const SUBMISSION_FOLDER = 'monthly';

/** Where a submitted version's file is kept (its sha256 is the record's). */
export const submissionKey = (province: string, month: string, version: number, sha256: string) => `${SUBMISSION_FOLDER}/${province}-${month}-v${version}-${sha256}.xlsx`;

/** 万元 with two decimals from whole fen (1 万元 = 1,000,000 fen), rounded half up. */
export const wanOfFen = (fen: number) => Math.round(fen / 10_000) / 100;
/** A sum of 万元 amounts, rid of binary fractions. */
const addWan = (...amounts: number[]) => Math.round(amounts.reduce((a, b) => a + b, 0) * 100) / 100;

/** The period a month names, checked against today: VALIDATION_FAILED naming `period` when it has not begun. */
function checkedPeriod(ctx: ServiceContext, month: string) {
  const period = reportPeriod(month);
  const today = shanghaiDate(ctx.now);
  if (period.from > today) throw new AppError('VALIDATION_FAILED', `统计期间尚未开始（${period.from} 开始）`, { period: '统计期间尚未开始' });
  return { ...period, due: reportDueDate(month), today, running: today < period.to };
}

/** One center's line: the product's counts, the center's own figures (zeros until entered), the items' routes. */
function rowOf(center: StoredCenter, counts: MonthlyCounts, entered: MonthlyFiguresRecord | undefined, online: ReadonlySet<string>): MonthlyRow {
  const f = entered?.figures;
  const paidWan = wanOfFen(counts.paidFen);
  const item = (i: (typeof FULL_ONLINE_ITEMS)[number]) => ({ online: online.has(`${center.code}:${i}`), volume: f?.volumes[i] ?? 0 });
  return {
    centerCode: center.code,
    centerName: center.name,
    province: provinceOfCenter(center.code),
    items: {
      '4': item(4),
      '5': item(5),
      '6': item(6),
      '7': { count: counts.joint + (f?.outside.jointCount ?? 0), amountWan: addWan(paidWan, f?.outside.jointAmountWan ?? 0) },
      '8': { count: counts.certificates + (f?.outside.certificates ?? 0) },
    },
    windows: f?.windows ?? 0,
    zones: f?.zones ?? 0,
    training: f?.training ?? 0,
    reference: { jumps: counts.jumps, inApp: counts.inApp, joint: { count: counts.joint, amountWan: paidWan }, certificates: counts.certificates },
    filledAt: entered ? entered.enteredAt.toISOString() : null,
  };
}

/** The totals row of some lines: every figure summed, `online` the number of centers fully online. */
export function totalsOf(rows: readonly MonthlyRow[]): MonthlyTotals {
  const sum = (pick: (r: MonthlyRow) => number) => rows.reduce((n, r) => n + pick(r), 0);
  const item = (i: '4' | '5' | '6') => ({ online: rows.filter((r) => r.items[i].online).length, volume: sum((r) => r.items[i].volume) });
  return {
    items: {
      '4': item('4'),
      '5': item('5'),
      '6': item('6'),
      '7': { count: sum((r) => r.items['7'].count), amountWan: addWan(...rows.map((r) => r.items['7'].amountWan)) },
      '8': { count: sum((r) => r.items['8'].count) },
    },
    windows: sum((r) => r.windows),
    zones: sum((r) => r.zones),
    training: sum((r) => r.training),
  };
}

const submissionView = (s: MonthlySubmissionRecord): MonthlySubmissionView => ({
  version: s.version,
  submittedBy: s.submittedBy,
  submittedAt: s.submittedAt.toISOString(),
  sha256: s.sha256,
  fileName: s.fileName,
  reason: s.reason,
});

/** The latest submitted version of each province. */
function latestByProvince(submissions: readonly MonthlySubmissionRecord[]): Map<string, MonthlySubmissionRecord> {
  const latest = new Map<string, MonthlySubmissionRecord>();
  for (const s of submissions) if ((latest.get(s.province)?.version ?? 0) < s.version) latest.set(s.province, s);
  return latest;
}

/**
 * The live lines of a submitted province whose centers' figures are not the ones the submission froze (entered or
 * changed since, or racing it): what the next version will carry.
 */
function correctionsOf(live: readonly MonthlyRow[], submitted: MonthlySubmissionRecord): MonthlyRow[] {
  const frozen = new Map(submitted.rows.map((r) => [r.centerCode, r.filledAt]));
  return live.filter((r) => r.filledAt !== (frozen.get(r.centerCode) ?? null));
}

/**
 * The table of some provinces (or of one center) as the data stand now, or, `frozen`, with each submitted province's
 * rows as it submitted them. Reads: the catalog, the routes, the period's counts (aggregated in the database over
 * the centers shown), the centers' figures and the submissions.
 */
export async function tableOf(ctx: ServiceContext, month: string, provinces: readonly string[], frozen: boolean, onlyCenter?: string): Promise<MonthlyAnswer> {
  const period = checkedPeriod(ctx, month);
  const shown = new Set(provinces);
  const centers = (await ctx.store.centers.list()).filter((c) => (onlyCenter === undefined ? shown.has(provinceOfCenter(c.code)) : c.code === onlyCenter));
  // every province: no list of codes to send, the national table counts over everything
  const codes = onlyCenter === undefined && provinces.length === PROVINCES.length ? undefined : centers.map((c) => c.code);
  const [counts, figures, links, submissions] = await Promise.all([
    ctx.store.monthly.counts({ from: shanghaiMidnight(period.from), to: shanghaiMidnight(period.to), fromDate: period.from, toDate: period.to, centerCodes: codes }),
    ctx.store.monthly.figures(month, codes),
    ctx.store.links.listAll(),
    ctx.store.monthly.submissions(month),
  ]);
  const online = fullyOnline(links);
  const countsOf = new Map(counts.map((c) => [c.centerCode, c]));
  const figuresOf = new Map(figures.map((f) => [f.centerCode, f]));
  const latest = latestByProvince(submissions);
  const liveRows = centers.map((c) => rowOf(c, countsOf.get(c.code) ?? emptyCounts(c.code), figuresOf.get(c.code), online));
  const rows: MonthlyRow[] = [];
  const summaries: MonthlyProvince[] = [];
  for (const province of provinces) {
    const live = liveRows.filter((r) => r.province === province);
    const submitted = latest.get(province);
    const own = frozen && submitted && onlyCenter === undefined ? submitted.rows : live;
    rows.push(...own);
    const state: MonthlyState = submitted ? 'submitted' : period.today > period.due ? 'overdue' : 'open';
    const first = submissions.find((s) => s.province === province && s.version === 1);
    const corrections = submitted ? correctionsOf(live, submitted) : [];
    summaries.push({
      province,
      provinceName: provinceName(province),
      totals: totalsOf(own),
      unfilled: live.filter((r) => r.filledAt === null).map((r) => r.centerCode),
      state,
      late: first !== undefined && shanghaiDate(first.submittedAt) > period.due,
      submission: submitted ? submissionView(submitted) : null,
      corrected: corrections.length > 0,
      corrections,
    });
  }
  return { period: { from: period.from, to: period.to }, month, due: period.due, running: period.running, rows, totals: totalsOf(rows), provinces: summaries };
}

/**
 * `supervise monthly`: annex 2 for the provinces the caller supervises (one when asked; FORBIDDEN for another),
 * submitted provinces as submitted, the running period with the figures so far.
 */
export async function monthly(ctx: ServiceContext, caller: Caller, month: string, province: string | undefined): Promise<MonthlyAnswer> {
  const provinces = provincesShown(caller, province);
  return tableOf(ctx, month, provinces, true);
}

/**
 * `supervise submitMonthly`: the province submits its table of an ended period. The table as it stands is exported
 * (the annex's xlsx), the file kept and its sha256 stored with who and when; the rows are frozen as submitted. Once
 * submitted, submitting again is a correction: the next version, with its reason. Answers the province's table.
 */
export async function submitMonthly(ctx: ServiceContext, caller: Caller, month: string, province: string, reason: string | undefined): Promise<MonthlyAnswer> {
  requireProvince(caller, province);
  // the province answers for its table: a national supervisor sees it, and does not submit it on the province's behalf
  if (!caller.roles.some((r) => r.role === 'provincial-supervisor' && r.province === province)) {
    throw new AppError('FORBIDDEN', `${provinceName(province)}月度统计表由本省监管人员报送`);
  }
  const period = checkedPeriod(ctx, month);
  if (period.running) throw new AppError('VALIDATION_FAILED', `统计期间至 ${period.to} 结束，结束后才能报送`, { period: '统计期间尚未结束' });
  const latest = latestByProvince(await ctx.store.monthly.submissions(month)).get(province);
  if (latest && reason === undefined) {
    const message = `本期报表已于 ${formatShanghai(latest.submittedAt)} 报送（第 ${latest.version} 版），再次报送为更正，请填写更正原因`;
    throw new AppError('VALIDATION_FAILED', message, { reason: '请填写更正原因' });
  }
  const table = await tableOf(ctx, month, [province], false);
  const file = await exportFile({ report: 'monthly', answer: table }, 'xlsx', { provinces: [province], madeAt: ctx.now });
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const version = (latest?.version ?? 0) + 1;
  // named by its hash too: a submission that loses a race for its version never overwrites the winner's file
  await ctx.outside.files().put(submissionKey(province, month, version, sha256), file.bytes, file.contentType);
  const record: MonthlySubmissionRecord = {
    province,
    period: month,
    version,
    submittedBy: caller.openid,
    submittedAt: ctx.now,
    sha256,
    fileName: file.name,
    reason: latest ? (reason ?? null) : null,
    rows: table.rows,
    totals: table.totals,
  };
  // of two submissions of one version racing, one is stored; the other answers the table as that one froze it
  if (await ctx.store.monthly.submit(record)) {
    const correction = record.reason === null ? '' : `，更正原因：${record.reason}`;
    await ctx.store.audit.append({
      at: ctx.now,
      actor: caller.openid,
      action: 'supervision.submitMonthly',
      subject: provinceSubject(province),
      detail: `报送 ${month} 月度统计表（${period.from} 至 ${period.to}）第 ${version} 版，${file.name}，sha256 ${sha256}${correction}`,
    });
  }
  return tableOf(ctx, month, [province], true);
}

/** The staff member's center's line of a period, what it entered, and whether its province has submitted. */
async function centerAnswer(ctx: ServiceContext, centerCode: string, month: string): Promise<MonthlyFiguresAnswer> {
  const table = await tableOf(ctx, month, [provinceOfCenter(centerCode)], false, centerCode);
  const row = table.rows[0];
  if (!row) throw new AppError('CENTER_NOT_FOUND', '没有找到本中心');
  const [entered] = await ctx.store.monthly.figures(month, [centerCode]);
  return { month, period: table.period, due: table.due, row, entered: entered?.figures ?? null, submitted: table.provinces[0]?.submission !== null };
}

/** `portal monthlyFigures`: the staff member's center's line of the period and what it entered. */
export async function monthlyFigures(ctx: ServiceContext, caller: Caller, month: string): Promise<MonthlyFiguresAnswer> {
  const centerCode = requireStaffCenter(caller, '填报月度统计数据');
  checkedPeriod(ctx, month);
  return centerAnswer(ctx, centerCode, month);
}

/**
 * `portal setMonthlyFigures`: the center enters (or changes) its figures of a period. After its province submitted
 * the table, a change is a correction: it needs a reason, is audited as one, and reaches the table when the
 * province submits the next version.
 */
export async function setMonthlyFigures(ctx: ServiceContext, caller: Caller, month: string, figures: MonthlyFigures, reason: string | undefined): Promise<MonthlyFiguresAnswer> {
  const centerCode = requireStaffCenter(caller, '填报月度统计数据');
  checkedPeriod(ctx, month);
  const province = provinceOfCenter(centerCode);
  const submitted = latestByProvince(await ctx.store.monthly.submissions(month)).get(province);
  if (submitted && reason === undefined) {
    const message = `${provinceName(province)}已于 ${formatShanghai(submitted.submittedAt)} 报送本期报表，修改即为更正，请填写更正原因`;
    throw new AppError('VALIDATION_FAILED', message, { reason: '请填写更正原因' });
  }
  const before = await ctx.store.monthly.putFigures({ centerCode, period: month, figures, enteredBy: caller.openid, enteredAt: ctx.now });
  // checked again after the write: a submission made in between froze the table without this change, which makes
  // it a correction (audited as one, without a reason when none was asked for, and shown to the province)
  const after = latestByProvince(await ctx.store.monthly.submissions(month)).get(province);
  const correcting = after !== undefined && after.rows.find((r) => r.centerCode === centerCode)?.filledAt !== ctx.now.toISOString();
  await ctx.store.audit.append({
    at: ctx.now,
    actor: caller.openid,
    action: correcting ? 'supervision.correctMonthlyFigures' : 'supervision.setMonthlyFigures',
    subject: centerSubject(centerCode),
    detail: JSON.stringify({ period: month, before: before?.figures ?? null, after: figures, ...(correcting ? { reason: reason ?? null, afterVersion: after.version } : {}) }),
  });
  return centerAnswer(ctx, centerCode, month);
}

/**
 * The daily run's part (centers-daily): from the 16th, each center that has not filled the period that just ended,
 * in a province that has not submitted it, is reminded once (its staff by the status subscribe message). Answers
 * how many centers were reminded.
 */
export async function remindMonthly(ctx: ServiceContext): Promise<{ reminded: number }> {
  const today = shanghaiDate(ctx.now);
  if (Number(today.slice(8, 10)) < REMIND_FROM_DAY) return { reminded: 0 };
  const month = today.slice(0, 7);
  const [centers, figures, submissions, roles] = await Promise.all([
    ctx.store.centers.list(),
    ctx.store.monthly.figures(month),
    ctx.store.monthly.submissions(month),
    ctx.store.roles.list(),
  ]);
  const filled = new Set(figures.map((f) => f.centerCode));
  const submitted = new Set(submissions.map((s) => s.province));
  const staffOf = new Map<string, string[]>();
  for (const r of roles) {
    if (r.revokedAt !== null || r.grant.role !== 'center-staff') continue;
    staffOf.set(r.grant.centerCode, [...(staffOf.get(r.grant.centerCode) ?? []), r.openid]);
  }
  let reminded = 0;
  for (const center of centers) {
    const staff = staffOf.get(center.code) ?? [];
    if (staff.length === 0 || filled.has(center.code) || submitted.has(provinceOfCenter(center.code))) continue;
    if (!(await ctx.store.monthly.remind(center.code, month, ctx.now))) continue;
    reminded += 1;
    for (const openid of staff) await notifyMonthlyDue(ctx, openid, month, reportDueDate(month));
  }
  return { reminded };
}
