import { render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { CALENDAR_SOURCE_LABELS, type CalendarArrangement, type CalendarReplaceView, type CalendarStatusView, type CalendarYearView } from '../../src/core/calendar';
import type { Fail, Ok } from '../../src/core/errors';
import CalendarPage from '../../src/packages/portal/calendar';
import { setDevOpenid } from '../../src/services/dev-identity';
import { adminCalls } from '../../src/services/portal';
import { sentBodies } from './support/calls';
import { click, confirmModals, fill, press, textOf, waitForText } from './support/interact';
import { findElement } from './support/page';

/*
 * The arrangements here: 2025 and 2026 as chinese-days knows the State Council's notices, and 2031, a year made up
 * for the tests (no real notice for it exists). 2027 appears only as a year nobody has loaded.
 */

/** 2026 as the package knows it (国办发明电〔2025〕7号). */
const PACKAGE_2026: CalendarArrangement = {
  holidays: [
    { name: '元旦', from: '2026-01-01', to: '2026-01-03' },
    { name: '春节', from: '2026-02-15', to: '2026-02-23' },
    { name: '清明节', from: '2026-04-04', to: '2026-04-06' },
    { name: '劳动节', from: '2026-05-01', to: '2026-05-05' },
    { name: '端午节', from: '2026-06-19', to: '2026-06-21' },
    { name: '中秋节', from: '2026-09-25', to: '2026-09-27' },
    { name: '国庆节', from: '2026-10-01', to: '2026-10-07' },
  ],
  workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};

/** A made-up notice for the made-up year. */
const NOTICE_2031 = { title: '国务院办公厅关于2031年部分节假日安排的通知（测试虚构）', number: '国办发明电〔2030〕99号', date: '2030-11-12' };
const ARRANGEMENT_2031: CalendarArrangement = {
  holidays: [
    { name: '元旦', from: '2031-01-01', to: '2031-01-01' },
    { name: '春节', from: '2031-01-22', to: '2031-01-28' },
  ],
  workdays: ['2031-01-19', '2031-02-08'],
};
const LOADED_2031: CalendarYearView = { year: 2031, source: 'loaded', notice: NOTICE_2031, ...ARRANGEMENT_2031, differs: null };

const STATUS: CalendarStatusView = {
  years: [
    { year: 2025, source: 'package' },
    { year: 2026, source: 'package' },
    { year: 2027, source: 'provisional' },
  ],
  warning: '2027 年国务院节假日安排尚未载入，2027 年的日期只按周末估算。请在通知发布后载入。',
};

const provisionalYear = (year: number): CalendarYearView => ({ year, source: 'provisional', holidays: [], workdays: [], notice: null, differs: null });

type Answer = Ok<unknown> | Fail;
const ok = (data: unknown): Answer => ({ ok: true, data });

/**
 * The admin function's calendar actions answered as given (each call a Response of its own), every other call by
 * the local host; answers the spy, whose calls are the bodies sent.
 */
function answerAdmin(answers: Record<string, (body: Record<string, unknown>) => Answer>): jest.SpyInstance {
  const realFetch = globalThis.fetch;
  return jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
    const answer = String(input).includes('/api/admin') ? answers[String(body.action)] : undefined;
    return answer ? new Response(JSON.stringify(answer(body))) : realFetch(input, init);
  });
}

/** The status above; each year as `years` gives it, else provisional. */
function answerCalendar(years: Record<number, CalendarYearView> = {}, status: CalendarStatusView = STATUS, more: Record<string, (body: Record<string, unknown>) => Answer> = {}) {
  return answerAdmin({
    calendarStatus: () => ok(status),
    calendarYear: (body) => ok(years[Number(body.year)] ?? provisionalYear(Number(body.year))),
    ...more,
  });
}

async function openCalendar(): Promise<HTMLElement> {
  const { container } = render(<CalendarPage />);
  await findElement(container, '#calendar-years, .state-error');
  return container;
}

