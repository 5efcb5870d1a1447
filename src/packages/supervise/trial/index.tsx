import { Text, View } from '@tarojs/components';
import { StateView } from '../../../components/state-view';
import { whoami } from '../../../services/identity';
import { adminCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';
import { CatalogSection } from './catalog';
import { InvitesSection } from './invites';
import { LaunchSection } from './launch';
import { TestersSection } from './testers';
import { withPageShell } from '../../../components/page-shell';
import '../shared/supervise.scss';
import './index.scss';

/**
 * 内部试用与上线 (issue 15), for national and provincial supervisors (the function scopes every answer): the launch
 * state with each province's readiness and, for national supervisors, the switches; invites for testers shown as a
 * QR code; the testers; the findings on centers' names and phones with their corrections and reviews.
 */
function TrialPage() {
  const roles = useCall(whoami, []);
  const launch = useCall(adminCalls.launchState, []);

  if (roles.status === 'loading' || launch.status === 'loading') return <StateView status='loading' message='正在加载内部试用情况…' />;
  if (launch.status === 'error') return <StateView status='error' message={launch.message} code={launch.code} onRetry={launch.reload} />;
  if (roles.status === 'error') return <StateView status='error' message={roles.message} code={roles.code} onRetry={roles.reload} />;
  const national = roles.data.roles.some((r) => r.role === 'supervisor');
  // a provincial supervisor's own province: the invites are for it only
  const own = national ? undefined : roles.data.roles.flatMap((r) => (r.role === 'provincial-supervisor' ? [r.province] : []))[0];

  return (
    <View className='supervise-page'>
      <Text className='section-title'>上线状态与准备情况</Text>
      <LaunchSection loaded={launch.data} national={national} />
      <Text className='section-title'>邀请测试人员</Text>
      <InvitesSection provinces={launch.data.provinces.map((p) => p.province)} own={own} />
      <Text className='section-title'>测试人员</Text>
      <TestersSection />
      <Text className='section-title'>试用问题（中心名称、服务电话由监管部门更正）</Text>
      <CatalogSection />
    </View>
  );
}

export default withPageShell(TrialPage, { title: '内部试用与上线' });
