import { arrangementProblems, CALENDAR_MAX_HOLIDAY_DAYS, isWeekend, LoadCalendarYearSchema, nextDate } from '../../src/core/calendar';
import { periodOf, periodsUpTo, reportDueDate, reportPeriod, reportPeriodSpan } from '../../src/core/time';
import {
  addWorkingDays,
  countWorkingDays,
  isWorkingDayIn,
  provisionalYear,
  rangesOf,
  workingDaysBetween,
  yearsReached,
  type CalendarLookup,
  type YearCalendar,
} from '../../src/core/working-days';

/**
 * The pure working-day arithmetic (issue 12), given each year's arrangement, and the report period. The years
 * here are fabricated far-future ones (2031, 2032): no real year's arrangement is made up.
 */

/** A fabricated 2031: 春节 Wed 01-22 .. Tue 01-28 with make-up Sunday 01-19 and Saturday 02-08; 国庆 10-01 .. 10-07, make-up Sunday 09-28. */
const Y2031: YearCalendar = {
  year: 2031,
  source: 'loaded',
  holidays: [
    { name: '春节', from: '2031-01-22', to: '2031-01-28' },
    { name: '国庆节', from: '2031-10-01', to: '2031-10-07' },
  ],
  workdays: ['2031-01-19', '2031-02-08', '2031-09-28'],
};
const loaded2031: CalendarLookup = (year) => (year === 2031 ? Y2031 : provisionalYear(year));
const nothingLoaded: CalendarLookup = (year) => provisionalYear(year);

describe('working days in a year whose arrangement is loaded', () => {
  it.each([
    ['2031-01-22', false, 'the first day of 春节 (a Wednesday)'],
    ['2031-01-28', false, 'the last day of 春节 (a Tuesday)'],
    ['2031-01-19', true, 'the make-up Sunday before 春节'],
    ['2031-02-08', true, 'the make-up Saturday after 春节'],
    ['2031-01-21', true, 'an ordinary Tuesday'],
    ['2031-02-01', false, 'an ordinary Saturday'],
  ])('%s is a working day: %s (%s)', (date, working) => {
    expect(isWorkingDayIn(Y2031, date)).toBe(working);
  });
});

describe('adding working days', () => {
  it.each([
    // [from, n, loaded 2031, nothing loaded, why]
    ['2031-01-17', 3, '2031-01-21', '2031-01-22', '3 days from the Friday before 春节: the make-up Sunday 01-19 counts'],
    ['2031-01-20', 3, '2031-01-30', '2031-01-23', '3 days from the Monday of 春节 week: the holiday does not count'],
    ['2031-01-17', 7, '2031-02-03', '2031-01-28', '7 days across 春节'],
    ['2031-01-17', 10, '2031-02-06', '2031-01-31', '10 days across 春节'],
    ['2031-02-03', 10, '2031-02-14', '2031-02-17', '10 days across the make-up Saturday 02-08 (a day earlier with it)'],
    ['2031-09-26', 7, '2031-10-13', '2031-10-07', '7 days across the make-up Sunday 09-28 and 国庆'],
    ['2031-06-06', 3, '2031-06-11', '2031-06-11', 'no holiday in reach: weekends only either way'],
  ])('%s + %i working days is %s loaded, %s provisional (%s)', (from, n, withNotice, weekendsOnly) => {
    expect(addWorkingDays(from, n, loaded2031)).toEqual({ date: withNotice, provisional: false });
    expect(addWorkingDays(from, n, nothingLoaded)).toEqual({ date: weekendsOnly, provisional: true });
  });

  it('marks a date provisional when it steps into a year nobody loaded, even from a loaded one', () => {
    expect(addWorkingDays('2031-12-29', 3, loaded2031)).toEqual({ date: '2032-01-01', provisional: true });
    expect(addWorkingDays('2031-12-26', 1, loaded2031)).toEqual({ date: '2031-12-29', provisional: false });
  });

  it('does not count the day itself, and 0 working days is the day itself', () => {
    expect(addWorkingDays('2031-01-21', 1, loaded2031).date).toBe('2031-01-29');
    expect(addWorkingDays('2031-01-21', 0, loaded2031).date).toBe('2031-01-21');
  });

  it('names every year a computation may reach, so the service reads them first', () => {
    expect(yearsReached('2031-06-01', 10)).toEqual([2031]);
    expect(yearsReached('2031-12-20', 3)).toEqual([2031, 2032]);
  });

  it('names the year a count runs into beyond the years at hand, and counts on once it is given', () => {
    // three ranges back to back (each within the limit) close 2031 from 11-20 to the end: 3 working days from
    // 11-19 run past the window yearsReached names into 2032
    const closed: YearCalendar = {
      year: 2031,
      source: 'loaded',
      holidays: [
        { name: '甲', from: '2031-11-20', to: '2031-12-04' },
        { name: '乙', from: '2031-12-05', to: '2031-12-19' },
        { name: '丙', from: '2031-12-20', to: '2031-12-31' },
      ],
      workdays: [],
    };
    expect(yearsReached('2031-11-19', 3)).toEqual([2031]);
    expect(countWorkingDays('2031-11-19', 3, (y) => (y === 2031 ? closed : undefined))).toEqual({ missing: 2032 });
    expect(countWorkingDays('2031-11-19', 3, (y) => (y === 2031 ? closed : provisionalYear(y)))).toEqual({ date: '2032-01-05', provisional: true });
  });

  it('takes Saturdays and Sundays as the only days off of a year nobody loaded', () => {
    expect(['2031-02-01', '2031-02-02', '2031-02-03'].map((d) => isWorkingDayIn(provisionalYear(2031), d))).toEqual([false, false, true]);
    expect(['2031-02-01', '2031-02-02', '2031-02-03'].map(isWeekend)).toEqual([true, true, false]);
  });
});

