import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { SECRET_RETIRE_GRACE_HOURS, type RoleView } from '../../../core/roles';
import { formatShanghai } from '../../../core/time';
import { ActionButton } from '../../../components/action-button';
import { StateView } from '../../../components/state-view';
import { adminCalls, type RoleTarget } from '../../../services/portal';

/** One role of one person: `openid-role-center` (or province), also the suffix of its element ids. */
export const roleKey = (r: Pick<RoleView, 'openid' | 'role' | 'centerCode' | 'province'>) => `${r.openid}-${r.role}-${r.centerCode ?? r.province ?? 'all'}`;

function targetOf(r: RoleView): RoleTarget {
  if (r.centerCode !== null) return { openid: r.openid, role: r.role, centerCode: r.centerCode };
  if (r.province !== null) return { openid: r.openid, role: r.role, province: r.province };
  return { openid: r.openid, role: r.role };
}

/** 中心工作人员 · 南京市住房公积金管理中心（320100）, 省级监管人员 · 江苏省（320000）, or the role alone. */
function whatLabel(r: RoleView): string {
  if (r.centerCode !== null) return `${r.roleLabel} · ${r.centerName ?? r.centerCode}（${r.centerCode}）`;
  if (r.province !== null) return `${r.roleLabel} · ${r.provinceName ?? r.province}（${r.province}）`;
  return r.roleLabel;
}

/** What else a revocation does, said in its confirmation. */
const REVOKE_EFFECTS: Partial<Record<RoleView['role'], string>> = {
  'center-staff': `其看到过的签名密钥将在 ${SECRET_RETIRE_GRACE_HOURS} 小时后停用，该中心须在此之前更换密钥。`,
  supervisor: '其创建且尚未使用的邀请码将作废。',
};

/** Who granted it: a supervisor's openid, an invite of one, or the local host's environment. */
function granterLabel(grantedBy: string): string {
  if (grantedBy === 'local-env') return '本地环境变量';
  if (grantedBy.startsWith('invite:')) return `邀请码（${grantedBy.slice('invite:'.length)} 邀请）`;
  return grantedBy === '' || grantedBy === 'system' ? '系统' : grantedBy;
}

/**
 * Roles as cards: who (display name and openid), which role of which center, granted by whom and when, revoked by
 * whom and when; a role in force is revoked, a revoked one granted again, each after a confirmation.
 */
export function RoleList({ roles, onChanged, empty }: { roles: RoleView[]; onChanged: (view: RoleView) => void; empty: string }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | undefined>(undefined);

  const act = async (role: RoleView) => {
    const key = roleKey(role);
    const who = role.displayName ?? role.openid;
    const answer = await Taro.showModal(
      role.active
        ? { title: '撤销角色', content: `确定撤销${who}的${whatLabel(role)}角色？撤销后其下一次操作即不再具有该角色的权限。${REVOKE_EFFECTS[role.role] ?? ''}`, confirmText: '撤销', cancelText: '取消' }
        : { title: '重新授予', content: `确定重新授予${who}${whatLabel(role)}角色？`, confirmText: '授予', cancelText: '取消' },
    );
    if (!answer.confirm) return;
    setBusy(key);
    setErrors({});
    const result = role.active ? await adminCalls.revokeRole(targetOf(role)) : await adminCalls.grantRole(targetOf(role));
    setBusy(undefined);
    if (!result.ok) {
      setErrors({ [key]: result.message });
      return;
    }
    onChanged(result.data);
    void Taro.showToast({ title: role.active ? '已撤销' : '已重新授予', icon: 'success' });
  };

  if (roles.length === 0) return <StateView status='empty' message={empty} />;
  return (
    <View>
      {roles.map((r) => {
        const key = roleKey(r);
        return (
          <View key={key} className={`card roles-card${r.active ? '' : ' roles-card-revoked'}`} id={`roles-${key}`}>
            <View className='roles-head'>
              <Text className='roles-name'>{r.displayName ?? '（未设置显示名称）'}</Text>
              <Text className={`roles-tag${r.active ? '' : ' roles-tag-revoked'}`} id={`roles-${key}-state`}>
                {r.active ? '在任' : '已撤销'}
              </Text>
            </View>
            <Text className='roles-what'>{whatLabel(r)}</Text>
            <Text className='roles-muted roles-openid'>微信账号标识：{r.openid}</Text>
            <Text className='roles-muted'>
              授予：{granterLabel(r.grantedBy)} · {formatShanghai(new Date(r.grantedAt))}
            </Text>
            {r.revokedAt && r.revokedBy ? (
              <Text className='roles-muted' id={`roles-${key}-revoked`}>
                撤销：{r.revokedBy} · {formatShanghai(new Date(r.revokedAt))}
              </Text>
            ) : null}
            {!r.active && r.role === 'center-staff' ? (
              // the secrets shown to them retire after the grace (the center's staff see by when in the portal)
              <Text className='roles-muted' id={`roles-${key}-secret-hint`}>
                该人员看到过的本中心签名密钥将在撤销后 {SECRET_RETIRE_GRACE_HOURS} 小时停用：请中心在此之前于“链接与接口登记”中更换签名密钥，并配置到中心的接口。
              </Text>
            ) : null}
            <ActionButton
              className={`${r.active ? 'danger-button' : 'primary-button'} roles-button`}
              id={`roles-${key}-${r.active ? 'revoke' : 'grant'}`}
              loading={busy === key}
              disabled={busy !== undefined}
              onClick={() => void act(r)}
            >
              {r.active ? '撤销' : '重新授予'}
            </ActionButton>
            {errors[key] ? (
              <Text className='roles-error' id={`roles-${key}-error`}>
                {errors[key]}
              </Text>
            ) : null}
          </View>
        );
      })}
    </View>
  );
}
