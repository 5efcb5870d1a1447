import type { AttachmentFetchRecord, AttachmentFetchRepository } from '../port';
import { attachmentFetchRow } from '../rows/attachment-fetches';
import { readRow } from '../rows/read';
import { COLLECTIONS, deletedCount, fetchAll, nextSeq, type Db, type Doc } from './sdk';

/**
 * Fetches of deliveries' attachments by their links (SQL migration 25):
 * - `attachmentFetches`: id = nextSeq() (later writes sort after earlier ones); the AttachmentFetchRecord fields,
 *   `at` a date, `byteRange` missing on documents written before the ranges. Indexes: attachmentFetches
 *   (applicationId, at), attachmentFetches (at desc).
 */
export function cloudbaseAttachmentFetches(db: Db): AttachmentFetchRepository {
  const fetches = () => db.collection(COLLECTIONS.attachmentFetches);
  const _ = db.command;
  return {
    async record(fetch) {
      await fetches().add({ _id: nextSeq(), ...fetch });
    },
    async ofApplication(applicationId) {
      return (await fetchAll(COLLECTIONS.attachmentFetches, fetches().where({ applicationId }), ['at', '_id'])).map(toFetch);
    },
    async removeOlderThan(cutoff) {
      return deletedCount(await fetches().where({ at: _.lt(cutoff) }).remove(), COLLECTIONS.attachmentFetches);
    },
  };
}

const toFetch = (doc: Doc): AttachmentFetchRecord => readRow(attachmentFetchRow(), `CloudBase ${COLLECTIONS.attachmentFetches}`, doc);
