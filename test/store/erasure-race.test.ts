import pg from 'pg';
import type { ApplicationRecord, Store } from '../../cloudfunctions/_lib/store/port';
import type { SqlDriver } from '../../cloudfunctions/_lib/store/sql/driver';
import { sqlApplications } from '../../cloudfunctions/_lib/store/sql/application-tables';
import { pgDriver } from '../../cloudfunctions/_lib/store/sql/pg';
import { createSqlStore, migrate } from '../../cloudfunctions/_lib/store/sql/sql-store';
import { cancelDeletion } from '../../cloudfunctions/_lib/services/privacy';
import { atCallTime } from '../../cloudfunctions/_lib/runtime/define';
import { contextFor, testOutside } from '../support/function-context';
import { createPostgresSchema, type PostgresSchema } from '../support/postgres-schema';

/**
 * The SQL erasure (one transaction) against what other connections do while it runs, on the test run's PostgreSQL
 * server: the store's statements are watched, and another connection acts right after the erasure has locked the
 * person's cases, or holds a case it is creating while the erasure starts (review 1 of session 9, findings 3 and 6).
 */
jest.setTimeout(90_000);

const T = new Date('2031-06-01T02:00:00Z');
const DAY = 24 * 3600 * 1000;
const CASES_LOCKED = 'from applications where openid = $1 for update';

/** `driver` with `after` run once each statement has answered, inside transactions too. */
function watching(driver: SqlDriver, after: (text: string) => Promise<void>): SqlDriver {
  return {
    exec: (text) => driver.exec(text),
    async query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]> {
      const rows = await driver.query<R>(text, params);
      await after(text);
      return rows;
    },
    transaction: (work) => driver.transaction((tx) => work(watching(tx, after))),
    close: () => driver.close(),
  };
}

const application = (id: string, openid: string): ApplicationRecord => ({
  id, type: 'transfer', openid, requestId: `req-${id}`, status: 'withdrawn', platformCode: null, responsibleCenter: '321000',
  centers: [{ code: '321000', role: 'transfer-in' }], inFlightKey: null, letterNumber: null,
  applicant: { docType: '01', nameSealed: 'n', docNumberSealed: 'd' }, payloadSealed: 'p', acceptBy: '2031-06-06', acceptByProvisional: false,
  targetBy: null, targetProvisional: false, payment: null, test: false, createdAt: T, updatedAt: T,
});
const person = (openid: string) => ({
  openid, method: 'face' as const, docType: '01' as const, nameSealed: 'sealed-name', docNumberSealed: 'sealed-doc', docLookup: `lk-${openid}`,
  phoneSealed: 'sealed-phone', verifiedAt: T, expiresAt: new Date(T.getTime() + 30 * DAY),
});
const audited = (id: string) => (counts: object) => ({ at: T, actor: 'timer', action: 'account.deleted', subject: `deletion:${id}`, detail: JSON.stringify(counts) });

let schema: PostgresSchema;
let raw: pg.Pool;
/** Another connection's driver, for a create held open in a transaction of the test's. */
let second: SqlDriver;
let store: Store;
/** Runs after each statement of `store`'s, while a test sets it. */
let hook: ((text: string) => Promise<void>) | undefined;

beforeAll(async () => {
  schema = await createPostgresSchema('erasure_race');
  raw = new pg.Pool({ connectionString: schema.url, max: 3 });
  second = pgDriver(new pg.Pool({ connectionString: schema.url, max: 1 }));
  const driver = pgDriver(new pg.Pool({ connectionString: schema.url, max: 3 }));
  await migrate(driver);
  store = createSqlStore(
    watching(driver, async (text) => hook?.(text)),
    'postgres',
  );
});

afterAll(async () => {
  await store.close();
  await second.close();
  await raw.end();
  await schema.drop();
});

afterEach(() => {
  hook = undefined;
});

