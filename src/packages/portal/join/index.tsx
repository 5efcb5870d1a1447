import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { INVITE_VALID_DAYS } from '../../../core/center-portal';
import { portalEventSchema } from '../../../core/contracts/portal';
import { HAND_CODE_LENGTH } from '../../../core/codes';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { InviteCodeField } from '../../../components/application-form';
import { portalCalls } from '../../../services/portal';
import { useFieldCall } from '../../../services/use-field-call';
import { withPageShell } from '../../../components/page-shell';
import './index.scss';

const goLinks = () => void Taro.redirectTo({ url: '/packages/portal/links/index' });

/**
 * Anyone signed in: redeem a supervisor's invite code (typed by hand, or from the invite's link) and become staff of its center. The
 * function says why a code is refused (unknown, used, expired, or the person already serves a center).
 */
function JoinPage() {
  // a staff invite's link (…/join/index?code=…) fills the code in: staff reach this page from it, or from the small line on 我的
  const { params } = useRouter();
  const { value: code, type, error, busy, answer: joined, submit: join } = useFieldCall({
    initial: (params.code ?? '').trim().toUpperCase().slice(0, HAND_CODE_LENGTH),
    field: 'code',
    normalize: (typed) => typed.trim().toUpperCase(),
    check: (code) => parseInput(portalEventSchema(new Date()), { action: 'joinCenter', code }),
    send: portalCalls.joinCenter,
  });

  if (joined) {
    return (
      <View className='join-page'>
        <View className='card join-card' id='join-done'>
          <Text className='join-done-title'>已加入</Text>
          <Text id='join-center'>
            您现在是{joined.centerName}的工作人员。
          </Text>
          <Text className='join-muted'>可以为本中心登记办理链接和接收推送的接口，并在申请工作台办理转至本中心的申请。</Text>
        </View>
        <ActionButton className='primary-button join-button' id='join-go-links' onClick={goLinks}>
          去登记链接与接口
        </ActionButton>
      </View>
    );
  }

  return (
    <View className='join-page'>
      <View className='card join-card'>
        <Text className='join-title'>加入住房公积金管理中心</Text>
        <Text className='join-muted'>请输入监管人员提供的 {HAND_CODE_LENGTH} 位邀请码。邀请码只能使用一次，有效期 {INVITE_VALID_DAYS} 天；每人只能为一个中心工作。</Text>
        <InviteCodeField value={code} error={error} onInput={type} />
      </View>
      <ActionButton className='primary-button join-button' id='join-submit' loading={busy} disabled={busy} onClick={() => void join()}>
        加入中心
      </ActionButton>
    </View>
  );
}

export default withPageShell(JoinPage, { title: '加入中心' });
