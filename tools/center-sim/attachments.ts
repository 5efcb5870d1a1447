import { createHash, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * What a center does with a delivery's attachments in format 2 (docs/center-api.md 4.10): for each, a GET of its
 * `url` signed with the center's own secret (Standard Webhooks: the signed content is the URL exactly as
 * delivered), no redirect followed, then the bytes checked against the attachment's `sha256` and `size` before
 * the file is used. A real center keeps the files it took and retries a failed fetch until the link expires.
 */
export interface FetchedAttachment {
  id: string;
  /** The platform's answer; null when no answer came. */
  status: number | null;
  /** Whether the bytes' SHA-256 and length are those the delivery gave (and the answer's x-content-sha256). */
  matches: boolean;
  /** Why the file cannot be used, when it cannot. */
  problem: string | null;
}

export interface LinkedAttachment {
  id: string;
  url: string;
  sha256: string;
  size: number;
}

/** The headers of a signed GET of `url` by the holder of `secret`. */
export function signedGet(secret: string, url: string, at = new Date()): Record<string, string> {
  const id = `msg_${randomBytes(18).toString('base64url')}`;
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, url) };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export async function fetchAttachment(secret: string, attachment: LinkedAttachment): Promise<FetchedAttachment> {
  const { id } = attachment;
  try {
    const response = await fetch(attachment.url, { headers: signedGet(secret, attachment.url), redirect: 'error', signal: AbortSignal.timeout(60_000) });
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) return { id, status: response.status, matches: false, problem: `HTTP ${response.status}：${bytes.toString('utf8').slice(0, 200)}` };
    const got = sha256(bytes);
    const header = response.headers.get('x-content-sha256');
    if (got !== attachment.sha256) return { id, status: 200, matches: false, problem: `内容的 SHA-256 为 ${got}，与推送中的 ${attachment.sha256} 不符` };
    if (bytes.length !== attachment.size) return { id, status: 200, matches: false, problem: `内容为 ${bytes.length} 字节，与推送中的 ${attachment.size} 不符` };
    if (header !== attachment.sha256) return { id, status: 200, matches: false, problem: `x-content-sha256 为 ${header ?? '（无）'}，与推送中的 sha256 不符` };
    return { id, status: 200, matches: true, problem: null };
  } catch (error) {
    return { id, status: null, matches: false, problem: `下载失败：${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Every attachment of a delivery, one after another (a center need not hold 40 MB at once). */
export async function fetchAttachments(secret: string, attachments: readonly LinkedAttachment[]): Promise<FetchedAttachment[]> {
  const fetched: FetchedAttachment[] = [];
  for (const attachment of attachments) fetched.push(await fetchAttachment(secret, attachment));
  return fetched;
}