describe('working days between two dates (transfer time)', () => {
  it.each([
    ['2031-01-17', '2031-01-30', 5, 9, 'a Friday to the Thursday after 春节: the make-up Sunday counts, the holiday does not'],
    ['2031-09-26', '2031-10-08', 4, 8, 'across the make-up Sunday 09-28 and 国庆'],
    ['2031-06-06', '2031-06-09', 1, 1, 'a Friday to the Monday after: the weekend does not count'],
    ['2031-06-06', '2031-06-06', 0, 0, 'the same day'],
    ['2031-06-09', '2031-06-06', 0, 0, 'an end before the start'],
  ])('%s to %s is %i working days loaded, %i provisional (%s)', (from, to, withNotice, weekendsOnly) => {
    expect(workingDaysBetween(from, to, loaded2031)).toBe(withNotice);
    expect(workingDaysBetween(from, to, nothingLoaded)).toBe(weekendsOnly);
  });

  it('counts back what adding working days counted forward', () => {
    for (const [from, n] of [['2031-01-17', 7], ['2031-09-26', 7], ['2031-12-29', 3]] as const) {
      expect(workingDaysBetween(from, addWorkingDays(from, n, loaded2031).date, loaded2031)).toBe(n);
    }
  });
});

describe('holiday ranges from day-by-day data', () => {
  it('joins consecutive days of one name and keeps separate names apart', () => {
    const days = ['2031-01-22', '2031-01-23', '2031-01-24'].map((date) => ({ date, name: '春节' }));
    expect(rangesOf([...days, { date: '2031-04-05', name: '清明' }, { date: '2031-01-01', name: '元旦' }])).toEqual([
      { name: '元旦', from: '2031-01-01', to: '2031-01-01' },
      { name: '春节', from: '2031-01-22', to: '2031-01-24' },
      { name: '清明', from: '2031-04-05', to: '2031-04-05' },
    ]);
  });
});

