import { Text, View } from '@tarojs/components';
import { TRANSFER_CODES } from '../../core/applications/state-machine';
import type { TimelineEntry } from '../../core/applications/views';
import { formatShanghai } from '../../core/time';
import './index.scss';

interface TimelineProps {
  id: string;
  events: readonly TimelineEntry[];
  centers: readonly { code: string; name: string }[];
  /** Center staff see the national platform code of each step. */
  showCodes?: boolean;
}

/** An application's log, newest first (what happened last is what a person came to see): time, step, center, message. */
export function Timeline({ id, events, centers, showCodes = false }: TimelineProps) {
  const names = new Map(centers.map((c) => [c.code, c.name]));
  const newestFirst = [...events].reverse();
  return (
    <View className='card timeline' id={id}>
      {newestFirst.length === 0 ? <Text className='timeline-empty'>暂无办理记录</Text> : null}
      {newestFirst.map((e, i) => (
        <View key={`${e.at}-${i}`} className='timeline-entry'>
          <View className='timeline-head'>
            <Text className='timeline-step'>
              {e.step}
              {showCodes && e.platformCode ? `（${e.platformCode} ${TRANSFER_CODES[e.platformCode].name}）` : ''}
            </Text>
            <Text className='timeline-time'>{formatShanghai(new Date(e.at))}</Text>
          </View>
          {e.centerCode ? <Text className='timeline-center'>{names.get(e.centerCode) ?? e.centerCode}</Text> : null}
          {e.message ? <Text className='timeline-message'>{e.message}</Text> : null}
        </View>
      ))}
    </View>
  );
}
