import type { Center, StoredCenter } from '../../../../src/core/centers';
import type { CounterRequest, IdentityRecord, JumpCountFilter, Store, StoreKind, VerificationSession } from '../port';
import { centerRow } from '../rows/catalog';
import { auditRow, consentRow, counterRequestRow, identityRow, verificationRow } from '../rows/people';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { sqlCalendarYears } from './calendar-tables';
import { sqlDashboard } from './dashboard-tables';
import { APPLY_CATALOG_FIXES, sqlCatalogFixes, sqlFindings } from './finding-tables';
import { sqlMonthly } from './monthly-tables';
import { sqlSupervision } from './supervision-tables';
import { sqlTrialChecks } from './trial-tables';
import { sqlBusinessDomains } from './business-domain-tables';
import { sqlAttachmentFetches } from './attachment-fetch-tables';
import { sqlCertificateCodes } from './certificate-code-tables';
import { sqlApplications, sqlEndpoints, sqlOutbox, sqlRatings } from './application-tables';
import { sqlConformanceCallbacks, sqlConformanceRuns, sqlHealth, sqlLinkChanges, sqlStaffInvites } from './center-tables';
import { sqlScans, sqlTrialInvites } from './trial-invite-tables';
import { putLink, toLink } from './link-rows';
import { sqlRoles } from './role-tables';
import { appendAudit, sqlPrivacy } from './privacy-tables';
import { sqlContractChecks } from './contract-check-tables';
import { sqlHotReads } from './hot-reads';
import { MIGRATIONS } from './migrations';
import { camelCased } from './row-names';

