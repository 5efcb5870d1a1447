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

const FOLLOW_UP_STATUS_LABELS: Record<FollowUpView['status'], string> = { open: '待回访', closed: '已回访', fixed: '已整改' };
/** What the note box records at each step: the call-back (closeFollowUp), then the fix (fixFollowUp). */
const STEPS = {
  open: { action: 'closeFollowUp', id: 'follow-up-close', noteId: 'follow-up-note', button: '记录回访', placeholder: '回访情况，如：已电话联系申请人，说明原因并致歉', toast: '已记录回访' },
  closed: { action: 'fixFollowUp', id: 'follow-up-fix', noteId: 'follow-up-fix-input', button: '整改完成', placeholder: '整改情况，如：已在窗口张贴转出失败常见原因及处理办法', toast: '已登记整改完成' },
} as const;
const stepOf = (status: FollowUpView['status']) => (status === 'fixed' ? undefined : STEPS[status]);
const CALL_BACK_LABELS: Record<CallBackState, string> = { due: '未到期', 'due-today': '今天到期', overdue: '已逾期', done: '已回访' };

/** The first message the contract's own schema gives for a step's note, or nothing when it would be accepted. */
function problemOf(action: 'closeFollowUp' | 'fixFollowUp', id: string, note: string): string | undefined {
  const parsed = workbenchEventSchema(new Date()).safeParse({ action, id, note });
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

/**
 * The low ratings of this center's cases (open ones first, as the function orders them): staff call the person back
 * (the phone masked; 拨打 asks the function for the full number, which audits it, and dials), record the call
 * (已回访), then record what was put right (整改完成), and see how the person rated the fix.
 */
export function FollowUps({ got }: { got: CallState<FollowUpView[]> & { reload: () => void } }) {
  // the answer of closeFollowUp replaces what was loaded, until the page loads the list again
  const [closed, setClosed] = useState<{ after: FollowUpView[]; data: FollowUpView[] } | undefined>(undefined);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [phones, setPhones] = useState<Record<string, string>>({});

  if (got.status === 'loading') return <StateView status='loading' message='正在加载差评回访…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  const followUps = closed && closed.after === got.data ? closed.data : got.data;

  const record = async (id: string, step: (typeof STEPS)[keyof typeof STEPS]) => {
    const note = notes[id] ?? '';
    const problem = problemOf(step.action, id, note);
    if (problem) {
      setErrors({ [id]: problem });
      return;
    }
    setBusy(id);
    setErrors({});
    const result = await (step.action === 'closeFollowUp' ? workbenchCalls.closeFollowUp(id, note) : workbenchCalls.fixFollowUp(id, note));
    setBusy(undefined);
    if (!result.ok) {
      setErrors({ [id]: result.fields?.note ?? result.message });
      return;
    }
    setClosed({ after: got.data, data: result.data });
    setNotes((all) => ({ ...all, [id]: '' }));
    void Taro.showToast({ title: step.toast, icon: 'success' });
  };

  const dial = async (id: string) => {
    setBusy(id);
    const result = await workbenchCalls.followUpPhone(id);
    setBusy(undefined);
    if (!result.ok) {
      setErrors({ [id]: result.message });
      return;
    }
    setPhones((all) => ({ ...all, [id]: result.data.phone }));
    void Taro.makePhoneCall({ phoneNumber: result.data.phone });
  };

  if (followUps.length === 0) return <StateView status='empty' message='暂无需要回访的差评' />;
  return (
    <View>
      {followUps.map((f) => {
        const step = stepOf(f.status);
        return (
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
          <View className='workbench-follow-up-phone'>
            <Text className='workbench-meta phone' id={`follow-up-phone-${f.applicationId}`}>
              联系电话：{phones[f.applicationId] ?? f.phoneMasked}
            </Text>
            <ActionButton
              className='secondary-button'
              id={`follow-up-dial-${f.applicationId}`}
              ariaLabel={`拨打申请人电话 ${f.phoneMasked}`}
              disabled={busy !== undefined}
              onClick={() => void dial(f.applicationId)}
            >
              拨打
            </ActionButton>
          </View>
          {f.note ? <Text className='workbench-meta workbench-follow-up-note'>回访情况：{f.note}</Text> : null}
          {f.fixNote ? (
            <Text className='workbench-meta workbench-follow-up-note' id={`follow-up-fixed-${f.applicationId}`}>
              整改情况：{f.fixNote}
            </Text>
          ) : null}
          {f.status === 'fixed' ? (
            <Text className='workbench-meta' id={`follow-up-fix-rating-${f.applicationId}`}>
              整改评价：{f.fixRating ? f.fixRating.label : '申请人尚未评价'}
            </Text>
          ) : null}
          {step ? (
            <View className='workbench-follow-up-form'>
              <Textarea
                className='workbench-textarea'
                id={`${step.noteId}-${f.applicationId}`}
                maxlength={REASON_MAX}
                value={notes[f.applicationId] ?? ''}
                placeholder={step.placeholder}
                onInput={(e) => setNotes((all) => ({ ...all, [f.applicationId]: e.detail.value }))}
              />
              <ActionButton
                className='workbench-button'
                id={`${step.id}-${f.applicationId}`}
                loading={busy === f.applicationId}
                disabled={busy !== undefined}
                onClick={() => void record(f.applicationId, step)}
              >
                {step.button}
              </ActionButton>
              {errors[f.applicationId] ? (
                <Text className='workbench-error' id={`follow-up-error-${f.applicationId}`}>
                  {errors[f.applicationId]}
                </Text>
              ) : null}
            </View>
          ) : null}
          {errors[f.applicationId] && !step ? (
            <Text className='workbench-error' id={`follow-up-error-${f.applicationId}`}>
              {errors[f.applicationId]}
            </Text>
          ) : null}
        </View>
        );
      })}
    </View>
  );
}
