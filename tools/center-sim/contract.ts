import * as z from 'zod';

/**
 * The center interface as the center sees it (docs/center-api.md, docs/openapi.yaml): what the platform
 * delivers and what a center calls back. Written out here on purpose rather than imported from the
 * platform's code, so the simulator checks the platform against the document, not against itself.
 */

export const DELIVERY_TYPES = ['application.submitted', 'application.withdrawn', 'application.copy', 'application.completed'] as const;
export type DeliveryType = (typeof DELIVERY_TYPES)[number];

/** What each delivery type is, for a person reading the simulator's page. */
export const DELIVERY_TYPE_LABELS: Record<DeliveryType, string> = {
  'application.submitted': '提交申请',
  'application.withdrawn': '撤销申请',
  'application.copy': '代收抄送',
  'application.completed': '办结通知',
};

/** Certificates handled 代收代办 (docs/center-api.md): the business-locale center issues, the accepting center took the request. */
export const CERTIFICATE_TYPES = ['certificate-loan-cleared', 'certificate-deposit-use'] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];
export const isCertificateType = (value: unknown): value is CertificateType => typeof value === 'string' && (CERTIFICATE_TYPES as readonly string[]).includes(value);

/** Types without a letter number: everything but a transfer. */
export const NO_LETTER_TYPES = [...CERTIFICATE_TYPES, 'purchase-withdrawal', 'service-request'] as const;

export const APPLICATION_TYPE_LABELS: Record<string, string> = {
  transfer: '异地转移接续',
  'certificate-loan-cleared': '个人住房贷款全部还清证明',
  'certificate-deposit-use': '贷款职工住房公积金缴存使用证明',
  'purchase-withdrawal': '购房提取住房公积金',
  'service-request': '跨省通办事项在线申请',
};

/** The part the receiving center plays in an application (`data.role`), and what each is for a person. */
export const CENTER_ROLES = ['transfer-in', 'transfer-out', 'business', 'accepting', 'purchase', 'deposit'] as const;
export type CenterRole = (typeof CENTER_ROLES)[number];
export const isCenterRole = (value: unknown): value is CenterRole => typeof value === 'string' && (CENTER_ROLES as readonly string[]).includes(value);
export const CENTER_ROLE_LABELS: Record<CenterRole, string> = {
  'transfer-in': '转入地中心',
  'transfer-out': '转出地中心',
  business: '业务属地中心',
  accepting: '受理地中心',
  purchase: '购房地中心',
  deposit: '缴存地中心',
};

/** The national platform's transfer status codes. */
export const TRANSFER_STATUS_NAMES: Record<string, string> = {
  '01': '联系函复核通过',
  '02': '联系函确认接收',
  '08': '账户信息复核通过',
  '06': '协商中',
  '13': '转出审核不通过',
  '00': '正常办结',
  '05': '转入撤销办结',
  '20': '协商办结',
  '40': '失败办结',
};

/** What a center reports for the types without national codes; `verified` is the purchase-locale center's alone. */
export const CENTER_STATUS_NAMES: Record<string, string> = {
  accepted: '已受理',
  verified: '购房核验通过',
  processing: '办理中',
  completed: '已办结',
  failed: '办理失败',
  rejected: '不予受理',
};

const isoDateTime = z.iso.datetime({ offset: true });
const centerCode = z.string().regex(/^\d{6}$/);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 应为 64 位小写十六进制');
const phone = z.string().regex(/^1[3-9]\d{9}$/, '应为 11 位中国大陆手机号');
const text = z.string().trim().min(1, '不应为空');
/** Yuan with at most two decimals (whole fen). */
const yuan = z
  .number()
  .positive('应大于 0')
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, '最多两位小数（元，精确到分）');
const noLetter = z.null({ error: '只有异地转移接续有联系函编号，这里应为 null' });
const applicant = z.object({ name: z.string().min(1), docType: z.enum(['01', '02', '03', '04', '99']), docNumber: z.string().min(1) });
const transferRole = z.enum(['transfer-in', 'transfer-out']);
const certificateRole = z.enum(['business', 'accepting']);
const purchaseRole = z.enum(['purchase', 'deposit'], { error: '应为 purchase（购房地中心）或 deposit（缴存地中心）' });

