import { findWorkday } from 'chinese-days';

/**
 * Working days on the official calendar (State Council holiday notices, with their make-up working
 * weekends), from chinese-days. Dates are China calendar dates, YYYY-MM-DD. Server-side only: pages get
 * the dates already computed, so the calendar data stays out of the mini-program package.
 */

/** The working day `n` working days after `date` (the day itself not counted). */
export function addWorkingDays(date: string, n: number): string {
  return findWorkday(n, date);
}