/** Fills the load form with the made-up 2031 notice: two holiday ranges and two make-up days. */
async function fill2031(container: HTMLElement): Promise<void> {
  await fill(container, '#calendar-form-year input', '2031');
  await fill(container, '#calendar-form-title input', NOTICE_2031.title);
  await fill(container, '#calendar-form-number input', NOTICE_2031.number);
  await fill(container, '#calendar-form-date input', NOTICE_2031.date);
  await click(container, '#calendar-form-add-holiday');
  for (const [i, h] of ARRANGEMENT_2031.holidays.entries()) {
    await fill(container, `#calendar-form-holiday-${i}-name input`, h.name);
    await fill(container, `#calendar-form-holiday-${i}-from input`, h.from);
    await fill(container, `#calendar-form-holiday-${i}-to input`, h.to);
  }
  for (const [i, d] of ARRANGEMENT_2031.workdays.entries()) {
    await click(container, '#calendar-form-add-workday');
    await fill(container, `#calendar-form-workday-${i} input`, d);
  }
}

const calendarCalls = (spy: jest.SpyInstance) => sentBodies(spy).filter((b) => b.action === 'loadCalendarYear' || b.action === 'replaceCalendarYear');

beforeEach(() => {
  setDevOpenid('dev-supervisor');
  jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
});
afterEach(() => jest.restoreAllMocks());

describe('calendar page: each year’s source and the warning', () => {
  it('shows where each year comes from, the warning that next year is not loaded, and opens the year nobody loaded', async () => {
    answerCalendar();
    const container = await openCalendar();

    expect(textOf(container, '#calendar-warning')).toContain('提醒');
    expect(textOf(container, '#calendar-warning')).toContain('2027 年国务院节假日安排尚未载入');
    expect(textOf(container, '#calendar-year-2025-source')).toBe('程序内置');
    expect(textOf(container, '#calendar-year-2026-source')).toBe('程序内置');
    expect(textOf(container, '#calendar-year-2027-source')).toBe('未载入，按周末估算');
    await waitForText(container, '#calendar-detail-source', '未载入，按周末估算');
    expect(textOf(container, '#calendar-detail')).toContain('2027 年');
    expect(textOf(container, '#calendar-detail')).toContain('在各处标为“预计”');
    expect(container.querySelector('#calendar-load')).not.toBeNull();
    expect(container.querySelector('#calendar-replace')).toBeNull();
  });

  it('shows no warning when the function gives none', async () => {
    answerCalendar({}, { ...STATUS, warning: null });
    const container = await openCalendar();

    expect(container.querySelector('#calendar-warning')).toBeNull();
  });

  it('shows a year’s holidays with their days and its make-up working days with the day of the week', async () => {
    answerCalendar({ 2026: { year: 2026, source: 'package', notice: null, ...PACKAGE_2026, differs: null } });
    const container = await openCalendar();
    await click(container, '#calendar-year-2026');

    await waitForText(container, '#calendar-detail-source', '程序内置');
    expect(textOf(container, '#calendar-detail-arrangement-holiday-1')).toBe('春节：2026-02-15 至 2026-02-23，共 9 天');
    expect(textOf(container, '#calendar-detail-arrangement-workday-1')).toBe('2026-02-14（星期六）上班');
    expect(container.querySelectorAll('#calendar-detail-arrangement [id*="-holiday-"]')).toHaveLength(7);
    expect(container.querySelector('#calendar-differs')).toBeNull();
  });

  it('shows both arrangements when the loaded one differs from the package’s, and says which one is used', async () => {
    // a supervisor loaded 2026 leaving out the make-up day 2026-01-04
    const loaded = { ...PACKAGE_2026, workdays: PACKAGE_2026.workdays.slice(1) };
    answerCalendar({
      2026: { year: 2026, source: 'loaded', notice: { title: '国务院办公厅关于2026年部分节假日安排的通知', number: '国办发明电〔2025〕7号', date: '2025-11-04' }, ...loaded, differs: { package: PACKAGE_2026, loaded } },
    });
    const container = await openCalendar();
    await click(container, '#calendar-year-2026');

    await waitForText(container, '#calendar-differs-note', '不一致');
    expect(textOf(container, '#calendar-differs-note')).toContain('目前使用的是载入的安排');
    expect(textOf(container, '#calendar-differs-sides-left')).toContain('程序内置的安排');
    expect(textOf(container, '#calendar-differs-sides-left')).toContain('未使用');
    expect(textOf(container, '#calendar-differs-sides-left')).toContain('2026-01-04（星期日）上班');
    expect(textOf(container, '#calendar-differs-sides-right')).toContain('正在使用');
    expect(textOf(container, '#calendar-differs-sides-right')).not.toContain('2026-01-04');
  });

  it('shows the FORBIDDEN message the function gives a person who is not a supervisor', async () => {
    answerAdmin({ calendarStatus: () => ({ ok: false, code: 'FORBIDDEN', message: '仅监管人员可以进行此操作' }) });
    const container = await openCalendar();

    expect(textOf(container, '.state-error .state-message')).toBe('仅监管人员可以进行此操作');
    expect(container.querySelector('#calendar-form')).toBeNull();
  });
});

