import type { AccountDeletion, AuditEntry, DeletionCancel, ErasedCounts, PrivacyRepository } from '../port';
import { accountDeletionRow, ownLookupEnding, ownSubjectEnding } from '../rows/privacy';
import { readRow } from '../rows/read';
import { COLLECTIONS, deletedCount, fetchAll, forEachLimited, getById, isDoc, nextSeq, runTransaction, str, transactionDoc, updatedCount, WRITE_CONCURRENCY, type Collection, type Db, type Doc } from './sdk';

/**
 * Unbinding and account deletion (SQL migration 39):
 * - `accountDeletions`: id = openid; the AccountDeletion fields, requestedAt and dueAt as dates, and `erasingAt` once
 *   the daily run has begun erasing (a cancel is then refused). Index: dueAt.
 * The erasure is not one transaction as in SQL (CloudBase transactions address single documents by id): it checks the
 * person's cases, then marks the request (in a transaction, if it is still the same request), each step removes or
 * rewrites what is left, the audit entry comes before the request is removed, and the request is removed last, only if
 * it is still that one, so a run that dies half way is finished by the next daily run, which finds the mark. A case
 * that came in while a run erased stays the person's with the request; the run that later detaches it records that
 * in an entry of its own (auditRun).
 */
export function cloudbasePrivacy(db: Db): PrivacyRepository {
  const _ = db.command;
  const deletions = () => db.collection(COLLECTIONS.accountDeletions);
  const applications = () => db.collection(COLLECTIONS.applications);
  const removeWhere = async (collection: string, where: object) => deletedCount(await db.collection(collection).where(where).remove(), collection);
  /*
   * The person's own attempts go (rows/privacy.ts): those naming the openid, by subject, so also those recorded before
   * attempts held an openid, and those of theirs naming their own ID (read before the identity goes). The window
   * counters of those subjects go too, counted again from the attempts left (person-docs.ts). The others they
   * recorded, and the counters they wrote last, protect someone else: they stay, naming no account.
   */
  const removeAttempts = async (openid: string) => {
    const identity = await getById(db.collection(COLLECTIONS.identities), openid);
    const own = [
      { subject: endingWith(ownSubjectEnding(openid)) },
      ...(identity ? [{ openid, subject: endingWith(ownLookupEnding(str(identity, 'docLookup', COLLECTIONS.identities))) }] : []),
    ];
    let removed = 0;
    for (const where of own) {
      const subjects = new Set((await fetchAll(COLLECTIONS.attempts, db.collection(COLLECTIONS.attempts).where(where), '_id')).map((doc) => str(doc, 'subject', COLLECTIONS.attempts)));
      removed += await removeWhere(COLLECTIONS.attempts, where);
      if (subjects.size > 0) await removeWhere(COLLECTIONS.attemptCounters, { subject: _.in([...subjects]) });
    }
    for (const collection of [COLLECTIONS.attempts, COLLECTIONS.attemptCounters]) await db.collection(collection).where({ openid }).update({ openid: null });
    return removed;
  };
  // the identity goes last: an unbinding cut off half way still finds it, and asking again finishes the rest
  const unbind = async (openid: string, at: Date, attemptsToo: boolean) => {
    const revokeCodes = () => db.collection(COLLECTIONS.certificateCodes).where({ openid, revokedAt: null }).update({ revokedAt: at });
    await revokeCodes();
    const verifications = await removeWhere(COLLECTIONS.verifications, { openid });
    const counterRequests = await removeWhere(COLLECTIONS.counterRequests, { openid });
    const attempts = attemptsToo ? await removeAttempts(openid) : 0;
    const identities = await removeWhere(COLLECTIONS.identities, { _id: openid });
    // again: a code made meanwhile saw the identity still there (one made after finds it gone and removes itself)
    await revokeCodes();
    return { identities, verifications, counterRequests, attempts };
  };
  const casesOf = (openid: string) => fetchAll(COLLECTIONS.applications, applications().where({ openid }), '_id');
  /** The person's request in a transaction: `change` sees it (if there) and may write it. */
  const withRequest = <T>(openid: string, change: (held: Doc | undefined, ref: ReturnType<Collection['doc']>) => Promise<T>) =>
    runTransaction(db, async (tx) => {
      const ref = tx.collection(COLLECTIONS.accountDeletions).doc(openid);
      return change(transactionDoc(await ref.get(), COLLECTIONS.accountDeletions), ref);
    });
  const isThis = (held: Doc | undefined, deletion: AccountDeletion): held is Doc => held !== undefined && toDeletion(held).id === deletion.id;
  /*
   * Every run that removed or detached something records what it did, as SQL's audit row in its transaction: the
   * request's first entry (`_id` account.deleted:<request id>) always, a later run's (a case that came in meanwhile,
   * detached once it ended) only when it changed something, so a run cut off after its entry and finished by the next
   * adds none. In a transaction: two runs at once never write the first entry twice.
   */
  const auditRun = (deletion: AccountDeletion, counts: ErasedCounts, e: AuditEntry) =>
    runTransaction(db, async (tx) => {
      const first = `account.deleted:${deletion.id}`;
      const written = transactionDoc(await tx.collection(COLLECTIONS.audit).doc(first).get(), COLLECTIONS.audit) !== undefined;
      if (written && Object.values(counts).every((n) => n === 0)) return;
      const seq = nextSeq();
      await tx.collection(COLLECTIONS.audit).doc(written ? `${first}:${seq}` : first).set({ at: e.at, actor: e.actor, action: e.action, subject: e.subject, detail: e.detail, seq });
    });
  return {
    requestDeletion: (d) =>
      withRequest(d.openid, async (held, ref) => {
        if (held) return toDeletion(held);
        await ref.set({ ...d });
        return d;
      }),
    async deletionOf(openid) {
      const doc = await getById(deletions(), openid);
      return doc ? toDeletion(doc) : undefined;
    },
    cancelDeletion: (openid) =>
      withRequest(openid, async (held, ref): Promise<DeletionCancel> => {
        if (!held) return 'none';
        // the daily run has begun erasing: what it removed cannot be given back
        if (held.erasingAt) return 'erasing';
        await ref.remove();
        return 'cancelled';
      }),
    async erasing(openid) {
      const doc = await getById(deletions(), openid);
      return doc !== undefined && Boolean(doc.erasingAt);
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
      const sealedFor = new Map(resealed.map((r) => [r.applicationId, r]));
      // a case in flight, or one the run did not seal again (submitted since it listed them): nothing erased, the request waits
      const cases = await casesOf(openid);
      const detach = cases.flatMap((doc) => {
        const again = sealedFor.get(str(doc, '_id', COLLECTIONS.applications));
        return again && doc.inFlightKey === null ? [{ doc, again }] : [];
      });
      if (detach.length < cases.length) return { outcome: 'waiting' };
      // marked as being erased, if not cancelled meanwhile: a cancel from here on is refused (a run cut off left the mark)
      const claimed = await withRequest(openid, async (held, ref) => {
        if (!isThis(held, deletion)) return false;
        if (!held.erasingAt) await ref.update({ erasingAt: at });
        return true;
      });
      if (!claimed) return { outcome: 'cancelled' };
      const unbound = await unbind(openid, at, true);
      await db.collection(COLLECTIONS.certificateCodes).where({ openid }).update({ openid: tombstone });
      const consents = await removeWhere(COLLECTIONS.consents, { openid });
      const roles = await removeWhere(COLLECTIONS.roles, { _id: openid });
      // counted as written, so two runs at once never count a rating or a case twice
      let ratingComments = 0;
      const rated = await fetchAll(COLLECTIONS.ratings, db.collection(COLLECTIONS.ratings).where({ openid }), '_id');
      await forEachLimited(rated, WRITE_CONCURRENCY, async (doc) => {
        const reply = await db.collection(COLLECTIONS.ratings).where({ _id: doc._id, openid }).update({ openid: tombstone, comment: null });
        if (updatedCount(reply, COLLECTIONS.ratings) === 1 && typeof doc.comment === 'string') ratingComments++;
      });
      let applicationsDetached = 0;
      await forEachLimited(detach, WRITE_CONCURRENCY, async ({ doc, again }) => {
        const id = str(doc, '_id', COLLECTIONS.applications);
        // one document, one update: the owner, the events it acted in (kept inside it, decision 017) and the applicant
        // copy sealed for it change together, while the document is as read (rev): after a move in between, read again
        for (let current: Doc | undefined = doc; current?.openid === openid; current = await getById(applications(), id)) {
          const events = Array.isArray(current.events) ? current.events.map((e: unknown) => (isDoc(e) && e.actorId === openid ? { ...e, actorId: tombstone } : e)) : [];
          const reply = await applications()
            .where({ _id: id, openid, rev: current.rev })
            .update({ openid: tombstone, events, rev: _.inc(1), applicant: _.set({ docType: applicantDocType(doc), nameSealed: again.nameSealed, docNumberSealed: again.docNumberSealed }) });
          if (updatedCount(reply, COLLECTIONS.applications) === 1) {
            applicationsDetached++;
            break;
          }
        }
      });
      const counts = { ...unbound, consents, roles, applicationsDetached, ratingComments };
      await auditRun(deletion, counts, audited(counts));
      // a case submitted while this ran stays the person's, readable, and the request with it for the next run; a
      // newer request of the person (not this one) stays too
      if ((await casesOf(openid)).length === 0) {
        await withRequest(openid, async (held, ref) => {
          if (isThis(held, deletion)) await ref.remove();
        });
      }
      return { outcome: 'erased', counts };
    },
  };
}

/** The document type of an application's applicant copy, kept as it was when the copy is sealed again. */
const applicantDocType = (doc: Doc): string => {
  const applicant = doc.applicant;
  return isDoc(applicant) ? str(applicant, 'docType', COLLECTIONS.applications) : '';
};

/** A query condition: the text ends with `ending`. */
const endingWith = (ending: string) => new RegExp(`${ending.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

const toDeletion = (doc: Doc): AccountDeletion => readRow(accountDeletionRow(), `CloudBase ${COLLECTIONS.accountDeletions}`, doc);
