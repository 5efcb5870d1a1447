import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { ChangeView } from '../../../core/center-portal';
import { StateView } from '../../../components/state-view';
import { adminCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';
import { ChangeHistory } from './change-history';
import { InviteStaff } from './invite-staff';
import { LinkHealth } from './link-health';
import { PendingChanges } from './pending-changes';
import { withPageShell } from '../../../components/page-shell';
import './index.scss';

/**
 * Supervisors: centers' work orders to review (a decided one moves to the history), the history of changes, what
 * is wrong with centers' links and endpoints, and invites for centers' staff. Everyone else is refused by the
 * function itself (FORBIDDEN), whose message this page shows.
 */
function ReviewPage() {
  const pending = useCall(adminCalls.pendingChanges, []);
  const health = useCall(adminCalls.linkHealth, []);
  const [decided, setDecided] = useState<ChangeView[]>([]);

  if (pending.status === 'loading') return <StateView status='loading' message='正在加载待审核的变更…' />;
  if (pending.status === 'error') return <StateView status='error' message={pending.message} code={pending.code} onRetry={pending.reload} />;

  return (
    <View className='review-page'>
      <Text className='section-title'>待审核的变更</Text>
      <View id='review-pending'>
        <PendingChanges changes={pending.data} onDecided={(change) => setDecided((all) => [change, ...all])} />
      </View>

      <Text className='section-title'>变更历史</Text>
      <ChangeHistory decided={decided} />

      <Text className='section-title'>异常的链接和接口</Text>
      <View id='review-health'>
        {health.status === 'loading' ? <StateView status='loading' message='正在加载检查结果…' /> : null}
        {health.status === 'error' ? <StateView status='error' message={health.message} code={health.code} onRetry={health.reload} /> : null}
        {health.status === 'ready' ? <LinkHealth unhealthy={health.data.unhealthy} held={health.data.held} /> : null}
      </View>

      <Text className='section-title'>邀请中心工作人员</Text>
      <InviteStaff />
    </View>
  );
}

export default withPageShell(ReviewPage, { title: '变更审核' });
