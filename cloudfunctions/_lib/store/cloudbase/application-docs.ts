import { ACCEPTED_STATUSES, APPLICATION_STATUSES, awaitsAcceptance, isFinal } from '../../../../src/core/applications/status';
import {
  type ApplicationEventRecord,
  type ApplicationRecord,
  type ApplicationRepository,
  type CreateOutcome,
  type DeliveryAttempt,
  type DocumentRecord,
  type OutboxRecord,
  type OutboxRepository,
  type Settlement,
  type Transition,
  type TransitionOutcome,
} from '../port';
import { applicationRow, deliveryAttemptRow, documentRow, eventRow, outboxRow } from '../rows/applications';
import { readRow } from '../rows/read';
import {
  COLLECTIONS,
  date,
  docList,
  fetchAll,
  forEachLimited,
  getById,
  isDoc,
  nullableDate,
  nullableStr,
  num,
  oneOf,
  PAGE_SIZE,
  platformCode,
  retryConflicts,
  runTransaction,
  sha256Hex,
  str,
  transactionDoc,
  WRITE_CONCURRENCY,
  type Db,
  type Doc,
  type Transaction,
} from './sdk';

/** Applications with their events, documents and receipts, and the outbox of their deliveries. */

/** The `requests` document of one (openid, requestId). */
export function requestDocId(openid: string, requestId: string): string {
  return sha256Hex(`${openid}:${requestId}`);
}

/** The `inFlight` document of one in-flight key. */
export function inFlightDocId(inFlightKey: string): string {
  return sha256Hex(inFlightKey);
}

/** The `receipts` document of one center's webhook-id. */
export function receiptDocId(centerCode: string, webhookId: string): string {
  return sha256Hex(`${centerCode}:${webhookId}`);
}

/** The `events` document of an application's n-th event (from 1). */
export function eventDocId(applicationId: string, n: number): string {
  return `${applicationId}:${String(n).padStart(6, '0')}`;
}

/** The `deliveryAttempts` document of an outbox record's n-th attempt (from 1). */
export function attemptDocId(outboxId: string, n: number): string {
  return `${outboxId}:${String(n).padStart(6, '0')}`;
}

