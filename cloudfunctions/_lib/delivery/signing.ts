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

/**
 * Checks a center's signed request against each of its secrets: the library compares in constant time and
 * refuses timestamps more than 5 minutes away from now.
 */
export function verifySigned(secrets: readonly string[], body: string, headers: Record<string, string | string[] | undefined>): VerifyResult {
  const pick = (name: keyof SignedHeaders) => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const id = pick('webhook-id');
  const timestamp = pick('webhook-timestamp');
  const signature = pick('webhook-signature');
  if (!id || !timestamp || !signature) return { ok: false, reason: '缺少 webhook-id、webhook-timestamp 或 webhook-signature 请求头' };
  let reason = '签名无效';
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(body, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature });
      return { ok: true, id };
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      reason = /timestamp/i.test(error.message) ? '时间戳与当前时间相差超过 5 分钟' : '签名无效';
    }
  }
  return { ok: false, reason };
}
