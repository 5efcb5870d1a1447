import { isWeekend, nextDate, type CalendarArrangement, type CalendarSource } from './calendar';

/**
 * Working days on the official calendar (State Council holiday notices, with their make-up working
 * weekends): the pure arithmetic, given each year's arrangement. Where the arrangements come from (the
 * chinese-days package, a year a supervisor loaded, or neither) is the server's calendar service
 * (cloudfunctions/_lib/services/calendar.ts). Dates are China calendar dates, YYYY-MM-DD.
 */

/** One year as the arithmetic needs it: where it comes from, its holidays and its make-up working days. */
export interface YearCalendar extends CalendarArrangement {
  year: number;
  source: CalendarSource;
}

/** Gives the calendar of a year; the caller has made sure every year it may be asked for is at hand. */
export type CalendarLookup = (year: number) => YearCalendar;

/** A date computed on working days; `provisional` when a year it stepped through is not known (weekends only). */
export interface WorkingDate {
  date: string;
  provisional: boolean;
}

/** A year with no arrangement: only Saturdays and Sundays are days off. */
export const provisionalYear = (year: number): YearCalendar => ({ year, source: 'provisional', holidays: [], workdays: [] });

const yearOf = (date: string) => Number(date.slice(0, 4));

/** Whether `date` is a working day in its year's calendar: a make-up day works, a holiday or a weekend does not. */
export function isWorkingDayIn(calendar: YearCalendar, date: string): boolean {
  if (calendar.workdays.includes(date)) return true;
  if (calendar.holidays.some((h) => h.from <= date && date <= h.to)) return false;
  return !isWeekend(date);
}

/**
 * `addWorkingDays` over the years at hand: the date, or the first year the count steps into that `lookup` does not
 * have (undefined for it) — the caller reads that year and counts again.
 */
export function countWorkingDays(date: string, n: number, lookup: (year: number) => YearCalendar | undefined): WorkingDate | { missing: number } {
  let day = date;
  let provisional = false;
  for (let left = n; left > 0; ) {
    day = nextDate(day);
    const calendar = lookup(yearOf(day));
    if (!calendar) return { missing: yearOf(day) };
    if (calendar.source === 'provisional') provisional = true;
    if (isWorkingDayIn(calendar, day)) left -= 1;
  }
  return { date: day, provisional };
}

/**
 * The working day `n` working days after `date` (the day itself not counted), and whether it is an estimate:
 * true when any day stepped over lies in a provisional year.
 */
export function addWorkingDays(date: string, n: number, lookup: CalendarLookup): WorkingDate {
  // a CalendarLookup answers every year, so the count never stops for a missing one
  return countWorkingDays(date, n, lookup) as WorkingDate;
}

/**
 * Working days from `from` to `to` on the official calendar: the working days after `from` up to and including
 * `to` (as addWorkingDays counts, the first day not counted); 0 when `to` is not after `from`.
 */
export function workingDaysBetween(from: string, to: string, lookup: CalendarLookup): number {
  let days = 0;
  for (let day = from; day < to; ) {
    day = nextDate(day);
    if (isWorkingDayIn(lookup(yearOf(day)), day)) days += 1;
  }
  return days;
}

/**
 * The years `addWorkingDays(date, n)` usually looks at, read together before counting: `n` working days mostly stay
 * within twice `n` plus a month of calendar days. Holidays back to back can carry a count further; the calendar
 * service then reads the further years one by one (`countWorkingDays` names them).
 */
export function yearsReached(date: string, n: number): number[] {
  const last = new Date(`${date}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() + n * 2 + 31);
  const years: number[] = [];
  for (let y = yearOf(date); y <= last.getUTCFullYear(); y += 1) years.push(y);
  return years;
}

/** The holiday ranges of a year given day by day (the package's form): consecutive days of one name make a range. */
export function rangesOf(days: readonly { date: string; name: string }[]): CalendarArrangement['holidays'] {
  const sorted = [...days].sort((a, b) => a.date.localeCompare(b.date));
  const ranges: CalendarArrangement['holidays'] = [];
  for (const { date, name } of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && last.name === name && nextDate(last.to) === date) last.to = date;
    else ranges.push({ name, from: date, to: date });
  }
  return ranges;
}