export function cloudbaseApplications(db: Db): ApplicationRepository {
  const _ = db.command;
  const applications = () => db.collection(COLLECTIONS.applications);
  const events = () => db.collection(COLLECTIONS.events);
  const documents = () => db.collection(COLLECTIONS.documents);
  const receipts = () => db.collection(COLLECTIONS.receipts);
  return {
    async create(app, appEvents, records, letterPrefix) {
      for (let attempt = 1; ; attempt++) {
        try {
          // applications numbered under one letter prefix all write its sequence document: many at once lose more
          // write conflicts than the SDK's three tries, so they are run again until each reads the others' numbers
          return await retryConflicts(() => runTransaction(db, (tx) => createIn(tx, app, appEvents, records, letterPrefix)));
        } catch (error) {
          if (!(error instanceof KeyTaken)) throw error;
          // the (openid, requestId) or the in-flight key is another application's: answer it, read after the rollback
          const holder = await getById(db.collection(error.collection), error.docId);
          if (holder) return { kind: error.collection === COLLECTIONS.requests ? 'duplicate' : 'in-flight', id: str(holder, 'applicationId', error.collection) };
          // its holder was rolled back or ended in between: the key is free again
          if (attempt >= 3) throw new Error(`CloudBase ${error.collection}: ${error.docId} taken and freed again and again`);
        }
      }
    },
    async get(id) {
      const doc = await getById(applications(), id);
      return doc ? toApplication(doc) : undefined;
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      return (await fetchAll(COLLECTIONS.applications, applications().where({ _id: _.in([...ids]) }), '_id')).map(toApplication);
    },
    async listByApplicant(openid) {
      return (await fetchAll(COLLECTIONS.applications, applications().where({ openid }), [{ desc: 'createdAt' }, '_id'])).map(toApplication);
    },
    async listForCenter(centerCode) {
      // equality on an array field matches the documents whose array contains the value
      const docs = await fetchAll(COLLECTIONS.applications, applications().where({ centerCodes: centerCode }), [{ desc: 'createdAt' }, '_id']);
      return docs.map(toApplication);
    },
    async testCases(centerCodes) {
      if (centerCodes.length === 0) return [];
      // `in` on an array field matches the documents whose array holds any of the values
      const docs = await fetchAll(COLLECTIONS.applications, applications().where({ test: true, centerCodes: _.in([...centerCodes]) }), [{ desc: 'createdAt' }, '_id']);
      const tests = docs.map(toApplication);
      if (tests.length === 0) return [];
      // then their moves to an accepted status, all in one query: the first of each is when it was accepted
      const moves = await fetchAll(COLLECTIONS.events, events().where({ applicationId: _.in(tests.map((t) => t.id)), to: _.in([...ACCEPTED_STATUSES]) }), ['applicationId', 'n']);
      const acceptedAt = new Map<string, Date>();
      for (const move of moves.map(toEvent)) if (!acceptedAt.has(move.applicationId)) acceptedAt.set(move.applicationId, move.at);
      return tests.map((application) => ({ application, acceptedAt: acceptedAt.get(application.id) ?? null }));
    },
    async events(id) {
      return (await fetchAll(COLLECTIONS.events, events().where({ applicationId: id }), 'n')).map(toEvent);
    },
    async documents(id) {
      return (await fetchAll(COLLECTIONS.documents, documents().where({ applicationId: id }), ['at', '_id'])).map(toDocument);
    },
    async hasReceipt(centerCode, webhookId) {
      return (await getById(receipts(), receiptDocId(centerCode, webhookId))) !== undefined;
    },
    transition: (change) =>
      runTransaction(db, async (tx): Promise<TransitionOutcome> => {
        const plan = await planTransition(tx, change);
        if (plan.outcome === 'applied') await plan.write();
        return plan.outcome;
      }),
    async listOpen() {
      const open = APPLICATION_STATUSES.filter((status) => !isFinal(status));
      return (await fetchAll(COLLECTIONS.applications, applications().where({ status: _.in([...open]) }), ['createdAt', '_id'])).map(toApplication);
    },
    // like transition: the application document is read and written in the transaction, with the event by id
    reschedule: (id, change) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.applications).doc(id);
        const current = transactionDoc(await ref.get(), COLLECTIONS.applications);
        const a = COLLECTIONS.applications;
        if (!current) return false;
        const stored = toApplication(current);
        // the acceptance limit moves only while the application awaits acceptance; the target while it is not final
        const [date, provisional, open] =
          change.limit === 'acceptBy'
            ? [stored.acceptBy, stored.acceptByProvisional, awaitsAcceptance(stored.status)]
            : [stored.targetBy, stored.targetProvisional, !isFinal(stored.status)];
        if (!open || date !== change.expected.date || provisional !== change.expected.provisional) return false;
        const fields = change.limit === 'acceptBy' ? { acceptBy: change.next.date, acceptByProvisional: change.next.provisional } : { targetBy: change.next.date, targetProvisional: change.next.provisional };
        if (!change.event) {
          await ref.update(fields);
          return true;
        }
        const n = num(current, 'eventCount', a) + 1;
        await ref.update({ ...fields, eventCount: n });
        await tx.collection(COLLECTIONS.events).doc(eventDocId(id, n)).set(eventDoc(change.event, n));
        return true;
      }),
  };
}

