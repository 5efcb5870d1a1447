import { randomBytes } from 'node:crypto';
import { sniffAttachment } from '../../../src/core/center-api';
import { EXTENSION_OF, FILE_LINK_MINUTES, safeFileName, type FileLink } from '../../../src/core/files';
import type { ServiceContext } from '../runtime/define';
import type { FileStore } from './port';

/**
 * Files handed to a person by link instead of inside a function's answer (issue 16, point 2): a certificate an
 * employee opens, an attachment a center's staff open. Both are sealed at rest; the person's device cannot open
 * them, so an opened copy is written under `downloads/<random>.<ext>` and linked to the caller for
 * FILE_LINK_MINUTES (FileStore.link: CloudBase's temporary URL deployed; the local host's /downloads/<token>,
 * served to the grant's openid alone).
 *
 * Why an opened copy rather than none: on CloudBase a temporary URL serves a stored object as it is, so only a
 * copy in the clear can be fetched by the phone (anything else would mean opening the sealed bytes on the phone,
 * with a key the phone must never hold). The local host could serve the sealed file through a route that opens
 * it, but then the local host would no longer try the path that runs deployed; one path for both is kept.
 *
 * How the copy goes: the key is flat (a random name directly in `downloads/`) so the daily sweep lists the folder
 * once and removes every copy written more than FILE_LINK_MINUTES ago, whose link has ended (removeExpiredDownloads,
 * run by centers-daily where the storage can be listed: the local host). CloudBase storage cannot be listed by the
 * node SDK: there a lifecycle rule on `downloads/` removes copies after a day (its shortest period); until then a
 * copy can be fetched only by a temporary URL, and those end after FILE_LINK_MINUTES.
 */
export const DOWNLOADS_FOLDER = 'downloads/';

/** What is handed out: the opened bytes with the name and sha256 kept with them. */
export interface OpenedFile {
  name: string;
  sha256: string;
  bytes: Buffer;
}

/**
 * Writes an opened copy of `file` under `downloads/` and answers the caller's link to it, for FILE_LINK_MINUTES from
 * the call. The type is what the content is (never what was declared), the name a safe base name ending as that type
 * does (`fallback` for an empty one). A file that no longer reads as a PDF, JPEG or PNG is not handed out.
 */
export async function linkOpenedCopy(ctx: Pick<ServiceContext, 'outside' | 'now'>, openid: string, file: OpenedFile, fallback: string): Promise<FileLink> {
  const detected = sniffAttachment(file.bytes);
  // every file was parsed before it was kept: one that no longer reads as one is damaged storage, not a person's error
  if (!detected.ok) throw new Error(`a stored file (${file.sha256}) is no longer a PDF, JPEG or PNG`);
  const { contentType } = detected;
  const name = safeFileName(file.name, contentType, fallback);
  const files = ctx.outside.files();
  const key = await files.put(`${DOWNLOADS_FOLDER}${randomBytes(16).toString('hex')}.${EXTENSION_OF[contentType]}`, file.bytes, contentType);
  const expiresAt = new Date(ctx.now.getTime() + FILE_LINK_MINUTES * 60_000);
  const url = await files.link(key, { openid, name, contentType, expiresAt });
  return { name, contentType, sha256: file.sha256, size: file.bytes.length, url, expiresAt: expiresAt.toISOString() };
}

/**
 * Removes from `folder` the files written before `before`; a failure to remove one is logged (counted, never named)
 * and the others are still removed. Where the storage cannot be listed (CloudBase) nothing is done: a lifecycle
 * rule on the folder removes them there. Answers how many were removed and how many could not be.
 */
export async function removeWrittenBefore(files: FileStore, log: ServiceContext['log'], folder: string, before: Date): Promise<{ removed: number; failed: number }> {
  if (!files.list) return { removed: 0, failed: 0 };
  let removed = 0;
  let failed = 0;
  for (const file of await files.list(folder)) {
    if (file.writtenAt.getTime() >= before.getTime()) continue;
    try {
      await files.remove(file.storedKey);
      removed++;
    } catch (error) {
      failed++;
      log.warn({ err: error, folder }, 'could not remove a file of a swept folder');
    }
  }
  return { removed, failed };
}

/** Removes the opened copies whose links have ended (written more than FILE_LINK_MINUTES before `now`). */
export function removeExpiredDownloads(ctx: Pick<ServiceContext, 'outside' | 'log' | 'now'>): Promise<{ removed: number; failed: number }> {
  return removeWrittenBefore(ctx.outside.files(), ctx.log, DOWNLOADS_FOLDER, new Date(ctx.now.getTime() - FILE_LINK_MINUTES * 60_000));
}
