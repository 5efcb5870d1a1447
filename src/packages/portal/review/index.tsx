import { Text, View } from '@tarojs/components';
import { StateView } from '../../../components/state-view';
import { adminCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';
import { InviteStaff } from './invite-staff';
import { LinkHealth } from './link-health';
import { PendingChanges } from './pending-changes';
import './index.scss';

/**
 * Supervisors: centers' work orders to review, what the daily run found wrong, and invites for centers'
 * staff. Everyone else is refused by the function itself (FORBIDDEN), whose message this page shows.
 */
export default function ReviewPage() {
  const pending = useCall(adminCalls.pendingChanges, []);
  const health = useCall(adminCalls.linkHealth, []);

  if (pending.status === 'loading') return <StateView status='loading' message='正在加载待审核的变更…' />;
  if (pending.status === 'error') return <StateView status='error' message={pending.message} onRetry={pending.reload} />;

  return (
    <View className='review-page'>
      <Text className='section-title'>待审核的变更</Text>
      <View id='review-pending'>
        <PendingChanges changes={pending.data} />
      </View>

      <Text className='section-title'>异常的链接和接口</Text>
      <View id='review-health'>
        {health.status === 'loading' ? <StateView status='loading' message='正在加载检查结果…' /> : null}
        {health.status === 'error' ? <StateView status='error' message={health.message} onRetry={health.reload} /> : null}
        {health.status === 'ready' ? <LinkHealth unhealthy={health.data.unhealthy} held={health.data.held} /> : null}
      </View>

      <Text className='section-title'>邀请中心工作人员</Text>
      <InviteStaff />
    </View>
  );
}
