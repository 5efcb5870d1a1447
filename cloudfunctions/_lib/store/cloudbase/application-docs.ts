import { ACCEPTED_STATUSES, APPLICATION_STATUSES, awaitsAcceptance, isFinal } from '../../../../src/core/applications/status';
import {
  type ApplicationEventRecord,
  type ApplicationRecord,
  type ApplicationRepository,
  type CreateOutcome,
  type DeliveryAttempt,
  type OutboxRecord,
  type OutboxRepository,
  type Settlement,
  type Transition,
} from '../port';
import { applicationRow, deliveryAttemptRow, documentRow, eventRow, outboxRow } from '../rows/applications';
import { readRow } from '../rows/read';
import { COLLECTIONS, date, docList, fetchAll, forEachLimited, getById, isDoc, nullableDate, num, oneOf, PAGE_SIZE, platformCode, str, updatedCount, type Db, type Doc } from './sdk';

/**
 * Applications on CloudBase, one document each (docs/decisions/017-cloudbase-application-document.md): the record
 * with its events, receipts, result documents and outbox entries (each with its attempts) inside it, so a
 * submission is one insert and a move one conditional update, each one request (issue 16, point 9). What SQL keeps
 * unique by keys, unique indexes keep here (collections.ts): (openid, requestId), `inFlightSlot` (the in-flight key
 * while the application holds it, else `-<id>`, so every document has a value of its own: CloudBase has no partial
 * index and a missing field counts as null) and `letterSlot` (the letter number, else `-<id>`).
 *
 * Writes that depend on more than the document's own fields (the relay's lease and settlement, a reschedule) read
 * the document, then write it only while its `rev` is still the one read (compare-and-set); every write bumps `rev`.
 */

const A = COLLECTIONS.applications;

/** `relayAt` of an application with nothing pending: after every due time, so the relay's query passes it over. */
const NOTHING_DUE = new Date('9999-12-31T00:00:00.000Z');

/** How many single-document writes the relay's lease and settlement keep in flight: a run's 50 at once. */
const RELAY_WRITES = 50;
/** How many times one claim queries for due records while its leases keep losing their compare-and-set writes. */
const CLAIM_QUERIES = 3;

/** The value of a unique slot: the key while held, else one no other document has. */
const slot = (key: string | null, id: string) => key ?? `-${id}`;

/** How a receipt is kept in the application's `receipts`. */
const receiptKey = (centerCode: string, webhookId: string) => `${centerCode}:${webhookId}`;

const isDuplicateWrite = (error: unknown) => isDoc(error) && error.code === 'DATABASE_DUPLICATE_WRITE';

/** A create's insert refused because its letter number is another application's (another instance numbered it). */
const LETTER_TAKEN = 'letter-taken';

/**
 * Letter numbers without a counter document: the number is the highest stored under the prefix plus one, and the
 * unique `letterSlot` refuses a number another instance stored first (then the highest is read again). The highest
 * is read once per prefix and instance, then kept: a function instance numbers its own submissions with no read.
 * Creates numbering under one prefix run one after another in an instance (an instance serves one call at a time
 * on CloudBase anyway), so a refused create (duplicate, in flight) leaves no gap.
 */
function letterNumbering(highestStored: (prefix: string) => Promise<number>) {
  const known = new Map<string, number>();
  const queues = new Map<string, Promise<unknown>>();
  return function numbered(prefix: string, insert: (seq: number) => Promise<CreateOutcome | typeof LETTER_TAKEN>): Promise<CreateOutcome> {
    const run = (queues.get(prefix) ?? Promise.resolve()).then(async () => {
      for (let attempt = 1; ; attempt++) {
        const highest = known.get(prefix) ?? (await highestStored(prefix));
        const outcome = await insert(highest + 1);
        if (outcome !== LETTER_TAKEN) {
          if (known.size > 1000) known.clear();
          known.set(prefix, outcome.kind === 'created' ? highest + 1 : highest);
          return outcome;
        }
        known.set(prefix, await highestStored(prefix));
        if (attempt >= 20) throw new Error(`CloudBase ${A}: letter numbers under ${prefix} taken again and again`);
      }
    });
    const tail = run.catch(() => undefined);
    queues.set(prefix, tail);
    void tail.then(() => queues.get(prefix) === tail && queues.delete(prefix));
    return run;
  };
}

