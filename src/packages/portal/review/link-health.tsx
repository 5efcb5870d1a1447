import { Text, View } from '@tarojs/components';
import { describeValue, targetValue, type ChangeView, type UnhealthyView } from '../../../core/center-portal';
import { formatShanghai } from '../../../core/time';
import { StateView } from '../../../components/state-view';

/**
 * What the daily run found wrong across centers: links and endpoints failing their checks (the directory
 * shows the fallback for an unhealthy link), and approved changes it could not switch on their date.
 */
export function LinkHealth({ unhealthy, held }: { unhealthy: UnhealthyView[]; held: ChangeView[] }) {
  return (
    <View>
      <View id='review-unhealthy'>
        {unhealthy.length === 0 ? <StateView status='empty' message='暂无异常的链接和接口' /> : null}
        {unhealthy.map((h, i) => (
          <View key={`${h.centerCode}-${h.channelLabel}`} className='card review-card review-card-bad' id={`review-unhealthy-${i}`}>
            <View className='review-head'>
              <Text className='review-title'>{h.centerName}</Text>
              <Text className='review-tag review-status-rejected'>异常</Text>
            </View>
            <Text className='review-target'>{h.channelLabel}</Text>
            <Text className='review-value'>{h.url}</Text>
            <Text className='review-muted'>
              最近检查：{formatShanghai(new Date(h.checkedAt))} · 已连续 {h.consecutiveFailures} 次失败
            </Text>
            {h.status !== null ? <Text className='review-muted'>HTTP 状态：{h.status}</Text> : null}
            {h.title ? <Text className='review-muted'>页面标题：{h.title}</Text> : null}
            {h.error ? <Text className='review-error'>错误：{h.error}</Text> : null}
          </View>
        ))}
      </View>
      <Text className='section-title'>未能按期切换的变更</Text>
      <View id='review-held'>
        {held.length === 0 ? <StateView status='empty' message='暂无未能按期切换的变更' /> : null}
        {held.map((c) => (
          <View key={c.id} className='card review-card review-card-bad' id={`review-held-${c.id}`}>
            <Text className='review-title'>
              {c.centerName}（{c.centerCode}）
            </Text>
            <Text className='review-target'>{c.targetLabel}</Text>
            <Text className='review-value'>变更为：{describeValue(targetValue(c.target))}</Text>
            <Text className='review-muted'>生效日期：{c.effectiveDate}</Text>
            {c.held ? (
              <Text className='review-error'>
                {formatShanghai(new Date(c.held.at))} 未能切换：{c.held.reason}（每日重试，原链接继续使用）
              </Text>
            ) : null}
          </View>
        ))}
      </View>
    </View>
  );
}