export function cloudbaseOutbox(db: Db): OutboxRepository {
  const _ = db.command;
  const outbox = () => db.collection(COLLECTIONS.outbox);
  const deliveryAttempts = () => db.collection(COLLECTIONS.deliveryAttempts);
  /** Settles one delivered record, moving its application by `advance` in the same transaction when it still applies. */
  async function markDelivered(id: string, attempt: DeliveryAttempt, advance: Extract<Settlement, { outcome: 'delivered' }>['advance']): Promise<void> {
    await runTransaction(db, async (tx) => {
      const ref = tx.collection(COLLECTIONS.outbox).doc(id);
      const current = transactionDoc(await ref.get(), COLLECTIONS.outbox);
      if (!current) throw new Error(`CloudBase outbox: no record ${id}`);
      // settled already by another run whose lease this one outlived: its result stands
      if (current.state !== 'pending') return;
      // the application moved on by itself (a callback came first): the delivery is still recorded
      const plan = advance ? await planTransition(tx, advance) : undefined;
      if (plan?.outcome === 'applied') await plan.write();
      const n = num(current, 'attempts', COLLECTIONS.outbox) + 1;
      await tx.collection(COLLECTIONS.deliveryAttempts).doc(attemptDocId(id, n)).set(attemptDoc(attempt, n));
      await ref.update({ state: 'delivered', attempts: n, deliveredAt: attempt.at, leaseUntil: null, lastError: null });
    });
  }

  /** Records one failed attempt and when to try again; null dead-letters the record. */
  async function markFailed(id: string, attempt: DeliveryAttempt, retryAt: Date | null): Promise<void> {
    await runTransaction(db, async (tx) => {
      const ref = tx.collection(COLLECTIONS.outbox).doc(id);
      const current = transactionDoc(await ref.get(), COLLECTIONS.outbox);
      if (!current) throw new Error(`CloudBase outbox: no record ${id}`);
      if (current.state !== 'pending') return;
      const n = num(current, 'attempts', COLLECTIONS.outbox) + 1;
      await tx.collection(COLLECTIONS.deliveryAttempts).doc(attemptDocId(id, n)).set(attemptDoc(attempt, n));
      await ref.update({
        attempts: n,
        lastError: attempt.error ?? `HTTP ${attempt.httpStatus}`,
        leaseUntil: null,
        ...(retryAt === null ? { state: 'dead' } : { state: 'pending', dueAt: retryAt }),
      });
    });
  }
  return {
    async claimDue(now, limit, leaseMs) {
      // Not SQL's one UPDATE ... FOR UPDATE SKIP LOCKED: a query finds the candidates, then each is leased in
      // its own single-document transaction that reads it again and leases it only if it is still claimable.
      // Two relays leasing one record meet a write conflict; the SDK runs the loser again, which then sees
      // the lease and passes the record over. So a record is never leased twice at once, but a claim can
      // answer fewer than `limit` records while more are due (those another relay took in between).
      // At most PAGE_SIZE records per claim.
      if (limit <= 0) return [];
      const candidates = docList(
        await outbox()
          .where({ state: 'pending', dueAt: _.lte(now), leaseUntil: _.eq(null).or(_.lte(now)) })
          .orderBy('dueAt', 'asc')
          .orderBy('_id', 'asc')
          .limit(Math.min(limit, PAGE_SIZE))
          .field({ _id: true })
          .get(),
        COLLECTIONS.outbox,
      ).map((doc) => str(doc, '_id', COLLECTIONS.outbox));
      const leaseUntil = new Date(now.getTime() + leaseMs);
      const claimed: OutboxRecord[] = [];
      await forEachLimited(candidates, WRITE_CONCURRENCY, async (id) => {
        const record = await runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.outbox).doc(id);
          const current = transactionDoc(await ref.get(), COLLECTIONS.outbox);
          if (!current || !claimable(current, now)) return undefined;
          await ref.update({ leaseUntil });
          return toOutbox(current);
        });
        if (record) claimed.push(record);
      });
      return claimed.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    async settle(results) {
      // one transaction per record (CloudBase transactions take single-document operations only), several at once:
      // records are distinct documents and at most one of a run moves a given application (its delivery), so they
      // meet only a callback moving that application at the same time, a conflict run again until it reads it
      await forEachLimited(results, WRITE_CONCURRENCY, (r) =>
        retryConflicts(() => (r.outcome === 'delivered' ? markDelivered(r.id, r.attempt, r.advance) : markFailed(r.id, r.attempt, r.retryAt))),
      );
    },
    async get(id) {
      const doc = await getById(outbox(), id);
      return doc ? toOutbox(doc) : undefined;
    },
    async listForApplication(applicationId) {
      return (await fetchAll(COLLECTIONS.outbox, outbox().where({ applicationId }), ['createdAt', '_id'])).map(toOutbox);
    },
    async listDead() {
      return (await fetchAll(COLLECTIONS.outbox, outbox().where({ state: 'dead' }), ['createdAt', '_id'])).map(toOutbox);
    },
    async attempts(outboxId) {
      return (await fetchAll(COLLECTIONS.deliveryAttempts, deliveryAttempts().where({ outboxId }), 'n')).map(toAttempt);
    },
  };
}

