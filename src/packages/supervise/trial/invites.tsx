import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { AdminEventSchema } from '../../../core/contracts/admin';
import type { Fail } from '../../../core/errors';
import { provinceName } from '../../../core/supervision';
import { formatShanghai } from '../../../core/time';
import { TRIAL_INVITE_DAYS_MAX, TRIAL_INVITE_STATE_LABELS, TRIAL_INVITE_USES_MAX, type CreatedTrialInvite, type TrialInviteView } from '../../../core/trial';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { ChipRow } from '../../../components/chip-row';
import { FormField, TextField } from '../../../components/application-form';
import { StateView } from '../../../components/state-view';
import { adminCalls, messageFor } from '../../../services/portal';
import { asksForCodeImage, inviteCodeImage } from '../../../services/trial-codes';
import { useCall } from '../../../services/use-call';

const FIELDS = ['province', 'uses', 'days'] as const;
type Errors = Partial<Record<(typeof FIELDS)[number] | 'form', string>>;

/** A number typed into a field, or undefined when nothing is (the contract then says the field is missing). */
const numberOf = (typed: string) => (typed.trim() === '' ? undefined : Number(typed));

/** The invite just made: its QR code (WeChat's mini-program code, or on H5 a QR code of the join page) and its code in text. */
function CreatedInvite({ invite, image }: { invite: CreatedTrialInvite; image: string | undefined }) {
  return (
    <View className='card supervise-card trial-created' id='trial-invite-created'>
      <Text className='supervise-title'>{invite.provinceName}内部试用邀请</Text>
      {image ? (
        <Image className='trial-qr' id='trial-invite-qr' src={image} mode='aspectFit' ariaLabel={`${invite.provinceName}内部试用邀请二维码`} nativeProps={{ alt: `${invite.provinceName}内部试用邀请二维码` }} />
      ) : null}
      <Text className='supervise-line'>
        邀请码 <Text className='trial-code nowrap' id='trial-invite-code'>{invite.code}</Text>
      </Text>
      <Text className='supervise-muted' id='trial-invite-terms'>
        可使用 {invite.uses} 人，有效期至 <Text className='nowrap'>{formatShanghai(new Date(invite.expiresAt))}</Text>
      </Text>
      <Text className='supervise-muted'>请测试人员用微信扫描二维码，或在内部试用页输入邀请码加入。邀请码只显示这一次。</Text>
    </View>
  );
}

/** One invite as listed: province, state, uses left, expiry, and 撤销 while it can still be used. */
function InviteCard({ invite, busy, onRevoke }: { invite: TrialInviteView; busy: boolean; onRevoke: () => void }) {
  const id = `trial-invite-${invite.id}`;
  return (
    <View className='card supervise-card' id={id}>
      <View className='supervise-head'>
        <Text className='supervise-title'>{invite.provinceName}</Text>
        <Text className={`supervise-tag ${invite.state === 'active' ? 'supervise-tag-good' : 'supervise-tag-bad'}`} id={`${id}-state`}>
          {TRIAL_INVITE_STATE_LABELS[invite.state]}
        </Text>
      </View>
      <Text className='supervise-line' id={`${id}-uses`}>
        剩余 {invite.usesLeft}/{invite.uses} 人次
      </Text>
      <Text className='supervise-muted'>
        创建于 <Text className='nowrap'>{formatShanghai(new Date(invite.createdAt))}</Text>，有效期至 <Text className='nowrap'>{formatShanghai(new Date(invite.expiresAt))}</Text>
      </Text>
      {invite.state === 'active' ? (
        <ActionButton className='supervise-button danger-button' id={`${id}-revoke`} loading={busy} disabled={busy} onClick={onRevoke}>
          撤销邀请
        </ActionButton>
      ) : null}
    </View>
  );
}

/**
 * Invites for testers of a province: the form (the province fixed for a provincial supervisor, chosen by a national
 * one), the invite made shown as a QR code with its code, and the invites of the caller's scope, each revocable.
 */
