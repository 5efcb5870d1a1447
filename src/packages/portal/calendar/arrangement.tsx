import { Text, View } from '@tarojs/components';
import { daysIn, weekdayLabel, type CalendarArrangement, type CalendarNotice } from '../../../core/calendar';
import { DateText } from '../../../components/provisional-date';

/** The notice a year was loaded from: title, number and date. */
export function NoticeLines({ notice }: { notice: CalendarNotice }) {
  return (
    <View className='calendar-notice'>
      <Text className='calendar-line'>通知：{notice.title}</Text>
      <Text className='calendar-line'>
        文号：{notice.number} · 发布日期：<DateText date={notice.date} />
      </Text>
    </View>
  );
}

/**
 * A year's holidays (name, first and last day, how many days) and make-up working days (date and day of the week),
 * each a line of its own; `#<id>-holiday-<n>` and `#<id>-workday-<n>` from 0.
 */
export function Arrangement({ id, arrangement }: { id: string; arrangement: CalendarArrangement }) {
  return (
    <View className='calendar-arrangement' id={id}>
      <Text className='calendar-subtitle'>放假安排</Text>
      {arrangement.holidays.length === 0 ? <Text className='calendar-muted'>无</Text> : null}
      {arrangement.holidays.map((h, i) => (
        <Text key={`${h.from}-${i}`} className='calendar-line' id={`${id}-holiday-${i}`}>
          {h.name}：<DateText date={h.from} />
          {h.to === h.from ? null : (
            <>
              {' 至 '}
              <DateText date={h.to} />
            </>
          )}
          ，共 {daysIn(h)} 天
        </Text>
      ))}
      <Text className='calendar-subtitle'>调休上班</Text>
      {arrangement.workdays.length === 0 ? <Text className='calendar-muted'>无</Text> : null}
      {arrangement.workdays.map((d, i) => (
        <Text key={d} className='calendar-line' id={`${id}-workday-${i}`}>
          <DateText date={d} />（{weekdayLabel(d)}）上班
        </Text>
      ))}
    </View>
  );
}

interface Side {
  title: string;
  arrangement: CalendarArrangement;
  notice?: CalendarNotice | null;
  /** A line under the title, e.g. 正在使用. */
  note?: string;
}

/** Two arrangements of one year next to each other (`#<id>-left`, `#<id>-right`): before and after, or the package's and the loaded one. */
export function SideBySide({ id, left, right }: { id: string; left: Side; right: Side }) {
  return (
    <View className='calendar-sides' id={id}>
      {(
        [
          ['left', left],
          ['right', right],
        ] as const
      ).map(([slot, side]) => (
        <View key={slot} className='calendar-side' id={`${id}-${slot}`}>
          <Text className='calendar-side-title'>{side.title}</Text>
          {side.note ? <Text className='calendar-side-note'>{side.note}</Text> : null}
          {side.notice ? <NoticeLines notice={side.notice} /> : null}
          <Arrangement id={`${id}-${slot}-arrangement`} arrangement={side.arrangement} />
        </View>
      ))}
    </View>
  );
}
