import { PURCHASE_TARGET_WORKING_DAYS, TRANSFER_ACCEPT_WORKING_DAYS } from '../../../src/core/applications';
import type { CalendarReplaceView, CalendarStatusView, CalendarYearInput, CalendarYearView } from '../../../src/core/calendar';
import { CHANGE_NOTICE_WORKING_DAYS } from '../../../src/core/center-portal';
import { AppError } from '../../../src/core/errors';
import { shanghaiDate } from '../../../src/core/time';
import { addWorkingDays, type CalendarLookup, type YearCalendar } from '../../../src/core/working-days';
import { requireSupervisor, type Caller } from '../runtime/define';
import type { ApplicationEventRecord, ApplicationRecord, CalendarYearRecord, LinkChange } from '../store/port';
import type { Ctx } from './applications';
import { calendarOf, yearView } from './calendar';
import { notifyApplicant } from './notify';
import { centerSubject } from './portal';

/**
 * Supervisors keep the official calendar (issue 12): they see a year and where it comes from, load a year's
 * State Council arrangement once, replace it (audited, with the reason), and are warned from 1 October when
 * next year is not loaded. Loading or replacing a year recomputes every open time limit it touches.
 */

/** The audit subject of everything done about a calendar year. */
export const calendarSubject = (year: number) => `calendar:${year}`;
/** Who moved a time limit, in the application's log and the audit log. */
export const CALENDAR_ACTOR = 'calendar';
/** From this month (October) on, supervisors are warned when next year is not loaded. */
export const WARN_FROM_MONTH = 10;

/** The timeline line of a time limit the calendar moved: the words the employee reads, the date, and which limit. */
export const rescheduledMessage = (date: string, which: '受理' | '办结目标') => `办理时限按国务院节假日安排更新为 ${date}（${which}）`;

export async function calendarYear(ctx: Ctx, caller: Caller, year: number): Promise<CalendarYearView> {
  requireSupervisor(caller);
  return yearView(await calendarOf(ctx.store).year(year));
}

export async function calendarStatus(ctx: Ctx, caller: Caller): Promise<CalendarStatusView> {
  requireSupervisor(caller);
  const today = shanghaiDate(ctx.now);
  const thisYear = Number(today.slice(0, 4));
  const loaded = (await ctx.store.calendarYears.list()).map((r) => r.year);
  const years = [...new Set([thisYear - 1, thisYear, thisYear + 1, ...loaded])].sort((a, b) => a - b);
  const calendar = calendarOf(ctx.store);
  const resolved = await Promise.all(years.map((y) => calendar.year(y)));
  const next = resolved.find((r) => r.calendar.year === thisYear + 1);
  const warn = Number(today.slice(5, 7)) >= WARN_FROM_MONTH && next?.calendar.source === 'provisional';
  return {
    years: resolved.map((r) => ({ year: r.calendar.year, source: r.calendar.source })),
    warning: warn
      ? `${thisYear + 1} 年国务院节假日安排尚未载入，${thisYear + 1} 年的办理时限目前只按周末估算（标为“预计”）；国务院办公厅通知发布后，请尽快载入`
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

/** A supervisor loads a year's arrangement from the State Council's notice; a year loaded already is refused (replace it instead). */
export async function loadCalendarYear(ctx: Ctx, caller: Caller, input: CalendarYearInput): Promise<CalendarYearView> {
  requireSupervisor(caller);
  const calendar = calendarOf(ctx.store);
  const before = (await calendar.year(input.year)).calendar;
  const record = recordOf(input, caller, ctx.now);
  if (!(await ctx.store.calendarYears.create(record))) {
    throw new AppError('CALENDAR_YEAR_LOADED', `${input.year} 年的节假日安排已经载入；如需更正，请使用“替换”并写明原因`, { year: `${input.year} 年已载入` });
  }
  calendar.forget(input.year);
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'calendar.load', subject: calendarSubject(input.year), detail: summary(record) });
  const after = await calendar.year(input.year);
  await recompute(ctx, before);
  return yearView(after);
}

/** A supervisor replaces a loaded year (a corrected notice), with the reason: audited, answering the year before and after. */
export async function replaceCalendarYear(ctx: Ctx, caller: Caller, input: CalendarYearInput & { reason: string }): Promise<CalendarReplaceView> {
  requireSupervisor(caller);
  const calendar = calendarOf(ctx.store);
  calendar.forget(input.year);
  const old = await calendar.year(input.year);
  const record = recordOf(input, caller, ctx.now);
  const replaced = await ctx.store.calendarYears.replace(record);
  if (!replaced) {
    throw new AppError('CALENDAR_YEAR_NOT_LOADED', `${input.year} 年的节假日安排尚未载入，不能替换；请直接载入`, { year: `${input.year} 年尚未载入` });
  }
  calendar.forget(input.year);
  await ctx.store.audit.append({
    at: ctx.now,
    actor: caller.openid,
    action: 'calendar.replace',
    subject: calendarSubject(input.year),
    detail: `原因：${input.reason}；原安排 ${summary(replaced)}；新安排 ${summary(record)}`,
  });
  const after = await calendar.year(input.year);
  await recompute(ctx, old.calendar);
  return { before: yearView(old), after: yearView(after) };
}

