import { Text, View } from '@tarojs/components';
import { creditOf, eventMessage, type CaseCenter } from '../../core/applications/labels';
import { TRANSFER_CODES } from '../../core/applications/state-machine';
import type { ApplicationType } from '../../core/applications/status';
import type { TimelineEntry } from '../../core/applications/views';
import { formatShanghai } from '../../core/time';
import { CallButton } from '../call-button';
import './index.scss';

interface TimelineProps {
  id: string;
  type: ApplicationType;
  events: readonly TimelineEntry[];
  centers: readonly CaseCenter[];
  /** Center staff see the national platform code of each step. */
  showCodes?: boolean;
}

/**
 * An application's log, newest first (what happened last is what a person came to see): the step and its time, who
 * took it (申请人, the platform, or the center by its part), what it means in words (never a bare platform code), and,
 * when the center gave them, why (a refusal's reason) and whom to call about it.
 */
export function Timeline({ id, type, events, centers, showCodes = false }: TimelineProps) {
  const entries = events.map((e, i) => ({ e, i, by: creditOf(type, e, events[i - 1], centers), message: eventMessage(e) }));
  return (
    <View className='card timeline' id={id}>
      {entries.length === 0 ? <Text className='timeline-empty'>暂无办理记录</Text> : null}
      {entries.reverse().map(({ e, i, by, message }) => (
        <View key={`${e.at}-${i}`} className='timeline-entry' id={`${id}-${i}`}>
          <View className='timeline-head'>
            <Text className='timeline-step'>
              {e.step}
              {showCodes && e.platformCode ? `（${e.platformCode} ${TRANSFER_CODES[e.platformCode].name}）` : ''}
            </Text>
            <Text className='timeline-time'>{formatShanghai(new Date(e.at))}</Text>
          </View>
          <Text className='timeline-center'>{by}</Text>
          {message ? <Text className='timeline-message'>{message}</Text> : null}
          {e.reason ? <Text className='timeline-reason'>原因：{e.reason}</Text> : null}
          {e.contact ? (
            <View className='timeline-contact'>
              <Text className='timeline-contact-name'>联系人：{e.contact.name}</Text>
              <CallButton id={`${id}-${i}-call`} phone={e.contact.phone} whom={`联系人${e.contact.name}`} />
            </View>
          ) : null}
        </View>
      ))}
    </View>
  );
}
