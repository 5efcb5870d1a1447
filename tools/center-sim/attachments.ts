import { createHash, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Dispatcher } from 'undici';
import { RANGE_MAX_BYTES, readContentRange } from '../../cloudfunctions/_lib/delivery/file-links';

/**
 * What a center does with a delivery's attachments in format 2 (docs/center-api.md 4.10): for each, GETs of its
 * `url` in ranges of at most 4 MiB (`Range: bytes=a-b`, answered 206 with Content-Range), each signed with the
 * center's own secret (Standard Webhooks: the signed content is the URL exactly as delivered), no redirect
 * followed, then the reassembled bytes checked against the attachment's `sha256` and `size` (and each answer's
 * x-content-sha256) before the file is used. A real center keeps the files it took and retries a failed fetch
 * until the link expires.
 */
export interface FetchedAttachment {
  id: string;
  /** The platform's answer; null when no answer came. */
  status: number | null;
  /** Whether the bytes' SHA-256 and length are those the delivery gave (and the answer's x-content-sha256). */
  matches: boolean;
  /** Why the file cannot be used, when it cannot. */
  problem: string | null;
  /** How many ranged GETs it took. */
  ranges: number;
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

/** `dispatcher`: how to connect (a platform whose certificate the process does not trust yet, in tests); default the global one. */
export async function fetchAttachment(secret: string, attachment: LinkedAttachment, dispatcher?: Dispatcher): Promise<FetchedAttachment> {
  const { id } = attachment;
  const parts: Buffer[] = [];
  /** Each answer's x-content-sha256 (the whole file's, the same on every part). */
  const announced = new Set<string>();
  let ranges = 0;
  const failed = (status: number | null, problem: string): FetchedAttachment => ({ id, status, matches: false, problem, ranges });
  try {
    let start = 0;
    do {
      // the declared size bounds the loop: a platform answering short parts cannot keep the center fetching
      if (ranges >= Math.max(1, Math.ceil(attachment.size / RANGE_MAX_BYTES))) return failed(206, `分 ${ranges} 段仍未取完 ${attachment.size} 字节`);
      const end = start + RANGE_MAX_BYTES - 1;
      ranges += 1;
      const response = await fetch(attachment.url, {
        headers: { ...signedGet(secret, attachment.url), range: `bytes=${start}-${end}` },
        redirect: 'error',
        signal: AbortSignal.timeout(60_000),
        ...(dispatcher ? { dispatcher } : {}),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      if (response.status !== 206) return failed(response.status, `HTTP ${response.status}：${bytes.toString('utf8').slice(0, 200)}`);
      announced.add(response.headers.get('x-content-sha256') ?? '（无）');
      const part = readContentRange(response.headers.get('content-range'));
      if (!part || part.start !== start || part.size !== attachment.size || part.end - part.start + 1 !== bytes.length) {
        return failed(206, `Content-Range 为 ${response.headers.get('content-range') ?? '（无）'}，与所请求的 bytes=${start}-${end}（文件 ${attachment.size} 字节）不符`);
      }
      parts.push(bytes);
      start = part.end + 1;
    } while (start < attachment.size);
  } catch (error) {
    return failed(null, `下载失败：${error instanceof Error ? error.message : String(error)}`);
  }
  const bytes = Buffer.concat(parts);
  const got = sha256(bytes);
  if (got !== attachment.sha256) return failed(206, `内容的 SHA-256 为 ${got}，与推送中的 ${attachment.sha256} 不符`);
  if (bytes.length !== attachment.size) return failed(206, `内容为 ${bytes.length} 字节，与推送中的 ${attachment.size} 不符`);
  const other = [...announced].find((h) => h !== attachment.sha256);
  if (other !== undefined) return failed(206, `x-content-sha256 为 ${other}，与推送中的 sha256 不符`);
  return { id, status: 206, matches: true, problem: null, ranges };
}

/** Every attachment of a delivery, one after another (a center need not hold 40 MB at once). */
export async function fetchAttachments(secret: string, attachments: readonly LinkedAttachment[]): Promise<FetchedAttachment[]> {
  const fetched: FetchedAttachment[] = [];
  for (const attachment of attachments) fetched.push(await fetchAttachment(secret, attachment));
  return fetched;
}
