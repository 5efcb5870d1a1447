import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { REFUSAL_CAUSES, type RefusalCause } from '../../core/applications/refusal-causes';
import { ActionButton } from '../action-button';
import { ChipRow } from '../chip-row';
import './index.scss';

type Answer = 'fine' | 'risky';

/**
 * On a transfer's review, above its submit button: the common causes of a refusal, each asked and explained, a risky
 * answer showing what to do about it. It never blocks: answering is optional and the submit button below stays as it
 * is whatever was answered (the person goes on); 暂不提交 leaves the page to put things right first (they stop).
 */
export function TransferPrecheck() {
  const [answers, setAnswers] = useState<Partial<Record<RefusalCause['key'], Answer>>>({});
  const risky = REFUSAL_CAUSES.filter((c) => answers[c.key] === 'risky').length;

  return (
    <View className='card precheck' id='precheck' role='region' aria-label='提交前自查'>
      <Text className='precheck-title'>提交前自查</Text>
      <Text className='precheck-intro'>转移接续不通过，大多是下面几个原因。请先看一看，不确定的可以先问清楚；自查不影响您提交。</Text>
      {REFUSAL_CAUSES.map((cause) => (
        <View key={cause.key} className='precheck-item' id={`precheck-${cause.key}`}>
          <Text className='precheck-question'>{cause.question}</Text>
          <Text className='precheck-explain'>{cause.explain}</Text>
          <ChipRow
            id={`precheck-${cause.key}-answers`}
            idOf={(answer) => `precheck-${cause.key}-${answer}`}
            choices={(['fine', 'risky'] as const).map((answer) => ({ key: answer, label: cause.answers[answer] }))}
            chosen={answers[cause.key]}
            onChoose={(answer) => setAnswers((all) => ({ ...all, [cause.key]: answer }))}
          />
          {answers[cause.key] === 'risky' ? (
            <Text className='precheck-todo' id={`precheck-${cause.key}-todo`}>
              建议：{cause.todo}否则申请可能不通过。
            </Text>
          ) : null}
        </View>
      ))}
      {risky > 0 ? (
        <Text className='precheck-warning' id='precheck-warning'>
          有 {risky} 项可能导致不通过。您仍可以提交，中心会按实际情况审核；也可以先去办理，办好再来。
        </Text>
      ) : null}
      <ActionButton className='secondary-button' id='precheck-stop' onClick={() => void Taro.navigateBack().catch(() => Taro.reLaunch({ url: '/pages/index/index' }))}>
        暂不提交，先去办理
      </ActionButton>
    </View>
  );
}
