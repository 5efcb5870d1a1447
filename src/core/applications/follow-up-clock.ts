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