export function InvitesSection({ provinces, own }: { provinces: readonly string[]; own: string | undefined }) {
  const listed = useCall(adminCalls.trialInvites, []);
  const [province, setProvince] = useState(own ?? '');
  const [uses, setUses] = useState('');
  const [days, setDays] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ invite: CreatedTrialInvite; image: string | undefined } | undefined>(undefined);
  // answers of creations and revocations, over the list as loaded
  const [changed, setChanged] = useState<Record<string, TrialInviteView>>({});
  const [added, setAdded] = useState<TrialInviteView[]>([]);
  const [revoking, setRevoking] = useState<string | undefined>(undefined);
  const [listError, setListError] = useState<string | undefined>(undefined);

  const refuse = (failure: Fail) => {
    const found: Errors = {};
    for (const field of FIELDS) found[field] = messageFor(failure, field);
    setErrors(FIELDS.some((f) => found[f] !== undefined) ? found : { form: failure.message });
  };

  const create = async () => {
    // checked here as the function checks it: nothing is sent that it would refuse
    const checked = parseInput(AdminEventSchema, { action: 'createTrialInvite', province, uses: numberOf(uses), days: numberOf(days) });
    if (!checked.ok) {
      refuse(checked);
      return;
    }
    // the event parsed is the one built above: narrowed for its fields' types
    if (checked.data.action !== 'createTrialInvite') return;
    const invite = { province: checked.data.province, uses: checked.data.uses, days: checked.data.days, ...(asksForCodeImage ? { image: true } : {}) };
    setBusy(true);
    setErrors({});
    const result = await adminCalls.createTrialInvite(invite);
    if (!result.ok) {
      setBusy(false);
      refuse(result);
      return;
    }
    const { image, ...made } = result.data;
    setCreated({ invite: made, image: await inviteCodeImage(made.code, image) });
    setBusy(false);
    setAdded((all) => [made, ...all]);
    void Taro.showToast({ title: '已创建邀请', icon: 'success' });
  };

  const revoke = async (invite: TrialInviteView) => {
    const answer = await Taro.showModal({ title: '撤销邀请', content: `确定撤销${invite.provinceName}的这份邀请？撤销后尚未加入的人员不能再用它加入，已加入的测试人员不受影响。`, confirmText: '撤销', cancelText: '取消' });
    if (!answer.confirm) return;
    setRevoking(invite.id);
    setListError(undefined);
    const result = await adminCalls.revokeTrialInvite(invite.id);
    setRevoking(undefined);
    if (!result.ok) {
      setListError(result.message);
      return;
    }
    setChanged((all) => ({ ...all, [invite.id]: result.data }));
    void Taro.showToast({ title: '已撤销', icon: 'success' });
  };

  const loaded = listed.status === 'ready' ? listed.data : [];
  const known = new Set(loaded.map((i) => i.id));
  const invites = [...added.filter((i) => !known.has(i.id)), ...loaded].map((i) => changed[i.id] ?? i);

  return (
    <View id='trial-invites'>
      <View className='card supervise-card' id='trial-invite-form'>
        <Text className='supervise-title'>邀请测试人员</Text>
        {own ? (
          <FormField prefix='trial-invite' slug='province' label='省份' error={errors.province}>
            <Text id='trial-invite-province-fixed'>
              {provinceName(own)}（{own}）
            </Text>
          </FormField>
        ) : (
          <FormField prefix='trial-invite' slug='province' label='省份' error={errors.province}>
            <ChipRow
              id='trial-invite-provinces'
              idOf={(p) => `trial-invite-province-${p}`}
              choices={provinces.map((p) => ({ key: p, label: provinceName(p) }))}
              chosen={province}
              onChoose={setProvince}
            />
          </FormField>
        )}
        <TextField prefix='trial-invite' slug='uses' label='可加入人数' value={uses} placeholder={`1 至 ${TRIAL_INVITE_USES_MAX} 人`} type='number' maxlength={3} error={errors.uses} onInput={setUses} />
        <TextField prefix='trial-invite' slug='days' label='有效天数' value={days} placeholder={`1 至 ${TRIAL_INVITE_DAYS_MAX} 天`} type='number' maxlength={2} error={errors.days} onInput={setDays} />
        <ActionButton className='primary-button supervise-button' id='trial-invite-create' loading={busy} disabled={busy} onClick={() => void create()}>
          生成邀请二维码
        </ActionButton>
        {errors.form ? (
          <Text className='supervise-error' id='trial-invite-error'>
            {errors.form}
          </Text>
        ) : null}
      </View>
      {created ? <CreatedInvite invite={created.invite} image={created.image} /> : null}
      <Text className='section-title'>邀请记录</Text>
      {listed.status === 'loading' ? <StateView status='loading' message='正在加载邀请…' /> : null}
      {listed.status === 'error' ? <StateView status='error' message={listed.message} code={listed.code} onRetry={listed.reload} /> : null}
      {listed.status === 'ready' && invites.length === 0 ? <StateView status='empty' message='暂无邀请' /> : null}
      {listError ? (
        <Text className='supervise-error' id='trial-invites-error'>
          {listError}
        </Text>
      ) : null}
      {invites.map((invite) => (
        <InviteCard key={invite.id} invite={invite} busy={revoking === invite.id} onRevoke={() => void revoke(invite)} />
      ))}
    </View>
  );
}
