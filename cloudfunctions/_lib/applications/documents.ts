import { createHash, randomBytes } from 'node:crypto';
import type { AttachmentType } from '../../../src/core/center-api';
import { AppError } from '../../../src/core/errors';
import { safeFileName, type FileLink } from '../../../src/core/files';
import { openBytes, sealBytes, sealedAs } from '../crypto/personal-data';
import { linkOpenedCopy } from '../files/downloads';
import type { ServiceContext } from '../runtime/define';
import type { DocumentRecord } from '../store/port';
import { removeFiles } from './attachments';
import { ownApplication } from './views';

/** Result documents (a certificate a center issues): sealed into the file store with the move that brings them. */

/**
 * A result document of the caller's own application, handed out by link: an opened copy the caller alone may fetch
 * for FILE_LINK_MINUTES (linkOpenedCopy), never its bytes in the answer. Its type is what its content is (never
 * what was declared), its name a safe base name ending as that type does.
 */
export async function getDocument(ctx: ServiceContext, openid: string, id: string, documentId: string): Promise<FileLink> {
  await ownApplication(ctx, openid, id);
  const doc = (await ctx.store.applications.documents(id)).find((d) => d.id === documentId);
  if (!doc) throw new AppError('APPLICATION_NOT_FOUND', '没有找到这份文件');
  const open = async () => openBytes(ctx.outside.keyring(), sealedAs.document(id, doc.id), await ctx.outside.files().get(doc.storageKey));
  return linkOpenedCopy(ctx, openid, { storageKey: doc.storageKey, name: doc.name, sha256: doc.sha256, open }, '证明');
}

/**
 * Seals a result document's bytes into the file store and answers its record, to be written with the move
 * that brings it. `contentType` is the type its content was found to be (inspectFile), and names its extension.
 */
export async function storeDocument(ctx: ServiceContext, applicationId: string, centerCode: string, name: string, contentType: AttachmentType, bytes: Buffer): Promise<DocumentRecord> {
  const id = randomBytes(10).toString('hex');
  const sealed = sealBytes(ctx.outside.keyring(), sealedAs.document(applicationId, id), bytes);
  const storageKey = await ctx.outside.files().put(`documents/${applicationId}/${id}`, sealed, 'application/octet-stream');
  const safeName = safeFileName(name, contentType, '证明');
  return { id, applicationId, centerCode, name: safeName, contentType, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, storageKey, at: ctx.now };
}

/**
 * Removes the files of documents written for a move that did not record them (refused, unchanged, a repeated
 * callback, or an error): a file is kept only with its record. When the records cannot be read, the files stay
 * (an error after the commit may have recorded them) and a warning is logged.
 */
export async function discardUnrecorded(ctx: ServiceContext, applicationId: string, written: readonly DocumentRecord[]): Promise<void> {
  if (written.length === 0) return;
  let recorded: Set<string>;
  try {
    recorded = new Set((await ctx.store.applications.documents(applicationId)).map((d) => d.id));
  } catch (error) {
    ctx.log.warn({ err: error, applicationId }, 'could not tell which documents were recorded; their files stay');
    return;
  }
  await removeFiles(ctx, written.filter((d) => !recorded.has(d.id)).map((d) => d.storageKey));
}