/** Waits until a statement starting with `start` waits on a lock (in pg_stat_activity). */
async function untilWaiting(start: string): Promise<void> {
  for (let waited = 0; ; waited += 20) {
    const [row] = (await raw.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like $1", [`${start}%`])).rows;
    if ((row?.n ?? 0) > 0) return;
    if (waited > 10_000) throw new Error(`no statement ${start}… waited on a lock`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('makes the erasure wait for a case being created, from another connection, then erase nothing: the request waits (review 1 of session 9, finding 6)', async () => {
  const openid = 'race-h';
  await store.identities.bind(person(openid));
  const deletion = { id: 'del-race-h', openid, requestedAt: T, dueAt: T };
  await store.privacy.requestDeletion(deletion);
  let erasing: Promise<unknown> | undefined;
  await second.transaction(async (tx) => {
    // the create has run and holds the identity row; it commits only when this transaction ends
    expect(await sqlApplications(tx).create({ ...application('app-race-h', openid), status: 'submitted', inFlightKey: `transfer:${openid}` }, [], [], null)).toEqual({
      kind: 'created',
      letterNumber: null,
    });
    erasing = store.privacy.erase(deletion, 'erased:del-race-h', [], T, audited(deletion.id));
    await untilWaiting('select doc_lookup from identities');
  });
  expect(await erasing).toEqual({ outcome: 'waiting' });
  expect(await store.identities.get(openid)).toBeDefined();
  expect((await store.applications.listByApplicant(openid)).map((a) => a.id)).toEqual(['app-race-h']);
  expect(await store.privacy.deletionOf(openid)).toEqual(deletion);
  expect(await store.audit.listFor('deletion:del-race-h')).toEqual([]);
});

it('erases nothing when a test case of the person is committed by another connection after the erasure locked their cases: the request waits', async () => {
  const openid = 'race-a';
  await store.identities.bind(person(openid));
  await store.applications.create(application('app-race-a', openid), [], [], null);
  const deletion = { id: 'del-race-a', openid, requestedAt: T, dueAt: T };
  await store.privacy.requestDeletion(deletion);
  hook = async (text) => {
    if (!text.includes(CASES_LOCKED)) return;
    hook = undefined;
    // a test case takes no identity row (the tester needs none), so nothing makes it wait: committed at once
    const testCase = { ...application('app-race-b', openid), test: true, status: 'submitted' as const, inFlightKey: `test:transfer:${openid}:321000` };
    expect(await sqlApplications(second).create(testCase, [], [], null)).toEqual({ kind: 'created', letterNumber: null });
  };
  const resealed = [{ applicationId: 'app-race-a', nameSealed: 'x', docNumberSealed: 'y' }];
  expect(await store.privacy.erase(deletion, 'erased:del-race-a', resealed, T, audited(deletion.id))).toEqual({ outcome: 'waiting' });
  expect(await store.identities.get(openid)).toBeDefined();
  expect((await store.applications.listByApplicant(openid)).map((a) => a.id).sort()).toEqual(['app-race-a', 'app-race-b']);
  expect(await store.applications.get('app-race-a')).toMatchObject({ applicant: { nameSealed: 'n', docNumberSealed: 'd' } });
  expect(await store.privacy.deletionOf(openid)).toEqual(deletion);
  expect(await store.audit.listFor('deletion:del-race-a')).toEqual([]);
});

it('makes a cancel asked during the erasure wait for it, then answer that no deletion is pending (review 1, finding 3)', async () => {
  const openid = 'race-c';
  await store.identities.bind(person(openid));
  const deletion = { id: 'del-race-c', openid, requestedAt: T, dueAt: T };
  await store.privacy.requestDeletion(deletion);
  let cancelled: Promise<unknown> | undefined;
  hook = async (text) => {
    if (!text.includes(CASES_LOCKED)) return;
    hook = undefined;
    const ctx = atCallTime(contextFor(store, { openid, roles: [] }, T, testOutside()));
    cancelled = cancelDeletion(ctx, openid).catch((error: unknown) => error);
    // the cancel's delete waits on the request the erasure holds
    await untilWaiting('delete from account_deletions');
  };
  expect(await store.privacy.erase(deletion, 'erased:del-race-c', [], T, audited(deletion.id))).toMatchObject({ outcome: 'erased', counts: { identities: 1 } });
  expect(await cancelled).toMatchObject({ code: 'VALIDATION_FAILED', message: '没有正在等待的注销申请' });
  expect(await store.identities.get(openid)).toBeUndefined();
  expect((await store.audit.listFor('deletion:del-race-c')).map((e) => e.action)).toEqual(['account.deleted']);
});
