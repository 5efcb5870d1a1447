import type { CertificateCodeRecord, CertificateCodeRepository, CodeReadRecord } from '../port';
import { certificateCodeRow, codeReadRow, readOutcome } from '../rows/certificate-codes';
import { readRow } from '../rows/read';
import { COLLECTIONS, docList, fetchAll, getById, nextSeq, retryConflicts, runTransaction, str, transactionDoc, type Db, type Doc, type Transaction } from './sdk';

/**
 * Certificate codes and their reads (SQL migration 40):
 * - `certificateCodes`: id = the code's id; the CertificateCodeRecord fields, dates as dates. Index
 *   certificateCodes (applicationId, issuedAt desc). A read is counted in one transaction over the code's document.
 * - `certificateCodeReads`: id = nextSeq(); the CodeReadRecord fields. Index certificateCodeReads (applicationId, at).
 * - `certificateCodeSlots`: id = the application's id; `codeId`, its latest code. A code is created in one transaction
 *   with its slot and the revoke of the code it replaces, so a case has one open code (SQL migration 46).
 */

const toCode = (doc: Doc): CertificateCodeRecord => readRow(certificateCodeRow(), `CloudBase ${COLLECTIONS.certificateCodes}`, { ...doc, id: doc._id });
const toRead = (doc: Doc): CodeReadRecord => readRow(codeReadRow(), `CloudBase ${COLLECTIONS.certificateCodeReads}`, doc);
const fields = ({ id: _id, ...rest }: CertificateCodeRecord) => rest;

/** A code read inside a transaction, with the reference to write it by. */
async function codeIn(tx: Transaction, id: string) {
  const ref = tx.collection(COLLECTIONS.certificateCodes).doc(id);
  const found = transactionDoc(await ref.get(), COLLECTIONS.certificateCodes);
  return found ? { ref, code: toCode({ ...found, _id: id }) } : undefined;
}

export function cloudbaseCertificateCodes(db: Db): CertificateCodeRepository {
  const codes = () => db.collection(COLLECTIONS.certificateCodes);
  const reads = () => db.collection(COLLECTIONS.certificateCodeReads);
  return {
    async create(code, replacing) {
      const made = await retryConflicts(() =>
        runTransaction(db, async (tx) => {
          // the case still the holder's and the holder still bound (not unbound or erased since the caller looked)
          const app = transactionDoc(await tx.collection(COLLECTIONS.applications).doc(code.applicationId).get(), COLLECTIONS.applications);
          const identity = transactionDoc(await tx.collection(COLLECTIONS.identities).doc(code.openid).get(), COLLECTIONS.identities);
          if (!app || app.openid !== code.openid || !identity) return undefined;
          // the case's slot names its latest code: of two creates at once, both write it, so the later conflicts,
          // runs again and finds the earlier one's code open
          const slot = tx.collection(COLLECTIONS.certificateCodeSlots).doc(code.applicationId);
          const slotDoc = transactionDoc(await slot.get(), COLLECTIONS.certificateCodeSlots);
          // no slot yet: the code the caller saw, if any (a case shown before slots were kept)
          const latestId = slotDoc ? str(slotDoc, 'codeId', COLLECTIONS.certificateCodeSlots) : replacing;
          const latest = latestId === undefined ? undefined : await codeIn(tx, latestId);
          if (latest && latest.code.revokedAt === null) {
            if (latest.code.id !== replacing && readOutcome(latest.code, code.issuedAt) === 'valid') return latest.code;
            await latest.ref.update({ revokedAt: code.issuedAt });
          }
          // add with the id, not set: like SQL's insert, a second code with the same id is refused
          await tx.collection(COLLECTIONS.certificateCodes).add({ _id: code.id, ...fields(code) });
          await slot.set({ codeId: code.id });
          return code;
        }),
      );
      // an unbinding or erasure that removed the identity while the code was made: the code goes (it was never shown,
      // and so names no erased openid)
      if (made?.id !== code.id || (await getById(db.collection(COLLECTIONS.identities), code.openid)) !== undefined) return made;
      await codes().doc(code.id).remove();
      return undefined;
    },
    async get(id) {
      const doc = await getById(codes(), id);
      return doc ? toCode(doc) : undefined;
    },
    async latest(applicationId) {
      const [doc] = docList(await codes().where({ applicationId }).orderBy('issuedAt', 'desc').orderBy('_id', 'desc').limit(1).get(), COLLECTIONS.certificateCodes);
      return doc ? toCode(doc) : undefined;
    },
    async list(applicationId) {
      return (await fetchAll(COLLECTIONS.certificateCodes, codes().where({ applicationId }), ['issuedAt', '_id'])).map(toCode);
    },
    read: (id, read) =>
      retryConflicts(() =>
        runTransaction(db, async (tx) => {
          const found = await codeIn(tx, id);
          if (!found) return undefined;
          const { ref, code } = found;
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
          const found = await codeIn(tx, id);
          if (!found) return undefined;
          const { ref, code } = found;
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
