import type { AccountDeletion, PrivacyRepository } from '../port';
import { accountDeletionRow } from '../rows/privacy';
import { readRow } from '../rows/read';
import { cloudbaseAudit } from './person-docs';
import { COLLECTIONS, deletedCount, fetchAll, forEachLimited, getById, isDoc, runTransaction, str, transactionDoc, WRITE_CONCURRENCY, type Db, type Doc } from './sdk';

/**
 * Unbinding and account deletion (SQL migration 39):
 * - `accountDeletions`: id = openid; the AccountDeletion fields, requestedAt and dueAt as dates. Index: dueAt.
 * The erasure is not one transaction as in SQL (CloudBase transactions address single documents by id): it checks the
 * request and the person's cases first, each step removes or rewrites what is left, the audit is appended before the
 * request is removed, and the request is removed last, so a run that dies half way is finished by the next daily run.
 */
export function cloudbasePrivacy(db: Db): PrivacyRepository {
  const _ = db.command;
  const deletions = () => db.collection(COLLECTIONS.accountDeletions);
  const applications = () => db.collection(COLLECTIONS.applications);
  const removeWhere = async (collection: string, where: object) => deletedCount(await db.collection(collection).where(where).remove(), collection);
  // the window counters it wrote last go too: the next check counts again from the attempts left (person-docs.ts)
  const removeAttempts = async (openid: string) => {
    await removeWhere(COLLECTIONS.attemptCounters, { openid });
    return removeWhere(COLLECTIONS.attempts, { openid });
  };
  // the identity goes last: an unbinding cut off half way still finds it, and asking again finishes the rest
  const unbind = async (openid: string, at: Date, attemptsToo: boolean) => {
    await db.collection(COLLECTIONS.certificateCodes).where({ openid, revokedAt: null }).update({ revokedAt: at });
    const verifications = await removeWhere(COLLECTIONS.verifications, { openid });
    const counterRequests = await removeWhere(COLLECTIONS.counterRequests, { openid });
    const attempts = attemptsToo ? await removeAttempts(openid) : 0;
    return { identities: await removeWhere(COLLECTIONS.identities, { _id: openid }), verifications, counterRequests, attempts };
  };
  const casesOf = (openid: string) => fetchAll(COLLECTIONS.applications, applications().where({ openid }), '_id');
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
      // the attempts only with an identity: someone never bound cannot start their limits afresh by asking to unbind
      const bound = (await getById(db.collection(COLLECTIONS.identities), openid)) !== undefined;
      return Object.values(await unbind(openid, at, bound)).some((n) => n > 0);
    },
    async erase(deletion, tombstone, resealed, at, audited) {
      const { openid } = deletion;
      // cancelled during the run: nothing is erased (the request is removed last, so a run cut off is finished later)
      const held = await getById(deletions(), openid);
      if (!held || toDeletion(held).id !== deletion.id) return { outcome: 'cancelled' };
      const sealedFor = new Map(resealed.map((r) => [r.applicationId, r]));
      // a case in flight, or one the run did not seal again (submitted since it listed them): nothing erased, the request waits
      const cases = await casesOf(openid);
      const detach = cases.flatMap((doc) => {
        const again = sealedFor.get(str(doc, '_id', COLLECTIONS.applications));
        return again && doc.inFlightKey === null ? [{ doc, again }] : [];
      });
      if (detach.length < cases.length) return { outcome: 'waiting' };
      const unbound = await unbind(openid, at, true);
      await db.collection(COLLECTIONS.certificateCodes).where({ openid }).update({ openid: tombstone });
      const consents = await removeWhere(COLLECTIONS.consents, { openid });
      const roles = await removeWhere(COLLECTIONS.roles, { _id: openid });
      const rated = await fetchAll(COLLECTIONS.ratings, db.collection(COLLECTIONS.ratings).where({ openid }), '_id');
      await forEachLimited(rated, WRITE_CONCURRENCY, async (doc) => {
        await db.collection(COLLECTIONS.ratings).where({ _id: doc._id, openid }).update({ openid: tombstone, comment: null });
      });
      await forEachLimited(detach, WRITE_CONCURRENCY, async ({ doc, again }) => {
        const id = str(doc, '_id', COLLECTIONS.applications);
        // one document, one update: the owner, the events it acted in (kept inside it, decision 017) and the applicant
        // copy sealed for it change together, while the document is as read (rev): after a move in between, read again
        for (let current: Doc | undefined = doc; current?.openid === openid; current = await getById(applications(), id)) {
          const events = Array.isArray(current.events) ? current.events.map((e: unknown) => (isDoc(e) && e.actorId === openid ? { ...e, actorId: tombstone } : e)) : [];
          const reply = await applications()
            .where({ _id: id, openid, rev: current.rev })
            .update({ openid: tombstone, events, rev: _.inc(1), applicant: _.set({ docType: applicantDocType(doc), nameSealed: again.nameSealed, docNumberSealed: again.docNumberSealed }) });
          if (isDoc(reply) && reply.updated === 1) break;
        }
      });
      const ratingComments = rated.filter((doc: Doc) => typeof doc.comment === 'string').length;
      const counts = { ...unbound, consents, roles, applicationsDetached: detach.length, ratingComments };
      await cloudbaseAudit(db).append(audited(counts));
      // a case submitted while this ran stays the person's, readable, and the request with it for the next run
      if ((await casesOf(openid)).length === 0) await removeWhere(COLLECTIONS.accountDeletions, { _id: openid });
      return { outcome: 'erased', counts };
    },
  };
}

/** The document type of an application's applicant copy, kept as it was when the copy is sealed again. */
const applicantDocType = (doc: Doc): string => {
  const applicant = doc.applicant;
  return isDoc(applicant) ? str(applicant, 'docType', COLLECTIONS.applications) : '';
};

const toDeletion = (doc: Doc): AccountDeletion => readRow(accountDeletionRow(), `CloudBase ${COLLECTIONS.accountDeletions}`, doc);
