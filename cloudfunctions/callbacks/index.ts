import * as z from 'zod';
import { fail } from '../../src/core/errors';
import { atCallTime, type FunctionContext } from '../_lib/runtime/define';
import { deployedContext } from '../_lib/runtime/deployed';
import { receiveCenterCallback } from '../_lib/services/callbacks';

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
}

const json = (statusCode: number, body: unknown): HttpResponse => ({ statusCode, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });

/**
 * Centers' status callbacks, POST /callbacks/<centerCode> (docs/center-api.md). The raw body is checked
 * against the signature before anything is parsed.
 */
export async function handleCallbackHttp(event: unknown, ctx: FunctionContext): Promise<HttpResponse> {
  const request = HttpEventSchema.safeParse(event);
  if (!request.success) return json(400, fail('VALIDATION_FAILED', '不是 HTTP 请求'));
  const { path, httpMethod, headers, body, isBase64Encoded } = request.data;
  if (httpMethod.toUpperCase() !== 'POST') return json(405, fail('VALIDATION_FAILED', '只接受 POST'));
  const centerCode = path.replace(/\/+$/, '').split('/').pop() ?? '';
  const raw = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
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
