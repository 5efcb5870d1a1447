/**
 * The national monthly table (issue 14: ≤ 2 s on PGlite and on PostgreSQL, within 3× of one plain GROUP BY over
 * the same rows): 366 centers, 100,000 applications and 1,000,000 jump records in one period, after as many
 * applications in each of the EARLIER periods before it (a counting query that scans every application, not the
 * period's by its indexes, shows in the time). Ours is the whole of
 * `supervise monthly` for a national supervisor (catalog, routes, the period's counts, centers' figures,
 * submissions); the baseline is one `GROUP BY center_code, item` over the period's jumps, timed in the same run.
 * PGlite always (in memory); PostgreSQL when DATABASE_URL is set, in a schema of its own, dropped after.
 */
import { PGlite } from '@electric-sql/pglite';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPostgresStore } from '../../cloudfunctions/_lib/store/sql/pg';
import { pgliteStoreOver } from '../../cloudfunctions/_lib/store/sql/pglite';
import { monthly } from '../../cloudfunctions/_lib/supervision/monthly';
import { reportPeriod, shanghaiMidnight } from '../../src/core/time';
import { benchOutside, fmt } from './fixtures';

const MONTH = '2026-11';
const NOW = new Date('2026-11-18T10:00:00+08:00');
const APPLICATIONS = 100_000;
/** Periods before the measured one, each with APPLICATIONS of its own (their purchase withdrawals paid in them). */
const EARLIER = 5;
const JUMPS = 1_000_000;
const RUNS = 5;

/** Raw SQL beside the store, to fill the tables in bulk and to run the baseline. */
export type Sql = (text: string, params?: unknown[]) => Promise<unknown[]>;

/**
 * Fills the period with generated rows, spread over its month and over every center: jumps for items 3-6 (a tenth
 * not opening a channel), and applications of every type: joint purchase withdrawals (half of them paid, two days
 * after), loan-cleared and deposit-use certificates, in-app requests for items 4-6, transfers; the same applications
 * again in each of the EARLIER periods before it (30 days apart).
 */
export async function fill(sql: Sql, from: Date): Promise<void> {
  const spread = '(g % 2592000) * interval \'1 second\''; // 30 days
  // the period of application g: 0 the measured one, 1 to EARLIER those before it
  const created = `$1::timestamptz - (g / ${APPLICATIONS}) * interval '30 days' + ${spread}`;
  await sql(`create temporary table bench_centers as select code, (row_number() over (order by code) - 1)::integer as i from centers`);
  await sql(
    `insert into jumps (center_code, item, outcome, at)
     select c.code, 3 + (g % 4), case when g % 10 = 0 then 'unavailable' else 'web' end, $1::timestamptz + ${spread}
       from generate_series(1, ${JUMPS}) g join bench_centers c on c.i = g % 366`,
    [from],
  );
  await sql(
    `insert into applications (id, type, openid, request_id, status, responsible_center, centers, applicant, payload_sealed, accept_by, created_at, updated_at, payment, service_item)
     select 'bench' || g, t.type, 'o' || g, 'r' || g, 'completed', a.code,
            case t.type
              when 'purchase-withdrawal' then jsonb_build_array(jsonb_build_object('code', a.code, 'role', 'purchase'), jsonb_build_object('code', b.code, 'role', 'deposit'))
              when 'service-request' then jsonb_build_array(jsonb_build_object('code', a.code, 'role', 'business'))
              when 'transfer' then jsonb_build_array(jsonb_build_object('code', a.code, 'role', 'transfer-in'), jsonb_build_object('code', b.code, 'role', 'transfer-out'))
              else jsonb_build_array(jsonb_build_object('code', a.code, 'role', 'business'), jsonb_build_object('code', b.code, 'role', 'accepting'))
            end,
            '{"docType":"01","nameSealed":"x","docNumberSealed":"x"}'::jsonb, 'x', '2026-11-20', ${created}, ${created},
            case when t.type = 'purchase-withdrawal' and g % 2 = 0
              then jsonb_build_object('amount', (g % 500000) / 100.0 + 1000, 'paidOn', to_char((${created} + interval '2 days') at time zone 'Asia/Shanghai', 'YYYY-MM-DD')) end,
            case when t.type = 'service-request' then 4 + g % 3 end
       from generate_series(0, ${APPLICATIONS * (EARLIER + 1) - 1}) g
       join bench_centers a on a.i = g % 366
       join bench_centers b on b.i = (g * 7 + 1) % 366
       cross join lateral (select (array['purchase-withdrawal', 'purchase-withdrawal', 'certificate-loan-cleared', 'certificate-deposit-use', 'service-request', 'transfer'])[1 + g % 6] as type) t`,
    [from],
  );
  await sql('analyze');
}

async function timed(run: () => Promise<unknown>): Promise<number[]> {
  await run(); // warm up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b);
}

async function measure(name: string, store: Store, sql: Sql): Promise<void> {
  const period = reportPeriod(MONTH);
  const from = shanghaiMidnight(period.from);
  const to = shanghaiMidnight(period.to);
  const t = performance.now();
  await fill(sql, from);
  const filled = performance.now() - t;
  const ctx = { store, outside: benchOutside(), log: createLogger({ level: 'silent' }), now: NOW };
  const national = { openid: 'bench-supervisor', roles: [{ role: 'supervisor' as const }] };
  let rows = 0;
  const ours = await timed(async () => {
    rows = (await monthly(ctx, national, MONTH, undefined)).rows.length;
  });
  const baseline = await timed(() => sql('select center_code, item, count(*) as n from jumps where at >= $1 and at < $2 group by center_code, item', [from, to]));
  const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
  console.log(`  ${name}: filled in ${fmt(filled / 1000, 1)} s; national table (${rows} rows) median ${fmt(median(ours))} ms, max ${fmt(ours[ours.length - 1])} ms`);
  console.log(`  ${name}: baseline (one GROUP BY over the period's jumps) median ${fmt(median(baseline))} ms   ratio ${(median(ours) / median(baseline)).toFixed(2)}`);
}

export async function benchSupervision(): Promise<void> {
  console.log(`\nnational monthly table: ${fmt(APPLICATIONS)} applications, ${fmt(JUMPS)} jumps, 366 centers in one period, ${fmt(APPLICATIONS * EARLIER)} applications in the ${EARLIER} periods before (budget 2 s, ratio ≤ 3)`);
  const lite = await PGlite.create();
  const liteStore = await pgliteStoreOver(lite);
  await ensureCatalog(liteStore);
  await measure('pglite', liteStore, async (text, params) => (await lite.query(text, params)).rows);
  await liteStore.close();

  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log('  postgres: not measured (set DATABASE_URL to a PostgreSQL server)');
    return;
  }
  const schema = `bench_supervision_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  const pool = new pg.Pool({ connectionString: scoped.toString(), max: 2 });
  const store = await openPostgresStore(scoped.toString());
  try {
    await ensureCatalog(store);
    const client = await pool.connect();
    try {
      // one connection: the temporary table of the fill lives in it
      await measure('postgres', store, async (text, params) => (await client.query(text, params)).rows);
    } finally {
      client.release();
    }
  } finally {
    await store.close();
    await pool.end();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}
