import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { CALENDAR_SOURCE_LABELS, type CalendarReplaceView, type CalendarSource, type CalendarStatusView, type CalendarYearView } from '../../../core/calendar';
import { ActionButton } from '../../../components/action-button';
import { StateView } from '../../../components/state-view';
import { adminCalls, type CalendarLoad } from '../../../services/portal';
import { useCall } from '../../../services/use-call';
import { Arrangement, NoticeLines, SideBySide } from './arrangement';
import { YearForm } from './year-form';
import { withPageShell } from '../../../components/page-shell';
import './index.scss';

/** Which year to open first: the first one nobody has loaded, else the last one listed. */
function firstYear(status: CalendarStatusView): number | undefined {
  return (status.years.find((y) => y.source === 'provisional') ?? status.years[status.years.length - 1])?.year;
}

/** What the source means for the year's dates, in one sentence. */
const SOURCE_MEANING: Record<CalendarSource, string> = {
  loaded: '本年度的受理、办结时限和生效日期按载入的国务院通知计算。',
  package: '本年度的受理、办结时限和生效日期按程序内置的国务院通知计算。',
  provisional: '本年度的国务院节假日安排尚未载入：日期只按周六、周日休息推算，在各处标为“预计”。请在通知发布后载入。',
};

/** One year as in use: where it comes from, the notice, holidays and make-up days; both arrangements when they differ. */
function YearDetail({ view, onReplace, onLoad }: { view: CalendarYearView; onReplace: () => void; onLoad: () => void }) {
  return (
    <View className='card calendar-card' id='calendar-detail'>
      <View className='calendar-head'>
        <Text className='calendar-title'>{view.year} 年</Text>
        <Text className={`calendar-tag calendar-tag-${view.source}`} id='calendar-detail-source'>
          {CALENDAR_SOURCE_LABELS[view.source]}
        </Text>
      </View>
      <Text className='calendar-muted'>{SOURCE_MEANING[view.source]}</Text>
      {view.notice ? <NoticeLines notice={view.notice} /> : null}
      {view.differs ? (
        <View id='calendar-differs'>
          <Text className='alert' id='calendar-differs-note'>
            注意：载入的安排与程序内置的安排不一致。目前使用的是{view.source === 'loaded' ? '载入的安排' : '程序内置的安排'}。
          </Text>
          <SideBySide
            id='calendar-differs-sides'
            left={{ title: '程序内置的安排', note: view.source === 'package' ? '正在使用' : '未使用', arrangement: view.differs.package }}
            right={{ title: '载入的安排', note: view.source === 'loaded' ? '正在使用' : '未使用', arrangement: view.differs.loaded }}
          />
        </View>
      ) : view.source === 'provisional' ? null : (
        <Arrangement id='calendar-detail-arrangement' arrangement={view} />
      )}
      {view.source === 'loaded' ? (
        <ActionButton className='secondary-button calendar-button' id='calendar-replace' onClick={onReplace}>
          替换本年度安排
        </ActionButton>
      ) : (
        <ActionButton className='primary-button calendar-button' id='calendar-load' onClick={onLoad}>
          载入本年度安排
        </ActionButton>
      )}
    </View>
  );
}

/** A year's view, asked when a year is picked (the answers of loading and replacing stand in for it). */
function PickedYear({ year, known, onReplace, onLoad }: { year: number; known: CalendarYearView | undefined; onReplace: (view: CalendarYearView) => void; onLoad: () => void }) {
  const got = useCall(() => adminCalls.calendarYear(year), [year]);
  const view = known ?? (got.status === 'ready' ? got.data : undefined);
  if (view) return <YearDetail view={view} onReplace={() => onReplace(view)} onLoad={onLoad} />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  return <StateView status='loading' message={`正在加载 ${year} 年安排…`} />;
}

type Form = { mode: 'load'; year?: number } | { mode: 'replace'; view: CalendarYearView; draft?: CalendarLoad };

/**
 * Supervisors: where each year's holiday arrangement comes from (the State Council's notice as loaded, the program's
 * own data, or nothing yet — weekends only, every date 预计), the warning that next year is not loaded, a year's
 * holidays and make-up days, loading a year from its notice and replacing a loaded one (audited, old and new side
 * by side). Everyone else is refused by the function itself (FORBIDDEN), whose message this page shows.
 */
