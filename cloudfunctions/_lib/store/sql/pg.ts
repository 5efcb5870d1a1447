import pg from 'pg';
import type { Store } from '../port';
import type { SqlDriver } from './driver';
import { createSqlStore, migrate } from './sql-store';

function clientDriver(client: pg.PoolClient): SqlDriver {
  return {
    exec: async (text) => void (await client.query(text)),
    query: async (text, params) => (await client.query(text, params ? [...params] : undefined)).rows,
    transaction: (work) => work(clientDriver(client)), // already inside one: no nesting
    close: async () => undefined,
  };
}

/** A driver over a `pg` pool (PostgreSQL and compatible engines). */
export function pgDriver(pool: pg.Pool): SqlDriver {
  return {
    exec: async (text) => void (await pool.query(text)),
    query: async (text, params) => (await pool.query(text, params ? [...params] : undefined)).rows,
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
