import { Text, View } from '@tarojs/components';
import { describeValue, targetValue, type ChangeView, type PortalOverview } from '../../../core/center-portal';
import { formatShanghai } from '../../../core/time';
import { StateView } from '../../../components/state-view';
import { currentValue } from '../../../services/portal';

/**
 * Old -> new: what a live order replaced, or for an open one what is live now; an order that was rejected or
 * superseded never replaced anything, so only what it proposed.
 */
function valueLine(change: ChangeView, overview: PortalOverview): string {
  const proposed = describeValue(targetValue(change.target));
  if (change.status === 'live') return `${describeValue(change.previous)} → ${proposed}`;
  if (change.status === 'pending' || change.status === 'approved') return `${describeValue(currentValue(overview, change.target))} → ${proposed}`;
  return `拟变更为：${proposed}`;
}

/**
 * The center's one history of changes, newest first: its own work orders and the supervisors' immediate changes
 * (endpoint, workbench, item routes, service hall), each with its status, old -> new, who (name and role, never an
 * openid) proposed and decided when, and the reason.
 */
export function History({ overview }: { overview: PortalOverview }) {
  if (overview.changes.length === 0) return <StateView status='empty' message='本中心还没有提交过变更' />;
  return (
    <View>
      {overview.changes.map((c) => (
        <View key={c.id} className='card links-card' id={`links-change-${c.id}`}>
          <View className='links-head'>
            <Text className='links-title'>{c.targetLabel}</Text>
            <Text className={`links-tag links-status-${c.status}`} id={`links-change-${c.id}-status`}>
              {c.statusLabel}
            </Text>
          </View>
          <Text className='links-value' id={`links-change-${c.id}-value`}>
            {valueLine(c, overview)}
          </Text>
          {c.immediate ? (
            <Text className='links-muted' id={`links-change-${c.id}-immediate`}>
              监管人员直接修改，即时生效
            </Text>
          ) : (
            <Text className='links-muted'>生效日期：{c.effectiveDate}</Text>
          )}
          <Text className='links-muted' id={`links-change-${c.id}-proposed`}>
            {c.immediate ? '修改' : '提交'}：{c.proposedBy} · {formatShanghai(new Date(c.proposedAt))}
          </Text>
          {c.reviewedBy && c.reviewedAt && !c.immediate ? (
            <Text className='links-muted'>
              审核：{c.reviewedBy} · {formatShanghai(new Date(c.reviewedAt))}
            </Text>
          ) : null}
          {c.reason ? (
            <Text className={c.status === 'rejected' ? 'links-error-text' : 'links-muted'} id={`links-change-${c.id}-reason`}>
              {c.status === 'rejected' ? '未通过理由' : c.immediate ? '说明' : '审核意见'}：{c.reason}
            </Text>
          ) : null}
          {c.appliedAt ? <Text className='links-muted'>已于 {formatShanghai(new Date(c.appliedAt))} 生效</Text> : null}
          {c.held ? (
            <Text className='links-error-text' id={`links-change-${c.id}-held`}>
              未能按期切换（{formatShanghai(new Date(c.held.at))}）：{c.held.reason}。每日重试，原链接继续使用。
            </Text>
          ) : null}
        </View>
      ))}
    </View>
  );
}
