import pg from 'pg';
import type { Store } from '../port';
import { PLAN_CHANGED, PREPARED_LIMIT, type SqlDriver } from './driver';
import { createSqlStore, migrate } from './sql-store';

/** Statement texts given a name, so pg prepares each once per connection; texts beyond PREPARED_LIMIT run unnamed. */
const names = new Map<string, string>();
let serial = 0;

/**
 * A text as a query pg prepares once per connection and then only binds and executes (decision 019): the same
 * name for the same text on every connection of this process.
 */
function prepared(text: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  let name = names.get(text);
  if (name === undefined && names.size < PREPARED_LIMIT) names.set(text, (name = `gjj_${++serial}`));
  return { text, values: params ? [...params] : undefined, ...(name === undefined ? {} : { name }) };
}

/**
 * Runs a text as a prepared statement. A statement whose table a migration changed fails once on each connection
 * that prepared it: the text gets a new name, so it is prepared again, and a call outside a transaction is retried.
 */
async function preparedQuery(on: pg.Pool | pg.PoolClient, text: string, params: readonly unknown[] | undefined, retry: boolean): Promise<object[]> {
  try {
    return (await on.query(prepared(text, params))).rows;
  } catch (error) {
    if ((error as { code?: string }).code !== PLAN_CHANGED) throw error;
    names.delete(text);
    if (!retry) throw error;
    return (await on.query(prepared(text, params))).rows;
  }
}

function clientDriver(client: pg.PoolClient): SqlDriver {
  return {
    exec: async (text) => void (await client.query(text)),
    // inside a transaction a failed statement has aborted it: no retry
    query: async <R extends object>(text: string, params?: readonly unknown[]) => (await preparedQuery(client, text, params, false)) as R[],
    transaction: (work) => work(clientDriver(client)), // already inside one: no nesting
    close: async () => undefined,
  };
}

/** A driver over a `pg` pool (PostgreSQL and compatible engines). */
export function pgDriver(pool: pg.Pool): SqlDriver {
  return {
    exec: async (text) => void (await pool.query(text)),
    query: async <R extends object>(text: string, params?: readonly unknown[]) => (await preparedQuery(pool, text, params, true)) as R[],
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(clientDriver(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Opens the PostgreSQL store at `url` and applies pending migrations. */
export async function openPostgresStore(url: string, poolSize = 5): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // an idle connection the server ends (a restart, a failover) is dropped by the pool and the next query
  // opens another; unlistened, its 'error' event would end the whole function instance
  pool.on('error', () => undefined);
  const driver = pgDriver(pool);
  await migrate(driver);
  return createSqlStore(driver, 'postgres');
}
