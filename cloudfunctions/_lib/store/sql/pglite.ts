import { PGlite, parse, protocol, type Transaction } from '@electric-sql/pglite';
import type { Store } from '../port';
import { PLAN_CHANGED, PREPARED_LIMIT, type SqlDriver } from './driver';
import { createSqlStore, migrate } from './sql-store';


const { serialize } = protocol;

function joined(messages: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(messages.reduce((n, m) => n + m.length, 0));
  let at = 0;
  for (const m of messages) {
    out.set(m, at);
    at += m.length;
  }
  return out;
}

interface Prepared {
  name: string;
  /** the parameters' type OIDs, which choose each value's serializer as PGlite's own query does */
  types: number[];
}

/**
 * Each statement text is parsed and planned once, as a named prepared statement, and then runs in one call of
 * PGlite's wire-protocol API (bind, describe, execute, sync together). PGlite's `query` parses, plans and
 * describes the text again in six calls each time, which was half of what the submission's reads cost
 * (decision 019). Locking is PGlite's own: outside a transaction a statement waits for transactions and
 * queries, inside one for queries only, as `query` and `transaction` do.
 */
function preparedStatements(db: PGlite) {
  const cache = new Map<string, Prepared>();
  /** Close messages of statements dropped from the cache, sent ahead of the next statement. */
  let closing: Uint8Array[] = [];
  let serial = 0;

  async function prepare(text: string): Promise<Prepared> {
    const name = `gjj_${++serial}`;
    const { messages } = await db.execProtocol(joined([...closing, serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]), { syncToFs: false });
    closing = [];
    const prepared = { name, types: parse.parseDescribeStatementResults(messages) };
    cache.set(text, prepared);
    if (cache.size > PREPARED_LIMIT) {
      const [oldest, dropped] = cache.entries().next().value as [string, Prepared];
      cache.delete(oldest);
      closing.push(serialize.close({ type: 'S', name: dropped.name }));
    }
    return prepared;
  }

  async function run(text: string, params: readonly unknown[], syncToFs: boolean, retried = false): Promise<object[]> {
    if (db.closed) throw new Error('PGlite is closed');
    let prepared = cache.get(text);
    if (prepared) {
      // the most recently used last, so the oldest is dropped first
      cache.delete(text);
      cache.set(text, prepared);
    } else {
      prepared = await prepare(text);
    }
    const { types, name } = prepared;
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = db.serializers[types[i]];
      return serializer ? serializer(value) : String(value);
    });
    try {
      const { messages } = await db.execProtocol(
        joined([...closing, serialize.bind({ statement: name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
        { syncToFs },
      );
      closing = [];
      return parse.parseResults(messages, db.parsers)[0]?.rows ?? [];
    } catch (error) {
      if (retried || (error as { code?: string }).code !== PLAN_CHANGED) throw error;
      // a migration changed a table under the plan: prepare the text again, once
      cache.delete(text);
      closing.push(serialize.close({ type: 'S', name }));
      return run(text, params, syncToFs, true);
    }
  }

  return {
    /** Outside a transaction: waits for any open transaction, then for the query lock. */
    query: (text: string, params: readonly unknown[]) => db._runExclusiveTransaction(() => db.runExclusive(() => run(text, params, true))),
    /** Inside the transaction this caller holds: waits only for the query lock; PGlite syncs to its files at commit. */
    queryInTransaction: (text: string, params: readonly unknown[]) => db.runExclusive(() => run(text, params, false)),
  };
}

type Statements = ReturnType<typeof preparedStatements>;

function transactionDriver(tx: Transaction, statements: Statements, root: PGlite): SqlDriver {
  return {
    exec: async (text) => void (await tx.exec(text)),
    query: async <R extends object>(text: string, params?: readonly unknown[]) => (await statements.queryInTransaction(text, params ?? [])) as R[],
    transaction: (work) => work(transactionDriver(tx, statements, root)), // already inside one: no nesting
    close: () => root.close(),
  };
}

/** The driver over an open PGlite (tests wrap it to count what the store sends). */
export function pgliteDriver(db: PGlite): SqlDriver {
  const statements = preparedStatements(db);
  return {
    exec: async (text) => void (await db.exec(text)),
    query: async <R extends object>(text: string, params?: readonly unknown[]) => (await statements.query(text, params ?? [])) as R[],
    transaction: (work) => db.transaction((tx) => work(transactionDriver(tx, statements, db))),
    close: () => db.close(),
  };
}

/**
 * Opens the embedded store: PGlite in `dataDir` (created on first use, reused after), or in memory
 * when `dataDir` is undefined. Only the local host and tests use it; deployed functions never bundle it.
 */
export async function openPgliteStore(dataDir: string | undefined): Promise<Store> {
  return pgliteStoreOver(await PGlite.create(dataDir === undefined ? undefined : { dataDir }));
}

/** The embedded store over an open PGlite, migrated (tests that also read the tables themselves). */
export async function pgliteStoreOver(db: PGlite): Promise<Store> {
  const driver = pgliteDriver(db);
  await migrate(driver);
  return createSqlStore(driver, 'pglite');
}
