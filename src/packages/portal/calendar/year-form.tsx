import { Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useRef, useState } from 'react';
import {
  CALENDAR_MAX_HOLIDAYS,
  CALENDAR_MAX_WORKDAYS,
  LoadCalendarYearSchema,
  ReplaceCalendarYearSchema,
  type CalendarReplaceView,
  type CalendarYearView,
} from '../../../core/calendar';
import type { Fail } from '../../../core/errors';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { FieldError, TextField } from '../../../components/application-form';
import { adminCalls, calendarBody, type CalendarLoad } from '../../../services/portal';
import { SideBySide } from './arrangement';

const PREFIX = 'calendar-form';
const REASON_MAX = 200;

type HolidayRow = { key: number; name: string; from: string; to: string };
type WorkdayRow = { key: number; date: string };

/** What the form holds, as the function takes it (the year as typed is checked before). */
function loadOf(year: string, title: string, number: string, date: string, holidays: HolidayRow[], workdays: WorkdayRow[]): Omit<CalendarLoad, 'year'> & { year: number | undefined } {
  return {
    year: /^\d{1,4}$/.test(year.trim()) ? Number(year.trim()) : undefined,
    notice: { title: title.trim(), number: number.trim(), date: date.trim() },
    holidays: holidays.map((h) => ({ name: h.name.trim(), from: h.from.trim(), to: h.to.trim() })),
    workdays: workdays.map((w) => w.date.trim()),
  };
}

/**
 * Each refused field's message by its path (`holidays.1.from`, `workdays.0`, `notice.title`, `year`, `reason`):
 * the field's own message when the input was malformed, else the function's whole message (a year already loaded
 * names `year`); the message under the form when it names no field.
 */
function errorsOf(failure: Fail): Record<string, string> {
  const fields = failure.fields ?? {};
  if (Object.keys(fields).length === 0) return { form: failure.message };
  return Object.fromEntries(Object.entries(fields).map(([path, message]) => [path, failure.code === 'VALIDATION_FAILED' ? message : failure.message]));
}

interface YearFormProps {
  /** The loaded year being replaced: its arrangement fills the form, a reason is asked, old and new are shown side by side. */
  replacing?: CalendarYearView;
  /** The year the form starts with when loading. */
  year?: number;
  /** What the form starts with instead of the year as loaded: the entries of a load refused because the year was loaded. */
  draft?: CalendarLoad;
  onLoaded: (view: CalendarYearView) => void;
  onReplaced: (answer: CalendarReplaceView) => void;
  /** The year was loaded before: replace it instead, with the entries as they are. */
  onReplaceInstead: (draft: CalendarLoad) => void;
  onCancel?: () => void;
}

/**
 * Loading a year from the State Council's notice — its title, number and date, the holiday ranges with their names
 * and the make-up working days, rows added and removed — or replacing a loaded year, with a reason and the year as
 * loaded beside the new arrangement. Every refusal lands under the field it names (`#calendar-form-<field>-error`).
 */
