import { createHash, randomBytes } from 'node:crypto';
import tcb from '@cloudbase/node-sdk';
import { isTransferCode, type TransferCode } from '../../../../src/core/applications/state-machine';
import { APPLICATION_STATUSES, APPLICATION_TYPES, awaitsAcceptance, CENTER_ROLES, isFinal, RATING_SCORES, type ApplicationStatus } from '../../../../src/core/applications/status';
import { CHANGE_STATUSES, targetKey, withoutHealth, type ChangeTarget, type ConformanceReport, type EndpointValue, type LinkValue, type PreviousValue, type ReceivedCallback } from '../../../../src/core/center-portal';
import type { Center, CenterCounter, CenterLink, StoredCenter } from '../../../../src/core/centers';
import { DOC_TYPE_CODES } from '../../../../src/core/identity';
import { isItemId } from '../../../../src/core/items';
import { ROLES, type Role, type RoleGrant } from '../../../../src/core/roles';
import {
  OUTBOX_TYPES,
  type ApplicationEventRecord,
  type ApplicationRecord,
  type AuditEntry,
  type CalendarYearRecord,
  type CenterEndpoint,
  type ChannelHealth,
  type ConformanceRun,
  type GrantOutcome,
  type HealthChannel,
  type RoleRecord,
  type RunStartOutcome,
  type LinkChange,
  type RedeemOutcome,
  type ReviewOutcome,
  type StaffInvite,
  type ConsentRecord,
  type CounterRequest,
  type CreateOutcome,
  type DeliveryAttempt,
  type Settlement,
  type DocumentRecord,
  type IdentityRecord,
  type JumpCountFilter,
  type OutboxRecord,
  type RatingRecord,
  type Satisfaction,
  type Store,
  type Transition,
  type TransitionOutcome,
  type VerificationSession,
} from '../port';
import { holdersOf, keptHolder, rotatedHolders, withRetired, type KeptHolder } from '../secret-holders';

/**
 * The store over the CloudBase document database (deployed functions without DATABASE_URL).
 *
 * Collections and document ids:
 * - `centers`: id = center code; the Center fields (code included, for ordering), and `counter`
 *              ({ address, hours }) once the center's service hall is recorded (missing or null before).
 * - `links`:   id = `${centerCode}:${item}`; centerCode, item, kind, url | appId + path, healthy, updatedAt;
 *              a route without a channel (kind in-app or counter) has no url, appId, path or healthy.
 * - `jumps`:   generated id; centerCode, item, outcome, at (Date).
 * - `roles`:   id = openid; grants: RoleGrant[].
 * - `meta`:    id = key; value.
 * - `identities`:    id = openid; the IdentityRecord fields (openid included, for the "other holder" query),
 *                    verifiedAt and expiresAt as dates, phoneSealed string or null.
 * - `verifications`: id = verifyId; the VerificationSession fields (verifyId included), createdAt as a date;
 *                    removed once used or an hour old (documents of older versions also carry certHash and
 *                    status: the first removeOlderThan deletes them).
 * - `counterRequests`: id = code; the CounterRequest fields (code included), createdAt and expiresAt as dates,
 *                    confirmedBy, centerCode, confirmedByLookup and secondConfirmedBy string or null.
 * - `attempts`:      generated id; subject, at (Date).
 * - `consents`:      generated id; openid, version, at (Date), seq.
 * - `audit`:         generated id; at (Date), actor, action, subject, detail, seq.
 *
 * Applications, their outbox and the centers' endpoints (the port's applications, outbox, endpoints):
 * - `applications`:  id = application id; the ApplicationRecord fields (id included), createdAt and updatedAt
 *                    as dates, plus `centerCodes` (the codes of `centers`, for the array-contains query of
 *                    listForCenter) and `eventCount` (how many events it has: the counter naming the next one).
 *                    A document from before issue 12's stored flags lacks acceptByProvisional, targetBy and
 *                    targetProvisional: read as false, null, false until the nightly recompute writes them.
 * - `requests`:      id = sha256 hex of `${openid}:${requestId}`; applicationId. The (openid, requestId)
 *                    uniqueness of SQL: create reads and writes it in its transaction.
 * - `inFlight`:      id = sha256 hex of the in-flight key; applicationId. The in-flight key uniqueness of SQL:
 *                    written by create, removed by the transition that makes the application final.
 * - `sequences`:     id = letter prefix; value (the last number given). Read and incremented inside create.
 * - `events`:        id = `${applicationId}:${n}` with n = 1, 2, ... zero-padded to 6 digits (eventDocId);
 *                    the ApplicationEventRecord fields, at as a date, `n`. n comes from the application's
 *                    eventCount, read and bumped in the same transaction, so the log order is the write order.
 * - `documents`:     id = document id; the DocumentRecord fields (id included), at as a date.
 * - `outbox`:        id = outbox id (the webhook-id); the OutboxRecord fields (id included), createdAt, dueAt and
 *                    deliveredAt (or null) as dates, plus `leaseUntil` (a date, or null when nobody holds it).
 * - `deliveryAttempts`: id = `${outboxId}:${n}` with n = the outbox record's attempts after this one, zero-padded
 *                    to 6 digits (attemptDocId); outboxId, n, at (Date), durationMs, httpStatus, error.
 * - `receipts`:      id = sha256 hex of `${centerCode}:${webhookId}`; centerCode, webhookId, applicationId, at.
 *                    Written with the transition a callback brings, so a repeated callback finds it.
 * - `endpoints`:     id = center code; the CenterEndpoint fields (centerCode included), updatedAt as a date.
 *
 * Ratings (the port's ratings):
 * - `ratings`:       id = application id (one rating per application, as SQL's primary key); the RatingRecord
 *                    fields (applicationId included), at and followUpAt (or null) as dates. create and
 *                    closeFollowUp are each one single-document transaction on it: read, then write or not.
 *
 * The center portal (the port's staffInvites, linkChanges, health, conformanceRuns, conformanceCallbacks):
 * - `staffInvites`:  id = invite code; the StaffInvite fields (code included), createdAt, expiresAt and usedAt (or
 *                    null) as dates. redeem is one transaction over the invite and the person's `roles` document:
 *                    two redemptions of one invite both write the invite, two by one person both write their
 *                    roles document, so the loser meets a write conflict and, run again, reads the winner's.
 * - `linkChanges`:   id = change id; the LinkChange fields (id included), dates as dates, target and previous as
 *                    objects (previous null for nothing), plus `targetKey` (targetKey of the target).
 * - `changeTargets`: id = `${centerCode}:${targetKey}`; approvedId (the change approved for it and not yet live,
 *                    or null). SQL's partial unique index: review and apply read and write it in their
 *                    transaction, so two reviews, or a review and a switch, of one target meet a write conflict.
 * - `channelHealth`: id = `${centerCode}:${channel}`; the ChannelHealth fields, checkedAt as a date.
 * - `conformanceRuns`: id = run id; the ConformanceRun fields (id included), startedAt as a date, report an
 *                    object or null.
 * - `conformanceCallbacks`: generated id; centerCode, applicationId, the ReceivedCallback fields with `at` as a
 *                    date, and `seq` (arrival order).
 * - `calendarYears`: id = the year as text; the CalendarYearRecord fields (year a number), notice an object,
 *                    holidays and workdays arrays, loadedAt a date. create is set-if-absent and replace a
 *                    read-then-write, each one single-document transaction.
 * Indexes these want: applications (status, createdAt) for listOpen, linkChanges (centerCode, proposedAt desc), linkChanges (status, proposedAt),
 * channelHealth (healthy), conformanceRuns (centerCode, startedAt desc), conformanceCallbacks (centerCode,
 * applicationId, seq).
 *
 * Every write of applications.create, applications.transition, outbox.markDelivered and outbox.markFailed is
 * one transaction of single-document operations by id: the documents that decide the answer (requests,
 * inFlight, the application, receipts, the outbox record) are read first, and the writes that follow include
 * those same documents, so two concurrent calls meet a write conflict and the SDK runs the loser again
 * (DATABASE_TRANSACTION_CONFLICT, 3 tries), which then reads the winner's writes and answers duplicate, stale
 * or in-flight. An answer other than created / applied commits a transaction that wrote nothing.
 * outbox.claimDue queries the due records, then leases each in its own transaction (see claimDue).
 *
 * Indexes these want (console): applications (openid, createdAt desc), applications (centerCodes, createdAt
 * desc), events (applicationId, n), documents (applicationId, at), outbox (state, dueAt), outbox
 * (applicationId, createdAt), outbox (state, createdAt), deliveryAttempts (outboxId, n), ratings (centerCode,
 * followUp, at desc). No unique index is needed: every uniqueness SQL has is a document id here.
 *
 * `seq` (see nextSeq) stands in for SQL's bigserial id, which CloudBase has not: a client-generated string
 * that sorts by the time of the write, then by a counter within this function instance, then by random bits.
 * Audit entries are listed by `at`, then `seq`; the latest consent is the one with the greatest `at`, then
 * `seq`. Within one instance that is append order for equal `at`; across instances, equal `at` is ordered by
 * the instances' clocks, which is as good as it gets without a central counter.
 *
 * What SQL enforces and CloudBase only can with indexes made in the console: identities.docLookup unique
 * (without it two concurrent binds of one document to two openids can both stand, see identities.bind),
 * verifications.outSeqNo unique. Queries want indexes on identities.docLookup, attempts (subject, at),
 * consents (openid, at), audit (subject, at, seq).
 *
 * CloudBase limits this works within: `get()` returns at most 1000 documents (100 unless told), so every
 * listing pages with skip/limit; transactions may only touch single documents by id. Database security
 * rules deny client access, so only cloud functions (this adapter) read or write these collections.
 */

type CloudbaseApp = ReturnType<typeof tcb.init>;
type Db = ReturnType<CloudbaseApp['database']>;
type Collection = ReturnType<Db['collection']>;
type Query = ReturnType<Collection['where']>;

