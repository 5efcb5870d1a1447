import { View } from '@tarojs/components';
import { useState } from 'react';
import { EMPLOYER_MAX, TransferPayloadSchema } from '../../core/applications/payloads';
import { TRANSFER_ACCEPT_WORKING_DAYS } from '../../core/applications/status';
import type { TransferFormValues } from '../../core/applications/views';
import { maskAccount, maskPhone } from '../../core/identity';
import { CenterField, ErrorSummary, FormPage, IntroCard, NextButton, NextSteps, PHONE_INPUT, ReviewCard, SubmitButtons, TextField } from '../../components/application-form';
import { IdentityNotice } from '../../components/identity-notice';
import { TransferPrecheck } from '../../components/transfer-precheck';
import { applicationCalls } from '../../services/applications';
import { useApplicationForm, type FormFieldRef } from '../../services/use-application-form';
import { usePrefillFromCase } from '../../services/use-prefill-from-case';
import { withPageShell } from '../../components/page-shell';

type CenterKey = 'transferOutCenter' | 'transferInCenter';
type TextKey = 'formerEmployer' | 'formerAccount' | 'newEmployer' | 'newAccount' | 'phone';
type Field = CenterKey | TextKey;

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

const CENTERS: Record<CenterKey, { label: string; hint: string }> = {
  transferOutCenter: { label: '转出地中心', hint: '原工作城市，公积金账户现在所在的中心' },
  transferInCenter: { label: '转入地中心', hint: '现工作城市，要把公积金转入的中心' },
};

interface TextInput {
  label: string;
  placeholder: string;
  type: 'text' | 'number';
  maxlength?: number;
  /** The rule's limit, counted under the field. */
  limit?: number;
}
const TEXTS: Record<TextKey, TextInput> = {
  formerEmployer: { label: '原单位名称', placeholder: '原工作单位的全称', type: 'text', limit: EMPLOYER_MAX },
  formerAccount: { label: '原个人账号（选填）', placeholder: '原缴存地的账号，不清楚可不填', type: 'text' },
  newEmployer: { label: '现单位名称', placeholder: '现工作单位的全称', type: 'text', limit: EMPLOYER_MAX },
  newAccount: { label: '现个人账号', placeholder: '现缴存地的个人公积金账号', type: 'text' },
  phone: PHONE_INPUT,
};

/** Every field in the form's order, for the error summary. */
const FIELDS: readonly FormFieldRef<Field>[] = [
  ...(Object.keys(CENTERS) as CenterKey[]).map((field) => ({ field, label: CENTERS[field].label, slug: SLUGS[field] })),
  ...(Object.keys(TEXTS) as TextKey[]).map((field) => ({ field, label: TEXTS[field].label, slug: SLUGS[field] })),
];

/** The form is what applying again pre-fills from a case (applications formValues). */
type Form = TransferFormValues;
const EMPTY: Form = { formerEmployer: '', formerAccount: '', newEmployer: '', newAccount: '', phone: '' };

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

/** 异地转移接续: fill in the form, check it on a masked review, then submit once. */
function TransferPage() {
  const [form, setForm] = useState<Form>(EMPTY);
  const flow = useApplicationForm({
    prefix: 'transfer',
    schema: TransferPayloadSchema,
    fields: FIELDS,
    send: applicationCalls.submit,
    // the bound phone, where nothing was typed yet
    onPrefill: ({ phone }) => setForm((f) => ({ ...f, phone: f.phone || (phone ?? '') })),
  });
  const { identity, errors, review } = flow;
  usePrefillFromCase((values) => setForm((f) => ({ ...f, ...values })));

  const [picking, setPicking] = useState<CenterKey | undefined>(undefined);

  const edit = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    flow.clearError(key);
  };

  const next = () => {
    if (flow.check(toInput(form))) setPicking(undefined);
  };

  const identityPart = <IdentityNotice prefix='transfer' identity={identity} then='提交转移接续申请' />;

  if (review) {
    const p = review.payload;
    return (
      <FormPage>
        {identityPart}
        <ReviewCard
          prefix='transfer'
          rows={[
            { slug: SLUGS.transferOutCenter, label: '转出地中心', value: form.transferOutCenter?.name ?? p.transferOutCenter },
            { slug: SLUGS.transferInCenter, label: '转入地中心', value: form.transferInCenter?.name ?? p.transferInCenter },
            { slug: SLUGS.formerEmployer, label: '原单位名称', value: p.formerEmployer },
            // accounts are masked as the function masks them in the application's summary: first and last character
            { slug: SLUGS.formerAccount, label: '原个人账号', value: p.formerAccount ? maskAccount(p.formerAccount) : '未填写' },
            { slug: SLUGS.newEmployer, label: '现单位名称', value: p.newEmployer },
            { slug: SLUGS.newAccount, label: '现个人账号', value: maskAccount(p.newAccount) },
            { slug: SLUGS.phone, label: '手机号码', value: maskPhone(p.phone) },
          ]}
        />
        <NextSteps
          prefix='transfer'
          steps={[
            `申请送达${form.transferInCenter?.name ?? '转入地中心'}（转入地中心），转入地中心应在 ${TRANSFER_ACCEPT_WORKING_DAYS} 个工作日内受理。`,
            '受理后，转入地中心向转出地中心发出联系函，转出地中心核对账户后将余额转入新账户。',
            '办理进度可在“我的申请”中查看；在转出地中心确认接收前，您可以撤销申请。',
          ]}
        />
        <TransferPrecheck />
        <SubmitButtons prefix='transfer' flow={flow} />
      </FormPage>
    );
  }

  return (
    <FormPage>
      {identityPart}
      <ErrorSummary prefix='transfer' lines={flow.summary} />
      <IntroCard prefix='transfer' title='异地转移接续'>
        换城市工作后，在线申请把原缴存地的住房公积金转入现缴存地，无需两地跑。转入地中心应在 {TRANSFER_ACCEPT_WORKING_DAYS} 个工作日内受理。
      </IntroCard>
      <View className='card' id='transfer-form'>
        {(Object.keys(CENTERS) as CenterKey[]).map((field) => (
          <CenterField
            key={field}
            prefix='transfer'
            slug={SLUGS[field]}
            label={CENTERS[field].label}
            placeholder={`请选择：${CENTERS[field].hint}`}
            picked={form[field]}
            error={errors[field]}
            searching={picking === field}
            onSearchingChange={(open) => setPicking(open ? field : undefined)}
            onPick={(center) => edit(field, center)}
          />
        ))}
        {(Object.keys(TEXTS) as TextKey[]).map((field) => (
          <TextField key={field} prefix='transfer' slug={SLUGS[field]} {...TEXTS[field]} value={form[field]} error={errors[field]} onInput={(value) => edit(field, value)} />
        ))}
      </View>
      <NextButton prefix='transfer' onClick={next} />
    </FormPage>
  );
}

export default withPageShell(TransferPage, { title: '异地转移接续' });
