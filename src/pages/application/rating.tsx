import { Text, Textarea, View } from '@tarojs/components';
import { useState } from 'react';
import { COMMENT_MAX, FOLLOW_UP_AT_OR_BELOW, RATING_LABELS, RATING_SCORES, type RatingScore } from '../../core/applications/status';
import type { ApplicationView, RatingView } from '../../core/applications/views';
import { applicationsEventSchema } from '../../core/contracts/applications';
import { formatShanghai } from '../../core/time';
import { ActionButton } from '../../components/action-button';
import { applicationCalls } from '../../services/applications';
import { say } from '../../services/notice';

/** The grades that ask for a reason, in the words the person picks them by (不满意、非常不满意). */
const LOW_LABELS = RATING_SCORES.filter((s) => s <= FOLLOW_UP_AT_OR_BELOW)
  .map((s) => `“${RATING_LABELS[s]}”`)
  .join('或');

/** The first message the contract's own schema gives for a rating, or nothing when it would be accepted. */
function problemOf(id: string, score: RatingScore | undefined, comment: string): string | undefined {
  const parsed = applicationsEventSchema(new Date()).safeParse({ action: 'rate', id, score, comment: comment === '' ? undefined : comment });
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

/** 好差评 of an ended case: five grades and a comment, which is the reason the center follows up on a low grade. */
export function RateCard({ view, onRated }: { view: ApplicationView; onRated: (view: ApplicationView) => void }) {
  const [score, setScore] = useState<RatingScore | undefined>(undefined);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const problem = problemOf(view.id, score, comment);
    if (problem || score === undefined) {
      setError(problem ?? '请选择评价等级');
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await applicationCalls.rate(view.id, score, comment.trim() === '' ? undefined : comment);
    setBusy(false);
    if (!result.ok) {
      setError(result.fields?.comment ?? result.message);
      return;
    }
    onRated(result.data);
    say('感谢您的评价', { done: true });
  };

  return (
    <View className='card application-card' id='application-rate'>
      <Text className='application-rate-title'>请对本次办理作出评价</Text>
      <View className='application-rate-choices'>
        {RATING_SCORES.map((s) => (
          <View
            key={s}
            id={`application-rate-${s}`}
            className={`application-rate-choice${s === score ? ' application-rate-choice-selected' : ''}`}
            onClick={() => {
              setScore(s);
              setError(undefined);
            }}
          >
            <Text>{RATING_LABELS[s]}</Text>
          </View>
        ))}
      </View>
      <Textarea
        className='application-rate-comment'
        id='application-rate-comment'
        maxlength={COMMENT_MAX}
        value={comment}
        placeholder={`评价内容（选填）；选择${LOW_LABELS}时请写明原因，中心将回访处理`}
        onInput={(e) => setComment(e.detail.value)}
      />
      {error ? (
        <Text className='application-error application-rate-error' id='application-rate-error'>
          {error}
        </Text>
      ) : null}
      <ActionButton className='primary-button application-rate-submit' id='application-rate-submit' loading={busy} disabled={busy} onClick={() => void submit()}>
        提交评价
      </ActionButton>
    </View>
  );
}

/** The rating the person gave, and the promise of a follow-up when it was low. */
export function RatingCard({ rating }: { rating: RatingView }) {
  return (
    <View className='card application-card' id='application-rating'>
      <View className='application-title-row'>
        <Text className='application-rate-title'>我的评价</Text>
        <Text className={`application-rating-label application-rating-${rating.score}`} id='application-rating-label'>
          {rating.label}
        </Text>
      </View>
      {rating.comment ? (
        <Text className='application-rating-comment' id='application-rating-comment'>
          {rating.comment}
        </Text>
      ) : null}
      <Text className='application-muted'>评价时间：{formatShanghai(new Date(rating.at))}</Text>
      {rating.score <= FOLLOW_UP_AT_OR_BELOW ? (
        <Text className='application-rating-follow-up' id='application-rating-follow-up'>
          中心将就您反映的问题进行回访，请留意来电。
        </Text>
      ) : null}
    </View>
  );
}
