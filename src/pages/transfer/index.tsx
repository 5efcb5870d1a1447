import { Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import { TRANSFER_ACCEPT_WORKING_DAYS, TransferPayloadSchema } from '../../core/applications';
import type { CenterSummary } from '../../core/centers';
import { maskAccount, maskPhone } from '../../core/identity';
import { ActionButton } from '../../components/action-button';
import { CenterSearch } from '../../components/center-search';
import { IdentityNotice } from '../../components/identity-notice';
import { SubmitErrorCard } from '../../components/submit-error';
import { applicationCalls } from '../../services/applications';
import { useApplicationForm } from '../../services/use-application-form';
import './index.scss';

type CenterField = 'transferOutCenter' | 'transferInCenter';
type TextField = 'formerEmployer' | 'formerAccount' | 'newEmployer' | 'newAccount' | 'phone';
type Field = CenterField | TextField;

/** Element ids: `#transfer-<slug>` for the field, `#transfer-<slug>-error` for its message. */
const SLUGS: Record<Field, string> = {
  transferOutCenter: 'out-center',
  transferInCenter: 'in-center',
  formerEmployer: 'former-employer',
  formerAccount: 'former-account',
  newEmployer: 'new-employer',
  newAccount: 'new-account',
  phone: 'phone',
};
const isField = (key: string): key is Field => key in SLUGS;

interface CenterInput {
  label: string;
  hint: string;
}
const CENTERS: Record<CenterField, CenterInput> = {
  transferOutCenter: { label: '转出地中心', hint: '原工作城市，公积金账户现在所在的中心' },
  transferInCenter: { label: '转入地中心', hint: '现工作城市，要把公积金转入的中心' },
};

interface TextInput {
  label: string;
  placeholder: string;
  type: 'text' | 'number';
  maxlength: number;
}
const TEXTS: Record<TextField, TextInput> = {
  formerEmployer: { label: '原单位名称', placeholder: '原工作单位的全称', type: 'text', maxlength: 100 },
  formerAccount: { label: '原个人账号（选填）', placeholder: '原缴存地的个人公积金账号，不清楚可不填', type: 'text', maxlength: 32 },
  newEmployer: { label: '现单位名称', placeholder: '现工作单位的全称', type: 'text', maxlength: 100 },
  newAccount: { label: '现个人账号', placeholder: '现缴存地的个人公积金账号', type: 'text', maxlength: 32 },
  phone: { label: '手机号码', placeholder: '11 位手机号，中心办理时联系您', type: 'number', maxlength: 11 },
};

interface Form {
  transferOutCenter?: CenterSummary;
  transferInCenter?: CenterSummary;
  formerEmployer: string;
  formerAccount: string;
  newEmployer: string;
  newAccount: string;
  phone: string;
}
const EMPTY: Form = { formerEmployer: '', formerAccount: '', newEmployer: '', newAccount: '', phone: '' };


/** Accounts are masked as the function masks them in the application's summary: first and last character. */

/** The form as the schema reads it: centers by code, text as typed (the schema trims). */
function toInput(form: Form): Record<Field, string | undefined> {
  return {
    transferOutCenter: form.transferOutCenter?.code,
    transferInCenter: form.transferInCenter?.code,
    formerEmployer: form.formerEmployer,
    formerAccount: form.formerAccount,
    newEmployer: form.newEmployer,
    newAccount: form.newAccount,
    phone: form.phone,
  };
}


/** The up-front notice when the person cannot submit yet: the identity check comes first. */
/** 异地转移接续: fill in the form, check it on a masked review, then submit once. */
export default function TransferPage() {
  const flow = useApplicationForm({ schema: TransferPayloadSchema, isField, send: applicationCalls.submit });
  const { identity, errors, review, busy, submitError } = flow;

  const [form, setForm] = useState<Form>(EMPTY);
  const [picking, setPicking] = useState<CenterField | undefined>(undefined);

  const edit = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    flow.clearError(key);
  };

  const next = () => {
    if (flow.check(toInput(form))) setPicking(undefined);
  };
  const { backToForm, submit } = flow;

  const identityPart = <IdentityNotice prefix='transfer' identity={identity} then='提交转移接续申请' />;

  const errorOf = (field: Field) =>
    errors[field] ? (
      <Text className='field-error' id={`transfer-${SLUGS[field]}-error`}>
        {errors[field]}
      </Text>
    ) : null;

  if (review) {
    const p = review.payload;
    const rows: [Field, string, string][] = [
      ['transferOutCenter', '转出地中心', form.transferOutCenter?.name ?? p.transferOutCenter],
      ['transferInCenter', '转入地中心', form.transferInCenter?.name ?? p.transferInCenter],
      ['formerEmployer', '原单位名称', p.formerEmployer],
      ['formerAccount', '原个人账号', p.formerAccount ? maskAccount(p.formerAccount) : '未填写'],
      ['newEmployer', '现单位名称', p.newEmployer],
      ['newAccount', '现个人账号', maskAccount(p.newAccount)],
      ['phone', '手机号码', maskPhone(p.phone)],
    ];
    return (
      <View className='transfer-page'>
        {identityPart}
        <Text className='section-title'>请核对申请信息</Text>
        <View className='card transfer-review' id='transfer-review'>
          {rows.map(([field, label, value]) => (
            <View key={field} className='transfer-row'>
              <Text className='transfer-row-label'>{label}</Text>
              <Text className='transfer-row-value' id={`transfer-review-${SLUGS[field]}`}>
                {value}
              </Text>
            </View>
          ))}
        </View>
        <View className='card transfer-next-steps' id='transfer-next-steps'>
          <Text className='transfer-next-title'>提交后会怎样</Text>
          <Text className='transfer-next-text'>
            1. 申请送达{form.transferInCenter?.name ?? '转入地中心'}（转入地中心），转入地中心应在 {TRANSFER_ACCEPT_WORKING_DAYS} 个工作日内受理。
          </Text>
          <Text className='transfer-next-text'>2. 受理后，转入地中心向转出地中心发出联系函，转出地中心核对账户后将余额转入新账户。</Text>
          <Text className='transfer-next-text'>3. 办理进度可在“我的申请”中查看；在转出地中心确认接收前，您可以撤销申请。</Text>
        </View>
        {submitError ? <SubmitErrorCard prefix='transfer' error={submitError} /> : null}
        <ActionButton className='primary-button transfer-button' id='transfer-submit' loading={busy} disabled={busy} onClick={() => void submit()}>
          提交申请
        </ActionButton>
        <ActionButton className='transfer-button' id='transfer-edit' disabled={busy} onClick={backToForm}>
          返回修改
        </ActionButton>
      </View>
    );
  }

  return (
    <View className='transfer-page'>
      {identityPart}
      <View className='card transfer-intro'>
        <Text className='transfer-intro-title'>异地转移接续</Text>
        <Text className='transfer-intro-text'>
          换城市工作后，在线申请把原缴存地的住房公积金转入现缴存地，无需两地跑。转入地中心应在 {TRANSFER_ACCEPT_WORKING_DAYS} 个工作日内受理。
        </Text>
      </View>
      <View className='card transfer-form' id='transfer-form'>
        {(Object.keys(CENTERS) as CenterField[]).map((field) => {
          const picked = form[field];
          const slug = SLUGS[field];
          return (
            <View key={field} className='transfer-field'>
              <Text className='transfer-label'>{CENTERS[field].label}</Text>
              <View className='transfer-center' id={`transfer-${slug}`} onClick={() => setPicking(picking === field ? undefined : field)}>
                <Text className={picked ? 'transfer-center-name' : 'transfer-center-empty'}>{picked ? picked.name : `请选择：${CENTERS[field].hint}`}</Text>
                <Text className='transfer-center-change'>{picked ? '更换 ›' : '›'}</Text>
              </View>
              {picking === field ? (
                <View className='transfer-center-search' id={`transfer-${slug}-search`}>
                  <CenterSearch
                    autoFocus
                    onPick={(center) => {
                      edit(field, center);
                      setPicking(undefined);
                    }}
                  />
                </View>
              ) : null}
              {errorOf(field)}
            </View>
          );
        })}
        {(Object.keys(TEXTS) as TextField[]).map((field) => {
          const input = TEXTS[field];
          return (
            <View key={field} className='transfer-field'>
              <Text className='transfer-label'>{input.label}</Text>
              <Input
                className='transfer-input'
                id={`transfer-${SLUGS[field]}`}
                type={input.type}
                maxlength={input.maxlength}
                value={form[field]}
                placeholder={input.placeholder}
                onInput={(e) => edit(field, e.detail.value)}
              />
              {errorOf(field)}
            </View>
          );
        })}
      </View>
      <ActionButton className='primary-button transfer-button' id='transfer-next' onClick={next}>
        下一步：核对信息
      </ActionButton>
    </View>
  );
}