/** Brings the schema up to the newest migration; safe to run from several processes at once. */
export async function migrate(driver: SqlDriver): Promise<number[]> {
  const applied: number[] = [];
  await driver.transaction(async (tx) => {
    // one migrator at a time across connections (PostgreSQL); PGlite has one connection anyway
    await tx.query('select pg_advisory_xact_lock(20260415)');
    await tx.query('create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())');
    const done = new Set((await tx.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
  });
  return applied;
}

const toCenter = (row: object): StoredCenter => {
  const r = camelCased(row);
  const counter = r.counterAddress !== null && r.counterHours !== null ? { address: r.counterAddress, hours: r.counterHours } : null;
  return readRow(centerRow(), 'SQL centers', { ...r, counter });
};

const toIdentity = (row: object): IdentityRecord => readRow(identityRow(), 'SQL identities', camelCased(row));

const toVerification = (row: object): VerificationSession => readRow(verificationRow(), 'SQL verifications', camelCased(row));

const toCounter = (row: object): CounterRequest => readRow(counterRequestRow(), 'SQL counter_requests', camelCased(row));

const CENTER_COLUMNS = ['code', 'name', 'province', 'city', 'phone', 'live', 'pinyin', 'initials', 'province_pinyin', 'province_initials'] as const;

/** The store over any SQL driver; call `migrate` before first use. */
export function createSqlStore(driver: SqlDriver, kind: Extract<StoreKind, 'pglite' | 'postgres'>): Store {
  return {
    kind,
    centers: {
      async upsertCatalog(centers: readonly Center[]) {
        if (centers.length === 0) return;
        const values: unknown[] = [];
        const tuples = centers.map((c, i) => {
          values.push(c.code, c.name, c.province, c.city, c.phone, c.live, c.pinyin, c.initials, c.provincePinyin, c.provinceInitials);
          return `(${CENTER_COLUMNS.map((_, j) => `$${i * CENTER_COLUMNS.length + j + 1}`).join(', ')})`;
        });
        const refreshed = CENTER_COLUMNS.filter((c) => c !== 'code' && c !== 'live').map((c) => `${c} = excluded.${c}`);
        await driver.transaction(async (tx) => {
          await tx.query(`insert into centers (${CENTER_COLUMNS.join(', ')}) values ${tuples.join(', ')} on conflict (code) do update set ${refreshed.join(', ')}`, values);
          // the corrections supervisors approved in the trial outlive a regenerated catalog
          await tx.query(APPLY_CATALOG_FIXES);
        });
      },
      async get(code) {
        const [row] = await driver.query('select * from centers where code = $1', [code]);
        return row ? toCenter(row) : undefined;
      },
      async list() {
        return (await driver.query('select * from centers order by code')).map(toCenter);
      },
      async setLive(code, live) {
        await driver.query('update centers set live = $2 where code = $1', [code, live]);
      },
      async setCounter(code, counter) {
        await driver.query('update centers set counter_address = $2, counter_hours = $3 where code = $1', [code, counter.address, counter.hours]);
      },
    },
    links: {
      async listForCenter(centerCode) {
        return (await driver.query('select * from links where center_code = $1 order by item', [centerCode])).map(toLink);
      },
      put: (centerCode, link) => putLink(driver, centerCode, link),
      async listAll() {
        const rows = await driver.query<{ center_code: string }>('select * from links order by center_code, item');
        return rows.map((r) => ({ centerCode: r.center_code, link: toLink(r) }));
      },
    },
    jumps: {
      async record(jump) {
        await driver.query('insert into jumps (center_code, item, outcome, at) values ($1, $2, $3, $4)', [jump.centerCode, jump.item, jump.outcome, jump.at]);
      },
      async count(filter: JumpCountFilter) {
        const where: string[] = [];
        const params: unknown[] = [];
        const add = (clause: string, value: unknown) => {
          params.push(value);
          where.push(clause.replace('?', `$${params.length}`));
        };
        if (filter.centerCode !== undefined) add('center_code = ?', filter.centerCode);
        if (filter.item !== undefined) add('item = ?', filter.item);
        if (filter.from !== undefined) add('at >= ?', filter.from);
        if (filter.to !== undefined) add('at < ?', filter.to);
        const [row] = await driver.query<{ n: string | number }>(
          `select count(*) as n from jumps${where.length ? ` where ${where.join(' and ')}` : ''}`,
          params,
        );
        return Number(row?.n ?? 0);
      },
    },
    roles: sqlRoles(driver),
    meta: {
      async get(key) {
        const [row] = await driver.query<{ value: string }>('select value from meta where key = $1', [key]);
        return row?.value;
      },
      async set(key, value) {
        await driver.query('insert into meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value', [key, value]);
      },
      async compareAndSet(key, expected, next) {
        const rows =
          expected === undefined
            ? await driver.query('insert into meta (key, value) values ($1, $2) on conflict (key) do nothing returning key', [key, next])
            : await driver.query('update meta set value = $3 where key = $1 and value = $2 returning key', [key, expected, next]);
        return rows.length === 1;
      },
    },
    identities: {
      async get(openid) {
        const [row] = await driver.query('select * from identities where openid = $1', [openid]);
        return row ? toIdentity(row) : undefined;
      },
      async holderOf(docLookup) {
        const [row] = await driver.query<{ openid: string }>('select openid from identities where doc_lookup = $1', [docLookup]);
        return row?.openid;
      },
      bind: (r) =>
        driver.transaction(async (tx) => {
          const ended = await tx.query<{ openid: string }>('delete from identities where doc_lookup = $1 and openid <> $2 returning openid', [r.docLookup, r.openid]);
          await tx.query(
            `insert into identities (openid, method, doc_type, name_sealed, doc_number_sealed, doc_lookup, phone_sealed, verified_at, expires_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             on conflict (openid) do update set method = excluded.method, doc_type = excluded.doc_type, name_sealed = excluded.name_sealed,
               doc_number_sealed = excluded.doc_number_sealed, doc_lookup = excluded.doc_lookup, phone_sealed = excluded.phone_sealed,
               verified_at = excluded.verified_at, expires_at = excluded.expires_at`,
            [r.openid, r.method, r.docType, r.nameSealed, r.docNumberSealed, r.docLookup, r.phoneSealed, r.verifiedAt, r.expiresAt],
          );
          return { endedOpenid: ended[0]?.openid };
        }),
      async setPhone(openid, phoneSealed) {
        await driver.query('update identities set phone_sealed = $2 where openid = $1', [openid, phoneSealed]);
      },
    },
    verifications: {
      async create(v) {
        await driver.query(
          `insert into verifications (verify_id, out_seq_no, openid, doc_type, name_sealed, doc_number_sealed, doc_lookup, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [v.verifyId, v.outSeqNo, v.openid, v.docType, v.nameSealed, v.docNumberSealed, v.docLookup, v.createdAt],
        );
      },
      async get(verifyId) {
        const [row] = await driver.query('select * from verifications where verify_id = $1', [verifyId]);
        return row ? toVerification(row) : undefined;
      },
      async remove(verifyId) {
        const rows = await driver.query('delete from verifications where verify_id = $1 returning verify_id', [verifyId]);
        return rows.length === 1;
      },
      async removeOlderThan(cutoff) {
        return (await driver.query('delete from verifications where created_at < $1 returning verify_id', [cutoff])).length;
      },
    },
    counterRequests: {
      async create(c) {
        await driver.query(
          `insert into counter_requests (code, openid, doc_type, name_sealed, doc_number_sealed, doc_lookup, created_at, expires_at, status, confirmed_by, center_code, second_confirmed_by, confirmed_by_lookup)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [c.code, c.openid, c.docType, c.nameSealed, c.docNumberSealed, c.docLookup, c.createdAt, c.expiresAt, c.status, c.confirmedBy, c.centerCode, c.secondConfirmedBy, c.confirmedByLookup],
        );
      },
      async get(code) {
        const [row] = await driver.query('select * from counter_requests where code = $1', [code]);
        return row ? toCounter(row) : undefined;
      },
      async confirm(code, confirmedBy, centerCode, next = 'confirmed', confirmerLookup = null) {
        const rows = await driver.query(
          "update counter_requests set status = $4, confirmed_by = $2, center_code = $3, confirmed_by_lookup = $5 where code = $1 and status = 'pending' returning code",
          [code, confirmedBy, centerCode, next, confirmerLookup],
        );
        return rows.length === 1;
      },
      async confirmSecond(code, secondBy, secondLookup = null) {
        const rows = await driver.query(
          `update counter_requests set status = 'confirmed', second_confirmed_by = $2
           where code = $1 and status = 'awaiting-second' and confirmed_by <> $2
             and (confirmed_by_lookup is null or $3::text is null or confirmed_by_lookup <> $3::text) returning code`,
          [code, secondBy, secondLookup],
        );
        return rows.length === 1;
      },
      async reopen(code, firstBy) {
        const rows = await driver.query(
          `update counter_requests set status = 'pending', confirmed_by = null, center_code = null, confirmed_by_lookup = null
           where code = $1 and status = 'awaiting-second' and confirmed_by = $2 returning code`,
          [code, firstBy],
        );
        return rows.length === 1;
      },
    },
    attempts: {
      async recordFailure(subject, at, openid) {
        await driver.query('insert into attempts (subject, at, openid) values ($1, $2, $3)', [subject, at, openid]);
      },
      async failuresSince(subject, since) {
        const [row] = await driver.query<{ n: string | number }>('select count(*) as n from attempts where subject = $1 and at >= $2', [subject, since]);
        return Number(row?.n ?? 0);
      },
      recordIfUnder: (subject, since, limit, at, openid) =>
        driver.transaction(async (tx) => {
          // one checker per subject at a time across connections: the lock is held until commit, so the next
          // one counts this one's attempt (READ COMMITTED reads what committed before each statement)
          await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`attempts:${subject}`]);
          const [row] = await tx.query<{ n: string | number }>('select count(*) as n from attempts where subject = $1 and at >= $2', [subject, since]);
          if (Number(row?.n ?? 0) >= limit) return false;
          await tx.query('insert into attempts (subject, at, openid) values ($1, $2, $3)', [subject, at, openid]);
          return true;
        }),
      async removeOlderThan(cutoff) {
        return (await driver.query('delete from attempts where at < $1 returning id', [cutoff])).length;
      },
    },
    consents: {
      async record(c) {
        await driver.query('insert into consents (openid, version, at) values ($1, $2, $3)', [c.openid, c.version, c.at]);
      },
      async latest(openid) {
        const [row] = await driver.query('select openid, version, at from consents where openid = $1 order by at desc, id desc limit 1', [openid]);
        return row ? readRow(consentRow(), 'SQL consents', row) : undefined;
      },
      async listOf(openid) {
        return (await driver.query('select openid, version, at from consents where openid = $1 order by at, id', [openid])).map((row) => readRow(consentRow(), 'SQL consents', row));
      },
    },
    audit: {
      append: (e) => appendAudit(driver, e),
      async listFor(subject) {
        const rows = await driver.query('select at, actor, action, subject, detail from audit where subject = $1 order by id', [subject]);
        return rows.map((r) => readRow(auditRow(), 'SQL audit', r));
      },
    },
    privacy: sqlPrivacy(driver),
    contractChecks: sqlContractChecks(driver),
    applications: sqlApplications(driver),
    outbox: sqlOutbox(driver),
    endpoints: sqlEndpoints(driver),
    ratings: sqlRatings(driver),
    staffInvites: sqlStaffInvites(driver),
    trialInvites: sqlTrialInvites(driver),
    scans: sqlScans(driver),
    linkChanges: sqlLinkChanges(driver),
    health: sqlHealth(driver),
    conformanceRuns: sqlConformanceRuns(driver),
    conformanceCallbacks: sqlConformanceCallbacks(driver),
    calendarYears: sqlCalendarYears(driver),
    monthly: sqlMonthly(driver),
    supervision: sqlSupervision(driver),
    dashboard: sqlDashboard(driver),
    findings: sqlFindings(driver),
    catalogFixes: sqlCatalogFixes(driver),
    trialChecks: sqlTrialChecks(driver),
    businessDomains: sqlBusinessDomains(driver),
    attachmentFetches: sqlAttachmentFetches(driver),
    certificateCodes: sqlCertificateCodes(driver),
    reads: sqlHotReads(driver),
    close: () => driver.close(),
  };
}
