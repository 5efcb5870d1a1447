import * as z from 'zod';
import { calendarDate, textField } from './validation';

/*
 * The official calendar as supervisors see and keep it (issue 12): each year's State Council arrangement, where
 * the product takes it from, and the answers of the `admin` calendar actions. The working-day computation itself
 * is a server-side service over the store; the pages get these views only.
 */

/** Where a year's arrangement comes from: the chinese-days package, a notice a supervisor loaded, or neither (weekends only). */
export type CalendarSource = 'package' | 'loaded' | 'provisional';

export const CALENDAR_SOURCE_LABELS: Record<CalendarSource, string> = {
  loaded: '已按国务院通知载入',
  package: '程序内置',
  provisional: '未载入，按周末估算',
};

/** A holiday range of the notice, both ends included: 春节 2031-01-22 to 2031-01-28. */
export interface CalendarHoliday {
  name: string;
  from: string;
  to: string;
}

/** The State Council's notice a year was loaded from. */
export interface CalendarNotice {
  title: string;
  /** 国办发明电〔2030〕7号. */
  number: string;
  /** YYYY-MM-DD. */
  date: string;
}

/** A year's holidays and its make-up working days (调休上班, on Saturdays or Sundays). */
export interface CalendarArrangement {
  holidays: CalendarHoliday[];
  workdays: string[];
}

/** What `admin calendarYear` answers: the arrangement in use for the year and where it comes from. */
export interface CalendarYearView extends CalendarArrangement {
  year: number;
  source: CalendarSource;
  notice: CalendarNotice | null;
  /** A loaded arrangement for a year the package also knows, that is not the same: both, for supervisors. */
  differs: null | { package: CalendarArrangement; loaded: CalendarArrangement };
}

/** What `admin calendarStatus` answers: the years around now, and a warning while this year or (from 1 October) next year is neither known nor loaded. */
export interface CalendarStatusView {
  years: { year: number; source: CalendarSource }[];
  warning: string | null;
}

/** What `admin replaceCalendarYear` answers: the year before and after the replacement. */
export interface CalendarReplaceView {
  before: CalendarYearView;
  after: CalendarYearView;
}

/** The years a supervisor may load: the product's own era. */
export const CALENDAR_FIRST_YEAR = 2020;
export const CALENDAR_LAST_YEAR = 2100;
/** A notice has at most this many holiday ranges and make-up days (a real one has 7 and about 6). */
export const CALENDAR_MAX_HOLIDAYS = 20;
export const CALENDAR_MAX_WORKDAYS = 20;
/**
 * The longest holiday range a notice may give, in days (the longest so far, 春节 2026, is 9): a longer one is a
 * typing mistake that would hold every time limit still for weeks.
 */
export const CALENDAR_MAX_HOLIDAY_DAYS = 15;

export const CalendarNoticeSchema = z.object(
  {
    title: textField('通知标题').min(1, '请填写通知标题').max(200, '通知标题不超过 200 字'),
    number: textField('通知文号').min(1, '请填写通知文号').max(60, '通知文号不超过 60 字'),
    date: calendarDate('通知日期'),
  },
  { error: '请填写通知的标题、文号和日期' },
);

export const CalendarHolidaySchema = z.object(
  { name: textField('节日名称').min(1, '请填写节日名称').max(20, '节日名称不超过 20 字'), from: calendarDate('放假起始日期'), to: calendarDate('放假结束日期') },
  { error: '请填写节日名称和放假起止日期' },
);

export const CalendarYearSchema = z
  .number({ error: '请填写年份' })
  .int('年份应为整数')
  .min(CALENDAR_FIRST_YEAR, `年份应在 ${CALENDAR_FIRST_YEAR} 至 ${CALENDAR_LAST_YEAR} 年之间`)
  .max(CALENDAR_LAST_YEAR, `年份应在 ${CALENDAR_FIRST_YEAR} 至 ${CALENDAR_LAST_YEAR} 年之间`);

/** Day of week of a YYYY-MM-DD date, 0 = Sunday (pure: no time zone involved). */
const dayOfWeek = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
/** Whether a YYYY-MM-DD date is a Saturday or a Sunday. */
export const isWeekend = (date: string) => dayOfWeek(date) === 0 || dayOfWeek(date) === 6;

/**
 * What is wrong with a year's arrangement, by field: a date outside the year, a range ending before it starts,
 * ranges that overlap, a range on no weekday (it would change nothing), a make-up day not on a Saturday or
 * Sunday, inside a holiday, or given twice. Empty when it is sound.
 */
