import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Every date the product shows or reasons about is a date in China. */
export const TIME_ZONE = 'Asia/Shanghai';

/** The calendar date (YYYY-MM-DD) in China at an instant. */
export function shanghaiDate(at: Date): string {
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
  const start = dayjs(at).tz(TIME_ZONE).startOf('day');
  return { start: start.toDate(), end: start.add(1, 'day').toDate() };
}

/** 2026-11-23 00:00 style, for telling people when they may try again. */
export function formatShanghai(at: Date): string {
  return dayjs(at).tz(TIME_ZONE).format('YYYY-MM-DD HH:mm');
}
