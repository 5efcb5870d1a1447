import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Every date the product shows or reasons about is a date in China. */
export const TIME_ZONE = 'Asia/Shanghai';

/**
 * China has kept UTC+8 all year since its last summer time ended (1991-09-15 02:00, 1991-09-14T17:00Z): an instant
 * from then on is shifted by 8 hours, not looked up in the time zone database (dayjs's tz builds an Intl formatter
 * on every call, a few milliseconds each under load, on every submission). Earlier instants are looked up.
 */
const FIXED_UTC8_SINCE = Date.UTC(1991, 8, 14, 17);
export const HOUR_MS = 3_600_000;
const UTC8_MS = 8 * HOUR_MS;
const DAY_MS = 86_400_000;

/** The start of the clock hour an instant falls in (the same hour in China, whose offset is whole hours): an hourly limit's window. */
export const hourStart = (at: Date): Date => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);

/** The calendar date (YYYY-MM-DD) in China at an instant. */
export function shanghaiDate(at: Date): string {
  const t = at.getTime();
  if (t >= FIXED_UTC8_SINCE) return new Date(t + UTC8_MS).toISOString().slice(0, 10);
  return dayjs(at).tz(TIME_ZONE).format('YYYY-MM-DD');
}

/** Whether `yyyymmdd` is a real calendar date (no 2月30日). */
export function isCalendarDate(yyyymmdd: string): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const [y, m, d] = [Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)), Number(yyyymmdd.slice(6, 8))];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Whole years from a birth date (YYYYMMDD) to a calendar date (YYYY-MM-DD). */
export function ageOn(birth: string, onDate: string): number {
  const [by, bm, bd] = [Number(birth.slice(0, 4)), Number(birth.slice(4, 6)), Number(birth.slice(6, 8))];
  const [y, m, d] = onDate.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The instant today began in China, and the instant tomorrow begins: a rate limit's day. */
export function shanghaiDay(at: Date): { start: Date; end: Date } {
  // a day that began on UTC+8 (1991-09-15 itself began on UTC+9)
  const fixed = Math.floor((at.getTime() + UTC8_MS) / DAY_MS) * DAY_MS - UTC8_MS;
  if (fixed >= FIXED_UTC8_SINCE) return { start: new Date(fixed), end: new Date(fixed + DAY_MS) };
  const start = dayjs(at).tz(TIME_ZONE).startOf('day');
  return { start: start.toDate(), end: start.add(1, 'day').toDate() };
}

/** The instant a China date (YYYY-MM-DD) begins. */
export function shanghaiMidnight(date: string): Date {
  return dayjs.tz(date, TIME_ZONE).toDate();
}

/** 2026-11-23 00:00 style, for telling people when they may try again. */
export function formatShanghai(at: Date): string {
  return dayjs(at).tz(TIME_ZONE).format('YYYY-MM-DD HH:mm');
}

/** A report month, YYYY-MM. */
const REPORT_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** The day of the month a report period turns on, and the day its report is due. */
export const REPORT_PERIOD_DAY = 15;
export const REPORT_DUE_DAY = 20;

function monthParts(month: string): [number, number] {
  const m = REPORT_MONTH.exec(month);
  if (!m) throw new RangeError(`report month should be YYYY-MM: ${month}`);
  return [Number(m[1]), Number(m[2])];
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The report period named by a month (YYYY-MM): from the 15th of the month before (included) to the 15th of
 * that month (excluded), China dates; 2027-01 runs from 2026-12-15 to 2027-01-15.
 */
export function reportPeriod(month: string): { from: string; to: string } {
  const [y, m] = monthParts(month);
  const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
  return { from: `${py}-${pad(pm)}-${pad(REPORT_PERIOD_DAY)}`, to: `${y}-${pad(m)}-${pad(REPORT_PERIOD_DAY)}` };
}

/** How a period is shown, by its days: 2026-12 -> 2026-11-15 至 2026-12-14 (its end, the 15th, opens the next period). */
export function reportPeriodSpan(month: string): string {
  const { from, to } = reportPeriod(month);
  return `${from} 至 ${to.slice(0, 8)}${pad(REPORT_PERIOD_DAY - 1)}`;
}

/** The day the report of a period (YYYY-MM) is due: the 20th of that month. */
export function reportDueDate(month: string): string {
  const [y, m] = monthParts(month);
  return `${y}-${pad(m)}-${pad(REPORT_DUE_DAY)}`;
}

/** The `count` report months (YYYY-MM) ending with `month`, oldest first. */
export function periodsUpTo(month: string, count: number): string[] {
  const [year, m] = monthParts(month);
  return Array.from({ length: count }, (_, i) => {
    const index = year * 12 + (m - 1) - (count - 1 - i);
    return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
  });
}

/** The report period (YYYY-MM) a China date (YYYY-MM-DD) falls in: from the 15th on, the next month's. */
export function periodOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  if (d < REPORT_PERIOD_DAY) return `${y}-${pad(m)}`;
  return m === 12 ? `${y + 1}-01` : `${y}-${pad(m + 1)}`;
}
