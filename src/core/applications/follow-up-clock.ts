/**
 * The 差评 follow-up's time limits (local rules, DOMAIN.md "好差评"; no national number): the person is called back
 * within FOLLOW_UP_CALL_BACK_WORKING_DAYS and the cause put right within FOLLOW_UP_FIX_WORKING_DAYS working days of
 * the rating, on the official calendar. The shorter local rule is the default.
 */
export const FOLLOW_UP_CALL_BACK_WORKING_DAYS = 1;
export const FOLLOW_UP_FIX_WORKING_DAYS = 5;

/** Where a follow-up's call-back stands on a day (China dates, YYYY-MM-DD compare as strings). */
export type CallBackState = 'done' | 'due-today' | 'overdue' | 'due';

/** The call-back's state: done once the center recorded it, else by today against its date. */
export function callBackState(callBackBy: string, today: string, calledBack: boolean): CallBackState {
  if (calledBack) return 'done';
  if (today > callBackBy) return 'overdue';
  return today === callBackBy ? 'due-today' : 'due';
}

/**
 * The two periods in force: a local rule may be shorter than the defaults, so a national supervisor sets them (store
 * meta entry FOLLOW_UP_PERIODS_KEY, read by every function that shows the clock); unset, the defaults.
 */
export interface FollowUpPeriods {
  callBackWorkingDays: number;
  fixWorkingDays: number;
}
export const DEFAULT_FOLLOW_UP_PERIODS: FollowUpPeriods = { callBackWorkingDays: FOLLOW_UP_CALL_BACK_WORKING_DAYS, fixWorkingDays: FOLLOW_UP_FIX_WORKING_DAYS };
/** The longest periods a supervisor may set (a month of working days); the call-back never after the fix. */
export const FOLLOW_UP_PERIOD_MAX = 22;

/** Where a follow-up stands: 待回访 (open), 已回访 and 整改中 (closed: called back), 已整改 (fixed, with the center's note). */
export type FollowUpStatus = 'open' | 'closed' | 'fixed';
export const FOLLOW_UP_STATUSES = ['open', 'closed', 'fixed'] as const satisfies readonly FollowUpStatus[];
/** Where it stands in the person's words (their case's card, the copy of their data). */
export const FOLLOW_UP_STATE_LABELS: Record<FollowUpStatus, string> = { open: '待回访', closed: '整改中', fixed: '已整改' };

/** The person's rating of the fix, once it is 已整改. */
export const FIX_SCORES = ['satisfied', 'fair', 'unsatisfied'] as const;
export type FixScore = (typeof FIX_SCORES)[number];
export const FIX_SCORE_LABELS: Record<FixScore, string> = { satisfied: '满意', fair: '基本满意', unsatisfied: '不满意' };
