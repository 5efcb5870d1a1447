import packageDays from 'chinese-days/dist/chinese-days.json';
import { nextDate, type CalendarArrangement, type CalendarYearView } from '../../../src/core/calendar';
import {
  addWorkingDays as addWorkingDaysIn,
  countWorkingDays,
  provisionalYear,
  rangesOf,
  yearsReached,
  type CalendarLookup,
  type WorkingDate,
  type YearCalendar,
} from '../../../src/core/working-days';
import { PURCHASE_TARGET_WORKING_DAYS, TRANSFER_ACCEPT_WORKING_DAYS } from '../../../src/core/applications/status';
import type { ApplicationRecord, CalendarYearRecord, Store } from '../store/port';

/**
 * The official calendar (issue 12): the one place every working-day computation on the server takes its
 * years from. A year a supervisor loaded from the State Council's notice comes first; else the chinese-days
 * package's data where it knows the year; else the year is provisional (weekends only) and every date
 * computed into it says so. The store is the truth: loaded years are cached for CACHE_MS only, and the
 * instance that loads or replaces a year forgets it at once.
 */

/** How long a year read from the store is reused by this instance: a load on another instance shows within this. */
export const CACHE_MS = 60_000;

interface PackageData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** "Spring Festival,春节,4" -> 春节. */
const chineseName = (entry: string) => entry.split(',')[1] ?? entry;

const byYear = (days: Record<string, string>) => {
  const years = new Map<number, { date: string; name: string }[]>();
  for (const [date, entry] of Object.entries(days)) {
    const year = Number(date.slice(0, 4));
    const inYear = years.get(year) ?? [];
    inYear.push({ date, name: chineseName(entry) });
    years.set(year, inYear);
  }
  return years;
};

const data = packageDays as PackageData;
let packageSorted: { holidays: ReturnType<typeof byYear>; workdays: ReturnType<typeof byYear> } | undefined;
/** The package's days by year, sorted out on first use: not at a function's start, where most invocations never count a day. */
const packageByYear = () => (packageSorted ??= { holidays: byYear(data.holidays), workdays: byYear(data.workdays) });

/** The years the package carries a notice for: those its holiday data has days in (2004-2026 in 1.5.7). */
export const packageYears = (): readonly number[] => [...packageByYear().holidays.keys()].sort((a, b) => a - b);

/** The package's arrangement of a year, as holiday ranges and make-up days; undefined for a year it does not know. */
export function packageArrangement(year: number): CalendarArrangement | undefined {
  const { holidays: packageHolidays, workdays: packageWorkdays } = packageByYear();
  const holidays = packageHolidays.get(year);
  if (!holidays) return undefined;
  return { holidays: rangesOf(holidays), workdays: (packageWorkdays.get(year) ?? []).map((d) => d.date).sort() };
}

/** Whether two arrangements close and open the same days (names aside). */
export function sameDays(a: CalendarArrangement, b: CalendarArrangement): boolean {
  const days = (x: CalendarArrangement) => {
    const off = new Set<string>();
    for (const h of x.holidays) for (let d = h.from; d <= h.to; d = nextDate(d)) off.add(d);
    return `${[...off].sort().join(',')}|${[...new Set(x.workdays)].sort().join(',')}`;
  };
  return days(a) === days(b);
}

/** A year as the calendar resolved it: the calendar in use, and both sources for supervisors. */
export interface ResolvedYear {
  calendar: YearCalendar;
  loaded: CalendarYearRecord | undefined;
  package: CalendarArrangement | undefined;
}

/** The loaded arrangement wins over the package's (a supervisor loaded it from the notice on purpose); a difference is shown. */
export function resolveYear(year: number, loaded: CalendarYearRecord | undefined): ResolvedYear {
  const pkg = packageArrangement(year);
  if (loaded) return { calendar: { year, source: 'loaded', holidays: loaded.holidays, workdays: loaded.workdays }, loaded, package: pkg };
  if (pkg) return { calendar: { year, source: 'package', ...pkg }, loaded, package: pkg };
  return { calendar: provisionalYear(year), loaded, package: undefined };
}

/** What `admin calendarYear` answers for a resolved year. */
export function yearView(resolved: ResolvedYear): CalendarYearView {
  const { calendar, loaded } = resolved;
  const pkg = resolved.package;
  return {
    year: calendar.year,
    source: calendar.source,
    holidays: calendar.holidays.map((h) => ({ ...h })),
    workdays: [...calendar.workdays],
    notice: loaded ? { ...loaded.notice } : null,
    differs: loaded && pkg && !sameDays(loaded, pkg) ? { package: pkg, loaded: { holidays: loaded.holidays, workdays: loaded.workdays } } : null,
  };
}