export const COLLECTIONS = {
  centers: 'centers',
  links: 'links',
  jumps: 'jumps',
  roles: 'roles',
  meta: 'meta',
  identities: 'identities',
  verifications: 'verifications',
  counterRequests: 'counterRequests',
  attempts: 'attempts',
  consents: 'consents',
  audit: 'audit',
  applications: 'applications',
  requests: 'requests',
  inFlight: 'inFlight',
  sequences: 'sequences',
  events: 'events',
  documents: 'documents',
  outbox: 'outbox',
  deliveryAttempts: 'deliveryAttempts',
  receipts: 'receipts',
  endpoints: 'endpoints',
  ratings: 'ratings',
  staffInvites: 'staffInvites',
  linkChanges: 'linkChanges',
  changeTargets: 'changeTargets',
  channelHealth: 'channelHealth',
  conformanceRuns: 'conformanceRuns',
  conformanceCallbacks: 'conformanceCallbacks',
  attemptCounters: 'attemptCounters',
  conformanceGates: 'conformanceGates',
  calendarYears: 'calendarYears',
} as const;

/** The most documents one `get()` returns on CloudBase. */
export const PAGE_SIZE = 1000;

/** How many single-document writes upsertCatalog keeps in flight. */
const WRITE_CONCURRENCY = 10;

type Doc = Record<string, unknown>;

