import type { AccountDeletion, PrivacyRepository } from '../port';
import { accountDeletionRow } from '../rows/privacy';
import { readRow } from '../rows/read';
import { COLLECTIONS, deletedCount, fetchAll, forEachLimited, getById, isDoc, runTransaction, str, transactionDoc, WRITE_CONCURRENCY, type Db, type Doc } from './sdk';

/**
 * Unbinding and account deletion (SQL migration 39):
 * - `accountDeletions`: id = openid; the AccountDeletion fields, requestedAt and dueAt as dates. Index: dueAt.
 * The erasure is not one transaction as in SQL (CloudBase transactions address single documents by id): each step
 * removes or rewrites what is left, and the request is removed last, so a run that dies half way is finished by the
 * next daily run.
 */
export function cloudbasePrivacy(db: Db): PrivacyRepository {
  const _ = db.command;
  const deletions = () => db.collection(COLLECTIONS.accountDeletions);
  const removeWhere = async (collection: string, where: object) => deletedCount(await db.collection(collection).where(where).remove(), collection);
  // the identity goes last: an unbinding cut off half way still finds it, and asking again finishes the rest
  const unbind = async (openid: string, at: Date) => {
    await db.collection(COLLECTIONS.certificateCodes).where({ openid, revokedAt: null }).update({ revokedAt: at });
    const verifications = await removeWhere(COLLECTIONS.verifications, { openid });
    const counterRequests = await removeWhere(COLLECTIONS.counterRequests, { openid });
    return { identities: await removeWhere(COLLECTIONS.identities, { _id: openid }), verifications, counterRequests };
  };
  return {
    requestDeletion: (d) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.accountDeletions).doc(d.openid);
        const held = transactionDoc(await ref.get(), COLLECTIONS.accountDeletions);
        if (held) return toDeletion(held);
        await ref.set({ ...d });
        return d;
      }),
    async deletionOf(openid) {
      const doc = await getById(deletions(), openid);
      return doc ? toDeletion(doc) : undefined;
    },
    async cancelDeletion(openid) {
      return (await removeWhere(COLLECTIONS.accountDeletions, { _id: openid })) > 0;
    },
    async dueDeletions(now) {
      return (await fetchAll(COLLECTIONS.accountDeletions, deletions().where({ dueAt: _.lte(now) }), ['dueAt', '_id'])).map(toDeletion);
    },
    async unbind(openid, at) {
      return Object.values(await unbind(openid, at)).some((n) => n > 0);
    },
    async erase(deletion, tombstone, resealed, at) {
      const { openid } = deletion;
      // cancelled during the run: nothing is erased (the request is removed last, so a run cut off is finished later)
      const held = await getById(deletions(), openid);
      if (!held || toDeletion(held).id !== deletion.id) return undefined;
      const unbound = await unbind(openid, at);
      await db.collection(COLLECTIONS.certificateCodes).where({ openid }).update({ openid: tombstone });
      const consents = await removeWhere(COLLECTIONS.consents, { openid });
      const roles = await removeWhere(COLLECTIONS.roles, { _id: openid });
      const rated = await fetchAll(COLLECTIONS.ratings, db.collection(COLLECTIONS.ratings).where({ openid }), '_id');
      await forEachLimited(rated, WRITE_CONCURRENCY, async (doc) => {
        await db.collection(COLLECTIONS.ratings).where({ _id: doc._id, openid }).update({ openid: tombstone, comment: null });
      });
      const sealedFor = new Map(resealed.map((r) => [r.applicationId, r]));
      // only the applications sealed again: one submitted since stays the person's
      const apps = (await fetchAll(COLLECTIONS.applications, db.collection(COLLECTIONS.applications).where({ openid }), '_id')).filter((doc: Doc) => sealedFor.has(str(doc, '_id', COLLECTIONS.applications)));
      await forEachLimited(apps, WRITE_CONCURRENCY, async (doc) => {
        const id = str(doc, '_id', COLLECTIONS.applications);
        const again = sealedFor.get(id);
        if (!again) return;
        // one document, one update: the owner, the events it acted in (kept inside it, decision 017) and the applicant
        // copy sealed for it change together, while the document is as read (rev): after a move in between, read again
        for (let current: Doc | undefined = doc; current?.openid === openid; current = await getById(db.collection(COLLECTIONS.applications), id)) {
          const events = Array.isArray(current.events) ? current.events.map((e: unknown) => (isDoc(e) && e.actorId === openid ? { ...e, actorId: tombstone } : e)) : [];
          const reply = await db
            .collection(COLLECTIONS.applications)
            .where({ _id: id, openid, rev: current.rev })
            .update({ openid: tombstone, events, rev: _.inc(1), applicant: _.set({ docType: applicantDocType(doc), nameSealed: again.nameSealed, docNumberSealed: again.docNumberSealed }) });
          if (isDoc(reply) && reply.updated === 1) break;
        }
      });
      await removeWhere(COLLECTIONS.accountDeletions, { _id: openid });
      const ratingComments = rated.filter((doc: Doc) => typeof doc.comment === 'string').length;
      return { ...unbound, consents, roles, applicationsDetached: apps.length, ratingComments };
    },
  };
}

/** The document type of an application's applicant copy, kept as it was when the copy is sealed again. */
const applicantDocType = (doc: Doc): string => {
  const applicant = doc.applicant;
  return isDoc(applicant) ? str(applicant, 'docType', COLLECTIONS.applications) : '';
};

const toDeletion = (doc: Doc): AccountDeletion => readRow(accountDeletionRow(), `CloudBase ${COLLECTIONS.accountDeletions}`, doc);
