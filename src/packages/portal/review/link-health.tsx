import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { describeValue, targetValue, type ChangeView, type UnhealthyView } from '../../../core/center-portal';
import { formatShanghai } from '../../../core/time';
import { ActionButton } from '../../../components/action-button';
import { StateView } from '../../../components/state-view';

/** Unhealthy links and endpoints listed at first (the local host's demo alone has 117); the rest on 显示全部. */
const UNHEALTHY_SHOWN = 20;

/**
 * What is wrong across centers: links unhealthy now (employees are shown the fallback for them: the same record) and
 * endpoints failing their checks, and approved changes the daily run could not switch on their date.
 */
export function LinkHealth({ unhealthy, held }: { unhealthy: UnhealthyView[]; held: ChangeView[] }) {
  const [all, setAll] = useState(false);
  const shown = all ? unhealthy : unhealthy.slice(0, UNHEALTHY_SHOWN);
  return (
    <View>
      <View id='review-unhealthy'>
        {unhealthy.length === 0 ? <StateView status='empty' message='暂无异常的链接和接口' /> : null}
        {unhealthy.length > 0 ? (
          <Text className='review-muted review-count' id='review-unhealthy-count'>
            共 {unhealthy.length} 项{shown.length < unhealthy.length ? `，先显示前 ${shown.length} 项` : ''}
          </Text>
        ) : null}
        {shown.map((h, i) => (
          <View key={`${h.centerCode}-${h.channelLabel}`} className='card review-card review-card-bad' id={`review-unhealthy-${i}`}>
            <View className='review-head'>
              <Text className='review-title'>{h.centerName}</Text>
              <Text className='review-tag review-status-rejected'>异常</Text>
            </View>
            <Text className='review-target'>{h.channelLabel}</Text>
            <Text className='review-value'>{h.url}</Text>
            {h.health ? (
              <Text className='review-muted'>
                最近检查：{formatShanghai(new Date(h.health.checkedAt))} · 已连续 {h.health.consecutiveFailures} 次失败
              </Text>
            ) : (
              <Text className='review-muted'>已标记为无法访问，尚无每日检查的记录（下次检查成功即恢复）</Text>
            )}
            {h.health && h.health.status !== null ? <Text className='review-muted'>HTTP 状态：{h.health.status}</Text> : null}
            {h.health?.title ? <Text className='review-muted'>页面标题：{h.health.title}</Text> : null}
            {h.health?.error ? <Text className='review-error'>错误：{h.health.error}</Text> : null}
          </View>
        ))}
        {shown.length < unhealthy.length ? (
          <ActionButton className='secondary-button review-button' id='review-unhealthy-all' onClick={() => setAll(true)}>
            显示全部 {unhealthy.length} 项
          </ActionButton>
        ) : null}
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