export function linkDocId(centerCode: string, item: number): string {
  return `${centerCode}:${item}`;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

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

export function openCloudbaseStore(options: { env: string; serviceUrl?: string; secretId?: string; secretKey?: string }): Store {
  const { env, serviceUrl, secretId, secretKey } = options;
  const app = tcb.init({
    env,
    ...(serviceUrl !== undefined ? { serviceUrl } : {}),
    // the SDK rejects a lone secretId or secretKey; without both it signs with the function's own credentials
    ...(secretId !== undefined || secretKey !== undefined ? { secretId, secretKey } : {}),
  });
  return createCloudbaseStore(app);
}

export function createCloudbaseStore(app: CloudbaseApp): Store {
  const db = app.database();
  const _ = db.command;
  const centers = () => db.collection(COLLECTIONS.centers);
  const links = () => db.collection(COLLECTIONS.links);
  const jumps = () => db.collection(COLLECTIONS.jumps);
  const roles = () => db.collection(COLLECTIONS.roles);
  const meta = () => db.collection(COLLECTIONS.meta);
  const identities = () => db.collection(COLLECTIONS.identities);
  const verifications = () => db.collection(COLLECTIONS.verifications);
  const counterRequests = () => db.collection(COLLECTIONS.counterRequests);
  const attempts = () => db.collection(COLLECTIONS.attempts);
  const consents = () => db.collection(COLLECTIONS.consents);
  const audit = () => db.collection(COLLECTIONS.audit);
  const applications = () => db.collection(COLLECTIONS.applications);
  const events = () => db.collection(COLLECTIONS.events);
  const documents = () => db.collection(COLLECTIONS.documents);
  const outbox = () => db.collection(COLLECTIONS.outbox);
  const deliveryAttempts = () => db.collection(COLLECTIONS.deliveryAttempts);
  const receipts = () => db.collection(COLLECTIONS.receipts);
  const endpoints = () => db.collection(COLLECTIONS.endpoints);
  const ratings = () => db.collection(COLLECTIONS.ratings);
  const staffInvites = () => db.collection(COLLECTIONS.staffInvites);
  const linkChanges = () => db.collection(COLLECTIONS.linkChanges);
  const calendarYears = () => db.collection(COLLECTIONS.calendarYears);
  const channelHealth = () => db.collection(COLLECTIONS.channelHealth);
  const conformanceRuns = () => db.collection(COLLECTIONS.conformanceRuns);
  const conformanceCallbacks = () => db.collection(COLLECTIONS.conformanceCallbacks);

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
    kind: 'cloudbase',
    centers: {
      async upsertCatalog(catalog) {
        if (catalog.length === 0) return;
        const known = new Set(
          (await fetchAll(COLLECTIONS.centers, centers().field({ _id: true }), '_id')).map((doc) => str(doc, '_id', COLLECTIONS.centers)),
        );
        await forEachLimited(catalog, WRITE_CONCURRENCY, async (center) => {
          if (known.has(center.code)) {
            // update merges ($set) the catalog fields only: `live` and `counter` of a known center are not the catalog's
            await centers().doc(center.code).update(catalogFields(center));
          } else {
            await centers().doc(center.code).set({ ...catalogFields(center), live: center.live });
          }
        });
      },
      async get(code) {
        const doc = await getById(centers(), code);
        return doc ? toCenter(doc) : undefined;
      },
      async list() {
        return (await fetchAll(COLLECTIONS.centers, centers(), 'code')).map(toCenter);
      },
      async setLive(code, live) {
        // like SQL's UPDATE: an unknown code matches nothing and changes nothing
        await centers().doc(code).update({ live });
      },
      async setCounter(code, counter) {
        // _.set replaces the object whole; a plain object would be flattened to counter.address and counter.hours
        await centers().doc(code).update({ counter: _.set({ address: counter.address, hours: counter.hours }) });
      },
    },
    links: {
      async listForCenter(centerCode) {
        return (await fetchAll(COLLECTIONS.links, links().where({ centerCode }), 'item')).map(toLink);
      },
      async put(centerCode, link) {
        // set replaces the whole document, so a link that changes kind leaves no stale url/appId/healthy behind
        await links()
          .doc(linkDocId(centerCode, link.item))
          .set({ centerCode, item: link.item, kind: link.kind, ...channelFields(link), updatedAt: new Date() });
      },
      async listAll() {
        // the document id is centerCode:item, so by id is by center, then item (items are one digit)
        return (await fetchAll(COLLECTIONS.links, links(), '_id')).map((doc) => ({ centerCode: str(doc, 'centerCode', COLLECTIONS.links), link: toLink(doc) }));
      },
    },
    jumps: {
      async record(jump) {
        await jumps().add({ centerCode: jump.centerCode, item: jump.item, outcome: jump.outcome, at: jump.at });
      },
      async count(filter: JumpCountFilter) {
        const where: Doc = {};
        if (filter.centerCode !== undefined) where.centerCode = filter.centerCode;
        if (filter.item !== undefined) where.item = filter.item;
        if (filter.from !== undefined && filter.to !== undefined) where.at = _.gte(filter.from).and(_.lt(filter.to));
        else if (filter.from !== undefined) where.at = _.gte(filter.from);
        else if (filter.to !== undefined) where.at = _.lt(filter.to);
        const query = Object.keys(where).length > 0 ? jumps().where(where) : jumps();
        return total(await query.count(), COLLECTIONS.jumps);
      },
    },
    roles: {
      async rolesOf(openid) {
        const doc = await getById(roles(), openid);
        return doc ? sortGrants(toGrants(doc)) : [];
      },
      grant: (openid, grant, by) =>
        // read-modify-write of the person's one document by id: what CloudBase transactions allow, and enough to
        // keep two concurrent grants, revocations or redemptions for one openid from overwriting each other
        runTransaction(db, async (tx): Promise<GrantOutcome> => {
          const ref = tx.collection(COLLECTIONS.roles).doc(openid);
          const current = transactionDoc(await ref.get(), COLLECTIONS.roles);
          const person = rolesDoc(openid, current);
          const wanted = normalizeGrant(grant);
          const elsewhere = wanted.role === 'center-staff' ? person.grants.find((g) => g.role === 'center-staff' && !sameGrant(g, wanted)) : undefined;
          if (elsewhere) return { kind: 'staff-elsewhere', centerCode: grantCenter(elsewhere) };
          const held = person.grants.some((g) => sameGrant(g, wanted));
          if (held && by?.displayName === undefined) return { kind: 'held' };
          const before = person.records.find((r) => sameGrant(r.grant, wanted));
          const record: RoleRecord = held && before
            ? { ...before, displayName: by?.displayName ?? before.displayName }
            : { openid, grant: wanted, displayName: by?.displayName ?? before?.displayName ?? null, grantedAt: by?.at ?? new Date(), grantedBy: by?.by ?? 'system', revokedAt: null, revokedBy: null };
          await ref.set(rolesDocFields(held ? person.grants : [...person.grants, wanted], withRecord(person.records, record)));
          return held ? { kind: 'held' } : { kind: 'granted' };
        }),
      seed: (openid, grant, at, by) =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.roles).doc(openid);
          const person = rolesDoc(openid, transactionDoc(await ref.get(), COLLECTIONS.roles));
          const wanted = normalizeGrant(grant);
          // held once, revoked since: stays revoked; staff of another center: one person, one center
          if (person.records.some((r) => sameGrant(r.grant, wanted)) || person.grants.some((g) => sameGrant(g, wanted))) return false;
          if (wanted.role === 'center-staff' && person.grants.some((g) => g.role === 'center-staff')) return false;
          const record: RoleRecord = { openid, grant: wanted, displayName: null, grantedAt: at, grantedBy: by, revokedAt: null, revokedBy: null };
          await ref.set(rolesDocFields([...person.grants, wanted], withRecord(person.records, record)));
          return true;
        }),
      revoke: (openid, grant, at, by) =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.roles).doc(openid);
          const current = transactionDoc(await ref.get(), COLLECTIONS.roles);
          if (!current) return false;
          const person = rolesDoc(openid, current);
          const wanted = normalizeGrant(grant);
          if (!person.grants.some((g) => sameGrant(g, wanted))) return false;
          const before = person.records.find((r) => sameGrant(r.grant, wanted));
          const record: RoleRecord = { ...(before ?? legacyRecord(openid, wanted)), revokedAt: at, revokedBy: by };
          await ref.set(rolesDocFields(person.grants.filter((g) => !sameGrant(g, wanted)), withRecord(person.records, record)));
          return true;
        }),
      async list() {
        return (await fetchAll(COLLECTIONS.roles, roles(), '_id')).flatMap((doc) => rolesDoc(str(doc, '_id', COLLECTIONS.roles), doc).records);
      },
      async recordsOf(openid) {
        const doc = await getById(roles(), openid);
        return doc ? rolesDoc(openid, doc).records : [];
      },
    },
    meta: {
      async get(key) {
        const doc = await getById(meta(), key);
        return doc ? str(doc, 'value', COLLECTIONS.meta) : undefined;
      },
      async set(key, value) {
        await meta().doc(key).set({ value });
      },
    },
    identities: {
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
    },
    verifications: {
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
    },
    counterRequests: {
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
    },
    attempts: {
      async recordFailure(subject, at) {
        await attempts().add({ subject, at });
      },
      async failuresSince(subject, since) {
        return total(await attempts().where({ subject, at: _.gte(since) }).count(), COLLECTIONS.attempts);
      },
      recordIfUnder: (subject, since, limit, at) =>
        // a counter document per subject and window, read and written in one transaction with the attempt:
        // of concurrent calls one writes and the others meet a write conflict and, run again, read its count
        retryConflicts(() =>
          runTransaction(db, async (tx) => {
            const ref = tx.collection(COLLECTIONS.attemptCounters).doc(attemptCounterId(subject, since));
            const current = transactionDoc(await ref.get(), COLLECTIONS.attemptCounters);
            // the window's first check counts the attempts recorded before it (recordFailure)
            const count = current ? num(current, 'count', COLLECTIONS.attemptCounters) : total(await attempts().where({ subject, at: _.gte(since) }).count(), COLLECTIONS.attempts);
            if (count >= limit) return false;
            await ref.set({ subject, since, count: count + 1 });
            await tx.collection(COLLECTIONS.attempts).doc(`${attemptCounterId(subject, since)}:${String(count + 1).padStart(6, '0')}`).set({ subject, at });
            return true;
          }),
        ),
    },
    consents: {
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
    },
    audit: {
      async append(entry) {
        await audit().add({ at: entry.at, actor: entry.actor, action: entry.action, subject: entry.subject, detail: entry.detail, seq: nextSeq() });
      },
      async listFor(subject) {
        return (await fetchAll(COLLECTIONS.audit, audit().where({ subject }), ['at', 'seq'])).map(toAuditEntry);
      },
    },
    applications: {
      create: (app, appEvents, records, letterPrefix) =>
        runTransaction(db, async (tx): Promise<CreateOutcome> => {
          // reads first: the documents that decide the answer, then the writes (which include them)
          const requestRef = tx.collection(COLLECTIONS.requests).doc(requestDocId(app.openid, app.requestId));
          const same = transactionDoc(await requestRef.get(), COLLECTIONS.requests);
          if (same) return { kind: 'duplicate', id: str(same, 'applicationId', COLLECTIONS.requests) };
          const inFlightRef = app.inFlightKey === null ? undefined : tx.collection(COLLECTIONS.inFlight).doc(inFlightDocId(app.inFlightKey));
          if (inFlightRef) {
            const holder = transactionDoc(await inFlightRef.get(), COLLECTIONS.inFlight);
            if (holder) return { kind: 'in-flight', id: str(holder, 'applicationId', COLLECTIONS.inFlight) };
          }
          // set would overwrite an application or outbox record with the same id: refuse, as SQL's primary keys do
          const appRef = tx.collection(COLLECTIONS.applications).doc(app.id);
          if (transactionDoc(await appRef.get(), COLLECTIONS.applications)) {
            throw new Error(`CloudBase applications: application ${app.id} conflicts with an existing one`);
          }
          await refuseExisting(tx, COLLECTIONS.outbox, records.map((r) => r.id));
          let letterNumber: string | null = null;
          if (letterPrefix !== null) {
            const sequenceRef = tx.collection(COLLECTIONS.sequences).doc(letterPrefix);
            const sequence = transactionDoc(await sequenceRef.get(), COLLECTIONS.sequences);
            const value = (sequence ? num(sequence, 'value', COLLECTIONS.sequences) : 0) + 1;
            await sequenceRef.set({ value });
            letterNumber = `${letterPrefix}${String(value).padStart(4, '0')}`;
          }
          await appRef.set(applicationDoc({ ...app, letterNumber }, appEvents.length));
          await requestRef.set({ applicationId: app.id });
          if (inFlightRef) await inFlightRef.set({ applicationId: app.id });
          for (const [i, event] of appEvents.entries()) {
            await tx.collection(COLLECTIONS.events).doc(eventDocId(app.id, i + 1)).set(eventDoc(event, i + 1));
          }
          for (const record of records) await tx.collection(COLLECTIONS.outbox).doc(record.id).set(outboxDoc(record));
          return { kind: 'created', letterNumber };
        }),
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
    },
    outbox: {
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
        // one transaction per record: CloudBase transactions take single-document operations only
        for (const r of results) {
          if (r.outcome === 'delivered') await markDelivered(r.id, r.attempt, r.advance);
          else await markFailed(r.id, r.attempt, r.retryAt);
        }
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
    },
    endpoints: {
      async get(centerCode) {
        const doc = await getById(endpoints(), centerCode);
        return doc ? toEndpoint(doc) : undefined;
      },
      async list() {
        return (await fetchAll(COLLECTIONS.endpoints, endpoints(), '_id')).map(toEndpoint);
      },
      async put(e, shownTo) {
        const holders = shownTo === undefined ? {} : { secretHolders: e.secretsSealed.map((secretSealed): KeptHolder => ({ secretSealed, shownTo, retiresAt: null })) };
        await endpoints()
          .doc(e.centerCode)
          .set({ centerCode: e.centerCode, mode: e.mode, url: e.url, secretsSealed: [...e.secretsSealed], ...holders, updatedAt: e.updatedAt });
      },
      // read-modify-write of one document by id in a transaction, as rotateSecret
      setAddress: (centerCode, endpoint, at) =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.endpoints).doc(centerCode);
          await writeEndpointAddress(ref, transactionDoc(await ref.get(), COLLECTIONS.endpoints), centerCode, endpoint, at);
        }),
      // read-modify-write of one document by id in a transaction, as roles.grant: a concurrent rotation or
      // switch of the endpoint meets a write conflict and is run again on what this one wrote
      rotateSecret: (centerCode, secretSealed, at, shownTo) =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.endpoints).doc(centerCode);
          const current = transactionDoc(await ref.get(), COLLECTIONS.endpoints);
          const shown: KeptHolder = { secretSealed, shownTo, retiresAt: null };
          if (!current) {
            await ref.set({ centerCode, mode: 'manual', url: null, secretsSealed: [secretSealed], secretHolders: [shown], updatedAt: at });
            return 1;
          }
          // the new secret first, then the newest other one still serving (rotatedHolders)
          const holders = rotatedHolders(holdersOf(toEndpoint(current).secretsSealed, keptHolders(current)), secretSealed, shownTo, at);
          const secretsSealed = holders.map((h) => h.secretSealed);
          // _.set replaces the list whole
          await ref.update({ secretsSealed, secretHolders: _.set(holders.map(keptHolder)), updatedAt: at });
          return secretsSealed.length;
        }),
      async secretHolders(centerCode) {
        const doc = await getById(endpoints(), centerCode);
        return doc ? holdersOf(toEndpoint(doc).secretsSealed, keptHolders(doc)) : [];
      },
      // read-modify-write of one document by id in a transaction, as rotateSecret
      retireSecrets: (centerCode, secretsSealed, retiresAt) =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.endpoints).doc(centerCode);
          const current = transactionDoc(await ref.get(), COLLECTIONS.endpoints);
          if (!current) return 0;
          const { holders, retired } = withRetired(holdersOf(toEndpoint(current).secretsSealed, keptHolders(current)), secretsSealed, retiresAt);
          if (retired > 0) await ref.update({ secretHolders: _.set(holders.map(keptHolder)) });
          return retired;
        }),
    },
    ratings: {
      // SQL's insert ... on conflict do nothing: read the document of the application, set it only when absent.
      // Two concurrent creates both writing it meet a write conflict; the SDK runs the loser again, which then
      // reads the winner's rating and answers false
      create: (rating) =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.ratings).doc(rating.applicationId);
          if (transactionDoc(await ref.get(), COLLECTIONS.ratings)) return false;
          await ref.set({ ...rating });
          return true;
        }),
      async get(applicationId) {
        const doc = await getById(ratings(), applicationId);
        return doc ? toRating(doc) : undefined;
      },
      async listFollowUps(centerCode) {
        // paged newest first (at desc, then id: unique, so pages do not overlap), then the open ones put first
        // in memory: a stable sort keeps newest first within each, which is SQL's order by follow_up = 'closed',
        // at desc, application_id. A center's follow-ups are few enough to hold at once
        const docs = await fetchAll(
          COLLECTIONS.ratings,
          ratings().where({ centerCode, followUp: _.in(['open', 'closed']) }),
          [{ desc: 'at' }, '_id'],
        );
        const open = (r: RatingRecord) => (r.followUp === 'open' ? 0 : 1);
        return docs.map(toRating).sort((a, b) => open(a) - open(b));
      },
      // compare-and-set in a single-document transaction, like verifications.settle: of two concurrent closes
      // one meets a write conflict, runs again, reads 'closed' and answers false
      closeFollowUp: (applicationId, note, by, at) =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.ratings).doc(applicationId);
          const current = transactionDoc(await ref.get(), COLLECTIONS.ratings);
          if (current?.followUp !== 'open') return false;
          await ref.update({ followUp: 'closed', followUpNote: note, followUpBy: by, followUpAt: at });
          return true;
        }),
      async satisfaction() {
        // SQL's group by center_code, score: CloudBase counts only one query at a time, so page through every
        // rating (its center and score only) and count here
        const docs = await fetchAll(COLLECTIONS.ratings, ratings().field({ centerCode: true, score: true }), '_id');
        const byCenter = new Map<string, Satisfaction>();
        for (const doc of docs) {
          const centerCode = str(doc, 'centerCode', COLLECTIONS.ratings);
          const entry = byCenter.get(centerCode) ?? { centerCode, count: 0, byScore: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } };
          entry.byScore[ratingScore(doc)] += 1;
          entry.count += 1;
          byCenter.set(centerCode, entry);
        }
        return [...byCenter.values()].sort((a, b) => (a.centerCode < b.centerCode ? -1 : a.centerCode > b.centerCode ? 1 : 0));
      },
    },
    staffInvites: {
      async create(invite) {
        // add with the id, not set: like SQL's insert, a second invite with the same code is refused
        await staffInvites().add({ _id: invite.code, ...invite });
      },
      redeem: (code, openid, at) =>
        runTransaction(db, async (tx): Promise<RedeemOutcome> => {
          const inviteRef = tx.collection(COLLECTIONS.staffInvites).doc(code);
          const found = transactionDoc(await inviteRef.get(), COLLECTIONS.staffInvites);
          if (!found) return { kind: 'unknown' };
          const invite = toInvite(found);
          if (invite.usedBy !== null) return { kind: 'used' };
          if (invite.expiresAt.getTime() <= at.getTime()) return { kind: 'expired' };
          const rolesRef = tx.collection(COLLECTIONS.roles).doc(openid);
          const current = transactionDoc(await rolesRef.get(), COLLECTIONS.roles);
          const grants = current ? toGrants(current) : [];
          const staff = grants.find((g) => g.role === 'center-staff');
          if (staff) return { kind: 'already-staff', centerCode: grantCenter(staff) };
          await inviteRef.update({ usedBy: openid, usedAt: at });
          const wanted = normalizeGrant({ role: 'center-staff', centerCode: invite.centerCode });
          const person = rolesDoc(openid, current);
          const before = person.records.find((r) => sameGrant(r.grant, wanted));
          const record: RoleRecord = { openid, grant: wanted, displayName: before?.displayName ?? null, grantedAt: at, grantedBy: `invite:${invite.createdBy}`, revokedAt: null, revokedBy: null };
          await rolesRef.set(rolesDocFields([...grants, wanted], withRecord(person.records, record)));
          return { kind: 'joined', centerCode: invite.centerCode };
        }),
      // each open invite expired in a transaction of its own that reads it again: a redemption racing it either
      // committed first (the invite is used, left alone) or meets a write conflict and then the expiry
      async cancelOpenBy(createdBy, at) {
        const open = (await fetchAll(COLLECTIONS.staffInvites, staffInvites().where({ createdBy, usedBy: null, expiresAt: _.gt(at) }), ['createdAt', '_id'])).map(toInvite);
        const cancelled: StaffInvite[] = [];
        for (const invite of open) {
          const still = await runTransaction(db, async (tx) => {
            const ref = tx.collection(COLLECTIONS.staffInvites).doc(invite.code);
            const found = transactionDoc(await ref.get(), COLLECTIONS.staffInvites);
            const current = found ? toInvite(found) : undefined;
            if (!current || current.usedBy !== null || current.expiresAt.getTime() <= at.getTime()) return undefined;
            await ref.update({ expiresAt: at });
            return current;
          });
          if (still) cancelled.push(still);
        }
        return cancelled;
      },
    },
    linkChanges: {
      async create(change) {
        await linkChanges().add({ _id: change.id, ...changeDoc(change) });
      },
      async get(id) {
        const doc = await getById(linkChanges(), id);
        return doc ? toChange(doc) : undefined;
      },
      async listForCenter(centerCode) {
        return (await fetchAll(COLLECTIONS.linkChanges, linkChanges().where({ centerCode }), [{ desc: 'proposedAt' }, '_id'])).map(toChange);
      },
      async listByStatus(status) {
        return (await fetchAll(COLLECTIONS.linkChanges, linkChanges().where({ status }), ['proposedAt', '_id'])).map(toChange);
      },
      review: (id, d) =>
        runTransaction(db, async (tx): Promise<ReviewOutcome> => {
          const ref = tx.collection(COLLECTIONS.linkChanges).doc(id);
          const found = transactionDoc(await ref.get(), COLLECTIONS.linkChanges);
          if (!found) return { kind: 'unknown' };
          const change = toChange(found);
          if (change.status !== 'pending') return { kind: 'not-pending', status: change.status };
          const reviewed = { status: d.approve ? ('approved' as const) : ('rejected' as const), reviewedBy: d.by, reviewedAt: d.at, reason: d.reason };
          if (!d.approve) {
            await ref.update(reviewed);
            return { kind: 'reviewed', change: { ...change, ...reviewed }, superseded: [] };
          }
          const targetRef = tx.collection(COLLECTIONS.changeTargets).doc(changeTargetDocId(change));
          const waiting = approvedIdOf(transactionDoc(await targetRef.get(), COLLECTIONS.changeTargets));
          const superseded: string[] = [];
          if (waiting !== null && waiting !== id) {
            const olderRef = tx.collection(COLLECTIONS.linkChanges).doc(waiting);
            const older = transactionDoc(await olderRef.get(), COLLECTIONS.linkChanges);
            if (older?.status === 'approved') {
              await olderRef.update({ status: 'superseded' });
              superseded.push(waiting);
            }
          }
          await targetRef.set({ approvedId: id });
          await ref.update(reviewed);
          return { kind: 'reviewed', change: { ...change, ...reviewed }, superseded };
        }),
      apply: (id, at) =>
        runTransaction(db, async (tx): Promise<LinkChange | undefined> => {
          // reads first (the change, its target, what it replaces), then the writes, which include the change:
          // two switches of one change meet a write conflict, and the one run again reads it live
          const ref = tx.collection(COLLECTIONS.linkChanges).doc(id);
          const found = transactionDoc(await ref.get(), COLLECTIONS.linkChanges);
          if (found?.status !== 'approved') return undefined;
          const change = toChange(found);
          const { target, centerCode } = change;
          const targetRef = tx.collection(COLLECTIONS.changeTargets).doc(changeTargetDocId(change));
          const waiting = approvedIdOf(transactionDoc(await targetRef.get(), COLLECTIONS.changeTargets));
          let previous: PreviousValue;
          let write: () => Promise<unknown>;
          if (target.kind === 'link') {
            const linkRef = tx.collection(COLLECTIONS.links).doc(linkDocId(centerCode, target.item));
            const current = transactionDoc(await linkRef.get(), COLLECTIONS.links);
            previous = current ? withoutHealth(toLink(current)) : null;
            const link: CenterLink = { item: target.item, ...target.link, healthy: true };
            write = () => linkRef.set({ centerCode, item: link.item, kind: link.kind, ...channelFields(link), updatedAt: at });
          } else {
            const endpointRef = tx.collection(COLLECTIONS.endpoints).doc(centerCode);
            const current = transactionDoc(await endpointRef.get(), COLLECTIONS.endpoints);
            const endpoint = current ? toEndpoint(current) : undefined;
            previous = !endpoint ? null : endpoint.mode === 'api' && endpoint.url !== null ? { kind: 'api', url: endpoint.url } : { kind: 'manual' };
            write = () => writeEndpointAddress(endpointRef, current, centerCode, target.endpoint, at);
          }
          await write();
          if (waiting === id) await targetRef.set({ approvedId: null });
          const applied = { status: 'live' as const, appliedAt: at, previous, heldReason: null, heldAt: null };
          await ref.update({ ...applied, previous: previous === null ? null : _.set(previous) });
          return { ...change, ...applied };
        }),
      // compare-and-set in a single-document transaction, like verifications.settle
      hold: (id, reason, at) =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.linkChanges).doc(id);
          const current = transactionDoc(await ref.get(), COLLECTIONS.linkChanges);
          if (current?.status !== 'approved') return false;
          await ref.update({ heldReason: reason, heldAt: at });
          return true;
        }),
      reschedule: (id, expected, date) =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.linkChanges).doc(id);
          const current = transactionDoc(await ref.get(), COLLECTIONS.linkChanges);
          if ((current?.status !== 'pending' && current?.status !== 'approved') || current.effectiveDate !== expected) return false;
          await ref.update({ effectiveDate: date });
          return true;
        }),
    },
    health: {
      async record(findings) {
        await forEachLimited(findings, WRITE_CONCURRENCY, async (f) => {
          await channelHealth().doc(healthDocId(f.centerCode, f.channel)).set({ ...f });
          // by query, like SQL's UPDATE ... WHERE: a link switched to another address since it was checked keeps its health
          if (f.channel !== 'endpoint') {
            await links()
              .where({ _id: linkDocId(f.centerCode, Number(f.channel.slice('link:'.length))), kind: 'web', url: f.url })
              .update({ healthy: f.healthy });
          }
        });
      },
      async listForCenter(centerCode) {
        return (await fetchAll(COLLECTIONS.channelHealth, channelHealth().where({ centerCode }), '_id')).map(toHealth);
      },
      async listUnhealthy() {
        return (await fetchAll(COLLECTIONS.channelHealth, channelHealth().where({ healthy: false }), '_id')).map(toHealth);
      },
      async list() {
        return (await fetchAll(COLLECTIONS.channelHealth, channelHealth(), '_id')).map(toHealth);
      },
    },
    conformanceRuns: {
      async start(run) {
        await conformanceRuns().add({ _id: run.id, ...run });
      },
      startIfFree: (run, limits) =>
        // the center's gate document (the run in progress, and the day's count) and the run are written in one
        // transaction: of two racing starts one meets a write conflict and, run again, reads the other's run
        retryConflicts(() =>
          runTransaction(db, async (tx): Promise<RunStartOutcome> => {
            const gateRef = tx.collection(COLLECTIONS.conformanceGates).doc(run.centerCode);
            const gate = transactionDoc(await gateRef.get(), COLLECTIONS.conformanceGates);
            const runningId = gate && typeof gate.runningId === 'string' ? gate.runningId : null;
            if (runningId !== null) {
              const open = transactionDoc(await tx.collection(COLLECTIONS.conformanceRuns).doc(runningId).get(), COLLECTIONS.conformanceRuns);
              const running = open ? toRun(open) : undefined;
              if (running && running.report === null && running.startedAt.getTime() > limits.busySince.getTime()) return { kind: 'running', run: running };
            }
            const sameDay = gate !== undefined && gate.day instanceof Date && gate.day.getTime() === limits.daySince.getTime();
            const count = sameDay ? num(gate, 'count', COLLECTIONS.conformanceGates) : 0;
            if (count >= limits.dailyCap) return { kind: 'daily-cap', count };
            await gateRef.set({ day: limits.daySince, count: count + 1, runningId: run.id });
            await tx.collection(COLLECTIONS.conformanceRuns).doc(run.id).set({ ...run });
            return { kind: 'started' };
          }),
        ),
      async finish(id, report) {
        // _.set replaces the report whole: it is null until now, and dotted paths cannot be set inside null
        await conformanceRuns().doc(id).update({ report: _.set(report) });
      },
      async latest(centerCode) {
        const [doc] = docList(
          await conformanceRuns().where({ centerCode }).orderBy('startedAt', 'desc').orderBy('_id', 'desc').limit(1).get(),
          COLLECTIONS.conformanceRuns,
        );
        return doc ? toRun(doc) : undefined;
      },
    },
    conformanceCallbacks: {
      async record(centerCode, applicationId, c) {
        await conformanceCallbacks().add({
          centerCode,
          applicationId,
          webhookId: c.webhookId,
          status: c.status,
          at: new Date(c.at),
          signatureValid: c.signatureValid,
          problems: [...c.problems],
          seq: nextSeq(),
        });
      },
      async listFor(centerCode, applicationId) {
        return (await fetchAll(COLLECTIONS.conformanceCallbacks, conformanceCallbacks().where({ centerCode, applicationId }), 'seq')).map(toReceivedCallback);
      },
    },
    calendarYears: {
      async get(year) {
        const doc = await getById(calendarYears(), String(year));
        return doc ? toCalendarYear(doc) : undefined;
      },
      async list() {
        return (await fetchAll(COLLECTIONS.calendarYears, calendarYears(), 'year')).map(toCalendarYear);
      },
      create: (record) =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.calendarYears).doc(String(record.year));
          if (transactionDoc(await ref.get(), COLLECTIONS.calendarYears)) return false;
          await ref.set(calendarYearDoc(record));
          return true;
        }),
      replace: (record) =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.calendarYears).doc(String(record.year));
          const before = transactionDoc(await ref.get(), COLLECTIONS.calendarYears);
          if (!before) return undefined;
          await ref.set(calendarYearDoc(record));
          return toCalendarYear(before);
        }),
    },
    close: async () => {
      // nothing to release: the SDK opens no session, every call is an independent signed HTTPS request
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// reading documents

/** A field to order by: ascending when named alone, descending as `{ desc: field }`. */
type OrderKey = string | { desc: string };

/**
 * Every document of a query, PAGE_SIZE at a time, ordered by `order` (one field or several) so that pages
 * do not overlap: the fields together must be unique.
 */
async function fetchAll(collection: string, query: Collection | Query, order: OrderKey | readonly OrderKey[]): Promise<Doc[]> {
  const all: Doc[] = [];
  const fields: readonly OrderKey[] = typeof order === 'string' || !Array.isArray(order) ? [order as OrderKey] : order;
  const ordered = fields.reduce<Collection | Query>(
    (q, field) => (typeof field === 'string' ? q.orderBy(field, 'asc') : q.orderBy(field.desc, 'desc')),
    query,
  );
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = docList(await ordered.skip(offset).limit(PAGE_SIZE).get(), collection);
    all.push(...page);
    if (page.length < PAGE_SIZE) return all;
  }
}

