import { Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import { HAND_CODE_PATTERN } from '../../../core/codes';
import { DOC_TYPES } from '../../../core/identity';
import { ActionButton } from '../../../components/action-button';
import { StateView } from '../../../components/state-view';
import { identityCalls, type CounterRequestView } from '../../../services/identity';
import './index.scss';

/** What the person's code looks like: 8 characters without 0/O, 1/I. Typed lower case, it is upper-cased. */

type Stage =
  | { kind: 'input' }
  | { kind: 'found'; request: CounterRequestView }
  | { kind: 'confirmed'; request: CounterRequestView };

/**
 * Center staff at the window: look a person's code up, compare the full name and number with the document
 * in hand, then confirm. Everyone else is refused by the function itself (FORBIDDEN).
 */
export default function CounterPage() {
  const [code, setCode] = useState('');
  const [stage, setStage] = useState<Stage>({ kind: 'input' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const edit = (value: string) => {
    setCode(value.trim().toUpperCase());
    setError(undefined);
    setStage({ kind: 'input' });
  };

  const lookup = async () => {
    if (!HAND_CODE_PATTERN.test(code)) {
      setError('核验码为 8 位字母或数字，请核对后重新输入');
      return;
    }
    setBusy(true);
    setError(undefined);
    const found = await identityCalls.viewCounter(code);
    setBusy(false);
    if (found.ok) setStage({ kind: 'found', request: found.data });
    else setError(found.message);
  };

  const confirm = async () => {
    if (stage.kind !== 'found') return;
    setBusy(true);
    setError(undefined);
    const confirmed = await identityCalls.confirmCounter(stage.request.code);
    setBusy(false);
    if (confirmed.ok) setStage({ kind: 'confirmed', request: stage.request });
    else setError(confirmed.message);
  };

  const next = () => {
    setCode('');
    setError(undefined);
    setStage({ kind: 'input' });
  };

  if (stage.kind === 'confirmed') {
    return (
      <View className='counter-page'>
        <View className='card counter-card counter-done' id='counter-done'>
          <Text className='counter-done-title'>核验完成</Text>
          <Text className='counter-muted'>核验码 {stage.request.code} 已确认，对方的实名核验方式为柜台核验。</Text>
        </View>
        <ActionButton className='counter-button' id='counter-next' onClick={next}>
          核验下一位
        </ActionButton>
      </View>
    );
  }

  return (
    <View className='counter-page'>
      <View className='card counter-card'>
        <Text className='counter-label'>核验码</Text>
        <Input
          className='counter-input'
          id='counter-code'
          type='text'
          maxlength={8}
          value={code}
          placeholder='请输入对方出示的 8 位核验码'
          onInput={(e) => edit(e.detail.value)}
        />
      </View>
      {stage.kind === 'input' ? (
        <ActionButton className='primary-button counter-button' id='counter-lookup' loading={busy} disabled={busy} onClick={() => void lookup()}>
          查询
        </ActionButton>
      ) : null}
      {busy && stage.kind === 'input' ? <StateView status='loading' message='正在查询核验码…' /> : null}
      {error ? (
        <Text className='counter-error' id='counter-error'>
          {error}
        </Text>
      ) : null}

      {stage.kind === 'found' ? (
        <View>
          <View className='card counter-card' id='counter-request'>
            <View className='counter-row'>
              <Text className='counter-muted'>姓名</Text>
              <Text id='counter-name'>{stage.request.name}</Text>
            </View>
            <View className='counter-row'>
              <Text className='counter-muted'>证件类型</Text>
              <Text id='counter-doc-type'>{DOC_TYPES[stage.request.docType]}</Text>
            </View>
            <View className='counter-row'>
              <Text className='counter-muted'>证件号码</Text>
              <Text id='counter-doc'>{stage.request.docNumber}</Text>
            </View>
            <Text className='counter-notice' id='counter-notice'>
              完整证件信息仅用于与对方出示的证件原件当面核对；本次查看已记录在案，请勿抄录或外传。
            </Text>
          </View>
          <ActionButton className='primary-button counter-button' id='counter-confirm' loading={busy} disabled={busy} onClick={() => void confirm()}>
            已核对证件，确认核验
          </ActionButton>
          <ActionButton className='counter-button' id='counter-cancel' disabled={busy} onClick={next}>
            不一致，取消
          </ActionButton>
        </View>
      ) : null}
    </View>
  );
}
