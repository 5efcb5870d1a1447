import { z } from 'zod';

/**
 * The center interface as the center sees it (docs/center-api.md, docs/openapi.yaml): what the platform
 * delivers and what a center calls back. Written out here on purpose rather than imported from the
 * platform's code, so the simulator checks the platform against the document, not against itself.
 */

export const DELIVERY_TYPES = ['application.submitted', 'application.withdrawn'] as const;
export type DeliveryType = (typeof DELIVERY_TYPES)[number];

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

const isoDateTime = z.iso.datetime({ offset: true });
const centerCode = z.string().regex(/^\d{6}$/);
const role = z.enum(['transfer-in', 'transfer-out']);

export const SubmittedDataSchema = z
  .object({
    applicationId: z.string().min(1),
    applicationType: z.literal('transfer'),
    letterNumber: z.string().regex(/^\d{6}\d{6}\d{4}$/, '联系函编号应为 16 位：转入地中心代码 + YYMMDD + 4 位序号'),
    role,
    centers: z.array(z.object({ code: centerCode, role })).min(1),
    applicant: z.object({ name: z.string().min(1), docType: z.enum(['01', '02', '03', '04', '99']), docNumber: z.string().min(1) }),
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
export type SubmittedData = z.infer<typeof SubmittedDataSchema>;

export const WithdrawnDataSchema = z.object({
  applicationId: z.string().min(1),
  applicationType: z.literal('transfer'),
  letterNumber: z.string().regex(/^\d{16}$/),
  withdrawnAt: isoDateTime,
  reason: z.string(),
});
export type WithdrawnData = z.infer<typeof WithdrawnDataSchema>;

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

/** What is wrong with a delivery's body against the contract: `path: message` lines, empty when it conforms. */
export function deliveryProblems(body: unknown): string[] {
  const envelope = EnvelopeSchema.safeParse(body);
  if (!envelope.success) return issues(envelope.error);
  const schema = envelope.data.type === 'application.submitted' ? SubmittedDataSchema : envelope.data.type === 'application.withdrawn' ? WithdrawnDataSchema : undefined;
  if (!schema) return [];
  const data = schema.safeParse(envelope.data.data);
  return data.success ? [] : issues(data.error, 'data.');
}

const issues = (error: z.ZodError, prefix = '') => error.issues.map((i) => `${prefix}${i.path.join('.')}: ${i.message}`);