describe('checking an arrangement before it is loaded', () => {
  const notice = { title: '国务院办公厅关于2031年部分节假日安排的通知', number: '国办发明电〔2030〕99号', date: '2030-11-10' };
  const parse = (holidays: unknown, workdays: unknown, year: unknown = 2031) => LoadCalendarYearSchema.safeParse({ action: 'loadCalendarYear', year, notice, holidays, workdays });
  const fields = (result: ReturnType<typeof parse>) => (result.success ? {} : Object.fromEntries(result.error.issues.map((i) => [i.path.join('.'), i.message])));

  it('accepts the fabricated 2031, and a notice without make-up days when the field is left out', () => {
    expect(parse(Y2031.holidays, Y2031.workdays).success).toBe(true);
    const none = parse(Y2031.holidays, undefined);
    expect(none.success && none.data.workdays).toEqual([]);
  });

  it.each([
    ['a holiday starting outside the year', [{ name: '元旦', from: '2030-12-31', to: '2031-01-01' }], undefined, 'holidays.0.from', '2031 年内'],
    ['a holiday ending outside the year', [{ name: '元旦', from: '2031-12-31', to: '2032-01-01' }], undefined, 'holidays.0.to', '2031 年内'],
    ['a range ending before it starts', [{ name: '清明', from: '2031-04-07', to: '2031-04-05' }], undefined, 'holidays.0.to', '不能早于'],
    ['overlapping ranges', [...Y2031.holidays, { name: '重叠', from: '2031-01-27', to: '2031-01-30' }], undefined, 'holidays.2', '第 1 段'],
    ['a range on no weekday', [{ name: '周末', from: '2031-02-01', to: '2031-02-02' }], undefined, 'holidays.0', '不含任何工作日'],
    ['a make-up day on a weekday', Y2031.holidays, ['2031-01-21'], 'workdays.0', '不是周六或周日'],
    ['a make-up day outside the year', Y2031.holidays, ['2030-12-28'], 'workdays.0', '2031 年内'],
    ['a make-up day inside a holiday', [{ name: '长假', from: '2031-05-01', to: '2031-05-05' }], ['2031-05-03'], 'workdays.0', '假期之内'],
    ['a make-up day given twice', Y2031.holidays, ['2031-01-19', '2031-01-19'], 'workdays.1', '重复'],
    ['an empty list of make-up days (left out when there are none)', Y2031.holidays, [], 'workdays', '不填写此项'],
    ['a date that does not exist', [{ name: '春节', from: '2031-02-30', to: '2031-03-01' }], undefined, 'holidays.0.from', '不是有效日期'],
    [`a range longer than ${CALENDAR_MAX_HOLIDAY_DAYS} days`, [{ name: '长假', from: '2031-11-20', to: '2031-12-31' }], undefined, 'holidays.0.to', `不超过 ${CALENDAR_MAX_HOLIDAY_DAYS} 天`],
  ])('refuses %s, naming the field', (_what, holidays, workdays, field, words) => {
    expect(fields(parse(holidays, workdays))[field]).toContain(words);
  });

  it('refuses a year outside the product era and a notice without its number, naming the field', () => {
    expect(fields(parse(Y2031.holidays, undefined, 1999)).year).toContain('年份应在');
    const noNumber = LoadCalendarYearSchema.safeParse({ action: 'loadCalendarYear', year: 2031, notice: { ...notice, number: '' }, holidays: Y2031.holidays });
    expect(noNumber.success ? {} : Object.fromEntries(noNumber.error.issues.map((i) => [i.path.join('.'), i.message]))).toHaveProperty(['notice.number']);
  });

  it('answers no problem for a sound arrangement', () => {
    expect(arrangementProblems(2031, Y2031)).toEqual({});
    expect(nextDate('2031-12-31')).toBe('2032-01-01');
  });
});

describe('the report period', () => {
  it.each([
    ['2031-03', '2031-02-15', '2031-03-15', '2031-03-20'],
    ['2031-01', '2030-12-15', '2031-01-15', '2031-01-20'],
    ['2031-12', '2031-11-15', '2031-12-15', '2031-12-20'],
  ])('%s runs from %s (included) to %s (excluded) and is due %s', (month, from, to, due) => {
    expect(reportPeriod(month)).toEqual({ from, to });
    expect(reportDueDate(month)).toBe(due);
  });

  it.each([
    ['2031-03-14', '2031-03'],
    ['2031-03-15', '2031-04'],
    ['2031-12-14', '2031-12'],
    ['2031-12-15', '2032-01'],
    ['2031-12-31', '2032-01'],
    ['2032-01-01', '2032-01'],
    ['2031-02-28', '2031-03'],
  ])('%s falls in the period %s', (date, month) => {
    const period = periodOf(date);
    expect(period).toBe(month);
    const { from, to } = reportPeriod(period);
    expect(from <= date && date < to).toBe(true);
  });

  it.each([
    ['2031-03', '2031-02-15 至 2031-03-14'],
    ['2031-01', '2030-12-15 至 2031-01-14'],
  ])('%s is shown by its days, %s (the 15th opens the next period)', (month, shown) => {
    expect(reportPeriodSpan(month)).toBe(shown);
  });

  it('refuses a month that is not YYYY-MM', () => {
    expect(() => reportPeriod('2031-13')).toThrow(RangeError);
  });

  it('lists the periods up to a month, oldest first, across the turn of a year', () => {
    expect(periodsUpTo('2031-02', 4)).toEqual(['2030-11', '2030-12', '2031-01', '2031-02']);
    expect(periodsUpTo('2031-02', 1)).toEqual(['2031-02']);
  });
});
