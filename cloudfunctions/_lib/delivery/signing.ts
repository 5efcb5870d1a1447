import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/**
 * Standard Webhooks signing (the `standardwebhooks` reference library): the signature covers
 * "id.timestamp.body" with HMAC-SHA256 under the center's whsec_ secret. During a rotation both secrets
 * sign, space-separated, and either verifies.
 */
export type SignedHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** A fresh webhook-id: msg_ + 24 random base64url characters. */
export function newWebhookId(): string {
  return `msg_${randomBytes(18).toString('base64url')}`;
}

/** A fresh center secret in the whsec_ form. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function signHeaders(secrets: readonly string[], id: string, at: Date, body: string): SignedHeaders {
  if (secrets.length === 0) throw new Error('no signing secret');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' '),
  };
}

export type VerifyResult = { ok: true; id: string } | { ok: false; reason: string };

const MISSING_HEADERS = '缺少 webhook-id、webhook-timestamp 或 webhook-signature 请求头';

/** The three Standard Webhooks headers, each a single non-empty string, or undefined when any is missing or repeated. */
function signedHeaders(headers: Record<string, string | string[] | undefined>): SignedHeaders | undefined {
  const pick = (name: keyof SignedHeaders) => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const id = pick('webhook-id');
  const timestamp = pick('webhook-timestamp');
  const signature = pick('webhook-signature');
  return id && timestamp && signature ? { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature } : undefined;
}

/**
 * Checks a center's signed request against each of its secrets: the library compares in constant time and
 * refuses timestamps more than 5 minutes away from now.
 */
export function verifySigned(secrets: readonly string[], body: string, headers: Record<string, string | string[] | undefined>): VerifyResult {
  const signed = signedHeaders(headers);
  if (!signed) return { ok: false, reason: MISSING_HEADERS };
  let reason = '签名无效';
  for (const secret of secrets) {
    try {
      // the body is judged after the signature (a body that is not JSON: 400); by default the library would
      // parse it here and throw a SyntaxError (a 500) for a well-signed body that is not JSON
      new Webhook(secret).verify(body, signed, { jsonParse: false });
      return { ok: true, id: signed['webhook-id'] };
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      reason = /timestamp/i.test(error.message) ? '时间戳与当前时间相差超过 5 分钟' : '签名无效';
    }
  }
  return { ok: false, reason };
}

/** A webhook-id of the Standard Webhooks form: 1–256 printable ASCII characters, no space or control character. */
export const isWebhookId = (value: unknown): value is string => typeof value === 'string' && /^[\x21-\x7e]{1,256}$/.test(value);

/** Standard Webhooks' tolerance, as the library applies it: a timestamp more than 5 minutes from now is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;
/** One HMAC-SHA256 signature: `v1,` and 32 bytes in base64. */
const V1_SIGNATURE = /^v1,[A-Za-z0-9+/]{43}=$/;

/**
 * What is wrong with a signed request's headers alone, so a request that cannot verify is refused before its
 * body is read: the three headers present and well formed (a printable webhook-id, a whole-second timestamp,
 * at least one v1 signature of the right length), the timestamp within 5 minutes of now. Undefined when they
 * may verify; verifySigned still decides on the body. Refuses nothing verifySigned would accept.
 */
export function signedHeadersProblem(headers: Record<string, string | string[] | undefined>, now: Date): string | undefined {
  const signed = signedHeaders(headers);
  if (!signed) return MISSING_HEADERS;
  const { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature } = signed;
  if (!isWebhookId(id)) return 'webhook-id 格式不正确';
  if (!/^\d{1,12}$/.test(timestamp)) return 'webhook-timestamp 应为以秒计的 Unix 时间戳';
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) return '时间戳与当前时间相差超过 5 分钟';
  if (signature.length > 1024 || !signature.split(' ').some((part) => V1_SIGNATURE.test(part))) return 'webhook-signature 应为 v1,<base64 签名>';
  return undefined;
}
