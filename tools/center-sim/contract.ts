import { z } from 'zod';

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

export const APPLICATION_TYPE_LABELS: Record<string, string> = {
  transfer: '异地转移接续',
  'certificate-loan-cleared': '个人住房贷款全部还清证明',
  'certificate-deposit-use': '贷款职工住房公积金缴存使用证明',
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

/** What the business-locale center reports for a certificate (no national codes). */
export const CERTIFICATE_STATUS_NAMES: Record<string, string> = {
  accepted: '已受理',
  processing: '办理中',
  completed: '已办结',
  failed: '办理失败',
  rejected: '不予受理',
};

const isoDateTime = z.iso.datetime({ offset: true });
const centerCode = z.string().regex(/^\d{6}$/);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 应为 64 位小写十六进制');
const applicant = z.object({ name: z.string().min(1), docType: z.enum(['01', '02', '03', '04', '99']), docNumber: z.string().min(1) });
const transferRole = z.enum(['transfer-in', 'transfer-out']);
const certificateRole = z.enum(['business', 'accepting']);

export const TransferSubmittedDataSchema = z
  .object({
    applicationId: z.string().min(1),
    applicationType: z.literal('transfer'),
    letterNumber: z.string().regex(/^\d{6}\d{6}\d{4}$/, '联系函编号应为 16 位：转入地中心代码 + YYMMDD + 4 位序号'),
    role: transferRole,
    centers: z.array(z.object({ code: centerCode, role: transferRole })).min(1),
    applicant,
    form: z.object({
      transferOutCenter: centerCode,
      transferInCenter: centerCode,
      formerEmployer: z.string().min(1),
      formerAccount: z.string().min(1).optional(),
      newEmployer: z.string().min(1),
      newAccount: z.string().min(1),
      phone: z.string().min(1),
    }),
    submittedAt: isoDateTime,
    acceptBy: z.iso.date(),
    callbackUrl: z.url(),
  })
  .refine((d) => d.letterNumber.startsWith(d.form.transferInCenter), { path: ['letterNumber'], message: '联系函编号应以转入地中心代码开头' });

/**
 * A certificate application: to the business-locale center (`application.submitted`, role `business`) and,
 * as a copy, to the accepting center (`application.copy`, role `accepting`). No letter number.
 */
const certificateData = (role: 'business' | 'accepting') =>
  z
    .object({
      applicationId: z.string().min(1),
      applicationType: z.enum(CERTIFICATE_TYPES),
      letterNumber: z.null({ error: '证明类申请没有联系函编号，应为 null' }),
      role: z.literal(role, { error: `应为 ${role}` }),
      centers: z.array(z.object({ code: centerCode, role: certificateRole })).length(2, '应有业务属地中心和受理地中心各一个'),
      applicant,
      form: z.object({ businessCenter: centerCode, acceptingCenter: centerCode, phone: z.string().min(1) }),
      submittedAt: isoDateTime,
      acceptBy: z.iso.date(),
      callbackUrl: z.url(),
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

/** `application.submitted`: a transfer (to the transfer-in center) or a certificate (to the business-locale center). */
export const SubmittedDataSchema = z.discriminatedUnion('applicationType', [TransferSubmittedDataSchema, CertificateSubmittedDataSchema]);
export type SubmittedData = z.infer<typeof SubmittedDataSchema>;

export const TransferWithdrawnDataSchema = z.object({
  applicationId: z.string().min(1),
  applicationType: z.literal('transfer'),
  letterNumber: z.string().regex(/^\d{16}$/),
  withdrawnAt: isoDateTime,
  reason: z.string(),
});
export const CertificateWithdrawnDataSchema = z.object({
  applicationId: z.string().min(1),
  applicationType: z.enum(CERTIFICATE_TYPES),
  letterNumber: z.null({ error: '证明类申请没有联系函编号，应为 null' }),
  withdrawnAt: isoDateTime,
  reason: z.string(),
});
export const WithdrawnDataSchema = z.discriminatedUnion('applicationType', [TransferWithdrawnDataSchema, CertificateWithdrawnDataSchema]);
export type WithdrawnData = z.infer<typeof WithdrawnDataSchema>;

/** A document's description, without its content: what the accepting center learns of the certificate. */
export const DocumentMetaSchema = z.object({
  name: z.string().min(1),
  contentType: z.string().min(1),
  sha256,
  size: z.number().int().positive(),
});
export type DocumentMeta = z.infer<typeof DocumentMetaSchema>;

/** `application.completed`, to the accepting center once the business-locale center has issued the certificate. */
export const CompletedDataSchema = z.object({
  applicationId: z.string().min(1),
  applicationType: z.enum(CERTIFICATE_TYPES),
  completedAt: isoDateTime,
  documents: z
    .array(DocumentMetaSchema)
    .min(1, { message: '办结通知应列出证明文件', abort: true })
    .refine((docs) => docs.some((d) => d.contentType === 'application/pdf'), '应至少有一个 application/pdf'),
});
export type CompletedData = z.infer<typeof CompletedDataSchema>;

/** Platform -> center. `type` may in future be something else: a center accepts and ignores what it does not know. */
export interface Delivery {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export const EnvelopeSchema = z.object({ type: z.string().min(1), timestamp: isoDateTime, data: z.record(z.string(), z.unknown()) });

export interface CallbackDocument {
  name: string;
  contentType: string;
  /** hex SHA-256 of the content */
  sha256: string;
  contentBase64: string;
}

/** Center -> platform, to POST <callbackUrl>. */
export interface StatusCallback {
  type: 'application.status';
  timestamp: string;
  data: { applicationId: string; status: string; message?: string; documents?: CallbackDocument[] };
}

/** The status a callback reports, by its name for a person: a transfer code or a certificate status. */
export function statusName(status: string): string {
  return TRANSFER_STATUS_NAMES[status] ?? CERTIFICATE_STATUS_NAMES[status] ?? '';
}

/**
 * The schema for a delivery's data, by its type and (for the two kinds of application) its applicationType;
 * anything but a certificate type is checked as a transfer, so every missing field gets named.
 */
function dataSchema(type: string, applicationType: unknown): z.ZodType<object> | undefined {
  const certificate = isCertificateType(applicationType);
  switch (type) {
    case 'application.submitted':
      return certificate ? CertificateSubmittedDataSchema : TransferSubmittedDataSchema;
    case 'application.withdrawn':
      return certificate ? CertificateWithdrawnDataSchema : TransferWithdrawnDataSchema;
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
