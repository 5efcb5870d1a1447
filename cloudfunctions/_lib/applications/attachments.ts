import { createHash, randomBytes } from 'node:crypto';
import { ATTACHMENT_KIND_LABELS, type AttachmentRef, type StoredAttachment } from '../../../src/core/applications/payloads';
import type { AttachmentType } from '../../../src/core/center-api';
import { safeFileName } from '../../../src/core/files';
import { AppError } from '../../../src/core/errors';
import { openBytes, sealBytes, sealedAs } from '../crypto/personal-data';
import { removeWrittenBefore } from '../files/downloads';
import { inspectFile } from '../files/inspect';
import type { ServiceContext } from '../runtime/define';

/**
 * The employee's attachments (purchase contract, invoice). The person uploads each file first (WeChat:
 * wx.cloud.uploadFile to `uploads/<random>`; the local host: POST /upload), so a function call never carries
 * megabytes. At submission each upload is read back, checked by parsing it (a PDF that opens with pages, a JPEG
 * or PNG that decodes, at most 10 MB; inspectFile), named by a safe base name ending as its content does, sealed
 * with the personal-data key and kept with the application; the upload is then removed.
 */

/** Reads and checks every upload; the first bad one is named by its place in the list, and nothing is kept. */
async function readUploads(ctx: ServiceContext, refs: readonly AttachmentRef[]): Promise<{ ref: AttachmentRef; bytes: Buffer; contentType: AttachmentType }[]> {
  const files = ctx.outside.files();
  const read = [];
  for (const [i, ref] of refs.entries()) {
    const field = `payload.attachments.${i}`;
    let bytes: Buffer;
    try {
      bytes = await files.get(ref.fileId);
    } catch {
      throw new AppError('VALIDATION_FAILED', `附件“${ref.name}”未上传成功，请重新选择`, { [field]: '附件未上传成功，请重新选择' });
    }
    const inspected = await inspectFile(bytes);
    if (!inspected.ok) throw new AppError('VALIDATION_FAILED', `附件“${ref.name}”：${inspected.problem}`, { [field]: inspected.problem });
    read.push({ ref, bytes, contentType: inspected.contentType });
  }
  return read;
}

/** Checks the uploads, then keeps each sealed under the application; answers what the application records of them. */
export async function keepAttachments(ctx: ServiceContext, applicationId: string, refs: readonly AttachmentRef[]): Promise<StoredAttachment[]> {
  const read = await readUploads(ctx, refs);
  const keyring = ctx.outside.keyring();
  const kept: StoredAttachment[] = [];
  for (const { ref, bytes, contentType } of read) {
    const id = randomBytes(10).toString('hex');
    const storageKey = await ctx.outside.files().put(`attachments/${applicationId}/${id}`, sealBytes(keyring, sealedAs.attachment(applicationId, id), bytes), 'application/octet-stream');
    const name = safeFileName(ref.name, contentType, ATTACHMENT_KIND_LABELS[ref.kind]);
    kept.push({ id, kind: ref.kind, name, contentType, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, storageKey });
  }
  return kept;
}

/** Removes files; a failure is logged, never raised (the application is stored either way). */
export async function removeFiles(ctx: Pick<ServiceContext, 'outside' | 'log'>, keys: readonly string[]): Promise<void> {
  const files = ctx.outside.files();
  for (const key of keys) {
    try {
      await files.remove(key);
    } catch (error) {
      ctx.log.warn({ err: error, key }, 'could not remove a file');
    }
  }
}

/** The folder the employee's uploads (and testers' screenshots) arrive in, and how long one may wait there to be submitted. */
export const UPLOADS_FOLDER = 'uploads/';
export const UPLOAD_KEPT_HOURS = 24;

/**
 * Removes the uploads written more than UPLOAD_KEPT_HOURS before `now`: a submission (an application's attachment, a
 * finding's screenshot) copies its upload elsewhere and removes it at once, so what is left after a day was never
 * submitted, and holds personal data. A failure to remove one is logged and the others are still removed; answers
 * how many were removed and how many could not be. Where the storage cannot be listed (CloudBase) nothing is done
 * here: the lifecycle rule on uploads/ removes them.
 */
export function removeStaleUploads(ctx: Pick<ServiceContext, 'outside' | 'log' | 'now'>): Promise<{ removed: number; failed: number }> {
  return removeWrittenBefore(ctx.outside.files(), ctx.log, UPLOADS_FOLDER, new Date(ctx.now.getTime() - UPLOAD_KEPT_HOURS * 3600_000));
}

type Opener = Pick<ServiceContext, 'outside'>;

/** One attachment's bytes, opened. */
export async function attachmentBytes(ctx: Opener, applicationId: string, attachment: StoredAttachment): Promise<Buffer> {
  return openBytes(ctx.outside.keyring(), sealedAs.attachment(applicationId, attachment.id), await ctx.outside.files().get(attachment.storageKey));
}
