import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { SuperviseEventSchema } from '../../../core/contracts/supervise';
import type { Fail } from '../../../core/errors';
import type { LiaisonFields, LiaisonRow } from '../../../core/supervision';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { TextField } from '../../../components/application-form';
import { messageFor } from '../../../services/portal';
import { superviseCalls } from '../../../services/supervise';

const FIELDS = ['name', 'position', 'landline', 'mobile'] as const;
type Errors = Partial<Record<(typeof FIELDS)[number] | 'form', string>>;

/** A province's liaison, filled in or changed when the person changes (the answer is the province's row as stored). */
export function LiaisonForm({ row, onSaved }: { row: LiaisonRow; onSaved: (row: LiaisonRow) => void }) {
  const [fields, setFields] = useState<LiaisonFields>({ name: row.liaison?.name ?? '', position: row.liaison?.position ?? '', landline: row.liaison?.landline ?? '', mobile: row.liaison?.mobile ?? '' });
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const set = (field: keyof LiaisonFields) => (value: string) => setFields((all) => ({ ...all, [field]: value }));
  const prefix = `liaison-${row.province}`;

  const refuse = (failure: Fail) => {
    const own: Errors = {};
    for (const field of FIELDS) own[field] = messageFor(failure, field);
    setErrors(FIELDS.some((f) => own[f] !== undefined) ? own : { form: failure.message });
  };

  const save = async () => {
    // checked here as the function checks it: nothing is sent that it would refuse
    const checked = parseInput(SuperviseEventSchema, { action: 'setLiaison', province: row.province, ...fields });
    if (!checked.ok) {
      refuse(checked);
      return;
    }
    setBusy(true);
    const result = await superviseCalls.setLiaison(row.province, fields);
    setBusy(false);
    if (!result.ok) {
      refuse(result);
      return;
    }
    setErrors({});
    onSaved(result.data);
    void Taro.showToast({ title: '已保存', icon: 'success' });
  };

  return (
    <View id={`${prefix}-form`}>
      <TextField prefix={prefix} slug='name' label='姓名' value={fields.name} placeholder='联络员姓名' maxlength={20} error={errors.name} onInput={set('name')} />
      <TextField prefix={prefix} slug='position' label='职务' value={fields.position} placeholder='如 住房公积金监管处副处长' maxlength={40} error={errors.position} onInput={set('position')} />
      <TextField prefix={prefix} slug='landline' label='座机' value={fields.landline} placeholder='区号-号码，如 025-83881234' maxlength={20} error={errors.landline} onInput={set('landline')} />
      <TextField prefix={prefix} slug='mobile' label='手机' value={fields.mobile} placeholder='11 位手机号码' type='number' maxlength={11} error={errors.mobile} onInput={set('mobile')} />
      <ActionButton className='primary-button supervise-button' id={`${prefix}-save`} loading={busy} disabled={busy} onClick={() => void save()}>
        保存联络员
      </ActionButton>
      {errors.form ? (
        <Text className='supervise-error' id={`${prefix}-error`}>
          {errors.form}
        </Text>
      ) : null}
    </View>
  );
}
