import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { RoleView } from '../../../core/roles';
import { StateView } from '../../../components/state-view';
import { adminCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';
import { GrantRole } from './grant-role';
import { RoleList, roleKey } from './role-list';
import { withPageShell } from '../../../components/page-shell';
import './index.scss';

/**
 * Supervisors: who holds which role (centers' staff, testers, supervisors), revoking one (it stops working on the
 * person's next call) and granting one, or a revoked one again. Everyone else is refused by the function itself
 * (FORBIDDEN), whose message this page shows.
 */
function RolesPage() {
  const listed = useCall(adminCalls.roles, []);
  // answers of revocations and grants, over the list as loaded, until the page is opened again
  const [changed, setChanged] = useState<Record<string, RoleView>>({});
  const [added, setAdded] = useState<RoleView[]>([]);

  if (listed.status === 'loading') return <StateView status='loading' message='正在加载角色…' />;
  if (listed.status === 'error') return <StateView status='error' message={listed.message} code={listed.code} onRetry={listed.reload} />;

  const known = new Set(listed.data.map(roleKey));
  const roles = [...listed.data, ...added.filter((r) => !known.has(roleKey(r)))].map((r) => changed[roleKey(r)] ?? r);
  const onChanged = (view: RoleView) => {
    setChanged((all) => ({ ...all, [roleKey(view)]: view }));
    if (!known.has(roleKey(view))) setAdded((all) => [...all.filter((r) => roleKey(r) !== roleKey(view)), view]);
  };

  return (
    <View className='roles-page'>
      <Text className='section-title'>在任的角色</Text>
      <View id='roles-active'>
        <RoleList roles={roles.filter((r) => r.active)} onChanged={onChanged} empty='暂无在任的角色' />
      </View>

      <Text className='section-title'>已撤销的角色</Text>
      <View id='roles-revoked'>
        <RoleList roles={roles.filter((r) => !r.active)} onChanged={onChanged} empty='暂无已撤销的角色' />
      </View>

      <Text className='section-title'>授予角色</Text>
      <GrantRole onGranted={onChanged} />
    </View>
  );
}

export default withPageShell(RolesPage, { title: '角色管理' });