export function YearForm({ replacing, year: initialYear, draft, onLoaded, onReplaced, onReplaceInstead, onCancel }: YearFormProps) {
  const keys = useRef(0);
  const nextKey = () => (keys.current += 1);
  const [year, setYear] = useState(String(replacing?.year ?? initialYear ?? ''));
  const start = draft ?? replacing;
  const [title, setTitle] = useState(start?.notice?.title ?? '');
  const [number, setNumber] = useState(start?.notice?.number ?? '');
  const [date, setDate] = useState(start?.notice?.date ?? '');
  const [holidays, setHolidays] = useState<HolidayRow[]>(() =>
    start ? start.holidays.map((h) => ({ key: nextKey(), ...h })) : [{ key: nextKey(), name: '', from: '', to: '' }],
  );
  const [workdays, setWorkdays] = useState<WorkdayRow[]>(() => (start ? start.workdays.map((d) => ({ key: nextKey(), date: d })) : []));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  // the load refused because the year was loaded before: offered as a replacement
  const [loadedBefore, setLoadedBefore] = useState<CalendarLoad | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const clear = (...paths: string[]) => setErrors((all) => Object.fromEntries(Object.entries(all).filter(([k]) => k !== 'form' && !paths.includes(k))));
  const edit = (set: (value: string) => void, ...paths: string[]) => (value: string) => {
    set(value);
    clear(...paths);
  };
  const setHoliday = (i: number, part: 'name' | 'from' | 'to') => (value: string) => {
    setHolidays((rows) => rows.map((r, j) => (j === i ? { ...r, [part]: value } : r)));
    clear(`holidays.${i}.${part}`, `holidays.${i}`, 'holidays');
  };
  const setWorkday = (i: number) => (value: string) => {
    setWorkdays((rows) => rows.map((r, j) => (j === i ? { ...r, date: value } : r)));
    clear(`workdays.${i}`, 'workdays');
  };
  // removing a row renumbers the ones after it: the messages of the old numbers no longer fit
  const removeHoliday = (i: number) => {
    setHolidays((rows) => rows.filter((_, j) => j !== i));
    setErrors({});
  };
  const removeWorkday = (i: number) => {
    setWorkdays((rows) => rows.filter((_, j) => j !== i));
    setErrors({});
  };

  const load = loadOf(year, title, number, date, holidays, workdays);

  const submit = async () => {
    setLoadedBefore(undefined);
    const checked = replacing
      ? parseInput(ReplaceCalendarYearSchema, { action: 'replaceCalendarYear', ...calendarBody(load), reason: reason.trim() })
      : parseInput(LoadCalendarYearSchema, { action: 'loadCalendarYear', ...calendarBody(load) });
    if (!checked.ok || load.year === undefined) {
      setErrors(checked.ok ? { year: '请填写年份' } : errorsOf(checked));
      return;
    }
    const sent: CalendarLoad = { ...load, year: load.year };
    if (replacing) {
      const answer = await Taro.showModal({
        title: `替换 ${sent.year} 年安排`,
        content: '替换后，未办结申请的受理、办结时限和待生效的变更日期将按新安排重新计算。确定替换吗？',
        confirmText: '替换',
        cancelText: '取消',
      });
      if (!answer.confirm) return;
    }
    setBusy(true);
    setErrors({});
    const result = replacing ? await adminCalls.replaceCalendarYear({ ...sent, reason: reason.trim() }) : await adminCalls.loadCalendarYear(sent);
    setBusy(false);
    if (!result.ok) {
      setErrors(errorsOf(result));
      if (result.code === 'CALENDAR_YEAR_LOADED') setLoadedBefore(sent);
      return;
    }
    void Taro.showToast({ title: replacing ? '已替换' : '已载入', icon: 'success' });
    if ('before' in result.data) onReplaced(result.data);
    else onLoaded(result.data);
  };

  // every path a field of the form shows; a refusal of any other path is shown under the form
  const shown = new Set([
    'year',
    'notice',
    'notice.title',
    'notice.number',
    'notice.date',
    'holidays',
    'workdays',
    'reason',
    'form',
    ...holidays.flatMap((_, i) => [`holidays.${i}`, `holidays.${i}.name`, `holidays.${i}.from`, `holidays.${i}.to`]),
    ...workdays.map((_, i) => `workdays.${i}`),
  ]);
  const elsewhere = [...new Set(Object.entries(errors).flatMap(([k, m]) => (shown.has(k) ? [] : [m])))];
  const formMessage = [errors.form, ...elsewhere].filter(Boolean).join('；');

  return (
    <View className='card calendar-card' id='calendar-form'>
      <Text className='calendar-title'>{replacing ? `替换 ${replacing.year} 年安排` : '按国务院通知载入年度安排'}</Text>
      <Text className='calendar-muted'>
        {replacing
          ? '替换会记入操作日志。请核对下方现行安排与替换后的安排，并写明替换原因。'
          : '按国务院办公厅关于节假日安排的通知逐项填写；日期格式如 2031-10-01。载入后，该年度的时限按通知计算。'}
      </Text>
      <Text className='calendar-muted' id={`${PREFIX}-previous-year-hint`}>
        通知中落在上一年的日期（如从上一年 12 月底开始的元旦假期、上一年 12 月的调休上班日）属于上一年度的安排，请在上一年度中填写（已载入的用“替换”补上）。
      </Text>

      {replacing ? (
        <>
          <Text className='calendar-line' id={`${PREFIX}-year`}>
            年份：{replacing.year} 年
          </Text>
          <FieldError id={`${PREFIX}-year-error`} message={errors.year} />
        </>
      ) : (
        <TextField prefix={PREFIX} slug='year' label='年份' value={year} placeholder='如 2031' type='number' maxlength={4} error={errors.year} onInput={edit(setYear, 'year')} />
      )}
      {loadedBefore !== undefined ? (
        <ActionButton className='secondary-button calendar-button' id={`${PREFIX}-replace-instead`} onClick={() => onReplaceInstead(loadedBefore)}>
          改为替换 {loadedBefore.year} 年安排
        </ActionButton>
      ) : null}

      <Text className='calendar-subtitle'>通知</Text>
      <TextField prefix={PREFIX} slug='title' label='通知标题' value={title} hint='如 国务院办公厅关于2031年部分节假日安排的通知' placeholder='照通知原文填写' maxlength={200} error={errors['notice.title']} onInput={edit(setTitle, 'notice.title', 'notice')} />
      <TextField prefix={PREFIX} slug='number' label='文号' value={number} placeholder='如 国办发明电〔2030〕7号' maxlength={60} error={errors['notice.number']} onInput={edit(setNumber, 'notice.number', 'notice')} />
      <TextField prefix={PREFIX} slug='date' label='发布日期' value={date} placeholder='例如 2031-10-01' maxlength={10} error={errors['notice.date']} onInput={edit(setDate, 'notice.date', 'notice')} />
      <FieldError id={`${PREFIX}-notice-error`} message={errors.notice} />

      <Text className='calendar-subtitle'>放假安排</Text>
      {holidays.map((h, i) => (
        <View key={h.key} className='calendar-row' id={`${PREFIX}-holiday-${i}`}>
          <View className='calendar-row-head'>
            <Text className='calendar-row-title'>第 {i + 1} 段假期</Text>
            <ActionButton className='secondary-button calendar-row-remove' id={`${PREFIX}-holiday-${i}-remove`} onClick={() => removeHoliday(i)}>
              删除
            </ActionButton>
          </View>
          <TextField prefix={PREFIX} slug={`holiday-${i}-name`} label='节日名称' value={h.name} placeholder='如 春节' maxlength={20} error={errors[`holidays.${i}.name`]} onInput={setHoliday(i, 'name')} />
          <TextField prefix={PREFIX} slug={`holiday-${i}-from`} label='放假起始日期' value={h.from} placeholder='例如 2031-10-01' maxlength={10} error={errors[`holidays.${i}.from`]} onInput={setHoliday(i, 'from')} />
          <TextField prefix={PREFIX} slug={`holiday-${i}-to`} label='放假结束日期（含当天）' value={h.to} placeholder='例如 2031-10-01' maxlength={10} error={errors[`holidays.${i}.to`]} onInput={setHoliday(i, 'to')} />
          <FieldError id={`${PREFIX}-holiday-${i}-error`} message={errors[`holidays.${i}`]} />
        </View>
      ))}
      <FieldError id={`${PREFIX}-holidays-error`} message={errors.holidays} />
      {holidays.length < CALENDAR_MAX_HOLIDAYS ? (
        <ActionButton
          className='secondary-button calendar-button'
          id={`${PREFIX}-add-holiday`}
          onClick={() => {
            setHolidays((rows) => [...rows, { key: nextKey(), name: '', from: '', to: '' }]);
            clear('holidays');
          }}
        >
          添加一段假期
        </ActionButton>
      ) : null}

      <Text className='calendar-subtitle'>调休上班日（周六或周日）</Text>
      {workdays.length === 0 ? <Text className='calendar-muted'>没有调休上班日时不用填写。</Text> : null}
      {workdays.map((w, i) => (
        <View key={w.key} className='calendar-row calendar-row-inline' id={`${PREFIX}-workday-${i}`}>
          <View className='calendar-row-field'>
            <TextField prefix={PREFIX} slug={`workday-${i}`} label={`第 ${i + 1} 个调休上班日`} value={w.date} placeholder='例如 2031-10-01' maxlength={10} error={errors[`workdays.${i}`]} onInput={setWorkday(i)} />
          </View>
          <ActionButton className='secondary-button calendar-row-remove' id={`${PREFIX}-workday-${i}-remove`} onClick={() => removeWorkday(i)}>
            删除
          </ActionButton>
        </View>
      ))}
      <FieldError id={`${PREFIX}-workdays-error`} message={errors.workdays} />
      {workdays.length < CALENDAR_MAX_WORKDAYS ? (
        <ActionButton className='secondary-button calendar-button' id={`${PREFIX}-add-workday`} onClick={() => {
            setWorkdays((rows) => [...rows, { key: nextKey(), date: '' }]);
            clear('workdays');
          }}
        >
          添加一个调休上班日
        </ActionButton>
      ) : null}

      {replacing ? (
        <>
          <Text className='calendar-subtitle'>现行安排与替换后的安排</Text>
          <SideBySide
            id='calendar-compare'
            left={{ title: '现行安排', notice: replacing.notice, arrangement: replacing }}
            right={{ title: '替换后', notice: load.notice, arrangement: load }}
          />
          <Text className='calendar-subtitle'>替换原因</Text>
          <Textarea
            className='calendar-textarea'
            id={`${PREFIX}-reason`}
            maxlength={REASON_MAX}
            value={reason}
            placeholder='如 国务院发布了更正通知（必填，记入操作日志）'
            onInput={(e) => edit(setReason, 'reason')(e.detail.value)}
          />
          <FieldError id={`${PREFIX}-reason-error`} message={errors.reason} />
        </>
      ) : null}

      <View className='calendar-buttons'>
        <ActionButton className='primary-button calendar-submit' id={`${PREFIX}-submit`} loading={busy} disabled={busy} onClick={() => void submit()}>
          {replacing ? '替换' : '载入'}
        </ActionButton>
        {onCancel ? (
          <ActionButton className='calendar-submit' id={`${PREFIX}-cancel`} disabled={busy} onClick={onCancel}>
            取消
          </ActionButton>
        ) : null}
      </View>
      {formMessage ? (
        <Text className='calendar-error' id={`${PREFIX}-error`}>
          {formMessage}
        </Text>
      ) : null}
    </View>
  );
}
