import { View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { CertificatePayloadSchema, type CertificatePayload } from '../../core/applications/payloads';
import { CERTIFICATE_ITEMS, isCertificateType, TYPE_LABELS, type CertificateType } from '../../core/applications/status';
import { itemShortName } from '../../core/items';
import type { CenterSummary } from '../../core/centers';
import { maskPhone } from '../../core/identity';
import { CenterField, ErrorSummary, FormPage, IntroCard, NextButton, NextSteps, PHONE_INPUT, ReviewCard, SubmitButtons, TextField } from '../../components/application-form';
import { StateView } from '../../components/state-view';
import { IdentityNotice } from '../../components/identity-notice';
import { applicationCalls } from '../../services/applications';
import { myCenter } from '../../services/my-center';
import { useApplicationForm, type FormFieldRef } from '../../services/use-application-form';
import { withPageShell } from '../../components/page-shell';

type CenterKey = 'businessCenter' | 'acceptingCenter';
type Field = CenterKey | 'phone';

/** Element ids: `#certificate-<slug>` for the field, `#certificate-<slug>-error` for its message. */
const SLUGS: Record<Field, string> = { businessCenter: 'business-center', acceptingCenter: 'accepting-center', phone: 'phone' };

const CENTERS: Record<CenterKey, { label: string; hint: string }> = {
  businessCenter: { label: '业务属地中心', hint: '贷款或缴存所在城市的中心，由它出具证明' },
  acceptingCenter: { label: '受理地中心', hint: '您现在所在城市的中心，由它代收申请' },
};

/** Every field in the form's order, for the error summary. */
const FIELDS: readonly FormFieldRef<Field>[] = [
  ...(Object.keys(CENTERS) as CenterKey[]).map((field) => ({ field, label: CENTERS[field].label, slug: SLUGS[field] })),
  { field: 'phone', label: PHONE_INPUT.label, slug: SLUGS.phone },
];

interface Form {
  businessCenter?: CenterSummary;
  acceptingCenter?: CenterSummary;
  phone: string;
}

/**
 * 代收代办 certificates (items 2 and 8): the accepting center takes the request, the business-locale center
 * issues the certificate, and it comes back here as a PDF. Form, masked review, then one submission.
 */
/** The title bar's name for the certificate: its item's short name (缴存使用证明), which fits on one line where the full one (贷款职工住房公积金缴存使用证明) was cut or broken; the page's first card names it in full. */
const certificateTitle = (type: CertificateType) => itemShortName(CERTIFICATE_ITEMS[type]);

function CertificatePage() {
  const { params } = useRouter();
  const type = isCertificateType(params.type) ? params.type : undefined;
  if (!type) return <StateView status='error' message='没有这种证明，请从首页的跨省通办事项进入' />;
  return <CertificateForm type={type} />;
}

function CertificateForm({ type }: { type: CertificateType }) {
  // where the person is: their own center, when they chose one on the home page
  const [form, setForm] = useState<Form>(() => ({ acceptingCenter: myCenter(), phone: '' }));
  const flow = useApplicationForm({
    prefix: 'certificate',
    schema: CertificatePayloadSchema,
    fields: FIELDS,
    send: (requestId: string, payload: CertificatePayload) => applicationCalls.submitCertificate(type, requestId, payload),
    // the bound phone, where nothing was typed yet
    onPrefill: ({ phone }) => setForm((f) => ({ ...f, phone: f.phone || (phone ?? '') })),
  });
  const { identity, errors, review } = flow;
  useEffect(() => {
    Taro.setNavigationBarTitle({ title: certificateTitle(type) }).catch(() => undefined);
  }, [type]);

  const [picking, setPicking] = useState<CenterKey | undefined>(undefined);

  const label = TYPE_LABELS[type];

  const edit = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    flow.clearError(key);
  };

  const next = () => {
    if (flow.check({ businessCenter: form.businessCenter?.code, acceptingCenter: form.acceptingCenter?.code, phone: form.phone })) setPicking(undefined);
  };

  const identityPart = <IdentityNotice prefix='certificate' identity={identity} then='申请开具证明' />;

  if (review) {
    const p = review.payload;
    const business = form.businessCenter?.name ?? p.businessCenter;
    const accepting = form.acceptingCenter?.name ?? p.acceptingCenter;
    return (
      <FormPage>
        {identityPart}
        <ReviewCard
          prefix='certificate'
          rows={[
            { slug: 'type', label: '申请事项', value: label },
            { slug: SLUGS.businessCenter, label: '业务属地中心', value: business },
            { slug: SLUGS.acceptingCenter, label: '受理地中心', value: accepting },
            { slug: SLUGS.phone, label: '手机号码', value: maskPhone(p.phone) },
          ]}
        />
        <NextSteps
          prefix='certificate'
          steps={[`${accepting}代收您的申请，并转给${business}。`, `${business}核实后出具${label}。`, '证明以 PDF 文件送回本小程序，可在“我的申请”中查看和保存。']}
        />
        <SubmitButtons prefix='certificate' flow={flow} />
      </FormPage>
    );
  }

  return (
    <FormPage>
      {identityPart}
      <ErrorSummary prefix='certificate' lines={flow.summary} />
      <IntroCard prefix='certificate' title={label}>
        代收代办：您在所在城市的受理地中心提交申请，由贷款或缴存所在的业务属地中心出具证明；证明以 PDF 文件送回这里，无需两地跑。
      </IntroCard>
      <View className='card' id='certificate-form'>
        {(Object.keys(CENTERS) as CenterKey[]).map((field) => (
          <CenterField
            key={field}
            prefix='certificate'
            slug={SLUGS[field]}
            {...CENTERS[field]}
            picked={form[field]}
            error={errors[field]}
            searching={picking === field}
            onSearchingChange={(open) => setPicking(open ? field : undefined)}
            onPick={(center) => edit(field, center)}
          />
        ))}
        <TextField prefix='certificate' slug='phone' {...PHONE_INPUT} value={form.phone} error={errors.phone} onInput={(value) => edit('phone', value)} />
      </View>
      <NextButton prefix='certificate' onClick={next} />
    </FormPage>
  );
}

export default withPageShell(CertificatePage, { title: (params) => (isCertificateType(params.type) ? certificateTitle(params.type) : '证明申请') });
