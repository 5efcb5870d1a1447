import { PGlite } from '@electric-sql/pglite';
import { pgliteStoreOver } from '../../cloudfunctions/_lib/store/sql/pglite';
import type { ApplicationRecord, Store } from '../../cloudfunctions/_lib/store/port';
import { createBound } from '../support/identity-rows';

/**
 * The drivers prepare each statement once (decision 019), and PostgreSQL then plans it once only while the plan it
 * would make for any values (the generic plan) costs no more than the plans it made for the values given. A hot read
 * whose generic plan looks dearer is planned again at every call. PGlite has no autovacuum, so its planner guesses
 * from the tables' size alone: with thousands of cases it priced "every case of one purchase contract" above a
 * submission's other reads together, and the submission's read (which asked it with a null contract) was planned
 * at every submission (about 0.3 ms).
 */
jest.setTimeout(90_000);

const T = new Date('2026-12-01T02:00:00Z');
const transfer = (n: number): ApplicationRecord => ({
  id: `plan${String(n).padStart(6, '0')}`,
  type: 'transfer',
  openid: `plan-o-${n}`,
  requestId: `plan-req-${n}`,
  status: 'submitted',
  platformCode: null,
  responsibleCenter: '321000',
  centers: [{ code: '321000', role: 'transfer-in' }, { code: '110000', role: 'transfer-out' }],
  inFlightKey: `transfer:plan-o-${n}:110000`,
  letterNumber: null,
  applicant: { docType: '01', nameSealed: 'sealed-name', docNumberSealed: 'sealed-doc' },
  payloadSealed: 'sealed-payload',
  acceptBy: '2026-12-15',
  acceptByProvisional: false,
  targetBy: null,
  targetProvisional: false,
  payment: null,
  test: false,
  createdAt: T,
  updatedAt: T,
});

/** How often PostgreSQL planned the prepared statements whose text has `marker`: custom (for the values) and generic. */
const plans = async (db: PGlite, marker: string) =>
  (await db.query<{ custom_plans: number; generic_plans: number }>('select custom_plans::int, generic_plans::int from pg_prepared_statements where statement like $1', [`%${marker}%`])).rows;

describe('the hot reads on a grown PGlite store', () => {
  let db: PGlite;
  let store: Store;
  beforeAll(async () => {
    db = await PGlite.create();
    store = await pgliteStoreOver(db);
    expect(await createBound(store, transfer(0))).toMatchObject({ kind: 'created' });
    // 6,000 more cases, copied from that one in SQL (each its own id, request and person, none in flight)
    await db.query(
      `insert into applications
       select (jsonb_populate_record(null::applications, to_jsonb(a) || jsonb_build_object(
                 'id', a.id || '-' || g, 'request_id', a.request_id || '-' || g, 'openid', a.openid || '-' || g, 'in_flight_key', null))).*
       from applications a, generate_series(1, 6000) g`,
    );
  });
  afterAll(() => store.close());

  it('plans a submission’s read for its values at most five times, then with its generic plan, whether or not it names a purchase contract', async () => {
    for (let i = 0; i < 12; i++) {
      const reads = await store.reads.caller('plan-o-0', 'launch', { centerCodes: ['321000', '110000'], requestId: `next-${i}`, contractLookup: undefined });
      expect(reads.submission?.identity?.openid).toBe('plan-o-0');
      await store.reads.caller('plan-o-0', 'launch', { centerCodes: ['321000'], requestId: `next-${i}`, contractLookup: 'lookup-of-a-contract' });
    }
    const planned = await plans(db, 'same_contract');
    expect(planned.reduce((calls, p) => calls + p.custom_plans + p.generic_plans, 0)).toBe(24);
    // PostgreSQL tries the first five calls' own plans before it compares; after that, the generic plan every time
    for (const p of planned) expect(p.custom_plans).toBeLessThanOrEqual(5);
  });
});
