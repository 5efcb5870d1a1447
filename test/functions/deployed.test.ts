import { writeLaunch } from '../../cloudfunctions/_lib/runtime/launch-state';
import { scfContext } from '../support/invocation';
import { createPostgresSchema, type PostgresSchema } from '../support/postgres-schema';

/**
 * The CloudBase entry point as deployed (index.main(event, context)), on the self-hosted PostgreSQL store: the
 * caller comes from each invocation's CloudBase context (WX_OPENID in `context.environment`), roles from the
 * store only; nothing is built or read at import.
 */
const saved = { ...process.env };
/** whoami's launch once the centers test opened the app to everyone. */
const OPEN = { open: true, national: true, provinces: [] };

let schema: PostgresSchema;
beforeAll(async () => {
  schema = await createPostgresSchema('deployed');
  process.env.DATABASE_URL = schema.url;
  process.env.LOG_LEVEL = 'fatal';
});

afterAll(async () => {
  process.env = saved;
  await schema.drop();
});

describe('a deployed function', () => {
  it('builds nothing and reads no variable at import: a bad setting stops the first invocation, not the import', async () => {
    const read = new Set<string>();
    const watched = ['WX_OPENID', 'DATABASE_URL', 'LOG_LEVEL', 'PII_KEYS', 'INTERNAL_NUDGE_SECRET', 'RELAY_LEASE_SECONDS', 'PLATFORM_CALLBACK_BASE', 'WECHAT_MODE', 'IDENTITY_VALID_DAYS'];
    const real = process.env;
    process.env = new Proxy({ ...real, RELAY_LEASE_SECONDS: 'soon' }, {
      get: (target, key) => (typeof key === 'string' && watched.includes(key) && read.add(key), Reflect.get(target, key)),
      ownKeys: (target) => (read.add('*every variable*'), Reflect.ownKeys(target)),
    });
    try {
      await jest.isolateModulesAsync(async () => {
        for (const fn of ['relay', 'centers-daily', 'applications', 'session', 'callbacks', 'portal', 'trial']) {
          const mod = (await import(`../../cloudfunctions/${fn}`)) as { main: unknown };
          expect(typeof mod.main).toBe('function');
        }
      });
      expect([...read]).toEqual([]);
    } finally {
      process.env = real;
    }
  });

  it('nudges the relay with INTERNAL_NUDGE_SECRET, and sends no nudge without it', async () => {
    const calls: unknown[] = [];
    const nudgeOnce = async (secret: string | undefined) => {
      calls.length = 0;
      if (secret === undefined) delete process.env.INTERNAL_NUDGE_SECRET;
      else process.env.INTERNAL_NUDGE_SECRET = secret;
      await jest.isolateModulesAsync(async () => {
        jest.doMock('@cloudbase/node-sdk', () => ({ __esModule: true, default: { SYMBOL_CURRENT_ENV: Symbol('current'), init: () => ({ callFunction: async (call: unknown) => calls.push(call) }) } }));
        const { deployedContext } = await import('../../cloudfunctions/_lib/runtime/deployed');
        (await deployedContext({}, scfContext({ WX_OPENID: 'o-employee' }))).outside.nudgeRelay();
        await new Promise((r) => setTimeout(r, 50));
      });
    };
    try {
      await nudgeOnce('deployed-test-nudge-secret-0123456789abcdef');
      expect(calls).toEqual([{ name: 'relay', data: { nudge: 'deployed-test-nudge-secret-0123456789abcdef' } }]);
      await nudgeOnce(undefined);
      expect(calls).toEqual([]);
    } finally {
      delete process.env.INTERNAL_NUDGE_SECRET;
    }
  });

  it('loads the catalog on first call and answers the centers contract', async () => {
    const { main } = await import('../../cloudfunctions/centers');
    // after launch: an employee (no role) uses the directory
    const { openPostgresStore } = await import('../../cloudfunctions/_lib/store/sql/pg');
    const store = await openPostgresStore(schema.url);
    await writeLaunch(store, { national: true, provinces: [] });
    await store.close();
    const ctx = scfContext({ WX_OPENID: 'o-employee' });
    expect(await main({ action: 'get', code: '321000' }, ctx)).toMatchObject({ ok: true, data: { center: { name: '扬州市住房公积金管理中心', phone: '0514-12329' } } });
    expect(await main({ action: 'get', code: '000000' }, ctx)).toMatchObject({ ok: false, code: 'CENTER_NOT_FOUND' });
  });

  it('takes the caller from the invocation context and roles from the store, never from the event or process.env', async () => {
    const { main } = await import('../../cloudfunctions/session');
    const { openPostgresStore } = await import('../../cloudfunctions/_lib/store/sql/pg');
    const store = await openPostgresStore(process.env.DATABASE_URL!);
    await store.roles.grant('o-boss', { role: 'supervisor' });
    await store.close();

    expect(await main({ action: 'whoami' }, scfContext({ WX_OPENID: 'o-boss' }))).toEqual({ ok: true, data: { roles: [{ role: 'supervisor' }], launch: OPEN } });
    // the older SCF form, `environ` as KEY=value pairs
    expect(await main({ action: 'whoami' }, { environ: 'WX_OPENID=o-boss;WX_APPID=wx0123456789abcdef' })).toEqual({ ok: true, data: { roles: [{ role: 'supervisor' }], launch: OPEN } });
    expect(await main({ action: 'whoami', openid: 'o-boss', roles: [{ role: 'supervisor' }] }, scfContext({ WX_OPENID: 'o-employee' }))).toEqual({ ok: true, data: { roles: [], launch: OPEN } });
    process.env.WX_OPENID = 'o-boss';
    try {
      expect(await main({ action: 'whoami' }, scfContext({}))).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
      expect(await main({ action: 'whoami' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    } finally {
      delete process.env.WX_OPENID;
    }
  });

  it('gives two interleaved invocations their own callers: the first still waits on the store while the second runs', async () => {
    const { main } = await import('../../cloudfunctions/session');
    const first = main({ action: 'whoami' }, scfContext({ WX_OPENID: 'o-boss' }));
    const second = main({ action: 'whoami' }, scfContext({ WX_OPENID: 'o-other' }));
    expect(await second).toEqual({ ok: true, data: { roles: [], launch: OPEN } });
    expect(await first).toEqual({ ok: true, data: { roles: [{ role: 'supervisor' }], launch: OPEN } });
  });
});
