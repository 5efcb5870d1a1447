import { Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import { handCodeSchema } from '../../../core/codes';
import { DOC_TYPES } from '../../../core/identity';
import { ActionButton } from '../../../components/action-button';
import { StateView } from '../../../components/state-view';
import { identityCalls, type CounterRequestView } from '../../../services/identity';
import { withPageShell } from '../../../components/page-shell';
import './index.scss';

/** What the person's code looks like: 8 characters without 0/O, 1/I. Typed lower case, it is upper-cased. */
const COUNTER_CODE = handCodeSchema('核验码');

type Stage =
  | { kind: 'input' }
  | { kind: 'found'; request: CounterRequestView }
  | { kind: 'done'; request: CounterRequestView; status: 'confirmed' | 'awaiting-second' };

/** Why the code cannot be confirmed by this staff member alone, if it cannot. */
function secondNotice(request: CounterRequestView): string | undefined {
  if (request.confirmedByYou) return '您已核对并确认过这个核验码。该证件已绑定在另一个微信账号，须由本中心另一位工作人员再次核对证件原件并确认。';
  if (request.status === 'awaiting-second') return '本中心一位工作人员已核对并确认。该证件已绑定在另一个微信账号，请您再次核对证件原件后确认，确认后原账号的实名核验将解除并通知原账号。';
  if (request.movesBinding) return '该证件已绑定在另一个微信账号。您确认后，还须由本中心另一位工作人员再次核对证件原件并确认，原账号的实名核验才会解除并通知原账号。';
  return undefined;
}

/**
 * Center staff at the window: look a person's code up, compare the name with the document in hand, type the
 * document's number from the original, then confirm. A document bound to another WeChat account needs a
 * second staff member of the same center. Everyone else is refused by the function itself (FORBIDDEN).
 */
function CounterPage() {
  const [code, setCode] = useState('');
  const [docNumber, setDocNumber] = useState('');
  const [stage, setStage] = useState<Stage>({ kind: 'input' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [docError, setDocError] = useState<string | undefined>(undefined);

  const edit = (value: string) => {
    setCode(value.trim().toUpperCase());
    setError(undefined);
    setDocError(undefined);
    setDocNumber('');
    setStage({ kind: 'input' });
  };

  const lookup = async () => {
    const checked = COUNTER_CODE.safeParse(code);
    if (!checked.success) {
      setError(checked.error.issues[0].message);
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
    const typed = docNumber.replace(/\s/g, '').toUpperCase();
    if (typed === '') {
      setDocError('请输入证件原件上的证件号码');
      return;
    }
    setBusy(true);
    setError(undefined);
    setDocError(undefined);
    const confirmed = await identityCalls.confirmCounter(stage.request.code, typed);
    setBusy(false);
    if (confirmed.ok) {
      setDocNumber('');
      setStage({ kind: 'done', request: stage.request, status: confirmed.data.status });
    } else if (confirmed.fields?.docNumber) setDocError(confirmed.fields.docNumber);
    else setError(confirmed.message);
  };

  const next = () => {
    setCode('');
    setDocNumber('');
    setError(undefined);
    setDocError(undefined);
    setStage({ kind: 'input' });
  };

  if (stage.kind === 'done') {
    return (
      <View className='counter-page'>
        {stage.status === 'confirmed' ? (
          <View className='card counter-card counter-done' id='counter-done'>
            <Text className='counter-done-title'>核验完成</Text>
            <Text className='counter-muted'>核验码 {stage.request.code} 已确认，对方的实名核验方式为柜台核验。</Text>
          </View>
        ) : (
          <View className='card counter-card counter-awaiting' id='counter-awaiting'>
            <Text className='counter-awaiting-title'>待第二人确认</Text>
            <Text className='counter-muted'>
              核验码 {stage.request.code} 已由您确认。该证件已绑定在另一个微信账号，须由本中心另一位工作人员输入同一核验码，再次核对证件原件并确认后才生效。
            </Text>
          </View>
        )}
        <ActionButton className='counter-button' id='counter-next' onClick={next}>
          核验下一位
        </ActionButton>
      </View>
    );
  }

  const notice = stage.kind === 'found' ? secondNotice(stage.request) : undefined;
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
              <Text className='counter-muted'>登记的证件号码</Text>
              <Text id='counter-doc'>{stage.request.docNumberMasked}</Text>
            </View>
            {notice ? (
              <Text className='counter-second' id='counter-second'>
                {notice}
              </Text>
            ) : null}
            <Text className='counter-notice' id='counter-notice'>
              请当面查验对方出示的证件原件，核对姓名，并照证件原件输入证件号码；本次查看已记录在案，请勿抄录或外传。
            </Text>
          </View>
          {stage.request.confirmedByYou ? null : (
            <View className='card counter-card'>
              <Text className='counter-label'>证件号码（照证件原件输入）</Text>
              <Input
                className='counter-doc-input'
                id='counter-doc-number'
                type='idcard'
                maxlength={30}
                value={docNumber}
                placeholder='请输入证件原件上的证件号码'
                onInput={(e) => {
                  setDocNumber(e.detail.value);
                  setDocError(undefined);
                }}
              />
              {docError ? (
                <Text className='counter-error counter-field-error' id='counter-doc-error'>
                  {docError}
                </Text>
              ) : null}
            </View>
          )}
          {stage.request.confirmedByYou ? null : (
            <ActionButton className='primary-button counter-button' id='counter-confirm' loading={busy} disabled={busy} onClick={() => void confirm()}>
              已核对证件原件，确认核验
            </ActionButton>
          )}
          <ActionButton className='counter-button' id='counter-cancel' disabled={busy} onClick={next}>
            {stage.request.confirmedByYou ? '返回' : '不一致，取消'}
          </ActionButton>
        </View>
      ) : null}
    </View>
  );
}

export default withPageShell(CounterPage, { title: '柜台核验' });
