import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { causeOf, refusalEntry } from '../../core/applications/refusal-causes';
import type { ApplicationView } from '../../core/applications/views';
import { ActionButton } from '../action-button';
import { CallButton } from '../call-button';
import './index.scss';

/** What to do when the reason names no common cause. */
const ASK_FIRST = '请拨打下面的电话，问清需要补办的手续或更正的信息。';

/**
 * Below a transfer refused by the transfer-out center (13 转出审核不通过, 40 失败办结): the center's reason in its words,
 * what to do next, whom to call (the contact the center gave, else the transfer-out center's service phone), and at
 * 40, which ends the case, 重新申请 opening the transfer form filled in from this case. At 13 the case goes on once
 * the cause is put right (the centers negotiate, 06), so no new application is offered.
 */
export function RefusalCard({ view }: { view: ApplicationView }) {
  const code = view.platformCode;
  if (view.type !== 'transfer' || (code !== '13' && code !== '40')) return null;
  const now = refusalEntry(view.events, code);
  const earlier = refusalEntry(view.events, '13');
  const reason = now?.reason ?? earlier?.reason ?? now?.message ?? '';
  const cause = causeOf(reason);
  const outCenter = view.centers.find((c) => c.role === 'transfer-out');
  const contact = now?.contact ?? earlier?.contact ?? (outCenter ? { name: `${outCenter.name}服务热线`, phone: outCenter.phone } : undefined);
  const ended = code === '40';

  return (
    <View className='card refusal-card' id='refusal-card' role='region' aria-label='不通过的原因和办法'>
      <Text className='refusal-title' id='refusal-title'>
        {ended ? '转移接续未办成' : '转出地中心审核未通过'}
      </Text>
      <Text className='refusal-label'>原因</Text>
      <Text className='refusal-reason' id='refusal-reason'>
        {reason || '中心未写明原因，请拨打下面的电话询问。'}
      </Text>
      <Text className='refusal-label'>您可以这样做</Text>
      <Text className='refusal-todo' id='refusal-todo'>
        {cause ? cause.todo : ASK_FIRST}
        {ended ? '办好后可以重新申请，上次填写的信息会自动带入。' : '办好后转出地中心会继续办理，无须重新申请。'}
      </Text>
      {contact ? (
        <View className='refusal-contact' id='refusal-contact'>
          <Text className='refusal-label'>联系</Text>
          <Text className='refusal-contact-name' id='refusal-contact-name'>
            {contact.name}
          </Text>
          <CallButton id='refusal-call' phone={contact.phone} whom={contact.name} />
        </View>
      ) : null}
      {ended ? (
        <ActionButton className='primary-button refusal-again' id='refusal-again' onClick={() => void Taro.navigateTo({ url: `/pages/transfer/index?from=${view.id}` })}>
          重新申请
        </ActionButton>
      ) : null}
    </View>
  );
}