async function getById(collection: Collection, id: string): Promise<Doc | undefined> {
  const [doc] = docList(await collection.doc(id).get(), collection.name);
  return doc;
}

/**
 * The `{ data: [...] }` of a get(). The SDK throws on an error reply unless someone switched
 * `setThrowOnCode(false)`; then the reply carries `code` instead of `data`, and this throws it.
 */
function docList(reply: unknown, collection: string): Doc[] {
  const data = isDoc(reply) ? reply.data : undefined;
  if (!Array.isArray(data)) throw replyError(reply, collection);
  return data.map((d) => {
    if (!isDoc(d)) throw new Error(`CloudBase ${collection}: document is not an object`);
    return d;
  });
}

/** Inside a transaction, doc().get() answers `{ data: document | null }` instead of a list. */
function transactionDoc(reply: unknown, collection: string): Doc | undefined {
  if (!isDoc(reply) || !('data' in reply)) throw replyError(reply, collection);
  const { data } = reply;
  if (data === null || data === undefined) return undefined;
  if (Array.isArray(data)) return data.find(isDoc);
  if (!isDoc(data)) throw new Error(`CloudBase ${collection}: document is not an object`);
  return data;
}

function total(reply: unknown, collection: string): number {
  const n = isDoc(reply) ? reply.total : undefined;
  if (typeof n !== 'number') throw replyError(reply, collection);
  return n;
}