function CalendarPage() {
  const status = useCall(adminCalls.calendarStatus, []);
  const [picked, setPicked] = useState<number | undefined>(undefined);
  // answers of loading and replacing, by year, over what the function said when the page opened
  const [answered, setAnswered] = useState<Record<number, CalendarYearView>>({});
  const [form, setFormAs] = useState<Form>({ mode: 'load' });
  // each form opened starts afresh: empty, or from its year as loaded
  const [opened, setOpened] = useState(0);
  const setForm = (next: Form) => {
    setFormAs(next);
    setOpened((n) => n + 1);
  };
  const [replaced, setReplaced] = useState<CalendarReplaceView | undefined>(undefined);
  const [formError, setFormError] = useState<string | undefined>(undefined);
  // the status asked again after a load, quietly (the warning may be gone): the page stays as it is meanwhile
  const [fresh, setFresh] = useState<CalendarStatusView | undefined>(undefined);

  if (status.status === 'loading') return <StateView status='loading' message='正在加载节假日安排…' />;
  if (status.status === 'error') return <StateView status='error' message={status.message} code={status.code} onRetry={status.reload} />;

  const current = fresh ?? status.data;
  const listed = current.years.map((y) => (answered[y.year] ? { year: y.year, source: answered[y.year].source } : y));
  const years = [...listed, ...Object.values(answered).filter((v) => !listed.some((y) => y.year === v.year))].sort((a, b) => a.year - b.year);
  const year = picked ?? firstYear(current);

  const onLoaded = (view: CalendarYearView) => {
    setAnswered((all) => ({ ...all, [view.year]: view }));
    setPicked(view.year);
    setForm({ mode: 'load' });
    // should this fail, the list stays as opened, the loaded year shown from the answer above
    void adminCalls.calendarStatus().then((got) => (got.ok ? setFresh(got.data) : undefined));
  };
  const onReplaced = (answer: CalendarReplaceView) => {
    setAnswered((all) => ({ ...all, [answer.after.year]: answer.after }));
    setReplaced(answer);
    setPicked(answer.after.year);
    setForm({ mode: 'load' });
  };
  // a load refused because the year was loaded before: the year as loaded beside the entries as they are
  const replaceInstead = (draft: CalendarLoad) => {
    const view = answered[draft.year];
    setFormError(undefined);
    if (view) {
      setForm({ mode: 'replace', view, draft });
      return;
    }
    void adminCalls.calendarYear(draft.year).then((got) => (got.ok ? setForm({ mode: 'replace', view: got.data, draft }) : setFormError(got.message)));
  };

  return (
    <View className='calendar-page'>
      {current.warning ? (
        <View className='card calendar-card calendar-warning' id='calendar-warning'>
          <Text className='calendar-warning-title'>提醒</Text>
          <Text className='calendar-line'>{current.warning}</Text>
        </View>
      ) : null}

      <Text className='section-title'>各年度安排</Text>
      <View className='card calendar-card' id='calendar-years'>
        {years.length === 0 ? <Text className='calendar-muted'>暂无年度</Text> : null}
        {years.map((y) => (
          <View key={y.year} className={`calendar-year${y.year === year ? ' calendar-year-picked' : ''}`} id={`calendar-year-${y.year}`} onClick={() => setPicked(y.year)}>
            <Text className='calendar-year-name'>
              {y.year} 年{y.year === year ? '（正在查看）' : ''}
            </Text>
            <Text className={`calendar-tag calendar-tag-${y.source}`} id={`calendar-year-${y.year}-source`}>
              {CALENDAR_SOURCE_LABELS[y.source]}
            </Text>
          </View>
        ))}
      </View>

      {replaced ? (
        <View className='card calendar-card' id='calendar-replaced'>
          <Text className='calendar-title'>已替换 {replaced.after.year} 年安排</Text>
          <Text className='calendar-muted'>未办结申请的时限和待生效的变更日期已按新安排重新计算。</Text>
          <SideBySide
            id='calendar-replaced-sides'
            left={{ title: '替换前', notice: replaced.before.notice, arrangement: replaced.before }}
            right={{ title: '替换后（正在使用）', notice: replaced.after.notice, arrangement: replaced.after }}
          />
        </View>
      ) : null}

      {year !== undefined ? (
        <>
          <Text className='section-title'>{year} 年安排</Text>
          <PickedYear
            year={year}
            known={answered[year]}
            onReplace={(view) => {
              setReplaced(undefined);
              setForm({ mode: 'replace', view });
            }}
            onLoad={() => setForm({ mode: 'load', year })}
          />
        </>
      ) : null}

      <Text className='section-title'>{form.mode === 'replace' ? '替换年度安排' : '载入年度安排'}</Text>
      <YearForm
        key={opened}
        replacing={form.mode === 'replace' ? form.view : undefined}
        year={form.mode === 'load' ? form.year : undefined}
        draft={form.mode === 'replace' ? form.draft : undefined}
        onLoaded={onLoaded}
        onReplaced={onReplaced}
        onReplaceInstead={replaceInstead}
        onCancel={form.mode === 'replace' ? () => setForm({ mode: 'load' }) : undefined}
      />
      {formError ? (
        <Text className='calendar-error' id='calendar-page-error'>
          {formError}
        </Text>
      ) : null}
    </View>
  );
}

export default withPageShell(CalendarPage, { title: '节假日安排' });
