import { Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { AdminEventSchema } from '../../../core/contracts/admin';
import { REASON_MAX } from '../../../core/contracts/fields';
import { describeValue, targetValue, type ChangeView } from '../../../core/center-portal';
import { formatShanghai } from '../../../core/time';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { StateView } from '../../../components/state-view';
import { adminCalls, messageFor } from '../../../services/portal';

/** What the supervisor is asked before a decision that cannot be undone. */
function confirmation(change: ChangeView, approve: boolean): { title: string; content: string } {
  const what = `${change.centerName}${change.targetLabel}`;
  return approve
    ? { title: '通过变更', content: `确定通过${what}的变更？将于 ${change.effectiveDate} 生效，生效前原链接继续使用。` }
    : { title: '不通过变更', content: `确定不通过${what}的变更？中心将看到您填写的理由。` };
}

/**
 * Centers' work orders waiting for review (oldest first): what changes to what, from when, by whom; the
 * supervisor approves, or rejects with a reason, after a confirmation. A reviewed order stays in the list
 * with its new status until the page is opened again.
 */
export function PendingChanges({ changes }: { changes: ChangeView[] }) {
  const [reviewed, setReviewed] = useState<Record<string, ChangeView>>({});
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
    setReviewed((all) => ({ ...all, [change.id]: result.data }));
    void Taro.showToast({ title: approve ? '已通过' : '已退回', icon: 'success' });
  };

  if (changes.length === 0) return <StateView status='empty' message='暂无待审核的变更' />;
  return (
    <View>
      {changes.map((pending) => {
        const c = reviewed[pending.id] ?? pending;
        return (
          <View key={c.id} className='card review-card' id={`review-change-${c.id}`}>
            <View className='review-head'>
              <Text className='review-title'>
                {c.centerName}（{c.centerCode}）
              </Text>
              <Text className={`review-tag review-status-${c.status}`} id={`review-change-${c.id}-status`}>
                {c.statusLabel}
              </Text>
            </View>
            <Text className='review-target'>{c.targetLabel}</Text>
            <Text className='review-value' id={`review-change-${c.id}-value`}>
              变更为：{describeValue(targetValue(c.target))}
            </Text>
            <Text className='review-muted'>生效日期：{c.effectiveDate}</Text>
            <Text className='review-muted'>
              提交：{c.proposedBy} · {formatShanghai(new Date(c.proposedAt))}
            </Text>
            {c.reason ? <Text className='review-muted'>审核意见：{c.reason}</Text> : null}
            {c.status === 'pending' ? (
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
            ) : null}
            {errors[c.id] ? (
              <Text className='review-error' id={`review-error-${c.id}`}>
                {errors[c.id]}
              </Text>
            ) : null}
          </View>
        );
      })}
    </View>
  );
}
