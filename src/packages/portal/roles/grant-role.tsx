import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { AdminEventSchema } from '../../../core/contracts/admin';
import { isProvinceScoped, ROLE_LABELS, ROLES, type Role, type RoleView } from '../../../core/roles';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { ChipRow } from '../../../components/chip-row';
import { FormField, TextField } from '../../../components/application-form';
import { adminCalls, messageFor } from '../../../services/portal';

const FIELDS = ['openid', 'role', 'centerCode', 'province', 'displayName'] as const;
type Field = (typeof FIELDS)[number];

/** Each field's message after a failure; the whole message under the form when it names no field. */
function fieldErrors(failure: Parameters<typeof messageFor>[0]): Partial<Record<Field | 'form', string>> {
  const errors: Partial<Record<Field | 'form', string>> = {};
  for (const field of FIELDS) {
    const message = messageFor(failure, field);
    if (message !== undefined) errors[field] = message;
  }
  return Object.keys(errors).length > 0 ? errors : { form: failure.message };
}

/** A supervisor grants a role by the person's openid: a center for staff, a province for provincial supervisors and testers, and a name others see instead of the openid. */
export function GrantRole({ onGranted }: { onGranted: (view: RoleView) => void }) {
  const [openid, setOpenid] = useState('');
  const [role, setRole] = useState<Role>('center-staff');
  const [centerCode, setCenterCode] = useState('');
  const [province, setProvince] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field | 'form', string>>>({});
  const [busy, setBusy] = useState(false);

  const grant = async () => {
    const target = {
      openid: openid.trim(),
      role,
      // left out when empty, so the message says a center is needed rather than how one is written
      ...(role === 'center-staff' && centerCode.trim() !== '' ? { centerCode: centerCode.trim() } : {}),
      ...(isProvinceScoped(role) && province.trim() !== '' ? { province: province.trim() } : {}),
      ...(displayName.trim() === '' ? {} : { displayName: displayName.trim() }),
    };
    const checked = parseInput(AdminEventSchema, { action: 'grantRole', ...target });
    if (!checked.ok) {
      setErrors(fieldErrors(checked));
      return;
    }
    setBusy(true);
    setErrors({});
    const result = await adminCalls.grantRole(target);
    setBusy(false);
    if (!result.ok) {
      setErrors(fieldErrors(result));
      return;
    }
    onGranted(result.data);
    setOpenid('');
    setDisplayName('');
    void Taro.showToast({ title: '已授予', icon: 'success' });
  };

  return (
    <View className='card roles-card' id='roles-grant'>
      <Text className='roles-muted'>授予后对方下一次操作即具有该角色的权限；中心工作人员一人只能属于一个中心。</Text>
      <TextField prefix='roles' slug='openid' label='微信账号标识（openid）' value={openid} placeholder='对方的微信账号标识' maxlength={64} error={errors.openid} onInput={(v) => setOpenid(v)} />
      <FormField prefix='roles' slug='role' label='角色' error={errors.role}>
        <ChipRow id='roles-role' idOf={(r) => `roles-role-${r}`} choices={ROLES.map((r) => ({ key: r, label: ROLE_LABELS[r] }))} chosen={role} onChoose={setRole} />
      </FormField>
      {role === 'center-staff' ? (
        <TextField prefix='roles' slug='center' label='中心代码' value={centerCode} placeholder='6 位中心代码，如 320100' type='number' maxlength={6} error={errors.centerCode} onInput={(v) => setCenterCode(v)} />
      ) : null}
      {isProvinceScoped(role) ? (
        <TextField prefix='roles' slug='province' label='省份代码' value={province} placeholder='6 位省份代码，如 320000（江苏）' type='number' maxlength={6} error={errors.province} onInput={(v) => setProvince(v)} />
      ) : null}
      <TextField prefix='roles' slug='name' label='显示名称（选填）' hint='工作人员看到的是这个名称，而不是微信账号标识' value={displayName} placeholder='如 王小明' maxlength={20} error={errors.displayName} onInput={(v) => setDisplayName(v)} />
      <ActionButton className='primary-button roles-button' id='roles-grant-submit' loading={busy} disabled={busy} onClick={() => void grant()}>
        授予角色
      </ActionButton>
      {errors.form ? (
        <Text className='roles-error' id='roles-grant-error'>
          {errors.form}
        </Text>
      ) : null}
    </View>
  );
}
