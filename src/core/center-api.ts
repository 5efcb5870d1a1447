import { z } from 'zod';

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

export const CenterCallbackSchema = z.object({
  type: z.literal('application.status', { error: 'type 应为 application.status' }),
  timestamp: z.string().datetime({ offset: true, error: 'timestamp 应为 ISO-8601 时间' }).optional(),
  data: z.object({
    applicationId: z.string({ error: '缺少 applicationId' }).regex(/^[a-z0-9]{8,40}$/, 'applicationId 格式不正确'),
    status: z.string({ error: '缺少 status' }).min(1, '缺少 status'),
    message: z.string().max(200, 'message 不超过 200 个字').optional(),
    documents: z.array(CallbackDocumentSchema).max(DOCUMENTS_MAX, `一次最多 ${DOCUMENTS_MAX} 个文件`).optional(),
  }),
});
export type CenterCallback = z.infer<typeof CenterCallbackSchema>;

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/** Whether bytes are a PDF by their content (the header), whatever the name or declared type says. */
export function isPdf(bytes: Uint8Array): boolean {
  return bytes.length > PDF_MAGIC.length && PDF_MAGIC.every((b, i) => bytes[i] === b);
}
