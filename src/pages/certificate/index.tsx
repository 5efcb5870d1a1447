import { Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { CertificatePayloadSchema, isCertificateType, TYPE_LABELS, type CertificatePayload, type CertificateType } from '../../core/applications';
import type { CenterSummary } from '../../core/centers';
import { maskPhone } from '../../core/identity';
import { ActionButton } from '../../components/action-button';
import { CenterSearch } from '../../components/center-search';
import { StateView } from '../../components/state-view';
import { IdentityNotice } from '../../components/identity-notice';
import { SubmitErrorCard } from '../../components/submit-error';
import { applicationCalls } from '../../services/applications';
import { myCenter } from '../../services/my-center';
import { useApplicationForm } from '../../services/use-application-form';
import './index.scss';

type CenterField = 'businessCenter' | 'acceptingCenter';
type Field = CenterField | 'phone';

/** Element ids: `#certificate-<slug>` for the field, `#certificate-<slug>-error` for its message. */
const SLUGS: Record<Field, string> = { businessCenter: 'business-center', acceptingCenter: 'accepting-center', phone: 'phone' };
const isField = (key: string): key is Field => key in SLUGS;

const CENTERS: Record<CenterField, { label: string; hint: string }> = {
  businessCenter: { label: '业务属地中心', hint: '贷款或缴存所在城市的中心，由它出具证明' },
  acceptingCenter: { label: '受理地中心', hint: '您现在所在城市的中心，由它代收申请' },
};


interface Form {
  businessCenter?: CenterSummary;
  acceptingCenter?: CenterSummary;
  phone: string;
}



/**
 * 代收代办 certificates (items 2 and 8): the accepting center takes the request, the business-locale center
 * issues the certificate, and it comes back here as a PDF. Form, masked review, then one submission.
 */
export default function CertificatePage() {
  const { params } = useRouter();
  const type = isCertificateType(params.type) ? params.type : undefined;
  if (!type) return <StateView status='error' message='没有这种证明，请从首页的跨省通办事项进入' />;
  return <CertificateForm type={type} />;
}

function CertificateForm({ type }: { type: CertificateType }) {
  const flow = useApplicationForm({
    schema: CertificatePayloadSchema,
    isField,
    send: (requestId: string, payload: CertificatePayload) => applicationCalls.submitCertificate(type, requestId, payload),
  });
  const { identity, errors, review, busy, submitError } = flow;
  useEffect(() => {
    Taro.setNavigationBarTitle({ title: TYPE_LABELS[type] }).catch(() => undefined);
  }, [type]);

  // where the person is: their own center, when they chose one on the home page
  const [form, setForm] = useState<Form>(() => ({ acceptingCenter: myCenter(), phone: '' }));
  const [picking, setPicking] = useState<CenterField | undefined>(undefined);

  const label = TYPE_LABELS[type];

  const edit = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    flow.clearError(key);
  };

  const next = () => {
    if (flow.check({ businessCenter: form.businessCenter?.code, acceptingCenter: form.acceptingCenter?.code, phone: form.phone })) setPicking(undefined);
  };
  const { backToForm, submit } = flow;

  const identityPart = <IdentityNotice prefix='certificate' identity={identity} then='申请开具证明' />;

  const errorOf = (field: Field) =>
    errors[field] ? (
      <Text className='field-error' id={`certificate-${SLUGS[field]}-error`}>
        {errors[field]}
      </Text>
    ) : null;

  if (review) {
    const p = review.payload;
    const business = form.businessCenter?.name ?? p.businessCenter;
    const accepting = form.acceptingCenter?.name ?? p.acceptingCenter;
    const rows: [Field | 'type', string, string][] = [
      ['type', '申请事项', label],
      ['businessCenter', '业务属地中心', business],
      ['acceptingCenter', '受理地中心', accepting],
      ['phone', '手机号码', maskPhone(p.phone)],
    ];
    return (
      <View className='certificate-page'>
        {identityPart}
        <Text className='section-title'>请核对申请信息</Text>
        <View className='card certificate-review' id='certificate-review'>
          {rows.map(([field, rowLabel, value]) => (
            <View key={field} className='certificate-row'>
              <Text className='certificate-row-label'>{rowLabel}</Text>
              <Text className='certificate-row-value' id={`certificate-review-${field === 'type' ? 'type' : SLUGS[field]}`}>
                {value}
              </Text>
            </View>
          ))}
        </View>
        <View className='card certificate-next-steps' id='certificate-next-steps'>
          <Text className='certificate-next-title'>提交后会怎样</Text>
          <Text className='certificate-next-text'>1. {accepting}代收您的申请，并转给{business}。</Text>
          <Text className='certificate-next-text'>2. {business}核实后出具{label}。</Text>
          <Text className='certificate-next-text'>3. 证明以 PDF 文件送回本小程序，可在“我的申请”中查看和保存。</Text>
        </View>
        {submitError ? <SubmitErrorCard prefix='certificate' error={submitError} /> : null}
        <ActionButton className='primary-button certificate-button' id='certificate-submit' loading={busy} disabled={busy} onClick={() => void submit()}>
          提交申请
        </ActionButton>
        <ActionButton className='certificate-button' id='certificate-edit' disabled={busy} onClick={backToForm}>
          返回修改
        </ActionButton>
      </View>
    );
  }

  return (
    <View className='certificate-page'>
      {identityPart}
      <View className='card certificate-intro' id='certificate-intro'>
        <Text className='certificate-intro-title'>{label}</Text>
        <Text className='certificate-intro-text'>
          代收代办：您在所在城市的受理地中心提交申请，由贷款或缴存所在的业务属地中心出具证明；证明以 PDF 文件送回这里，无需两地跑。
        </Text>
      </View>
      <View className='card certificate-form' id='certificate-form'>
        {(Object.keys(CENTERS) as CenterField[]).map((field) => {
          const picked = form[field];
          const slug = SLUGS[field];
          return (
            <View key={field} className='certificate-field'>
              <Text className='certificate-label'>{CENTERS[field].label}</Text>
              <Text className='certificate-hint'>{CENTERS[field].hint}</Text>
              <View className='certificate-center' id={`certificate-${slug}`} onClick={() => setPicking(picking === field ? undefined : field)}>
                <Text className={picked ? 'certificate-center-name' : 'certificate-center-empty'}>{picked ? picked.name : `请选择${CENTERS[field].label}`}</Text>
                <Text className='certificate-center-change'>{picked ? '更换 ›' : '›'}</Text>
              </View>
              {picking === field ? (
                <View className='certificate-center-search' id={`certificate-${slug}-search`}>
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
        <View className='certificate-field'>
          <Text className='certificate-label'>手机号码</Text>
          <Input
            className='certificate-input'
            id='certificate-phone'
            type='number'
            maxlength={11}
            value={form.phone}
            placeholder='11 位手机号，中心办理时联系您'
            onInput={(e) => edit('phone', e.detail.value)}
          />
          {errorOf('phone')}
        </View>
      </View>
      <ActionButton className='primary-button certificate-button' id='certificate-next' onClick={next}>
        下一步：核对信息
      </ActionButton>
    </View>
  );
}