/** The `deleted` of a remove(). */
function deletedCount(reply: unknown, collection: string): number {
  const n = isDoc(reply) ? reply.deleted : undefined;
  if (typeof n === 'number') return n;
  if (typeof n === 'string' && /^\d+$/.test(n)) return Number(n);
  throw replyError(reply, collection);
}

function replyError(reply: unknown, collection: string): Error {
  const code = isDoc(reply) && typeof reply.code === 'string' ? reply.code : 'unexpected reply';
  const message = isDoc(reply) && typeof reply.message === 'string' ? `: ${reply.message}` : '';
  return new Error(`CloudBase ${collection}: ${code}${message}`);
}

function isDoc(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(doc: Doc, key: string, collection: string): string {
  const v = doc[key];
  if (typeof v !== 'string') throw new Error(`CloudBase ${collection}: field ${key} of ${String(doc._id)} is not a string`);
  return v;
}

function bool(doc: Doc, key: string, collection: string): boolean {
  const v = doc[key];
  if (typeof v !== 'boolean') throw new Error(`CloudBase ${collection}: field ${key} of ${String(doc._id)} is not a boolean`);
  return v;
}

/** A string, or null when the field is null or missing. */
function nullableStr(doc: Doc, key: string, collection: string): string | null {
  return doc[key] === null || doc[key] === undefined ? null : str(doc, key, collection);
}

/** The SDK decodes stored dates ({ $date }) to Date. */
function date(doc: Doc, key: string, collection: string): Date {
  const v = doc[key];
  if (!(v instanceof Date) || Number.isNaN(v.getTime())) throw new Error(`CloudBase ${collection}: field ${key} of ${String(doc._id)} is not a date`);
  return v;
}

function num(doc: Doc, key: string, collection: string): number {
  const v = doc[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`CloudBase ${collection}: field ${key} of ${String(doc._id)} is not a number`);
  return v;
}

/** A number, or null when the field is null or missing. */
function nullableNum(doc: Doc, key: string, collection: string): number | null {
  return doc[key] === null || doc[key] === undefined ? null : num(doc, key, collection);
}

/** A date, or null when the field is null or missing. */
function nullableDate(doc: Doc, key: string, collection: string): Date | null {
  return doc[key] === null || doc[key] === undefined ? null : date(doc, key, collection);
}

/** A platform code, or null when the field is null or missing. */
function platformCode(doc: Doc, key: string, collection: string): TransferCode | null {
  const v = doc[key];
  if (v === null || v === undefined) return null;
  if (!isTransferCode(v)) throw new Error(`CloudBase ${collection}: field ${key} of ${String(doc._id)} is not a platform code`);
  return v;
}

/** A string field that must be one of `allowed`. */
function oneOf<T extends string>(doc: Doc, key: string, collection: string, allowed: readonly T[]): T {
  const v = str(doc, key, collection);
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw new Error(`CloudBase ${collection}: field ${key} of ${String(doc._id)} is ${v}`);
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// documents <-> domain

/** Everything of a center except `live`, which upsertCatalog never refreshes. */
function catalogFields(c: Center): Omit<Center, 'live'> {
  return {
    code: c.code,
    name: c.name,
    province: c.province,
    city: c.city,
    phone: c.phone,
    pinyin: c.pinyin,
    initials: c.initials,
    provincePinyin: c.provincePinyin,
    provinceInitials: c.provinceInitials,
  };
}

function toCenter(doc: Doc): StoredCenter {
  const s = (key: keyof Center) => str(doc, key, COLLECTIONS.centers);
  return {
    code: s('code'),
    name: s('name'),
    province: s('province'),
    city: s('city'),
    phone: s('phone'),
    live: bool(doc, 'live', COLLECTIONS.centers),
    pinyin: s('pinyin'),
    initials: s('initials'),
    provincePinyin: s('provincePinyin'),
    provinceInitials: s('provinceInitials'),
    counter: toCounter(doc),
  };
}

/** The service hall of a center document: null while none is recorded. */
function toCounter(doc: Doc): CenterCounter | null {
  const counter = doc.counter;
  if (counter === null || counter === undefined) return null;
  if (!isDoc(counter)) throw new Error(`CloudBase centers: counter of ${String(doc._id)} is not an object`);
  return { address: str(counter, 'address', COLLECTIONS.centers), hours: str(counter, 'hours', COLLECTIONS.centers) };
}

/** The fields of a link beside its center, item and kind: the channel and its health; none for a route. */
function channelFields(link: CenterLink): Doc {
  switch (link.kind) {
    case 'web':
      return { url: link.url, healthy: link.healthy };
    case 'miniprogram':
      return { appId: link.appId, path: link.path, healthy: link.healthy };
    default:
      return {};
  }
}

function toLink(doc: Doc): CenterLink {
  const item = doc.item;
  if (!isItemId(item)) throw new Error(`CloudBase links: item of ${String(doc._id)} is not an item id`);
  const kind = str(doc, 'kind', COLLECTIONS.links);
  if (kind === 'in-app' || kind === 'counter') return { item, kind };
  const healthy = bool(doc, 'healthy', COLLECTIONS.links);
  if (kind === 'web') return { item, kind, url: str(doc, 'url', COLLECTIONS.links), healthy };
  if (kind === 'miniprogram') {
    return { item, kind, appId: str(doc, 'appId', COLLECTIONS.links), path: str(doc, 'path', COLLECTIONS.links), healthy };
  }
  throw new Error(`CloudBase links: kind of ${String(doc._id)} is ${kind}`);
}

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

function toGrants(doc: Doc): RoleGrant[] {
  const grants = doc.grants;
  if (grants === undefined) return [];
  if (!Array.isArray(grants)) throw new Error(`CloudBase roles: grants of ${String(doc._id)} is not a list`);
  return grants.map((g): RoleGrant => {
    if (!isDoc(g) || !isRole(g.role)) throw new Error(`CloudBase roles: a grant of ${String(doc._id)} names no known role`);
    if (g.role === 'center-staff') return { role: g.role, centerCode: str(g, 'centerCode', COLLECTIONS.roles) };
    return { role: g.role };
  });
}

/** Only the fields of the grant, in a fixed order. */
function normalizeGrant(grant: RoleGrant): RoleGrant {
  return grant.role === 'center-staff' ? { role: grant.role, centerCode: grant.centerCode } : { role: grant.role };
}

function grantCenter(grant: RoleGrant): string {
  return grant.role === 'center-staff' ? grant.centerCode : '';
}

function sameGrant(a: RoleGrant, b: RoleGrant): boolean {
  return a.role === b.role && grantCenter(a) === grantCenter(b);
}

/** A person's `roles` document: the grants in force, and every role ever granted with who and when. */
interface RolesDoc {
  grants: RoleGrant[];
  records: RoleRecord[];
}

/** A grant in force with no record (written before records were kept): granted at an unknown time. */
function legacyRecord(openid: string, grant: RoleGrant): RoleRecord {
  return { openid, grant, displayName: null, grantedAt: new Date(0), grantedBy: '', revokedAt: null, revokedBy: null };
}

function rolesDoc(openid: string, doc: Doc | undefined): RolesDoc {
  if (!doc) return { grants: [], records: [] };
  const grants = toGrants(doc);
  const raw = doc.records === undefined ? [] : doc.records;
  if (!Array.isArray(raw)) throw new Error(`CloudBase roles: records of ${openid} is not a list`);
  const kept = raw.map((r): RoleRecord => {
    if (!isDoc(r) || !isRole(r.role)) throw new Error(`CloudBase roles: a record of ${openid} names no known role`);
    const grant: RoleGrant = r.role === 'center-staff' ? { role: r.role, centerCode: str(r, 'centerCode', COLLECTIONS.roles) } : { role: r.role };
    const date = (v: unknown) => (v instanceof Date ? v : v === null || v === undefined ? null : new Date(String(v)));
    return {
      openid,
      grant,
      displayName: typeof r.displayName === 'string' ? r.displayName : null,
      grantedAt: date(r.grantedAt) ?? new Date(0),
      grantedBy: typeof r.grantedBy === 'string' ? r.grantedBy : '',
      revokedAt: date(r.revokedAt),
      revokedBy: typeof r.revokedBy === 'string' ? r.revokedBy : null,
    };
  });
  const records = [...kept, ...grants.filter((g) => !kept.some((r) => sameGrant(r.grant, g))).map((g) => legacyRecord(openid, g))];
  return { grants, records: sortRecords(records) };
}

function sortRecords(records: RoleRecord[]): RoleRecord[] {
  const sorted = sortGrants(records.map((r) => r.grant));
  return sorted.map((g) => records.find((r) => sameGrant(r.grant, g)) as RoleRecord);
}

/** The records with `record` in place of the one for its grant. */
function withRecord(records: readonly RoleRecord[], record: RoleRecord): RoleRecord[] {
  return [...records.filter((r) => !sameGrant(r.grant, record.grant)), record];
}

/** The fields of a `roles` document. */
function rolesDocFields(grants: readonly RoleGrant[], records: readonly RoleRecord[]): Doc {
  return {
    grants: sortGrants([...grants]),
    records: sortRecords([...records]).map((r) => ({
      role: r.grant.role,
      ...(r.grant.role === 'center-staff' ? { centerCode: r.grant.centerCode } : {}),
      displayName: r.displayName,
      grantedAt: r.grantedAt,
      grantedBy: r.grantedBy,
      revokedAt: r.revokedAt,
      revokedBy: r.revokedBy,
    })),
  };
}

/** The `attemptCounters` document of a subject's window (recordIfUnder). */
export function attemptCounterId(subject: string, since: Date): string {
  return sha256Hex(`${subject}|${since.toISOString()}`);
}

/**
 * Runs a transaction again while it loses write conflicts beyond the SDK's own three tries (many callers on one
 * counter), after a short random wait.
 */
async function retryConflicts<T>(work: () => Promise<T>, tries = 30): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = isDoc(error) ? error.code : undefined;
      if (code !== 'DATABASE_TRANSACTION_CONFLICT' || attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 20 * attempt)));
    }
  }
}

