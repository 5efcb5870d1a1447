import type {
  AttemptRepository,
  AuditEntry,
  AuditRepository,
  ConsentRecord,
  ConsentRepository,
  CounterRequest,
  CounterRequestRepository,
  IdentityRecord,
  IdentityRepository,
  VerificationRepository,
  VerificationSession,
} from '../port';
import { auditRow, consentRow, counterRequestRow, identityRow, verificationRow } from '../rows/people';
import { readRow } from '../rows/read';
import {
  COLLECTIONS,
  deletedCount,
  docList,
  fetchAll,
  getById,
  nextSeq,
  num,
  retryConflicts,
  runTransaction,
  sha256Hex,
  str,
  total,
  transactionDoc,
  type Db,
  type Doc,
} from './sdk';

/** People: verified identities, verification sessions, counter requests, attempts, consents and the audit log. */

export function cloudbaseIdentities(db: Db): IdentityRepository {
  const _ = db.command;
  const identities = () => db.collection(COLLECTIONS.identities);
  return {
    async get(openid) {
      const doc = await getById(identities(), openid);
      return doc ? toIdentity(doc) : undefined;
    },
    async holderOf(docLookup) {
      // one holder after every completed bind; should two ever stand (see bind), the later verification
      // is the one bind meant to keep
      const [doc] = docList(
        await identities().where({ docLookup }).orderBy('verifiedAt', 'desc').limit(1).field({ openid: true }).get(),
        COLLECTIONS.identities,
      );
      return doc ? str(doc, 'openid', COLLECTIONS.identities) : undefined;
    },
    async bind(record) {
      // Not one transaction as in SQL: CloudBase transactions only address single documents by id, and the
      // other holder is found by a query. So: find the holders, remove each, then set this openid's document.
      // - Each removal is conditional on the document still holding this docLookup, so a holder that
      //   re-bound to another document in between keeps that binding; endedOpenid names only a holder
      //   whose document was actually removed.
      // - Between the removal and the set nobody holds the document (holderOf answers undefined); if the
      //   function dies there, the old binding is ended and the new one never written, and bind rejects
      //   or never returns, so the caller does not report a binding that is not there.
      // - Two concurrent binds of one document to two openids can both find no other holder and both set:
      //   two holders stand until the next bind of that document. A unique index on identities.docLookup
      //   (console) makes the later set fail with DATABASE_DUPLICATE_WRITE instead.
      const { openid, docLookup } = record;
      const holders = await fetchAll(COLLECTIONS.identities, identities().where({ docLookup, openid: _.neq(openid) }), 'openid');
      let endedOpenid: string | undefined;
      for (const holder of holders) {
        const id = str(holder, '_id', COLLECTIONS.identities);
        const deleted = deletedCount(await identities().where({ _id: id, docLookup }).remove(), COLLECTIONS.identities);
        if (deleted > 0) endedOpenid ??= str(holder, 'openid', COLLECTIONS.identities);
      }
      await identities().doc(openid).set({ ...record });
      return { endedOpenid };
    },
    async setPhone(openid, phoneSealed) {
      // like SQL's UPDATE: an openid without an identity matches nothing and changes nothing
      await identities().doc(openid).update({ phoneSealed });
    },
  };
}

export function cloudbaseVerifications(db: Db): VerificationRepository {
  const _ = db.command;
  const verifications = () => db.collection(COLLECTIONS.verifications);
  return {
    async create(session) {
      // add with the id, not set: like SQL's insert, a second session with the same verifyId is refused
      // (DATABASE_DUPLICATE_WRITE) instead of resetting a settled one to pending
      await verifications().add({ _id: session.verifyId, ...session });
    },
    async get(verifyId) {
      const doc = await getById(verifications(), verifyId);
      return doc ? toVerification(doc) : undefined;
    },
    async remove(verifyId) {
      // one conditional removal: of two concurrent ones, only one finds the document and deletes it
      return deletedCount(await verifications().where({ _id: verifyId }).remove(), COLLECTIONS.verifications) > 0;
    },
    async removeOlderThan(cutoff) {
      return deletedCount(await verifications().where({ createdAt: _.lt(cutoff) }).remove(), COLLECTIONS.verifications);
    },
  };
}

