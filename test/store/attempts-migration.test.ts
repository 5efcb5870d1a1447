import { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS } from '../../cloudfunctions/_lib/store/sql/migrations';
import { pgliteDriver } from '../../cloudfunctions/_lib/store/sql/pglite';
import { migrate } from '../../cloudfunctions/_lib/store/sql/sql-store';

/** Migration 45 (review 1, finding 5): attempts recorded before it get whose they were from their subjects, so unbinding and deletion find them too. */
it('names the openid of every attempt recorded before migration 45 that its subject names, and none of the others', async () => {
  const db = await PGlite.create();
  const driver = pgliteDriver(db);
  await driver.exec('create table schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())');
  for (const m of MIGRATIONS.filter((m) => m.version < 45)) {
    await driver.exec(m.sql);
    await driver.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
  }
  const subjects = {
    'start:openid:o-1': 'o-1',
    'start:doc:LOOKUP:openid:o-2': 'o-2',
    'try:face:doc:LOOKUP:openid:o-3': 'o-3',
    'ok:counter:doc:LOOKUP:openid:o-4': 'o-4',
    'try:staff:o-5': 'o-5',
    'invite:o-6': 'o-6',
    'code-read:o-7': 'o-7',
    'code-check:o-8': 'o-8',
    'trial-join:o-9': 'o-9',
    'start:doc:LOOKUP': null,
    'try:request:ABC123': null,
    'code-check:anonymous': null,
  };
  for (const subject of Object.keys(subjects)) await driver.query('insert into attempts (subject, at) values ($1, now())', [subject]);
  expect(await migrate(driver)).toContain(45);
  const rows = await driver.query<{ subject: string; openid: string | null }>('select subject, openid from attempts');
  expect(Object.fromEntries(rows.map((r) => [r.subject, r.openid]))).toEqual(subjects);
  await db.close();
});