/** By role, then center: the order the SQL adapter returns. */
function sortGrants(grants: RoleGrant[]): RoleGrant[] {
  const key = (g: RoleGrant) => [g.role, grantCenter(g)] as const;
  return [...grants].sort((a, b) => {
    const [ra, ca] = key(a);
    const [rb, cb] = key(b);
    return ra < rb ? -1 : ra > rb ? 1 : ca < cb ? -1 : ca > cb ? 1 : 0;
  });
}

function toIdentity(doc: Doc): IdentityRecord {
  const c = COLLECTIONS.identities;
  return {
    openid: str(doc, 'openid', c),
    method: oneOf(doc, 'method', c, ['face', 'counter'] as const),
    ...sealedPerson(doc, c),
    phoneSealed: nullableStr(doc, 'phoneSealed', c),
    verifiedAt: date(doc, 'verifiedAt', c),
    expiresAt: date(doc, 'expiresAt', c),
  };
}

/** The sealed identity fields that identities, verification sessions and counter requests all carry. */
function sealedPerson(doc: Doc, c: string) {
  return {
    docType: oneOf(doc, 'docType', c, DOC_TYPE_CODES),
    nameSealed: str(doc, 'nameSealed', c),
    docNumberSealed: str(doc, 'docNumberSealed', c),
    docLookup: str(doc, 'docLookup', c),
  };
}

function toVerification(doc: Doc): VerificationSession {
  const c = COLLECTIONS.verifications;
  return {
    verifyId: str(doc, 'verifyId', c),
    outSeqNo: str(doc, 'outSeqNo', c),
    openid: str(doc, 'openid', c),
    ...sealedPerson(doc, c),
    createdAt: date(doc, 'createdAt', c),
  };
}

function toCounterRequest(doc: Doc): CounterRequest {
  const c = COLLECTIONS.counterRequests;
  return {
    code: str(doc, 'code', c),
    openid: str(doc, 'openid', c),
    ...sealedPerson(doc, c),
    createdAt: date(doc, 'createdAt', c),
    expiresAt: date(doc, 'expiresAt', c),
    status: oneOf(doc, 'status', c, ['pending', 'awaiting-second', 'confirmed'] as const),
    confirmedBy: nullableStr(doc, 'confirmedBy', c),
    centerCode: nullableStr(doc, 'centerCode', c),
    // requests confirmed before the first confirmer's key was kept have no such field
    confirmedByLookup: doc.confirmedByLookup === undefined ? null : nullableStr(doc, 'confirmedByLookup', c),
    // requests made before two-staff confirmations have no such field
    secondConfirmedBy: doc.secondConfirmedBy === undefined ? null : nullableStr(doc, 'secondConfirmedBy', c),
  };
}

function toConsent(doc: Doc): ConsentRecord {
  const c = COLLECTIONS.consents;
  return { openid: str(doc, 'openid', c), version: str(doc, 'version', c), at: date(doc, 'at', c) };
}

function toAuditEntry(doc: Doc): AuditEntry {
  const c = COLLECTIONS.audit;
  return {
    at: date(doc, 'at', c),
    actor: str(doc, 'actor', c),
    action: str(doc, 'action', c),
    subject: str(doc, 'subject', c),
    detail: str(doc, 'detail', c),
  };
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
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
    eventCount,
  };
}

