import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { ACCOUNT_NAME_MISMATCH, ATTACHMENT_KIND_LABELS, ATTACHMENT_KINDS, ATTACHMENTS_MAX, purchaseWithdrawalPayloadSchema, type AttachmentKind, type PurchaseWithdrawalPayload } from '../../core/applications/payloads';
import { PURCHASE_TARGET_WORKING_DAYS } from '../../core/applications/status';
import type { CenterSummary } from '../../core/centers';
import { fileSizeText } from '../../core/files';
import { maskBankAccount, maskName, maskPhone } from '../../core/identity';
import { yuanText } from '../../core/money';
import { sameName } from '../../core/names';
import { ActionButton } from '../../components/action-button';
import { CenterField, ErrorSummary, FieldError, FormPage, IntroCard, NextButton, NextSteps, PHONE_INPUT, ReviewCard, SubmitButtons, TextField, type ReviewRow } from '../../components/application-form';
import { FilePick } from '../../components/file-pick';
import { IdentityNotice } from '../../components/identity-notice';
import { applicationCalls } from '../../services/applications';
import { myCenter } from '../../services/my-center';
import { isH5 } from '../../services/platform';
import { chooseAttachment, uploadAttachment, type PickedFile, type Uploaded } from '../../services/uploads';
import { useApplicationForm, type FormFieldRef } from '../../services/use-application-form';
import { withPageShell } from '../../components/page-shell';
import './index.scss';

type CenterKey = 'purchaseCenter' | 'depositCenter';
type TextKey =
  | 'house.address'
  | 'house.contractNumber'
  | 'house.purchaseDate'
  | 'house.price'
  | 'house.area'
  | 'house.seller'
  | 'bank.accountName'
  | 'bank.bankName'
  | 'bank.accountNumber'
  | 'amount'
  | 'phone';
type Field = CenterKey | TextKey | 'attachments' | `attachments.${number}`;

const CENTERS: Record<CenterKey, { slug: string; label: string; hint: string }> = {
  purchaseCenter: { slug: 'purchase-center', label: '购房地中心', hint: '所购住房所在城市的中心，由它核验购房信息' },
  depositCenter: { slug: 'deposit-center', label: '缴存地中心', hint: '您缴存住房公积金的中心，由它办理提取并支付' },
};

/** The text fields in form order: element id `#purchase-<slug>`, its message `#purchase-<slug>-error`. */
const TEXT_FIELDS: { field: TextKey; slug: string; label: string; placeholder: string; type?: 'digit' | 'number'; maxlength?: number; limit?: number; section: 'house' | 'bank' | 'amount' }[] = [
  { field: 'house.address', slug: 'address', label: '房屋坐落', placeholder: '省市区、街道门牌、楼栋房号', limit: 100, section: 'house' },
  { field: 'house.contractNumber', slug: 'contract-number', label: '购房合同编号', placeholder: '网签或备案合同编号', section: 'house' },
  { field: 'house.purchaseDate', slug: 'purchase-date', label: '购房日期', placeholder: '合同签订日期，如 2026-10-08', section: 'house' },
  { field: 'house.price', slug: 'price', label: '购房总价（元）', placeholder: '合同总价', type: 'digit', section: 'house' },
  { field: 'house.area', slug: 'area', label: '建筑面积（平方米）', placeholder: '如 98.5', type: 'digit', section: 'house' },
  { field: 'house.seller', slug: 'seller', label: '售房方', placeholder: '开发企业或卖方姓名', limit: 100, section: 'house' },
  { field: 'bank.accountName', slug: 'account-name', label: '收款户名', placeholder: '须为申请人本人', section: 'bank' },
  { field: 'bank.bankName', slug: 'bank-name', label: '开户银行', placeholder: '如 中国建设银行扬州分行', section: 'bank' },
  { field: 'bank.accountNumber', slug: 'account-number', label: '银行账号', placeholder: '本人银行卡或账户号码', type: 'number', section: 'bank' },
  { field: 'amount', slug: 'amount', label: '申请提取金额（元）', placeholder: '不超过购房总价，以缴存地中心核定为准', type: 'digit', section: 'amount' },
  { field: 'phone', slug: 'phone', ...PHONE_INPUT, section: 'amount' },
];

