import * as z from 'zod';
import { paymentSchema } from './money';
import { textField } from './validation';

/**
 * What centers send the platform (docs/center-api.md, docs/openapi.yaml). Checked at the callback
 * boundary; a malformed body answers 400 naming the fields and changes nothing.
 */
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;
export const DOCUMENTS_MAX = 5;

export const CallbackDocumentSchema = z.object({
  name: z.string({ error: '缺少文件名' }).min(1, '缺少文件名').max(100, '文件名不超过 100 个字符'),
  contentType: z.enum(['application/pdf', 'image/jpeg', 'image/png'], { error: '文件类型应为 application/pdf、image/jpeg 或 image/png' }),
  sha256: z.string({ error: '缺少 sha256' }).regex(/^[0-9a-f]{64}$/, 'sha256 应为 64 位小写十六进制'),
  contentBase64: z.string({ error: '缺少文件内容' }).min(1, '缺少文件内容').max(Math.ceil(DOCUMENT_MAX_BYTES / 3) * 4, '文件不超过 10 MB'),
});

/** The longest reason a center gives with a status (issue 18 point 2), as its message. */
export const STATUS_REASON_MAX = 200;
/** A contact's phone: 5 to 20 digits and hyphens, starting and ending with a digit (12329, 025-83588888, 13812345678, 0514-87654321-8001). */
export const CONTACT_PHONE_PATTERN = /^\d[\d-]{3,18}\d$/;
export const CONTACT_NAME_MAX = 30;

/** Why a center set a status, in plain words for the person (a refusal's cause): as `message`, at most STATUS_REASON_MAX. */
export const statusReasonField = (label: string) => textField(label, { missing: `${label}应为文字`, multiline: true }).min(2, `${label}至少 2 个字`).max(STATUS_REASON_MAX, `${label}不超过 ${STATUS_REASON_MAX} 个字`);

/**
 * Whom the person can call about a status: the name of a person or desk of a center (the transfer-out center's, say)
 * and its phone. Staff of a center, not the applicant: kept and shown in full, as the center's 12329 is.
 */
export const StatusContactSchema = z.object({
  name: textField('联系人', { missing: '联系人应为文字' }).min(1, '请填写联系人').max(CONTACT_NAME_MAX, `联系人不超过 ${CONTACT_NAME_MAX} 个字`),
  phone: z.string({ error: '联系电话应为文字' }).trim().regex(CONTACT_PHONE_PATTERN, '联系电话应为 5–20 位数字（可含连字符），如 025-83588888'),
});
export type StatusContact = z.infer<typeof StatusContactSchema>;

/** The statuses that refuse a person's case (13 转出审核不通过, 40 失败办结, failed, rejected): they should say why. */
export const REFUSAL_STATUSES: readonly string[] = ['13', '40', 'failed', 'rejected'];

/** The callback body, checked as of `now` (the call's own time: a payment dated after that day is refused). */
export const centerCallbackSchema = (now: Date) => z.object({
  type: z.literal('application.status', { error: 'type 应为 application.status' }),
  timestamp: z.string().datetime({ offset: true, error: 'timestamp 应为 ISO-8601 时间' }).optional(),
  data: z.object({
    applicationId: z.string({ error: '缺少 applicationId' }).regex(/^[a-z0-9]{8,40}$/, 'applicationId 格式不正确'),
    status: z.string({ error: '缺少 status' }).min(1, '缺少 status'),
    message: textField('message', { missing: 'message 应为文字', multiline: true }).max(200, 'message 不超过 200 个字').optional(),
    /** Why the center set this status (a refusal's cause), in plain words for the person. */
    reason: statusReasonField('reason').optional(),
    /** Whom the person can call about this status (the transfer-out center's contact, say). */
    contact: StatusContactSchema.optional(),
    documents: z.array(CallbackDocumentSchema).max(DOCUMENTS_MAX, `一次最多 ${DOCUMENTS_MAX} 个文件`).optional(),
    /** Purchase withdrawals only, with status `completed`, from the deposit-locale center: what it paid. */
    payment: paymentSchema(now).optional(),
  }),
});
export type CenterCallback = z.infer<ReturnType<typeof centerCallbackSchema>>;

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (bytes: Uint8Array, magic: readonly number[]) => bytes.length > magic.length && magic.every((b, i) => bytes[i] === b);
/** Whether `marker` occurs within the last `window` bytes (a file cut short in transfer lacks its end marker). */
const endsWithin = (bytes: Uint8Array, marker: readonly number[], window: number) => {
  for (let i = bytes.length - marker.length; i >= Math.max(0, bytes.length - window); i--) if (marker.every((b, j) => bytes[i + j] === b)) return true;
  return false;
};

/** Whether bytes are a PDF by their content (the header), whatever the name or declared type says. */
export function isPdf(bytes: Uint8Array): boolean {
  return startsWith(bytes, PDF_MAGIC);
}

/**
 * Whether a JPEG's image data runs to its end-of-image marker. Walks the segments to the first scan (so the
 * EXIF thumbnail, with its own FFD9 inside APP1, is skipped), then looks for FFD9 in the scan data, where a
 * real FF byte is always followed by 00 or a restart marker. Whatever a phone appends after the image (motion
 * photos, vendor trailers) does not matter; a file cut short in the image data does.
 */
function jpegComplete(bytes: Uint8Array): boolean {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return false;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    if (marker === 0xda) {
      for (let j = i + 2 + length; j + 1 < bytes.length; j++) if (bytes[j] === 0xff && bytes[j + 1] === 0xd9) return true;
      return false;
    }
    i += 2 + length;
  }
  return false;
}

/** The types an employee may attach (scans or photos of a contract, an invoice). */
export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/**
 * What a file is by its content, never its name: a PDF, a JPEG or a PNG whose end marker is there too
 * (%%EOF, FFD9, IEND), so a file cut short is refused as damaged. Answers why not, in words for the person.
 * Written here rather than taken from `file-type` (ESM only, and it reads only the header, so it cannot tell a
 * truncated file) in a dozen lines. Only a first look, cheap enough for the pages: a header and an end marker are
 * easy to forge (`%PDF-`, HTML, `%%EOF`), so the functions then parse every file (cloudfunctions/_lib/files/inspect.ts).
 */
export function sniffAttachment(bytes: Uint8Array): { ok: true; contentType: AttachmentType } | { ok: false; problem: string } {
  if (bytes.length === 0) return { ok: false, problem: '文件是空的' };
  if (bytes.length > DOCUMENT_MAX_BYTES) return { ok: false, problem: '文件超过 10 MB' };
  const damaged = { ok: false, problem: '文件已损坏或不完整，请重新拍照或导出' } as const;
  if (startsWith(bytes, PDF_MAGIC)) return endsWithin(bytes, [0x25, 0x25, 0x45, 0x4f, 0x46], 1024) ? { ok: true, contentType: 'application/pdf' } : damaged;
  if (startsWith(bytes, JPEG_MAGIC)) return jpegComplete(bytes) ? { ok: true, contentType: 'image/jpeg' } : damaged;
  if (startsWith(bytes, PNG_MAGIC)) return endsWithin(bytes, [0x49, 0x45, 0x4e, 0x44], 16) ? { ok: true, contentType: 'image/png' } : damaged;
  return { ok: false, problem: '文件应为 PDF、JPG 或 PNG（按文件内容判断，而非文件名）' };
}
