import { periodOf, periodsUpTo, reportPeriod, shanghaiDate, shanghaiMidnight } from '../../../src/core/time';
import { workingDaysBetween } from '../../../src/core/working-days';
import {
  NATIONAL_TRANSFER_WORKING_DAYS,
  PROVINCES,
  provinceName,
  provinceOfCenter,
  TRANSFER_TIME_DAYS,
  type DashboardAnswer,
  type MonthlyTotals,
  type TransferTimeRow,
  type TrendPoint,
} from '../../../src/core/supervision';
import type { Caller, ServiceContext } from '../runtime/define';
import { calendarOf } from '../services/calendar';
import { overdueCallBackCutoff } from '../services/follow-up-periods';
import type { CenterCount, TransferTimeGroup } from '../store/port';
import { tableOf } from './monthly';
import { provincesShown } from './scope';

/**
 * The supervisors' overview figures (issue 14, "Dashboards") in one call: average transfer time in working days per
 * province against the national 6, applications overdue for acceptance and 差评 follow-ups still open per center,
 * the volume per item of the last 12 report periods, and the scans of the centers' poster codes in the running period.
 * Counted in the database; working days on the official calendar.
 */

/** How many report periods the trend shows, the running one last. */
const TREND_PERIODS = 12;
const DAY_MS = 86_400_000;

const oneDecimal = (n: number) => Math.round(n * 10) / 10;

/** The average of some transfers' working days (one decimal), null for none, and how many. */
function average(groups: readonly (TransferTimeGroup & { workingDays: number })[]): { avgWorkingDays: number | null; count: number } {
  const count = groups.reduce((n, g) => n + g.count, 0);
  const days = groups.reduce((n, g) => n + g.workingDays * g.count, 0);
  return { avgWorkingDays: count === 0 ? null : oneDecimal(days / count), count };
}

/** Each group with its working days on the official calendar, counted once per pair of dates (the years read together). */
async function withWorkingDays(ctx: ServiceContext, groups: readonly TransferTimeGroup[]): Promise<(TransferTimeGroup & { workingDays: number })[]> {
  if (groups.length === 0) return [];
  const first = groups.reduce((d, g) => (g.submittedOn < d ? g.submittedOn : d), groups[0].submittedOn);
  const last = groups.reduce((d, g) => (g.completedOn > d ? g.completedOn : d), groups[0].completedOn);
  const lookup = await calendarOf(ctx.store).yearsOf(first, last);
  const counted = new Map<string, number>();
  return groups.map((g) => {
    const key = `${g.submittedOn}:${g.completedOn}`;
    const workingDays = counted.get(key) ?? workingDaysBetween(g.submittedOn, g.completedOn, lookup);
    counted.set(key, workingDays);
    return { ...g, workingDays };
  });
}

/** Per-center counts of the provinces shown, most first, named from the catalog. */
function centerRows(counts: readonly CenterCount[], shown: ReadonlySet<string>, names: ReadonlyMap<string, string>) {
  return counts
    .filter((c) => shown.has(provinceOfCenter(c.centerCode)))
    .map((c) => ({ centerCode: c.centerCode, centerName: names.get(c.centerCode) ?? c.centerCode, province: provinceOfCenter(c.centerCode), count: c.count }))
    .sort((a, b) => b.count - a.count || (a.centerCode < b.centerCode ? -1 : 1));
}

const trendItems = (totals: MonthlyTotals): TrendPoint['items'] => ({
  '4': totals.items['4'].volume,
  '5': totals.items['5'].volume,
  '6': totals.items['6'].volume,
  '7': totals.items['7'].count,
  '8': totals.items['8'].count,
});

/**
 * `supervise dashboard`: the figures of the provinces the caller supervises (one when asked; FORBIDDEN for another,
 * before anything is read). Transfer time: transfers completed in the TRANSFER_TIME_DAYS days up to now, working
 * days from the China date submitted to the China date completed (the day of submission not counted). Trend: each
 * period's totals as `supervise monthly` answers them (submitted provinces as submitted).
 */
export async function dashboard(ctx: ServiceContext, caller: Caller, province: string | undefined): Promise<DashboardAnswer> {
  const provinces = provincesShown(caller, province);
  const shown = new Set(provinces);
  const today = shanghaiDate(ctx.now);
  const since = shanghaiMidnight(today).getTime() - TRANSFER_TIME_DAYS * DAY_MS;
  const months = periodsUpTo(periodOf(today), TREND_PERIODS);
  const running = reportPeriod(periodOf(today));
  const [centers, transfers, overdue, followUps, callBacksLate, tables, scans] = await Promise.all([
    ctx.store.centers.list(),
    ctx.store.dashboard.transferTimes(new Date(since), ctx.now),
    ctx.store.dashboard.overdueAcceptance(today),
    ctx.store.dashboard.openFollowUps(),
    overdueCallBackCutoff(ctx.store, today).then((cutoff) => ctx.store.dashboard.awaitingCallBack(cutoff)),
    Promise.all(months.map((month) => tableOf(ctx, month, provinces, true))),
    ctx.store.scans.countByCenter(running.from, running.to),
  ]);
  const mine = transfers.filter((g) => shown.has(provinceOfCenter(g.centerCode)));
  const timed = await withWorkingDays(ctx, mine);
  const transferTime = PROVINCES.filter((p) => shown.has(p.code)).map(
    (p): TransferTimeRow => ({ province: p.code, provinceName: provinceName(p.code), ...average(timed.filter((g) => provinceOfCenter(g.centerCode) === p.code)) }),
  );
  const names = new Map(centers.map((c) => [c.code, c.name]));
  const open = centerRows(followUps, shown, names);
  const late = centerRows(callBacksLate, shown, names);
  const scanned = centerRows([...scans].map(([centerCode, count]) => ({ centerCode, count })), shown, names);
  return {
    transferWindow: { from: shanghaiDate(new Date(since)), to: today },
    transferTime,
    national: { target: NATIONAL_TRANSFER_WORKING_DAYS, ...average(timed) },
    overdue: centerRows(overdue, shown, names),
    followUpsOpen: { rows: open, total: open.reduce((n, r) => n + r.count, 0) },
    callBacksOverdue: { rows: late, total: late.reduce((n, r) => n + r.count, 0) },
    trend: tables.map((t) => ({ period: t.month, items: trendItems(t.totals) })),
    posterScans: {
      period: periodOf(today),
      ...running,
      provinces: provinces.map((p) => ({ province: p, provinceName: provinceName(p), count: scanned.filter((r) => r.province === p).reduce((n, r) => n + r.count, 0) })),
      centers: scanned,
      total: scanned.reduce((n, r) => n + r.count, 0),
    },
  };
}
