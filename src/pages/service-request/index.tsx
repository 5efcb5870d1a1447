import { Input, Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { DESCRIPTION_MAX, SERVICE_REQUEST_ITEMS, ServiceRequestPayloadSchema, type ServiceRequestPayload } from '../../core/applications';
import { toSummary, type CenterSummary, type CenterWithLinks } from '../../core/centers';
import { maskPhone } from '../../core/identity';
import { itemById, type ItemInfo } from '../../core/items';
import { ActionButton } from '../../components/action-button';
import { CenterSearch } from '../../components/center-search';
import { StateView } from '../../components/state-view';
import { IdentityNotice } from '../../components/identity-notice';
import { SubmitErrorCard } from '../../components/submit-error';
import { applicationCalls } from '../../services/applications';
import { callFunction } from '../../services/cloud';
import { useApplicationForm } from '../../services/use-application-form';
import './index.scss';

type Field = 'center' | 'phone' | 'description';
const FIELDS: readonly Field[] = ['center', 'phone', 'description'];
const isField = (key: string): key is Field => (FIELDS as readonly string[]).includes(key);

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
export default function ServiceRequestPage() {
  const { params } = useRouter();
  const item = requestedItem(params.item);
  if (!item) return <StateView status='error' message='这项业务不能在小程序内在线申请，请从首页的跨省通办事项进入' />;
  return <ServiceRequestForm item={item} code={params.code} />;
}

function ServiceRequestForm({ item, code }: { item: ItemInfo; code: string | undefined }) {
  const flow = useApplicationForm({
    schema: ServiceRequestPayloadSchema,
    isField,
    send: (requestId: string, payload: ServiceRequestPayload) => applicationCalls.submitServiceRequest(requestId, payload),
  });
  const { identity, errors, review, busy, submitError, backToForm, submit } = flow;
  const [form, setForm] = useState<Form>({ phone: '', description: '' });
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

  const errorOf = (field: Field) =>
    errors[field] ? (
      <Text className='field-error' id={`service-request-${field}-error`}>
        {errors[field]}
      </Text>
    ) : null;

  if (review) {
    const p = review.payload;
    const centerName = form.center?.name ?? p.center;
    const rows: [string, string, string][] = [
      ['item', '申请事项', item.name],
      ['center', '办理中心', centerName],
      ['description', '办理事项说明', p.description],
      ['phone', '手机号码', maskPhone(p.phone)],
    ];
    return (
      <View className='service-request-page'>
        {identityPart}
        <Text className='section-title'>请核对申请信息</Text>
        <View className='card service-request-review' id='service-request-review'>
          {rows.map(([slug, label, value]) => (
            <View key={slug} className='service-request-row'>
              <Text className='service-request-row-label'>{label}</Text>
              <Text className='service-request-row-value' id={`service-request-review-${slug}`}>
                {value}
              </Text>
            </View>
          ))}
        </View>
        <View className='card service-request-next-steps' id='service-request-next-steps'>
          <Text className='service-request-next-title'>提交后会怎样</Text>
          <Text className='service-request-next-text'>1. 申请送达{centerName}。</Text>
          <Text className='service-request-next-text'>2. 中心工作人员受理后，通过您留下的手机号码联系您办理。</Text>
          <Text className='service-request-next-text'>3. 办理进度可在“我的申请”中查看。</Text>
        </View>
        {submitError ? <SubmitErrorCard prefix='service-request' error={submitError} /> : null}
        <ActionButton className='primary-button service-request-button' id='service-request-submit' loading={busy} disabled={busy} onClick={() => void submit()}>
          提交申请
        </ActionButton>
        <ActionButton className='service-request-button' id='service-request-edit' disabled={busy} onClick={backToForm}>
          返回修改
        </ActionButton>
      </View>
    );
  }

  return (
    <View className='service-request-page'>
      {identityPart}
      <View className='card service-request-intro' id='service-request-intro'>
        <Text className='service-request-intro-title'>{item.name}</Text>
        <Text className='service-request-intro-text'>
          办理中心暂未开通此事项的全程网办。请在这里说明您要办理的事项，中心工作人员受理后会联系您办理。
        </Text>
      </View>
      <View className='card service-request-form' id='service-request-form'>
        <View className='service-request-field'>
          <Text className='service-request-label'>办理中心</Text>
          <View className='service-request-center' id='service-request-center' onClick={() => setPicking(!picking)}>
            <Text className={form.center ? 'service-request-center-name' : 'service-request-center-empty'}>{form.center ? form.center.name : '请选择办理中心'}</Text>
            <Text className='service-request-center-change'>{form.center ? '更换 ›' : '›'}</Text>
          </View>
          {picking ? (
            <View className='service-request-center-search' id='service-request-center-search'>
              <CenterSearch
                autoFocus
                onPick={(center) => {
                  edit('center', center);
                  setPicking(false);
                }}
              />
            </View>
          ) : null}
          {errorOf('center')}
        </View>
        <View className='service-request-field'>
          <Text className='service-request-label'>手机号码</Text>
          <Input
            className='service-request-input'
            id='service-request-phone'
            type='number'
            maxlength={11}
            value={form.phone}
            placeholder='11 位手机号，中心办理时联系您'
            onInput={(e) => edit('phone', e.detail.value)}
          />
          {errorOf('phone')}
        </View>
        <View className='service-request-field'>
          <Text className='service-request-label'>办理事项说明</Text>
          <Textarea
            className='service-request-description'
            id='service-request-description'
            maxlength={DESCRIPTION_MAX}
            value={form.description}
            placeholder={`请说明您要办理的具体事项，便于中心工作人员联系您办理（2 至 ${DESCRIPTION_MAX} 字）`}
            onInput={(e) => edit('description', e.detail.value)}
          />
          {errorOf('description')}
        </View>
      </View>
      <ActionButton className='primary-button service-request-button' id='service-request-next' onClick={next}>
        下一步：核对信息
      </ActionButton>
    </View>
  );
}