/**
 * Present, and true, only in the deliveries of a test case (the internal trial's test applications, the conformance
 * suite's): a center routes it to its test system. A real case has no `test`.
 */
const testMark = { test: z.literal(true, { error: 'test 只在测试申请中出现，且应为 true' }).optional() };

/** What every delivery of an application (submitted, copy) carries besides its type, role, centers and form. */
const delivered = {
  ...testMark,
  applicationId: z.string().min(1),
  applicant,
  submittedAt: isoDateTime,
  acceptBy: z.iso.date(),
  /** Present, and true, only when acceptBy is an estimate: its year's State Council arrangement was not loaded (weekends only). */
  acceptByProvisional: z.literal(true, { error: 'acceptByProvisional 只在 acceptBy 为预计日期时出现，且应为 true' }).optional(),
  callbackUrl: z.url(),
};

/** A test transfer's letter number comes from the platform's test sequence, marked T: never the center's official one (4.9). */
const testLetterMarked = (d: { letterNumber: string; test?: true }) => d.letterNumber.startsWith('T') === (d.test === true);

export const TransferSubmittedDataSchema = z
  .object({
    ...delivered,
    applicationType: z.literal('transfer'),
    letterNumber: z.string().regex(/^T?\d{6}\d{6}\d{4}$/, '联系函编号应为 16 位：转入地中心代码 + YYMMDD + 4 位序号（测试申请前加 T）'),
    role: transferRole,
    centers: z.array(z.object({ code: centerCode, role: transferRole })).min(1),
    form: z.object({
      transferOutCenter: centerCode,
      transferInCenter: centerCode,
      formerEmployer: z.string().min(1),
      formerAccount: z.string().min(1).optional(),
      newEmployer: z.string().min(1),
      newAccount: z.string().min(1),
      phone,
    }),
  })
  .refine((d) => d.letterNumber.replace(/^T/, '').startsWith(d.form.transferInCenter), { path: ['letterNumber'], message: '联系函编号应以转入地中心代码开头' })
  .refine(testLetterMarked, { path: ['letterNumber'], message: '测试申请的联系函编号以 T 开头（测试序号），正式申请的不带 T' });

/**
 * A certificate application: to the business-locale center (`application.submitted`, role `business`) and,
 * as a copy, to the accepting center (`application.copy`, role `accepting`). No letter number.
 */
const certificateData = (role: 'business' | 'accepting') =>
  z
    .object({
      ...delivered,
      applicationType: z.enum(CERTIFICATE_TYPES),
      letterNumber: noLetter,
      role: z.literal(role, { error: `应为 ${role}` }),
      centers: z.array(z.object({ code: centerCode, role: certificateRole })).length(2, '应有业务属地中心和受理地中心各一个'),
      form: z.object({ businessCenter: centerCode, acceptingCenter: centerCode, phone }),
    })
    .refine((d) => d.form.businessCenter !== d.form.acceptingCenter, { path: ['form', 'acceptingCenter'], message: '受理地中心应与业务属地中心不同' })
    .refine(
      (d) =>
        d.centers.some((c) => c.role === 'business' && c.code === d.form.businessCenter) &&
        d.centers.some((c) => c.role === 'accepting' && c.code === d.form.acceptingCenter),
      { path: ['centers'], message: 'centers 应与 form 中的业务属地中心、受理地中心一致' },
    );

export const CertificateSubmittedDataSchema = certificateData('business');
export const CertificateCopyDataSchema = certificateData('accepting');

