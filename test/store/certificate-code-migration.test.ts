import { PGlite } from '@electric-sql/pglite';
import type { ApplicationRecord } from '../../cloudfunctions/_lib/store/port';
import { MIGRATIONS } from '../../cloudfunctions/_lib/store/sql/migrations';
import { pgliteDriver } from '../../cloudfunctions/_lib/store/sql/pglite';
import { createSqlStore, migrate } from '../../cloudfunctions/_lib/store/sql/sql-store';

/**
 * Migration 46 (review 1, finding 4): of a case's open codes left by two 亮码 at once, it keeps the one latest()
 * answers. Those calls took their time before inserting, so the later issued code may have been inserted first.
 */
it('keeps open the code latest() answers when the earlier issued one was inserted last, and the next 亮码 makes a fresh code', async () => {
  const db = await PGlite.create();
  const driver = pgliteDriver(db);
  await driver.exec('create table schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())');
  for (const m of MIGRATIONS.filter((m) => m.version < 46)) {
    await driver.exec(m.sql);
    await driver.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
  }
  const store = createSqlStore(driver, 'pglite');
  const yesterday = new Date('2026-12-05T02:00:00Z');
  const app: ApplicationRecord = {
    id: 'app-m46', type: 'certificate-loan-cleared', openid: 'o-m46', requestId: 'req-m46', status: 'completed', platformCode: null, responsibleCenter: '321000',
    centers: [{ code: '321000', role: 'business' }], inFlightKey: null, letterNumber: null,
    applicant: { docType: '01', nameSealed: 'n', docNumberSealed: 'd' }, payloadSealed: 'p', acceptBy: '2026-12-10', acceptByProvisional: false,
    targetBy: null, targetProvisional: false, payment: null, test: false, createdAt: yesterday, updatedAt: yesterday,
  };
  await store.applications.create(app, [], [], null);
  await store.identities.bind({ openid: app.openid, method: 'face', docType: '01', nameSealed: 'n', docNumberSealed: 'd', docLookup: 'lk-m46', phoneSealed: null, verifiedAt: yesterday, expiresAt: new Date('2027-01-05T02:00:00Z') });
  const insert = (id: string, issuedAt: Date) =>
    driver.query('insert into certificate_codes (id, application_id, openid, document_id, issued_at, expires_at, reads_allowed) values ($1, $2, $3, $4, $5, $6, 1)', [id, app.id, app.openid, 'doc1', issuedAt, new Date('2026-12-05T16:00:00Z')]);
  // the later issued code inserted first (a lower seq)
  await insert('code-later', new Date(yesterday.getTime() + 1000));
  await insert('code-earlier', yesterday);

  expect(await migrate(driver)).toContain(46);
  const latest = await store.certificateCodes.latest(app.id);
  expect(latest).toMatchObject({ id: 'code-later', revokedAt: null });
  expect(await store.certificateCodes.get('code-earlier')).toMatchObject({ revokedAt: expect.any(Date) });
  // today: yesterday's code has expired, so 亮码 replaces it
  const now = new Date('2026-12-06T02:00:00Z');
  const fresh = { id: 'code-today', applicationId: app.id, openid: app.openid, documentId: 'doc1', issuedAt: now, expiresAt: new Date('2026-12-06T16:00:00Z'), readsAllowed: 1, readsUsed: 0, revokedAt: null };
  expect(await store.certificateCodes.create(fresh, latest?.id)).toEqual(fresh);
  expect(await store.certificateCodes.get('code-later')).toMatchObject({ revokedAt: now });
  await db.close();
});