/** Every field a message may be about, in the form's order: the error summary lists them so. */
const FIELDS: readonly FormFieldRef<Field>[] = [
  ...(Object.keys(CENTERS) as CenterKey[]).map((field) => ({ field, label: CENTERS[field].label, slug: CENTERS[field].slug })),
  ...TEXT_FIELDS.map(({ field, label, slug }) => ({ field, label, slug })),
  { field: 'attachments', label: '上传材料', slug: 'attachments' },
  ...Array.from({ length: ATTACHMENTS_MAX }, (_, i) => ({ field: `attachments.${i}` as const, label: `第 ${i + 1} 个附件`, slug: `attached-${i}` })),
];

interface Attached extends Uploaded {
  kind: AttachmentKind;
}

/** "" stays missing (the schema then says 请填写…); anything else is read as a number. */
const numberOrMissing = (text: string) => (text.trim() === '' ? undefined : Number(text.trim()));

/**
 * 购房提取 (item 7, 两地联办): the purchase-locale center verifies the purchase, the deposit-locale center pays
 * into the person's own bank account. House, bank account, amount, attachments uploaded as they are picked;
 * a masked review, then one submission.
 */
function PurchasePage() {
  const [texts, setTexts] = useState<Record<TextKey, string>>(() => Object.fromEntries(TEXT_FIELDS.map((f) => [f.field, ''])) as Record<TextKey, string>);
  // the verified name the account name must match, filled in with the bound phone where nothing was typed yet
  const [verifiedName, setVerifiedName] = useState<string | undefined>(undefined);
  const flow = useApplicationForm({
    prefix: 'purchase',
    schema: purchaseWithdrawalPayloadSchema(new Date()),
    fields: FIELDS,
    send: (requestId: string, payload: PurchaseWithdrawalPayload) => applicationCalls.submitPurchase(requestId, payload),
    onPrefill: ({ name, phone }) => {
      setVerifiedName(name);
      setTexts((t) => ({ ...t, 'bank.accountName': t['bank.accountName'] || (name ?? ''), phone: t.phone || (phone ?? '') }));
    },
  });
  const { identity, errors, review } = flow;
  const [centers, setCenters] = useState<Partial<Record<CenterKey, CenterSummary>>>(() => ({ purchaseCenter: myCenter() }));
  const [attached, setAttached] = useState<Attached[]>([]);
  const [uploading, setUploading] = useState<AttachmentKind | undefined>(undefined);
  const [uploadErrors, setUploadErrors] = useState<Partial<Record<AttachmentKind, string>>>({});
  const [picking, setPicking] = useState<CenterKey | undefined>(undefined);

  const edit = (field: TextKey, value: string) => {
    setTexts((t) => ({ ...t, [field]: value }));
    flow.clearError(field);
  };

  const attach = async (kind: AttachmentKind, picked: PickedFile | undefined) => {
    if (!picked) return;
    if (attached.length >= ATTACHMENTS_MAX) {
      setUploadErrors((e) => ({ ...e, [kind]: `附件最多 ${ATTACHMENTS_MAX} 个` }));
      return;
    }
    setUploading(kind);
    setUploadErrors((e) => ({ ...e, [kind]: undefined }));
    const result = await uploadAttachment(picked);
    setUploading(undefined);
    if (!result.ok) {
      setUploadErrors((e) => ({ ...e, [kind]: result.message }));
      return;
    }
    // contracts before invoices, each in the order picked: the list's order is the payload's (and its field messages')
    setAttached((list) => [...list, { ...result.data, kind }].sort((a, b) => ATTACHMENT_KINDS.indexOf(a.kind) - ATTACHMENT_KINDS.indexOf(b.kind)));
    flow.clearError('attachments');
  };
  const detach = (fileId: string) => setAttached((list) => list.filter((a) => a.fileId !== fileId));

  const payloadInput = () => ({
    purchaseCenter: centers.purchaseCenter?.code,
    depositCenter: centers.depositCenter?.code,
    house: {
      address: texts['house.address'],
      contractNumber: texts['house.contractNumber'],
      purchaseDate: texts['house.purchaseDate'].trim(),
      price: numberOrMissing(texts['house.price']),
      area: numberOrMissing(texts['house.area']),
      seller: texts['house.seller'],
    },
    bank: { accountName: texts['bank.accountName'], bankName: texts['bank.bankName'], accountNumber: texts['bank.accountNumber'].trim() },
    amount: numberOrMissing(texts.amount),
    phone: texts.phone,
    attachments: attached.map(({ kind, fileId, name }) => ({ kind, fileId, name })),
  });

  const identityPart = <IdentityNotice prefix='purchase' identity={identity} then='申请购房提取' />;

  if (review) {
    const p = review.payload;
    const purchaseCenter = centers.purchaseCenter?.name ?? p.purchaseCenter;
    const depositCenter = centers.depositCenter?.name ?? p.depositCenter;
    const rows: ReviewRow[] = [
      { slug: 'purchase-center', label: '购房地中心', value: purchaseCenter },
      { slug: 'deposit-center', label: '缴存地中心', value: depositCenter },
      { slug: 'address', label: '房屋坐落', value: p.house.address },
      { slug: 'contract-number', label: '购房合同编号', value: p.house.contractNumber },
      { slug: 'purchase-date', label: '购房日期', value: p.house.purchaseDate },
      { slug: 'price', label: '购房总价', value: yuanText(p.house.price) },
      { slug: 'area', label: '建筑面积', value: `${p.house.area} 平方米` },
      { slug: 'seller', label: '售房方', value: p.house.seller },
      { slug: 'account-name', label: '收款户名', value: maskName(p.bank.accountName) },
      { slug: 'bank-name', label: '开户银行', value: p.bank.bankName },
      { slug: 'account-number', label: '银行账号', value: maskBankAccount(p.bank.accountNumber) },
      { slug: 'amount', label: '申请提取金额', value: yuanText(p.amount) },
      { slug: 'phone', label: '手机号码', value: maskPhone(p.phone) },
      ...p.attachments.map((a, i) => ({ slug: `attachment-${i}`, label: ATTACHMENT_KIND_LABELS[a.kind], value: a.name })),
    ];
    return (
      <FormPage>
        {identityPart}
        <ReviewCard prefix='purchase' rows={rows} />
        <NextSteps
          prefix='purchase'
          steps={[
            `${purchaseCenter}核验购房合同、发票等购房信息。`,
            `核验通过后转${depositCenter}，由其按当地政策核定提取金额，转入您本人的银行账户。`,
            `全程约 ${PURCHASE_TARGET_WORKING_DAYS} 个工作日，进度和到账金额可在“我的申请”中查看。`,
          ]}
        />
        <SubmitButtons prefix='purchase' flow={flow} />
      </FormPage>
    );
  }

  // the money goes to the person's own account: said under the field, and checked before the review
  const accountNameHint = verifiedName ? `须与实名核验的姓名（${maskName(verifiedName)}）一致` : undefined;
  const accountNameProblem = (): Partial<Record<Field, string>> =>
    verifiedName && texts['bank.accountName'].trim() !== '' && !sameName(texts['bank.accountName'], verifiedName) ? { 'bank.accountName': ACCOUNT_NAME_MISMATCH } : {};

  const section = (name: (typeof TEXT_FIELDS)[number]['section']) =>
    TEXT_FIELDS.filter((f) => f.section === name).map(({ field, slug, label, placeholder, type, maxlength, limit }) => (
      <TextField
        key={field}
        prefix='purchase'
        slug={slug}
        label={label}
        hint={field === 'bank.accountName' ? accountNameHint : undefined}
        type={type}
        maxlength={maxlength}
        limit={limit}
        value={texts[field]}
        placeholder={placeholder}
        error={errors[field]}
        onInput={(value) => edit(field, value)}
      />
    ));

  return (
    <FormPage>
      {identityPart}
      <ErrorSummary prefix='purchase' lines={flow.summary} />
      <IntroCard prefix='purchase' title='购房提取住房公积金（两地联办）'>
        在缴存地以外的城市购房，可在这里申请：购房地中心核验购房信息后，缴存地中心办理提取，款项只转入您本人的银行账户，无需两地跑。
      </IntroCard>

      <Text className='section-title'>办理中心</Text>
      <View className='card'>
        {(Object.keys(CENTERS) as CenterKey[]).map((field) => (
          <CenterField
            key={field}
            prefix='purchase'
            {...CENTERS[field]}
            picked={centers[field]}
            error={errors[field]}
            searching={picking === field}
            onSearchingChange={(open) => setPicking(open ? field : undefined)}
            onPick={(center) => {
              setCenters((c) => ({ ...c, [field]: center }));
              flow.clearError(field);
            }}
          />
        ))}
      </View>

      <Text className='section-title'>所购住房</Text>
      <View className='card'>{section('house')}</View>

      <Text className='section-title'>收款账户（仅限本人）</Text>
      <View className='card'>{section('bank')}</View>

      <Text className='section-title'>提取金额与联系方式</Text>
      <View className='card'>{section('amount')}</View>

      <Text className='section-title'>上传材料</Text>
      <View className='card' id='purchase-attachments'>
        <Text className='application-form-hint'>PDF、JPG 或 PNG，每个不超过 10&nbsp;MB，共不超过 {ATTACHMENTS_MAX} 个；请确保文字清晰完整。</Text>
        {ATTACHMENT_KINDS.map((kind) => (
          <View key={kind} className='application-form-field' id={`purchase-attachment-${kind}`}>
            <Text className='application-form-label'>{ATTACHMENT_KIND_LABELS[kind]}</Text>
            {attached.map((a, i) =>
              a.kind === kind ? (
                <View key={a.fileId} className='purchase-attached'>
                  <Text className='purchase-attached-name' id={`purchase-attached-${i}`}>
                    {a.name}（{fileSizeText(a.size)}）
                  </Text>
                  <Text className='purchase-attached-remove' onClick={() => detach(a.fileId)}>
                    删除
                  </Text>
                  <FieldError id={`purchase-attachment-${i}-error`} message={errors[`attachments.${i}`]} />
                </View>
              ) : null,
            )}
            {uploading === kind ? <Text className='application-form-hint'>正在上传…</Text> : null}
            {isH5 ? (
              <FilePick
                id={`purchase-pick-${kind}`}
                inputId={`purchase-file-${kind}`}
                label={`选择${ATTACHMENT_KIND_LABELS[kind]}文件`}
                accept='application/pdf,image/jpeg,image/png'
                disabled={uploading !== undefined}
                onFile={(file) => void attach(kind, { file, name: file.name, size: file.size })}
              />
            ) : (
              <View className='purchase-attach-buttons'>
                <ActionButton className='secondary-button purchase-attach' id={`purchase-photo-${kind}`} disabled={uploading !== undefined} onClick={() => void chooseAttachment('photo').then((f) => attach(kind, f))}>
                  拍照或相册
                </ActionButton>
                <ActionButton className='secondary-button purchase-attach' id={`purchase-chat-${kind}`} disabled={uploading !== undefined} onClick={() => void chooseAttachment('chat').then((f) => attach(kind, f))}>
                  从聊天记录选择
                </ActionButton>
              </View>
            )}
            <FieldError id={`purchase-upload-${kind}-error`} message={uploadErrors[kind]} />
          </View>
        ))}
        <FieldError id='purchase-attachments-error' message={errors.attachments} />
      </View>

      <NextButton prefix='purchase' disabled={uploading !== undefined} onClick={() => flow.check(payloadInput(), accountNameProblem())} />
    </FormPage>
  );
}

export default withPageShell(PurchasePage, { title: '购房提取' });
