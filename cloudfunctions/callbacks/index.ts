import * as z from 'zod';
import { fail } from '../../src/core/errors';
import { atCallTime, type FunctionContext } from '../_lib/runtime/define';
import { deployedContext } from '../_lib/runtime/deployed';
import { receiveCenterCallback } from '../_lib/services/callbacks';
import { downloadAttachment, isServed } from '../_lib/services/attachment-downloads';
import { contentRange, fileLinkTokenOf, SHA256_HEADER } from '../_lib/delivery/file-links';
import { publishedKey } from '../_lib/crypto/code-signing';

/** Where the deployed platform publishes the certificate code's public key, under the routed `/callbacks`. */
export const CODE_KEY_PATH = '/callbacks/code-key';

/** The request CloudBase's HTTP access service (云接入) hands an HTTP-triggered function. */
const HttpEventSchema = z.object({
  path: z.string(),
  httpMethod: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().default(''),
  isBase64Encoded: z.boolean().default(false),
});

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** A file's bytes as base64, as the HTTP access service expects a binary answer. */
  isBase64Encoded?: boolean;
}

const json = (statusCode: number, body: unknown): HttpResponse => ({ statusCode, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });

/**
 * A delivery's attachment, served or refused (services/attachment-downloads.ts): at most 4 MiB an answer (206 with
 * its Content-Range, or 200 for a file of at most 4 MiB asked whole), so that the base64 answer stays under what
 * CloudBase lets an HTTP-triggered function send (about 6 MB).
 */
async function attachmentHttp(ctx: FunctionContext, token: string, headers: Record<string, string>): Promise<HttpResponse> {
  const got = await downloadAttachment(atCallTime(ctx), token, headers);
  if (got.status === 416) {
    const refused = json(416, fail('VALIDATION_FAILED', got.reason));
    return { ...refused, headers: { ...refused.headers, 'content-range': `bytes */${got.size}`, 'accept-ranges': 'bytes' } };
  }
  if (!isServed(got)) return json(got.status, fail(got.status === 401 ? 'BAD_SIGNATURE' : 'VALIDATION_FAILED', got.reason));
  return {
    statusCode: got.status,
    headers: {
      'content-type': got.contentType,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(got.name)}`,
      [SHA256_HEADER]: got.sha256,
      'accept-ranges': 'bytes',
      ...(got.range ? { 'content-range': contentRange(got.range.start, got.range.end, got.range.size) } : {}),
      'cache-control': 'no-store',
    },
    body: got.bytes.toString('base64'),
    isBase64Encoded: true,
  };
}

/**
 * Centers' status callbacks, POST /callbacks/<centerCode>, the attachments of their deliveries, GET
 * /callbacks/files/<token> (docs/center-api.md), and the certificate code's public key, GET /callbacks/code-key
 * (docs/certificate-code.md). A callback's raw body is checked against the signature before
 * anything is parsed.
 */
export async function handleCallbackHttp(event: unknown, ctx: FunctionContext): Promise<HttpResponse> {
  const request = HttpEventSchema.safeParse(event);
  if (!request.success) return json(400, fail('VALIDATION_FAILED', '不是 HTTP 请求'));
  const { path, httpMethod, headers, body, isBase64Encoded } = request.data;
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  // the certificate code's public key (issue 18 point 1), for anyone to check codes offline; /.well-known/gjj-code-key on the local host
  if (path.replace(/\/+$/, '').endsWith(CODE_KEY_PATH) && httpMethod.toUpperCase() === 'GET') {
    return { ...json(200, publishedKey(ctx.outside.codePublicKey())), headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=3600', 'access-control-allow-origin': '*' } };
  }
  const token = fileLinkTokenOf(path);
  if (token !== undefined && httpMethod.toUpperCase() === 'GET') {
    try {
      return await attachmentHttp(ctx, token, lower);
    } catch (error) {
      ctx.log.error({ err: error }, 'attachment download failed');
      return json(500, fail('INTERNAL', '系统繁忙，请稍后重试'));
    }
  }
  if (httpMethod.toUpperCase() !== 'POST') return json(405, fail('VALIDATION_FAILED', '只接受 POST（回调）或 GET（附件下载、亮码公钥）'));
  const centerCode = path.replace(/\/+$/, '').split('/').pop() ?? '';
  const raw = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  try {
    const answer = await receiveCenterCallback(atCallTime(ctx), centerCode, raw, lower);
    return json(answer.statusCode, answer.body);
  } catch (error) {
    ctx.log.error({ err: error, centerCode }, 'callback failed');
    return json(500, fail('INTERNAL', '系统繁忙，请稍后重试'));
  }
}

/** The CloudBase entry point; the context is built per invocation (nothing at import). */
export const main = async (event: unknown, context?: unknown) => handleCallbackHttp(event, await deployedContext(event, context));