/** What the employee attaches to a purchase withdrawal: at least one of each kind, at most four files. */
export const ATTACHMENT_KINDS = ['contract', 'invoice'] as const;
export const ATTACHMENTS_MAX = 4;
export const ATTACHMENT_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/**
 * An attachment in delivery format 2: what it is, its sha256 and size, and the link the center fetches it at (a
 * GET signed with its own secret) until `expiresAt`. The bytes never travel in the delivery.
 */
export const AttachmentSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(ATTACHMENT_KINDS, { error: '应为 contract（购房合同）或 invoice（购房发票）' }),
  name: z.string().min(1),
  contentType: z.enum(ATTACHMENT_CONTENT_TYPES, { error: '应为 application/pdf、image/jpeg 或 image/png' }),
  sha256,
  size: z.number().int().positive().max(ATTACHMENT_MAX_BYTES, '附件不超过 10 MB'),
  url: z.url({ protocol: /^https?$/, error: '应为附件的下载地址' }).refine((u) => new URL(u).pathname.includes('/callbacks/files/'), '下载地址应在平台的 /callbacks/files/ 下'),
  expiresAt: isoDateTime,
});

/** An attachment's description, without its content: what the simulator keeps of it. */
export interface AttachmentMeta {
  id: string;
  kind: string;
  name: string;
  contentType: string;
  sha256: string;
  size: number;
}

/**
 * A purchase withdrawal (两地联办): first to the purchase-locale center (role `purchase`), which verifies the
 * purchase; on its `verified`, the same body to the deposit-locale center (role `deposit`), which pays.
 */
export const PurchaseSubmittedDataSchema = z
  .object({
    ...delivered,
    applicationType: z.literal('purchase-withdrawal'),
    letterNumber: noLetter,
    role: purchaseRole,
    centers: z.array(z.object({ code: centerCode, role: purchaseRole })).length(2, '应有购房地中心和缴存地中心各一个'),
    form: z.object({
      purchaseCenter: centerCode,
      depositCenter: centerCode,
      house: z.object({ address: text, contractNumber: text, purchaseDate: z.iso.date(), price: yuan, area: z.number().positive('应大于 0'), seller: text }),
      bank: z.object({ accountName: text, bankName: text, accountNumber: z.string().regex(/^\d{12,30}$/, '银行账号应为 12 至 30 位数字') }).optional(),
      amount: yuan,
      phone,
      attachments: z
        .array(AttachmentSchema)
        .max(ATTACHMENTS_MAX, `附件最多 ${ATTACHMENTS_MAX} 个`)
        .refine((list) => ATTACHMENT_KINDS.every((kind) => list.some((a) => a.kind === kind)), '应有购房合同（contract）和购房发票（invoice）各至少一份'),
    }),
  })
  .superRefine((d, ctx) => {
    const { form } = d;
    if (form.purchaseCenter === form.depositCenter) ctx.addIssue({ code: 'custom', path: ['form', 'depositCenter'], message: '缴存地中心应与购房地中心不同' });
    if (form.amount > form.house.price) ctx.addIssue({ code: 'custom', path: ['form', 'amount'], message: '申请提取金额不应超过购房总价' });
    // the bank account goes only to the center that pays
    if (d.role === 'deposit' && !form.bank) ctx.addIssue({ code: 'custom', path: ['form', 'bank'], message: '缴存地中心的推送应有收款账户' });
    if (d.role === 'purchase' && form.bank) ctx.addIssue({ code: 'custom', path: ['form', 'bank'], message: '购房地中心不应收到收款账户' });
    if (form.bank && form.bank.accountName !== d.applicant.name) ctx.addIssue({ code: 'custom', path: ['form', 'bank', 'accountName'], message: '收款户名应为申请人本人' });
    const consistent = d.centers.some((c) => c.role === 'purchase' && c.code === form.purchaseCenter) && d.centers.some((c) => c.role === 'deposit' && c.code === form.depositCenter);
    if (!consistent) ctx.addIssue({ code: 'custom', path: ['centers'], message: 'centers 应与 form 中的购房地中心、缴存地中心一致' });
  });

