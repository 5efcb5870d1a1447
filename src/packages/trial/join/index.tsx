import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { HAND_CODE_LENGTH } from '../../../core/codes';
import { TrialEventSchema } from '../../../core/contracts/trial';
import { parseScene } from '../../../core/trial';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { InviteCodeField } from '../../../components/application-form';
import { trialCalls } from '../../../services/trial';
import { useFieldCall } from '../../../services/use-field-call';
import { withPageShell } from '../../../components/page-shell';
import '../shared/trial.scss';

const goCenters = () => void Taro.redirectTo({ url: '/packages/trial/centers/index' });

/** The invite code the page was opened with: the mini-program code's `scene` (t=<code>), or a `code` query. */
function openedWith(params: Partial<Record<string, string>>): string {
  const scene = parseScene(params.scene);
  if (scene?.kind === 'invite') return scene.code;
  return params.code?.trim().toUpperCase().slice(0, HAND_CODE_LENGTH) ?? '';
}

/**
 * 加入内部试用: opened by scanning a supervisor's trial invite (its code filled in), or the code typed by hand. Joining
 * makes the person a tester of the invite's province; it works before launch (the gate lets `trial join` through).
 */
function TrialJoinPage() {
  const { params } = useRouter();
  const { value: code, type, error, busy, answer: joined, submit: join } = useFieldCall({
    initial: openedWith(params),
    field: 'code',
    normalize: (typed) => typed.trim().toUpperCase(),
    check: (code) => parseInput(TrialEventSchema, { action: 'join', code }),
    send: trialCalls.join,
  });

  if (joined) {
    return (
      <View className='trial-page'>
        <View className='card trial-card' id='join-done'>
          <Text className='trial-done-title'>已加入内部试用</Text>
          <Text className='trial-text' id='join-province'>
            您现在是{joined.provinceName}的内部测试人员。
          </Text>
          <Text className='trial-muted'>请逐一检查本省各住房公积金管理中心的名称、服务电话、小程序码、办理链接，并向每个中心发送测试申请。</Text>
        </View>
        <ActionButton className='primary-button trial-wide-button' id='join-go-centers' onClick={goCenters}>
          开始检查
        </ActionButton>
      </View>
    );
  }

  return (
    <View className='trial-page'>
      <View className='card trial-card'>
        <Text className='trial-title'>加入内部试用</Text>
        <Text className='trial-muted'>
          扫描监管人员提供的内部试用小程序码即可加入；也可输入码下方的 {HAND_CODE_LENGTH} 位邀请码。加入后您将检查本省各中心的信息和办理渠道。
        </Text>
        <InviteCodeField value={code} error={error} onInput={type} />
      </View>
      <ActionButton className='primary-button trial-wide-button' id='join-submit' loading={busy} disabled={busy} onClick={() => void join()}>
        加入内部试用
      </ActionButton>
    </View>
  );
}

export default withPageShell(TrialJoinPage, { title: '加入内部试用' });
