import { createHash } from 'node:crypto';
import { centerCallbackSchema, REFUSAL_STATUSES } from '../../../src/core/center-api';
import type { ReceivedCallback } from '../../../src/core/center-portal';
import { parseInput } from '../../../src/core/validation';
import { verifySigned } from '../delivery/signing';
import { inspectFile } from '../files/inspect';
import { TEST_JPEG, TEST_PDF } from '../applications/synthetic';

/**
 * What the platform's callback endpoint needs of the conformance suite (conformance.ts), kept apart so the
 * `callbacks` function does not load the suite: test applications' ids, and how one callback is read.
 */
/** Test application ids: recognisable in a center's logs, and still the platform's id format. */
export const CONFORMANCE_ID_PREFIX = 'conformance';

/**
 * The test purchase withdrawal's attachments (delivery format 2): synthetic, the same in every run, never stored;
 * the platform serves them at their links by id (services/attachment-downloads.ts), as the command line's inbox does.
 */
export const CONFORMANCE_ATTACHMENTS = [
  { id: 'conformance-contract', kind: 'contract', name: '测试购房合同.pdf', contentType: 'application/pdf', bytes: TEST_PDF },
  { id: 'conformance-invoice', kind: 'invoice', name: '测试购房发票.jpg', contentType: 'image/jpeg', bytes: TEST_JPEG },
] as const;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * One callback as the platform's callback endpoint reads it: the signature and its 5-minute timestamp under
 * the center's secret, then the callback contract (centerCallbackSchema, and each document's sha256 against
 * its content, and its content parsed as the platform parses it: inspectFile). For an inbox standing in for the
 * platform; `applicationId` is read from the body even when the signature fails, to tell the center which
 * application the refused callback was about.
 */
export async function readCallback(
  secret: string,
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
  at: Date,
): Promise<{ applicationId: string | null; callback: ReceivedCallback }> {
  const signed = verifySigned([secret], rawBody, headers);
  const problems = signed.ok ? [] : [signed.reason];
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    problems.push('请求体不是有效的 JSON');
  }
  const data = (json as { data?: { applicationId?: unknown; status?: unknown } } | null | undefined)?.data;
  if (json !== undefined) {
    const parsed = parseInput(centerCallbackSchema(at), json);
    if (!parsed.ok) problems.push(...Object.entries(parsed.fields ?? {}).map(([field, message]) => (field === '_' ? message : `${field}：${message}`)));
    else {
      const { status, reason, message } = parsed.data.data;
      if (REFUSAL_STATUSES.includes(status) && !reason && !message) problems.push(`data.reason：状态 ${status} 是不通过、失败或不予受理，请在 reason 中写明原因（第 5.1 节）`);
      for (const [i, doc] of (parsed.data.data.documents ?? []).entries()) {
        const bytes = Buffer.from(doc.contentBase64, 'base64');
        if (sha256(bytes) !== doc.sha256) problems.push(`data.documents.${i}.sha256：与文件内容不符（应为 base64 解码后字节的 SHA-256）`);
        const inspected = await inspectFile(bytes);
        if (!inspected.ok) problems.push(`data.documents.${i}：${inspected.problem}`);
        else if (inspected.contentType !== doc.contentType) problems.push(`data.documents.${i}.contentType：文件内容是 ${inspected.contentType}，与声明的 ${doc.contentType} 不符`);
      }
    }
  }
  const webhookId = headers['webhook-id'];
  return {
    applicationId: typeof data?.applicationId === 'string' ? data.applicationId : null,
    callback: {
      webhookId: typeof webhookId === 'string' ? webhookId : '',
      status: typeof data?.status === 'string' ? data.status : '',
      at: at.toISOString(),
      signatureValid: signed.ok,
      problems,
    },
  };
}
