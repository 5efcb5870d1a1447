import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { SqlDriver } from '../../cloudfunctions/_lib/store/sql/driver';
import { pgDriver } from '../../cloudfunctions/_lib/store/sql/pg';
import { pgliteDriver } from '../../cloudfunctions/_lib/store/sql/pglite';
import { createPostgresSchema, type PostgresSchema } from '../support/postgres-schema';

/**
 * The two SQL drivers run each statement text as a prepared statement (decision 019): parsed and planned once, then
 * only bound and executed. What the store relies on must hold all the same: values typed as PGlite's and pg's own
 * queries type them, a changed table read again, a failed statement leaving the connection usable, and statements
 * outside a transaction never seeing inside an open one.
 */
jest.setTimeout(90_000);

const prepared = (driver: SqlDriver, like: string) =>
  driver.query<{ name: string; statement: string }>('select name, statement from pg_prepared_statements where statement like $1', [like]);

describe('the PGlite driver', () => {
  let db: PGlite;
  let driver: SqlDriver;
  beforeEach(async () => {
    db = await PGlite.create();
    driver = pgliteDriver(db);
  });
  afterEach(() => driver.close());

  it('prepares a statement text once and runs it again with other values', async () => {
    const text = 'select $1::int + 1 as next';
    const answers = [];
    for (const n of [1, 2, 3]) answers.push(await driver.query<{ next: number }>(text, [n]));
    expect(answers).toEqual([[{ next: 2 }], [{ next: 3 }], [{ next: 4 }]]);
    expect(await prepared(driver, 'select $1::int + 1%')).toEqual([{ name: expect.stringMatching(/^gjj_\d+$/), statement: text }]);
  });

  it('sends and reads back every kind of value the store uses as PGlite’s own query does', async () => {
    await driver.exec('create table kinds (t text, n int, b boolean, at timestamptz, j jsonb, list text[], bytes bytea, nothing text)');
    const at = new Date('2026-12-06T12:34:56.789Z');
    const values = ['张三', 42, true, at, { centers: ['321000'], note: "it's" }, ['110000', '321000'], Buffer.from([0, 1, 254, 255]), null];
    const insert = 'insert into kinds values ($1, $2, $3, $4, $5, $6, $7, $8) returning *';
    const ours = await driver.query(insert, values);
    const theirs = (await db.query(insert, values)).rows;
    expect(ours).toEqual(theirs);
    expect(ours[0]).toEqual({ t: '张三', n: 42, b: true, at, j: { centers: ['321000'], note: "it's" }, list: ['110000', '321000'], bytes: new Uint8Array([0, 1, 254, 255]), nothing: null });
  });

  it('keeps at most 256 statements prepared, closing the least recently used', async () => {
    const first = 'select 1 as kept';
    await driver.query(first);
    for (let i = 0; i < 300; i++) {
      await driver.query(`select ${i} as n`);
      if (i % 50 === 0) await driver.query(first); // used again: stays
    }
    const [{ count }] = await driver.query<{ count: number }>('select count(*)::int as count from pg_prepared_statements');
    expect(count).toBeLessThanOrEqual(256);
    expect(await prepared(driver, 'select 1 as kept')).toHaveLength(1);
    expect(await prepared(driver, 'select 0 as n')).toEqual([]);
  });

  it('reads a table a migration changed after its statement was prepared', async () => {
    await driver.exec("create table changing (a int); insert into changing values (1)");
    expect(await driver.query('select * from changing')).toEqual([{ a: 1 }]);
    await driver.exec("alter table changing add column b text default 'new'");
    expect(await driver.query('select * from changing')).toEqual([{ a: 1, b: 'new' }]);
  });

  it('answers a failed statement with PostgreSQL’s error and goes on, outside and inside a transaction', async () => {
    await driver.exec('create table once (id int primary key)');
    await driver.query('insert into once values ($1)', [1]);
    await expect(driver.query('insert into once values ($1)', [1])).rejects.toMatchObject({ code: '23505' });
    await expect(
      driver.transaction(async (tx) => {
        await tx.query('insert into once values ($1)', [2]);
        await tx.query('insert into once values ($1)', [1]);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await driver.query('select id from once order by id')).toEqual([{ id: 1 }]);
  });

  it('runs a statement outside a transaction only once the open transaction has ended', async () => {
    await driver.exec('create table seen (id int)');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted: () => void = () => undefined;
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    const transaction = driver.transaction(async (tx) => {
      await tx.query('insert into seen values ($1)', [1]);
      inserted();
      await held;
      await tx.query('insert into seen values ($1)', [2]);
    });
    await insertedYet;
    const outside = driver.query<{ count: number }>('select count(*)::int as count from seen');
    release();
    await transaction;
    expect(await outside).toEqual([{ count: 2 }]);
  });
});

describe('the PostgreSQL driver', () => {
  let schema: PostgresSchema;
  let pool: pg.Pool;
  let driver: SqlDriver;
  beforeEach(async () => {
    schema = await createPostgresSchema('drivers');
    // one connection, so the statements prepared are all on the connection the checks read
    pool = new pg.Pool({ connectionString: schema.url, max: 1 });
    driver = pgDriver(pool);
  });
  afterEach(async () => {
    await driver.close();
    await schema.drop();
  });

  it('prepares a statement text once per connection and runs it again with other values', async () => {
    const text = 'select $1::int * 2 as twice';
    expect(await driver.query(text, [2])).toEqual([{ twice: 4 }]);
    expect(await driver.query(text, [5])).toEqual([{ twice: 10 }]);
    await driver.transaction(async (tx) => expect(await tx.query(text, [7])).toEqual([{ twice: 14 }]));
    expect(await prepared(driver, 'select $1::int * 2%')).toEqual([{ name: expect.stringMatching(/^gjj_\d+$/), statement: text }]);
  });

  it('reads a table a migration changed after its statement was prepared', async () => {
    await driver.exec('create table changing (a int); insert into changing values (1)');
    expect(await driver.query('select * from changing')).toEqual([{ a: 1 }]);
    await driver.exec("alter table changing add column b text default 'new'");
    expect(await driver.query('select * from changing')).toEqual([{ a: 1, b: 'new' }]);
  });
});
