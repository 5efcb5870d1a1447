import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import { ATTACHMENT_TYPES, sniffAttachment } from '../../../src/core/center-api';
import { EXTENSION_OF, FILE_LINK_MINUTES, safeFileName, type FileLink, type MadeFileLink } from '../../../src/core/files';
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
 * How the copy goes: each copy is recorded when it is written (its key, the end of its link, whom and which file it
 * was for) in one store meta entry, DOWNLOAD_COPIES_KEY, changed by compare-and-set so concurrent calls lose no
 * record. The relay's one-minute timer removes the copies whose time has ended (removeEndedCopies), deployed too,
 * where the storage cannot be listed; a copy therefore outlives its link by at most a minute. A second call for the
 * same file by the same person while its copy has at least half its time left is answered with that copy (a link to
 * the same key ending when it does): tapping 重新下载 twenty times writes one copy. Why a meta entry rather than a
 * table: the copies alive at once are those of the last FILE_LINK_MINUTES, a short list, and the meta entry exists
 * in both stores with compare-and-set already, so no migration, collection or index is added. Backstops: the daily
 * sweep (removeExpiredDownloads, where the storage lists: the local host) and the lifecycle rule on `downloads/`
 * (CloudBase, a day) remove any copy whose record was lost (a call that failed between writing and recording).
 */
export const DOWNLOADS_FOLDER = 'downloads/';
/** The store meta entry listing the opened copies alive under `downloads/`. */
export const DOWNLOAD_COPIES_KEY = 'downloads.copies';
/** A copy is handed out again while at least this much of its time is left (half a link's); else a new one is written. */
const REUSE_LEFT_MS = (FILE_LINK_MINUTES * 60_000) / 2;
/** How many times a change of the record is tried again when another call changed it first. */
const RECORD_TRIES = 8;

/**
 * One recorded copy: its key, when it ends, and `for`, a hash of the file's stored key and the person's openid
 * (which file for whom, without naming either), with what its link answers beside the URL.
 */
const CopySchema = z.object({
  key: z.string(),
  for: z.string(),
  expiresAt: z.iso.datetime(),
  name: z.string(),
  contentType: z.enum([...ATTACHMENT_TYPES, 'application/json']),
  size: z.number(),
});
type Copy = z.infer<typeof CopySchema>;
const CopiesSchema = z.array(CopySchema);

/** The file to hand out: where it is stored (which file it is), its name and sha256, and how to open its bytes. */
export interface StoredFileToOpen {
  storageKey: string;
  name: string;
  sha256: string;
  open(): Promise<Buffer>;
}

type CopyContext = Pick<ServiceContext, 'outside' | 'now' | 'store' | 'log'>;

/** The recorded copies and the raw value they were read from (for compare-and-set); an unreadable record counts as none. */
async function readCopies(ctx: CopyContext): Promise<{ raw: string | undefined; copies: Copy[] }> {
  const raw = await ctx.store.meta.get(DOWNLOAD_COPIES_KEY);
  if (raw === undefined) return { raw, copies: [] };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  const parsed = CopiesSchema.safeParse(json);
  if (!parsed.success) ctx.log.warn('the record of opened copies could not be read; the lifecycle rule and the daily sweep remove them');
  return { raw, copies: parsed.success ? parsed.data : [] };
}

/** Changes the record by `change` (compare-and-set, tried again when another call came first); answers what `change` answered. */
async function changeCopies<T>(ctx: CopyContext, change: (copies: Copy[]) => { copies: Copy[]; result: T }): Promise<T> {
  for (let tries = 0; ; tries++) {
    const { raw, copies } = await readCopies(ctx);
    const { copies: next, result } = change(copies);
    if (await ctx.store.meta.compareAndSet(DOWNLOAD_COPIES_KEY, raw, JSON.stringify(next))) return result;
    if (tries + 1 >= RECORD_TRIES) throw new Error('the record of opened copies kept changing under this call');
  }
}

const copyFor = (storageKey: string, openid: string) => createHash('sha256').update(`${storageKey}\n${openid}`).digest('hex');

/**
 * Answers the caller's link to an opened copy of `file` until the copy ends: the live copy written for the same file
 * and person when it has at least half its time left, else a new copy under `downloads/` recorded for the relay's
 * timer to remove FILE_LINK_MINUTES after the call. The type is what the content is (never what was declared), the
 * name a safe base name ending as that type does (`fallback` for an empty one). A file that no longer reads as a
 * PDF, JPEG or PNG is not handed out.
 */
