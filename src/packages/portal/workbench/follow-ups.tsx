import { Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { TYPE_LABELS } from '../../../core/applications/status';
import type { CallBackState } from '../../../core/applications/follow-up-clock';
import type { FollowUpView } from '../../../core/applications/views';
import { REASON_MAX } from '../../../core/contracts/fields';
import { workbenchEventSchema } from '../../../core/contracts/workbench';
import { formatShanghai } from '../../../core/time';
import { ActionButton } from '../../../components/action-button';
import { StateView } from '../../../components/state-view';
import { workbenchCalls } from '../../../services/applications';
import type { CallState } from '../../../services/use-call';

const FOLLOW_UP_STATUS_LABELS: Record<FollowUpView['status'], string> = { open: '待回访', closed: '已回访' };
const CALL_BACK_LABELS: Record<CallBackState, string> = { due: '未到期', 'due-today': '今天到期', overdue: '已逾期', done: '已回访' };

/** The first message the contract's own schema gives for closing a follow-up, or nothing when it would be accepted. */
function problemOf(id: string, note: string): string | undefined {
  const parsed = workbenchEventSchema(new Date()).safeParse({ action: 'closeFollowUp', id, note });
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

/**
 * The low ratings of this center's cases (open ones first, as the function orders them): staff call the
 * person back and record how it was handled, which closes the follow-up.
 */
export function FollowUps({ got }: { got: CallState<FollowUpView[]> & { reload: () => void } }) {
  // the answer of closeFollowUp replaces what was loaded, until the page loads the list again
  const [closed, setClosed] = useState<{ after: FollowUpView[]; data: FollowUpView[] } | undefined>(undefined);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | undefined>(undefined);

  if (got.status === 'loading') return <StateView status='loading' message='正在加载差评回访…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  const followUps = closed && closed.after === got.data ? closed.data : got.data;

  const close = async (id: string) => {
    const note = notes[id] ?? '';
    const problem = problemOf(id, note);
    if (problem) {
      setErrors({ [id]: problem });
      return;
    }
    setBusy(id);
    setErrors({});
    const result = await workbenchCalls.closeFollowUp(id, note);
    setBusy(undefined);
    if (!result.ok) {
      setErrors({ [id]: result.fields?.note ?? result.message });
      return;
    }
    setClosed({ after: got.data, data: result.data });
    setNotes((all) => ({ ...all, [id]: '' }));
    void Taro.showToast({ title: '已记录回访', icon: 'success' });
  };

  if (followUps.length === 0) return <StateView status='empty' message='暂无需要回访的差评' />;
  return (
    <View>
      {followUps.map((f) => (
        <View key={f.applicationId} className={`card workbench-follow-up workbench-follow-up-${f.status}`} id={`follow-up-${f.applicationId}`}>
          <View className='workbench-head'>
            <Text className='workbench-applicant'>
              {f.rating.label} · {TYPE_LABELS[f.type]}
            </Text>
            <Text className={`workbench-status workbench-follow-up-status-${f.status}`}>{FOLLOW_UP_STATUS_LABELS[f.status]}</Text>
          </View>
          <Text className='workbench-meta'>联系函编号：{f.letterNumber ?? '未生成'}</Text>
          <Text className='workbench-meta'>评价时间：{formatShanghai(new Date(f.rating.at))}</Text>
          <Text className={`workbench-meta workbench-follow-up-clock-${f.callBack}`} id={`follow-up-call-back-${f.applicationId}`}>
            回访期限：{f.callBackBy}
            {f.limitsProvisional ? '（预计）' : ''}（{CALL_BACK_LABELS[f.callBack]}）
          </Text>
          <Text className='workbench-meta' id={`follow-up-fix-by-${f.applicationId}`}>
            整改期限：{f.fixBy}
            {f.limitsProvisional ? '（预计）' : ''}
          </Text>
          <Text className='workbench-follow-up-comment'>评价内容：{f.rating.comment ?? '（未填写）'}</Text>
          {f.note ? <Text className='workbench-meta workbench-follow-up-note'>回访情况：{f.note}</Text> : null}
          {f.status === 'open' ? (
            <View className='workbench-follow-up-form'>
              <Textarea
                className='workbench-textarea'
                id={`follow-up-note-${f.applicationId}`}
                maxlength={REASON_MAX}
                value={notes[f.applicationId] ?? ''}
                placeholder='回访处理情况，如：已电话联系申请人，说明原因并致歉'
                onInput={(e) => setNotes((all) => ({ ...all, [f.applicationId]: e.detail.value }))}
              />
              <ActionButton
                className='workbench-button'
                id={`follow-up-close-${f.applicationId}`}
                loading={busy === f.applicationId}
                disabled={busy !== undefined}
                onClick={() => void close(f.applicationId)}
              >
                记录回访并办结
              </ActionButton>
              {errors[f.applicationId] ? (
                <Text className='workbench-error' id={`follow-up-error-${f.applicationId}`}>
                  {errors[f.applicationId]}
                </Text>
              ) : null}
            </View>
          ) : null}
        </View>
      ))}
    </View>
  );
}