/** Items 4-6 as an in-app request: one center (role `business`) handles it. */
export const ServiceRequestSubmittedDataSchema = z
  .object({
    ...delivered,
    applicationType: z.literal('service-request'),
    letterNumber: noLetter,
    role: z.literal('business', { error: '应为 business' }),
    centers: z.array(z.object({ code: centerCode, role: z.literal('business') })).length(1, '只有办理中心一个（business）'),
    form: z.object({
      center: centerCode,
      item: z.union([z.literal(4), z.literal(5), z.literal(6)], { error: '应为 4、5 或 6（跨省通办事项编号）' }),
      phone,
      description: z.string().trim().min(2, '应为 2 至 200 字').max(200, '应为 2 至 200 字'),
    }),
  })
  .refine((d) => d.centers[0].code === d.form.center, { path: ['centers'], message: 'centers 应与 form.center 一致' });

/** `application.submitted`: to the center that handles the application (or, for a purchase withdrawal, its part of it). */
export const SubmittedDataSchema = z.discriminatedUnion('applicationType', [
  TransferSubmittedDataSchema,
  CertificateSubmittedDataSchema,
  PurchaseSubmittedDataSchema,
  ServiceRequestSubmittedDataSchema,
]);
export type SubmittedData = z.infer<typeof SubmittedDataSchema>;

export const TransferWithdrawnDataSchema = z.object({
  ...testMark,
  applicationId: z.string().min(1),
  applicationType: z.literal('transfer'),
  letterNumber: z.string().regex(/^T?\d{16}$/),
  withdrawnAt: isoDateTime,
  reason: z.string(),
}).refine(testLetterMarked, { path: ['letterNumber'], message: '测试申请的联系函编号以 T 开头（测试序号），正式申请的不带 T' });
export const NoLetterWithdrawnDataSchema = z.object({
  ...testMark,
  applicationId: z.string().min(1),
  applicationType: z.enum(NO_LETTER_TYPES),
  letterNumber: noLetter,
  withdrawnAt: isoDateTime,
  reason: z.string(),
});
export const WithdrawnDataSchema = z.discriminatedUnion('applicationType', [TransferWithdrawnDataSchema, NoLetterWithdrawnDataSchema]);
export type WithdrawnData = z.infer<typeof WithdrawnDataSchema>;

/** A document's description, without its content: what the accepting center learns of the certificate. */
export const DocumentMetaSchema = z.object({
  name: z.string().min(1),
  contentType: z.string().min(1),
  sha256,
  size: z.number().int().positive(),
});
export type DocumentMeta = z.infer<typeof DocumentMetaSchema>;

/**
 * `application.completed`: to the accepting center once the business-locale center has issued the certificate,
 * and to the purchase-locale center once the deposit-locale center has paid a purchase withdrawal.
 */
