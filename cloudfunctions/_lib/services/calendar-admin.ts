import { performance } from 'node:perf_hooks';
import { awaitsAcceptance } from '../../../src/core/applications/status';
import type { CalendarReplaceView, CalendarStatusView, CalendarYearInput, CalendarYearView } from '../../../src/core/calendar';
import { CHANGE_NOTICE_WORKING_DAYS } from '../../../src/core/center-portal';
import { AppError } from '../../../src/core/errors';
import { shanghaiDate } from '../../../src/core/time';
import { requireSupervisor, type Caller, type ServiceContext } from '../runtime/define';
import type { ApplicationEventRecord, ApplicationRecord, CalendarYearRecord, LinkChange } from '../store/port';
import { calendarOf, computedLimits, freshCalendar, resolveYear, yearView, type Calendar } from './calendar';
import { centerSubject } from './audit-names';

/**
 * Supervisors keep the official calendar (issue 12): they see a year and where it comes from, load a year's
 * State Council arrangement once, replace it (audited, with the reason), and are warned while this year is
 * not loaded and, from 1 October, when next year is not. Loading or replacing a year records it; recompute (a
 * first pass there, then nightly in centers-daily) brings every open time limit in line with it.
 */

/** The audit subject of everything done about a calendar year. */
export const calendarSubject = (year: number) => `calendar:${year}`;
/** Who moved a time limit, in the application's log and the audit log. */
export const CALENDAR_ACTOR = 'calendar';
/** From this month (October) on, supervisors are warned when next year is not loaded (and all year when this year is not). */
export const WARN_FROM_MONTH = 10;

/** The timeline line of a time limit the calendar moved: the words the employee reads, the date, and which limit. */
export const rescheduledMessage = (date: string, which: '受理' | '办结目标', provisional = false) =>
  provisional ? `办理时限更新为 ${date}（${which}；预计：该年国务院节假日安排尚未载入，按周末估算）` : `办理时限按国务院节假日安排更新为 ${date}（${which}）`;

export async function calendarYear(ctx: ServiceContext, caller: Caller, year: number): Promise<CalendarYearView> {
  requireSupervisor(caller);
  return yearView(await calendarOf(ctx.store).year(year));
}

export async function calendarStatus(ctx: ServiceContext, caller: Caller): Promise<CalendarStatusView> {
  requireSupervisor(caller);
  const today = shanghaiDate(ctx.now);
  const thisYear = Number(today.slice(0, 4));
  const loaded = (await ctx.store.calendarYears.list()).map((r) => r.year);
  const years = [...new Set([thisYear - 1, thisYear, thisYear + 1, ...loaded])].sort((a, b) => a - b);
  const calendar = calendarOf(ctx.store);
  const resolved = await Promise.all(years.map((y) => calendar.year(y)));
  const provisional = (year: number) => resolved.find((r) => r.calendar.year === year)?.calendar.source === 'provisional';
  // this year whenever it is not loaded (from 1 January dates are computed on it), next year from October on
  const missing = [thisYear, thisYear + 1].filter((y) => provisional(y) && (y === thisYear || Number(today.slice(5, 7)) >= WARN_FROM_MONTH));
  const named = missing.join('、');
  return {
    years: resolved.map((r) => ({ year: r.calendar.year, source: r.calendar.source })),
    warning:
      missing.length > 0
        ? `${named} 年国务院节假日安排尚未载入，${named} 年的办理时限目前只按周末估算（标为“预计”）；${missing.includes(thisYear) ? '请按国务院办公厅的通知尽快载入' : '国务院办公厅通知发布后，请尽快载入'}`
        : null,
  };
}

const recordOf = (input: CalendarYearInput, caller: Caller, at: Date): CalendarYearRecord => ({
  year: input.year,
  notice: { ...input.notice },
  holidays: [...input.holidays].sort((a, b) => a.from.localeCompare(b.from)),
  workdays: [...input.workdays].sort(),
  loadedBy: caller.openid,
  loadedAt: at,
});

