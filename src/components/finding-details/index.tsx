import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { formatShanghai } from '../../core/time';
import { LINK_OBSERVATION_LABELS, type FindingEvent, type FindingView } from '../../core/trial';
import { previewStoredImage } from '../../services/documents';
import './index.scss';

const EVENT_LABELS: Record<FindingEvent['kind'], string> = { opened: '提出问题', fixed: '标记已整改', reopened: '复核未通过，重新打开', closed: '复核通过，已关闭' };

/** How long a finding has been open, in words: 今天提出 or 已 N 天. */
export const ageLabel = (days: number) => (days <= 0 ? '今天提出' : `已 ${days} 天`);

/** The screenshot the tester added: 查看截图 shows it full screen (its link works for a few minutes for the viewer alone). */
function Screenshot({ id, screenshot }: { id: string; screenshot: NonNullable<FindingView['screenshot']> }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const view = async () => {
    setError(undefined);
    const shown = await previewStoredImage(screenshot);
    if (!shown.ok) setError(shown.message);
  };
  return (
    <View>
      <Text className='finding-link' id={id} onClick={() => void view()}>
        查看截图（{screenshot.name}）
      </Text>
      {error ? (
        <Text className='finding-error' id={`${id}-error`}>
          {error}
        </Text>
      ) : null}
    </View>
  );
}

/**
 * What a finding of the internal trial says, the same for staff and supervisors: what was expected and what was
 * seen, what the app saw by itself, whether a screenshot was added, its age, and its history (who, when, the note),
 * people named by display name or role, never by openid. Element ids start with `prefix`.
 */
export function FindingDetails({ prefix, finding }: { prefix: string; finding: FindingView }) {
  return (
    <View className='finding-details'>
      <Text className='finding-line' id={`${prefix}-center`}>
        {finding.centerName}（{finding.centerCode}）· {finding.checkLabel}
      </Text>
      {finding.expected ? (
        <Text className='finding-line' id={`${prefix}-expected`}>
          应为：{finding.expected}
        </Text>
      ) : null}
      {finding.seen ? (
        <Text className='finding-line' id={`${prefix}-seen`}>
          实际：{finding.seen}
        </Text>
      ) : null}
      {finding.observed ? (
        <Text className='finding-line' id={`${prefix}-observed`}>
          小程序记录：{LINK_OBSERVATION_LABELS[finding.observed]}
        </Text>
      ) : null}
      {finding.screenshot ? <Screenshot id={`${prefix}-screenshot`} screenshot={finding.screenshot} /> : null}
      <Text className='finding-muted' id={`${prefix}-age`}>
        提出于 <Text className='nowrap'>{formatShanghai(new Date(finding.openedAt))}</Text>，{ageLabel(finding.ageDays)}
      </Text>
      <View className='finding-history' id={`${prefix}-history`}>
        {finding.history.map((event, i) => (
          <View key={`${event.at}-${i}`} className='finding-event' id={`${prefix}-history-${i}`}>
            <Text className='finding-event-head'>
              <Text className='nowrap'>{formatShanghai(new Date(event.at))}</Text> {event.by} {EVENT_LABELS[event.kind]}
            </Text>
            {event.note ? <Text className='finding-muted'>{event.note}</Text> : null}
          </View>
        ))}
      </View>
    </View>
  );
}