/** What one recomputation changed, for the log. */
interface Recomputed {
  applications: number;
  changes: number;
}

/**
 * After a year changed: every open application's acceptance limit (while it awaits acceptance) and completion
 * target (purchase withdrawals), and every change not live yet whose chosen date is now before its earliest.
 * `before` is the year as it was, to tell whether an unstored target moved. Each application's new date and its
 * timeline line are written in one transaction (applications.reschedule, compare-and-set on acceptBy), so a
 * run cut short can be run again: what moved already is found equal and left alone.
 */
export async function recompute(ctx: Ctx, before: YearCalendar): Promise<Recomputed> {
  const calendar = calendarOf(ctx.store);
  const done: Recomputed = { applications: 0, changes: 0 };
  for (const app of await ctx.store.applications.listOpen()) {
    if (await recomputeApplication(ctx, app, before)) done.applications += 1;
  }
  for (const status of ['pending', 'approved'] as const) {
    for (const change of await ctx.store.linkChanges.listByStatus(status)) {
      if (await recomputeChange(ctx, change)) done.changes += 1;
    }
  }
  ctx.log.info({ year: before.year, ...done, calendar: (await calendar.year(before.year)).calendar.source }, 'time limits recomputed on the official calendar');
  return done;
}

const withYear = (lookup: CalendarLookup, year: YearCalendar): CalendarLookup => (y) => (y === year.year ? year : lookup(y));

async function recomputeApplication(ctx: Ctx, app: ApplicationRecord, before: YearCalendar): Promise<boolean> {
  const calendar = calendarOf(ctx.store);
  const submittedOn = shanghaiDate(app.createdAt);
  const event = (message: string): ApplicationEventRecord => ({
    applicationId: app.id,
    at: ctx.now,
    actor: 'platform',
    actorId: CALENDAR_ACTOR,
    from: app.status,
    to: app.status,
    platformCode: app.platformCode,
    centerCode: app.responsibleCenter,
    message,
  });
  let acceptBy = app.acceptBy;
  let moved = false;
  // the acceptance limit matters while the application awaits acceptance (acceptOverdue)
  if (app.status === 'submitted' || app.status === 'delivered') {
    const next = await calendar.addWorkingDays(submittedOn, TRANSFER_ACCEPT_WORKING_DAYS);
    if (next.date !== app.acceptBy) {
      const message = rescheduledMessage(next.date, '受理');
      if (await ctx.store.applications.reschedule(app.id, { expectedAcceptBy: app.acceptBy, acceptBy: next.date, event: event(message) })) {
        acceptBy = next.date;
        moved = true;
        await notifyApplicant(ctx, { ...app, acceptBy, updatedAt: ctx.now }, `办理时限更新为 ${next.date}`);
      }
    }
  }
  if (app.type === 'purchase-withdrawal') {
    // the target is not stored: it moved when the last one the employee was told (a line of ours, else the
    // one computed on the year as it was) is not the new one
    const lookup = await calendar.lookupFor(submittedOn, PURCHASE_TARGET_WORKING_DAYS);
    const next = addWorkingDays(submittedOn, PURCHASE_TARGET_WORKING_DAYS, lookup).date;
    const told = (await ctx.store.applications.events(app.id))
      .filter((e) => e.actor === 'platform' && e.message.endsWith('（办结目标）'))
      .map((e) => /(\d{4}-\d{2}-\d{2})/.exec(e.message)?.[1])
      .at(-1);
    const previous = told ?? addWorkingDays(submittedOn, PURCHASE_TARGET_WORKING_DAYS, withYear(lookup, before)).date;
    if (next !== previous) {
      const message = rescheduledMessage(next, '办结目标');
      if (await ctx.store.applications.reschedule(app.id, { expectedAcceptBy: acceptBy, acceptBy, event: event(message) })) {
        moved = true;
        await notifyApplicant(ctx, { ...app, acceptBy, updatedAt: ctx.now }, `办结目标更新为 ${next}`);
      }
    }
  }
  return moved;
}

/** A change not live yet whose date is now before the earliest allowed for it moves to that earliest date, and the center's log says why. */
async function recomputeChange(ctx: Ctx, change: LinkChange): Promise<boolean> {
  const earliest = (await calendarOf(ctx.store).addWorkingDays(shanghaiDate(change.proposedAt), CHANGE_NOTICE_WORKING_DAYS)).date;
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