function toApplication(doc: Doc): ApplicationRecord {
  const c = COLLECTIONS.applications;
  const centers = doc.centers;
  if (!Array.isArray(centers)) throw new Error(`CloudBase ${c}: centers of ${String(doc._id)} is not a list`);
  const applicant = doc.applicant;
  if (!isDoc(applicant)) throw new Error(`CloudBase ${c}: applicant of ${String(doc._id)} is not an object`);
  return {
    id: str(doc, 'id', c),
    type: oneOf(doc, 'type', c, APPLICATION_TYPES),
    openid: str(doc, 'openid', c),
    requestId: str(doc, 'requestId', c),
    status: oneOf(doc, 'status', c, APPLICATION_STATUSES),
    platformCode: platformCode(doc, 'platformCode', c),
    responsibleCenter: str(doc, 'responsibleCenter', c),
    centers: centers.map((x) => {
      if (!isDoc(x)) throw new Error(`CloudBase ${c}: a center of ${String(doc._id)} is not an object`);
      return { code: str(x, 'code', c), role: oneOf(x, 'role', c, CENTER_ROLES) };
    }),
    inFlightKey: nullableStr(doc, 'inFlightKey', c),
    letterNumber: nullableStr(doc, 'letterNumber', c),
    applicant: {
      docType: oneOf(applicant, 'docType', c, DOC_TYPE_CODES),
      nameSealed: str(applicant, 'nameSealed', c),
      docNumberSealed: str(applicant, 'docNumberSealed', c),
    },
    payloadSealed: str(doc, 'payloadSealed', c),
    acceptBy: str(doc, 'acceptBy', c),
    // documents from before these were stored (issue 12) have none: not an estimate, no target, until the nightly recompute sets them
    acceptByProvisional: doc.acceptByProvisional === undefined ? false : bool(doc, 'acceptByProvisional', c),
    targetBy: nullableStr(doc, 'targetBy', c),
    targetProvisional: doc.targetProvisional === undefined ? false : bool(doc, 'targetProvisional', c),
    payment: paymentOf(doc, c),
    createdAt: date(doc, 'createdAt', c),
    updatedAt: date(doc, 'updatedAt', c),
  };
}

/**
 * The payment of a purchase withdrawal, kept in two top-level fields: an update of a nested object is sent
 * as dotted paths, which cannot be set inside a field that is null.
 */
const paymentFields = (payment: ApplicationRecord['payment']) => ({ paymentAmount: payment?.amount ?? null, paymentPaidOn: payment?.paidOn ?? null });

/** Documents written before there were payments have neither field. */
function paymentOf(doc: Doc, c: string): ApplicationRecord['payment'] {
  if (doc.paymentAmount === undefined || doc.paymentAmount === null) return null;
  if (typeof doc.paymentAmount !== 'number') throw new Error(`CloudBase ${c}: paymentAmount of ${String(doc._id)} is not a number`);
  return { amount: doc.paymentAmount, paidOn: str(doc, 'paymentPaidOn', c) };
}

const EVENT_ACTORS = ['employee', 'relay', 'center', 'staff', 'platform'] as const;

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

function calendarYearDoc(r: CalendarYearRecord): Doc {
  return { year: r.year, notice: { ...r.notice }, holidays: r.holidays.map((h) => ({ ...h })), workdays: [...r.workdays], loadedBy: r.loadedBy, loadedAt: r.loadedAt };
}

function toCalendarYear(doc: Doc): CalendarYearRecord {
  const c = COLLECTIONS.calendarYears;
  const notice = doc.notice;
  const holidays = doc.holidays;
  const workdays = doc.workdays;
  if (!isDoc(notice) || !Array.isArray(holidays) || !Array.isArray(workdays)) throw new Error(`CloudBase ${c}: ${String(doc._id)} is not a calendar year`);
  return {
    year: num(doc, 'year', c),
    notice: { title: str(notice, 'title', c), number: str(notice, 'number', c), date: str(notice, 'date', c) },
    holidays: holidays.map((h: unknown) => {
      if (!isDoc(h)) throw new Error(`CloudBase ${c}: a holiday of ${String(doc._id)} is not an object`);
      return { name: str(h, 'name', c), from: str(h, 'from', c), to: str(h, 'to', c) };
    }),
    workdays: workdays.map((d: unknown) => {
      if (typeof d !== 'string') throw new Error(`CloudBase ${c}: a workday of ${String(doc._id)} is not text`);
      return d;
    }),
    loadedBy: str(doc, 'loadedBy', c),
    loadedAt: date(doc, 'loadedAt', c),
  };
}

function toEvent(doc: Doc): ApplicationEventRecord {
  const c = COLLECTIONS.events;
  const from: ApplicationStatus | null = doc.from === null || doc.from === undefined ? null : oneOf(doc, 'from', c, APPLICATION_STATUSES);
  return {
    applicationId: str(doc, 'applicationId', c),
    at: date(doc, 'at', c),
    actor: oneOf(doc, 'actor', c, EVENT_ACTORS),
    actorId: str(doc, 'actorId', c),
    from,
    to: oneOf(doc, 'to', c, APPLICATION_STATUSES),
    platformCode: platformCode(doc, 'platformCode', c),
    centerCode: nullableStr(doc, 'centerCode', c),
    message: str(doc, 'message', c),
  };
}

function toDocument(doc: Doc): DocumentRecord {
  const c = COLLECTIONS.documents;
  return {
    id: str(doc, 'id', c),
    applicationId: str(doc, 'applicationId', c),
    centerCode: str(doc, 'centerCode', c),
    name: str(doc, 'name', c),
    contentType: str(doc, 'contentType', c),
    sha256: str(doc, 'sha256', c),
    size: num(doc, 'size', c),
    storageKey: str(doc, 'storageKey', c),
    at: date(doc, 'at', c),
  };
}

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

function toOutbox(doc: Doc): OutboxRecord {
  const c = COLLECTIONS.outbox;
  return {
    id: str(doc, 'id', c),
    applicationId: str(doc, 'applicationId', c),
    centerCode: str(doc, 'centerCode', c),
    type: oneOf(doc, 'type', c, OUTBOX_TYPES),
    createdAt: date(doc, 'createdAt', c),
    dueAt: date(doc, 'dueAt', c),
    attempts: num(doc, 'attempts', c),
    state: oneOf(doc, 'state', c, ['pending', 'delivered', 'dead'] as const),
    lastError: nullableStr(doc, 'lastError', c),
    deliveredAt: nullableDate(doc, 'deliveredAt', c),
  };
}

/** What the claim query asks, checked again on the document read inside the lease transaction. */
function claimable(doc: Doc, now: Date): boolean {
  const c = COLLECTIONS.outbox;
  const leaseUntil = nullableDate(doc, 'leaseUntil', c);
  return doc.state === 'pending' && date(doc, 'dueAt', c) <= now && (leaseUntil === null || leaseUntil <= now);
}

function attemptDoc(a: DeliveryAttempt, n: number): Doc {
  return { outboxId: a.outboxId, n, at: a.at, durationMs: Math.round(a.durationMs), httpStatus: a.httpStatus, error: a.error };
}

function toAttempt(doc: Doc): DeliveryAttempt {
  const c = COLLECTIONS.deliveryAttempts;
  return {
    outboxId: str(doc, 'outboxId', c),
    at: date(doc, 'at', c),
    durationMs: num(doc, 'durationMs', c),
    httpStatus: nullableNum(doc, 'httpStatus', c),
    error: nullableStr(doc, 'error', c),
  };
}

/**
 * Points a center's endpoint document, read in the same transaction (`current`), at its API endpoint or its
 * workbench, keeping its secrets (they are the center's, rotated in the portal, whatever the address); a
 * center without an endpoint gets one with none.
 */
function writeEndpointAddress(ref: ReturnType<Collection['doc']>, current: Doc | undefined, centerCode: string, endpoint: EndpointValue, at: Date): Promise<unknown> {
  const address = { mode: endpoint.kind, url: endpoint.kind === 'api' ? endpoint.url : null, updatedAt: at };
  return current ? ref.update(address) : ref.set({ centerCode, ...address, secretsSealed: [] });
}

/** The endpoint document's secretHolders (absent before holders were recorded): what secret-holders.ts reads. */
function keptHolders(doc: Doc): KeptHolder[] {
  const c = COLLECTIONS.endpoints;
  const list = doc.secretHolders ?? [];
  if (!Array.isArray(list)) throw new Error(`CloudBase ${c}: secretHolders of ${String(doc._id)} is not a list`);
  return list.map((h: unknown) => {
    if (!isDoc(h)) throw new Error(`CloudBase ${c}: a secret holder of ${String(doc._id)} is not an object`);
    return { secretSealed: str(h, 'secretSealed', c), shownTo: nullableStr(h, 'shownTo', c), retiresAt: nullableStr(h, 'retiresAt', c) };
  });
}

function toEndpoint(doc: Doc): CenterEndpoint {
  const c = COLLECTIONS.endpoints;
  const secrets = doc.secretsSealed;
  if (!Array.isArray(secrets) || !secrets.every((x): x is string => typeof x === 'string')) {
    throw new Error(`CloudBase ${c}: secretsSealed of ${String(doc._id)} is not a list of strings`);
  }
  return {
    centerCode: str(doc, 'centerCode', c),
    mode: oneOf(doc, 'mode', c, ['api', 'manual'] as const),
    url: nullableStr(doc, 'url', c),
    secretsSealed: secrets,
    updatedAt: date(doc, 'updatedAt', c),
  };
}

/** The score of a rating: 1 to 5, as SQL's check constraint keeps it. */
function ratingScore(doc: Doc): RatingRecord['score'] {
  const v = num(doc, 'score', COLLECTIONS.ratings);
  const found = RATING_SCORES.find((s) => s === v);
  if (found === undefined) throw new Error(`CloudBase ${COLLECTIONS.ratings}: field score of ${String(doc._id)} is ${v}`);
  return found;
}

function toRating(doc: Doc): RatingRecord {
  const c = COLLECTIONS.ratings;
  return {
    applicationId: str(doc, 'applicationId', c),
    openid: str(doc, 'openid', c),
    centerCode: str(doc, 'centerCode', c),
    score: ratingScore(doc),
    comment: nullableStr(doc, 'comment', c),
    at: date(doc, 'at', c),
    followUp: doc.followUp === null || doc.followUp === undefined ? null : oneOf(doc, 'followUp', c, ['open', 'closed'] as const),
    followUpNote: nullableStr(doc, 'followUpNote', c),
    followUpBy: nullableStr(doc, 'followUpBy', c),
    followUpAt: nullableDate(doc, 'followUpAt', c),
  };
}