describe('calendar page: loading a year', () => {
  it('loads a year from its notice, sending the rows as entered, and shows it as loaded', async () => {
    const spy = answerCalendar({}, STATUS, { loadCalendarYear: () => ok(LOADED_2031) });
    const container = await openCalendar();
    await fill2031(container);
    await press(container, '#calendar-form-submit');

    await waitForText(container, '#calendar-year-2031-source', '已按国务院通知载入');
    expect(calendarCalls(spy)).toEqual([{ action: 'loadCalendarYear', year: 2031, notice: NOTICE_2031, ...ARRANGEMENT_2031 }]);
    await waitForText(container, '#calendar-detail-source', '已按国务院通知载入');
    expect(textOf(container, '#calendar-detail')).toContain(`文号：${NOTICE_2031.number}`);
    expect(textOf(container, '#calendar-detail-arrangement-holiday-0')).toBe('元旦：2031-01-01，共 1 天');
    expect(container.querySelector('#calendar-replace')).not.toBeNull();
  });

  it('refuses on the page, under each field, a make-up day on a weekday and a range outside the year, and sends nothing', async () => {
    const spy = answerCalendar();
    const container = await openCalendar();
    await fill2031(container);
    await fill(container, '#calendar-form-holiday-1-from input', '2030-12-30');
    await fill(container, '#calendar-form-workday-0 input', '2031-01-20');
    await fill(container, '#calendar-form-title input', '');
    await press(container, '#calendar-form-submit');

    expect(textOf(container, '#calendar-form-title-error')).toBe('请填写通知标题');
    expect(textOf(container, '#calendar-form-holiday-1-from-error')).toBe('放假起始日期应在 2031 年内');
    expect(textOf(container, '#calendar-form-workday-0-error')).toContain('不是周六或周日');
    expect(container.querySelector('#calendar-form-workday-1-error')).toBeNull();
    expect(calendarCalls(spy)).toEqual([]);
  });

  it('loads a notice with no make-up working days, leaving the field out, and says where a day of the previous year goes', async () => {
    const noWorkdays: CalendarYearView = { ...LOADED_2031, workdays: [] };
    const spy = answerCalendar({}, STATUS, { loadCalendarYear: () => ok(noWorkdays) });
    const container = await openCalendar();
    expect(textOf(container, '#calendar-form-previous-year-hint')).toContain('属于上一年度的安排');
    await fill2031(container);
    await click(container, '#calendar-form-workday-1-remove');
    await click(container, '#calendar-form-workday-0-remove');
    await press(container, '#calendar-form-submit');

    await waitForText(container, '#calendar-year-2031-source', '已按国务院通知载入');
    expect(calendarCalls(spy)).toEqual([{ action: 'loadCalendarYear', year: 2031, notice: NOTICE_2031, holidays: ARRANGEMENT_2031.holidays }]);
  });

  it('shows the function’s refusals under the fields they name, and one naming no field under the form', async () => {
    answerCalendar({}, STATUS, {
      loadCalendarYear: () => ({
        ok: false,
        code: 'VALIDATION_FAILED',
        message: '填写有误',
        fields: { 'holidays.1': '与第 1 段假期（元旦）日期重叠', 'holidays.0.to': '放假结束日期应在 2031 年内', 'workdays.1': '2031-02-08 重复填写', 'somewhere.else': '其他问题' },
      }),
    });
    const container = await openCalendar();
    await fill2031(container);
    await press(container, '#calendar-form-submit');

    await waitForText(container, '#calendar-form-holiday-1-error', '与第 1 段假期（元旦）日期重叠');
    expect(textOf(container, '#calendar-form-holiday-0-to-error')).toBe('放假结束日期应在 2031 年内');
    expect(textOf(container, '#calendar-form-workday-1-error')).toBe('2031-02-08 重复填写');
    expect(textOf(container, '#calendar-form-error')).toBe('其他问题');

    // a fixed field loses its message; removing a row renumbers the rest, so every message goes
    await fill(container, '#calendar-form-holiday-0-to input', '2031-01-02');
    expect(container.querySelector('#calendar-form-holiday-0-to-error')).toBeNull();
    expect(container.querySelector('#calendar-form-holiday-1-error')).not.toBeNull();
    await click(container, '#calendar-form-holiday-0-remove');
    expect(container.querySelector('#calendar-form-holiday-1')).toBeNull();
    expect(container.querySelector('.field-error')).toBeNull();
    expect(container.querySelector<HTMLInputElement>('#calendar-form-holiday-0-name input')?.value).toBe('春节');
  });

  it('says under the year that it was loaded before, and offers to replace it instead', async () => {
    answerCalendar({ 2031: LOADED_2031 }, STATUS, {
      loadCalendarYear: () => ({ ok: false, code: 'CALENDAR_YEAR_LOADED', message: '2031 年的安排已载入，如需更改请使用“替换”', fields: { year: '2031 年的安排已载入' } }),
    });
    const container = await openCalendar();
    await fill2031(container);
    await fill(container, '#calendar-form-holiday-1-to input', '2031-01-29');
    await press(container, '#calendar-form-submit');

    await waitForText(container, '#calendar-form-year-error', '2031 年的安排已载入，如需更改请使用“替换”');
    await click(container, '#calendar-form-replace-instead');
    await waitForText(container, '#calendar-compare-left', '现行安排');
    expect(textOf(container, '#calendar-form .calendar-title')).toBe('替换 2031 年安排');
    expect(textOf(container, '#calendar-form-year')).toBe('年份：2031 年');
    // the entries stay as typed, beside the year as loaded (the new form's inputs render a moment after its texts)
    await waitFor(() => expect(container.querySelector<HTMLInputElement>('#calendar-form-holiday-1-to input')?.value).toBe('2031-01-29'));
    expect(textOf(container, '#calendar-compare-left-arrangement-holiday-1')).toBe('春节：2031-01-22 至 2031-01-28，共 7 天');
    expect(textOf(container, '#calendar-compare-right-arrangement-holiday-1')).toBe('春节：2031-01-22 至 2031-01-29，共 8 天');
    expect(container.querySelector('#calendar-form-reason textarea')).not.toBeNull();
  });
});

