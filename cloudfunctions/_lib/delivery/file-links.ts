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
