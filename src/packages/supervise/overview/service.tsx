import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { StateView } from '../../../components/state-view';
import { adminCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';
import { percentOf, ProgressBar } from '../shared/bars';

/**
 * 好差评 over every rated center (the share of 满意 and 非常满意, the count of 差评: 不满意 and 非常不满意), with the
 * centers behind it, lowest share first.
 */
export function SatisfactionCard() {
  const got = useCall(adminCalls.satisfaction, []);
  const [open, setOpen] = useState(false);
  if (got.status === 'loading') return <StateView status='loading' message='正在统计好差评…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  const rated = got.data.reduce((n, r) => n + r.count, 0);
  const satisfied = got.data.reduce((n, r) => n + r.byScore[4] + r.byScore[5], 0);
  const poor = got.data.reduce((n, r) => n + r.byScore[1] + r.byScore[2], 0);
  const centers = [...got.data].sort((a, b) => a.satisfiedPercent - b.satisfiedPercent);
  return (
    <View className='card supervise-card' id='overview-satisfaction'>
      <Text className='supervise-title'>好差评</Text>
      <ProgressBar id='overview-satisfied' label='满意及非常满意' value={satisfied} total={rated} unit='条评价' />
      <Text className='supervise-muted' id='overview-poor'>
        差评（不满意、非常不满意）{poor} 条，共 {got.data.length} 个中心有评价
      </Text>
      <Text className='supervise-more supervise-link' id='overview-satisfaction-toggle' onClick={() => setOpen(!open)}>
        {open ? '收起各中心 ‹' : '查看各中心 ›'}
      </Text>
      {open
        ? centers.map((r) => (
            <View key={r.centerCode} className='supervise-row' id={`overview-satisfaction-${r.centerCode}`}>
              <Text className='supervise-row-label'>{r.centerName}</Text>
              <Text>
                满意 {percentOf(r.byScore[4] + r.byScore[5], r.count)}%，差评 {r.byScore[1] + r.byScore[2]} 条
              </Text>
            </View>
          ))
        : null}
    </View>
  );
}

/** Deliveries the relay gave up on (死信): how many, and each one's center, attempts and last error. */
export function DeadLettersCard() {
  const got = useCall(adminCalls.deadLetters, []);
  const [open, setOpen] = useState(false);
  if (got.status === 'loading') return <StateView status='loading' message='正在查询投递失败的消息…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  return (
    <View className='card supervise-card' id='overview-dead-letters'>
      <Text className='supervise-title'>投递失败（已停止重试）</Text>
      <Text className='supervise-figure' id='overview-dead-letters-count'>
        {got.data.length} 条
      </Text>
      {got.data.length > 0 ? (
        <Text className='supervise-more supervise-link' id='overview-dead-letters-toggle' onClick={() => setOpen(!open)}>
          {open ? '收起 ‹' : '查看每一条 ›'}
        </Text>
      ) : (
        <Text className='supervise-muted'>所有推送均已送达或仍在重试中</Text>
      )}
      {open
        ? got.data.map((d) => (
            <View key={d.outboxId} className='supervise-dead' id={`overview-dead-${d.outboxId}`}>
              <Text className='supervise-row-label'>{d.centerName}</Text>
              <Text className='supervise-muted'>
                申请 {d.applicationId}，尝试 {d.attempts} 次{d.lastError ? `，最后一次：${d.lastError}` : ''}
              </Text>
            </View>
          ))
        : null}
    </View>
  );
}