function toInvite(doc: Doc): StaffInvite {
  const c = COLLECTIONS.staffInvites;
  return {
    code: str(doc, 'code', c),
    centerCode: str(doc, 'centerCode', c),
    createdBy: str(doc, 'createdBy', c),
    createdAt: date(doc, 'createdAt', c),
    expiresAt: date(doc, 'expiresAt', c),
    usedBy: nullableStr(doc, 'usedBy', c),
    usedAt: nullableDate(doc, 'usedAt', c),
  };
}

/** The `changeTargets` document of a change's target. */
export function changeTargetDocId(change: Pick<LinkChange, 'centerCode' | 'target'>): string {
  return `${change.centerCode}:${targetKey(change.target)}`;
}

/** The change a `changeTargets` document names as approved and waiting, or null. */
function approvedIdOf(doc: Doc | undefined): string | null {
  return doc ? nullableStr(doc, 'approvedId', COLLECTIONS.changeTargets) : null;
}

function changeDoc(change: LinkChange): Doc {
  return { ...change, targetKey: targetKey(change.target) };
}

function toLinkValue(v: unknown, c: string, id: unknown): LinkValue {
  if (!isDoc(v)) throw new Error(`CloudBase ${c}: link of ${String(id)} is not an object`);
  if (v.kind === 'web') return { kind: 'web', url: str(v, 'url', c) };
  if (v.kind === 'miniprogram') return { kind: 'miniprogram', appId: str(v, 'appId', c), path: str(v, 'path', c) };
  throw new Error(`CloudBase ${c}: link kind of ${String(id)} is ${String(v.kind)}`);
}

function toEndpointValue(v: unknown, c: string, id: unknown): EndpointValue {
  if (!isDoc(v)) throw new Error(`CloudBase ${c}: endpoint of ${String(id)} is not an object`);
  if (v.kind === 'api') return { kind: 'api', url: str(v, 'url', c) };
  if (v.kind === 'manual') return { kind: 'manual' };
  throw new Error(`CloudBase ${c}: endpoint kind of ${String(id)} is ${String(v.kind)}`);
}

function toTarget(doc: Doc): ChangeTarget {
  const c = COLLECTIONS.linkChanges;
  const t = doc.target;
  if (!isDoc(t)) throw new Error(`CloudBase ${c}: target of ${String(doc._id)} is not an object`);
  if (t.kind === 'link') {
    if (!isItemId(t.item)) throw new Error(`CloudBase ${c}: target item of ${String(doc._id)} is not an item id`);
    return { kind: 'link', item: t.item, link: toLinkValue(t.link, c, doc._id) };
  }
  if (t.kind === 'endpoint') return { kind: 'endpoint', endpoint: toEndpointValue(t.endpoint, c, doc._id) };
  throw new Error(`CloudBase ${c}: target kind of ${String(doc._id)} is ${String(t.kind)}`);
}

function toPrevious(doc: Doc): PreviousValue {
  const c = COLLECTIONS.linkChanges;
  const v = doc.previous;
  if (v === null || v === undefined) return null;
  if (!isDoc(v)) throw new Error(`CloudBase ${c}: previous of ${String(doc._id)} is not an object`);
  if (v.kind === 'in-app' || v.kind === 'counter') return { kind: v.kind };
  if (v.kind === 'web' || v.kind === 'miniprogram') return toLinkValue(v, c, doc._id);
  return toEndpointValue(v, c, doc._id);
}

function toChange(doc: Doc): LinkChange {
  const c = COLLECTIONS.linkChanges;
  return {
    id: str(doc, 'id', c),
    centerCode: str(doc, 'centerCode', c),
    target: toTarget(doc),
    effectiveDate: str(doc, 'effectiveDate', c),
    status: oneOf(doc, 'status', c, CHANGE_STATUSES),
    proposedBy: str(doc, 'proposedBy', c),
    proposedAt: date(doc, 'proposedAt', c),
    reviewedBy: nullableStr(doc, 'reviewedBy', c),
    reviewedAt: nullableDate(doc, 'reviewedAt', c),
    reason: nullableStr(doc, 'reason', c),
    appliedAt: nullableDate(doc, 'appliedAt', c),
    previous: toPrevious(doc),
    heldReason: nullableStr(doc, 'heldReason', c),
    heldAt: nullableDate(doc, 'heldAt', c),
  };
}

/** The `channelHealth` document of a center's link or endpoint. */
export function healthDocId(centerCode: string, channel: HealthChannel): string {
  return `${centerCode}:${channel}`;
}

function toChannel(doc: Doc): HealthChannel {
  const v = str(doc, 'channel', COLLECTIONS.channelHealth);
  if (v === 'endpoint') return v;
  const item = Number(v.slice('link:'.length));
  if (v.startsWith('link:') && isItemId(item)) return `link:${item}`;
  throw new Error(`CloudBase ${COLLECTIONS.channelHealth}: channel of ${String(doc._id)} is ${v}`);
}

function toHealth(doc: Doc): ChannelHealth {
  const c = COLLECTIONS.channelHealth;
  return {
    centerCode: str(doc, 'centerCode', c),
    channel: toChannel(doc),
    url: str(doc, 'url', c),
    consecutiveFailures: num(doc, 'consecutiveFailures', c),
    healthy: bool(doc, 'healthy', c),
    checkedAt: date(doc, 'checkedAt', c),
    status: nullableNum(doc, 'status', c),
    title: nullableStr(doc, 'title', c),
    error: nullableStr(doc, 'error', c),
  };
}

function toReport(doc: Doc): ConformanceReport | null {
  const c = COLLECTIONS.conformanceRuns;
  const r = doc.report;
  if (r === null || r === undefined) return null;
  if (!isDoc(r) || !Array.isArray(r.checks)) throw new Error(`CloudBase ${c}: report of ${String(doc._id)} is not a report`);
  return {
    passed: bool(r, 'passed', c),
    checks: r.checks.map((check) => {
      if (!isDoc(check)) throw new Error(`CloudBase ${c}: a check of ${String(doc._id)} is not an object`);
      return { id: str(check, 'id', c), name: str(check, 'name', c), passed: bool(check, 'passed', c), detail: str(check, 'detail', c) };
    }),
    startedAt: str(r, 'startedAt', c),
    finishedAt: str(r, 'finishedAt', c),
  };
}

function toRun(doc: Doc): ConformanceRun {
  const c = COLLECTIONS.conformanceRuns;
  return {
    id: str(doc, 'id', c),
    centerCode: str(doc, 'centerCode', c),
    url: str(doc, 'url', c),
    startedBy: str(doc, 'startedBy', c),
    startedAt: date(doc, 'startedAt', c),
    report: toReport(doc),
  };
}

function toReceivedCallback(doc: Doc): ReceivedCallback {
  const c = COLLECTIONS.conformanceCallbacks;
  const problems = doc.problems;
  if (!Array.isArray(problems) || !problems.every((p): p is string => typeof p === 'string')) {
    throw new Error(`CloudBase ${c}: problems of ${String(doc._id)} is not a list of strings`);
  }
  return {
    webhookId: str(doc, 'webhookId', c),
    status: str(doc, 'status', c),
    at: date(doc, 'at', c).toISOString(),
    signatureValid: bool(doc, 'signatureValid', c),
    problems,
  };
}

// ---------------------------------------------------------------------------------------------------------
// transitions

type TransitionPlan = { outcome: 'duplicate' | 'stale' } | { outcome: 'applied'; write: () => Promise<void> };

/**
 * The reads of a transition inside `tx`, and, when it applies, the writes that carry it out. Reading
 * everything before writing anything lets a caller add its own writes (markDelivered) and lets 'duplicate'
 * and 'stale' commit a transaction that wrote nothing.
 */
async function planTransition(tx: Transaction, c: Transition): Promise<TransitionPlan> {
  const receiptRef = c.receipt ? tx.collection(COLLECTIONS.receipts).doc(receiptDocId(c.receipt.centerCode, c.receipt.webhookId)) : undefined;
  if (receiptRef && transactionDoc(await receiptRef.get(), COLLECTIONS.receipts)) return { outcome: 'duplicate' };
  const appRef = tx.collection(COLLECTIONS.applications).doc(c.id);
  const current = transactionDoc(await appRef.get(), COLLECTIONS.applications);
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
async function refuseExisting(tx: Transaction, collection: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    if (transactionDoc(await tx.collection(collection).doc(id).get(), collection)) {
      throw new Error(`CloudBase ${collection}: ${id} conflicts with an existing one`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// seq: the sortable id of appended documents

let lastSeqMillis = 0;
let seqCounter = 0;

/**
 * A string that sorts after every one this instance made before: the write time in ms (base 36, never
 * going back even if the clock does), a counter within that ms, and random bits that keep two instances
 * writing in the same ms apart.
 */
export function nextSeq(now: number = Date.now()): string {
  if (now > lastSeqMillis) {
    lastSeqMillis = now;
    seqCounter = 0;
  } else {
    seqCounter += 1;
  }
  return `${lastSeqMillis.toString(36).padStart(9, '0')}-${seqCounter.toString(36).padStart(4, '0')}-${randomBytes(4).toString('hex')}`;
}

// ---------------------------------------------------------------------------------------------------------
// SDK helpers

/** What a transaction offers: collections whose documents are addressed by id (single-document operations). */
interface Transaction {
  collection(name: string): Collection;
}

/**
 * `Db.runTransaction` is declared `any` in @cloudbase/database (it is assigned in the constructor);
 * its real shape is (callback: (tx) => Promise<T>, retries?: number) => Promise<T>.
 */
async function runTransaction<T>(db: Db, body: (tx: Transaction) => Promise<T>): Promise<T> {
  const result: T = await db.runTransaction(body);
  return result;
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
