import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Center } from '../../src/core/centers';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPostgresStore } from '../../cloudfunctions/_lib/store/sql/pg';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';

/**
 * One contract for every SQL adapter: PGlite (embedded) and a real PostgreSQL server (PG_TEST_URL,
 * provided by test/support/postgres-setup.ts — never skipped). The CloudBase adapter has its own
 * request-level suite in cloudbase.test.ts.
 */
interface Adapter {
  name: string;
  open(): Promise<Store>;
  /** Opens the same database again, as a second start or a second process would. */
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
}

function pgliteAdapter(): Adapter {
  const dir = mkdtempSync(path.join(tmpdir(), 'gjj-contract-'));
  return {
    name: 'pglite',
    open: () => openPgliteStore(dir),
    reopen: () => openPgliteStore(dir),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresAdapter(): Adapter {
  const base = process.env.PG_TEST_URL;
  if (!base) throw new Error('PG_TEST_URL is not set: the jest global setup did not run');
  const schema = `contract_${process.pid}_${Date.now()}`;
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    name: 'postgres',
    async open() {
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      await admin.end();
      return openPostgresStore(url.toString());
    },
    reopen: () => openPostgresStore(url.toString()),
    async cleanup() {
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

const center = (code: string, overrides: Partial<Center> = {}): Center => ({
  code,
  name: `测试${code}住房公积金管理中心`,
  province: '江苏省',
  city: `测试${code}`,
  phone: '0514-12329',
  live: false,
  pinyin: 'ceshi',
  initials: 'cs',
  provincePinyin: 'jiangsu',
  provinceInitials: 'js',
  ...overrides,
});

describe.each([['pglite', pgliteAdapter], ['postgres', postgresAdapter]] as const)('the %s store', (_name, makeAdapter) => {
  let adapter: Adapter;
  let store: Store;

  beforeAll(async () => {
    adapter = makeAdapter();
    store = await adapter.open();
  });
  afterAll(async () => {
    await store.close();
    await adapter.cleanup();
  });

  it('says which adapter it is', () => {
    expect(store.kind).toBe(adapter.name);
  });

  it('inserts catalog centers and lists them ordered by code', async () => {
    await store.centers.upsertCatalog([center('321000'), center('110000'), center('320100')]);
    expect((await store.centers.list()).map((c) => c.code)).toEqual(['110000', '320100', '321000']);
    expect(await store.centers.get('321000')).toEqual(center('321000'));
    expect(await store.centers.get('999999')).toBeUndefined();
  });

  it('refreshes catalog fields of a known center but keeps its live flag', async () => {
    await store.centers.setLive('321000', true);
    await store.centers.upsertCatalog([center('321000', { name: '扬州市住房公积金管理中心', phone: '0514-12329', live: false })]);
    expect(await store.centers.get('321000')).toMatchObject({ name: '扬州市住房公积金管理中心', live: true });
  });

  it('keeps one current link per center and item, replacing the one before', async () => {
    await store.links.put('321000', { item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: true });
    await store.links.put('321000', { item: 1, kind: 'web', url: 'https://old.example.cn/1', healthy: true });
    await store.links.put('321000', { item: 1, kind: 'web', url: 'https://new.example.cn/1', healthy: false });
    expect(await store.links.listForCenter('321000')).toEqual([
      { item: 1, kind: 'web', url: 'https://new.example.cn/1', healthy: false },
      { item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: true },
    ]);
    expect(await store.links.listForCenter('110000')).toEqual([]);
  });

  it('counts jumps by center, item and a half-open time range', async () => {
    const t = (iso: string) => new Date(iso);
    await store.jumps.record({ centerCode: '321000', item: 1, outcome: 'web', at: t('2026-10-15T00:00:00+08:00') });
    await store.jumps.record({ centerCode: '321000', item: 1, outcome: 'unavailable', at: t('2026-11-14T23:59:59+08:00') });
    await store.jumps.record({ centerCode: '321000', item: 3, outcome: 'web', at: t('2026-11-15T00:00:00+08:00') });
    await store.jumps.record({ centerCode: '110000', item: 1, outcome: 'web', at: t('2026-11-01T00:00:00+08:00') });
    expect(await store.jumps.count({})).toBe(4);
    expect(await store.jumps.count({ centerCode: '321000' })).toBe(3);
    expect(await store.jumps.count({ centerCode: '321000', item: 1 })).toBe(2);
    const period = { from: t('2026-10-15T00:00:00+08:00'), to: t('2026-11-15T00:00:00+08:00') };
    expect(await store.jumps.count({ centerCode: '321000', ...period })).toBe(2);
    expect(await store.jumps.count(period)).toBe(3);
  });

  it('grants roles once and lists them', async () => {
    await store.roles.grant('o-1', { role: 'supervisor' });
    await store.roles.grant('o-1', { role: 'supervisor' });
    await store.roles.grant('o-1', { role: 'center-staff', centerCode: '321000' });
    expect(await store.roles.rolesOf('o-1')).toEqual([{ role: 'center-staff', centerCode: '321000' }, { role: 'supervisor' }]);
    expect(await store.roles.rolesOf('nobody')).toEqual([]);
  });

  it('keeps meta values and overwrites them', async () => {
    expect(await store.meta.get('k')).toBeUndefined();
    await store.meta.set('k', 'v1');
    await store.meta.set('k', 'v2');
    expect(await store.meta.get('k')).toBe('v2');
  });

  it('applies migrations once: a second opening finds the data and changes nothing', async () => {
    await store.close();
    store = await adapter.reopen();
    expect(await store.centers.get('321000')).toMatchObject({ live: true });
    expect(await store.meta.get('k')).toBe('v2');
  });
});