type TransitionPlan = { outcome: 'duplicate' | 'stale' } | { outcome: 'applied'; write: () => Promise<void> };

/**
 * The reads of a transition inside `tx`, and, when it applies, the writes that carry it out. Reading
 * everything before writing anything lets a caller add its own writes (markDelivered) and lets 'duplicate'
 * and 'stale' commit a transaction that wrote nothing.
 */
async function planTransition(tx: Transaction, c: Transition): Promise<TransitionPlan> {
  const receiptRef = c.receipt ? tx.collection(COLLECTIONS.receipts).doc(receiptDocId(c.receipt.centerCode, c.receipt.webhookId)) : undefined;
  const appRef = tx.collection(COLLECTIONS.applications).doc(c.id);
  const current = transactionDoc(await appRef.get(), COLLECTIONS.applications);
  // the receipt is read after the application: one commit writes both, so a reader that finds the application
  // already moved by this very callback finds its receipt too, and answers 'duplicate' rather than 'stale'
  if (receiptRef && transactionDoc(await receiptRef.get(), COLLECTIONS.receipts)) return { outcome: 'duplicate' };
  const a = COLLECTIONS.applications;
  if (
    !current ||
    oneOf(current, 'status', a, APPLICATION_STATUSES) !== c.expected.status ||
    platformCode(current, 'platformCode', a) !== c.expected.platformCode ||
    (c.expected.responsibleCenter !== undefined && str(current, 'responsibleCenter', a) !== c.expected.responsibleCenter)
  ) {
    return { outcome: 'stale' };
  }
  // set would overwrite an outbox record or document with the same id: refuse, as SQL's primary keys do
  await refuseExisting(tx, COLLECTIONS.outbox, (c.outbox ?? []).map((o) => o.id));
  await refuseExisting(tx, COLLECTIONS.documents, (c.documents ?? []).map((d) => d.id));
  const n = num(current, 'eventCount', a) + 1;
  const final = isFinal(c.next.status);
  const heldKey = nullableStr(current, 'inFlightKey', a);
  return {
    outcome: 'applied',
    write: async () => {
      await appRef.update({
        status: c.next.status,
        platformCode: c.next.platformCode,
        updatedAt: c.event.at,
        eventCount: n,
        ...(final ? { inFlightKey: null } : {}),
        ...(c.handOver ? { responsibleCenter: c.handOver } : {}),
        ...(c.payment ? paymentFields(c.payment) : {}),
      });
      // the application holds its key exactly as long as the inFlight document names it (both are written
      // together by create and ended together here), so the document of the held key is this application's
      if (final && heldKey !== null) await tx.collection(COLLECTIONS.inFlight).doc(inFlightDocId(heldKey)).remove();
      await tx.collection(COLLECTIONS.events).doc(eventDocId(c.id, n)).set(eventDoc(c.event, n));
      for (const record of c.outbox ?? []) await tx.collection(COLLECTIONS.outbox).doc(record.id).set(outboxDoc(record));
      for (const d of c.documents ?? []) await tx.collection(COLLECTIONS.documents).doc(d.id).set({ ...d });
      if (c.receipt && receiptRef) {
        await receiptRef.set({ centerCode: c.receipt.centerCode, webhookId: c.receipt.webhookId, applicationId: c.id, at: c.event.at });
      }
    },
  };
}