export function arrangementProblems(year: number, arrangement: CalendarArrangement): Record<string, string> {
  const problems: Record<string, string> = {};
  const inYear = (d: string) => d.startsWith(`${year}-`);
  arrangement.holidays.forEach((h, i) => {
    if (!inYear(h.from)) problems[`holidays.${i}.from`] = `放假起始日期应在 ${year} 年内`;
    if (!inYear(h.to)) problems[`holidays.${i}.to`] = `放假结束日期应在 ${year} 年内`;
    else if (h.to < h.from) problems[`holidays.${i}.to`] = '放假结束日期不能早于起始日期';
    else if (inYear(h.from) && daysIn(h) > CALENDAR_MAX_HOLIDAY_DAYS) problems[`holidays.${i}.to`] = `一段假期不超过 ${CALENDAR_MAX_HOLIDAY_DAYS} 天：${h.from} 至 ${h.to} 共 ${daysIn(h)} 天，请核对放假结束日期`;
    if (problems[`holidays.${i}.from`] || problems[`holidays.${i}.to`]) return;
    const earlier = arrangement.holidays.findIndex((o, j) => j < i && o.from <= h.to && h.from <= o.to);
    if (earlier >= 0) {
      problems[`holidays.${i}`] = `与第 ${earlier + 1} 段假期（${arrangement.holidays[earlier].name}）日期重叠`;
      return;
    }
    let weekday = false;
    for (let d = h.from; d <= h.to && !weekday; d = nextDate(d)) weekday = !isWeekend(d);
    if (!weekday) problems[`holidays.${i}`] = `${h.name}的放假日期全在周末，不含任何工作日`;
  });
  arrangement.workdays.forEach((d, i) => {
    if (!inYear(d)) problems[`workdays.${i}`] = `调休上班日期应在 ${year} 年内`;
    else if (!isWeekend(d)) problems[`workdays.${i}`] = `${d} 不是周六或周日：调休上班日只能是周末`;
    else if (arrangement.workdays.indexOf(d) !== i) problems[`workdays.${i}`] = `${d} 重复填写`;
    else {
      const inside = arrangement.holidays.find((h) => h.from <= d && d <= h.to);
      if (inside) problems[`workdays.${i}`] = `${d} 在${inside.name}假期之内，不能同时是调休上班日`;
    }
  });
  return problems;
}

/** The day after a YYYY-MM-DD date. */
export function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const arrangementShape = {
  year: CalendarYearSchema,
  notice: CalendarNoticeSchema,
  holidays: z.array(CalendarHolidaySchema, { error: '请填写假期' }).min(1, '请至少填写一段假期').max(CALENDAR_MAX_HOLIDAYS, `假期不超过 ${CALENDAR_MAX_HOLIDAYS} 段`),
  // left out when the notice has no make-up working day (an empty list is refused like any empty value)
  workdays: z
    .array(calendarDate('调休上班日期'), { error: '请填写调休上班日期' })
    .min(1, '没有调休上班日时请不填写此项')
    .max(CALENDAR_MAX_WORKDAYS, `调休上班日不超过 ${CALENDAR_MAX_WORKDAYS} 天`)
    .optional()
    .transform((days) => days ?? []),
};

/** Adds `arrangementProblems` to a schema's issues, each under its field. */
function checkArrangement(e: { year: number } & CalendarArrangement, ctx: z.RefinementCtx) {
  for (const [path, message] of Object.entries(arrangementProblems(e.year, e))) {
    ctx.addIssue({ code: 'custom', path: path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message });
  }
}

/** `admin loadCalendarYear`: a year's arrangement as the State Council's notice gives it. */
export const LoadCalendarYearSchema = z.object({ action: z.literal('loadCalendarYear'), ...arrangementShape }).superRefine(checkArrangement);

/** `admin replaceCalendarYear`: the same, replacing a loaded year, with the reason (audited). */
export const ReplaceCalendarYearSchema = z
  .object({ action: z.literal('replaceCalendarYear'), ...arrangementShape, reason: textField('替换原因').min(1, '请填写替换原因').max(200, '替换原因不超过 200 字') })
  .superRefine(checkArrangement);

export const CalendarYearEventSchema = z.object({ action: z.literal('calendarYear'), year: CalendarYearSchema });
export const CalendarStatusEventSchema = z.object({ action: z.literal('calendarStatus') });

/** A year's arrangement as loaded from a notice. */
export interface CalendarYearInput extends CalendarArrangement {
  year: number;
  notice: CalendarNotice;
}

/**
 * What 预计 means beside a date, wherever one is shown: the year's arrangement is not loaded, so the date counts
 * weekends only and may move once the notice is loaded.
 */
export const PROVISIONAL_NOTE = '预计：该日期所在年度的国务院节假日安排尚未载入，暂只按周六、周日休息推算；安排载入后将按实际工作日重新计算。';

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;

const utcDay = (date: string): Date => {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
};

/** 星期六 for 2031-01-18: a China calendar date's day of the week. */
export const weekdayLabel = (date: string): string => WEEKDAYS[dayOfWeek(date)];

/** How many days a holiday range covers, both ends included. */
export const daysIn = (holiday: Pick<CalendarHoliday, 'from' | 'to'>): number => Math.round((utcDay(holiday.to).getTime() - utcDay(holiday.from).getTime()) / 86_400_000) + 1;
