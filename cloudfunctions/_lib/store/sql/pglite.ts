import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Store } from '../port';
import type { SqlDriver } from './driver';
import { createSqlStore, migrate } from './sql-store';

type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

function driverOver(db: Queryable, root: PGlite): SqlDriver {
  return {
    exec: async (text) => void (await db.exec(text)),
    query: async <R extends object>(text: string, params?: readonly unknown[]) => (await db.query<R>(text, params ? [...params] : undefined)).rows,
    transaction: (work) => ('rollback' in db ? work(driverOver(db, root)) : root.transaction((tx) => work(driverOver(tx, root)))),
    close: () => root.close(),
  };
}

/**
 * Opens the embedded store: PGlite in `dataDir` (created on first use, reused after), or in memory
 * when `dataDir` is undefined. Only the local host and tests use it; deployed functions never bundle it.
 */
export async function openPgliteStore(dataDir: string | undefined): Promise<Store> {
  return pgliteStoreOver(await PGlite.create(dataDir === undefined ? undefined : { dataDir }));
}

/** The driver over an open PGlite (tests wrap it to count what the store sends). */
export const pgliteDriver = (db: PGlite): SqlDriver => driverOver(db, db);

/** The embedded store over an open PGlite, migrated (tests that also read the tables themselves). */
export async function pgliteStoreOver(db: PGlite): Promise<Store> {
  const driver = pgliteDriver(db);
  await migrate(driver);
  return createSqlStore(driver, 'pglite');
}
