import { Text, View } from '@tarojs/components';
import type { HealthView } from '../../../core/center-portal';
import { formatShanghai } from '../../../core/time';

interface HealthLinesProps {
  /** The lines are `#<id>`, the tag `#<id>-tag`. */
  id: string;
  /** What the directory goes by; null before the daily check has judged the address. */
  healthy: boolean | null;
  /** The daily check's last finding for the address live now, if it has checked it yet. */
  health: HealthView | null;
}

const TAGS = { ok: '健康', bad: '异常', unknown: '未检查' } as const;

/** 健康 / 异常 of a web link or API endpoint, with what the daily check last found: when, the HTTP status, the page title, the error. */
export function HealthLines({ id, healthy, health }: HealthLinesProps) {
  // 健康 only on a check's word: an address the daily check has not looked at yet is 未检查, whatever the directory assumes
  const tag = healthy === false ? 'bad' : healthy === null || health === null ? 'unknown' : 'ok';
  return (
    <View className='links-health' id={id}>
      <Text className={`links-tag links-tag-${tag}`} id={`${id}-tag`}>
        {TAGS[tag]}
      </Text>
      {health ? (
        <View className='links-health-detail'>
          <Text className='links-muted'>最近检查：{formatShanghai(new Date(health.checkedAt))}</Text>
          {health.status !== null ? <Text className='links-muted'>HTTP 状态：{health.status}</Text> : null}
          {health.title ? <Text className='links-muted'>页面标题：{health.title}</Text> : null}
          {health.error ? <Text className='links-error-text'>错误：{health.error}</Text> : null}
          {health.consecutiveFailures > 0 ? <Text className='links-muted'>已连续 {health.consecutiveFailures} 次检查失败</Text> : null}
        </View>
      ) : (
        <Text className='links-muted'>尚无检查记录（每日检查一次）</Text>
      )}
    </View>
  );
}