export async function linkOpenedCopy(ctx: CopyContext, openid: string, file: StoredFileToOpen, fallback: string): Promise<FileLink> {
  const files = ctx.outside.files();
  const forWhom = copyFor(file.storageKey, openid);
  const live = (await readCopies(ctx)).copies.find((c) => c.for === forWhom && Date.parse(c.expiresAt) - ctx.now.getTime() >= REUSE_LEFT_MS);
  if (live && live.contentType !== 'application/json') {
    const expiresAt = new Date(live.expiresAt);
    const url = await files.link(live.key, { openid, name: live.name, contentType: live.contentType, expiresAt });
    return { name: live.name, contentType: live.contentType, sha256: file.sha256, size: live.size, url, expiresAt: live.expiresAt };
  }
  const bytes = await file.open();
  const detected = sniffAttachment(bytes);
  // every file was parsed before it was kept: one that no longer reads as one is damaged storage, not a person's error
  if (!detected.ok) throw new Error(`a stored file (${file.sha256}) is no longer a PDF, JPEG or PNG`);
  const { contentType } = detected;
  const name = safeFileName(file.name, contentType, fallback);
  const expiresAt = new Date(ctx.now.getTime() + FILE_LINK_MINUTES * 60_000);
  const key = await files.put(`${DOWNLOADS_FOLDER}${randomBytes(16).toString('hex')}.${EXTENSION_OF[contentType]}`, bytes, contentType);
  const copy: Copy = { key, for: forWhom, expiresAt: expiresAt.toISOString(), name, contentType, size: bytes.length };
  await changeCopies(ctx, (copies) => ({ copies: [...copies, copy], result: undefined }));
  const url = await files.link(key, { openid, name, contentType, expiresAt });
  return { name, contentType, sha256: file.sha256, size: bytes.length, url, expiresAt: copy.expiresAt };
}


/**
 * Writes `bytes` (JSON made for `openid`) under `downloads/` and answers the caller's link to it for FILE_LINK_MINUTES,
 * recorded like an opened copy so the relay's timer removes it when its time has ended. Each call writes a new file:
 * what it holds is read at the call.
 */
export async function linkMadeFile(ctx: CopyContext, openid: string, name: string, bytes: Buffer): Promise<MadeFileLink> {
  const contentType = 'application/json';
  const expiresAt = new Date(ctx.now.getTime() + FILE_LINK_MINUTES * 60_000);
  const key = await ctx.outside.files().put(`${DOWNLOADS_FOLDER}${randomBytes(16).toString('hex')}.json`, bytes, contentType);
  const copy: Copy = { key, for: randomBytes(16).toString('hex'), expiresAt: expiresAt.toISOString(), name, contentType, size: bytes.length };
  await changeCopies(ctx, (copies) => ({ copies: [...copies, copy], result: undefined }));
  const url = await ctx.outside.files().link(key, { openid, name, contentType, expiresAt });
  return { name, contentType, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, url, expiresAt: copy.expiresAt };
}

/**
 * Removes the recorded copies whose time has ended (run by the relay's one-minute timer), and takes them off the
 * record; a copy that could not be removed stays recorded for the next minute (logged, counted). Nothing is listed,
 * so it works where the storage cannot be (CloudBase). Answers how many were removed and how many could not be.
 */
export async function removeEndedCopies(ctx: CopyContext): Promise<{ removed: number; failed: number }> {
  // a failure here never stops the relay's deliveries beside it: the next minute tries again
  try {
    const ended = (await readCopies(ctx)).copies.filter((c) => Date.parse(c.expiresAt) <= ctx.now.getTime());
    if (ended.length === 0) return { removed: 0, failed: 0 };
    const gone = new Set<string>();
    for (const copy of ended) {
      try {
        await ctx.outside.files().remove(copy.key);
        gone.add(copy.key);
      } catch (error) {
        ctx.log.warn({ err: error }, 'could not remove an opened copy whose link has ended');
      }
    }
    await changeCopies(ctx, (copies) => ({ copies: copies.filter((c) => !gone.has(c.key)), result: undefined }));
    return { removed: gone.size, failed: ended.length - gone.size };
  } catch (error) {
    ctx.log.warn({ err: error }, 'could not sweep the opened copies whose links have ended');
    return { removed: 0, failed: 0 };
  }
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
