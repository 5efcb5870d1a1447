import { Text, View } from '@tarojs/components';
import type { ApplicationView } from '../../core/applications/views';
import { formatShanghai } from '../../core/time';
import './index.scss';

/**
 * Below the person's 差评: what the center is doing about it. 待回访 says by which day the center calls back (within
 * one working day, on the official calendar); 已回访 shows what the center recorded, in its words.
 */
export function FollowUpCard({ view }: { view: ApplicationView }) {
  const { followUp } = view;
  if (!followUp) return null;
  const done = followUp.status === 'closed';
  return (
    <View className='card follow-up-card' id='follow-up-card' role='region' aria-label='差评回访'>
      <View className='follow-up-head'>
        <Text className='follow-up-title'>差评回访</Text>
        <Text className={`follow-up-state follow-up-state-${followUp.status}`} id='follow-up-state'>
          {done ? '已回访' : '待回访'}
        </Text>
      </View>
      {done ? (
        <>
          <Text className='follow-up-text' id='follow-up-note'>
            中心回访情况：{followUp.note}
          </Text>
          {followUp.at ? <Text className='follow-up-muted'>回访时间：{formatShanghai(new Date(followUp.at))}</Text> : null}
        </>
      ) : (
        <Text className='follow-up-text' id='follow-up-due'>
          办理中心将在 {followUp.callBackBy} 前与您电话联系，了解情况并整改。
        </Text>
      )}
    </View>
  );
}