export function cloudbaseApplications(db: Db): ApplicationRepository {
  const _ = db.command;
  const applications = () => db.collection(A);
  const firstOf = async (query: ReturnType<ReturnType<typeof applications>['where']>) => docList(await query.limit(1).get(), A)[0];
  const numbered = letterNumbering(async (prefix) => {
    const [highest] = docList(await applications().where({ letterPrefix: prefix }).orderBy('letterSeq', 'desc').limit(1).field({ letterSeq: true }).get(), A);
    return highest ? num(highest, 'letterSeq', A) : 0;
  });
  /** Whose key refused an insert: the same request, the in-flight key, the letter number; undefined for none of them (the id). */
  async function holderOf(app: ApplicationRecord, letterNumber: string | null): Promise<CreateOutcome | typeof LETTER_TAKEN | undefined> {
    const [same, inFlight, letter] = await Promise.all([
      firstOf(applications().where({ openid: app.openid, requestId: app.requestId })),
      app.inFlightKey === null ? undefined : firstOf(applications().where({ inFlightSlot: app.inFlightKey })),
      letterNumber === null ? undefined : firstOf(applications().where({ letterSlot: letterNumber })),
    ]);
    if (same) return { kind: 'duplicate', id: str(same, '_id', A) };
    if (inFlight) return { kind: 'in-flight', id: str(inFlight, '_id', A) };
    return letter ? LETTER_TAKEN : undefined;
  }
  async function insert(app: ApplicationRecord, events: readonly ApplicationEventRecord[], records: readonly OutboxRecord[], letter: { prefix: string; seq: number } | null) {
    const letterNumber = letter && `${letter.prefix}${String(letter.seq).padStart(4, '0')}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await applications().add({ _id: app.id, ...applicationDoc({ ...app, letterNumber }, events, records, letter) });
        return { kind: 'created', letterNumber } as const;
      } catch (error) {
        if (!isDuplicateWrite(error)) throw error;
        const holder = await holderOf(app, letterNumber);
        if (holder !== undefined) return holder;
        // none holds a key: the application id is taken, or the key's holder ended in between (then try again)
        if ((await getById(applications(), app.id)) || attempt >= 3) throw new Error(`CloudBase ${A}: ${app.id} conflicts with an existing one`);
      }
    }
  }
  /** The stored document of `id`, read again until a compare-and-set write of `change` succeeds; false when `change` writes nothing. */
  async function changeDoc(id: string, change: (doc: Doc) => Doc | undefined): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const doc = await getById(applications(), id);
      const fields = doc && change(doc);
      if (!doc || !fields) return false;
      if (await compareAndSet(db, doc, fields)) return true;
      if (attempt >= 30) throw new Error(`CloudBase ${A}: ${id} changed again and again`);
    }
  }
  return {
    create(app, appEvents, records, letterPrefix) {
      if (letterPrefix === null) return insert(app, appEvents, records, null).then(refusedLetterless);
      return numbered(letterPrefix, (seq) => insert(app, appEvents, records, { prefix: letterPrefix, seq }));
    },
    async get(id) {
      const doc = await getById(applications(), id);
      return doc ? toApplication(doc) : undefined;
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      return (await fetchAll(A, applications().where({ _id: _.in([...ids]) }), '_id')).map(toApplication);
    },
    async listByApplicant(openid) {
      return (await fetchAll(A, applications().where({ openid }), [{ desc: 'createdAt' }, '_id'])).map(toApplication);
    },
    async listByContract(contractLookup) {
      return (await fetchAll(A, applications().where({ contractLookup }), ['createdAt', '_id'])).map(toApplication);
    },
    async listForCenter(centerCode) {
      // equality on an array field matches the documents whose array contains the value
      return (await fetchAll(A, applications().where({ centerCodes: centerCode }), [{ desc: 'createdAt' }, '_id'])).map(toApplication);
    },
    async testCases(centerCodes) {
      if (centerCodes.length === 0) return [];
      // `in` on an array field matches the documents whose array holds any of the values; their events come with them
      const docs = await fetchAll(A, applications().where({ test: true, centerCodes: _.in([...centerCodes]) }), [{ desc: 'createdAt' }, '_id']);
      return docs.map((doc) => ({
        application: toApplication(doc),
        acceptedAt: eventsOf(doc).find((e) => ACCEPTED_STATUSES.some((s) => s === e.to))?.at ?? null,
      }));
    },
    async events(id) {
      const doc = await getById(applications(), id);
      return doc ? eventsOf(doc) : [];
    },
    async documents(id) {
      const doc = await getById(applications(), id);
      const docs = doc ? entries(doc, 'documents').map((d) => readRow(documentRow(), `CloudBase ${A} documents`, d)) : [];
      return docs.sort((a, b) => a.at.getTime() - b.at.getTime() || compare(a.id, b.id));
    },
    async hasReceipt(centerCode, webhookId) {
      return (await firstOf(applications().where({ receipts: receiptKey(centerCode, webhookId) }).field({ _id: true }))) !== undefined;
    },
    async transition(c) {
      // one conditional update: it applies only from the expected state and only once per webhook-id
      const key = c.receipt ? receiptKey(c.receipt.centerCode, c.receipt.webhookId) : undefined;
      const where = {
        _id: c.id,
        status: c.expected.status,
        platformCode: c.expected.platformCode,
        ...(c.expected.responsibleCenter !== undefined ? { responsibleCenter: c.expected.responsibleCenter } : {}),
        // on an array field, $ne matches when no element equals the value
        ...(key ? { receipts: _.neq(key) } : {}),
      };
      const records = (c.outbox ?? []).map(outboxEntry);
      const firstDue = records.reduce<Date | undefined>((min, r) => (min === undefined || r.dueAt < min ? r.dueAt : min), undefined);
      const update = {
        ...moveFields(c),
        events: _.push([eventDoc(c.event)]),
        rev: _.inc(1),
        ...(key ? { receipts: _.push([key]) } : {}),
        ...(records.length > 0 ? { outbox: _.push(records), outboxIds: _.push(records.map((r) => r.id)) } : {}),
        ...(firstDue ? { relayAt: _.min(firstDue) } : {}),
        ...(c.documents && c.documents.length > 0 ? { documents: _.push(c.documents.map((d) => ({ ...d }))) } : {}),
      };
      if (updatedCount(await applications().where(where).update(update), A) === 1) return 'applied';
      // nothing moved: the webhook-id was applied already (its first delivery raced this one), or the application
      // is not in the expected state (or unknown): one read tells them apart
      if (key && (await firstOf(applications().where({ _id: c.id, receipts: key }).field({ _id: true })))) return 'duplicate';
      return 'stale';
    },
    async listOpen() {
      const open = APPLICATION_STATUSES.filter((status) => !isFinal(status));
      return (await fetchAll(A, applications().where({ status: _.in([...open]) }), ['createdAt', '_id'])).map(toApplication);
    },
    // the document read, then written only while unchanged (compare-and-set): the limit and its line together
    reschedule: (id, change) =>
      changeDoc(id, (doc) => {
        const stored = toApplication(doc);
        // the acceptance limit moves only while the application awaits acceptance; the target while it is not final
        const [date, provisional, open] =
          change.limit === 'acceptBy'
            ? [stored.acceptBy, stored.acceptByProvisional, awaitsAcceptance(stored.status)]
            : [stored.targetBy, stored.targetProvisional, !isFinal(stored.status)];
        if (!open || date !== change.expected.date || provisional !== change.expected.provisional) return undefined;
        const fields = change.limit === 'acceptBy' ? { acceptBy: change.next.date, acceptByProvisional: change.next.provisional } : { targetBy: change.next.date, targetProvisional: change.next.provisional };
        return change.event ? { ...fields, events: [...entries(doc, 'events'), eventDoc(change.event)] } : fields;
      }),
  };
}

/** A create without a letter number is never refused for one. */
function refusedLetterless(outcome: CreateOutcome | typeof LETTER_TAKEN): CreateOutcome {
  if (outcome === LETTER_TAKEN) throw new Error(`CloudBase ${A}: a letter number refused an application without one`);
  return outcome;
}

/** The fields a move sets on the application (its state, the hand-over, the payment, the in-flight key freed when final). */
function moveFields(c: Pick<Transition, 'id' | 'next' | 'event' | 'handOver' | 'payment'>): Doc {
  return {
    status: c.next.status,
    platformCode: c.next.platformCode,
    updatedAt: c.event.at,
    // a final application holds its in-flight key no more: the slot takes a value of its own again
    ...(isFinal(c.next.status) ? { inFlightKey: null, inFlightSlot: slot(null, c.id) } : {}),
    ...(c.handOver ? { responsibleCenter: c.handOver } : {}),
    ...(c.payment ? paymentFields(c.payment) : {}),
  };
}

/** Writes `fields` (and the next `rev`) to the document only while it is as read: false when another write came first. */
async function compareAndSet(db: Db, doc: Doc, fields: Doc): Promise<boolean> {
  const reply = await db
    .collection(A)
    .where({ _id: str(doc, '_id', A), rev: num(doc, 'rev', A) })
    .update({ ...fields, rev: num(doc, 'rev', A) + 1 });
  return updatedCount(reply, A) === 1;
}

export function cloudbaseOutbox(db: Db): OutboxRepository {
  const _ = db.command;
  const applications = () => db.collection(A);
  /** The application documents holding these outbox records: one query. */
  const holding = (ids: readonly string[]) => fetchAll(A, applications().where({ outboxIds: _.in([...ids]) }), '_id');
  const recordOf = async (id: string): Promise<{ doc: Doc; entry: Doc } | undefined> => {
    const [doc] = await holding([id]);
    const entry = doc && entries(doc, 'outbox').find((e) => e.id === id);
    return doc && entry ? { doc, entry } : undefined;
  };
  return {
    async claimDue(now, limit, leaseMs) {
      // Not SQL's one UPDATE ... FOR UPDATE SKIP LOCKED: one query finds the applications with something due (their
      // `relayAt`), then each is leased by a compare-and-set write of its document, all sent at once. Two relays
      // leasing one application: one write finds the document changed and passes it over, so a record is never
      // leased twice at once. A write that lost (to another relay's lease, or to a callback's change) leaves room,
      // and the query is made again for what is still due: a claim comes back short of `limit` only when nothing
      // more is due (the relay reads a short claim so, relayDue), or after CLAIM_QUERIES queries that each lost.
      const leaseUntil = new Date(now.getTime() + leaseMs);
      const claimed: OutboxRecord[] = [];
      for (let queries = 0, lost = true; lost && claimed.length < limit && queries < CLAIM_QUERIES; queries++) {
        let room = limit - claimed.length;
        const docs = docList(await applications().where({ relayAt: _.lte(now) }).orderBy('relayAt', 'asc').orderBy('_id', 'asc').limit(Math.min(room, PAGE_SIZE)).get(), A);
        const leases: { doc: Doc; taken: Doc[]; outbox: Doc[] }[] = [];
        for (const doc of docs) {
          const outbox = entries(doc, 'outbox');
          // (a record this claim leased already is not taken again, whatever the lease's length)
          const taken = outbox.filter((e) => claimable(e, now) && !claimed.some((c) => c.id === e.id)).slice(0, room);
          if (taken.length === 0) continue;
          room -= taken.length;
          leases.push({ doc, taken, outbox: outbox.map((e) => (taken.includes(e) ? { ...e, leaseUntil } : e)) });
          if (room <= 0) break;
        }
        lost = false;
        await forEachLimited(leases, RELAY_WRITES, async ({ doc, taken, outbox }) => {
          if (await compareAndSet(db, doc, { outbox, relayAt: relayAtOf(outbox) })) claimed.push(...taken.map((e) => toOutbox(doc, e)));
          else lost = true;
        });
      }
      return claimed.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || compare(a.id, b.id));
    },
    async settle(results) {
      if (results.length === 0) return;
      // the documents holding the records, in one query; then each document's settlements in one compare-and-set
      // write, all at once. A document another write changed in between (a callback moving the application) is read
      // again and settled from what it holds then.
      const docs = await holding(results.map((r) => r.id));
      const byDoc = new Map<string, Settlement[]>();
      for (const r of results) {
        const doc = docs.find((d) => entries(d, 'outbox').some((e) => e.id === r.id));
        if (!doc) throw new Error(`CloudBase outbox: no record ${r.id}`);
        const id = str(doc, '_id', A);
        byDoc.set(id, [...(byDoc.get(id) ?? []), r]);
      }
      await forEachLimited([...byDoc], RELAY_WRITES, async ([id, settlements]) => {
        let doc = docs.find((d) => d._id === id);
        for (let attempt = 1; doc; attempt++) {
          if (await compareAndSet(db, doc, settledFields(doc, settlements))) return;
          if (attempt >= 30) throw new Error(`CloudBase ${A}: ${id} changed again and again`);
          doc = await getById(applications(), id);
        }
      });
    },
    async get(id) {
      const found = await recordOf(id);
      return found && toOutbox(found.doc, found.entry);
    },
    async listForApplication(applicationId) {
      const doc = await getById(applications(), applicationId);
      return doc ? entries(doc, 'outbox').map((e) => toOutbox(doc, e)).sort(byCreation) : [];
    },
    async listDead() {
      const docs = await fetchAll(A, applications().where({ outboxDead: true }), ['createdAt', '_id']);
      return docs.flatMap((doc) => entries(doc, 'outbox').filter((e) => e.state === 'dead').map((e) => toOutbox(doc, e))).sort(byCreation);
    },
    async attempts(outboxId) {
      const found = await recordOf(outboxId);
      return found ? entries(found.entry, 'attemptLog').map((a) => readRow(deliveryAttemptRow(), `CloudBase ${A} attempts`, { ...a, outboxId })) : [];
    },
  };
}

/** What one document's settlements change: each record still pending settled, and the application moved by a delivery's `advance` while it is where that expects. */
function settledFields(doc: Doc, settlements: readonly Settlement[]): Doc {
  let outbox = entries(doc, 'outbox');
  let move: Doc = {};
  const before = entries(doc, 'events');
  const events = [...before];
  let state = { status: oneOf(doc, 'status', A, APPLICATION_STATUSES), platformCode: platformCode(doc, 'platformCode', A) };
  for (const s of settlements) {
    const entry = outbox.find((e) => e.id === s.id);
    // settled already by another run whose lease this one outlived: its result stands
    if (!entry || entry.state !== 'pending') continue;
    const attempts = num(entry, 'attempts', A) + 1;
    const log = [...entries(entry, 'attemptLog'), attemptDoc(s.attempt)];
    const settled: Doc =
      s.outcome === 'delivered'
        ? { ...entry, state: 'delivered', attempts, deliveredAt: s.attempt.at, leaseUntil: null, lastError: null, attemptLog: log }
        : {
            ...entry,
            attempts,
            lastError: s.attempt.error ?? `HTTP ${s.attempt.httpStatus}`,
            leaseUntil: null,
            attemptLog: log,
            ...(s.retryAt === null ? { state: 'dead' } : { state: 'pending', dueAt: s.retryAt }),
          };
    outbox = outbox.map((e) => (e === entry ? settled : e));
    // the application moved on by itself (a callback came first): the delivery is still recorded
    const advance = s.outcome === 'delivered' ? s.advance : undefined;
    if (advance && state.status === advance.expected.status && state.platformCode === advance.expected.platformCode) {
      move = { ...move, ...moveFields(advance) };
      events.push(eventDoc(advance.event));
      state = advance.next;
    }
  }
  const dead = outbox.some((e) => e.state === 'dead');
  return { ...move, ...(events.length > before.length ? { events } : {}), outbox, relayAt: relayAtOf(outbox), outboxDead: dead };
}

/** When something of `outbox` can next be claimed: the earliest due time of a pending record (its lease's end while leased). */
function relayAtOf(outbox: readonly Doc[]): Date {
  let at = NOTHING_DUE;
  for (const e of outbox) {
    if (e.state !== 'pending') continue;
    const due = date(e, 'dueAt', A);
    const lease = nullableDate(e, 'leaseUntil', A);
    const next = lease && lease > due ? lease : due;
    if (next < at) at = next;
  }
  return at;
}

/** The entries of an embedded list (events, documents, outbox, an outbox entry's attemptLog); none when missing. */
function entries(doc: Doc, key: string): Doc[] {
  const list = doc[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list) || !list.every(isDoc)) throw new Error(`CloudBase ${A}: field ${key} of ${String(doc._id)} is not a list of objects`);
  return list;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const byCreation = (a: OutboxRecord, b: OutboxRecord) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.id, b.id);

/** The application document: the record, its centers' codes, its unique slots, and what it holds (events, outbox...). */
function applicationDoc(app: ApplicationRecord, events: readonly ApplicationEventRecord[], records: readonly OutboxRecord[], letter: { prefix: string; seq: number } | null): Doc {
  const outbox = records.map(outboxEntry);
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
    inFlightSlot: slot(app.inFlightKey, app.id),
    letterNumber: app.letterNumber,
    letterSlot: slot(app.letterNumber, app.id),
    ...(letter ? { letterPrefix: letter.prefix, letterSeq: letter.seq } : {}),
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
    events: events.map(eventDoc),
    receipts: [],
    documents: [],
    outbox,
    outboxIds: outbox.map((e) => e.id),
    relayAt: relayAtOf(outbox),
    outboxDead: false,
    rev: 1,
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

/** An event as the application's `events` keeps it, in the order of the moves. */
function eventDoc(e: ApplicationEventRecord): Doc {
  return {
    at: e.at,
    actor: e.actor,
    actorId: e.actorId,
    from: e.from,
    to: e.to,
    platformCode: e.platformCode,
    centerCode: e.centerCode,
    message: e.message,
    reason: e.reason ?? null,
    contact: e.contact ?? null,
  };
}

const eventsOf = (doc: Doc): ApplicationEventRecord[] =>
  entries(doc, 'events').map((e) => readRow(eventRow(), `CloudBase ${A} events`, { ...e, applicationId: doc._id }));

/** A new outbox entry: the record, held by nobody, with no attempt yet. */
function outboxEntry(o: OutboxRecord) {
  return {
    id: o.id,
    centerCode: o.centerCode,
    type: o.type,
    createdAt: o.createdAt,
    dueAt: o.dueAt,
    attempts: o.attempts,
    state: o.state,
    lastError: o.lastError,
    deliveredAt: o.deliveredAt,
    leaseUntil: null,
    attemptLog: [],
  };
}

const toOutbox = (doc: Doc, entry: Doc): OutboxRecord => readRow(outboxRow(), `CloudBase ${A} outbox`, { ...entry, applicationId: doc._id });

/** What the claim asks of an entry: pending, due, and held by no live lease. */
function claimable(entry: Doc, now: Date): boolean {
  const leaseUntil = nullableDate(entry, 'leaseUntil', A);
  return entry.state === 'pending' && date(entry, 'dueAt', A) <= now && (leaseUntil === null || leaseUntil <= now);
}

function attemptDoc(a: DeliveryAttempt): Doc {
  return { at: a.at, durationMs: Math.round(a.durationMs), httpStatus: a.httpStatus, error: a.error };
}

/** The application of a person's request, if stored: the (openid, requestId) unique index finds it (the submission's reads). */
export async function requestHolder(db: Db, openid: string, requestId: string): Promise<string | undefined> {
  const [doc] = docList(await db.collection(A).where({ openid, requestId }).limit(1).field({ _id: true }).get(), A);
  return doc ? str(doc, '_id', A) : undefined;
}