export function cloudbaseCounterRequests(db: Db): CounterRequestRepository {
  const counterRequests = () => db.collection(COLLECTIONS.counterRequests);
  return {
    async create(request) {
      // add with the id, not set: like SQL's insert, a second request with the same code is refused
      // (DATABASE_DUPLICATE_WRITE) instead of resetting a confirmed one to pending
      await counterRequests().add({ _id: request.code, ...request });
    },
    async get(code) {
      const doc = await getById(counterRequests(), code);
      return doc ? toCounterRequest(doc) : undefined;
    },
    async confirm(code, confirmedBy, centerCode, next = 'confirmed', confirmerLookup = null) {
      // compare-and-set in a single-document transaction: of two concurrent confirms one meets a write
      // conflict, runTransaction runs it again, and it then reads the confirmed status and answers false
      return runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.counterRequests).doc(code);
        const current = transactionDoc(await ref.get(), COLLECTIONS.counterRequests);
        if (current?.status !== 'pending') return false;
        await ref.update({ status: next, confirmedBy, centerCode, confirmedByLookup: confirmerLookup });
        return true;
      });
    },
    async confirmSecond(code, secondBy, secondLookup = null) {
      // compare-and-set as confirm: only from awaiting-second, and never by the first staff member (openid or identity key)
      return runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.counterRequests).doc(code);
        const current = transactionDoc(await ref.get(), COLLECTIONS.counterRequests);
        if (current?.status !== 'awaiting-second' || current.confirmedBy === secondBy) return false;
        const firstLookup = typeof current.confirmedByLookup === 'string' ? current.confirmedByLookup : null;
        if (firstLookup !== null && secondLookup !== null && firstLookup === secondLookup) return false;
        await ref.update({ status: 'confirmed', secondConfirmedBy: secondBy });
        return true;
      });
    },
    async reopen(code, firstBy) {
      // compare-and-set as confirm: only from awaiting-second, and only the first confirmation of `firstBy`
      return runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.counterRequests).doc(code);
        const current = transactionDoc(await ref.get(), COLLECTIONS.counterRequests);
        if (current?.status !== 'awaiting-second' || current.confirmedBy !== firstBy) return false;
        await ref.update({ status: 'pending', confirmedBy: null, centerCode: null, confirmedByLookup: null });
        return true;
      });
    },
  };
}

export function cloudbaseAttempts(db: Db): AttemptRepository {
  const _ = db.command;
  const attempts = () => db.collection(COLLECTIONS.attempts);
  return {
    async recordFailure(subject, at, openid) {
      await attempts().add({ subject, at, openid });
    },
    async failuresSince(subject, since) {
      return total(await attempts().where({ subject, at: _.gte(since) }).count(), COLLECTIONS.attempts);
    },
    recordIfUnder: (subject, since, limit, at, openid) =>
      // a counter document per subject and window, read and written in one transaction with the attempt:
      // of concurrent calls one writes and the others meet a write conflict and, run again, read its count
      retryConflicts(() =>
        runTransaction(db, async (tx) => {
          const counterId = attemptCounterId(subject, since);
          const ref = tx.collection(COLLECTIONS.attemptCounters).doc(counterId);
          const current = transactionDoc(await ref.get(), COLLECTIONS.attemptCounters);
          // the window's first check counts the attempts recorded before it (recordFailure), as does the first
          // after its counter was removed with a person's attempts (privacy-docs.ts)
          const count = current ? num(current, 'count', COLLECTIONS.attemptCounters) : total(await attempts().where({ subject, at: _.gte(since) }).count(), COLLECTIONS.attempts);
          if (count >= limit) return false;
          // the counter names its latest writer: removed with that person's attempts, and counted again from those left
          await ref.set({ subject, since, count: count + 1, openid });
          // an id of its own, not the count: counted again after a removal, the count may be one another attempt has
          await tx.collection(COLLECTIONS.attempts).doc(`${counterId}:${nextSeq()}`).set({ subject, at, openid });
          return true;
        }),
      ),
    async removeOlderThan(cutoff) {
      await db.collection(COLLECTIONS.attemptCounters).where({ since: _.lt(cutoff) }).remove();
      return deletedCount(await attempts().where({ at: _.lt(cutoff) }).remove(), COLLECTIONS.attempts);
    },
  };
}

export function cloudbaseConsents(db: Db): ConsentRepository {
  const consents = () => db.collection(COLLECTIONS.consents);
  return {
    async record(consent) {
      await consents().add({ openid: consent.openid, version: consent.version, at: consent.at, seq: nextSeq() });
    },
    async latest(openid) {
      const [doc] = docList(
        await consents().where({ openid }).orderBy('at', 'desc').orderBy('seq', 'desc').limit(1).get(),
        COLLECTIONS.consents,
      );
      return doc ? toConsent(doc) : undefined;
    },
    async listOf(openid) {
      return (await fetchAll(COLLECTIONS.consents, consents().where({ openid }), ['at', 'seq'])).map(toConsent);
    },
  };
}

export function cloudbaseAudit(db: Db): AuditRepository {
  const audit = () => db.collection(COLLECTIONS.audit);
  return {
    async append(entry) {
      await audit().add({ at: entry.at, actor: entry.actor, action: entry.action, subject: entry.subject, detail: entry.detail, seq: nextSeq() });
    },
    async listFor(subject) {
      return (await fetchAll(COLLECTIONS.audit, audit().where({ subject }), ['at', 'seq'])).map(toAuditEntry);
    },
  };
}

/** The `attemptCounters` document of a subject's window (recordIfUnder). */
export function attemptCounterId(subject: string, since: Date): string {
  return sha256Hex(`${subject}|${since.toISOString()}`);
}

const toIdentity = (doc: Doc): IdentityRecord => readRow(identityRow(), 'CloudBase identities', doc);


const toVerification = (doc: Doc): VerificationSession => readRow(verificationRow(), 'CloudBase verifications', doc);

const toCounterRequest = (doc: Doc): CounterRequest => readRow(counterRequestRow(), 'CloudBase counterRequests', doc);

const toConsent = (doc: Doc): ConsentRecord => readRow(consentRow(), 'CloudBase consents', doc);

const toAuditEntry = (doc: Doc): AuditEntry => readRow(auditRow(), 'CloudBase audit', doc);