export const CompletedDataSchema = z.discriminatedUnion('applicationType', [
  z.object({
    ...testMark,
    applicationId: z.string().min(1),
    applicationType: z.enum(CERTIFICATE_TYPES),
    completedAt: isoDateTime,
    documents: z
      .array(DocumentMetaSchema)
      .min(1, { message: '办结通知应列出证明文件', abort: true })
      .refine((docs) => docs.some((d) => d.contentType === 'application/pdf'), '应至少有一个 application/pdf'),
  }),
  z.object({
    ...testMark,
    applicationId: z.string().min(1),
    applicationType: z.literal('purchase-withdrawal'),
    completedAt: isoDateTime,
    documents: z.array(DocumentMetaSchema),
    payment: z.object({ amount: z.number().positive(), paidOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  }),
]);
export type CompletedData = z.infer<typeof CompletedDataSchema>;

/** Platform -> center. `type` may in future be something else: a center accepts and ignores what it does not know. */
export interface Delivery {
  type: string;
  formatVersion: number;
  timestamp: string;
  data: Record<string, unknown>;
}

/** The delivery format these schemas describe: 2, attachments by link (also the `webhook-format` header). */
export const DELIVERY_FORMAT = 2;

export const EnvelopeSchema = z.object({
  type: z.string().min(1),
  formatVersion: z.literal(DELIVERY_FORMAT, { error: `formatVersion 应为 ${DELIVERY_FORMAT}（附件以下载链接发送）` }),
  timestamp: isoDateTime,
  data: z.record(z.string(), z.unknown()),
});

export interface CallbackDocument {
  name: string;
  contentType: string;
  /** hex SHA-256 of the content */
  sha256: string;
  contentBase64: string;
}

/**
 * What the deposit-locale center paid on a purchase withdrawal, with `completed`: yuan, at most the requested
 * `form.amount`, and the China date it was paid. `amount` is missing only when a test script asks for a
 * payment on an application that requested none, to see the platform refuse it.
 */
export interface CallbackPayment {
  amount?: number;
  paidOn: string;
}

/** Center -> platform, to POST <callbackUrl>. */
export interface StatusCallback {
  type: 'application.status';
  timestamp: string;
  data: {
    applicationId: string;
    status: string;
    message?: string;
    reason?: string;
    contact?: { name: string; phone: string };
    documents?: CallbackDocument[];
    payment?: CallbackPayment;
  };
}

/** The status a callback reports, by its name for a person: a transfer code or a center status. */
export function statusName(status: string): string {
  return TRANSFER_STATUS_NAMES[status] ?? CENTER_STATUS_NAMES[status] ?? '';
}

/** The schema for an `application.submitted`; an unknown type is checked as a transfer, so every missing field gets named. */
function submittedSchema(applicationType: unknown): z.ZodType<object> {
  if (isCertificateType(applicationType)) return CertificateSubmittedDataSchema;
  if (applicationType === 'purchase-withdrawal') return PurchaseSubmittedDataSchema;
  if (applicationType === 'service-request') return ServiceRequestSubmittedDataSchema;
  return TransferSubmittedDataSchema;
}

/** The schema for a delivery's data, by its type and (for the kinds of application) its applicationType. */
function dataSchema(type: string, applicationType: unknown): z.ZodType<object> | undefined {
  switch (type) {
    case 'application.submitted':
      return submittedSchema(applicationType);
    case 'application.withdrawn':
      return (NO_LETTER_TYPES as readonly unknown[]).includes(applicationType) ? NoLetterWithdrawnDataSchema : TransferWithdrawnDataSchema;
    case 'application.copy':
      return CertificateCopyDataSchema;
    case 'application.completed':
      return CompletedDataSchema;
    default:
      return undefined;
  }
}

/**
 * What is wrong with a delivery's body against the contract: `path: message` lines, empty when it conforms.
 * Given the center it was sent to, also whether that center is the one the contract sends it to: a
 * delivery naming a `role` goes to the center listed with that role.
 */
export function deliveryProblems(body: unknown, sentTo?: { centerCode: string }): string[] {
  const envelope = EnvelopeSchema.safeParse(body);
  if (!envelope.success) return issues(envelope.error);
  const schema = dataSchema(envelope.data.type, envelope.data.data.applicationType);
  if (!schema) return [];
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) return issues(data.error, 'data.');
  const { role, centers } = data.data as { role?: string; centers?: { code: string; role: string }[] };
  if (sentTo && role && centers && !centers.some((c) => c.code === sentTo.centerCode && c.role === role)) {
    return [`data.role: 收到推送的中心 ${sentTo.centerCode} 在 centers 中不是 ${role}`];
  }
  return [];
}

const issues = (error: z.ZodError, prefix = '') => error.issues.map((i) => `${prefix}${i.path.join('.')}: ${i.message}`);
