import pg from 'pg';

/**
 * The CloudBase entry point as deployed (index.main), on the self-hosted PostgreSQL store: the caller
 * comes from the CloudBase context (WX_OPENID), roles from the store only.
 */
const base = process.env.PG_TEST_URL!;
const schema = `deployed_${process.pid}_${Date.now()}`;
const saved = { ...process.env };

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  process.env.DATABASE_URL = url.toString();
  process.env.WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID';
  process.env.WX_APPID = 'wx0123456789abcdef';
});

afterAll(async () => {
  process.env = saved;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`drop schema ${schema} cascade`);
  await admin.end();
});

describe('a deployed function', () => {
  it('loads the catalog on first call and answers the centers contract', async () => {
    process.env.WX_OPENID = 'o-employee';
    const { main } = await import('../../cloudfunctions/centers');
    expect(await main({ action: 'get', code: '321000' })).toMatchObject({ ok: true, data: { center: { name: '扬州市住房公积金管理中心', phone: '0514-12329' } } });
    expect(await main({ action: 'get', code: '000000' })).toMatchObject({ ok: false, code: 'CENTER_NOT_FOUND' });
  });

  it('takes the caller from the CloudBase context and roles from the store, never from the event', async () => {
    const { main } = await import('../../cloudfunctions/session');
    const { openPostgresStore } = await import('../../cloudfunctions/_lib/store/sql/pg');
    const store = await openPostgresStore(process.env.DATABASE_URL!);
    await store.roles.grant('o-boss', { role: 'supervisor' });
    await store.close();

    process.env.WX_OPENID = 'o-boss';
    expect(await main({ action: 'whoami' })).toEqual({ ok: true, data: { roles: [{ role: 'supervisor' }] } });
    process.env.WX_OPENID = 'o-employee';
    expect(await main({ action: 'whoami', openid: 'o-boss', roles: [{ role: 'supervisor' }] })).toEqual({ ok: true, data: { roles: [] } });
    process.env.WX_OPENID = '';
    expect(await main({ action: 'whoami' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });
});
