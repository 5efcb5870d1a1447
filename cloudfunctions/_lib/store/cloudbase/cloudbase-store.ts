import { randomBytes } from 'node:crypto';
import tcb from '@cloudbase/node-sdk';
import type { Center, CenterLink } from '../../../../src/core/centers';
import { DOC_TYPE_CODES } from '../../../../src/core/identity';
import { isItemId } from '../../../../src/core/items';
import { ROLES, type Role, type RoleGrant } from '../../../../src/core/roles';
import type { AuditEntry, ConsentRecord, CounterRequest, IdentityRecord, JumpCountFilter, Store, VerificationSession } from '../port';

/**
 * The store over the CloudBase document database (deployed functions without DATABASE_URL).
 *
 * Collections and document ids:
 * - `centers`: id = center code; the Center fields (code included, for ordering).
 * - `links`:   id = `${centerCode}:${item}`; centerCode, item, kind, url | appId + path, healthy, updatedAt.
 * - `jumps`:   generated id; centerCode, item, outcome, at (Date).
 * - `roles`:   id = openid; grants: RoleGrant[].
 * - `meta`:    id = key; value.
 * - `identities`:    id = openid; the IdentityRecord fields (openid included, for the "other holder" query),
 *                    verifiedAt and expiresAt as dates, phoneSealed string or null.
 * - `verifications`: id = verifyId; the VerificationSession fields (verifyId included), createdAt as a date.
 * - `counterRequests`: id = code; the CounterRequest fields (code included), createdAt and expiresAt as dates,
 *                    confirmedBy and centerCode string or null.
 * - `attempts`:      generated id; subject, at (Date).
 * - `consents`:      generated id; openid, version, at (Date), seq.
 * - `audit`:         generated id; at (Date), actor, action, subject, detail, seq.
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
} as const;

/** The most documents one `get()` returns on CloudBase. */
export const PAGE_SIZE = 1000;

/** How many single-document writes upsertCatalog keeps in flight. */
const WRITE_CONCURRENCY = 10;

type Doc = Record<string, unknown>;

export function linkDocId(centerCode: string, item: number): string {
  return `${centerCode}:${item}`;
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
            // update merges ($set) the catalog fields only: `live` of a known center is the supervisors' call
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
    },
    links: {
      async listForCenter(centerCode) {
        return (await fetchAll(COLLECTIONS.links, links().where({ centerCode }), 'item')).map(toLink);
      },
      async put(centerCode, link) {
        // set replaces the whole document, so a channel that changes kind leaves no stale url/appId behind
        const channel = link.kind === 'web' ? { url: link.url } : { appId: link.appId, path: link.path };
        await links()
          .doc(linkDocId(centerCode, link.item))
          .set({ centerCode, item: link.item, kind: link.kind, ...channel, healthy: link.healthy, updatedAt: new Date() });
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
      async grant(openid, grant) {
        const wanted = normalizeGrant(grant);
        // read-modify-write of one document by id: what CloudBase transactions allow, and enough to keep
        // two concurrent grants to the same openid from overwriting each other
        await runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.roles).doc(openid);
          const current = transactionDoc(await ref.get(), COLLECTIONS.roles);
          const grants = current ? toGrants(current) : [];
          if (grants.some((g) => sameGrant(g, wanted))) return;
          await ref.set({ grants: [...grants, wanted] });
        });
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
      async settle(verifyId, status) {
        // compare-and-set in a single-document transaction: of two concurrent settles one meets a write
        // conflict, runTransaction runs it again, and it then reads the settled status and answers false
        return runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.verifications).doc(verifyId);
          const current = transactionDoc(await ref.get(), COLLECTIONS.verifications);
          if (current?.status !== 'pending') return false;
          await ref.update({ status });
          return true;
        });
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
      async confirm(code, confirmedBy, centerCode) {
        // compare-and-set in a single-document transaction: of two concurrent confirms one meets a write
        // conflict, runTransaction runs it again, and it then reads the confirmed status and answers false
        return runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.counterRequests).doc(code);
          const current = transactionDoc(await ref.get(), COLLECTIONS.counterRequests);
          if (current?.status !== 'pending') return false;
          await ref.update({ status: 'confirmed', confirmedBy, centerCode });
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
    close: async () => {
      // nothing to release: the SDK opens no session, every call is an independent signed HTTPS request
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// reading documents

/**
 * Every document of a query, PAGE_SIZE at a time, ordered by `order` (one field or several, ascending) so
 * that pages do not overlap: the fields together must be unique.
 */
async function fetchAll(collection: string, query: Collection | Query, order: string | readonly string[]): Promise<Doc[]> {
  const all: Doc[] = [];
  const fields = typeof order === 'string' ? [order] : order;
  const ordered = fields.reduce<Collection | Query>((q, field) => q.orderBy(field, 'asc'), query);
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

function toCenter(doc: Doc): Center {
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
  };
}

function toLink(doc: Doc): CenterLink {
  const item = doc.item;
  if (!isItemId(item)) throw new Error(`CloudBase links: item of ${String(doc._id)} is not an item id`);
  const healthy = bool(doc, 'healthy', COLLECTIONS.links);
  const kind = str(doc, 'kind', COLLECTIONS.links);
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
    certHash: str(doc, 'certHash', c),
    ...sealedPerson(doc, c),
    createdAt: date(doc, 'createdAt', c),
    status: oneOf(doc, 'status', c, ['pending', 'verified', 'failed'] as const),
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
    status: oneOf(doc, 'status', c, ['pending', 'confirmed'] as const),
    confirmedBy: nullableStr(doc, 'confirmedBy', c),
    centerCode: nullableStr(doc, 'centerCode', c),
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
