import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { FIX_SCORE_LABELS, FIX_SCORES, FOLLOW_UP_STATE_LABELS, type FixScore } from '../../core/applications/follow-up-clock';
import type { ApplicationView } from '../../core/applications/views';
import { formatShanghai } from '../../core/time';
import { applicationCalls } from '../../services/applications';
import { say } from '../../services/notice';
import { ActionButton } from '../action-button';
import './index.scss';

/**
 * Below the person's 差评: what the center is doing about it. 待回访 says by which day the center calls back; after the
 * call (已回访) the case is 整改中 with what the center recorded and the day it is to be put right by; 已整改 shows what
 * the center did, and the person rates the fix once (满意 / 基本满意 / 不满意).
 */
export function FollowUpCard({ view, onUpdated }: { view: ApplicationView; onUpdated: (view: ApplicationView) => void }) {
  const { followUp } = view;
  const [score, setScore] = useState<FixScore | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  if (!followUp) return null;

  const submit = async () => {
    if (score === undefined) {
      setError('请选择对整改结果的评价：满意、基本满意或不满意');
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await applicationCalls.rateFix(view.id, score);
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    onUpdated(result.data);
    say('感谢您对整改结果的评价', { done: true });
  };

  return (
    <View className='card follow-up-card' id='follow-up-card' role='region' aria-label='差评回访'>
      <View className='follow-up-head'>
        <Text className='follow-up-title'>差评回访</Text>
        <Text className={`follow-up-state follow-up-state-${followUp.status}`} id='follow-up-state'>
          {FOLLOW_UP_STATE_LABELS[followUp.status]}
        </Text>
      </View>
      {followUp.status === 'open' ? (
        <Text className='follow-up-text' id='follow-up-due'>
          办理中心将在 {followUp.callBackBy} 前与您电话联系，了解情况并整改。
        </Text>
      ) : (
        <>
          <Text className='follow-up-text' id='follow-up-note'>
            已回访：{followUp.note}
          </Text>
          {followUp.at ? <Text className='follow-up-muted'>回访时间：{formatShanghai(new Date(followUp.at))}</Text> : null}
        </>
      )}
      {followUp.status === 'closed' ? (
        <Text className='follow-up-text' id='follow-up-fix-due'>
          中心正在整改，将在 {followUp.fixBy} 前完成。
        </Text>
      ) : null}
      {followUp.status === 'fixed' ? (
        <>
          <Text className='follow-up-text' id='follow-up-fix-note'>
            整改情况：{followUp.fixNote}
          </Text>
          {followUp.fixedAt ? <Text className='follow-up-muted'>整改完成时间：{formatShanghai(new Date(followUp.fixedAt))}</Text> : null}
        </>
      ) : null}
      {followUp.fixRating ? (
        <Text className='follow-up-text' id='follow-up-fix-rating'>
          您对整改结果的评价：{followUp.fixRating.label}
        </Text>
      ) : null}
      {followUp.canRateFix ? (
        <View className='follow-up-rate' id='follow-up-rate'>
          <Text className='follow-up-text'>您对整改结果是否满意？</Text>
          <View className='follow-up-choices' role='radiogroup' aria-label='对整改结果的评价'>
            {FIX_SCORES.map((s) => (
              <View
                key={s}
                id={`follow-up-rate-${s}`}
                role='radio'
                aria-checked={s === score}
                className={`follow-up-choice${s === score ? ' follow-up-choice-selected' : ''}`}
                onClick={() => {
                  setScore(s);
                  setError(undefined);
                }}
              >
                <Text>{FIX_SCORE_LABELS[s]}</Text>
              </View>
            ))}
          </View>
          {error ? (
            <Text className='follow-up-error' id='follow-up-rate-error'>
              {error}
            </Text>
          ) : null}
          <ActionButton className='primary-button' id='follow-up-rate-submit' loading={busy} disabled={busy} onClick={() => void submit()}>
            提交整改评价
          </ActionButton>
        </View>
      ) : null}
    </View>
  );
}
