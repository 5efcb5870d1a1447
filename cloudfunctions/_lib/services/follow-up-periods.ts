import * as z from 'zod';
import { DEFAULT_FOLLOW_UP_PERIODS, type FollowUpPeriods } from '../../../src/core/applications/follow-up-clock';
import { shanghaiDate, shanghaiMidnight } from '../../../src/core/time';
import { requireSupervisor, type Caller, type ServiceContext } from '../runtime/define';
import type { Store } from '../store/port';
import { calendarOf } from './calendar';

/**
 * The 差评 clock's two periods (issue 18 point 3) are kept where the official calendar they are counted on is kept: in
 * the store, set by national supervisors through `admin`, audited. Not a function variable: `applications`,
 * `workbench` and `supervise` all read them, and one entry cannot disagree between functions or need a redeploy to
 * follow a local rule. Unset (or unreadable), the defaults: 1 and 5 working days.
 */
export const FOLLOW_UP_PERIODS_KEY = 'follow-up.periods';
export const FOLLOW_UP_PERIODS_SUBJECT = 'settings:follow-up-periods';

const StoredPeriods = z.object({ callBackWorkingDays: z.number().int().positive(), fixWorkingDays: z.number().int().positive() });

export async function followUpPeriods(store: Pick<Store, 'meta'>): Promise<FollowUpPeriods> {
  const raw = await store.meta.get(FOLLOW_UP_PERIODS_KEY);
  if (raw === undefined) return DEFAULT_FOLLOW_UP_PERIODS;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return DEFAULT_FOLLOW_UP_PERIODS;
  }
  const parsed = StoredPeriods.safeParse(json);
  return parsed.success ? parsed.data : DEFAULT_FOLLOW_UP_PERIODS;
}

/** `admin followUpPeriods`: the periods in force and whether they are the defaults. */
export async function showFollowUpPeriods(ctx: ServiceContext, caller: Caller): Promise<FollowUpPeriods & { defaults: FollowUpPeriods }> {
  requireSupervisor(caller);
  return { ...(await followUpPeriods(ctx.store)), defaults: DEFAULT_FOLLOW_UP_PERIODS };
}

/** `admin setFollowUpPeriods`: a national supervisor sets both (the event schema keeps the call-back within the fix), audited with the old and new values. */
export async function setFollowUpPeriods(ctx: ServiceContext, caller: Caller, periods: FollowUpPeriods): Promise<FollowUpPeriods & { defaults: FollowUpPeriods }> {
  requireSupervisor(caller);
  const before = await followUpPeriods(ctx.store);
  const next: FollowUpPeriods = { callBackWorkingDays: periods.callBackWorkingDays, fixWorkingDays: periods.fixWorkingDays };
  await ctx.store.meta.set(FOLLOW_UP_PERIODS_KEY, JSON.stringify(next));
  await ctx.store.audit.append({
    at: ctx.now,
    actor: caller.openid,
    action: 'settings.follow-up-periods',
    subject: FOLLOW_UP_PERIODS_SUBJECT,
    detail: `${before.callBackWorkingDays}/${before.fixWorkingDays} -> ${next.callBackWorkingDays}/${next.fixWorkingDays}`,
  });
  return { ...next, defaults: DEFAULT_FOLLOW_UP_PERIODS };
}

/** A 差评's dates on the official calendar with the periods in force: call back by, put right by, and whether either is an estimate. */
export async function followUpDates(store: Store, ratedAt: Date): Promise<{ callBackBy: string; fixBy: string; provisional: boolean }> {
  const periods = await followUpPeriods(store);
  const calendar = calendarOf(store);
  const ratedOn = shanghaiDate(ratedAt);
  const [callBack, fix] = await Promise.all([calendar.addWorkingDays(ratedOn, periods.callBackWorkingDays), calendar.addWorkingDays(ratedOn, periods.fixWorkingDays)]);
  return { callBackBy: callBack.date, fixBy: fix.date, provisional: callBack.provisional || fix.provisional };
}

/**
 * The first China date whose call-back is not overdue on `today`: a 差评 given before it and still awaiting its call-back
 * is overdue. Counting working days never goes back, so step back from today while the day before still reaches today.
 */
export async function overdueCallBackCutoff(store: Store, today: string): Promise<Date> {
  const { callBackWorkingDays } = await followUpPeriods(store);
  const calendar = calendarOf(store);
  let first = today;
  for (;;) {
    const before = shanghaiDate(new Date(shanghaiMidnight(first).getTime() - 1));
    if ((await calendar.addWorkingDays(before, callBackWorkingDays)).date < today) return shanghaiMidnight(first);
    first = before;
  }
}
