import * as z from 'zod';
import { AMOUNT_MAX, decimal2, pastDate } from '../money';
import { nameField } from '../names';
import { textField } from '../validation';
import type { CertificateType } from './status';

/** What the employee fills in for each type of application, and the checks on each field. */
/** Mainland mobile number. */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
export const EMPLOYER_MAX = 100;
export const ACCOUNT_PATTERN = /^[0-9A-Za-z-]{4,32}$/;
/** The client's idempotency key for one submission. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const APPLICATION_ID_PATTERN = /^[a-z0-9]{8,40}$/;

const centerCode = (label: string) =>
  z.string({ error: `请选择${label}` }).regex(/^\d{6}$/, `${label}代码应为 6 位数字`);
const employer = (label: string) =>
  textField(label)
    .min(2, `请填写${label}全称`)
    .max(EMPLOYER_MAX, `${label}不超过 ${EMPLOYER_MAX} 个字`);
const account = (label: string) => z.string({ error: `请填写${label}` }).trim().regex(ACCOUNT_PATTERN, `${label}应为 4 至 32 位数字或字母`);

const phone = z.string({ error: '请填写手机号码' }).trim().regex(PHONE_PATTERN, '手机号码应为 11 位中国大陆手机号');

export const TransferPayloadSchema = z
  .object({
    transferOutCenter: centerCode('转出地中心'),
    transferInCenter: centerCode('转入地中心'),
    formerEmployer: employer('原单位名称'),
    formerAccount: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), account('原个人账号').optional()),
    newEmployer: employer('现单位名称'),
    newAccount: account('现个人账号'),
    phone,
  })
  .refine((p) => p.transferOutCenter !== p.transferInCenter, {
    path: ['transferInCenter'],
    message: '转入地中心与转出地中心不能相同',
  });
export type TransferPayload = z.infer<typeof TransferPayloadSchema>;

/** A certificate: issued by the business-locale center (where the loan or deposit is), accepted where the person is. */
export const CertificatePayloadSchema = z
  .object({
    businessCenter: centerCode('业务属地中心'),
    acceptingCenter: centerCode('受理地中心'),
    phone,
  })
  .refine((p) => p.businessCenter !== p.acceptingCenter, {
    path: ['acceptingCenter'],
    message: '受理地中心与业务属地中心相同时，请直接向该中心申请',
  });
export type CertificatePayload = z.infer<typeof CertificatePayloadSchema>;

/** A text of `min` to `max` characters: left empty, it asks for the field; too short, it says how long it must be. */
const text = (label: string, min: number, max: number) => {
  const filled = textField(label).min(1, `请填写${label}`);
  return (min > 1 ? filled.min(min, `${label}至少 ${min} 个字`) : filled).max(max, `${label}不超过 ${max} 个字`);
};
/** What the employee attaches to a purchase withdrawal, and how many of them. */
export const ATTACHMENT_KINDS = ['contract', 'invoice'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];
export const ATTACHMENT_KIND_LABELS: Record<AttachmentKind, string> = { contract: '购房合同', invoice: '购房发票' };
export const ATTACHMENTS_MAX = 4;
/**
 * A file the person uploaded before submitting: `uploads/<24 random characters>` on the local host, the same
 * path inside a CloudBase fileID when deployed. The random part is the capability: only the uploader knows it.
 */
export const UPLOAD_ID_PATTERN = /^(cloud:\/\/[A-Za-z0-9._-]+\/)?uploads\/[a-z0-9]{24}$/;
export const AREA_MAX = 10_000;
export const BANK_ACCOUNT_PATTERN = /^\d{12,30}$/;

export const AttachmentRefSchema = z.object({
  kind: z.enum(ATTACHMENT_KINDS, { error: '附件类别应为购房合同或购房发票' }),
  fileId: z.string({ error: '附件未上传成功，请重新选择' }).regex(UPLOAD_ID_PATTERN, '附件未上传成功，请重新选择'),
  name: text('附件文件名', 1, 100),
});
export type AttachmentRef = z.infer<typeof AttachmentRefSchema>;

/** The money goes to the applicant's own account only: the page says so before sending, the function refuses it. */
export const ACCOUNT_NAME_MISMATCH = '收款户名应与申请人姓名一致';

/** A purchase withdrawal's fields, the purchase date checked against `now`'s day. */
const purchaseFields = (now: Date) => ({
  purchaseCenter: centerCode('购房地中心'),
  depositCenter: centerCode('缴存地中心'),
  house: z.object({
    address: text('房屋坐落地址', 5, 100),
    contractNumber: z
      .string({ error: '请填写购房合同编号' })
      .trim()
      .regex(/^[\p{L}\p{N}()（）〔〕\[\]-]{4,40}$/u, '购房合同编号应为 4 至 40 位文字、数字或连字符'),
    purchaseDate: pastDate('购房日期', now),
    price: decimal2('购房总价（元）', AMOUNT_MAX),
    area: decimal2('建筑面积（平方米）', AREA_MAX),
    seller: text('售房方名称', 2, 100),
  }),
  bank: z.object({
    // the applicant's own name (checked against it at submission): the one name rule, Latin letters for a passport's
    accountName: nameField('收款户名', true),
    bankName: text('开户银行', 4, 50),
    accountNumber: z.string({ error: '请填写银行账号' }).trim().regex(BANK_ACCOUNT_PATTERN, '银行账号应为 12 至 30 位数字'),
  }),
  amount: decimal2('申请提取金额（元）', AMOUNT_MAX),
  phone,
});

