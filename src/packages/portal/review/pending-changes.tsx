import { Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { AdminEventSchema } from '../../../core/contracts/admin';
import { REASON_MAX } from '../../../core/contracts/fields';
import type { ChangeView } from '../../../core/center-portal';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { StateView } from '../../../components/state-view';
import { adminCalls, messageFor } from '../../../services/portal';
import { ChangeLines } from './change-lines';

/** What the supervisor is asked before a decision that cannot be undone. */
function confirmation(change: ChangeView, approve: boolean): { title: string; content: string } {
  const what = `${change.centerName}${change.targetLabel}`;
  return approve
    ? { title: '通过变更', content: `确定通过${what}的变更？将于 ${change.effectiveDate} 生效，生效前原链接继续使用。` }
    : { title: '不通过变更', content: `确定不通过${what}的变更？中心将看到您填写的理由。` };
}

/**
 * Centers' work orders waiting for review (oldest first): what is live now beside what it proposes, from when, by
 * whom; the supervisor approves, or rejects with a reason, after a confirmation. A decided order leaves the list for
 * the history below (`onDecided`).
 */
export function PendingChanges({ changes, onDecided }: { changes: ChangeView[]; onDecided: (change: ChangeView) => void }) {
  const [decided, setDecided] = useState<ReadonlySet<string>>(new Set());
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | undefined>(undefined);

  const review = async (change: ChangeView, approve: boolean) => {
    const text = (reasons[change.id] ?? '').trim();
    const reason = text === '' ? undefined : text;
    const checked = parseInput(AdminEventSchema, { action: 'reviewChange', id: change.id, approve, reason });
    if (!checked.ok) {
      setErrors({ [change.id]: messageFor(checked, 'reason') ?? checked.message });
      return;
    }
    const answer = await Taro.showModal({ ...confirmation(change, approve), confirmText: '确定', cancelText: '取消' });
    if (!answer.confirm) return;
    setBusy(change.id);
    setErrors({});
    const result = await adminCalls.reviewChange(change.id, approve, reason);
    setBusy(undefined);
    if (!result.ok) {
      setErrors({ [change.id]: result.message });
      return;
    }
    setDecided((all) => new Set([...all, change.id]));
    // the answer says what was decided; what was live beside it, which the reviewer just saw, goes with it to the history
    onDecided({ ...result.data, current: change.current });
    void Taro.showToast({ title: approve ? '已通过' : '已退回', icon: 'success' });
  };

  const open = changes.filter((c) => !decided.has(c.id));
  if (open.length === 0) return <StateView status='empty' message='暂无待审核的变更' />;
  return (
    <View>
      {open.map((c) => (
        <View key={c.id} className='card review-card' id={`review-change-${c.id}`}>
          <View className='review-head'>
            <Text className='review-title'>
              {c.centerName}（{c.centerCode}）
            </Text>
            <Text className={`review-tag review-status-${c.status}`} id={`review-change-${c.id}-status`}>
              {c.statusLabel}
            </Text>
          </View>
          <ChangeLines change={c} prefix='review-change' />
          <View className='review-form'>
            <Textarea
              className='review-textarea'
              id={`review-reason-${c.id}`}
              maxlength={REASON_MAX}
              value={reasons[c.id] ?? ''}
              placeholder='审核意见（不通过时必填，中心可见）'
              onInput={(e) => setReasons((all) => ({ ...all, [c.id]: e.detail.value }))}
            />
            <View className='review-buttons'>
              <ActionButton className='primary-button review-button' id={`review-approve-${c.id}`} loading={busy === c.id} disabled={busy !== undefined} onClick={() => void review(c, true)}>
                通过
              </ActionButton>
              <ActionButton className='secondary-button review-button' id={`review-reject-${c.id}`} disabled={busy !== undefined} onClick={() => void review(c, false)}>
                不通过
              </ActionButton>
            </View>
          </View>
          {errors[c.id] ? (
            <Text className='review-error' id={`review-error-${c.id}`}>
              {errors[c.id]}
            </Text>
          ) : null}
        </View>
      ))}
    </View>
  );
}
