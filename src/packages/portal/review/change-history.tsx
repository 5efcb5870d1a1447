import { Text, View } from '@tarojs/components';
import { AdminEventSchema } from '../../../core/contracts/admin';
import type { ChangeView } from '../../../core/center-portal';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { TextField } from '../../../components/application-form';
import { StateView } from '../../../components/state-view';
import { adminCalls } from '../../../services/portal';
import { useFieldCall } from '../../../services/use-field-call';
import { ChangeLines } from './change-lines';

function HistoryCard({ change: c, prefix }: { change: ChangeView; prefix: string }) {
  return (
    <View className='card review-card' id={`${prefix}-${c.id}`}>
      <View className='review-head'>
        <Text className='review-title'>
          {c.centerName}（{c.centerCode}）
        </Text>
        <Text className={`review-tag review-status-${c.status}`} id={`${prefix}-${c.id}-status`}>
          {c.statusLabel}
        </Text>
      </View>
      <ChangeLines change={c} prefix={prefix} />
    </View>
  );
}

/**
 * The history: the orders decided on this page (newest first), and one center's whole history by its code (admin
 * centerHistory): centers' proposals and supervisors' immediate changes in one list, old -> new, who and when.
 */
export function ChangeHistory({ decided }: { decided: ChangeView[] }) {
  const { value: centerCode, type, error, busy, answer: history, submit: look } = useFieldCall({
    field: 'centerCode',
    normalize: (typed) => typed.trim(),
    check: (centerCode) => parseInput(AdminEventSchema, { action: 'centerHistory', centerCode }),
    send: adminCalls.centerHistory,
  });

  return (
    <View>
      <View id='review-decided'>
        {decided.map((c) => (
          <HistoryCard key={c.id} change={c} prefix='review-decided' />
        ))}
      </View>
      <View className='card review-card' id='review-history-form'>
        <TextField
          prefix='review'
          slug='history-center'
          label='中心代码'
          value={centerCode}
          placeholder='6 位中心代码，查看该中心的全部变更'
          type='number'
          maxlength={6}
          error={error}
          onInput={type}
        />
        <ActionButton className='secondary-button review-button' id='review-history-submit' loading={busy} disabled={busy} onClick={() => void look()}>
          查看变更历史
        </ActionButton>
      </View>
      {history ? (
        <View id='review-history'>
          {history.length === 0 ? <StateView status='empty' message='该中心还没有变更记录' /> : null}
          {history.map((c) => (
            <HistoryCard key={c.id} change={c} prefix='review-history' />
          ))}
        </View>
      ) : null}
    </View>
  );
}
