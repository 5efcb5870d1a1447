import tcb from '@cloudbase/node-sdk';
import type { Center, CenterLink } from '../../../../src/core/centers';
import { isItemId } from '../../../../src/core/items';
import { ROLES, type Role, type RoleGrant } from '../../../../src/core/roles';
import type { JumpCountFilter, Store } from '../port';

/**
 * The store over the CloudBase document database (deployed functions without DATABASE_URL).
 *
 * Collections and document ids:
 * - `centers`: id = center code; the Center fields (code included, for ordering).
 * - `links`:   id = `${centerCode}:${item}`; centerCode, item, kind, url | appId + path, healthy, updatedAt.
 * - `jumps`:   generated id; centerCode, item, outcome, at (Date).
 * - `roles`:   id = openid; grants: RoleGrant[].
 * - `meta`:    id = key; value.
 *
 * CloudBase limits this works within: `get()` returns at most 1000 documents (100 unless told), so every
 * listing pages with skip/limit; transactions may only touch single documents by id. Database security
 * rules deny client access, so only cloud functions (this adapter) read or write these collections.
 */

type CloudbaseApp = ReturnType<typeof tcb.init>;
type Db = ReturnType<CloudbaseApp['database']>;
type Collection = ReturnType<Db['collection']>;
type Query = ReturnType<Collection['where']>;

export const COLLECTIONS = { centers: 'centers', links: 'links', jumps: 'jumps', roles: 'roles', meta: 'meta' } as const;

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
    close: async () => {
      // nothing to release: the SDK opens no session, every call is an independent signed HTTPS request
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// reading documents

/** Every document of a query, PAGE_SIZE at a time, ordered by `orderField` so that pages do not overlap. */
async function fetchAll(collection: string, query: Collection | Query, orderField: string): Promise<Doc[]> {
  const all: Doc[] = [];
  const ordered = query.orderBy(orderField, 'asc');
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
