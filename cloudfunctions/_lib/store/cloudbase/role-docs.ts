import { grantWithScope, sameGrant, scopeOf, type RoleGrant } from '../../../../src/core/roles';
import type { GrantOutcome, RoleRecord, RoleRepository } from '../port';
import { readRow } from '../rows/read';
import { roleGrantRow, roleRecordRow } from '../rows/roles';
import { COLLECTIONS, fetchAll, getById, isDoc, runTransaction, str, transactionDoc, type Db, type Doc } from './sdk';

/**
 * Roles: one `roles` document per person, with the grants in force and every role ever granted. A tester's grant or
 * record stored before testers were scoped to a province (issue 15: `{ role: 'tester' }` without `province`) is read
 * as absent, reported once per store in the log; the person's next change of roles drops it.
 */

/** How the store reports something wrong in what it read without failing the call (the functions' logger). */
export type StoreWarning = (detail: Record<string, unknown>, message: string) => void;

/** A tester's grant or record without a province: written before issue 15, no longer a role anyone holds. */
const isUnscopedTester = (entry: unknown): boolean => isDoc(entry) && entry.role === 'tester' && typeof entry.province !== 'string';

const hasUnscopedTester = (doc: Doc): boolean =>
  [doc.grants, doc.records].some((entries) => Array.isArray(entries) && entries.some(isUnscopedTester));

export function cloudbaseRoles(db: Db, warn: StoreWarning): RoleRepository {
  const roles = () => db.collection(COLLECTIONS.roles);
  let reported = false;
  const reportUnscoped = (docs: readonly Doc[]) => {
    const count = reported ? 0 : docs.filter(hasUnscopedTester).length;
    if (count === 0) return;
    reported = true;
    warn({ collection: COLLECTIONS.roles, documents: count }, 'tester grants without a province are ignored: grant these testers again with their province');
  };
  return {
    async rolesOf(openid) {
      const doc = await getById(roles(), openid);
      if (doc) reportUnscoped([doc]);
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
      const docs = await fetchAll(COLLECTIONS.roles, roles(), '_id');
      reportUnscoped(docs);
      return docs.flatMap((doc) => rolesDoc(str(doc, '_id', COLLECTIONS.roles), doc).records);
    },
    async recordsOf(openid) {
      const doc = await getById(roles(), openid);
      if (doc) reportUnscoped([doc]);
      return doc ? rolesDoc(openid, doc).records : [];
    },
    async recordsOfMany(openids) {
      if (openids.length === 0) return [];
      const docs = await fetchAll(COLLECTIONS.roles, roles().where({ _id: db.command.in([...new Set(openids)]) }), '_id');
      reportUnscoped(docs);
      return docs.flatMap((doc) => rolesDoc(str(doc, '_id', COLLECTIONS.roles), doc).records);
    },
  };
}

export function toGrants(doc: Doc): RoleGrant[] {
  const grants = doc.grants ?? [];
  if (!Array.isArray(grants)) throw new Error(`CloudBase roles: grants of ${String(doc._id)} is not a list`);
  return grants.filter((g) => !isUnscopedTester(g)).map((g: unknown) => readRow(roleGrantRow(), 'CloudBase roles', withScope(g, { _id: doc._id })));
}

/**
 * A grant or record of a `roles` document (scoped by `centerCode` or `province`) laid out as the rows schemas
 * read roles: with its scope, as scopeOf gives it, and `extra` (the person, the document's id for messages).
 */
function withScope(entry: unknown, extra: Doc): unknown {
  if (!isDoc(entry)) return entry;
  const scope = entry.role === 'center-staff' ? entry.centerCode : entry.role === 'provincial-supervisor' || entry.role === 'tester' ? entry.province : '';
  return { ...entry, ...extra, scope };
}

/** The scope fields a grant's document carries. */
function scopeFields(grant: RoleGrant): Doc {
  if (grant.role === 'center-staff') return { centerCode: grant.centerCode };
  if (grant.role === 'provincial-supervisor' || grant.role === 'tester') return { province: grant.province };
  return {};
}

/** Only the fields of the grant, in a fixed order. */
export function normalizeGrant(grant: RoleGrant): RoleGrant {
  return grantWithScope(grant.role, scopeOf(grant));
}

export function grantCenter(grant: RoleGrant): string {
  return grant.role === 'center-staff' ? grant.centerCode : '';
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

export function rolesDoc(openid: string, doc: Doc | undefined): RolesDoc {
  if (!doc) return { grants: [], records: [] };
  const grants = toGrants(doc);
  const raw = doc.records === undefined ? [] : doc.records;
  if (!Array.isArray(raw)) throw new Error(`CloudBase roles: records of ${openid} is not a list`);
  const kept = raw.filter((r) => !isUnscopedTester(r)).map((r: unknown) => readRow(roleRecordRow(), 'CloudBase roles', withScope(r, { openid })));
  const records = [...kept, ...grants.filter((g) => !kept.some((r) => sameGrant(r.grant, g))).map((g) => legacyRecord(openid, g))];
  return { grants, records: sortRecords(records) };
}

const sortRecords = (records: readonly RoleRecord[]): RoleRecord[] => sortedByGrant(records, (r) => r.grant);

/** The records with `record` in place of the one for its grant. */
export function withRecord(records: readonly RoleRecord[], record: RoleRecord): RoleRecord[] {
  return [...records.filter((r) => !sameGrant(r.grant, record.grant)), record];
}

/** The fields of a `roles` document. */
export function rolesDocFields(grants: readonly RoleGrant[], records: readonly RoleRecord[]): Doc {
  return {
    grants: sortGrants(grants),
    records: sortRecords(records).map((r) => ({
      role: r.grant.role,
      ...scopeFields(r.grant),
      displayName: r.displayName,
      grantedAt: r.grantedAt,
      grantedBy: r.grantedBy,
      revokedAt: r.revokedAt,
      revokedBy: r.revokedBy,
    })),
  };
}

/** Grants, or what carries one, by role then scope (center or province): the order the SQL adapter returns. */
function sortedByGrant<T>(items: readonly T[], grantOf: (item: T) => RoleGrant): T[] {
  const key = (item: T) => [grantOf(item).role, scopeOf(grantOf(item))] as const;
  return [...items].sort((a, b) => {
    const [ra, ca] = key(a);
    const [rb, cb] = key(b);
    return ra < rb ? -1 : ra > rb ? 1 : ca < cb ? -1 : ca > cb ? 1 : 0;
  });
}
const sortGrants = (grants: readonly RoleGrant[]): RoleGrant[] => sortedByGrant(grants, (g) => g);