/**
 * Throws (rolling the transaction back) when a document about to be created by `set` exists already: a
 * unique id taken twice is a caller's bug, and overwriting, say, a delivered outbox record with a pending
 * one would send it again.
 */
/** A key document (`requests`, `inFlight`) another application holds, found by inserting it: the transaction is rolled back. */
class KeyTaken extends Error {
  constructor(
    readonly collection: typeof COLLECTIONS.requests | typeof COLLECTIONS.inFlight,
    readonly docId: string,
  ) {
    super(`CloudBase ${collection}: ${docId} is taken`);
  }
}

const isDuplicateWrite = (error: unknown) => isDoc(error) && error.code === 'DATABASE_DUPLICATE_WRITE';

/**
 * Inserts a document by id in a transaction (add with its _id, never set): an id already taken is refused, as SQL's
 * primary keys refuse it, with no read before (issue 16, point 9: every operation of a transaction is a round trip).
 * `taken` is what a refusal throws instead of the SDK's error.
 */
async function insert(tx: Transaction, collection: string, id: string, data: Doc, taken: () => Error): Promise<void> {
  try {
    await tx.collection(collection).add({ ...data, _id: id });
  } catch (error) {
    throw isDuplicateWrite(error) ? taken() : error;
  }
}

const conflicting = (collection: string, id: string) => () => new Error(`CloudBase ${collection}: ${id} conflicts with an existing one`);

/**
 * The create transaction. Nothing is read to decide the answer: the request's and the in-flight key's documents are
 * inserted first (one taken throws KeyTaken, and create answers duplicate or in-flight), the random application and
 * outbox ids are inserted without probing them first, and only the letter sequence is read (its next number).
 */
async function createIn(tx: Transaction, app: ApplicationRecord, appEvents: readonly ApplicationEventRecord[], records: readonly OutboxRecord[], letterPrefix: string | null): Promise<CreateOutcome> {
  const requestId = requestDocId(app.openid, app.requestId);
  await insert(tx, COLLECTIONS.requests, requestId, { applicationId: app.id }, () => new KeyTaken(COLLECTIONS.requests, requestId));
  if (app.inFlightKey !== null) {
    const inFlightId = inFlightDocId(app.inFlightKey);
    await insert(tx, COLLECTIONS.inFlight, inFlightId, { applicationId: app.id }, () => new KeyTaken(COLLECTIONS.inFlight, inFlightId));
  }
  let letterNumber: string | null = null;
  if (letterPrefix !== null) {
    const sequenceRef = tx.collection(COLLECTIONS.sequences).doc(letterPrefix);
    const sequence = transactionDoc(await sequenceRef.get(), COLLECTIONS.sequences);
    const value = (sequence ? num(sequence, 'value', COLLECTIONS.sequences) : 0) + 1;
    await sequenceRef.set({ value });
    letterNumber = `${letterPrefix}${String(value).padStart(4, '0')}`;
  }
  await insert(tx, COLLECTIONS.applications, app.id, applicationDoc({ ...app, letterNumber }, appEvents.length), conflicting(COLLECTIONS.applications, app.id));
  for (const [i, event] of appEvents.entries()) {
    const id = eventDocId(app.id, i + 1);
    await insert(tx, COLLECTIONS.events, id, eventDoc(event, i + 1), conflicting(COLLECTIONS.events, id));
  }
  for (const record of records) await insert(tx, COLLECTIONS.outbox, record.id, outboxDoc(record), conflicting(COLLECTIONS.outbox, record.id));
  return { kind: 'created', letterNumber };
}

async function refuseExisting(tx: Transaction, collection: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    if (transactionDoc(await tx.collection(collection).doc(id).get(), collection)) {
      throw new Error(`CloudBase ${collection}: ${id} conflicts with an existing one`);
    }
  }
}