describe('calendar page: replacing a loaded year', () => {
  it('shows the year as loaded beside the new arrangement, asks for a reason, and shows the answer’s before and after', async () => {
    const corrected: CalendarArrangement = { holidays: [ARRANGEMENT_2031.holidays[0], { name: '春节', from: '2031-01-22', to: '2031-01-29' }], workdays: ['2031-01-19'] };
    const after: CalendarYearView = { ...LOADED_2031, notice: { ...NOTICE_2031, number: '国办发明电〔2030〕100号' }, ...corrected };
    const spy = answerCalendar({ 2031: LOADED_2031 }, { years: [...STATUS.years, { year: 2031, source: 'loaded' }], warning: null }, {
      replaceCalendarYear: () => ok({ before: LOADED_2031, after } satisfies CalendarReplaceView),
    });
    const modal = confirmModals();
    const container = await openCalendar();
    await click(container, '#calendar-year-2031');
    await click(container, '#calendar-replace');

    expect((await findElement<HTMLInputElement>(container, '#calendar-form-holiday-1-to input')).value).toBe('2031-01-28');
    await fill(container, '#calendar-form-number input', '国办发明电〔2030〕100号');
    await fill(container, '#calendar-form-holiday-1-to input', '2031-01-29');
    await click(container, '#calendar-form-workday-1-remove');
    expect(textOf(container, '#calendar-compare-left-arrangement-holiday-1')).toBe('春节：2031-01-22 至 2031-01-28，共 7 天');
    expect(textOf(container, '#calendar-compare-right-arrangement-holiday-1')).toBe('春节：2031-01-22 至 2031-01-29，共 8 天');
    expect(textOf(container, '#calendar-compare-left')).toContain('2031-02-08（星期六）上班');
    expect(textOf(container, '#calendar-compare-right')).not.toContain('2031-02-08');

    await press(container, '#calendar-form-submit');
    expect(textOf(container, '#calendar-form-reason-error')).toBe('请填写替换原因');
    expect(calendarCalls(spy)).toEqual([]);
    expect(modal).not.toHaveBeenCalled();

    await fill(container, '#calendar-form-reason textarea', '国务院发布更正通知，春节假期延长一天');
    await press(container, '#calendar-form-submit');
    await findElement(container, '#calendar-replaced');
    expect(modal).toHaveBeenCalledTimes(1);
    expect(calendarCalls(spy)).toEqual([
      { action: 'replaceCalendarYear', year: 2031, notice: after.notice, ...corrected, reason: '国务院发布更正通知，春节假期延长一天' },
    ]);
    expect(textOf(container, '#calendar-replaced-sides-left')).toContain('替换前');
    expect(textOf(container, '#calendar-replaced-sides-left')).toContain('2031-01-28，共 7 天');
    expect(textOf(container, '#calendar-replaced-sides-right')).toContain('替换后（正在使用）');
    expect(textOf(container, '#calendar-replaced-sides-right')).toContain('2031-01-29，共 8 天');
    expect(textOf(container, '#calendar-detail')).toContain('国办发明电〔2030〕100号');
  });

  it('sends nothing when the replacement is not confirmed', async () => {
    const spy = answerCalendar({ 2031: LOADED_2031 }, { years: [{ year: 2031, source: 'loaded' }], warning: null });
    jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: false, cancel: true, errMsg: 'showModal:ok' });
    const container = await openCalendar();
    await click(container, '#calendar-replace');
    await fill(container, '#calendar-form-reason textarea', '核对后更正');
    await press(container, '#calendar-form-submit');

    expect(calendarCalls(spy)).toEqual([]);
    expect(container.querySelector('#calendar-replaced')).toBeNull();
  });
});

