import type { AccountDeletion, AuditEntry, DeletionCancel, ErasedCounts, Erasure, PrivacyRepository, ResealedApplicant } from '../port';
import { accountDeletionRow, ownLookupEnding, ownSubjectEnding } from '../rows/privacy';
import { readRow } from '../rows/read';
import { COLLECTIONS, deletedCount, fetchAll, forEachLimited, getById, isDoc, nextSeq, runTransaction, str, transactionDoc, updatedCount, WRITE_CONCURRENCY, type Collection, type Db, type Doc } from './sdk';

/**
 * Unbinding and account deletion (SQL migration 39):
 * - `accountDeletions`: id = openid; the AccountDeletion fields, requestedAt and dueAt as dates, and `erasingAt` once
 *   the daily run has begun erasing (a cancel is then refused); once erased, id = `erased:<request id>` with `erasedAt`.
 *   Index: dueAt.
 * The erasure is not one transaction as in SQL (CloudBase transactions address single documents by id): it checks the
 * person's cases, then marks the request (in a transaction, if it is still the same request), each step removes or
 * rewrites what is left, the audit entry comes before the request is moved, and the request is moved last, only if
 * it is still that one, so a run that dies half way is finished by the next daily run, which finds the mark.
 * Moved, not removed: a submission that read the identity before the run removed it may store its case after the run
 * listed the cases (the create reads no identity, to keep a submission at 3 round trips), so the request is kept as
 * erased under `erased:<request id>` (with `erasedAt`), no longer the person's pending one. Later runs detach such a
 * case once it ended, each recording that in an entry of its own (auditRun), and one that finds none removes the
 * request (services/privacy.ts says which cases and when).
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
  const keptId = (deletion: AccountDeletion) => `erased:${deletion.id}`;
  /** The person's cases given the tombstone, each with its applicant copy sealed again (`again`); counted as written. */
  const detachCases = async (openid: string, tombstone: string, detach: readonly { doc: Doc; again: ResealedApplicant }[]) => {
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
    return applicationsDetached;
  };
  /** The ratings given the tombstone, their comments cleared; counted as written, so two runs at once never count a comment twice. */
  const detachRatings = async (openid: string, tombstone: string, rated: readonly Doc[]) => {
    let ratingComments = 0;
    await forEachLimited(rated, WRITE_CONCURRENCY, async (doc) => {
      const reply = await db.collection(COLLECTIONS.ratings).where({ _id: doc._id, openid }).update({ openid: tombstone, comment: null });
      if (updatedCount(reply, COLLECTIONS.ratings) === 1 && typeof doc.comment === 'string') ratingComments++;
    });
    return ratingComments;
  };
  /** The cases to detach: those sealed again and out of flight (fewer than `cases`: the run waits). */
  const toDetach = (cases: readonly Doc[], resealed: readonly ResealedApplicant[]) => {
    const sealedFor = new Map(resealed.map((r) => [r.applicationId, r]));
    return cases.flatMap((doc) => {
      const again = sealedFor.get(str(doc, '_id', COLLECTIONS.applications));
      return again && doc.inFlightKey === null ? [{ doc, again }] : [];
    });
  };
  /*
   * A later run on a request kept as erased: only the cases it was given (late ones, sealed again), once none of them
   * is in flight, and their ratings. Nothing else of the openid: its person may have come back as someone new.
   */
  const eraseLate = async (deletion: AccountDeletion, tombstone: string, resealed: readonly ResealedApplicant[], audited: (counts: ErasedCounts) => AuditEntry): Promise<Erasure> => {
    const { openid } = deletion;
    const ids = new Set(resealed.map((r) => r.applicationId));
    const cases = (await casesOf(openid)).filter((doc) => ids.has(str(doc, '_id', COLLECTIONS.applications)));
    const detach = toDetach(cases, resealed);
    if (detach.length < cases.length) return { outcome: 'waiting' };
    const applicationsDetached = await detachCases(openid, tombstone, detach);
    const rated = await Promise.all([...ids].map((id) => getById(db.collection(COLLECTIONS.ratings), id)));
    const ratingComments = await detachRatings(openid, tombstone, rated.filter((doc): doc is Doc => doc?.openid === openid));
    const counts = { identities: 0, verifications: 0, counterRequests: 0, attempts: 0, consents: 0, roles: 0, applicationsDetached, ratingComments };
    await auditRun(deletion, counts, audited(counts));
    return { outcome: 'erased', counts };
  };
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
      if (deletion.erasedAt) return eraseLate(deletion, tombstone, resealed, audited);
      const { openid } = deletion;
      // a case in flight, or one the run did not seal again (submitted since it listed them): nothing erased, the request waits
      const cases = await casesOf(openid);
      const detach = toDetach(cases, resealed);
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
      const ratingComments = await detachRatings(openid, tombstone, await fetchAll(COLLECTIONS.ratings, db.collection(COLLECTIONS.ratings).where({ openid }), '_id'));
      const applicationsDetached = await detachCases(openid, tombstone, detach);
      const counts = { ...unbound, consents, roles, applicationsDetached, ratingComments };
      await auditRun(deletion, counts, audited(counts));
      // kept as erased for the later runs, in one transaction with the pending request's removal (only this request: a
      // newer one of the person stays), so a run cut off before finds the pending request and finishes
      await runTransaction(db, async (tx) => {
        const pending = tx.collection(COLLECTIONS.accountDeletions).doc(openid);
        if (isThis(transactionDoc(await pending.get(), COLLECTIONS.accountDeletions), deletion)) await pending.remove();
        const kept = tx.collection(COLLECTIONS.accountDeletions).doc(keptId(deletion));
        if (transactionDoc(await kept.get(), COLLECTIONS.accountDeletions) === undefined) {
          await kept.set({ id: deletion.id, openid, requestedAt: deletion.requestedAt, dueAt: deletion.dueAt, erasedAt: at });
        }
      });
      return { outcome: 'erased', counts };
    },
    async closeErasure(deletion) {
      await removeWhere(COLLECTIONS.accountDeletions, { _id: keptId(deletion) });
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