/** The application document: the record, the codes of its centers, and how many events it has. */
function applicationDoc(app: ApplicationRecord, eventCount: number): Doc {
  return {
    id: app.id,
    type: app.type,
    openid: app.openid,
    requestId: app.requestId,
    status: app.status,
    platformCode: app.platformCode,
    responsibleCenter: app.responsibleCenter,
    centers: app.centers.map((c) => ({ code: c.code, role: c.role })),
    centerCodes: app.centers.map((c) => c.code),
    inFlightKey: app.inFlightKey,
    letterNumber: app.letterNumber,
    applicant: { docType: app.applicant.docType, nameSealed: app.applicant.nameSealed, docNumberSealed: app.applicant.docNumberSealed },
    payloadSealed: app.payloadSealed,
    acceptBy: app.acceptBy,
    acceptByProvisional: app.acceptByProvisional,
    targetBy: app.targetBy,
    targetProvisional: app.targetProvisional,
    ...paymentFields(app.payment),
    ...(app.serviceItem !== undefined ? { serviceItem: app.serviceItem } : {}),
    ...(app.contractLookup !== undefined ? { contractLookup: app.contractLookup } : {}),
    test: app.test,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
    eventCount,
  };
}

/** The payment of a purchase withdrawal is kept in two top-level fields (paymentFields); documents written before there were payments have neither. */
const toApplication = (doc: Doc): ApplicationRecord =>
  readRow(applicationRow(), 'CloudBase applications', {
    ...doc,
    payment: doc.paymentAmount === undefined || doc.paymentAmount === null ? null : { amount: doc.paymentAmount, paidOn: doc.paymentPaidOn },
  });

/**
 * The payment of a purchase withdrawal, kept in two top-level fields: an update of a nested object is sent
 * as dotted paths, which cannot be set inside a field that is null.
 */
const paymentFields = (payment: ApplicationRecord['payment']) => ({ paymentAmount: payment?.amount ?? null, paymentPaidOn: payment?.paidOn ?? null });



function eventDoc(e: ApplicationEventRecord, n: number): Doc {
  return {
    applicationId: e.applicationId,
    n,
    at: e.at,
    actor: e.actor,
    actorId: e.actorId,
    from: e.from,
    to: e.to,
    platformCode: e.platformCode,
    centerCode: e.centerCode,
    message: e.message,
  };
}

const toEvent = (doc: Doc): ApplicationEventRecord => readRow(eventRow(), 'CloudBase events', doc);

const toDocument = (doc: Doc): DocumentRecord => readRow(documentRow(), 'CloudBase documents', doc);

/** A new outbox document: the record, held by nobody. */
function outboxDoc(o: OutboxRecord): Doc {
  return {
    id: o.id,
    applicationId: o.applicationId,
    centerCode: o.centerCode,
    type: o.type,
    createdAt: o.createdAt,
    dueAt: o.dueAt,
    attempts: o.attempts,
    state: o.state,
    lastError: o.lastError,
    deliveredAt: o.deliveredAt,
    leaseUntil: null,
  };
}

const toOutbox = (doc: Doc): OutboxRecord => readRow(outboxRow(), 'CloudBase outbox', doc);

/** What the claim query asks, checked again on the document read inside the lease transaction. */
function claimable(doc: Doc, now: Date): boolean {
  const c = COLLECTIONS.outbox;
  const leaseUntil = nullableDate(doc, 'leaseUntil', c);
  return doc.state === 'pending' && date(doc, 'dueAt', c) <= now && (leaseUntil === null || leaseUntil <= now);
}

function attemptDoc(a: DeliveryAttempt, n: number): Doc {
  return { outboxId: a.outboxId, n, at: a.at, durationMs: Math.round(a.durationMs), httpStatus: a.httpStatus, error: a.error };
}

const toAttempt = (doc: Doc): DeliveryAttempt => readRow(deliveryAttemptRow(), 'CloudBase deliveryAttempts', doc);