export class Calendar {
  private readonly years = new Map<number, { at: number; year: Promise<ResolvedYear> }>();

  constructor(private readonly store: Pick<Store, 'calendarYears'>) {}

  /** A year as it stands: read from the store (or this instance's copy of the last CACHE_MS). */
  year(year: number): Promise<ResolvedYear> {
    const cached = this.years.get(year);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.year;
    const fresh = this.store.calendarYears.get(year).then((loaded) => resolveYear(year, loaded));
    this.years.set(year, { at: Date.now(), year: fresh });
    fresh.catch(() => this.years.delete(year));
    return fresh;
  }

  /** Drops this instance's copy of a year (it was loaded or replaced here). */
  forget(year: number): void {
    this.years.delete(year);
  }

  /**
   * Every year counting `n` working days from `date` reaches, read: the usual window together, then each further
   * year the count runs into (holidays back to back can carry it past the window), until the count completes.
   */
  async lookupFor(date: string, n: number): Promise<(year: number) => YearCalendar> {
    const resolved = new Map<number, YearCalendar>();
    const read = async (years: number[]) => {
      for (const r of await Promise.all(years.map((y) => this.year(y)))) resolved.set(r.calendar.year, r.calendar);
    };
    await read(yearsReached(date, n));
    for (let counted = countWorkingDays(date, n, (y) => resolved.get(y)); 'missing' in counted; counted = countWorkingDays(date, n, (y) => resolved.get(y))) {
      await read([counted.missing]);
    }
    return (year) => {
      const found = resolved.get(year);
      if (!found) throw new Error(`calendar year ${year} was not read before use`);
      return found;
    };
  }

  /** The working day `n` working days after `date`, and whether it is an estimate (it reached a provisional year). */
  async addWorkingDays(date: string, n: number): Promise<WorkingDate> {
    return addWorkingDaysIn(date, n, await this.lookupFor(date, n));
  }

  /** The calendar of every year from `from`'s to `to`'s, read together, for counting between dates of that span. */
  async yearsOf(from: string, to: string): Promise<CalendarLookup> {
    const years = new Map<number, YearCalendar>();
    for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y += 1) years.set(y, (await this.year(y)).calendar);
    return (year) => {
      const found = years.get(year);
      if (!found) throw new Error(`calendar year ${year} was not read before use`);
      return found;
    };
  }

}

const calendars = new WeakMap<object, Calendar>();

const noLoadedYears: Pick<Store, 'calendarYears'> = {
  calendarYears: { get: async () => undefined, list: async () => [], create: async () => false, replace: async () => undefined },
};

/** The calendar of a tool without a store (the conformance CLI, benchmarks): the package's years, else provisional. */
export const packageCalendar = (): Calendar => calendarOf(noLoadedYears);

/**
 * A calendar of its own over a store, sharing no instance's copy: what loading, replacing and recomputing read,
 * so a year loaded on another instance a moment ago is seen (its copies last only as long as it is used).
 */
export const freshCalendar = (store: Pick<Store, 'calendarYears'>): Calendar => new Calendar(store);

/** The calendar over a store: one per store in this instance, so its cache serves every invocation briefly. */
export function calendarOf(store: Pick<Store, 'calendarYears'>): Calendar {
  let calendar = calendars.get(store);
  if (!calendar) {
    calendar = new Calendar(store);
    calendars.set(store, calendar);
  }
  return calendar;
}

/**
 * The time limits of an application submitted on `submittedOn` (a China date), each with whether it is an
 * estimate, as the official calendar gives them now: stored at submission and by the nightly recompute
 * (calendar-admin.ts), never worked out again for display (one rule: addWorkingDays's provisional flag).
 */
export async function computedLimits(
  store: Store,
  type: ApplicationRecord['type'],
  submittedOn: string,
  calendar: Calendar = calendarOf(store),
): Promise<Pick<ApplicationRecord, 'acceptBy' | 'acceptByProvisional' | 'targetBy' | 'targetProvisional'>> {
  const accept = await calendar.addWorkingDays(submittedOn, TRANSFER_ACCEPT_WORKING_DAYS);
  const target = type === 'purchase-withdrawal' ? await calendar.addWorkingDays(submittedOn, PURCHASE_TARGET_WORKING_DAYS) : null;
  return { acceptBy: accept.date, acceptByProvisional: accept.provisional, targetBy: target?.date ?? null, targetProvisional: target?.provisional ?? false };
}