describe('calendar page against the admin function', () => {
  it('shows the years as the function answers them, loads the made-up 2031, refuses loading it twice, and replaces it with a reason', async () => {
    const modal = confirmModals();
    const answered = await adminCalls.calendarStatus();
    if (!answered.ok) throw new Error(`calendarStatus: ${answered.message}`);
    const container = await openCalendar();

    for (const { year, source } of answered.data.years) expect(textOf(container, `#calendar-year-${year}-source`)).toBe(CALENDAR_SOURCE_LABELS[source]);
    expect(container.querySelector('#calendar-warning') !== null).toBe(answered.data.warning !== null);
    // the package knows 2026 and nothing is loaded for it: the page shows the package's arrangement
    await click(container, '#calendar-year-2026');
    await waitForText(container, '#calendar-detail-source', '程序内置');
    expect(textOf(container, '#calendar-detail-arrangement')).toContain('春节：2026-02-15 至 2026-02-23，共 9 天');
    expect(textOf(container, '#calendar-detail-arrangement')).toContain('2026-02-28（星期六）上班');

    await fill2031(container);
    await press(container, '#calendar-form-submit');
    await waitForText(container, '#calendar-year-2031-source', '已按国务院通知载入');
    await waitForText(container, '#calendar-detail-source', '已按国务院通知载入');
    expect(textOf(container, '#calendar-detail-arrangement-holiday-1')).toBe('春节：2031-01-22 至 2031-01-28，共 7 天');
    const loaded = await adminCalls.calendarYear(2031);
    expect(loaded.ok && loaded.data).toMatchObject({ year: 2031, source: 'loaded', notice: NOTICE_2031, ...ARRANGEMENT_2031 });

    // the same year again: the function refuses it under the year, and the page offers the replacement
    await fill2031(container);
    await fill(container, '#calendar-form-holiday-1-to input', '2031-01-29');
    await press(container, '#calendar-form-submit');
    await waitForText(container, '#calendar-form-year-error', '2031 年的节假日安排已经载入');
    await click(container, '#calendar-form-replace-instead');
    await waitForText(container, '#calendar-compare-right-arrangement-holiday-1', '2031-01-29，共 8 天');
    expect(textOf(container, '#calendar-compare-left-arrangement-holiday-1')).toBe('春节：2031-01-22 至 2031-01-28，共 7 天');
    await fill(container, '#calendar-form-reason textarea', '国务院发布更正通知，春节假期延长一天');
    await press(container, '#calendar-form-submit');

    await waitForText(container, '#calendar-replaced-sides-right', '2031-01-29，共 8 天');
    expect(modal).toHaveBeenCalledTimes(1);
    expect(textOf(container, '#calendar-replaced-sides-left')).toContain('2031-01-28，共 7 天');
    const replaced = await adminCalls.calendarYear(2031);
    expect(replaced.ok && replaced.data.holidays[1]).toEqual({ name: '春节', from: '2031-01-22', to: '2031-01-29' });
    // filling the long form twice, and the function recomputing open time limits on each load, take longer than the default 5 s
  }, 30_000);

  it('loads a made-up year whose notice has no make-up working day', async () => {
    const container = await openCalendar();
    await fill(container, '#calendar-form-year input', '2033');
    await fill(container, '#calendar-form-title input', '国务院办公厅关于2033年部分节假日安排的通知（测试虚构）');
    await fill(container, '#calendar-form-number input', '国办发明电〔2032〕99号');
    await fill(container, '#calendar-form-date input', '2032-11-10');
    await fill(container, '#calendar-form-holiday-0-name input', '元旦');
    await fill(container, '#calendar-form-holiday-0-from input', '2033-01-01');
    await fill(container, '#calendar-form-holiday-0-to input', '2033-01-03');
    await press(container, '#calendar-form-submit');

    await waitForText(container, '#calendar-year-2033-source', '已按国务院通知载入');
    const loaded = await adminCalls.calendarYear(2033);
    expect(loaded.ok && loaded.data).toMatchObject({ year: 2033, source: 'loaded', holidays: [{ name: '元旦', from: '2033-01-01', to: '2033-01-03' }], workdays: [] });
  }, 30_000);

  it('shows the FORBIDDEN message to a person who is not a supervisor', async () => {
    setDevOpenid('dev-staff-321000');
    const container = await openCalendar();

    expect(textOf(container, '.state-error .state-message')).toBe('仅监管人员可以进行此操作');
    expect(container.querySelector('#calendar-form')).toBeNull();
  });
});
