import type { CertificateCodeRecord, CertificateCodeRepository, CodeReadRecord } from '../port';
import { certificateCodeRow, codeReadRow, readOutcome } from '../rows/certificate-codes';
import { readRow } from '../rows/read';
import { COLLECTIONS, docList, fetchAll, getById, nextSeq, retryConflicts, runTransaction, transactionDoc, type Db, type Doc } from './sdk';

/**
 * Certificate codes and their reads (SQL migration 40):
 * - `certificateCodes`: id = the code's id; the CertificateCodeRecord fields, dates as dates. Index
 *   certificateCodes (applicationId, issuedAt desc). A read is counted in one transaction over the code's document.
 * - `certificateCodeReads`: id = nextSeq(); the CodeReadRecord fields. Index certificateCodeReads (applicationId, at).
 */

const toCode = (doc: Doc): CertificateCodeRecord => readRow(certificateCodeRow(), `CloudBase ${COLLECTIONS.certificateCodes}`, { ...doc, id: doc._id });
const toRead = (doc: Doc): CodeReadRecord => readRow(codeReadRow(), `CloudBase ${COLLECTIONS.certificateCodeReads}`, doc);
const fields = ({ id: _id, ...rest }: CertificateCodeRecord) => rest;

export function cloudbaseCertificateCodes(db: Db): CertificateCodeRepository {
  const codes = () => db.collection(COLLECTIONS.certificateCodes);
  const reads = () => db.collection(COLLECTIONS.certificateCodeReads);
  return {
    async create(code) {
      // add with the id, not set: like SQL's insert, a second code with the same id is refused
      await codes().add({ _id: code.id, ...fields(code) });
    },
    async get(id) {
      const doc = await getById(codes(), id);
      return doc ? toCode(doc) : undefined;
    },
    async latest(applicationId) {
      const [doc] = docList(await codes().where({ applicationId }).orderBy('issuedAt', 'desc').orderBy('_id', 'desc').limit(1).get(), COLLECTIONS.certificateCodes);
      return doc ? toCode(doc) : undefined;
    },
    read: (id, read) =>
      retryConflicts(() =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.certificateCodes).doc(id);
          const found = transactionDoc(await ref.get(), COLLECTIONS.certificateCodes);
          if (!found) return undefined;
          const code = toCode({ ...found, _id: id });
          const outcome = readOutcome(code, read.at);
          if (outcome === 'valid') await ref.update({ readsUsed: code.readsUsed + 1 });
          const record: CodeReadRecord = { codeId: id, applicationId: code.applicationId, ...read, outcome };
          await tx.collection(COLLECTIONS.certificateCodeReads).doc(nextSeq()).set(record);
          return outcome;
        }),
      ),
    async recordRead(read) {
      await reads().add({ _id: nextSeq(), ...read });
    },
    async revokeAll(applicationId, at) {
      const open = (await fetchAll(COLLECTIONS.certificateCodes, codes().where({ applicationId }), '_id')).map(toCode).filter((c) => c.revokedAt === null);
      for (const code of open) await codes().doc(code.id).update({ revokedAt: at });
      return open.length;
    },
    allowAnother: (id, max) =>
      retryConflicts(() =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.certificateCodes).doc(id);
          const found = transactionDoc(await ref.get(), COLLECTIONS.certificateCodes);
          if (!found) return undefined;
          const code = toCode({ ...found, _id: id });
          if (code.revokedAt !== null || code.readsAllowed >= max) return code;
          await ref.update({ readsAllowed: code.readsAllowed + 1 });
          return { ...code, readsAllowed: code.readsAllowed + 1 };
        }),
      ),
    async reads(applicationId) {
      return (await fetchAll(COLLECTIONS.certificateCodeReads, reads().where({ applicationId }), ['at', '_id'])).map(toRead);
    },
  };
}