/** The rules across a purchase withdrawal's fields, checked as submitted. */
function purchaseChecks(p: { purchaseCenter: string; depositCenter: string; amount: number; house: { price: number }; attachments: readonly { kind: AttachmentKind }[] }, ctx: z.RefinementCtx): void {
  if (p.purchaseCenter === p.depositCenter) ctx.addIssue({ code: 'custom', path: ['depositCenter'], message: '购房地与缴存地为同一中心时，请直接向该中心申请' });
  if (p.amount > p.house.price) ctx.addIssue({ code: 'custom', path: ['amount'], message: '申请提取金额不能超过购房总价' });
  for (const kind of ATTACHMENT_KINDS) {
    if (!p.attachments.some((a) => a.kind === kind)) ctx.addIssue({ code: 'custom', path: ['attachments'], message: `请上传${ATTACHMENT_KIND_LABELS[kind]}` });
  }
}

/**
 * 购房提取 (item 7, 两地联办): the purchase-locale center verifies the purchase, the deposit-locale center
 * pays into the person's own bank account. The requested amount may not exceed the price; the purchase date
 * may not lie after `now`'s day (the call's own time on a function, the phone's on a page).
 */
export const purchaseWithdrawalPayloadSchema = (now: Date) =>
  z
    .object({
      ...purchaseFields(now),
      attachments: z.array(AttachmentRefSchema, { error: '请上传购房合同和购房发票' }).max(ATTACHMENTS_MAX, `附件最多 ${ATTACHMENTS_MAX} 个`),
    })
    .superRefine(purchaseChecks);
export type PurchaseWithdrawalPayload = z.infer<ReturnType<typeof purchaseWithdrawalPayloadSchema>>;

/** An attachment as kept with the application (sealed at rest), once checked by content. */
export const StoredAttachmentSchema = z.object({
  id: z.string(),
  kind: z.enum(ATTACHMENT_KINDS),
  name: z.string(),
  contentType: z.string(),
  sha256: z.string(),
  size: z.number(),
  storageKey: z.string(),
});
export type StoredAttachment = z.infer<typeof StoredAttachmentSchema>;
/** The purchase withdrawal as stored: the uploads replaced by the checked, sealed attachments. */
export type StoredPurchaseWithdrawal = Omit<PurchaseWithdrawalPayload, 'attachments'> & { attachments: StoredAttachment[] };

/** Items 4-6 where the center takes an in-app request instead of (or before) a full online channel. */
export const SERVICE_REQUEST_ITEMS = [4, 5, 6] as const;
export const DESCRIPTION_MAX = 200;
export const ServiceRequestPayloadSchema = z.object({
  center: centerCode('办理中心'),
  item: z.union([z.literal(4), z.literal(5), z.literal(6)], { error: '这项业务不能在线申请' }),
  phone,
  description: textField('办理事项说明', { multiline: true }).min(2, '请填写办理事项说明').max(DESCRIPTION_MAX, `办理事项说明不超过 ${DESCRIPTION_MAX} 个字`),
});
export type ServiceRequestPayload = z.infer<typeof ServiceRequestPayloadSchema>;

/**
 * The forms as stored, read back by their shape only (fields and their types): the rules above check what a
 * person sends, once, at submission. Re-checking a stored form with them would make an application unopenable
 * when a rule is tightened later or a clock runs ahead ("purchase date not after today"), so they stay out of
 * reading. Each `satisfies` keeps a stored shape in step with its submission type. Built on first use, like the
 * rows' schemas, so loading a function builds none of them.
 */
const buildStoredForms = () => ({
  transfer: z.object({
    transferOutCenter: z.string(),
    transferInCenter: z.string(),
    formerEmployer: z.string(),
    formerAccount: z.string().optional(),
    newEmployer: z.string(),
    newAccount: z.string(),
    phone: z.string(),
  }) satisfies z.ZodType<TransferPayload>,
  certificate: z.object({ businessCenter: z.string(), acceptingCenter: z.string(), phone: z.string() }) satisfies z.ZodType<CertificatePayload>,
  'purchase-withdrawal': z.object({
    purchaseCenter: z.string(),
    depositCenter: z.string(),
    house: z.object({ address: z.string(), contractNumber: z.string(), purchaseDate: z.string(), price: z.number(), area: z.number(), seller: z.string() }),
    bank: z.object({ accountName: z.string(), bankName: z.string(), accountNumber: z.string() }),
    amount: z.number(),
    phone: z.string(),
    attachments: z.array(StoredAttachmentSchema),
  }) satisfies z.ZodType<StoredPurchaseWithdrawal>,
  'service-request': z.object({ center: z.string(), item: z.literal(SERVICE_REQUEST_ITEMS), phone: z.string(), description: z.string() }) satisfies z.ZodType<ServiceRequestPayload>,
});
let storedForms: ReturnType<typeof buildStoredForms> | undefined;
/** The stored shape of each type's form (what _lib/applications/payload.ts reads a sealed form with). */
export const storedFormSchemas = () => (storedForms ??= buildStoredForms());

/**
 * An application's form as sealed with it (_lib/applications/payload.ts), keyed on its type: what the views, the
 * deliveries and the checks on a payment read, never a cast of the decrypted JSON.
 */
export type StoredPayload =
  | { type: 'transfer'; payload: TransferPayload }
  | { type: CertificateType; payload: CertificatePayload }
  | { type: 'purchase-withdrawal'; payload: StoredPurchaseWithdrawal }
  | { type: 'service-request'; payload: ServiceRequestPayload };

/** The attachments kept with a stored form: a purchase withdrawal's, none for the other types. */
export const storedAttachments = (stored: StoredPayload): readonly StoredAttachment[] => (stored.type === 'purchase-withdrawal' ? stored.payload.attachments : []);
