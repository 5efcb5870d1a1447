import { Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { DESCRIPTION_MAX, SERVICE_REQUEST_ITEMS, ServiceRequestPayloadSchema, type ServiceRequestPayload } from '../../core/applications/payloads';
import { toSummary, type CenterSummary, type CenterWithLinks } from '../../core/centers';
import { maskPhone } from '../../core/identity';
import { itemById, type ItemInfo } from '../../core/items';
import { CenterField, CharCounter, ErrorSummary, FormField, FormPage, IntroCard, NextButton, NextSteps, NO_CUT, PHONE_INPUT, ReviewCard, SubmitButtons, TextField } from '../../components/application-form';
import { StateView } from '../../components/state-view';
import { IdentityNotice } from '../../components/identity-notice';
import { applicationCalls } from '../../services/applications';
import { callFunction } from '../../services/cloud';
import { useApplicationForm, type FormFieldRef } from '../../services/use-application-form';
import { withPageShell } from '../../components/page-shell';
import './index.scss';

type Field = 'center' | 'phone' | 'description';
/** Every field in the form's order, for the error summary. */
const FIELDS: readonly FormFieldRef<Field>[] = [
  { field: 'center', label: '办理中心', slug: 'center' },
  { field: 'phone', label: PHONE_INPUT.label, slug: 'phone' },
  { field: 'description', label: '办理事项说明', slug: 'description' },
];

interface Form {
  center?: CenterSummary;
  phone: string;
  description: string;
}

/** Items 4-6 as the page takes them from its query: the item to request, if it is one of them. */
function requestedItem(param: string | undefined): ItemInfo | undefined {
  const id = Number(param);
  return (SERVICE_REQUEST_ITEMS as readonly number[]).includes(id) ? itemById(id) : undefined;
}

/**
 * An in-app request for item 4, 5 or 6 at a center that does not offer it fully online yet: the person
 * says what they need, the center's staff take it up and contact them. Form, masked review, one submission.
 */
function ServiceRequestPage() {
  const { params } = useRouter();
  const item = requestedItem(params.item);
  if (!item) return <StateView status='error' message='这项业务不能在小程序内在线申请，请从首页的跨省通办事项进入' />;
  return <ServiceRequestForm item={item} code={params.code} />;
}

function ServiceRequestForm({ item, code }: { item: ItemInfo; code: string | undefined }) {
  const [form, setForm] = useState<Form>({ phone: '', description: '' });
  const flow = useApplicationForm({
    prefix: 'service-request',
    schema: ServiceRequestPayloadSchema,
    fields: FIELDS,
    send: (requestId: string, payload: ServiceRequestPayload) => applicationCalls.submitServiceRequest(requestId, payload),
    // the bound phone, where nothing was typed yet
    onPrefill: ({ phone }) => setForm((f) => ({ ...f, phone: f.phone || (phone ?? '') })),
  });
  const { identity, errors, review } = flow;
  const [picking, setPicking] = useState(false);

  // the center the item page came from; the person may pick another
  useEffect(() => {
    if (!code) return;
    void callFunction<{ center: CenterWithLinks }>('centers', { action: 'get', code }).then((r) => {
      if (r.ok) setForm((f) => ({ ...f, center: f.center ?? toSummary(r.data.center) }));
    });
  }, [code]);

  const edit = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    flow.clearError(key);
  };

  const next = () => {
    if (flow.check({ center: form.center?.code, item: item.id, phone: form.phone, description: form.description })) setPicking(false);
  };

  const identityPart = <IdentityNotice prefix='service-request' identity={identity} then='提交在线申请' />;

  if (review) {
    const p = review.payload;
    const centerName = form.center?.name ?? p.center;
    return (
      <FormPage>
        {identityPart}
        <ReviewCard
          prefix='service-request'
          rows={[
            { slug: 'item', label: '申请事项', value: item.name },
            { slug: 'center', label: '办理中心', value: centerName },
            { slug: 'description', label: '办理事项说明', value: p.description },
            { slug: 'phone', label: '手机号码', value: maskPhone(p.phone) },
          ]}
        />
        <NextSteps prefix='service-request' steps={[`申请送达${centerName}。`, '中心工作人员受理后，通过您留下的手机号码联系您办理。', '办理进度可在“我的申请”中查看。']} />
        <SubmitButtons prefix='service-request' flow={flow} />
      </FormPage>
    );
  }

  return (
    <FormPage>
      {identityPart}
      <ErrorSummary prefix='service-request' lines={flow.summary} />
      <IntroCard prefix='service-request' title={item.name}>
        办理中心暂未开通此事项的全程网办。请在这里说明您要办理的事项，中心工作人员受理后会联系您办理。
      </IntroCard>
      <View className='card' id='service-request-form'>
        <CenterField
          prefix='service-request'
          slug='center'
          label='办理中心'
          picked={form.center}
          error={errors.center}
          searching={picking}
          onSearchingChange={setPicking}
          onPick={(center) => edit('center', center)}
        />
        <TextField prefix='service-request' slug='phone' {...PHONE_INPUT} value={form.phone} error={errors.phone} onInput={(value) => edit('phone', value)} />
        <FormField prefix='service-request' slug='description' label='办理事项说明' error={errors.description}>
          <Textarea
            className='service-request-description'
            id='service-request-description'
            maxlength={NO_CUT}
            value={form.description}
            placeholder={`请说明您要办理的具体事项，便于中心工作人员联系您办理（2 至 ${DESCRIPTION_MAX} 字）`}
            onInput={(e) => edit('description', e.detail.value)}
          />
          <CharCounter id='service-request-description-count' value={form.description} limit={DESCRIPTION_MAX} />
        </FormField>
      </View>
      <NextButton prefix='service-request' onClick={next} />
    </FormPage>
  );
}

export default withPageShell(ServiceRequestPage, { title: '在线申请' });
