import { Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import type { CenterSummary } from '../../../core/centers';
import type { Fail } from '../../../core/errors';
import {
  RECOMMENDATION_KINDS,
  RECOMMENDATION_LABELS,
  RECOMMENDATION_SUMMARY_MAX,
  RECOMMENDATION_TITLE_MAX,
  RecommendationFieldsSchema,
  type RecommendationKind,
  type RecommendationRow,
} from '../../../core/supervision';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { ChipRow } from '../../../components/chip-row';
import { CenterField, FormField, TextField } from '../../../components/application-form';
import { messageFor } from '../../../services/portal';
import { superviseCalls } from '../../../services/supervise';

const FIELDS = ['kind', 'centerCode', 'title', 'summary'] as const;
type Errors = Partial<Record<(typeof FIELDS)[number] | 'form', string>>;

/** A province recommends a model window, a story or a director's experience about one of its centers (the answer is the province's row). */
export function RecommendationForm({ province, onSaved }: { province: string; onSaved: (row: RecommendationRow) => void }) {
  const [kind, setKind] = useState<RecommendationKind>('window');
  const [center, setCenter] = useState<CenterSummary | undefined>(undefined);
  const [searching, setSearching] = useState(false);
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const prefix = `recommend-${province}`;

  const refuse = (failure: Fail) => {
    const own: Errors = {};
    for (const field of FIELDS) own[field] = messageFor(failure, field);
    setErrors(FIELDS.some((f) => own[f] !== undefined) ? own : { form: failure.message });
  };

  const save = async () => {
    // checked here as the function checks it: nothing is sent that it would refuse
    const checked = parseInput(RecommendationFieldsSchema, { kind, centerCode: center?.code, title, summary });
    if (!checked.ok) {
      refuse(checked);
      return;
    }
    setBusy(true);
    const result = await superviseCalls.addRecommendation(province, checked.data);
    setBusy(false);
    if (!result.ok) {
      refuse(result);
      return;
    }
    setErrors({});
    setTitle('');
    setSummary('');
    onSaved(result.data);
    void Taro.showToast({ title: '已推荐', icon: 'success' });
  };

  return (
    <View id={`${prefix}-form`}>
      <FormField prefix={prefix} slug='kind' label='类别' error={errors.kind}>
        <ChipRow id={`${prefix}-kind`} idOf={(k) => `${prefix}-kind-${k}`} choices={RECOMMENDATION_KINDS.map((k) => ({ key: k, label: RECOMMENDATION_LABELS[k] }))} chosen={kind} onChoose={setKind} />
      </FormField>
      <CenterField prefix={prefix} slug='centerCode' label='所属中心' picked={center} searching={searching} onSearchingChange={setSearching} onPick={setCenter} error={errors.centerCode} />
      <TextField prefix={prefix} slug='title' label='标题' value={title} placeholder='如 扬州市中心“跨省通办”示范窗口' maxlength={RECOMMENDATION_TITLE_MAX} error={errors.title} onInput={setTitle} />
      <FormField prefix={prefix} slug='summary' label='简介' error={errors.summary}>
        <Textarea
          className='supervise-textarea'
          id={`${prefix}-summary`}
          maxlength={RECOMMENDATION_SUMMARY_MAX}
          value={summary}
          placeholder='特色做法和工作成效，至少 10 个字'
          onInput={(e) => setSummary(e.detail.value)}
        />
      </FormField>
      <ActionButton className='primary-button supervise-button' id={`${prefix}-save`} loading={busy} disabled={busy} onClick={() => void save()}>
        添加推荐
      </ActionButton>
      {errors.form ? (
        <Text className='supervise-error' id={`${prefix}-error`}>
          {errors.form}
        </Text>
      ) : null}
    </View>
  );
}
