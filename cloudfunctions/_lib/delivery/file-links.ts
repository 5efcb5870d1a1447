import * as z from 'zod';
import { open, seal, sealedAs, type Keyring } from '../crypto/personal-data';

/**
 * Deliveries' attachments by link (delivery format 2, docs/center-api.md 4.10, docs/decisions/015): a delivery names
 * each file by a URL on the platform's public origin, `<callback base>/callbacks/files/<token>`, which the center
 * it was sent to fetches with a Standard Webhooks signature over that URL. The token is sealed (AES-GCM with the
 * personal-data keyring), so it can be neither read (it names an application) nor altered; a key rotation keeps
 * links made before it working while the old key is still listed.
 */

/** The delivery format: 2 = attachments by link. In each body (`formatVersion`) and in the FORMAT_HEADER header. */
export const DELIVERY_FORMAT_VERSION = 2;
export const FORMAT_HEADER = 'webhook-format';
/** The header a served file carries its hex SHA-256 in (the same value as the attachment's `sha256`). */
export const SHA256_HEADER = 'x-content-sha256';
/** Where the callbacks function serves the files, under the platform's public origin. */
export const FILE_LINK_PATH = '/callbacks/files/';
/**
 * How long a link lasts from the attempt that carried it. After a 2xx the platform never sends that delivery
 * again, so its links are all the center has: 7 days cover a center's own retries over a long weekend and a
 * holiday's first days; the same file stays open to the center's staff in the portal's workbench after that.
 */
export const FILE_LINK_DAYS = 7;

/** What a link names: the application and its attachment, the one center it was sent to, and until when it serves. */
export interface FileLink {
  applicationId: string;
  attachmentId: string;
  centerCode: string;
  expiresAt: Date;
}

/** A token's characters: the sealed form's base64url parts and the dots between them. */
const TOKEN = /^[A-Za-z0-9_.-]{1,512}$/;
const SealedLinkSchema = z.object({ a: z.string().min(1), f: z.string().min(1), c: z.string().regex(/^\d{6}$/), e: z.number().int().positive() });

/** The token of a link (sealed with the keyring's current key). */
export function fileLinkToken(keyring: Keyring, link: FileLink): string {
  const sealed = { a: link.applicationId, f: link.attachmentId, c: link.centerCode, e: Math.floor(link.expiresAt.getTime() / 1000) };
  return seal(keyring, sealedAs.attachmentLink(), JSON.stringify(sealed));
}

/** What a token names, or undefined when it does not open (altered, cut, made under a key no longer listed, not a token at all). */
export function readFileLink(keyring: Keyring, token: string): FileLink | undefined {
  if (!TOKEN.test(token)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(open(keyring, sealedAs.attachmentLink(), token));
  } catch {
    return undefined;
  }
  const parsed = SealedLinkSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { a, f, c, e } = parsed.data;
  return { applicationId: a, attachmentId: f, centerCode: c, expiresAt: new Date(e * 1000) };
}

/** The URL a delivery gives for a token, and the exact text the center signs to fetch it. */
export const fileLinkUrl = (callbackBase: string, token: string) => `${callbackBase.replace(/\/+$/, '')}${FILE_LINK_PATH}${token}`;

/** The token of a request path ending in `/callbacks/files/<token>`, or undefined when the path is not one. */
export function fileLinkTokenOf(path: string): string | undefined {
  const at = path.lastIndexOf(FILE_LINK_PATH);
  if (at < 0) return undefined;
  const token = path.slice(at + FILE_LINK_PATH.length);
  return TOKEN.test(token) ? token : undefined;
}

/** A link for one attachment of a delivery to `centerCode`, made at `at`: its URL and when it expires (ISO). */
export function attachmentLink(keyring: Keyring, callbackBase: string, link: Omit<FileLink, 'expiresAt'>, at: Date): { url: string; expiresAt: string } {
  // whole seconds, as the token keeps it
  const expiresAt = new Date(Math.floor((at.getTime() + FILE_LINK_DAYS * 86_400_000) / 1000) * 1000);
  return { url: fileLinkUrl(callbackBase, fileLinkToken(keyring, { ...link, expiresAt })), expiresAt: expiresAt.toISOString() };
}

/**
 * The most one answer carries: 4 MiB, base64-encoded about 5.6 MB, under the roughly 6 MB CloudBase lets an
 * HTTP-triggered function answer. A larger file is fetched in ranges (`Range: bytes=a-b`, 206); a file of at most
 * this size may also be fetched whole (200).
 */
export const RANGE_MAX_BYTES = 4 * 1024 * 1024;

/** What to serve of a file of `size` bytes for a request's Range header: all of it, one part, or a refusal (416) with why. */
export type ServedRange = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'refused'; reason: string };

const RANGE = /^bytes=(\d{1,15})-(\d{1,15})$/;

export function servedRange(header: string | string[] | undefined, size: number): ServedRange {
  if (header === undefined) {
    return size <= RANGE_MAX_BYTES ? { kind: 'whole' } : { kind: 'refused', reason: `文件有 ${size} 字节，超过 ${RANGE_MAX_BYTES} 字节（4 MiB）：请用 Range: bytes=起点-终点 分段下载，每段不超过 4 MiB` };
  }
  const match = typeof header === 'string' ? RANGE.exec(header.trim()) : null;
  if (!match) return { kind: 'refused', reason: 'Range 请求头应为 bytes=起点-终点（一段，两端都写，从 0 算起）' };
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start) return { kind: 'refused', reason: `Range 的终点 ${end} 小于起点 ${start}` };
  if (end - start + 1 > RANGE_MAX_BYTES) return { kind: 'refused', reason: `Range 一段最多 ${RANGE_MAX_BYTES} 字节（4 MiB），请求了 ${end - start + 1} 字节` };
  if (start >= size) return { kind: 'refused', reason: `Range 的起点 ${start} 超出文件（共 ${size} 字节）` };
  return { kind: 'part', start, end: Math.min(end, size - 1) };
}

/** The Content-Range of a part served, e.g. `bytes 0-4194303/10485760`. */
export const contentRange = (start: number, end: number, size: number) => `bytes ${start}-${end}/${size}`;

/** The part a Content-Range names, or undefined when it is not one. */
export function readContentRange(value: string | null | undefined): { start: number; end: number; size: number } | undefined {
  const match = value ? /^bytes (\d{1,15})-(\d{1,15})\/(\d{1,15})$/.exec(value) : null;
  if (!match) return undefined;
  const [start, end, size] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return start <= end && end < size ? { start, end, size } : undefined;
}

/** Whether the parts recorded (Content-Ranges, or null for a whole file) cover every byte of a file of `size` bytes. */
export function coversFile(served: readonly (string | null)[], size: number): boolean {
  if (served.includes(null)) return true;
  const parts = served.flatMap((s) => {
    const part = readContentRange(s);
    return part && part.size === size ? [part] : [];
  });
  let next = 0;
  for (const part of parts.sort((a, b) => a.start - b.start)) if (part.start <= next) next = Math.max(next, part.end + 1);
  return next >= size;
}
