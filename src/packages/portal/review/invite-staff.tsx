import { Text, View } from '@tarojs/components';
import { AdminEventSchema } from '../../../core/contracts/admin';
import { INVITE_VALID_DAYS } from '../../../core/center-portal';
import { formatShanghai } from '../../../core/time';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { TextField } from '../../../components/application-form';
import { copyOrSay } from '../../../services/clipboard';
import { adminCalls } from '../../../services/portal';
import { useFieldCall } from '../../../services/use-field-call';

/** A supervisor invites staff to a center by its code: a single-use code to hand over, valid INVITE_VALID_DAYS days. */
export function InviteStaff() {
  const { value: centerCode, type, error, busy, answer: invite, submit: create } = useFieldCall({
    field: 'centerCode',
    normalize: (typed) => typed.trim(),
    check: (centerCode) => parseInput(AdminEventSchema, { action: 'inviteStaff', centerCode }),
    send: adminCalls.inviteStaff,
  });

  return (
    <View className='card review-card' id='review-invite'>
      <Text className='review-muted'>邀请码只能使用一次，{INVITE_VALID_DAYS} 天内有效；对方在“我的 - 加入中心”输入后即成为该中心的工作人员。</Text>
      <TextField
        prefix='review'
        slug='invite-center'
        label='中心代码'
        value={centerCode}
        placeholder='6 位中心代码，如 320100'
        type='number'
        maxlength={6}
        error={error}
        onInput={type}
      />
      <ActionButton className='primary-button review-button' id='review-invite-submit' loading={busy} disabled={busy} onClick={() => void create()}>
        生成邀请码
      </ActionButton>
      {invite ? (
        <View className='review-invite-result' id='review-invite-result'>
          <Text className='review-muted'>中心 {invite.centerCode} 的邀请码</Text>
          <Text className='review-invite-code' id='review-invite-code' userSelect>
            {invite.code}
          </Text>
          <Text className='review-muted' id='review-invite-expiry'>
            有效至 {formatShanghai(new Date(invite.expiresAt))}，只能使用一次
          </Text>
          <ActionButton className='secondary-button review-button' id='review-invite-copy' onClick={() => void copyOrSay(invite.code, '邀请码')}>
            复制邀请码
          </ActionButton>
        </View>
      ) : null}
    </View>
  );
}