const summary = (r: Pick<CalendarYearRecord, 'notice' | 'holidays' | 'workdays'>) =>
  `${r.notice.title}（${r.notice.number}，${r.notice.date}）：${r.holidays.map((h) => `${h.name} ${h.from}~${h.to}`).join('、')}；调休上班 ${r.workdays.join('、') || '无'}`;

/**
 * A supervisor loads a year's arrangement from the State Council's notice; a year loaded already is refused
 * (replace it instead). The year is recorded first; then a first recomputation pass of ADMIN_RECOMPUTE_MS at
 * most, on the years read fresh from the store; what it does not reach, centers-daily finishes that night.
 */
export async function loadCalendarYear(ctx: ServiceContext, caller: Caller, input: CalendarYearInput): Promise<CalendarYearView> {
  requireSupervisor(caller);
  const record = recordOf(input, caller, ctx.now);
  if (!(await ctx.store.calendarYears.create(record))) {
    throw new AppError('CALENDAR_YEAR_LOADED', `${input.year} 年的节假日安排已经载入；如需更正，请使用“替换”并写明原因`, { year: `${input.year} 年已载入` });
  }
  calendarOf(ctx.store).forget(input.year);
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'calendar.load', subject: calendarSubject(input.year), detail: summary(record) });
  const after = await freshCalendar(ctx.store).year(input.year);
  await recompute(ctx, performance.now() + ADMIN_RECOMPUTE_MS);
  return yearView(after);
}

/** A supervisor replaces a loaded year (a corrected notice), with the reason: audited, answering the year before and after; recomputed as a load. */
export async function replaceCalendarYear(ctx: ServiceContext, caller: Caller, input: CalendarYearInput & { reason: string }): Promise<CalendarReplaceView> {
  requireSupervisor(caller);
  const record = recordOf(input, caller, ctx.now);
  const replaced = await ctx.store.calendarYears.replace(record);
  if (!replaced) {
    throw new AppError('CALENDAR_YEAR_NOT_LOADED', `${input.year} 年的节假日安排尚未载入，不能替换；请直接载入`, { year: `${input.year} 年尚未载入` });
  }
  calendarOf(ctx.store).forget(input.year);
  await ctx.store.audit.append({
    at: ctx.now,
    actor: caller.openid,
    action: 'calendar.replace',
    subject: calendarSubject(input.year),
    detail: `原因：${input.reason}；原安排 ${summary(replaced)}；新安排 ${summary(record)}`,
  });
  const after = await freshCalendar(ctx.store).year(input.year);
  await recompute(ctx, performance.now() + ADMIN_RECOMPUTE_MS);
  return { before: yearView(resolveYear(input.year, replaced)), after: yearView(after) };
}

/** What one recomputation changed, for the log; `remaining`: applications not reached (the time given ran out). */
export interface Recomputed {
  applications: number;
  changes: number;
  remaining: number;
}

/** How long the supervisor's load or replace spends recomputing before it answers; centers-daily finishes the rest. */
export const ADMIN_RECOMPUTE_MS = 4_000;

/**
 * Brings every open time limit in line with the official calendar as it stands in the store (read fresh, no
 * instance's copy): the acceptance limit of applications awaiting acceptance, the completion target of open
 * purchase withdrawals (each stored with its provisional flag), and every change not live yet whose chosen
 * date is now before its earliest. A limit whose date or flag differs from what the calendar gives is written
 * with compare-and-set on both (applications.reschedule), with one timeline line when the date moved (none
 * when only the flag did). So it is idempotent: run again, or by two at once, it writes each move once, and a
 * run cut short (`untilMs`, a performance.now() deadline) is finished by the next, at the latest the nightly
 * centers-daily run, which also picks up a year a chinese-days upgrade added.
 * No subscribe message is sent for a moved date (decision 009): the employee's one-time subscription is kept
 * for the status; the employee sees the line in the timeline and the date on the detail page.
 */
