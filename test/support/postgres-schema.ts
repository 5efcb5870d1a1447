import pg from 'pg';

/** A schema of its own on the test run's PostgreSQL server (PG_TEST_URL, from the jest global setup). */
export interface PostgresSchema {
  /** PG_TEST_URL with the schema as its search path. */
  url: string;
  drop(): Promise<void>;
}

async function run(base: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createPostgresSchema(prefix: string): Promise<PostgresSchema> {
  const base = process.env.PG_TEST_URL;
  if (!base) throw new Error('PG_TEST_URL is not set: the jest global setup did not run');
  const schema = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await run(base, `create schema ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => run(base, `drop schema ${schema} cascade`) };
}
