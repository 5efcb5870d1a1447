import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import type { SqlDriver } from '../../cloudfunctions/_lib/store/sql/driver';
import { pgDriver } from '../../cloudfunctions/_lib/store/sql/pg';
import { pgliteDriver } from '../../cloudfunctions/_lib/store/sql/pglite';
import { createSqlStore, migrate } from '../../cloudfunctions/_lib/store/sql/sql-store';
import type { SentRequest } from './fake-cloudbase';
import { launched } from './function-context';
import { createPostgresSchema } from './postgres-schema';

/**
 * Counting the store's round trips (issue 16, point 9): one round trip is one network exchange with the database.
 * - SQL: each statement the store sends is one (pg sends a query with its parameters as one exchange); a
 *   transaction adds two more, its BEGIN and its COMMIT. Statements sent in parallel are each counted.
 * - CloudBase: each request the test double receives; requests in flight together (each sent before any of the
 *   others was answered, as Promise.all sends them) count as one: the count is the longest chain of requests each
 *   sent after an earlier one's answer (roundTripsOf). The double then answers after a delay, so they overlap.
 */

/** A driver that writes each statement it sends to `sent` ('begin' and 'commit' for a transaction's own two). */
export function countingDriver(inner: SqlDriver, sent: string[], inTransaction = false): SqlDriver {
  return {
    exec: (text) => {
      sent.push(text);
      return inner.exec(text);
    },
    query: (text, params) => {
      sent.push(text);
      return inner.query(text, params);
    },
    // the drivers run a transaction inside another as part of it: no BEGIN or COMMIT of its own
    async transaction(work) {
      if (!inTransaction) sent.push('begin');
      const result = await inner.transaction((tx) => work(countingDriver(tx, sent, true)));
      if (!inTransaction) sent.push('commit');
      return result;
    },
    close: () => inner.close(),
  };
}

/** An SQL store whose statements are counted, migrated, with the catalog loaded and open to everyone. */
export interface CountedSqlStore {
  store: Store;
  /** Every statement sent since the store opened; tests read the ones a step added. */
  sent: string[];
}

async function counted(driver: SqlDriver, kind: 'pglite' | 'postgres', close: () => Promise<void>): Promise<CountedSqlStore> {
  await migrate(driver);
  const sent: string[] = [];
  const store = createSqlStore(countingDriver(driver, sent), kind);
  await ensureCatalog(store);
  await launched(store);
  return { store: { ...store, close }, sent };
}

/** The embedded store (PGlite in memory), counted. */
export async function countedPgliteStore(): Promise<CountedSqlStore> {
  const db = await PGlite.create();
  return counted(pgliteDriver(db), 'pglite', () => db.close());
}

/** The store on the test run's PostgreSQL server, in a schema of its own dropped on close, counted. */
export async function countedPostgresStore(): Promise<CountedSqlStore> {
  const schema = await createPostgresSchema('rt');
  const pool = new pg.Pool({ connectionString: schema.url, max: 5 });
  return counted(pgDriver(pool), 'postgres', async () => {
    await pool.end();
    await schema.drop();
  });
}

/**
 * The round trips of the CloudBase requests `requests` (all answered): the longest chain of requests each sent
 * after an earlier one's answer came back. Requests sent together, before any answer, are one round trip.
 */
export function roundTripsOf(requests: readonly SentRequest[]): number {
  const depth = new Map<SentRequest, number>();
  let longest = 0;
  for (const r of [...requests].sort((a, b) => a.arrivedAt - b.arrivedAt)) {
    let d = 1;
    for (const q of requests) {
      const before = depth.get(q);
      if (before !== undefined && q.answeredAt !== undefined && q.answeredAt <= r.arrivedAt) d = Math.max(d, before + 1);
    }
    depth.set(r, d);
    longest = Math.max(longest, d);
  }
  return longest;
}