export async function recompute(ctx: Pick<ServiceContext, 'store' | 'log' | 'now'>, untilMs = Number.POSITIVE_INFINITY): Promise<Recomputed> {
  const calendar = freshCalendar(ctx.store);
  const done: Recomputed = { applications: 0, changes: 0, remaining: 0 };
  const open = await ctx.store.applications.listOpen();
  for (const [i, app] of open.entries()) {
    if (performance.now() > untilMs) {
      done.remaining = open.length - i;
      break;
    }
    if (await recomputeApplication(ctx, calendar, app)) done.applications += 1;
  }
  for (const status of ['pending', 'approved'] as const) {
    for (const change of await ctx.store.linkChanges.listByStatus(status)) {
      if (await recomputeChange(ctx, calendar, change)) done.changes += 1;
    }
  }
  if (done.applications > 0 || done.changes > 0 || done.remaining > 0) ctx.log.info({ ...done }, 'time limits recomputed on the official calendar');
  return done;
}

async function recomputeApplication(ctx: Pick<ServiceContext, 'store' | 'now'>, calendar: Calendar, app: ApplicationRecord): Promise<boolean> {
  const next = await computedLimits(ctx.store, app.type, shanghaiDate(app.createdAt), calendar);
  const line = (date: string, provisional: boolean, which: '受理' | '办结目标'): ApplicationEventRecord => ({
    applicationId: app.id,
    at: ctx.now,
    actor: 'platform',
    actorId: CALENDAR_ACTOR,
    from: app.status,
    to: app.status,
    platformCode: app.platformCode,
    centerCode: app.responsibleCenter,
    message: rescheduledMessage(date, which, provisional),
  });
  let moved = false;
  // the acceptance limit runs (and moves) only while the application awaits acceptance (as acceptOverdue)
  if (awaitsAcceptance(app.status) && (next.acceptBy !== app.acceptBy || next.acceptByProvisional !== app.acceptByProvisional)) {
    moved =
      (await ctx.store.applications.reschedule(app.id, {
        limit: 'acceptBy',
        expected: { date: app.acceptBy, provisional: app.acceptByProvisional },
        next: { date: next.acceptBy, provisional: next.acceptByProvisional },
        event: next.acceptBy !== app.acceptBy ? line(next.acceptBy, next.acceptByProvisional, '受理') : null,
      })) || moved;
  }
  if (next.targetBy !== null && (next.targetBy !== app.targetBy || next.targetProvisional !== app.targetProvisional)) {
    // a target never stored (a row from before migration 13) is stored without a line: the employee was shown it computed as now
    moved =
      (await ctx.store.applications.reschedule(app.id, {
        limit: 'target',
        expected: { date: app.targetBy, provisional: app.targetProvisional },
        next: { date: next.targetBy, provisional: next.targetProvisional },
        event: app.targetBy !== null && next.targetBy !== app.targetBy ? line(next.targetBy, next.targetProvisional, '办结目标') : null,
      })) || moved;
  }
  return moved;
}

/** A change not live yet whose date is now before the earliest allowed for it moves to that earliest date, and the center's log says why. */
async function recomputeChange(ctx: Pick<ServiceContext, 'store' | 'now'>, calendar: Calendar, change: LinkChange): Promise<boolean> {
  const earliest = (await calendar.addWorkingDays(shanghaiDate(change.proposedAt), CHANGE_NOTICE_WORKING_DAYS)).date;
  if (change.effectiveDate >= earliest) return false;
  if (!(await ctx.store.linkChanges.reschedule(change.id, change.effectiveDate, earliest))) return false;
  await ctx.store.audit.append({
    at: ctx.now,
    actor: CALENDAR_ACTOR,
    action: 'change.reschedule',
    subject: centerSubject(change.centerCode),
    detail: `${change.id} 生效日期由 ${change.effectiveDate} 调整为 ${earliest}：按国务院节假日安排，须在提交后 ${CHANGE_NOTICE_WORKING_DAYS} 个工作日方可生效`,
  });
  return true;
}
