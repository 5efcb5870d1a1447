import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Center } from '../../src/core/centers';
import type { ChangeTarget } from '../../src/core/center-portal';
import type { ItemId } from '../../src/core/items';
import type {
  CenterCount,
  ApplicationEventRecord,
  ApplicationRecord,
  AttachmentFetchRecord,
  AuditEntry,
  CertificateCodeRecord,
  CatalogFixRecord,
  ChannelHealth,
  DeliveryAttempt,
  ErasedCounts,
  FindingEventRecord,
  FindingRecord,
  HealthChannel,
  LinkChange,
  OutboxRecord,
  StaffInvite,
  Store,
  TrialCheckRecord,
  TrialInvite,
} from '../../cloudfunctions/_lib/store/port';
import { openPostgresStore } from '../../cloudfunctions/_lib/store/sql/pg';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';
import { startFakeCloudbase, type FakeCloudbaseSite } from '../support/fake-cloudbase';
import { createBound, identityRow } from '../support/identity-rows';

/**
 * One contract for every adapter: PGlite (embedded), a real PostgreSQL server (PG_TEST_URL, provided by
 * test/support/postgres-setup.ts — never skipped) and CloudBase (against the fake server of
 * test/support/fake-cloudbase.ts). What is CloudBase's own (request shapes, transactions, paging) is checked in
 * cloudbase.test.ts.
 */
interface Adapter {
  name: string;
  /** Several stores opened on one database run side by side, as function instances do (PGlite has one connection). */
  concurrent: boolean;
  open(): Promise<Store>;
  /** Opens the same database again, as a second start or a second process would. */
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
}

function pgliteAdapter(): Adapter {
  const dir = mkdtempSync(path.join(tmpdir(), 'gjj-contract-'));
  return {
    name: 'pglite',
    concurrent: false,
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
    concurrent: true,
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

function cloudbaseAdapter(): Adapter {
  let site: FakeCloudbaseSite | undefined;
  const opened = () => {
    if (!site) throw new Error('the fake CloudBase is not started');
    return site.open();
  };
  return {
    name: 'cloudbase',
    concurrent: true,
    async open() {
      site = await startFakeCloudbase();
      return site.open();
    },
    reopen: async () => opened(),
    cleanup: async () => site?.stop(),
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

describe.each([['pglite', pgliteAdapter], ['postgres', postgresAdapter], ['cloudbase', cloudbaseAdapter]] as const)('the %s store', (_name, makeAdapter) => {
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
    expect(await store.centers.get('321000')).toEqual({ ...center('321000'), counter: null });
    expect(await store.centers.get('999999')).toBeUndefined();
  });

  it('refreshes catalog fields of a known center but keeps its live flag', async () => {
    await store.centers.setLive('321000', true);
    await store.centers.upsertCatalog([center('321000', { name: '扬州市住房公积金管理中心', phone: '0514-12329', live: false })]);
    expect(await store.centers.get('321000')).toMatchObject({ name: '扬州市住房公积金管理中心', live: true });
  });

  it('records a center’s service hall, replacing the one before, and the catalog upsert keeps it', async () => {
    const hall = { address: '扬州市文昌西路 1 号', hours: '工作日 9:00-17:00' };
    await store.centers.setCounter('320100', { address: '南京市某路 2 号', hours: '工作日 9:00-12:00' });
    await store.centers.setCounter('320100', hall);
    await store.centers.setCounter('999999', hall);
    expect(await store.centers.get('320100')).toMatchObject({ code: '320100', counter: hall });
    expect(await store.centers.get('999999')).toBeUndefined();
    await store.centers.upsertCatalog([center('320100', { name: '南京住房公积金管理中心' })]);
    expect(await store.centers.get('320100')).toMatchObject({ name: '南京住房公积金管理中心', counter: hall });
    expect((await store.centers.list()).map((c) => [c.code, c.counter])).toEqual([
      ['110000', null],
      ['320100', hall],
      ['321000', null],
    ]);
  });

  it('keeps an item route (in-app request, counter only) as the current link of an item, and a link in its place again', async () => {
    await store.links.put('320100', { item: 4, kind: 'web', url: 'https://gjj.example.cn/4', healthy: true });
    await store.links.put('320100', { item: 4, kind: 'in-app' });
    await store.links.put('320100', { item: 6, kind: 'counter' });
    await store.links.put('320100', { item: 5, kind: 'counter' });
    await store.links.put('320100', { item: 5, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/change/index', healthy: false });
    expect(await store.links.listForCenter('320100')).toEqual([
      { item: 4, kind: 'in-app' },
      { item: 5, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/change/index', healthy: false },
      { item: 6, kind: 'counter' },
    ]);
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

  describe('roles revoked and granted again (issue 11)', () => {
    const T = new Date('2026-11-20T02:00:00Z');
    const later = (ms: number) => new Date(T.getTime() + ms);

    it('reads the records of several people in one call, revoked ones included, by openid then role then center', async () => {
      await store.roles.grant('many-2', { role: 'supervisor' }, { at: T, by: 'sup-1', displayName: '赵监管' });
      await store.roles.grant('many-1', { role: 'tester', province: '320000' }, { at: T, by: 'sup-1' });
      await store.roles.grant('many-1', { role: 'provincial-supervisor', province: '320000' }, { at: T, by: 'sup-1', displayName: '钱省管' });
      await store.roles.revoke('many-1', { role: 'tester', province: '320000' }, later(1), 'sup-1');
      const many = await store.roles.recordsOfMany(['many-2', 'many-1', 'many-none', 'many-1']);
      expect(many.map((r) => [r.openid, r.grant.role, r.displayName, r.revokedBy])).toEqual([
        ['many-1', 'provincial-supervisor', '钱省管', null],
        ['many-1', 'tester', null, 'sup-1'],
        ['many-2', 'supervisor', '赵监管', null],
      ]);
      expect(await store.roles.recordsOfMany([])).toEqual([]);
    });

    it('revokes a role so it stops counting at once, keeps it listed with who and when, and grants it again', async () => {
      expect(await store.roles.grant('rv-1', { role: 'center-staff', centerCode: '321000' }, { at: T, by: 'sup-1', displayName: '王小明' })).toEqual({ kind: 'granted' });
      expect(await store.roles.grant('rv-1', { role: 'tester', province: '320000' }, { at: T, by: 'sup-1' })).toEqual({ kind: 'granted' });
      expect(await store.roles.grant('rv-1', { role: 'tester', province: '320000' }, { at: later(1), by: 'sup-2' })).toEqual({ kind: 'held' });
      expect(await store.roles.revoke('rv-1', { role: 'center-staff', centerCode: '321000' }, later(1000), 'sup-2')).toBe(true);
      expect(await store.roles.revoke('rv-1', { role: 'center-staff', centerCode: '321000' }, later(2000), 'sup-2')).toBe(false);
      expect(await store.roles.revoke('rv-1', { role: 'supervisor' }, later(2000), 'sup-2')).toBe(false);
      expect(await store.roles.rolesOf('rv-1')).toEqual([{ role: 'tester', province: '320000' }]);
      expect(await store.roles.recordsOf('rv-1')).toEqual([
        { openid: 'rv-1', grant: { role: 'center-staff', centerCode: '321000' }, displayName: '王小明', grantedAt: T, grantedBy: 'sup-1', revokedAt: later(1000), revokedBy: 'sup-2' },
        { openid: 'rv-1', grant: { role: 'tester', province: '320000' }, displayName: null, grantedAt: T, grantedBy: 'sup-1', revokedAt: null, revokedBy: null },
      ]);
      expect((await store.roles.list()).filter((r) => r.openid === 'rv-1')).toHaveLength(2);
      // revoked staff may serve another center; the old one is granted again only once that ends
      expect(await store.roles.grant('rv-1', { role: 'center-staff', centerCode: '110000' }, { at: later(3000), by: 'sup-1' })).toEqual({ kind: 'granted' });
      expect(await store.roles.grant('rv-1', { role: 'center-staff', centerCode: '321000' }, { at: later(4000), by: 'sup-1' })).toEqual({ kind: 'staff-elsewhere', centerCode: '110000' });
      expect(await store.roles.revoke('rv-1', { role: 'center-staff', centerCode: '110000' }, later(5000), 'sup-1')).toBe(true);
      expect(await store.roles.grant('rv-1', { role: 'center-staff', centerCode: '321000' }, { at: later(6000), by: 'sup-3' })).toEqual({ kind: 'granted' });
      expect(await store.roles.rolesOf('rv-1')).toEqual([{ role: 'center-staff', centerCode: '321000' }, { role: 'tester', province: '320000' }]);
      expect((await store.roles.recordsOf('rv-1'))[1]).toEqual({
        openid: 'rv-1', grant: { role: 'center-staff', centerCode: '321000' }, displayName: '王小明', grantedAt: later(6000), grantedBy: 'sup-3', revokedAt: null, revokedBy: null,
      });
    });

    it('lets a revoked staff member join again with a new invite, recording the inviting supervisor', async () => {
      await store.staffInvites.create({ code: 'REJOIN12', centerCode: '321000', createdBy: 'sup-9', createdAt: T, expiresAt: later(86_400_000), usedBy: null, usedAt: null });
      await store.staffInvites.create({ code: 'REJOIN34', centerCode: '321000', createdBy: 'sup-9', createdAt: T, expiresAt: later(86_400_000), usedBy: null, usedAt: null });
      expect(await store.staffInvites.redeem('REJOIN12', 'rv-4', later(1))).toEqual({ kind: 'joined', centerCode: '321000' });
      expect(await store.roles.revoke('rv-4', { role: 'center-staff', centerCode: '321000' }, later(2), 'sup-1')).toBe(true);
      expect(await store.staffInvites.redeem('REJOIN34', 'rv-4', later(3))).toEqual({ kind: 'joined', centerCode: '321000' });
      expect(await store.roles.recordsOf('rv-4')).toEqual([
        { openid: 'rv-4', grant: { role: 'center-staff', centerCode: '321000' }, displayName: null, grantedAt: later(3), grantedBy: 'invite:sup-9', revokedAt: null, revokedBy: null },
      ]);
    });

    it('seeds a role only for a person who never held it: a revoked one stays revoked', async () => {
      expect(await store.roles.seed('rv-2', { role: 'supervisor' }, T, 'local-env')).toBe(true);
      expect(await store.roles.seed('rv-2', { role: 'supervisor' }, T, 'local-env')).toBe(false);
      expect(await store.roles.revoke('rv-2', { role: 'supervisor' }, later(1), 'sup-1')).toBe(true);
      expect(await store.roles.seed('rv-2', { role: 'supervisor' }, later(2), 'local-env')).toBe(false);
      expect(await store.roles.rolesOf('rv-2')).toEqual([]);
      await store.roles.grant('rv-3', { role: 'center-staff', centerCode: '321000' });
      expect(await store.roles.seed('rv-3', { role: 'center-staff', centerCode: '110000' }, T, 'local-env')).toBe(false);
      expect(await store.roles.rolesOf('rv-3')).toEqual([{ role: 'center-staff', centerCode: '321000' }]);
    });
  });

  describe('attempts checked and recorded in one step (issue 11)', () => {
    const since = new Date('2026-11-19T16:00:00Z');
    const at = new Date('2026-11-20T02:00:00Z');

    it('lets exactly `limit` of 20 parallel attempts through, from several connections, and counts only since the window', async () => {
      // several stores are several instances (pools, function instances); PGlite has one connection
      const others = adapter.concurrent ? await Promise.all([adapter.reopen(), adapter.reopen(), adapter.reopen()]) : [];
      try {
        const stores = [store, ...others];
        const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % stores.length].attempts.recordIfUnder('invite:race', since, 5, at, 'race')));
        expect(outcomes.filter(Boolean)).toHaveLength(5);
        expect(await store.attempts.failuresSince('invite:race', since)).toBe(5);
      } finally {
        await Promise.all(others.map((s) => s.close()));
      }
      // the window's earlier failures count, a later window starts afresh, other subjects are their own
      await store.attempts.recordFailure('invite:mixed', at, 'mixed');
      expect(await store.attempts.recordIfUnder('invite:mixed', since, 2, at, 'mixed')).toBe(true);
      expect(await store.attempts.recordIfUnder('invite:mixed', since, 2, at, 'mixed')).toBe(false);
      expect(await store.attempts.recordIfUnder('invite:mixed', new Date('2026-11-20T16:00:00Z'), 2, new Date('2026-11-20T17:00:00Z'), 'mixed')).toBe(true);
      expect(await store.attempts.recordIfUnder('invite:other', since, 2, at, 'other')).toBe(true);
    });
  });

  it('keeps meta values and overwrites them', async () => {
    expect(await store.meta.get('k')).toBeUndefined();
    await store.meta.set('k', 'v1');
    await store.meta.set('k', 'v2');
    expect(await store.meta.get('k')).toBe('v2');
  });

  it('sets a meta value only over the value expected (absent included), and lets one of two writers over the same value win', async () => {
    expect(await store.meta.compareAndSet('cas', 'v0', 'v1')).toBe(false);
    expect(await store.meta.get('cas')).toBeUndefined();
    expect(await store.meta.compareAndSet('cas', undefined, 'v1')).toBe(true);
    expect(await store.meta.compareAndSet('cas', undefined, 'v9')).toBe(false);
    expect(await store.meta.compareAndSet('cas', 'v0', 'v9')).toBe(false);
    expect(await store.meta.get('cas')).toBe('v1');
    expect(await store.meta.compareAndSet('cas', 'v1', 'v2')).toBe(true);
    expect(await store.meta.get('cas')).toBe('v2');
    const both = await Promise.all([store.meta.compareAndSet('cas', 'v2', 'a'), store.meta.compareAndSet('cas', 'v2', 'b')]);
    expect(both.filter(Boolean)).toHaveLength(1);
    expect(await store.meta.get('cas')).toBe(both[0] ? 'a' : 'b');
  });

  it('binds one identity per openid and per document, ending the other holder of a document', async () => {
    const at = new Date('2026-11-20T02:00:00Z');
    const identity = (openid: string, docLookup: string) => ({
      openid, method: 'face' as const, docType: '01' as const, nameSealed: `n-${openid}`, docNumberSealed: `d-${openid}`, docLookup,
      phoneSealed: null, verifiedAt: at, expiresAt: new Date(at.getTime() + 30 * 86_400_000),
    });
    expect(await store.identities.bind(identity('a', 'doc-1'))).toEqual({ endedOpenid: undefined });
    expect(await store.identities.holderOf('doc-1')).toBe('a');
    expect(await store.identities.bind(identity('b', 'doc-1'))).toEqual({ endedOpenid: 'a' });
    expect(await store.identities.get('a')).toBeUndefined();
    expect(await store.identities.holderOf('doc-1')).toBe('b');
    // the same openid verifying another document keeps one identity
    await store.identities.bind(identity('b', 'doc-2'));
    expect(await store.identities.holderOf('doc-1')).toBeUndefined();
    await store.identities.setPhone('b', 'sealed-phone');
    expect(await store.identities.get('b')).toEqual({ ...identity('b', 'doc-2'), phoneSealed: 'sealed-phone' });
  });

  it('deletes a verification session once, and every session older than a cutoff', async () => {
    const session = (verifyId: string, createdAt: string) => ({
      verifyId, outSeqNo: `seq-${verifyId}`, openid: 'a', docType: '01' as const, nameSealed: 'n', docNumberSealed: 'd',
      docLookup: 'doc-1', createdAt: new Date(createdAt),
    });
    await store.verifications.create(session('v-1', '2026-11-20T02:00:00Z'));
    expect(await store.verifications.get('v-1')).toEqual(session('v-1', '2026-11-20T02:00:00Z'));
    await expect(store.verifications.create(session('v-1', '2026-11-20T02:00:00Z'))).rejects.toThrow();
    const removals = await Promise.all([store.verifications.remove('v-1'), store.verifications.remove('v-1')]);
    expect(removals.sort()).toEqual([false, true]);
    expect(await store.verifications.get('v-1')).toBeUndefined();
    expect(await store.verifications.remove('nope')).toBe(false);

    await store.verifications.create(session('v-old', '2026-11-20T01:00:00Z'));
    await store.verifications.create(session('v-new', '2026-11-20T02:30:00Z'));
    expect(await store.verifications.removeOlderThan(new Date('2026-11-20T02:00:00Z'))).toBe(1);
    expect(await store.verifications.get('v-old')).toBeUndefined();
    expect(await store.verifications.get('v-new')).toBeDefined();
  });

  it('confirms a counter request once, or in two steps by two different staff members', async () => {
    const request = (code: string) => ({
      code, openid: 'a', docType: '03' as const, nameSealed: 'n', docNumberSealed: 'd', docLookup: 'doc-9',
      createdAt: new Date('2026-11-20T02:00:00Z'), expiresAt: new Date('2026-11-27T02:00:00Z'), status: 'pending' as const,
      confirmedBy: null, centerCode: null, confirmedByLookup: null, secondConfirmedBy: null,
    });
    await store.counterRequests.create(request('ABCD2345'));
    expect(await store.counterRequests.get('ABCD2345')).toEqual(request('ABCD2345'));
    expect(await store.counterRequests.confirmSecond('ABCD2345', 'staff-2')).toBe(false);
    expect(await store.counterRequests.confirm('ABCD2345', 'staff-1', '321000')).toBe(true);
    expect(await store.counterRequests.confirm('ABCD2345', 'staff-2', '110000')).toBe(false);
    expect(await store.counterRequests.get('ABCD2345')).toEqual({ ...request('ABCD2345'), status: 'confirmed', confirmedBy: 'staff-1', centerCode: '321000' });
    expect(await store.counterRequests.confirm('NOPE2345', 'staff-1', '321000')).toBe(false);
    await expect(store.counterRequests.create(request('ABCD2345'))).rejects.toThrow();
    // the refused one left the confirmed request as it was
    expect(await store.counterRequests.get('ABCD2345')).toMatchObject({ status: 'confirmed', confirmedBy: 'staff-1' });

    await store.counterRequests.create(request('TWOSTEP2'));
    expect(await store.counterRequests.confirm('TWOSTEP2', 'staff-1', '321000', 'awaiting-second')).toBe(true);
    expect(await store.counterRequests.get('TWOSTEP2')).toMatchObject({ status: 'awaiting-second', confirmedBy: 'staff-1', centerCode: '321000', secondConfirmedBy: null });
    expect(await store.counterRequests.confirm('TWOSTEP2', 'staff-2', '321000')).toBe(false);
    expect(await store.counterRequests.confirmSecond('TWOSTEP2', 'staff-1')).toBe(false);
    const seconds = await Promise.all([store.counterRequests.confirmSecond('TWOSTEP2', 'staff-2'), store.counterRequests.confirmSecond('TWOSTEP2', 'staff-3')]);
    expect(seconds.filter(Boolean)).toHaveLength(1);
    expect(await store.counterRequests.get('TWOSTEP2')).toMatchObject({ status: 'confirmed', confirmedBy: 'staff-1', secondConfirmedBy: seconds[0] ? 'staff-2' : 'staff-3' });

    // the first confirmer's identity key is kept: another staff account with the same key is no second person
    await store.counterRequests.create(request('SAMEKEY2'));
    expect(await store.counterRequests.confirm('SAMEKEY2', 'staff-1', '321000', 'awaiting-second', 'key-1')).toBe(true);
    expect(await store.counterRequests.get('SAMEKEY2')).toMatchObject({ confirmedBy: 'staff-1', confirmedByLookup: 'key-1' });
    expect(await store.counterRequests.confirmSecond('SAMEKEY2', 'staff-9', 'key-1')).toBe(false);
    expect(await store.counterRequests.confirmSecond('SAMEKEY2', 'staff-9', 'key-2')).toBe(true);
  });

  it('reopens a request awaiting a second staff member, only for its first confirmer, back to pending', async () => {
    const request = {
      code: 'REOPEN23', openid: 'a', docType: '01' as const, nameSealed: 'n', docNumberSealed: 'd', docLookup: 'doc-10',
      createdAt: new Date('2026-11-20T02:00:00Z'), expiresAt: new Date('2026-11-27T02:00:00Z'), status: 'pending' as const,
      confirmedBy: null, centerCode: null, confirmedByLookup: null, secondConfirmedBy: null,
    };
    await store.counterRequests.create(request);
    expect(await store.counterRequests.reopen('REOPEN23', 'staff-1')).toBe(false);
    expect(await store.counterRequests.confirm('REOPEN23', 'staff-1', '321000', 'awaiting-second', 'key-1')).toBe(true);
    expect(await store.counterRequests.reopen('REOPEN23', 'staff-2')).toBe(false);
    expect(await store.counterRequests.reopen('REOPEN23', 'staff-1')).toBe(true);
    expect(await store.counterRequests.get('REOPEN23')).toEqual(request);
    expect(await store.counterRequests.reopen('REOPEN23', 'staff-1')).toBe(false);
    // pending again: a first confirmation may be given anew, and a confirmed request never reopens
    expect(await store.counterRequests.confirm('REOPEN23', 'staff-2', '321000')).toBe(true);
    expect(await store.counterRequests.reopen('REOPEN23', 'staff-2')).toBe(false);
    expect(await store.counterRequests.get('REOPEN23')).toMatchObject({ status: 'confirmed', confirmedBy: 'staff-2' });
  });

  it('counts failures since a time, keeps the latest consent, lists a person’s consents and audit entries in order', async () => {
    await store.attempts.recordFailure('openid:a', new Date('2026-11-19T23:00:00Z'), 'a');
    await store.attempts.recordFailure('openid:a', new Date('2026-11-20T01:00:00Z'), 'a');
    await store.attempts.recordFailure('openid:b', new Date('2026-11-20T01:00:00Z'), null);
    expect(await store.attempts.failuresSince('openid:a', new Date('2026-11-20T00:00:00Z'))).toBe(1);
    await store.consents.record({ openid: 'a', version: 'v1', at: new Date('2026-11-01T00:00:00Z') });
    await store.consents.record({ openid: 'a', version: 'v2', at: new Date('2026-11-02T00:00:00Z') });
    expect(await store.consents.latest('a')).toEqual({ openid: 'a', version: 'v2', at: new Date('2026-11-02T00:00:00Z') });
    // of two at the same time, the one recorded later
    await store.consents.record({ openid: 'a', version: 'v3', at: new Date('2026-11-02T00:00:00Z') });
    expect(await store.consents.latest('a')).toMatchObject({ version: 'v3' });
    expect(await store.consents.latest('z')).toBeUndefined();
    await store.consents.record({ openid: 'b', version: 'v2', at: new Date('2026-11-01T12:00:00Z') });
    expect((await store.consents.listOf('a')).map((c) => [c.version, c.at.toISOString()])).toEqual([
      ['v1', '2026-11-01T00:00:00.000Z'],
      ['v2', '2026-11-02T00:00:00.000Z'],
      ['v3', '2026-11-02T00:00:00.000Z'],
    ]);
    expect(await store.consents.listOf('z')).toEqual([]);
    const entry = (action: string, minute: number) => ({ at: new Date(Date.UTC(2026, 10, 20, 2, minute)), actor: 'a', action, subject: 'openid:a', detail: '' });
    await store.audit.append(entry('first', 1));
    await store.audit.append(entry('second', 2));
    await store.audit.append({ ...entry('other', 3), subject: 'openid:b' });
    expect((await store.audit.listFor('openid:a')).map((e) => e.action)).toEqual(['first', 'second']);
  });

  describe('applications, outbox and receipts', () => {
    const T = new Date('2026-11-20T02:00:00Z');
    let n = 0;
    const application = (overrides: Partial<ApplicationRecord> = {}): ApplicationRecord => {
      n += 1;
      return {
        id: `app${String(n).padStart(6, '0')}`,
        type: 'transfer',
        openid: `o-${n}`,
        requestId: `req-${n}-xxxx`,
        status: 'submitted',
        platformCode: null,
        responsibleCenter: '321000',
        centers: [{ code: '321000', role: 'transfer-in' }, { code: '110000', role: 'transfer-out' }],
        inFlightKey: `transfer:o-${n}:110000`,
        letterNumber: null,
        applicant: { docType: '01', nameSealed: 'sealed-name', docNumberSealed: 'sealed-doc' },
        payloadSealed: 'sealed-payload',
        acceptBy: '2026-11-25',
        acceptByProvisional: false,
        targetBy: null,
        targetProvisional: false,
        payment: null,
        test: false,
        createdAt: T,
        updatedAt: T,
        ...overrides,
      };
    };
    const event = (app: ApplicationRecord, to: ApplicationRecord['status'], platformCode: ApplicationRecord['platformCode'] = null): ApplicationEventRecord => ({
      applicationId: app.id, at: T, actor: 'center', actorId: '321000', from: app.status, to, platformCode, centerCode: '321000', message: to,
    });
    const outbox = (app: ApplicationRecord, id = `msg_${app.id}`): OutboxRecord => ({
      id, applicationId: app.id, centerCode: '321000', type: 'application.submitted', createdAt: T, dueAt: T, attempts: 0, state: 'pending', lastError: null, deliveredAt: null,
    });
    const attempt = (outboxId: string, httpStatus: number | null): DeliveryAttempt => ({ outboxId, at: T, durationMs: 12, httpStatus, error: httpStatus === 200 ? null : 'down' });
    /** A certificate case whose holder is bound (a code is made only for the case's bound holder). */
    const certificateCase = async () => {
      const app = application({ type: 'certificate-loan-cleared' });
      await createBound(store, app, [], [], null);
      return app;
    };
    /** The case's open code after `create`, which must not refuse. */
    const made = async (code: CertificateCodeRecord, replacing?: string) => {
      const open = await store.certificateCodes.create(code, replacing);
      if (!open) throw new Error(`certificate code ${code.id} refused`);
      return open;
    };

    it('creates one application per (openid, requestId) and per in-flight key, numbering letters per prefix, even when the requests race', async () => {
      const first = application();
      const copies = Array.from({ length: 20 }, () => ({ ...first, id: `${first.id}c${Math.random().toString(36).slice(2, 8)}` }));
      await store.identities.bind(identityRow(first.openid));
      const outcomes = await Promise.all([first, ...copies].map((a) => store.applications.create(a, [event(a, 'submitted')], [outbox(a)], '321000261120')));
      const created = outcomes.filter((o) => o.kind === 'created');
      expect(created).toHaveLength(1);
      const winner = (await store.applications.listByApplicant(first.openid))[0];
      expect(outcomes.filter((o) => o.kind === 'duplicate').every((o) => o.kind === 'duplicate' && o.id === winner.id)).toBe(true);
      const inFlight = application({ openid: first.openid, inFlightKey: first.inFlightKey });
      expect(await createBound(store, inFlight, [], [], null)).toEqual({ kind: 'in-flight', id: winner.id });
      const others = Array.from({ length: 10 }, () => application());
      const numbers = await Promise.all(others.map(async (a) => (await createBound(store, a, [], [], '321000261120')).kind === 'created' && (await store.applications.get(a.id))?.letterNumber));
      expect(new Set([winner.letterNumber, ...numbers]).size).toBe(11);
      expect((await store.applications.get(others[0].id))?.letterNumber).toMatch(/^321000261120\d{4}$/);
      expect(await store.applications.listForCenter('110000')).toEqual(expect.arrayContaining([expect.objectContaining({ id: winner.id })]));
      expect(await store.applications.events(winner.id)).toHaveLength(1);
    });

    it('lists open applications oldest first, and reschedules a time limit with its timeline line in one step, once (issue 12)', async () => {
      const older = application({ createdAt: new Date(T.getTime() - 60_000), acceptBy: '2031-01-23', acceptByProvisional: true });
      const open = application({ acceptBy: '2031-01-23', acceptByProvisional: true });
      const done = application({ status: 'completed', inFlightKey: null, acceptBy: '2031-01-23', acceptByProvisional: true });
      for (const a of [older, open, done]) await createBound(store, a, [event(a, a.status)], [], null);
      const listed = (await store.applications.listOpen()).map((a) => a.id).filter((id) => [older.id, open.id, done.id].includes(id));
      expect(listed).toEqual([older.id, open.id]);
      const line = { ...event(open, 'submitted'), actor: 'platform' as const, actorId: 'calendar', message: '办理时限按国务院节假日安排更新为 2031-01-30（受理）' };
      const toOfficial = (event: ApplicationEventRecord | null) =>
        ({ limit: 'acceptBy', expected: { date: '2031-01-23', provisional: true }, next: { date: '2031-01-30', provisional: false }, event }) as const;
      const racing = await Promise.all([1, 2, 3].map(() => store.applications.reschedule(open.id, toOfficial(line))));
      expect(racing.filter(Boolean)).toHaveLength(1);
      expect(await store.applications.get(open.id)).toMatchObject({ acceptBy: '2031-01-30', acceptByProvisional: false });
      expect((await store.applications.events(open.id)).map((e) => [e.actor, e.message])).toEqual([['center', 'submitted'], ['platform', line.message]]);
      // a final application, one whose date or flag moved since it was read, is left alone
      expect(await store.applications.reschedule(done.id, toOfficial({ ...line, applicationId: done.id }))).toBe(false);
      expect(await store.applications.reschedule(open.id, toOfficial(line))).toBe(false);
      expect(await store.applications.reschedule(older.id, { ...toOfficial(line), expected: { date: '2031-01-23', provisional: false } })).toBe(false);
      expect(await store.applications.get(done.id)).toMatchObject({ acceptBy: '2031-01-23', acceptByProvisional: true });
      expect(await store.applications.events(done.id)).toHaveLength(1);
      expect(await store.applications.events(open.id)).toHaveLength(2);
    });

    it('keeps a test case marked as one, and finds the test cases of centers in one read, newest first, each with when it was first accepted (issue 15)', async () => {
      const at = (minutes: number) => new Date(T.getTime() + minutes * 60_000);
      const centers = (inCenter: string): ApplicationRecord['centers'] => [{ code: inCenter, role: 'transfer-in' }, { code: '110000', role: 'transfer-out' }];
      const accepted = application({ test: true, centers: centers('469001'), responsibleCenter: '469001', createdAt: at(1), updatedAt: at(1) });
      const waiting = application({ test: true, centers: centers('469002'), responsibleCenter: '469002', createdAt: at(2), updatedAt: at(2) });
      const real = application({ centers: centers('469001'), responsibleCenter: '469001', createdAt: at(3), updatedAt: at(3) });
      const elsewhere = application({ test: true, centers: centers('469003'), responsibleCenter: '469003', createdAt: at(4), updatedAt: at(4) });
      for (const a of [accepted, waiting, real, elsewhere]) expect((await createBound(store, a, [event(a, 'submitted')], [], null)).kind).toBe('created');
      const move = async (a: ApplicationRecord, from: ApplicationRecord['status'], to: ApplicationRecord['status'], when: Date) =>
        expect(await store.applications.transition({ id: a.id, expected: { status: from, platformCode: null }, next: { status: to, platformCode: null }, event: { ...event(a, to), from, at: when } })).toBe('applied');
      await move(accepted, 'submitted', 'accepted', at(10));
      await move(accepted, 'accepted', 'completed', at(20));
      await move(real, 'submitted', 'accepted', at(10));
      expect(await store.applications.get(accepted.id)).toMatchObject({ test: true });
      expect(await store.applications.get(real.id)).toMatchObject({ test: false });
      const found = await store.applications.testCases(['469001', '469002']);
      expect(found.map((t) => [t.application.id, t.acceptedAt])).toEqual([[waiting.id, null], [accepted.id, at(10)]]);
      expect(found[1].application).toMatchObject({ id: accepted.id, status: 'completed', test: true });
      // by any center taking part: the other center of a test case finds it too
      expect((await store.applications.testCases(['110000'])).map((t) => t.application.id)).toEqual(expect.arrayContaining([accepted.id, waiting.id, elsewhere.id]));
      expect(await store.applications.testCases([])).toEqual([]);
    });

    it('keeps a purchase withdrawal’s contract lookup with it, read back by the person’s applications, and none for other types (migration 23)', async () => {
      const centers: ApplicationRecord['centers'] = [{ code: '321000', role: 'purchase' }, { code: '110000', role: 'deposit' }];
      const purchase = application({ type: 'purchase-withdrawal', centers, contractLookup: 'a'.repeat(64) });
      const transfer = application({ openid: purchase.openid });
      for (const a of [purchase, transfer]) expect((await createBound(store, a, [event(a, 'submitted')], [], null)).kind).toBe('created');
      expect(await store.applications.get(purchase.id)).toMatchObject({ contractLookup: 'a'.repeat(64) });
      const mine = await store.applications.listByApplicant(purchase.openid);
      expect(mine.find((a) => a.id === purchase.id)?.contractLookup).toBe('a'.repeat(64));
      expect(mine.find((a) => a.id === transfer.id)?.contractLookup).toBeUndefined();
    });

    it('finds every person’s withdrawals of one contract, oldest first, for the submission and the workbench (migration 38)', async () => {
      const centers: ApplicationRecord['centers'] = [{ code: '321000', role: 'purchase' }, { code: '110000', role: 'deposit' }];
      const lookup = 'c'.repeat(64);
      const minute = (m: number) => new Date(T.getTime() + m * 60_000);
      const buyer = application({ type: 'purchase-withdrawal', centers, contractLookup: lookup, createdAt: minute(1) });
      const coBuyer = application({ type: 'purchase-withdrawal', centers, contractLookup: lookup, createdAt: minute(2) });
      const other = application({ type: 'purchase-withdrawal', centers, contractLookup: 'd'.repeat(64), createdAt: minute(3) });
      for (const a of [coBuyer, buyer, other]) expect((await createBound(store, a, [event(a, 'submitted')], [], null)).kind).toBe('created');
      expect((await store.applications.listByContract(lookup)).map((a) => a.id)).toEqual([buyer.id, coBuyer.id]);
      expect((await store.reads.submission(coBuyer.openid, [], 'req-none', lookup)).sameContract.map((a) => [a.id, a.openid])).toEqual([
        [buyer.id, buyer.openid],
        [coBuyer.id, coBuyer.openid],
      ]);
      expect(await store.applications.listByContract('e'.repeat(64))).toEqual([]);
    });

    it('moves the acceptance limit only while the application awaits acceptance, the target while it is open; a flag alone writes no line (issue 12)', async () => {
      const accepted = application({ status: 'accepted', acceptBy: '2031-01-23', acceptByProvisional: true });
      const delivered = application({ status: 'delivered', acceptBy: '2031-01-23', acceptByProvisional: true });
      const purchase = application({ type: 'purchase-withdrawal', status: 'accepted', targetBy: '2031-01-29', targetProvisional: true });
      const legacy = application({ type: 'purchase-withdrawal', status: 'accepted' });
      for (const a of [accepted, delivered, purchase, legacy]) await createBound(store, a, [event(a, a.status)], [], null);
      const acceptBy = { limit: 'acceptBy', expected: { date: '2031-01-23', provisional: true }, next: { date: '2031-01-23', provisional: false }, event: null } as const;
      expect(await store.applications.reschedule(accepted.id, acceptBy)).toBe(false);
      expect(await store.applications.get(accepted.id)).toMatchObject({ acceptBy: '2031-01-23', acceptByProvisional: true });
      expect(await store.applications.reschedule(delivered.id, acceptBy)).toBe(true);
      expect(await store.applications.get(delivered.id)).toMatchObject({ acceptBy: '2031-01-23', acceptByProvisional: false });
      expect(await store.applications.events(delivered.id)).toHaveLength(1);
      const target = { limit: 'target', expected: { date: '2031-01-29', provisional: true }, next: { date: '2031-02-05', provisional: false }, event: null } as const;
      expect(await store.applications.reschedule(purchase.id, target)).toBe(true);
      expect(await store.applications.reschedule(purchase.id, target)).toBe(false);
      expect(await store.applications.get(purchase.id)).toMatchObject({ targetBy: '2031-02-05', targetProvisional: false, acceptBy: '2026-11-25' });
      // a target never stored is expected as null
      expect(await store.applications.reschedule(legacy.id, { ...target, expected: { date: null, provisional: false } })).toBe(true);
      expect(await store.applications.get(legacy.id)).toMatchObject({ targetBy: '2031-02-05', targetProvisional: false });
    });

    it('reads what a call, a submission and a center callback need, each in one go (issue 16, point 9)', async () => {
      const app = application({ contractLookup: 'lookup-rt' });
      await createBound(store, app, [event(app, 'submitted')], [outbox(app)], null);
      const verifiedAt = new Date('2026-11-19T08:00:00Z');
      await store.identities.bind({
        openid: app.openid, method: 'face', docType: '01', nameSealed: 'n-rt', docNumberSealed: 'd-rt', docLookup: 'doc-rt', phoneSealed: null,
        verifiedAt, expiresAt: new Date(verifiedAt.getTime() + 30 * 86_400_000),
      });
      await store.endpoints.put({ centerCode: '321000', mode: 'api', url: 'https://gjj.example.cn/rt', secretsSealed: ['sealed-rt'], updatedAt: T }, 'o-staff-rt');
      await store.roles.grant(app.openid, { role: 'center-staff', centerCode: '321000' });
      await store.meta.set('launch-rt', '{"national":true,"provinces":[]}');

      expect(await store.reads.caller(app.openid, 'launch-rt')).toEqual({ roles: await store.roles.rolesOf(app.openid), meta: '{"national":true,"provinces":[]}' });
      expect(await store.reads.caller('nobody-rt', 'no-such-key')).toEqual({ roles: [], meta: undefined });

      const endpoint = await store.endpoints.get('321000');
      // of the centers asked, those whose endpoint takes deliveries by API, in code order (a workbench center's is not)
      await store.endpoints.put({ centerCode: '620100', mode: 'manual', url: null, secretsSealed: [], updatedAt: T });
      await store.endpoints.put({ centerCode: '510100', mode: 'api', url: 'https://gjj.example.cn/cd', secretsSealed: ['sealed-cd'], updatedAt: T });
      expect(await store.reads.submission(app.openid, ['620100', '510100', '630100', '321000'], app.requestId, 'lookup-rt')).toMatchObject({ apiCenters: ['321000', '510100'] });
      expect(await store.reads.submission(app.openid, ['321000', '110000'], app.requestId, 'lookup-rt')).toEqual({
        identity: await store.identities.get(app.openid),
        apiCenters: ['321000'],
        sameRequest: app.id,
        sameContract: [await store.applications.get(app.id)],
      });
      expect(await store.reads.submission('nobody-rt', ['110000'], 'req-none', undefined)).toEqual({ identity: undefined, apiCenters: [], sameRequest: undefined, sameContract: [] });
      // the caller's read with a submission's key answers both, as read apart
      expect(await store.reads.caller(app.openid, 'launch-rt', { centerCodes: ['321000', '110000'], requestId: app.requestId, contractLookup: 'lookup-rt' })).toEqual({
        roles: await store.roles.rolesOf(app.openid),
        meta: '{"national":true,"provinces":[]}',
        submission: await store.reads.submission(app.openid, ['321000', '110000'], app.requestId, 'lookup-rt'),
      });
      expect(await store.reads.caller('nobody-rt', 'no-such-key', { centerCodes: ['110000'], requestId: 'req-none', contractLookup: undefined })).toEqual({
        roles: [],
        meta: undefined,
        submission: { identity: undefined, apiCenters: [], sameRequest: undefined, sameContract: [] },
      });

      const read = await store.reads.callback('321000', 'msg-rt', app.id);
      expect(read).toMatchObject({ endpoint, holders: await store.endpoints.secretHolders('321000'), receipt: false, application: await store.applications.get(app.id) });
      expect(await read.endpoints()).toEqual([endpoint]);
      const moved = await store.applications.transition({
        id: app.id, expected: { status: 'submitted', platformCode: null }, next: { status: 'accepted', platformCode: '01' }, event: event(app, 'accepted', '01'),
        receipt: { centerCode: '321000', webhookId: 'msg-rt' },
      });
      expect(moved).toBe('applied');
      expect(await store.reads.callback('321000', 'msg-rt', app.id)).toMatchObject({ receipt: true, application: { status: 'accepted' } });
      const unknown = await store.reads.callback('999999', 'msg-rt', 'no-such-app');
      expect(unknown).toMatchObject({ endpoint: undefined, holders: [], receipt: false, application: undefined });
      expect(await unknown.endpoints()).toEqual([]);
    });

    it('keeps the reason and the contact a center gave with a status beside its event, and none on the events without (issue 18 point 2)', async () => {
      const app = application();
      await createBound(store, app, [event(app, 'submitted')], [], null);
      const contact = { name: '转出业务科 王敏', phone: '025-83512329' };
      const reason = '原单位未办理封存：请联系原单位办理封存后再审核';
      expect(await store.applications.transition({ id: app.id, expected: { status: 'submitted', platformCode: null }, next: { status: 'accepted', platformCode: '01' }, event: event(app, 'accepted', '01') })).toBe('applied');
      const refused = { ...event({ ...app, status: 'accepted' }, 'processing', '13'), reason, contact };
      expect(await store.applications.transition({ id: app.id, expected: { status: 'accepted', platformCode: '01' }, next: { status: 'processing', platformCode: '13' }, event: refused })).toBe('applied');
      const events = await store.applications.events(app.id);
      expect(events.map((e) => [e.platformCode, e.reason, e.contact])).toEqual([
        [null, undefined, undefined],
        ['01', undefined, undefined],
        ['13', reason, contact],
      ]);
    });

    it('keeps staff’s 已核实 of a held co-buyer’s withdrawal once per application, the first check standing (issue 17, migration 42)', async () => {
      const app = application({ type: 'purchase-withdrawal' });
      await createBound(store, app, [], [], null);
      expect(await store.contractChecks.get(app.id)).toBeUndefined();
      const check = { applicationId: app.id, at: T, staffOpenid: 'staff-1', centerCode: '321000', note: '已联系两位购房人，系共同购房' };
      expect(await store.contractChecks.record(check)).toEqual(check);
      expect(await store.contractChecks.record({ ...check, at: new Date(T.getTime() + 1000), staffOpenid: 'staff-2', note: '再次核实' })).toEqual(check);
      expect(await store.contractChecks.get(app.id)).toEqual(check);
    });

    it('keeps certificate codes (issue 18 point 1): counts a read once per allowed read, refuses used, expired and revoked ones, and lists every code and read', async () => {
      const app = await certificateCase();
      const code: CertificateCodeRecord = { id: 'codeAAAAAAAAAAAA', applicationId: app.id, openid: app.openid, documentId: 'doc1', issuedAt: T, expiresAt: new Date(T.getTime() + 3_600_000), readsAllowed: 1, readsUsed: 0, revokedAt: null };
      await store.certificateCodes.create(code);
      expect(await store.certificateCodes.get(code.id)).toEqual(code);
      const reader = (seconds: number, centerCode = '321000') => ({ at: new Date(T.getTime() + seconds * 1000), readerOpenid: 'staff-1', centerCode });
      // concurrent reads of a one-read code: one valid
      const outcomes = await Promise.all([reader(1), reader(1), reader(1)].map((r) => store.certificateCodes.read(code.id, r)));
      expect(outcomes.sort()).toEqual(['used', 'used', 'valid']);
      expect(await store.certificateCodes.allowAnother(code.id, 2)).toMatchObject({ readsAllowed: 2, readsUsed: 1 });
      expect(await store.certificateCodes.allowAnother(code.id, 2)).toMatchObject({ readsAllowed: 2 });
      expect(await store.certificateCodes.read(code.id, reader(2, '110000'))).toBe('valid');
      expect(await store.certificateCodes.read(code.id, reader(3600))).toBe('expired');
      expect(await store.certificateCodes.read('codeUNKNOWNxxxxx', reader(4))).toBeUndefined();
      await store.certificateCodes.recordRead({ codeId: code.id, applicationId: app.id, ...reader(5), outcome: 'altered' });

      // a later code replaces the used one, revoking it in the same step
      const later: CertificateCodeRecord = { ...code, id: 'codeBBBBBBBBBBBB', issuedAt: new Date(T.getTime() + 10_000), readsUsed: 0, readsAllowed: 1 };
      expect(await store.certificateCodes.create(later, code.id)).toEqual(later);
      expect(await store.certificateCodes.get(code.id)).toMatchObject({ revokedAt: later.issuedAt });
      expect((await store.certificateCodes.latest(app.id))?.id).toBe(later.id);
      expect(await store.certificateCodes.latest('app-none')).toBeUndefined();
      expect(await store.certificateCodes.list(app.id)).toEqual([{ ...code, readsAllowed: 2, readsUsed: 2, revokedAt: later.issuedAt }, later]);
      expect(await store.certificateCodes.list('app-none')).toEqual([]);
      expect(await store.certificateCodes.revokeAll(app.id, new Date(T.getTime() + 20_000))).toBe(1);
      expect(await store.certificateCodes.revokeAll(app.id, new Date(T.getTime() + 30_000))).toBe(0);
      expect(await store.certificateCodes.read(later.id, reader(6))).toBe('revoked');
      expect(await store.certificateCodes.allowAnother(later.id, 5)).toMatchObject({ readsAllowed: 1, revokedAt: new Date(T.getTime() + 20_000) });

      const reads = await store.certificateCodes.reads(app.id);
      expect(reads.map((r) => [r.codeId, r.centerCode, r.outcome])).toEqual([
        ...[['used'], ['used'], ['valid']].map(() => expect.arrayContaining([code.id, '321000'])),
        [code.id, '110000', 'valid'],
        [code.id, '321000', 'altered'],
        [later.id, '321000', 'revoked'],
        [code.id, '321000', 'expired'],
      ]);
      expect(reads.slice(0, 3).map((r) => r.outcome).sort()).toEqual(['used', 'used', 'valid']);
    });

    it('keeps one open certificate code a case: of creates at once, one is made and the others are answered it (review 1, finding 10)', async () => {
      const app = await certificateCase();
      const codeAt = (id: string, seconds: number): CertificateCodeRecord => ({
        id, applicationId: app.id, openid: app.openid, documentId: 'doc1', issuedAt: new Date(T.getTime() + seconds * 1000), expiresAt: new Date(T.getTime() + 3_600_000), readsAllowed: 1, readsUsed: 0, revokedAt: null,
      });
      const ids = ['codeOPEN1xxxxxxx', 'codeOPEN2xxxxxxx', 'codeOPEN3xxxxxxx', 'codeOPEN4xxxxxxx', 'codeLATExxxxxxxx'];
      // of the codes asked for, those stored and not revoked
      const open = async () => (await Promise.all(ids.map((id) => store.certificateCodes.get(id)))).flatMap((c) => (c?.revokedAt === null ? [c.id] : []));
      const reader = (seconds: number) => ({ at: new Date(T.getTime() + seconds * 1000), readerOpenid: 'staff-1', centerCode: '321000' });

      // none yet: two at once
      const [a, b] = await Promise.all([made(codeAt('codeOPEN1xxxxxxx', 1)), made(codeAt('codeOPEN2xxxxxxx', 1))]);
      expect(b).toEqual(a);
      expect(await open()).toEqual([a.id]);
      expect((await Promise.all(['codeOPEN1xxxxxxx', 'codeOPEN2xxxxxxx'].map((id) => store.certificateCodes.read(id, reader(2))))).filter((o) => o === 'valid')).toHaveLength(1);
      // the one code used up: two at once replace it, with one code
      const [c, d] = await Promise.all([made(codeAt('codeOPEN3xxxxxxx', 3), a.id), made(codeAt('codeOPEN4xxxxxxx', 3), a.id)]);
      expect(d).toEqual(c);
      expect(c.id).not.toBe(a.id);
      expect(await store.certificateCodes.get(a.id)).toMatchObject({ revokedAt: new Date(T.getTime() + 3000) });
      expect(await open()).toEqual([c.id]);
      expect(await store.certificateCodes.latest(app.id)).toEqual(c);
      // a create that names no code, or an earlier one, is answered the open code
      expect(await made(codeAt('codeLATExxxxxxxx', 4), a.id)).toEqual(c);
      expect(await store.certificateCodes.get('codeLATExxxxxxxx')).toBeUndefined();
      // once it is revoked, a new one is made
      expect(await store.certificateCodes.revokeAll(app.id, new Date(T.getTime() + 5000))).toBe(1);
      expect(await made(codeAt('codeNEWxxxxxxxxx', 6), c.id)).toMatchObject({ id: 'codeNEWxxxxxxxxx' });
    });

    it('revokes an open code that can no longer be read, expired or used up, and makes the new one, whichever code the caller saw (review 1, finding 4)', async () => {
      const app = await certificateCase();
      const codeAt = (id: string, seconds: number): CertificateCodeRecord => ({
        id, applicationId: app.id, openid: app.openid, documentId: 'doc1', issuedAt: new Date(T.getTime() + seconds * 1000), expiresAt: new Date(T.getTime() + (seconds + 3600) * 1000), readsAllowed: 1, readsUsed: 0, revokedAt: null,
      });
      const expired = await made(codeAt('codeEXPIREDxxxxx', 0));
      // an hour and more later, naming a code that is not the open one
      const fresh = codeAt('codeFRESHxxxxxxx', 4000);
      expect(await store.certificateCodes.create(fresh, 'codeOTHERxxxxxxx')).toEqual(fresh);
      expect(await store.certificateCodes.get(expired.id)).toMatchObject({ revokedAt: fresh.issuedAt });
      // the fresh one read once: used up, and replaced the same way
      expect(await store.certificateCodes.read(fresh.id, { at: new Date(T.getTime() + 4001_000), readerOpenid: 'staff-1', centerCode: '321000' })).toBe('valid');
      const next = codeAt('codeNEXTxxxxxxxx', 4002);
      expect(await store.certificateCodes.create(next, expired.id)).toEqual(next);
      expect(await store.certificateCodes.get(fresh.id)).toMatchObject({ revokedAt: next.issuedAt });
      expect(await store.certificateCodes.latest(app.id)).toEqual(next);
    });

    it('moves an application only from the expected state, once per webhook id, and frees the in-flight key when final', async () => {
      const app = application();
      await createBound(store, app, [], [], null);
      const move = (webhookId: string) => ({
        id: app.id,
        expected: { status: app.status, platformCode: null },
        next: { status: 'accepted' as const, platformCode: '01' as const },
        event: event(app, 'accepted', '01'),
        receipt: { centerCode: '321000', webhookId },
      });
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.applications.transition(move('msg_same'))));
      expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'applied').every((o) => o === 'duplicate')).toBe(true);
      expect(await store.applications.hasReceipt('321000', 'msg_same')).toBe(true);
      expect(await store.applications.transition(move('msg_other'))).toBe('stale');
      expect(await store.applications.hasReceipt('321000', 'msg_other')).toBe(false);
      const accepted = { ...app, status: 'accepted' as const, platformCode: '01' as const };
      expect(
        await store.applications.transition({
          id: app.id, expected: { status: 'accepted', platformCode: '01' }, next: { status: 'withdrawn', platformCode: '01' }, event: event(accepted, 'withdrawn', '01'),
          documents: [{ id: 'doc1', applicationId: app.id, centerCode: '321000', name: 'a.pdf', contentType: 'application/pdf', sha256: 'a'.repeat(64), size: 3, storageKey: 'k', at: T }],
        }),
      ).toBe('applied');
      expect(await store.applications.get(app.id)).toMatchObject({ status: 'withdrawn', inFlightKey: null });
      expect((await store.applications.events(app.id)).map((e) => e.to)).toEqual(['accepted', 'withdrawn']);
      expect(await store.applications.documents(app.id)).toEqual([expect.objectContaining({ id: 'doc1', sha256: 'a'.repeat(64) })]);
      expect(await createBound(store, application({ openid: app.openid, inFlightKey: app.inFlightKey }), [], [], null)).toEqual({ kind: 'created', letterNumber: null });
    });

    it('hands an application to another center and records a payment with the move, keeping both when later moves bring neither', async () => {
      const app = application({ type: 'purchase-withdrawal', centers: [{ code: '321000', role: 'purchase' }, { code: '110000', role: 'deposit' }] });
      await createBound(store, app, [], [], null);
      const step = (from: ApplicationRecord['status'], to: ApplicationRecord['status'], extra: object = {}) =>
        store.applications.transition({ id: app.id, expected: { status: from, platformCode: null }, next: { status: to, platformCode: null }, event: event({ ...app, status: from }, to), ...extra });
      expect(await step('submitted', 'verified', { handOver: '110000' })).toBe('applied');
      expect(await store.applications.get(app.id)).toMatchObject({ responsibleCenter: '110000', payment: null });
      expect(await step('verified', 'processing')).toBe('applied');
      expect(await step('processing', 'completed', { payment: { amount: 123456.78, paidOn: '2026-11-20' } })).toBe('applied');
      expect(await store.applications.get(app.id)).toMatchObject({ status: 'completed', responsibleCenter: '110000', payment: { amount: 123456.78, paidOn: '2026-11-20' } });
    });

    it('leases due deliveries to one claimer at a time, reschedules failures, dead-letters and settles deliveries with the move', async () => {
      const app = application();
      const record = outbox(app, `msg_lease_${app.id}`);
      await createBound(store, app, [], [record], null);
      const claims = await Promise.all(Array.from({ length: 5 }, () => store.outbox.claimDue(T, 100, 60_000)));
      expect(claims.flat().filter((r) => r.id === record.id)).toHaveLength(1);
      expect((await store.outbox.claimDue(new Date(T.getTime() + 30_000), 100, 60_000)).some((r) => r.id === record.id)).toBe(false);
      // a relay that died: its lease runs out and the record is claimed again
      expect((await store.outbox.claimDue(new Date(T.getTime() + 61_000), 100, 60_000)).some((r) => r.id === record.id)).toBe(true);
      const retryAt = new Date(T.getTime() + 300_000);
      await store.outbox.settle([{ id: record.id, attempt: attempt(record.id, 500), outcome: 'failed', retryAt }]);
      expect(await store.outbox.get(record.id)).toMatchObject({ state: 'pending', attempts: 1, dueAt: retryAt, lastError: 'down' });
      expect((await store.outbox.claimDue(new Date(retryAt.getTime() - 1), 100, 60_000)).some((r) => r.id === record.id)).toBe(false);
      // settled together with another record whose application a callback moved first: that one settles alone
      const raced = application();
      const racedRecord = outbox(raced, `msg_raced_${raced.id}`);
      await createBound(store, raced, [], [racedRecord], null);
      await store.applications.transition({ id: raced.id, expected: { status: 'submitted', platformCode: null }, next: { status: 'accepted', platformCode: '01' }, event: event(raced, 'accepted', '01') });
      const delivered = (a: ApplicationRecord) => ({
        id: a.id, expected: { status: 'submitted' as const, platformCode: null }, next: { status: 'delivered' as const, platformCode: null }, event: { ...event(a, 'delivered'), actor: 'relay' as const, actorId: 'relay' },
      });
      await store.outbox.settle([
        { id: record.id, attempt: attempt(record.id, 200), outcome: 'delivered', advance: delivered(app) },
        { id: racedRecord.id, attempt: attempt(racedRecord.id, 200), outcome: 'delivered', advance: delivered(raced) },
      ]);
      expect(await store.applications.get(raced.id)).toMatchObject({ status: 'accepted', platformCode: '01' });
      expect((await store.applications.events(raced.id)).map((e) => e.to)).toEqual(['accepted']);
      expect(await store.outbox.get(racedRecord.id)).toMatchObject({ state: 'delivered', attempts: 1 });
      expect((await store.applications.getMany([app.id, raced.id, 'nosuchapp'])).map((a) => a.id).sort()).toEqual([app.id, raced.id].sort());
      expect(await store.outbox.get(record.id)).toMatchObject({ state: 'delivered', attempts: 2 });
      expect(await store.applications.get(app.id)).toMatchObject({ status: 'delivered' });
      expect((await store.outbox.attempts(record.id)).map((a) => a.httpStatus)).toEqual([500, 200]);

      const other = application();
      const dead = outbox(other, `msg_dead_${other.id}`);
      await createBound(store, other, [], [dead], null);
      await store.outbox.settle([{ id: dead.id, attempt: attempt(dead.id, 410), outcome: 'failed', retryAt: null }]);
      expect(await store.outbox.get(dead.id)).toMatchObject({ state: 'dead' });
      expect((await store.outbox.listDead()).map((r) => r.id)).toContain(dead.id);
      expect((await store.outbox.claimDue(new Date(T.getTime() + 86_400_000), 100, 60_000)).some((r) => r.id === dead.id)).toBe(false);
    });

    it('keeps one rating per application, lists follow-ups open first, closes one once, and counts per center and score', async () => {
      const rated = [application(), application(), application()];
      for (const a of rated) await createBound(store, a, [], [], null);
      const rating = (a: ApplicationRecord, score: 1 | 2 | 3 | 4 | 5, at: Date, centerCode = '321000') => ({
        applicationId: a.id, openid: a.openid, centerCode, score, comment: score <= 2 ? '太慢了' : null, at,
        followUp: score <= 2 ? ('open' as const) : null, followUpNote: null, followUpBy: null, followUpAt: null, fixNote: null, fixedBy: null, fixedAt: null, fixScore: null, fixRatedAt: null,
      });
      expect(await store.ratings.create(rating(rated[0], 1, T))).toBe(true);
      expect(await store.ratings.create(rating(rated[0], 5, T))).toBe(false);
      expect(await store.ratings.get(rated[0].id)).toMatchObject({ score: 1, comment: '太慢了', followUp: 'open' });
      await store.ratings.create(rating(rated[1], 2, new Date(T.getTime() + 1000)));
      await store.ratings.create(rating(rated[2], 5, T, '110000'));
      expect((await store.ratings.listFollowUps('321000')).map((r) => r.applicationId)).toEqual([rated[1].id, rated[0].id]);
      expect(await store.ratings.closeFollowUp(rated[1].id, '已回访', 'staff-1', T)).toBe(true);
      expect(await store.ratings.closeFollowUp(rated[1].id, '又回访', 'staff-1', T)).toBe(false);
      expect(await store.ratings.closeFollowUp(rated[2].id, '不需要', 'staff-1', T)).toBe(false);
      expect((await store.ratings.listFollowUps('321000')).map((r) => [r.applicationId, r.followUp])).toEqual([[rated[0].id, 'open'], [rated[1].id, 'closed']]);
      expect(await store.ratings.get(rated[1].id)).toMatchObject({ followUpNote: '已回访', followUpBy: 'staff-1', followUpAt: T });
      // 整改完成 only after the call-back, once; the fix rated only once fixed, once
      const later = new Date(T.getTime() + 60_000);
      expect(await store.ratings.fixFollowUp(rated[0].id, '未回访先整改', 'staff-1', later)).toBe(false);
      expect(await store.ratings.rateFix(rated[1].id, 'fair', later)).toBe(false);
      expect(await store.ratings.fixFollowUp(rated[1].id, '已整改', 'staff-2', later)).toBe(true);
      expect(await store.ratings.fixFollowUp(rated[1].id, '再整改', 'staff-2', later)).toBe(false);
      expect(await store.ratings.rateFix(rated[1].id, 'fair', later)).toBe(true);
      expect(await store.ratings.rateFix(rated[1].id, 'unsatisfied', later)).toBe(false);
      expect(await store.ratings.get(rated[1].id)).toMatchObject({ followUp: 'fixed', fixNote: '已整改', fixedBy: 'staff-2', fixedAt: later, fixScore: 'fair', fixRatedAt: later });
      expect((await store.ratings.listFollowUps('321000')).map((r) => [r.applicationId, r.followUp])).toEqual([[rated[0].id, 'open'], [rated[1].id, 'fixed']]);
      expect(await store.ratings.satisfaction()).toEqual([
        { centerCode: '110000', count: 1, byScore: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 } },
        { centerCode: '321000', count: 2, byScore: { 1: 1, 2: 1, 3: 0, 4: 0, 5: 0 } },
      ]);
    });

    it('keeps one endpoint per center', async () => {
      await store.endpoints.put({ centerCode: '321000', mode: 'api', url: 'https://a.example.cn/x', secretsSealed: ['s1'], updatedAt: T });
      await store.endpoints.put({ centerCode: '321000', mode: 'api', url: 'https://b.example.cn/x', secretsSealed: ['s2', 's1'], updatedAt: T });
      expect(await store.endpoints.get('321000')).toEqual({ centerCode: '321000', mode: 'api', url: 'https://b.example.cn/x', secretsSealed: ['s2', 's1'], updatedAt: T });
      expect(await store.endpoints.get('110000')).toBeUndefined();
      // a supervisor setting the secrets is recorded as who was shown them; a later put without anyone keeps the holders
      await store.endpoints.put({ centerCode: '530100', mode: 'api', url: 'https://c.example.cn/x', secretsSealed: ['s3'], updatedAt: T }, 'sup-1');
      expect(await store.endpoints.secretHolders('530100')).toEqual([{ secretSealed: 's3', shownTo: 'sup-1', retiresAt: null }]);
      await store.endpoints.put({ centerCode: '530100', mode: 'manual', url: null, secretsSealed: ['s3'], updatedAt: T });
      expect(await store.endpoints.get('530100')).toEqual({ centerCode: '530100', mode: 'manual', url: null, secretsSealed: ['s3'], updatedAt: T });
      expect(await store.endpoints.secretHolders('530100')).toEqual([{ secretSealed: 's3', shownTo: 'sup-1', retiresAt: null }]);
    });
  });

  describe('the center portal: invites, work orders, secrets, health, interface testing', () => {
    const T = new Date('2026-11-20T02:00:00Z');
    const later = (ms: number) => new Date(T.getTime() + ms);
    const invite = (code: string, centerCode = '320100', overrides: Partial<StaffInvite> = {}): StaffInvite => ({
      code, centerCode, createdBy: 'sup-1', createdAt: T, expiresAt: later(7 * 86_400_000), usedBy: null, usedAt: null, ...overrides,
    });
    let n = 0;
    const change = (target: ChangeTarget, overrides: Partial<LinkChange> = {}): LinkChange => ({
      id: `chg${String(++n).padStart(20, '0')}`, centerCode: '320100', target, effectiveDate: '2026-12-04', status: 'pending', proposedBy: 'staff-1',
      proposedAt: later(n * 1000), reviewedBy: null, reviewedAt: null, reason: null, appliedAt: null, previous: null, heldReason: null, heldAt: null, ...overrides,
    });
    const web = (item: ItemId, url: string): ChangeTarget => ({ kind: 'link', item, link: { kind: 'web', url } });
    const approve = { approve: true, by: 'sup-1', at: T, reason: null };

    it('moves the effective date of a change not live yet, only from the date expected (issue 12)', async () => {
      await store.centers.upsertCatalog([center('320300')]);
      const pending = change(web(1, 'https://gjj.example.cn/cal-1'), { centerCode: '320300', effectiveDate: '2031-01-31' });
      const rejected = change(web(2, 'https://gjj.example.cn/cal-2'), { centerCode: '320300', effectiveDate: '2031-01-31', status: 'rejected' });
      for (const c of [pending, rejected]) await store.linkChanges.create(c);
      expect(await store.linkChanges.reschedule(pending.id, '2031-01-30', '2031-02-06')).toBe(false);
      expect(await store.linkChanges.reschedule(pending.id, '2031-01-31', '2031-02-06')).toBe(true);
      expect(await store.linkChanges.get(pending.id)).toMatchObject({ effectiveDate: '2031-02-06', status: 'pending' });
      expect(await store.linkChanges.reschedule(rejected.id, '2031-01-31', '2031-02-06')).toBe(false);
      expect((await store.linkChanges.get(rejected.id))?.effectiveDate).toBe('2031-01-31');
      // out of the way of the listings by status below
      await store.linkChanges.review(pending.id, { ...approve, approve: false, reason: '测试完毕' });
    });

    it('redeems an invite once, within its time, for a person not yet staff, granting the role in the same step', async () => {
      await store.staffInvites.create(invite('INVITE22'));
      await expect(store.staffInvites.create(invite('INVITE22', '110000'))).rejects.toThrow();
      expect(await store.staffInvites.redeem('NOSUCH22', 'p-1', T)).toEqual({ kind: 'unknown' });
      // the first invite stayed
      expect(await store.staffInvites.redeem('INVITE22', 'p-1', T)).toEqual({ kind: 'joined', centerCode: '320100' });
      expect(await store.roles.rolesOf('p-1')).toEqual([{ role: 'center-staff', centerCode: '320100' }]);
      expect(await store.staffInvites.redeem('INVITE22', 'p-2', T)).toEqual({ kind: 'used' });

      await store.staffInvites.create(invite('EXPIRED2', '110000'));
      expect(await store.staffInvites.redeem('EXPIRED2', 'p-2', later(7 * 86_400_000))).toEqual({ kind: 'expired' });
      // one person, one center: refused, and the invite stays for someone else
      await store.staffInvites.create(invite('SECOND22', '110000'));
      expect(await store.staffInvites.redeem('SECOND22', 'p-1', T)).toEqual({ kind: 'already-staff', centerCode: '320100' });
      expect(await store.roles.rolesOf('p-1')).toEqual([{ role: 'center-staff', centerCode: '320100' }]);
      expect(await store.roles.rolesOf('p-2')).toEqual([]);
      expect(await store.staffInvites.redeem('SECOND22', 'p-3', T)).toEqual({ kind: 'joined', centerCode: '110000' });
    });

    it('lets one of two racing redemptions of an invite win, and one of a person’s two racing invites', async () => {
      await store.staffInvites.create(invite('RACEONE2'));
      const outcomes = await Promise.all(['r-1', 'r-2', 'r-3', 'r-4'].map((openid) => store.staffInvites.redeem('RACEONE2', openid, T)));
      expect(outcomes.filter((o) => o.kind === 'joined')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'used')).toHaveLength(3);
      const roles = await Promise.all(['r-1', 'r-2', 'r-3', 'r-4'].map((openid) => store.roles.rolesOf(openid)));
      expect(roles.flat()).toEqual([{ role: 'center-staff', centerCode: '320100' }]);

      await store.staffInvites.create(invite('RACEAAA2', '110000'));
      await store.staffInvites.create(invite('RACEBBB2', '321000'));
      const mine = await Promise.all([store.staffInvites.redeem('RACEAAA2', 'r-9', T), store.staffInvites.redeem('RACEBBB2', 'r-9', T)]);
      expect(mine.map((o) => o.kind).sort()).toEqual(['already-staff', 'joined']);
      expect(await store.roles.rolesOf('r-9')).toHaveLength(1);
    });

    it('keeps work orders, reviews a pending one once, and lets one approved change per target wait', async () => {
      const a = change(web(1, 'https://a.example.cn/1'));
      const b = change(web(1, 'https://b.example.cn/1'));
      const other = change(web(3, 'https://c.example.cn/3'));
      const rejected = change({ kind: 'endpoint', endpoint: { kind: 'manual' } });
      for (const c of [a, b, other, rejected]) await store.linkChanges.create(c);
      expect(await store.linkChanges.get(a.id)).toEqual(a);
      expect((await store.linkChanges.listForCenter('320100')).map((c) => c.id)).toEqual([rejected.id, other.id, b.id, a.id]);
      expect((await store.linkChanges.listByStatus('pending')).map((c) => c.id)).toEqual([a.id, b.id, other.id, rejected.id]);

      expect(await store.linkChanges.review(a.id, approve)).toEqual({ kind: 'reviewed', change: { ...a, status: 'approved', reviewedBy: 'sup-1', reviewedAt: T }, superseded: [] });
      expect(await store.linkChanges.review(a.id, { ...approve, approve: false, reason: '再看看' })).toEqual({ kind: 'not-pending', status: 'approved' });
      expect(await store.linkChanges.review(other.id, approve)).toMatchObject({ kind: 'reviewed', superseded: [] });
      expect(await store.linkChanges.review(rejected.id, { approve: false, by: 'sup-2', at: T, reason: '地址未备案' })).toMatchObject({
        kind: 'reviewed',
        change: { status: 'rejected', reviewedBy: 'sup-2', reason: '地址未备案' },
      });
      // the later approval for item 1 supersedes the one waiting; item 3's stays
      expect(await store.linkChanges.review(b.id, approve)).toMatchObject({ kind: 'reviewed', superseded: [a.id] });
      expect((await store.linkChanges.listByStatus('approved')).map((c) => c.id)).toEqual([b.id, other.id]);
      expect((await store.linkChanges.get(a.id))?.status).toBe('superseded');
      expect(await store.linkChanges.review('chg-none', approve)).toEqual({ kind: 'unknown' });
    });

    it('approves one of two changes of one target reviewed at once', async () => {
      const racing = [change(web(5, 'https://x.example.cn/5')), change(web(5, 'https://y.example.cn/5')), change(web(5, 'https://z.example.cn/5'))];
      for (const c of racing) await store.linkChanges.create(c);
      await Promise.all(racing.map((c) => store.linkChanges.review(c.id, approve)));
      const statuses = await Promise.all(racing.map(async (c) => (await store.linkChanges.get(c.id))?.status));
      expect(statuses.filter((s) => s === 'approved')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'superseded')).toHaveLength(2);
    });

    it('switches an approved change once, even when switches race, recording what it replaced', async () => {
      await store.links.put('110000', { item: 4, kind: 'web', url: 'https://old.example.cn/4', healthy: false });
      const c = change(web(4, 'https://new.example.cn/4'), { centerCode: '110000' });
      await store.linkChanges.create(c);
      expect(await store.linkChanges.apply(c.id, T)).toBeUndefined(); // pending: not yet
      await store.linkChanges.review(c.id, approve);
      expect(await store.linkChanges.hold(c.id, '域名无法解析', T)).toBe(true);
      expect(await store.linkChanges.get(c.id)).toMatchObject({ heldReason: '域名无法解析', heldAt: T });
      const at = later(60_000);
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => store.linkChanges.apply(c.id, at)));
      const applied = outcomes.filter((o) => o !== undefined);
      expect(applied).toEqual([
        { ...c, status: 'live', reviewedBy: 'sup-1', reviewedAt: T, appliedAt: at, previous: { kind: 'web', url: 'https://old.example.cn/4' }, heldReason: null, heldAt: null },
      ]);
      expect(await store.linkChanges.get(c.id)).toEqual(applied[0]);
      expect(await store.links.listForCenter('110000')).toContainEqual({ item: 4, kind: 'web', url: 'https://new.example.cn/4', healthy: true });
      expect(await store.linkChanges.hold(c.id, 'x', T)).toBe(false);
      // a route before, nothing before
      await store.links.put('110000', { item: 6, kind: 'counter' });
      const mini = change({ kind: 'link', item: 6, link: { kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/repay/index' } }, { centerCode: '110000' });
      const fresh = change(web(5, 'https://first.example.cn/5'), { centerCode: '110000' });
      for (const x of [mini, fresh]) {
        await store.linkChanges.create(x);
        await store.linkChanges.review(x.id, approve);
      }
      expect(await store.linkChanges.apply(mini.id, at)).toMatchObject({ previous: { kind: 'counter' } });
      expect(await store.linkChanges.apply(fresh.id, at)).toMatchObject({ previous: null });
      expect(await store.links.listForCenter('110000')).toEqual([
        { item: 4, kind: 'web', url: 'https://new.example.cn/4', healthy: true },
        { item: 5, kind: 'web', url: 'https://first.example.cn/5', healthy: true },
        { item: 6, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/repay/index', healthy: true },
      ]);
    });

    it('switches an endpoint’s address and mode, keeping its secrets; rotates secrets keeping the one before', async () => {
      expect(await store.endpoints.rotateSecret('110000', 's1', T, 'staff-a')).toBe(1);
      expect(await store.endpoints.get('110000')).toEqual({ centerCode: '110000', mode: 'manual', url: null, secretsSealed: ['s1'], updatedAt: T });
      const api = change({ kind: 'endpoint', endpoint: { kind: 'api', url: 'https://gjj.example.cn/hooks' } }, { centerCode: '110000' });
      await store.linkChanges.create(api);
      await store.linkChanges.review(api.id, approve);
      expect(await store.linkChanges.apply(api.id, later(1000))).toMatchObject({ status: 'live', previous: { kind: 'manual' } });
      expect(await store.endpoints.get('110000')).toEqual({ centerCode: '110000', mode: 'api', url: 'https://gjj.example.cn/hooks', secretsSealed: ['s1'], updatedAt: later(1000) });
      expect(await store.endpoints.rotateSecret('110000', 's2', later(2000), 'staff-b')).toBe(2);
      expect(await store.endpoints.rotateSecret('110000', 's3', later(3000), 'staff-a')).toBe(2);
      expect(await store.endpoints.get('110000')).toEqual({ centerCode: '110000', mode: 'api', url: 'https://gjj.example.cn/hooks', secretsSealed: ['s3', 's2'], updatedAt: later(3000) });
      // a center without an endpoint gets a manual one with no secrets
      const fresh = change({ kind: 'endpoint', endpoint: { kind: 'manual' } }, { centerCode: '320100' });
      await store.linkChanges.create(fresh);
      await store.linkChanges.review(fresh.id, approve);
      expect(await store.linkChanges.apply(fresh.id, T)).toMatchObject({ previous: null });
      expect(await store.endpoints.get('320100')).toEqual({ centerCode: '320100', mode: 'manual', url: null, secretsSealed: [], updatedAt: T });
      expect((await store.endpoints.list()).map((e) => e.centerCode)).toEqual(['110000', '320100', '321000', '510100', '530100', '620100']);
      expect((await store.links.listAll()).map((l) => [l.centerCode, l.link.item])).toEqual([
        ['110000', 4], ['110000', 5], ['110000', 6], ['320100', 4], ['320100', 5], ['320100', 6], ['321000', 1], ['321000', 3],
      ]);
    });

    it('keeps a supervisor’s immediate change and switches an item’s route and the center’s service hall, recording what each replaced (migration 27)', async () => {
      await store.centers.upsertCatalog([center('330300')]);
      await store.links.put('330300', { item: 5, kind: 'web', url: 'https://old.example.cn/5', healthy: false });
      const route = change({ kind: 'link', item: 5, link: { kind: 'in-app' } }, { centerCode: '330300', proposedBy: 'sup-1', immediate: true });
      const hall = change({ kind: 'hall', hall: { kind: 'hall', address: '某市某路 1 号 服务大厅', hours: '工作日 9:00-17:00' } }, { centerCode: '330300', proposedBy: 'sup-1', immediate: true });
      const again = change({ kind: 'hall', hall: { kind: 'hall', address: '某市某路 2 号 服务大厅', hours: '工作日 8:30-17:30' } }, { centerCode: '330300' });
      for (const c of [route, hall, again]) {
        await store.linkChanges.create(c);
        await store.linkChanges.review(c.id, approve);
      }
      expect(await store.linkChanges.get(route.id)).toMatchObject({ immediate: true, target: route.target });
      expect((await store.linkChanges.get(again.id))?.immediate).toBeUndefined();
      expect(await store.linkChanges.apply(route.id, T)).toMatchObject({ status: 'live', immediate: true, previous: { kind: 'web', url: 'https://old.example.cn/5' } });
      expect(await store.links.listForCenter('330300')).toEqual([{ item: 5, kind: 'in-app' }]);
      // the later approval of the hall superseded the first
      expect(await store.linkChanges.apply(hall.id, T)).toBeUndefined();
      expect(await store.linkChanges.apply(again.id, T)).toMatchObject({ status: 'live', previous: null });
      expect((await store.centers.get('330300'))?.counter).toEqual({ address: '某市某路 2 号 服务大厅', hours: '工作日 8:30-17:30' });
      const third = change({ kind: 'hall', hall: { kind: 'hall', address: '某市某路 3 号 服务大厅', hours: '全天' } }, { centerCode: '330300', proposedBy: 'sup-1', immediate: true });
      await store.linkChanges.create(third);
      await store.linkChanges.review(third.id, approve);
      expect(await store.linkChanges.apply(third.id, later(1000))).toMatchObject({ previous: { kind: 'hall', address: '某市某路 2 号 服务大厅', hours: '工作日 8:30-17:30' } });
      expect((await store.linkChanges.listForCenter('330300')).map((c) => [c.id, c.status])).toEqual([
        [third.id, 'live'],
        [again.id, 'live'],
        [hall.id, 'superseded'],
        [route.id, 'live'],
      ]);
    });

    it('records who was shown each secret, follows the set through rotations, and retires chosen secrets once, from a date', async () => {
      expect(await store.endpoints.secretHolders('330200')).toEqual([]);
      await store.endpoints.rotateSecret('330200', 'h1', T, 'staff-a');
      await store.endpoints.rotateSecret('330200', 'h2', later(1000), 'staff-b');
      expect(await store.endpoints.secretHolders('330200')).toEqual([
        { secretSealed: 'h2', shownTo: 'staff-b', retiresAt: null },
        { secretSealed: 'h1', shownTo: 'staff-a', retiresAt: null },
      ]);
      // only secrets still in the set retire, each once: a second, later date leaves the first
      expect(await store.endpoints.retireSecrets('330200', ['h1', 'gone'], later(5000))).toBe(1);
      expect(await store.endpoints.retireSecrets('330200', ['h1'], later(9000))).toBe(0);
      expect(await store.endpoints.secretHolders('330200')).toEqual([
        { secretSealed: 'h2', shownTo: 'staff-b', retiresAt: null },
        { secretSealed: 'h1', shownTo: 'staff-a', retiresAt: later(5000) },
      ]);
      // a rotation keeps the holder of the secret it keeps, with its retirement, and drops the rest
      await store.endpoints.rotateSecret('330200', 'h3', later(2000), 'staff-c');
      expect(await store.endpoints.secretHolders('330200')).toEqual([
        { secretSealed: 'h3', shownTo: 'staff-c', retiresAt: null },
        { secretSealed: 'h2', shownTo: 'staff-b', retiresAt: null },
      ]);
      expect(await store.endpoints.retireSecrets('330200', ['h3', 'h2'], later(7000))).toBe(2);
      await store.endpoints.rotateSecret('330200', 'h4', later(3000), 'staff-d');
      expect(await store.endpoints.secretHolders('330200')).toEqual([
        { secretSealed: 'h4', shownTo: 'staff-d', retiresAt: null },
        { secretSealed: 'h3', shownTo: 'staff-c', retiresAt: later(7000) },
      ]);
      // secrets put without holders (before they were recorded): shown to nobody recorded, and they retire too
      await store.endpoints.put({ centerCode: '330300', mode: 'api', url: 'https://a.example.cn/x', secretsSealed: ['old'], updatedAt: T });
      expect(await store.endpoints.secretHolders('330300')).toEqual([{ secretSealed: 'old', shownTo: null, retiresAt: null }]);
      expect(await store.endpoints.retireSecrets('330300', ['old'], later(1))).toBe(1);
      expect(await store.endpoints.secretHolders('330300')).toEqual([{ secretSealed: 'old', shownTo: null, retiresAt: later(1) }]);
      expect(await store.endpoints.retireSecrets('330400', ['x'], later(1))).toBe(0);
      // the endpoint itself is as before
      expect(await store.endpoints.get('330200')).toEqual({ centerCode: '330200', mode: 'manual', url: null, secretsSealed: ['h4', 'h3'], updatedAt: later(3000) });
      // a rotation after the first secret retired keeps the one still serving, not the retired first
      expect(await store.endpoints.retireSecrets('330200', ['h4'], later(4000))).toBe(1);
      expect(await store.endpoints.rotateSecret('330200', 'h5', later(5000), 'staff-e')).toBe(2);
      expect(await store.endpoints.secretHolders('330200')).toEqual([
        { secretSealed: 'h5', shownTo: 'staff-e', retiresAt: null },
        { secretSealed: 'h3', shownTo: 'staff-c', retiresAt: later(7000) },
      ]);
      // a secret put with who was shown it (a supervisor setting it) records them
      await store.endpoints.put({ centerCode: '330300', mode: 'api', url: 'https://a.example.cn/x', secretsSealed: ['set'], updatedAt: T }, 'boss-1');
      expect(await store.endpoints.secretHolders('330300')).toEqual([{ secretSealed: 'set', shownTo: 'boss-1', retiresAt: null }]);
    });

    it('cancels the open invites of one creator (they expire now), leaving used, expired and other creators’ invites', async () => {
      await store.staffInvites.create(invite('CANCEL01', '320100', { createdBy: 'sup-gone' }));
      await store.staffInvites.create(invite('CANCEL02', '110000', { createdBy: 'sup-gone', createdAt: later(1) }));
      await store.staffInvites.create(invite('CANCEL03', '320100', { createdBy: 'sup-gone', expiresAt: T }));
      await store.staffInvites.create(invite('CANCEL04', '320100', { createdBy: 'sup-gone' }));
      await store.staffInvites.create(invite('CANCEL05', '320100', { createdBy: 'sup-stays' }));
      expect(await store.staffInvites.redeem('CANCEL04', 'cx-1', T)).toEqual({ kind: 'joined', centerCode: '320100' });
      expect(await store.staffInvites.cancelOpenBy('sup-gone', later(10))).toEqual([
        invite('CANCEL01', '320100', { createdBy: 'sup-gone' }),
        invite('CANCEL02', '110000', { createdBy: 'sup-gone', createdAt: later(1) }),
      ]);
      expect(await store.staffInvites.cancelOpenBy('sup-gone', later(20))).toEqual([]);
      expect(await store.staffInvites.redeem('CANCEL01', 'cx-2', later(11))).toEqual({ kind: 'expired' });
      expect(await store.staffInvites.redeem('CANCEL02', 'cx-3', later(11))).toEqual({ kind: 'expired' });
      expect(await store.staffInvites.redeem('CANCEL05', 'cx-4', later(11))).toEqual({ kind: 'joined', centerCode: '320100' });
    });

    it('makes a supervisor’s immediate change live in one step: approved by them, superseding the approved one waiting, an endpoint’s address and secrets written together', async () => {
      await store.centers.upsertCatalog([center('440300')]);
      const api = (url: string): ChangeTarget => ({ kind: 'endpoint', endpoint: { kind: 'api', url } });
      // a center without an endpoint gets mode, address and the supervisor's secret in the one write
      const first = change(api('https://c.example.cn/x'), { centerCode: '440300', proposedBy: 'sup-1', immediate: true });
      expect(await store.linkChanges.createApplied(first, ['set-1'])).toEqual({
        change: { ...first, status: 'live', reviewedBy: 'sup-1', reviewedAt: first.proposedAt, appliedAt: first.proposedAt, previous: null },
        superseded: [],
      });
      expect(await store.endpoints.get('440300')).toEqual({ centerCode: '440300', mode: 'api', url: 'https://c.example.cn/x', secretsSealed: ['set-1'], updatedAt: first.proposedAt });
      expect(await store.endpoints.secretHolders('440300')).toEqual([{ secretSealed: 'set-1', shownTo: 'sup-1', retiresAt: null }]);
      expect(await store.linkChanges.get(first.id)).toMatchObject({ status: 'live', immediate: true, reviewedBy: 'sup-1' });
      // an approved change of the same target still waiting for its date is superseded; without secrets the center's stay
      const waiting = change(api('https://b.example.cn/x'), { centerCode: '440300' });
      await store.linkChanges.create(waiting);
      await store.linkChanges.review(waiting.id, approve);
      const manual = change({ kind: 'endpoint', endpoint: { kind: 'manual' } }, { centerCode: '440300', proposedBy: 'sup-2', immediate: true });
      expect(await store.linkChanges.createApplied(manual)).toMatchObject({
        change: { id: manual.id, status: 'live', reviewedBy: 'sup-2', previous: { kind: 'api', url: 'https://c.example.cn/x' } },
        superseded: [waiting.id],
      });
      expect((await store.linkChanges.get(waiting.id))?.status).toBe('superseded');
      expect(await store.linkChanges.apply(waiting.id, later(99_000))).toBeUndefined();
      expect(await store.endpoints.get('440300')).toEqual({ centerCode: '440300', mode: 'manual', url: null, secretsSealed: ['set-1'], updatedAt: manual.proposedAt });
      expect(await store.endpoints.secretHolders('440300')).toEqual([{ secretSealed: 'set-1', shownTo: 'sup-1', retiresAt: null }]);
      // two at once for one target: both go live, one after the other, the second replacing the first
      const racing = [change(api('https://r1.example.cn/x'), { centerCode: '440300', proposedBy: 'sup-1', immediate: true }), change(api('https://r2.example.cn/x'), { centerCode: '440300', proposedBy: 'sup-2', immediate: true })];
      const outcomes = await Promise.all(racing.map((c) => store.linkChanges.createApplied(c)));
      const earlier = outcomes.find((o) => o.change.previous?.kind === 'manual')?.change;
      const replacing = outcomes.find((o) => o.change.previous?.kind === 'api')?.change;
      expect(earlier?.target.kind === 'endpoint' && replacing?.previous).toEqual(earlier?.target.kind === 'endpoint' && earlier.target.endpoint);
      expect(replacing?.target).toEqual(api((await store.endpoints.get('440300'))?.url ?? ''));
      expect((await store.linkChanges.listForCenter('440300')).map((c) => c.status).sort()).toEqual(['live', 'live', 'live', 'live', 'superseded']);
    });

    it('records the daily findings, and a link’s health only while it still has the address checked', async () => {
      const finding = (centerCode: string, channel: HealthChannel, url: string, healthy: boolean, consecutiveFailures: number): ChannelHealth => ({
        centerCode, channel, url, healthy, consecutiveFailures, checkedAt: T, status: healthy ? 200 : 500, title: healthy ? '首页' : null, error: healthy ? null : '答复状态 500',
      });
      await store.health.record([
        finding('110000', 'link:4', 'https://new.example.cn/4', false, 2),
        finding('110000', 'link:5', 'https://moved.example.cn/5', false, 2),
        finding('110000', 'endpoint', 'https://gjj.example.cn/hooks', true, 0),
      ]);
      expect(await store.links.listForCenter('110000')).toEqual(
        expect.arrayContaining([
          { item: 4, kind: 'web', url: 'https://new.example.cn/4', healthy: false },
          { item: 5, kind: 'web', url: 'https://first.example.cn/5', healthy: true },
        ]),
      );
      expect((await store.health.list()).filter((h) => !h.healthy)).toEqual([finding('110000', 'link:4', 'https://new.example.cn/4', false, 2), finding('110000', 'link:5', 'https://moved.example.cn/5', false, 2)]);
      await store.health.record([finding('110000', 'link:4', 'https://new.example.cn/4', true, 0)]);
      expect(await store.links.listForCenter('110000')).toContainEqual({ item: 4, kind: 'web', url: 'https://new.example.cn/4', healthy: true });
      expect((await store.health.listForCenter('110000')).map((h) => [h.channel, h.healthy])).toEqual([['endpoint', true], ['link:4', true], ['link:5', false]]);
      expect((await store.health.list()).map((h) => h.channel)).toEqual(['endpoint', 'link:4', 'link:5']);
      await store.health.record([]);
    });

    it('starts one interface-testing run at a time per center, one racing start of several, and no more than the daily cap', async () => {
      const run = (id: string, at: Date, centerCode = '320500') => ({ id, centerCode, url: 'https://gjj.example.cn/hooks', startedBy: 'staff-1', startedAt: at, report: null, secretsSealed: [], passes: 0, seed: '' });
      const limits = (now: Date) => ({ busySince: new Date(now.getTime() - 120_000), daySince: new Date('2026-11-19T16:00:00Z'), dailyCap: 3 });
      await store.centers.upsertCatalog([center('320500'), center('320600')]);
      const others = adapter.concurrent ? await Promise.all([adapter.reopen(), adapter.reopen()]) : [];
      try {
        const stores = [store, ...others];
        const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => stores[i % stores.length].conformanceRuns.startIfFree(run(`race-${i}`, T), limits(T))));
        expect(racing.filter((o) => o.kind === 'started')).toHaveLength(1);
        expect(racing.filter((o) => o.kind === 'running')).toHaveLength(5);
      } finally {
        await Promise.all(others.map((s) => s.close()));
      }
      const report = { passed: false, checks: [], startedAt: T.toISOString(), finishedAt: later(5000).toISOString() };
      const first = (await store.conformanceRuns.latest('320500'))?.id ?? '';
      // another center is not held up
      expect(await store.conformanceRuns.startIfFree(run('other-1', T, '320600'), limits(T))).toEqual({ kind: 'started' });
      await store.conformanceRuns.finish(first, report);
      expect(await store.conformanceRuns.startIfFree(run('second', later(6000)), limits(later(6000)))).toEqual({ kind: 'started' });
      // never finished: holds the center until its maximum duration has passed
      expect(await store.conformanceRuns.startIfFree(run('third', later(60_000)), limits(later(60_000)))).toMatchObject({ kind: 'running', run: { id: 'second' } });
      expect(await store.conformanceRuns.startIfFree(run('third', later(127_000)), limits(later(127_000)))).toEqual({ kind: 'started' });
      await store.conformanceRuns.finish('third', report);
      expect(await store.conformanceRuns.startIfFree(run('fourth', later(130_000)), limits(later(130_000)))).toEqual({ kind: 'daily-cap', count: 3 });
      // the next China day counts afresh
      const tomorrow = new Date('2026-11-20T16:00:00Z');
      expect(await store.conformanceRuns.startIfFree(run('fourth', tomorrow), { ...limits(tomorrow), daySince: tomorrow })).toEqual({ kind: 'started' });
    });

    it('keeps interface-testing runs and the callbacks of test applications in the order they came', async () => {
      const run = { id: 'run-1', centerCode: '321000', url: 'https://gjj.example.cn/hooks', startedBy: 'staff-1', startedAt: T, report: null, secretsSealed: ['sealed-1', 'sealed-2'], passes: 2, seed: 'seed-1' };
      await store.conformanceRuns.start(run);
      await store.conformanceRuns.start({ ...run, id: 'run-2', startedAt: later(1000) });
      expect(await store.conformanceRuns.latest('321000')).toEqual({ ...run, id: 'run-2', startedAt: later(1000) });
      const report = { passed: true, checks: [{ id: 'delivery.copy', name: '推送代收抄送', passed: true, detail: 'HTTP 200' }], startedAt: T.toISOString(), finishedAt: later(5000).toISOString() };
      await store.conformanceRuns.finish('run-2', report);
      expect(await store.conformanceRuns.latest('321000')).toMatchObject({ id: 'run-2', report });
      expect(await store.conformanceRuns.latest('110000')).toBeUndefined();
      const callback = (webhookId: string, status: string) => ({ webhookId, status, at: T.toISOString(), signatureValid: true, problems: status === 'bad' ? ['data.status：缺少 status'] : [] });
      await store.conformanceCallbacks.record('321000', 'conformanceapp1', callback('w1', '01'));
      await store.conformanceCallbacks.record('321000', 'conformanceapp1', callback('w1', '01'));
      await store.conformanceCallbacks.record('321000', 'conformanceapp2', callback('w2', 'bad'));
      await store.conformanceCallbacks.record('321000', 'conformanceapp1', callback('w3', '02'));
      expect(await store.conformanceCallbacks.listFor('321000', 'conformanceapp1')).toEqual([callback('w1', '01'), callback('w1', '01'), callback('w3', '02')]);
      expect(await store.conformanceCallbacks.listFor('321000', 'conformanceapp2')).toEqual([callback('w2', 'bad')]);
      expect(await store.conformanceCallbacks.listFor('110000', 'conformanceapp1')).toEqual([]);
    });

    it('lets one resumer at a time hold a background run, records each of its steps once, and lists the runs not finished', async () => {
      await store.centers.upsertCatalog([center('320700'), center('320800')]);
      const run = { id: 'bg-run-1', centerCode: '320700', url: 'https://gjj.example.cn/hooks', startedBy: 'staff-1', startedAt: T, report: null, secretsSealed: ['s1', 's2'], passes: 2, seed: 'seed' };
      await store.conformanceRuns.start(run);
      await store.conformanceRuns.start({ ...run, id: 'bg-run-2', centerCode: '320800', startedAt: later(1000) });
      await store.conformanceRuns.start({ ...run, id: 'bg-run-old', centerCode: '320800', startedAt: later(-3_600_000) });
      expect(await store.conformanceRuns.get('bg-run-1')).toEqual(run);
      expect(await store.conformanceRuns.get('bg-run-none')).toBeUndefined();
      expect((await store.conformanceRuns.unfinished(later(-60_000))).filter((r) => r.id.startsWith('bg-')).map((r) => r.id)).toEqual(['bg-run-1', 'bg-run-2']);

      // racing resumers (on several connections where the adapter has them): one holds the run
      const others = adapter.concurrent ? await Promise.all([adapter.reopen(), adapter.reopen()]) : [];
      try {
        const stores = [store, ...others];
        const leased = await Promise.all(Array.from({ length: 6 }, (_, i) => stores[i % stores.length].conformanceRuns.lease('bg-run-1', `holder-${i}`, T, later(45_000))));
        expect(leased.filter(Boolean)).toHaveLength(1);
        const holder = `holder-${leased.indexOf(true)}`;
        // its holder renews it; another takes it only once it has run out
        expect(await store.conformanceRuns.lease('bg-run-1', holder, later(30_000), later(75_000))).toBe(true);
        expect(await store.conformanceRuns.lease('bg-run-1', 'late', later(60_000), later(105_000))).toBe(false);
        expect(await store.conformanceRuns.lease('bg-run-1', 'late', later(75_000), later(120_000))).toBe(true);
        expect(await store.conformanceRuns.lease('bg-run-1', holder, later(80_000), later(125_000))).toBe(false);
        expect(await store.conformanceRuns.lease('bg-run-none', 'late', T, later(45_000))).toBe(false);
        // a holder gives it up with a lease until now: another takes it at that very time
        expect(await store.conformanceRuns.lease('bg-run-1', 'late', later(90_000), later(90_000))).toBe(true);
        expect(await store.conformanceRuns.lease('bg-run-1', 'next', later(90_000), later(135_000))).toBe(true);

        const step = (index: number, passed: boolean) => ({
          index,
          checks: [{ id: `check-${index}`, name: '推送新申请', passed, detail: passed ? 'HTTP 200' : 'HTTP 500' }],
          posts: [{ accepted: passed, answer: passed ? 'HTTP 200' : 'HTTP 500' }],
          doneAt: later(index * 1000),
        });
        const racing = await Promise.all(stores.map((s) => s.conformanceRuns.recordStep('bg-run-1', step(0, true))));
        expect(racing.filter(Boolean)).toHaveLength(1);
        expect(await store.conformanceRuns.recordStep('bg-run-1', step(1, false))).toBe(true);
        expect(await store.conformanceRuns.recordStep('bg-run-1', step(1, true))).toBe(false);
        expect(await store.conformanceRuns.recordStep('bg-run-1', { ...step(2, true), checks: [], posts: [] })).toBe(true);
        expect(await store.conformanceRuns.steps('bg-run-1')).toEqual([step(0, true), step(1, false), { ...step(2, true), checks: [], posts: [] }]);
        expect(await store.conformanceRuns.steps('bg-run-2')).toEqual([]);
      } finally {
        await Promise.all(others.map((s) => s.close()));
      }
      await store.conformanceRuns.finish('bg-run-1', { passed: false, checks: [], startedAt: T.toISOString(), finishedAt: later(5000).toISOString() });
      expect((await store.conformanceRuns.unfinished(later(-60_000))).filter((r) => r.id.startsWith('bg-')).map((r) => r.id)).toEqual(['bg-run-2']);
      // a finished run keeps its count of passes and no secret
      expect(await store.conformanceRuns.get('bg-run-1')).toMatchObject({ secretsSealed: [], passes: 2, report: { passed: false } });
      // the runs started before a time lose theirs; a later one keeps them
      await store.conformanceRuns.forgetSecrets(later(-60_000));
      expect(await store.conformanceRuns.get('bg-run-old')).toMatchObject({ secretsSealed: [], passes: 2, report: null });
      expect(await store.conformanceRuns.get('bg-run-2')).toMatchObject({ secretsSealed: ['s1', 's2'], passes: 2 });
    });
  });

  describe('the official calendar (issue 12)', () => {
    const notice = { title: '关于2031年部分节假日安排的通知（测试虚构）', number: '国办发明电〔2030〕99号', date: '2030-11-10' };
    const year2031 = (by: string, holidays = [{ name: '春节', from: '2031-01-22', to: '2031-01-28' }]) => ({
      year: 2031, notice, holidays, workdays: ['2031-01-19', '2031-02-08'], loadedBy: by, loadedAt: new Date('2030-11-12T02:00:00Z'),
    });

    it('loads a year once, even when loads race, and lists loaded years in order', async () => {
      expect(await store.calendarYears.get(2031)).toBeUndefined();
      const outcomes = await Promise.all(['sup-1', 'sup-2', 'sup-3'].map((by) => store.calendarYears.create(year2031(by))));
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const stored = await store.calendarYears.get(2031);
      expect(stored).toEqual(year2031(stored?.loadedBy ?? ''));
      await store.calendarYears.create({ ...year2031('sup-1'), year: 2030 });
      expect((await store.calendarYears.list()).map((y) => y.year)).toEqual([2030, 2031]);
    });

    it('replaces a loaded year answering the one it replaced, and replaces nothing for a year not loaded', async () => {
      const before = await store.calendarYears.get(2031);
      const longer = year2031('sup-9', [{ name: '春节', from: '2031-01-22', to: '2031-01-29' }]);
      expect(await store.calendarYears.replace(longer)).toEqual(before);
      expect(await store.calendarYears.get(2031)).toEqual(longer);
      expect(await store.calendarYears.replace({ ...longer, year: 2040 })).toBeUndefined();
      expect(await store.calendarYears.get(2040)).toBeUndefined();
    });
  });

  describe('monthly statistics (issue 14, annex 2)', () => {
    // the period 2027-03: from 2027-02-15 00:00 to 2027-03-15 00:00, China time
    const window = { from: new Date('2027-02-14T16:00:00Z'), to: new Date('2027-03-14T16:00:00Z'), fromDate: '2027-02-15', toDate: '2027-03-15' };
    const inside = new Date('2027-03-01T02:00:00Z');
    let n = 0;
    const app = (type: ApplicationRecord['type'], centers: ApplicationRecord['centers'], overrides: Partial<ApplicationRecord> = {}): ApplicationRecord => {
      n += 1;
      return {
        id: `mon${String(n).padStart(6, '0')}`, type, openid: `mo-${n}`, requestId: `mreq-${n}-xxxx`, status: 'submitted', platformCode: null,
        responsibleCenter: centers[0].code, centers, inFlightKey: null, letterNumber: null,
        applicant: { docType: '01', nameSealed: 'sealed-name', docNumberSealed: 'sealed-doc' }, payloadSealed: 'sealed-payload',
        acceptBy: '2027-03-04', acceptByProvisional: false, targetBy: null, targetProvisional: false, payment: null, test: false,
        createdAt: inside, updatedAt: inside, ...overrides,
      };
    };
    const joint = (overrides: Partial<ApplicationRecord> = {}) =>
      app('purchase-withdrawal', [{ code: '321000', role: 'purchase' }, { code: '320100', role: 'deposit' }], overrides);

    it('counts jumps that opened a channel per center and item 4-6, from the period’s first instant up to (not including) its end', async () => {
      const jump = (centerCode: string, item: ItemId, at: Date, outcome: 'web' | 'miniprogram' | 'in-app' | 'unavailable' = 'web') => store.jumps.record({ centerCode, item, outcome, at });
      await jump('321000', 4, window.from);
      await jump('321000', 4, inside, 'miniprogram');
      await jump('321000', 5, new Date(window.to.getTime() - 1000));
      await jump('321000', 4, window.to);
      await jump('321000', 4, new Date(window.from.getTime() - 1000));
      await jump('321000', 6, inside, 'unavailable');
      await jump('321000', 6, inside, 'in-app');
      await jump('321000', 3, inside);
      await jump('320100', 6, inside);
      const counts = await store.monthly.counts(window);
      expect(counts.find((c) => c.centerCode === '321000')?.jumps).toEqual({ '4': 2, '5': 1, '6': 0 });
      expect(counts.find((c) => c.centerCode === '320100')?.jumps).toEqual({ '4': 0, '5': 0, '6': 1 });
    });

    it('counts a joint case and a certificate for both centers, service requests by item, and payments in whole fen for the deposit center only', async () => {
      const apps = [
        joint({ payment: { amount: 1234.29, paidOn: '2027-03-14' } }),
        joint({ payment: { amount: 0.01, paidOn: '2027-02-15' } }),
        // submitted before the period, paid in it: its amount counts, the case does not
        joint({ createdAt: new Date('2027-02-10T02:00:00Z'), payment: { amount: 10000, paidOn: '2027-02-20' } }),
        // paid on the period's end date: the next period's
        joint({ payment: { amount: 99, paidOn: '2027-03-15' } }),
        app('certificate-loan-cleared', [{ code: '110000', role: 'business' }, { code: '321000', role: 'accepting' }]),
        app('certificate-deposit-use', [{ code: '110000', role: 'business' }, { code: '321000', role: 'accepting' }]),
        app('service-request', [{ code: '320100', role: 'business' }], { serviceItem: 5 }),
        app('service-request', [{ code: '320100', role: 'business' }], { serviceItem: 5 }),
        app('service-request', [{ code: '320100', role: 'business' }], { serviceItem: 6, createdAt: window.to }),
        app('transfer', [{ code: '321000', role: 'transfer-in' }, { code: '110000', role: 'transfer-out' }]),
      ];
      for (const a of apps) {
        expect((await createBound(store, { ...a, payment: null }, [], [], null)).kind).toBe('created');
        // a payment comes with the deposit center's completing move
        if (a.payment) {
          const next = { status: 'completed' as const, platformCode: null };
          const event = { applicationId: a.id, at: inside, actor: 'center' as const, actorId: '320100', from: a.status, to: next.status, platformCode: null, centerCode: '320100', message: '已支付' };
          expect(await store.applications.transition({ id: a.id, expected: { status: a.status, platformCode: null }, next, event, payment: a.payment })).toBe('applied');
        }
      }
      expect((await store.applications.get(apps[6].id))?.serviceItem).toBe(5);
      expect((await store.applications.get(apps[0].id))?.serviceItem).toBeUndefined();
      const counts = await store.monthly.counts(window);
      const of = (code: string) => counts.find((c) => c.centerCode === code);
      expect(of('321000')).toMatchObject({ joint: 3, paidFen: 0, certificates: 1, inApp: { '4': 0, '5': 0, '6': 0 } });
      expect(of('320100')).toMatchObject({ joint: 3, paidFen: 123_429 + 1 + 1_000_000, certificates: 0, inApp: { '4': 0, '5': 2, '6': 0 } });
      expect(of('110000')).toMatchObject({ joint: 0, paidFen: 0, certificates: 1 });
      const only = await store.monthly.counts({ ...window, centerCodes: ['320100'] });
      expect(only.map((c) => c.centerCode)).toEqual(['320100']);
      expect(only[0]).toEqual(of('320100'));
    });

    it('counts only the applications the centers handled: a withdrawn, a failed and a refused (不予受理) case count for neither center', async () => {
      // the period 2027-05, apart from the cases above
      const may = { from: new Date('2027-04-14T16:00:00Z'), to: new Date('2027-05-14T16:00:00Z'), fromDate: '2027-04-15', toDate: '2027-05-15' };
      const when = new Date('2027-05-01T02:00:00Z');
      for (const status of ['processing', 'withdrawn', 'failed', 'rejected'] as const) {
        const certificate = app('certificate-loan-cleared', [{ code: '110000', role: 'business' }, { code: '321000', role: 'accepting' }], { status, createdAt: when });
        for (const a of [joint({ status, createdAt: when }), certificate]) expect((await createBound(store, a, [], [], null)).kind).toBe('created');
      }
      const counts = await store.monthly.counts(may);
      expect(counts.map((c) => [c.centerCode, c.joint, c.certificates])).toEqual([['110000', 0, 1], ['320100', 1, 0], ['321000', 1, 1]]);
    });

    it('never counts a test case (issue 15): beside a real joint case and certificate, only the real ones count, and only the real payment', async () => {
      // the period 2027-07, apart from the cases above
      const july = { from: new Date('2027-06-14T16:00:00Z'), to: new Date('2027-07-14T16:00:00Z'), fromDate: '2027-06-15', toDate: '2027-07-15' };
      const when = new Date('2027-07-01T02:00:00Z');
      const certificate = (test: boolean) => app('certificate-loan-cleared', [{ code: '110000', role: 'business' }, { code: '321000', role: 'accepting' }], { status: 'processing', createdAt: when, test });
      for (const a of [joint({ createdAt: when }), joint({ createdAt: when, test: true }), certificate(false), certificate(true)]) {
        expect((await createBound(store, a, [], [], null)).kind).toBe('created');
        const payment = { amount: a.test ? 5000 : 100, paidOn: '2027-07-01' };
        if (a.type === 'purchase-withdrawal') {
          const event = { applicationId: a.id, at: when, actor: 'center' as const, actorId: '320100', from: a.status, to: 'completed' as const, platformCode: null, centerCode: '320100', message: '已支付' };
          expect(await store.applications.transition({ id: a.id, expected: { status: a.status, platformCode: null }, next: { status: 'completed', platformCode: null }, event, payment })).toBe('applied');
        }
      }
      const counts = await store.monthly.counts(july);
      expect(counts.map((c) => [c.centerCode, c.joint, c.certificates, c.paidFen])).toEqual([['110000', 0, 1, 0], ['320100', 1, 0, 10_000], ['321000', 1, 1, 0]]);
    });

    it('keeps one record of a center’s figures per period, answering the one it replaced', async () => {
      await store.centers.upsertCatalog([center('321000'), center('110000')]);
      const figures = { volumes: { '4': 3, '5': 0, '6': 1 }, outside: { jointCount: 2, jointAmountWan: 12.5, certificates: 0 }, windows: 2, zones: 1, training: 30 };
      const record = { centerCode: '321000', period: '2027-03', figures, enteredBy: 'staff-1', enteredAt: inside };
      expect(await store.monthly.putFigures(record)).toBeUndefined();
      const changed = { ...record, figures: { ...figures, windows: 3 }, enteredBy: 'staff-2' };
      expect(await store.monthly.putFigures(changed)).toEqual(record);
      await store.monthly.putFigures({ ...record, centerCode: '110000' });
      await store.monthly.putFigures({ ...record, period: '2027-04' });
      expect(await store.monthly.figures('2027-03')).toEqual([{ ...record, centerCode: '110000' }, changed]);
      expect(await store.monthly.figures('2027-03', ['321000'])).toEqual([changed]);
    });

    it('stores each version of a province’s submission once, even when submissions race, and lists them by province then version', async () => {
      const totals = { items: { '4': { online: 0, volume: 0 }, '5': { online: 0, volume: 0 }, '6': { online: 0, volume: 0 }, '7': { count: 0, amountWan: 0 }, '8': { count: 0 } }, windows: 0, zones: 0, training: 0 };
      const submission = (province: string, version: number, by: string) => ({
        province, period: '2027-03', version, submittedBy: by, submittedAt: inside, sha256: 'a'.repeat(64), fileName: '月度统计.xlsx', reason: version > 1 ? '更正窗口数' : null, rows: [], totals,
      });
      const outcomes = await Promise.all(['sup-a', 'sup-b', 'sup-c'].map((by) => store.monthly.submit(submission('320000', 1, by))));
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect(await store.monthly.submit(submission('320000', 2, 'sup-a'))).toBe(true);
      expect(await store.monthly.submit(submission('110000', 1, 'sup-b'))).toBe(true);
      const listed = await store.monthly.submissions('2027-03');
      expect(listed.map((s) => [s.province, s.version])).toEqual([['110000', 1], ['320000', 1], ['320000', 2]]);
      expect(listed[2]).toEqual(submission('320000', 2, 'sup-a'));
      expect(await store.monthly.submissions('2027-04')).toEqual([]);
    });

    it('records a reminder of a center for a period once', async () => {
      const reminded = await Promise.all([1, 2, 3].map(() => store.monthly.remind('321000', '2027-03', inside)));
      expect(reminded.filter(Boolean)).toHaveLength(1);
      expect(await store.monthly.remind('321000', '2027-04', inside)).toBe(true);
    });
  });

  describe('supervision (issue 14): scoped roles, health and testing as of a date, reasons, liaisons, 三个一百', () => {
    const T = new Date('2026-11-20T02:00:00Z');
    const later = (ms: number) => new Date(T.getTime() + ms);
    const HOUR = 3_600_000;

    it('grants, lists and revokes a provincial supervisor’s role with its province, one province apart from another', async () => {
      expect(await store.roles.grant('pv-1', { role: 'provincial-supervisor', province: '320000' }, { at: T, by: 'sup-1' })).toEqual({ kind: 'granted' });
      expect(await store.roles.grant('pv-1', { role: 'provincial-supervisor', province: '330000' }, { at: later(1), by: 'sup-1' })).toEqual({ kind: 'granted' });
      expect(await store.roles.grant('pv-1', { role: 'provincial-supervisor', province: '320000' }, { at: later(2), by: 'sup-2' })).toEqual({ kind: 'held' });
      expect(await store.roles.rolesOf('pv-1')).toEqual([
        { role: 'provincial-supervisor', province: '320000' },
        { role: 'provincial-supervisor', province: '330000' },
      ]);
      expect(await store.roles.revoke('pv-1', { role: 'provincial-supervisor', province: '330000' }, later(3), 'sup-2')).toBe(true);
      expect(await store.roles.revoke('pv-1', { role: 'provincial-supervisor', province: '330000' }, later(4), 'sup-2')).toBe(false);
      expect(await store.roles.rolesOf('pv-1')).toEqual([{ role: 'provincial-supervisor', province: '320000' }]);
      expect(await store.roles.recordsOf('pv-1')).toEqual([
        { openid: 'pv-1', grant: { role: 'provincial-supervisor', province: '320000' }, displayName: null, grantedAt: T, grantedBy: 'sup-1', revokedAt: null, revokedBy: null },
        { openid: 'pv-1', grant: { role: 'provincial-supervisor', province: '330000' }, displayName: null, grantedAt: later(1), grantedBy: 'sup-1', revokedAt: later(3), revokedBy: 'sup-2' },
      ]);
    });

    it('keeps each change of a link’s health, so its health at an earlier instant is known', async () => {
      const finding = (healthy: boolean, at: Date, channel: HealthChannel = 'link:4'): ChannelHealth => ({
        centerCode: '650100', channel, url: 'https://hall.example.cn/4', healthy, consecutiveFailures: healthy ? 0 : 2, checkedAt: at, status: healthy ? 200 : 500, title: null, error: null,
      });
      await store.health.record([finding(true, T), finding(true, T, 'endpoint')]);
      await store.health.record([finding(false, later(24 * HOUR))]);
      await store.health.record([finding(false, later(48 * HOUR))]);
      await store.health.record([finding(true, later(72 * HOUR))]);
      const at = async (when: Date) => (await store.supervision.linkHealthAt(when)).filter((h) => h.centerCode === '650100');
      expect(await at(T)).toEqual([]);
      expect(await at(later(HOUR))).toEqual([{ centerCode: '650100', item: 4, healthy: true, checkedAt: T }]);
      // the second unhealthy finding changed nothing: health at 50 h is the change found at 24 h
      expect(await at(later(50 * HOUR))).toEqual([{ centerCode: '650100', item: 4, healthy: false, checkedAt: later(24 * HOUR) }]);
      expect(await at(later(73 * HOUR))).toEqual([{ centerCode: '650100', item: 4, healthy: true, checkedAt: later(72 * HOUR) }]);
    });

    it('tells which centers had started interface testing before an instant, and which had passed by then', async () => {
      await store.centers.upsertCatalog([center('650200'), center('650300')]);
      const report = (passed: boolean, finishedAt: Date) => ({ passed, checks: [], startedAt: T.toISOString(), finishedAt: finishedAt.toISOString() });
      await store.conformanceRuns.start({ id: 'sv-run-1', centerCode: '650200', url: 'https://gjj.example.cn/hooks', startedBy: 'staff-1', startedAt: T, report: null, secretsSealed: [], passes: 0, seed: '' });
      await store.conformanceRuns.finish('sv-run-1', report(false, later(60_000)));
      await store.conformanceRuns.start({ id: 'sv-run-2', centerCode: '650200', url: 'https://gjj.example.cn/hooks', startedBy: 'staff-1', startedAt: later(HOUR), report: null, secretsSealed: [], passes: 0, seed: '' });
      await store.conformanceRuns.finish('sv-run-2', report(true, later(2 * HOUR)));
      await store.conformanceRuns.start({ id: 'sv-run-3', centerCode: '650300', url: 'https://gjj.example.cn/hooks', startedBy: 'staff-1', startedAt: later(3 * HOUR), report: null, secretsSealed: [], passes: 0, seed: '' });
      const at = async (when: Date) => (await store.supervision.interfaceTestsAt(when)).filter((t) => t.centerCode.startsWith('650'));
      expect(await at(T)).toEqual([]);
      expect(await at(later(90 * 60_000))).toEqual([{ centerCode: '650200', lastRunAt: later(HOUR), passed: false }]);
      expect(await at(later(4 * HOUR))).toEqual([
        { centerCode: '650200', lastRunAt: later(HOUR), passed: true },
        { centerCode: '650300', lastRunAt: later(3 * HOUR), passed: false },
      ]);
    });

    it('stores a center’s reason for an item not fully online, replacing the one before', async () => {
      const reason = { centerCode: '650200', item: 4 as const, reason: '系统升级中', expectedDate: '2027-03-31', givenBy: 'staff-1', givenAt: T };
      expect(await store.supervision.putOnlineReason(reason)).toBeUndefined();
      expect(await store.supervision.putOnlineReason({ ...reason, reason: '等待市场监管数据对接', givenAt: later(1) })).toEqual(reason);
      await store.supervision.putOnlineReason({ ...reason, item: 6, givenAt: later(2) });
      expect((await store.supervision.onlineReasons()).filter((r) => r.centerCode === '650200')).toEqual([
        { ...reason, reason: '等待市场监管数据对接', givenAt: later(1) },
        { ...reason, item: 6, givenAt: later(2) },
      ]);
    });

    it('stores a province’s liaison, replacing the one before', async () => {
      const liaison = { province: '650000', contactSealed: 'sealed-1', position: '住房公积金监管处处长', landline: '0991-2345678', updatedBy: 'pv-1', updatedAt: T };
      expect(await store.supervision.putLiaison(liaison)).toBeUndefined();
      expect(await store.supervision.putLiaison({ ...liaison, contactSealed: 'sealed-2', updatedAt: later(1) })).toEqual(liaison);
      await store.supervision.putLiaison({ ...liaison, province: '640000' });
      expect((await store.supervision.liaisons()).filter((l) => l.province.startsWith('6'))).toEqual([{ ...liaison, province: '640000' }, { ...liaison, contactSealed: 'sealed-2', updatedAt: later(1) }]);
    });

    it('adds, lists by province newest first, and removes 三个一百 recommendations', async () => {
      const rec = (id: string, province: string, at: Date) => ({
        id, province, kind: 'window' as const, centerCode: '650200', title: '示范窗口', summary: '一窗通办，当场办结。', addedBy: 'pv-1', addedAt: at,
      });
      await store.supervision.addRecommendation(rec('rec-a', '650000', T));
      await store.supervision.addRecommendation(rec('rec-b', '650000', later(1)));
      await store.supervision.addRecommendation(rec('rec-c', '640000', T));
      expect((await store.supervision.recommendations(['650000'])).map((r) => r.id)).toEqual(['rec-b', 'rec-a']);
      expect((await store.supervision.recommendations()).filter((r) => r.province.startsWith('6')).map((r) => r.id)).toEqual(['rec-c', 'rec-b', 'rec-a']);
      expect(await store.supervision.getRecommendation('rec-a')).toEqual(rec('rec-a', '650000', T));
      expect(await store.supervision.removeRecommendation('rec-a')).toEqual(rec('rec-a', '650000', T));
      expect(await store.supervision.removeRecommendation('rec-a')).toBeUndefined();
      expect(await store.supervision.getRecommendation('rec-a')).toBeUndefined();
      expect((await store.supervision.recommendations(['650000', '640000'])).map((r) => r.id)).toEqual(['rec-c', 'rec-b']);
    });
  });

  describe('the supervisors’ overview (issue 14, dashboards): counted in the database', () => {
    let n = 0;
    const app = (type: ApplicationRecord['type'], centerCode: string, overrides: Partial<ApplicationRecord> = {}): ApplicationRecord => {
      n += 1;
      const createdAt = new Date('2030-01-02T02:00:00Z');
      return {
        id: `dash${String(n).padStart(6, '0')}`, type, openid: `da-${n}`, requestId: `dreq-${n}-xxxx`, status: 'submitted', platformCode: null,
        responsibleCenter: centerCode, centers: [{ code: centerCode, role: type === 'transfer' ? 'transfer-in' : 'accepting' }, { code: '110000', role: type === 'transfer' ? 'transfer-out' : 'business' }],
        inFlightKey: null, letterNumber: null, applicant: { docType: '01', nameSealed: 'sealed-name', docNumberSealed: 'sealed-doc' }, payloadSealed: 'sealed-payload',
        acceptBy: '2030-01-07', acceptByProvisional: false, targetBy: null, targetProvisional: false, payment: null, test: false, createdAt, updatedAt: createdAt, ...overrides,
      };
    };
    const moved = async (a: ApplicationRecord, to: 'accepted' | 'completed' | 'rejected', at: Date) => {
      expect((await createBound(store, a, [], [], null)).kind).toBe('created');
      const event = { applicationId: a.id, at, actor: 'center' as const, actorId: a.responsibleCenter, from: a.status, to, platformCode: null, centerCode: a.responsibleCenter, message: '办理' };
      expect(await store.applications.transition({ id: a.id, expected: { status: a.status, platformCode: null }, next: { status: to, platformCode: null }, event })).toBe('applied');
    };
    const mine = <T extends { centerCode: string }>(rows: T[]) => rows.filter((r) => r.centerCode.startsWith('46'));

    it('groups completed transfers completed in the window by center and the China dates submitted and completed', async () => {
      // submitted 2030-01-02 10:00 China; completed at 18:00 on the 8th and twice after midnight on the 9th, China time (still the 8th in UTC)
      await moved(app('transfer', '460100'), 'completed', new Date('2030-01-08T10:00:00Z'));
      await moved(app('transfer', '460100'), 'completed', new Date('2030-01-08T17:00:00Z'));
      await moved(app('transfer', '460100'), 'completed', new Date('2030-01-08T17:30:00Z'));
      // submitted at 00:30 on the 2nd China time, the 1st in UTC
      await moved(app('transfer', '460200', { createdAt: new Date('2030-01-01T16:30:00Z') }), 'completed', new Date('2030-01-05T01:00:00Z'));
      // completed before the window, refused, still in hand, or not a transfer: none counts
      await moved(app('transfer', '460200'), 'completed', new Date('2030-01-03T15:59:00Z'));
      await moved(app('transfer', '460200'), 'rejected', new Date('2030-01-06T02:00:00Z'));
      await moved(app('transfer', '460200'), 'accepted', new Date('2030-01-06T02:00:00Z'));
      await moved(app('certificate-loan-cleared', '460200'), 'completed', new Date('2030-01-06T02:00:00Z'));
      const groups = mine(await store.dashboard.transferTimes(new Date('2030-01-03T16:00:00Z'), new Date('2030-01-10T16:00:00Z')));
      expect(groups).toEqual([
        { centerCode: '460100', submittedOn: '2030-01-02', completedOn: '2030-01-08', count: 1 },
        { centerCode: '460100', submittedOn: '2030-01-02', completedOn: '2030-01-09', count: 2 },
        { centerCode: '460200', submittedOn: '2030-01-02', completedOn: '2030-01-05', count: 1 },
      ]);
    });

    it('counts per responsible center the applications awaiting acceptance whose limit is before today', async () => {
      const create = async (a: ApplicationRecord) => expect((await createBound(store, a, [], [], null)).kind).toBe('created');
      await create(app('certificate-loan-cleared', '460300', { acceptBy: '2030-02-08' }));
      await create(app('certificate-loan-cleared', '460300', { acceptBy: '2030-02-09', status: 'delivered' }));
      // on its last day, not yet overdue
      await create(app('certificate-loan-cleared', '460300', { acceptBy: '2030-02-10' }));
      await create(app('transfer', '460400', { acceptBy: '2030-02-01' }));
      // accepted, even late: not awaiting any more
      await moved(app('certificate-loan-cleared', '460400', { acceptBy: '2030-02-01' }), 'accepted', new Date('2030-02-05T02:00:00Z'));
      const overdue = (await store.dashboard.overdueAcceptance('2030-02-10')).filter((c) => c.centerCode === '460300' || c.centerCode === '460400');
      expect(overdue).toEqual([{ centerCode: '460300', count: 2 }, { centerCode: '460400', count: 1 }]);
    });

    it('never counts a test case (issue 15): a completed test transfer and an overdue test case beside real ones, only the real ones count', async () => {
      await moved(app('transfer', '460800'), 'completed', new Date('2030-01-08T10:00:00Z'));
      await moved(app('transfer', '460800', { test: true }), 'completed', new Date('2030-01-08T10:00:00Z'));
      const groups = (await store.dashboard.transferTimes(new Date('2030-01-03T16:00:00Z'), new Date('2030-01-10T16:00:00Z'))).filter((g) => g.centerCode === '460800');
      expect(groups).toEqual([{ centerCode: '460800', submittedOn: '2030-01-02', completedOn: '2030-01-08', count: 1 }]);
      for (const test of [false, true]) expect((await createBound(store, app('transfer', '460900', { acceptBy: '2030-02-01', test }), [], [], null)).kind).toBe('created');
      expect((await store.dashboard.overdueAcceptance('2030-02-10')).filter((c) => c.centerCode === '460900')).toEqual([{ centerCode: '460900', count: 1 }]);
    });

    it('counts the open 差评 follow-ups (called back or not) and those awaiting their call-back per center; fixed ones and ratings without one are not counted', async () => {
      const rate = async (centerCode: string, followUp: 'open' | 'closed' | 'fixed' | null) => {
        const a = app('certificate-deposit-use', centerCode, { status: 'completed' });
        expect((await createBound(store, a, [], [], null)).kind).toBe('created');
        const score = followUp === null ? 5 : 1;
        expect(await store.ratings.create({ applicationId: a.id, openid: a.openid, centerCode, score, comment: null, at: a.createdAt, followUp: followUp === null ? null : 'open', followUpNote: null, followUpBy: null, followUpAt: null, fixNote: null, fixedBy: null, fixedAt: null, fixScore: null, fixRatedAt: null })).toBe(true);
        if (followUp === 'closed' || followUp === 'fixed') expect(await store.ratings.closeFollowUp(a.id, '已回访', 'staff-1', a.createdAt)).toBe(true);
        if (followUp === 'fixed') expect(await store.ratings.fixFollowUp(a.id, '已整改', 'staff-1', a.createdAt)).toBe(true);
      };
      await rate('460500', 'open');
      await rate('460500', 'open');
      await rate('460500', 'fixed');
      await rate('460600', 'fixed');
      await rate('460600', null);
      await rate('460700', 'open');
      await rate('460700', 'closed');
      const mine = (counts: CenterCount[]) => counts.filter((c) => c.centerCode >= '460500' && c.centerCode < '460800');
      expect(mine(await store.dashboard.openFollowUps())).toEqual([
        { centerCode: '460500', count: 2 },
        { centerCode: '460700', count: 2 },
      ]);
      expect(mine(await store.dashboard.awaitingCallBack(new Date('2100-01-01T00:00:00Z')))).toEqual([
        { centerCode: '460500', count: 2 },
        { centerCode: '460700', count: 1 },
      ]);
      expect(mine(await store.dashboard.awaitingCallBack(new Date('2000-01-01T00:00:00Z')))).toEqual([]);
    });
  });

  describe('the internal trial’s check results (issue 15)', () => {
    const at = (iso: string) => new Date(iso);
    const result = (centerCode: string, check: TrialCheckRecord['check'], ok: boolean, checkedAt: string, more: Partial<TrialCheckRecord> = {}): TrialCheckRecord => ({
      centerCode,
      check,
      ok,
      note: null,
      expected: null,
      observed: null,
      checkedBy: 'tester-1',
      checkedAt: at(checkedAt),
      ...more,
    });
    const byKey = (records: TrialCheckRecord[]) => [...records].sort((a, b) => `${a.centerCode}:${a.check}`.localeCompare(`${b.centerCode}:${b.check}`));

    beforeAll(async () => {
      await store.centers.upsertCatalog([center('470100'), center('470200'), center('470300')]);
    });

    it('keeps every record and answers the latest per center and check of the centers asked for, all fields read back', async () => {
      const failed = result('470100', 'link:3', false, '2031-03-02T02:00:00Z', { note: '页面空白', expected: '退休提取办理页', observed: 'load-failed', checkedBy: 'tester-2' });
      await store.trialChecks.record(result('470100', 'name', false, '2031-03-01T02:00:00Z', { expected: '正确的名称' }));
      await store.trialChecks.record(result('470100', 'name', true, '2031-03-03T02:00:00Z'));
      await store.trialChecks.record(failed);
      await store.trialChecks.record(result('470200', 'phone', true, '2031-03-01T02:00:00Z'));
      await store.trialChecks.record(result('470300', 'poster', true, '2031-03-01T02:00:00Z'));
      expect(byKey(await store.trialChecks.latest(['470100', '470200']))).toEqual([failed, result('470100', 'name', true, '2031-03-03T02:00:00Z'), result('470200', 'phone', true, '2031-03-01T02:00:00Z')]);
      expect(await store.trialChecks.latest([])).toEqual([]);
    });

    it('answers the results as of an earlier instant from the history kept', async () => {
      expect(byKey(await store.trialChecks.latest(['470100'], at('2031-03-02T00:00:00Z')))).toEqual([result('470100', 'name', false, '2031-03-01T02:00:00Z', { expected: '正确的名称' })]);
      // the instant itself is not before it
      expect(byKey(await store.trialChecks.latest(['470100'], at('2031-03-03T02:00:00Z'))).map((r) => [r.check, r.ok])).toEqual([
        ['link:3', false],
        ['name', false],
      ]);
    });

    it('takes the one recorded last of two recorded at the same instant', async () => {
      await store.trialChecks.record(result('470200', 'link:1', false, '2031-03-04T02:00:00Z', { note: '打不开' }));
      await store.trialChecks.record(result('470200', 'link:1', true, '2031-03-04T02:00:00Z'));
      expect((await store.trialChecks.latest(['470200'])).find((r) => r.check === 'link:1')).toMatchObject({ ok: true, note: null });
    });
  });

  describe('the internal trial’s invites for testers and the poster codes’ scans (issue 15)', () => {
    const T = new Date('2031-04-01T02:00:00Z');
    const later = (ms: number) => new Date(T.getTime() + ms);
    const trialInvite = (id: string, code: string, more: Partial<TrialInvite> = {}): TrialInvite => ({
      id,
      code,
      province: '320000',
      uses: 2,
      used: 0,
      createdBy: 'sup-t',
      createdAt: T,
      expiresAt: later(86_400_000),
      revokedAt: null,
      ...more,
    });

    beforeAll(async () => {
      await store.centers.upsertCatalog([center('480100'), center('480200')]);
    });

    it('stores invites, lists them by province newest first, and refuses a second invite with the same code', async () => {
      await store.trialInvites.create(trialInvite('inv00000000000000000001', 'TRIALAA2'));
      await store.trialInvites.create(trialInvite('inv00000000000000000002', 'TRIALBB2', { province: '110000', createdAt: later(1) }));
      await expect(store.trialInvites.create(trialInvite('inv00000000000000000003', 'TRIALAA2'))).rejects.toThrow();
      expect(await store.trialInvites.get('inv00000000000000000001')).toEqual(trialInvite('inv00000000000000000001', 'TRIALAA2'));
      expect(await store.trialInvites.get('inv00000000000000000003')).toBeUndefined();
      expect((await store.trialInvites.list(['110000'])).map((i) => i.id)).toEqual(['inv00000000000000000002']);
      expect((await store.trialInvites.list()).map((i) => i.id).filter((id) => id < 'inv00000000000000000003')).toEqual(['inv00000000000000000002', 'inv00000000000000000001']);
    });

    it('redeems within the uses and the expiry, granting the tester role of the province once per person', async () => {
      expect(await store.trialInvites.redeem('TRIALAA2', 'tj-1', later(1))).toEqual({ kind: 'joined', province: '320000' });
      expect(await store.trialInvites.redeem('TRIALAA2', 'tj-1', later(2))).toEqual({ kind: 'already', province: '320000' });
      expect(await store.roles.rolesOf('tj-1')).toEqual([{ role: 'tester', province: '320000' }]);
      expect((await store.roles.recordsOf('tj-1'))[0]).toMatchObject({ grantedAt: later(1), grantedBy: 'invite:sup-t' });
      expect(await store.trialInvites.redeem('TRIALAA2', 'tj-2', later(3))).toEqual({ kind: 'joined', province: '320000' });
      expect(await store.trialInvites.redeem('TRIALAA2', 'tj-3', later(4))).toEqual({ kind: 'refused' });
      expect(await store.trialInvites.get('inv00000000000000000001')).toMatchObject({ used: 2 });
      expect(await store.trialInvites.redeem('NOSUCH22', 'tj-3', later(4))).toEqual({ kind: 'refused' });
      expect(await store.trialInvites.redeem('TRIALBB2', 'tj-3', later(86_400_001))).toEqual({ kind: 'refused' });
      expect(await store.roles.rolesOf('tj-3')).toEqual([]);
    });

    it('refuses a tester in force of one province an invite of another, using nothing of it', async () => {
      expect(await store.trialInvites.redeem('TRIALBB2', 'tj-1', later(5))).toEqual({ kind: 'elsewhere', province: '320000' });
      expect(await store.trialInvites.get('inv00000000000000000002')).toMatchObject({ used: 0 });
      expect(await store.roles.rolesOf('tj-1')).toEqual([{ role: 'tester', province: '320000' }]);
    });

    it('revokes an invite once, keeping the first time, and refuses it then; a revoked tester is not granted again by an invite', async () => {
      await store.trialInvites.create(trialInvite('inv00000000000000000004', 'TRIALCC2', { uses: 5 }));
      expect(await store.trialInvites.revoke('inv00000000000000000004', later(10))).toMatchObject({ revokedAt: later(10) });
      expect(await store.trialInvites.revoke('inv00000000000000000004', later(20))).toMatchObject({ revokedAt: later(10) });
      expect(await store.trialInvites.revoke('inv00000000000000000099', later(20))).toBeUndefined();
      expect(await store.trialInvites.redeem('TRIALCC2', 'tj-4', later(30))).toEqual({ kind: 'refused' });
      await store.trialInvites.create(trialInvite('inv00000000000000000005', 'TRIALDD2', { uses: 5 }));
      expect(await store.roles.revoke('tj-2', { role: 'tester', province: '320000' }, later(40), 'sup-t')).toBe(true);
      expect(await store.trialInvites.redeem('TRIALDD2', 'tj-2', later(50))).toEqual({ kind: 'revoked', province: '320000' });
      expect(await store.roles.rolesOf('tj-2')).toEqual([]);
      expect(await store.trialInvites.get('inv00000000000000000005')).toMatchObject({ used: 0 });
    });

    it('never lets more people join than an invite’s uses when they join at once', async () => {
      await store.trialInvites.create(trialInvite('inv00000000000000000006', 'TRIALEE2', { uses: 3 }));
      const people = ['tr-1', 'tr-2', 'tr-3', 'tr-4', 'tr-5', 'tr-6'];
      const outcomes = await Promise.all(people.map((openid) => store.trialInvites.redeem('TRIALEE2', openid, later(60))));
      expect(outcomes.filter((o) => o.kind === 'joined')).toHaveLength(3);
      expect(outcomes.filter((o) => o.kind === 'refused')).toHaveLength(3);
      expect(await store.trialInvites.get('inv00000000000000000006')).toMatchObject({ used: 3 });
      const testers = await Promise.all(people.map((openid) => store.roles.rolesOf(openid)));
      expect(testers.filter((roles) => roles.length > 0)).toHaveLength(3);
    });

    it('counts scans per center and China day, each signed-in person once a day', async () => {
      expect(await store.scans.record('480100', '2031-04-01', 'sc-1', T)).toBe(true);
      expect(await store.scans.record('480100', '2031-04-01', 'sc-1', later(1))).toBe(false);
      expect(await store.scans.record('480100', '2031-04-01', 'sc-3', later(2))).toBe(true);
      expect(await store.scans.record('480100', '2031-04-01', 'sc-4', later(3))).toBe(true);
      expect(await store.scans.record('480100', '2031-04-02', 'sc-1', later(86_400_000))).toBe(true);
      expect(await store.scans.record('480200', '2031-04-01', 'sc-1', later(4))).toBe(true);
      expect(await store.scans.countByCenter('2031-04-01', '2031-04-02')).toEqual(new Map([['480100', 3], ['480200', 1]]));
      expect(await store.scans.countByCenter('2031-04-01', '2031-04-03', ['480100'])).toEqual(new Map([['480100', 4]]));
      expect(await store.scans.countByCenter('2031-04-03', '2031-05-01')).toEqual(new Map());
    });

    it('counts one scan per signed-in person when the same scan arrives twice at once', async () => {
      const both = await Promise.all([store.scans.record('480200', '2031-04-05', 'sc-2', T), store.scans.record('480200', '2031-04-05', 'sc-2', T)]);
      expect(both.filter(Boolean)).toHaveLength(1);
      expect(await store.scans.countByCenter('2031-04-05', '2031-04-06')).toEqual(new Map([['480200', 1]]));
    });
  });

  describe('the internal trial’s findings and catalog fixes (issue 15)', () => {
    const T = new Date('2031-05-06T10:00:00+08:00');
    const later = (ms: number) => new Date(T.getTime() + ms);
    const opened = (id: string, overrides: Partial<FindingRecord> = {}): FindingRecord => ({
      id,
      province: '530000',
      centerCode: '530100',
      check: 'link:1',
      owner: 'center',
      status: 'open',
      expected: '事项 1 的办理页面',
      seen: '页面打不开',
      observed: 'load-failed',
      screenshot: { fileId: 'findings/530100/a.png', name: '截图.png' },
      openedBy: 'tst-1',
      openedAt: T,
      updatedAt: T,
      history: [{ kind: 'opened', by: 'tst-1', byRole: 'tester', at: T, note: '页面打不开' }],
      ...overrides,
    });
    const event = (kind: FindingEventRecord['kind'], at: Date, by = 'stf-1', byRole: FindingEventRecord['byRole'] = 'center-staff'): FindingEventRecord => ({ kind, by, byRole, at, note: `${kind} 说明` });

    beforeAll(async () => {
      await store.centers.upsertCatalog([center('530100', { name: '昆明住房公积金管理中心', phone: '0871-12329' }), center('530300'), center('540100')]);
    });

    it('opens a finding, and adds a second observation of the same check to it instead of opening another', async () => {
      expect(await store.findings.open(opened('fnd00000000000000000001'))).toEqual({ finding: opened('fnd00000000000000000001'), reused: false, replaced: null });
      const again = await store.findings.open(opened('fnd00000000000000000002', { seen: '仍然打不开', observed: 'fallback', screenshot: null, openedAt: later(60_000), updatedAt: later(60_000), history: [{ kind: 'opened', by: 'tst-2', byRole: 'tester', at: later(60_000), note: '仍然打不开' }] }));
      expect(again).toMatchObject({ reused: true, replaced: null });
      expect(again.finding).toMatchObject({ id: 'fnd00000000000000000001', status: 'open', seen: '仍然打不开', observed: 'fallback', screenshot: { fileId: 'findings/530100/a.png', name: '截图.png' }, openedAt: T, updatedAt: later(60_000) });
      expect(again.finding.history.map((e) => [e.kind, e.by])).toEqual([['opened', 'tst-1'], ['opened', 'tst-2']]);
      expect(await store.findings.get('fnd00000000000000000002')).toBeUndefined();
      expect(await store.findings.get('fnd00000000000000000001')).toEqual(again.finding);
    });

    it('moves a finding only from the status named, keeping each step, and opens a fixed one again as reopened', async () => {
      expect(await store.findings.move('fnd00000000000000000001', 'fixed', 'closed', event('closed', later(1)))).toBeUndefined();
      const fixed = await store.findings.move('fnd00000000000000000001', 'open', 'fixed', event('fixed', later(120_000)));
      expect(fixed).toMatchObject({ status: 'fixed', updatedAt: later(120_000) });
      expect(await store.findings.move('fnd00000000000000000001', 'open', 'fixed', event('fixed', later(130_000)))).toBeUndefined();
      const reopened = await store.findings.open(opened('fnd00000000000000000003', { seen: '换了地址还是打不开', updatedAt: later(180_000), history: [{ kind: 'opened', by: 'tst-1', byRole: 'tester', at: later(180_000), note: null }] }));
      // the same screenshot again replaces nothing
      expect(reopened).toMatchObject({ reused: true, replaced: null, finding: { id: 'fnd00000000000000000001', status: 'open', seen: '换了地址还是打不开' } });
      expect(reopened.finding.history.map((e) => e.kind)).toEqual(['opened', 'opened', 'fixed', 'reopened']);
      expect(reopened.finding.history[3]).toEqual({ kind: 'reopened', by: 'tst-1', byRole: 'tester', at: later(180_000), note: null });
      // a new screenshot takes the old one's place, and the store says which one it replaced
      const newShot = { fileId: 'findings/530100/b.png', name: '新截图.png' };
      const replacing = await store.findings.open(opened('fnd00000000000000000010', { screenshot: newShot, updatedAt: later(190_000), history: [{ kind: 'opened', by: 'tst-2', byRole: 'tester', at: later(190_000), note: null }] }));
      expect(replacing).toMatchObject({ reused: true, replaced: { fileId: 'findings/530100/a.png', name: '截图.png' }, finding: { id: 'fnd00000000000000000001', screenshot: newShot } });
    });

    it('opens a new finding of a check once the one before is closed', async () => {
      await store.findings.move('fnd00000000000000000001', 'open', 'fixed', event('fixed', later(200_000)));
      expect(await store.findings.move('fnd00000000000000000001', 'fixed', 'closed', event('closed', later(210_000), 'tst-1', 'tester'))).toMatchObject({ status: 'closed' });
      expect(await store.findings.open(opened('fnd00000000000000000004', { openedAt: later(220_000), updatedAt: later(220_000) }))).toMatchObject({ reused: false, finding: { id: 'fnd00000000000000000004' } });
    });

    it('lists findings by province, center, owner and status, oldest opened first', async () => {
      await store.findings.open(opened('fnd00000000000000000005', { check: 'name', owner: 'supervisor', expected: '昆明市住房公积金管理中心', observed: null, screenshot: null, openedAt: later(1000) }));
      await store.findings.open(opened('fnd00000000000000000006', { province: '540000', centerCode: '540100', check: 'phone', owner: 'supervisor', openedAt: later(2000) }));
      await store.findings.open(opened('fnd00000000000000000007', { centerCode: '530300', openedAt: later(3000) }));
      const ids = (found: FindingRecord[]) => found.map((f) => f.id);
      expect(ids(await store.findings.list({}))).toEqual(['fnd00000000000000000001', 'fnd00000000000000000005', 'fnd00000000000000000006', 'fnd00000000000000000007', 'fnd00000000000000000004']);
      expect(ids(await store.findings.list({ provinces: ['530000'], statuses: ['open', 'fixed'] }))).toEqual(['fnd00000000000000000005', 'fnd00000000000000000007', 'fnd00000000000000000004']);
      expect(ids(await store.findings.list({ centerCodes: ['530100'], owner: 'center' }))).toEqual(['fnd00000000000000000001', 'fnd00000000000000000004']);
      expect(ids(await store.findings.list({ statuses: ['closed'] }))).toEqual(['fnd00000000000000000001']);
      expect(ids(await store.findings.list({ centerCodes: [] }))).toEqual([]);
    });

    it('keeps one finding of a check, with every observation, when testers report it at once over two connections', async () => {
      if (!adapter.concurrent) return;
      const second = await adapter.reopen();
      try {
        const ids = Array.from({ length: 20 }, (_, n) => `fnd000000000000000001${String(n + 10)}`);
        const all = await Promise.all(
          ids.map((id, n) => (n % 2 === 0 ? store : second).findings.open(opened(id, { centerCode: '530300', check: 'poster', openedAt: later(4000) }))),
        );
        expect(all.filter((b) => !b.reused)).toHaveLength(1);
        const [kept] = all.filter((b) => !b.reused).map((b) => b.finding.id);
        expect((await store.findings.get(kept))?.history).toHaveLength(20);
        expect(await store.findings.list({ centerCodes: ['530300'], statuses: ['open'] })).toHaveLength(2);
      } finally {
        await second.close();
      }
    });

    it('applies an approved catalog fix to the center at once and over every later catalog load; a rejected one changes nothing', async () => {
      const fix = (id: string, field: CatalogFixRecord['field'], to: string, at: Date): CatalogFixRecord => ({
        id,
        centerCode: '530100',
        field,
        from: field === 'name' ? '昆明住房公积金管理中心' : '0871-12329',
        to,
        findingId: field === 'name' ? 'fnd00000000000000000005' : null,
        status: 'pending',
        proposedBy: 'sup-1',
        proposedAt: at,
        reviewedBy: null,
        reviewedAt: null,
        reason: null,
      });
      await store.catalogFixes.add(fix('cfx00000000000000000001', 'name', '昆明市住房公积金管理中心', T));
      await store.catalogFixes.add(fix('cfx00000000000000000002', 'phone', '0870-12329', later(1000)));
      await store.catalogFixes.add(fix('cfx00000000000000000003', 'phone', '0871-12329', later(2000)));
      const reviewed = await store.catalogFixes.review('cfx00000000000000000001', { status: 'approved', reviewedBy: 'sup-2', reviewedAt: later(5000), reason: null });
      expect(reviewed).toEqual({ ...fix('cfx00000000000000000001', 'name', '昆明市住房公积金管理中心', T), status: 'approved', reviewedBy: 'sup-2', reviewedAt: later(5000) });
      expect(await store.catalogFixes.review('cfx00000000000000000001', { status: 'rejected', reviewedBy: 'sup-3', reviewedAt: later(6000), reason: '重复' })).toBeUndefined();
      await store.catalogFixes.review('cfx00000000000000000002', { status: 'rejected', reviewedBy: 'sup-2', reviewedAt: later(7000), reason: '区号有误' });
      expect(await store.centers.get('530100')).toMatchObject({ name: '昆明市住房公积金管理中心', phone: '0871-12329' });
      await store.centers.upsertCatalog([center('530100', { name: '昆明住房公积金管理中心', phone: '0871-12329' }), center('530300')]);
      expect(await store.centers.get('530100')).toMatchObject({ name: '昆明市住房公积金管理中心', phone: '0871-12329' });
      expect(await store.centers.get('530300')).toMatchObject({ name: '测试530300住房公积金管理中心' });
      expect((await store.catalogFixes.list('530100')).map((f) => [f.id, f.status])).toEqual([
        ['cfx00000000000000000003', 'pending'],
        ['cfx00000000000000000002', 'rejected'],
        ['cfx00000000000000000001', 'approved'],
      ]);
      expect(await store.catalogFixes.list('530300')).toEqual([]);
      expect(await store.catalogFixes.get('cfx00000000000000000002')).toMatchObject({ reason: '区号有误', reviewedBy: 'sup-2' });
    });
  });

  describe('the mini-program’s business domains (issue 16 point 1)', () => {
    const T = new Date('2026-12-01T10:00:00+08:00');
    const later = (ms: number) => new Date(T.getTime() + ms);
    const file = { name: 'a1b2c3d4.txt', content: '9f8e7d6c5b4a' };
    const requested = (domain: string) => ({ domain, state: 'requested' as const, verificationFile: file, checkedAt: null, problem: null, updatedAt: T, updatedBy: 'sup-1' });

    it('stores a domain’s state with its file, replacing the one before and answering it, listed by domain', async () => {
      expect(await store.businessDomains.get('gjj.yangzhou.gov.cn')).toBeUndefined();
      expect(await store.businessDomains.put(requested('gjj.yangzhou.gov.cn'))).toEqual({ written: true, replaced: undefined });
      expect(await store.businessDomains.put({ domain: 'a.example.cn', state: 'configured', verificationFile: null, checkedAt: null, problem: null, updatedAt: T, updatedBy: 'sup-2' })).toEqual({ written: true, replaced: undefined });
      const configured = { ...requested('gjj.yangzhou.gov.cn'), state: 'configured' as const, updatedAt: later(1000), updatedBy: 'sup-2' };
      expect(await store.businessDomains.put(configured)).toEqual({ written: true, replaced: requested('gjj.yangzhou.gov.cn') });
      expect(await store.businessDomains.get('gjj.yangzhou.gov.cn')).toEqual(configured);
      expect((await store.businessDomains.list()).map((d) => [d.domain, d.state])).toEqual([
        ['a.example.cn', 'configured'],
        ['gjj.yangzhou.gov.cn', 'configured'],
      ]);
    });

    it('records the daily check of a requested domain: a problem keeps it requested, the file found makes it file-placed', async () => {
      await store.businessDomains.put(requested('gjj.nanjing.gov.cn'));
      const missing = await store.businessDomains.recordCheck('gjj.nanjing.gov.cn', T, { at: later(5000), problem: '未找到校验文件（答复状态 404）', by: 'centers-daily' });
      expect(missing).toEqual({ ...requested('gjj.nanjing.gov.cn'), checkedAt: later(5000), problem: '未找到校验文件（答复状态 404）' });
      expect(await store.businessDomains.get('gjj.nanjing.gov.cn')).toEqual(missing);
      const placed = await store.businessDomains.recordCheck('gjj.nanjing.gov.cn', T, { at: later(9000), problem: null, by: 'centers-daily' });
      const expected = { ...requested('gjj.nanjing.gov.cn'), state: 'file-placed', checkedAt: later(9000), problem: null, updatedAt: later(9000), updatedBy: 'centers-daily' };
      expect(placed).toEqual(expected);
      expect(await store.businessDomains.get('gjj.nanjing.gov.cn')).toEqual(expected);
    });

    it('records no check of a domain a supervisor changed since, nor of one not requested or never set', async () => {
      await store.businessDomains.put(requested('gjj.suzhou.gov.cn'));
      await store.businessDomains.put({ ...requested('gjj.suzhou.gov.cn'), verificationFile: { name: 'new.txt', content: 'x' }, updatedAt: later(1000) });
      expect(await store.businessDomains.recordCheck('gjj.suzhou.gov.cn', T, { at: later(2000), problem: null, by: 'centers-daily' })).toBeUndefined();
      expect(await store.businessDomains.get('gjj.suzhou.gov.cn')).toMatchObject({ state: 'requested', checkedAt: null, verificationFile: { name: 'new.txt' } });
      expect(await store.businessDomains.recordCheck('a.example.cn', T, { at: later(2000), problem: null, by: 'centers-daily' })).toBeUndefined();
      expect(await store.businessDomains.get('a.example.cn')).toMatchObject({ state: 'configured', checkedAt: null });
      expect(await store.businessDomains.recordCheck('never.example.cn', T, { at: later(2000), problem: null, by: 'centers-daily' })).toBeUndefined();
      expect(await store.businessDomains.get('never.example.cn')).toBeUndefined();
    });

    it('configures a domain only under the limit counted in the write: of two at once at the limit less one, exactly one is written', async () => {
      // a.example.cn and gjj.yangzhou.gov.cn are configured (above); a limit of 3 leaves one place
      const configure = (domain: string) => store.businessDomains.put({ ...requested(domain), state: 'configured', updatedAt: later(3000) }, 3);
      const outcomes = await Promise.all([configure('x.example.cn'), configure('y.example.cn')]);
      expect(outcomes.filter((o) => o.written)).toHaveLength(1);
      expect(outcomes.find((o) => !o.written)).toEqual({ written: false, configured: 3 });
      expect((await store.businessDomains.list()).filter((d) => d.state === 'configured')).toHaveLength(3);
      // at the limit, a configured domain is still written again, and one set otherwise frees its place
      expect(await store.businessDomains.put({ ...requested('a.example.cn'), state: 'configured', updatedAt: later(4000) }, 3)).toMatchObject({ written: true });
      await store.businessDomains.put({ ...requested('a.example.cn'), updatedAt: later(5000) }, 3);
      expect(await configure('z.example.cn')).toMatchObject({ written: true });
      expect(await configure(outcomes[0].written ? 'y.example.cn' : 'x.example.cn')).toEqual({ written: false, configured: 3 });
    });
  });

  describe('fetches of deliveries’ attachments by link (issue 16, point 3)', () => {
    const at = (seconds: number) => new Date(Date.UTC(2031, 4, 1, 2, 0, seconds));
    const fetchOf = (over: Partial<AttachmentFetchRecord>): AttachmentFetchRecord => ({
      at: at(0),
      applicationId: 'app-fetch-1',
      attachmentId: 'f1',
      centerCode: '321000',
      webhookId: 'msg_fetch',
      httpStatus: 200,
      refusal: null,
      byteRange: null,
      ...over,
    });

    it('keeps every fetch, served or refused, with the part served or the range refused, and reads an application’s oldest first', async () => {
      const served = fetchOf({ at: at(3), httpStatus: 206, byteRange: 'bytes 0-4194303/10485760' });
      const expired = fetchOf({ at: at(1), httpStatus: 410, refusal: '下载链接已过期', webhookId: null });
      const other = fetchOf({ at: at(2), applicationId: 'app-fetch-2', attachmentId: 'f9', centerCode: '110000', httpStatus: 401, refusal: '签名无效' });
      const tooLong = fetchOf({ at: at(4), httpStatus: 416, refusal: 'Range 一段最多 4194304 字节', byteRange: 'bytes=0-9999999' });
      for (const f of [served, expired, other, tooLong]) await store.attachmentFetches.record(f);
      expect(await store.attachmentFetches.ofApplication('app-fetch-1')).toEqual([expired, served, tooLong]);
      expect(await store.attachmentFetches.ofApplication('app-fetch-2')).toEqual([other]);
      expect(await store.attachmentFetches.ofApplication('app-none')).toEqual([]);
    });

    it('removes the fetches recorded before a time and keeps the later ones', async () => {
      const old = fetchOf({ at: new Date(Date.UTC(2031, 0, 1)), applicationId: 'app-fetch-4' });
      const kept = fetchOf({ at: at(0), applicationId: 'app-fetch-4' });
      await store.attachmentFetches.record(old);
      await store.attachmentFetches.record(kept);
      expect(await store.attachmentFetches.removeOlderThan(new Date(Date.UTC(2031, 1, 1)))).toBeGreaterThanOrEqual(1);
      expect(await store.attachmentFetches.ofApplication('app-fetch-4')).toEqual([kept]);
    });
  });

  describe('unbinding and account deletion (issue 17, migration 39; review 1, findings 3 and 5)', () => {
    const T = new Date('2031-06-01T02:00:00Z');
    const DAY = 24 * 3600 * 1000;
    const person = (openid: string, docLookup: string) => ({
      openid,
      method: 'face' as const,
      docType: '01' as const,
      nameSealed: 'sealed-name',
      docNumberSealed: 'sealed-doc',
      docLookup,
      phoneSealed: 'sealed-phone',
      verifiedAt: T,
      expiresAt: new Date(T.getTime() + 30 * DAY),
    });
    const counterRequest = (code: string, openid: string) => ({
      code, openid, docType: '01' as const, nameSealed: 'n', docNumberSealed: 'd', docLookup: `lk-${code}`, createdAt: T, expiresAt: new Date(T.getTime() + DAY),
      status: 'pending' as const, confirmedBy: null, centerCode: null, confirmedByLookup: null, secondConfirmedBy: null,
    });
    const application = (id: string, openid: string, inFlightKey: string | null = null): ApplicationRecord => ({
      id, type: 'transfer', openid, requestId: `req-${id}`, status: inFlightKey ? 'submitted' : 'withdrawn', platformCode: null, responsibleCenter: '321000',
      centers: [{ code: '321000', role: 'transfer-in' }], inFlightKey, letterNumber: null,
      applicant: { docType: '01', nameSealed: 'n', docNumberSealed: 'd' }, payloadSealed: 'p', acceptBy: '2031-06-06', acceptByProvisional: false,
      targetBy: null, targetProvisional: false, payment: null, test: false, createdAt: T, updatedAt: T,
    });
    const audited = (d: { id: string }) => (counts: ErasedCounts): AuditEntry => ({ at: T, actor: 'timer', action: 'account.deleted', subject: `deletion:${d.id}`, detail: JSON.stringify(counts) });
    const dayStart = new Date('2031-05-31T16:00:00Z');
    /** Attempts of the person's identity checks as services/identity.ts records them, one per subject. */
    const tried = async (openid: string, lookup: string) => {
      for (const subject of [`start:openid:${openid}`, `start:doc:${lookup}:openid:${openid}`, `start:doc:${lookup}`]) {
        expect(await store.attempts.recordIfUnder(subject, dayStart, 1, T, openid)).toBe(true);
      }
      await store.attempts.recordFailure(`ok:face:doc:${lookup}:openid:${openid}`, T, openid);
    };
    /** How many attempts of the person's subjects are recorded (tried's subjects). */
    const attemptsOf = async (openid: string, lookup: string) => {
      let n = 0;
      for (const subject of [`start:openid:${openid}`, `start:doc:${lookup}:openid:${openid}`, `start:doc:${lookup}`, `ok:face:doc:${lookup}:openid:${openid}`]) {
        n += await store.attempts.failuresSince(subject, new Date(0));
      }
      return n;
    };

    it('unbinds: the identity, its verification sessions, counter codes and attempts go, another person’s stay', async () => {
      await store.identities.bind(person('priv-a', 'lk-priv-a'));
      await store.identities.bind(person('priv-b', 'lk-priv-b'));
      await store.verifications.create({ verifyId: 'v-priv-a', outSeqNo: 'seq-priv-a', openid: 'priv-a', docType: '01', nameSealed: 'n', docNumberSealed: 'd', docLookup: 'lk-priv-a', createdAt: T });
      await store.counterRequests.create(counterRequest('PRIVA001', 'priv-a'));
      await tried('priv-a', 'lk-priv-a');
      await tried('priv-b', 'lk-priv-b');
      expect(await store.privacy.unbind('priv-a', T)).toBe(true);
      expect(await store.identities.get('priv-a')).toBeUndefined();
      expect(await store.identities.holderOf('lk-priv-a')).toBeUndefined();
      expect(await store.verifications.get('v-priv-a')).toBeUndefined();
      expect(await store.counterRequests.get('PRIVA001')).toBeUndefined();
      expect(await attemptsOf('priv-a', 'lk-priv-a')).toBe(0);
      expect(await store.identities.get('priv-b')).toBeDefined();
      expect(await attemptsOf('priv-b', 'lk-priv-b')).toBe(4);
      // the windows the removed attempts were counted in start afresh (CloudBase's counters went with them)
      expect(await store.attempts.recordIfUnder('start:openid:priv-a', dayStart, 1, T, 'priv-a')).toBe(true);
      expect(await store.attempts.recordIfUnder('start:openid:priv-b', dayStart, 1, T, 'priv-b')).toBe(false);
      expect(await store.privacy.unbind('priv-a', T)).toBe(false);
    });

    it('unbinds no attempts of someone never bound, so asking to unbind does not start their limits afresh', async () => {
      await tried('priv-g', 'lk-priv-g');
      expect(await store.privacy.unbind('priv-g', T)).toBe(false);
      expect(await attemptsOf('priv-g', 'lk-priv-g')).toBe(4);
    });

    it('keeps counting, after the person who made them unbinds, their attempts against another ID and on another person’s counter code (review 1 of session 9, finding 2)', async () => {
      await store.identities.bind(person('priv-x', 'lk-priv-x'));
      const shared = ['try:face:doc:lk-priv-v', 'try:request:PRIVV001'];
      for (const subject of shared) {
        for (let i = 0; i < 3; i++) expect(await store.attempts.recordIfUnder(subject, dayStart, 3, T, 'priv-x')).toBe(true);
      }
      expect(await store.attempts.recordIfUnder('try:face:doc:lk-priv-v:openid:priv-x', dayStart, 3, T, 'priv-x')).toBe(true);
      expect(await store.privacy.unbind('priv-x', T)).toBe(true);
      // the subject naming the person went; the limits protecting the ID's owner and the code's owner still refuse
      expect(await store.attempts.failuresSince('try:face:doc:lk-priv-v:openid:priv-x', dayStart)).toBe(0);
      for (const subject of shared) {
        expect(await store.attempts.failuresSince(subject, dayStart)).toBe(3);
        expect(await store.attempts.recordIfUnder(subject, dayStart, 3, T, 'priv-x')).toBe(false);
      }
      // bound again and erased: they are no longer the person's, so they stay and count
      await store.identities.bind(person('priv-x', 'lk-priv-x'));
      const deletion = { id: 'del-x', openid: 'priv-x', requestedAt: T, dueAt: T };
      await store.privacy.requestDeletion(deletion);
      expect(await store.privacy.erase(deletion, 'erased:del-x', [], T, audited(deletion))).toMatchObject({ outcome: 'erased', counts: { attempts: 0 } });
      for (const subject of shared) expect(await store.attempts.recordIfUnder(subject, dayStart, 3, T, 'priv-y')).toBe(false);
    });

    it('counts a window on the person’s own ID that another account shares with the other’s attempts alone once the person unbinds, whoever wrote last', async () => {
      await store.identities.bind(person('priv-h', 'lk-priv-h'));
      const [personLast, otherLast] = ['start:doc:lk-priv-h', 'counter:doc:lk-priv-h'];
      expect(await store.attempts.recordIfUnder(personLast, dayStart, 2, T, 'priv-other')).toBe(true);
      expect(await store.attempts.recordIfUnder(personLast, dayStart, 2, T, 'priv-h')).toBe(true);
      expect(await store.attempts.recordIfUnder(otherLast, dayStart, 2, T, 'priv-h')).toBe(true);
      expect(await store.attempts.recordIfUnder(otherLast, dayStart, 2, T, 'priv-other')).toBe(true);
      expect(await store.privacy.unbind('priv-h', T)).toBe(true);
      for (const subject of [personLast, otherLast]) {
        expect(await store.attempts.failuresSince(subject, dayStart)).toBe(1);
        expect(await store.attempts.recordIfUnder(subject, dayStart, 2, T, 'priv-other')).toBe(true);
        expect(await store.attempts.recordIfUnder(subject, dayStart, 2, T, 'priv-other')).toBe(false);
        expect(await store.attempts.failuresSince(subject, dayStart)).toBe(2);
      }
    });

    it('removes the attempts made before a cutoff, and the windows that started before it', async () => {
      const old = new Date(T.getTime() - 8 * DAY);
      const oldDay = new Date(dayStart.getTime() - 8 * DAY);
      expect(await store.attempts.recordIfUnder('prune:window', oldDay, 1, old, 'priv-p')).toBe(true);
      await store.attempts.recordFailure('prune:failure', old, null);
      await store.attempts.recordFailure('prune:failure', T, null);
      expect(await store.attempts.removeOlderThan(new Date(T.getTime() - 7 * DAY))).toBeGreaterThanOrEqual(2);
      expect(await store.attempts.failuresSince('prune:failure', new Date(0))).toBe(1);
      expect(await store.attempts.failuresSince('prune:window', new Date(0))).toBe(0);
      // the old window, were it asked again, counts from the attempts left
      expect(await store.attempts.recordIfUnder('prune:window', oldDay, 1, old, 'priv-p')).toBe(true);
    });

    it('unbinds: the person’s certificate codes are revoked at once, even when only a code is left to revoke', async () => {
      const openid = 'priv-e';
      await store.identities.bind(person(openid, 'lk-priv-e'));
      const app = { ...application('app-priv-e', openid), type: 'certificate-loan-cleared' as const, status: 'completed' as const, centers: [{ code: '321000', role: 'business' as const }] };
      await store.applications.create(app, [], [], null);
      await store.certificateCodes.create({ id: 'code-priv-e', applicationId: app.id, openid, documentId: 'doc-priv-e', issuedAt: T, expiresAt: new Date(T.getTime() + DAY), readsAllowed: 1, readsUsed: 0, revokedAt: null });
      expect(await store.privacy.unbind(openid, T)).toBe(true);
      expect(await store.certificateCodes.get('code-priv-e')).toMatchObject({ revokedAt: T });
    });

    it('makes no certificate code once the holder unbound, the case erased or given to another, and none names the erased openid (review 1, finding 5)', async () => {
      const openid = 'priv-g';
      const code = (id: string, holder = openid): CertificateCodeRecord => ({ id, applicationId: 'app-priv-g', openid: holder, documentId: 'doc-priv-g', issuedAt: T, expiresAt: new Date(T.getTime() + DAY), readsAllowed: 1, readsUsed: 0, revokedAt: null });
      await store.identities.bind(person(openid, 'lk-priv-g'));
      await store.applications.create(application('app-priv-g', openid), [], [], null);
      // another person, bound, is not the case's holder
      await store.identities.bind(person('priv-g2', 'lk-priv-g2'));
      expect(await store.certificateCodes.create(code('code-priv-g0', 'priv-g2'))).toBeUndefined();
      expect(await store.privacy.unbind(openid, T)).toBe(true);
      expect(await store.certificateCodes.create(code('code-priv-g1'))).toBeUndefined();
      // bound again, then erased: the case is the tombstone's and the identity gone
      await store.identities.bind(person(openid, 'lk-priv-g'));
      const deletion = { id: 'del-g', openid, requestedAt: T, dueAt: T };
      await store.privacy.requestDeletion(deletion);
      const erasure = await store.privacy.erase(deletion, 'erased:del-g', [{ applicationId: 'app-priv-g', nameSealed: 'n2', docNumberSealed: 'd2' }], T, audited(deletion));
      expect(erasure.outcome).toBe('erased');
      await store.identities.bind(person(openid, 'lk-priv-g'));
      expect(await store.certificateCodes.create(code('code-priv-g2'))).toBeUndefined();
      expect(await store.certificateCodes.list('app-priv-g')).toEqual([]);
    });

    it('leaves no readable code of a create racing an unbinding, and none naming the openid of a create racing an erasure, from another connection (review 1, finding 5)', async () => {
      const other = adapter.concurrent ? await adapter.reopen() : store;
      try {
        for (let round = 0; round < 6; round += 1) {
          const openid = `priv-r${round}`;
          const app = application(`app-priv-r${round}`, openid);
          const code: CertificateCodeRecord = { id: `code-priv-r${round}`, applicationId: app.id, openid, documentId: 'doc-r', issuedAt: T, expiresAt: new Date(T.getTime() + DAY), readsAllowed: 1, readsUsed: 0, revokedAt: null };
          await store.identities.bind(person(openid, `lk-priv-r${round}`));
          await store.applications.create(app, [], [], null);
          await Promise.all([other.certificateCodes.create(code), store.privacy.unbind(openid, T)]);
          expect((await store.certificateCodes.list(app.id)).filter((c) => c.revokedAt === null)).toEqual([]);

          await store.identities.bind(person(openid, `lk-priv-r${round}`));
          const deletion = { id: `del-r${round}`, openid, requestedAt: T, dueAt: T };
          await store.privacy.requestDeletion(deletion);
          const [erasure] = await Promise.all([
            store.privacy.erase(deletion, `erased:del-r${round}`, [{ applicationId: app.id, nameSealed: 'n2', docNumberSealed: 'd2' }], T, audited(deletion)),
            other.certificateCodes.create({ ...code, id: `code-priv-e${round}` }),
          ]);
          expect(erasure.outcome).toBe('erased');
          expect((await store.certificateCodes.list(app.id)).filter((c) => c.openid === openid)).toEqual([]);
        }
      } finally {
        if (other !== store) await other.close();
      }
    });

    it('erases nothing when the request was cancelled between listing and erasing, and writes no audit', async () => {
      const openid = 'priv-f';
      await store.identities.bind(person(openid, 'lk-priv-f'));
      const app = application('app-priv-f', openid);
      await store.applications.create(app, [], [], null);
      const deletion = { id: 'del-f', openid, requestedAt: T, dueAt: T };
      await store.privacy.requestDeletion(deletion);
      const [due] = (await store.privacy.dueDeletions(T)).filter((d) => d.openid === openid);
      await store.privacy.cancelDeletion(openid);
      expect(await store.privacy.erase(due, 'erased:del-f', [{ applicationId: app.id, nameSealed: 'x', docNumberSealed: 'y' }], T, audited(due))).toEqual({ outcome: 'cancelled' });
      expect(await store.identities.get(openid)).toBeDefined();
      expect(await store.applications.get(app.id)).toMatchObject({ openid, applicant: { nameSealed: 'n', docNumberSealed: 'd' } });
      expect(await store.audit.listFor('deletion:del-f')).toEqual([]);
    });

    it('erases nothing while a case of the person is not among those sealed again or is in flight: the case stays the person’s, the request waits', async () => {
      const openid = 'priv-w';
      await store.identities.bind(person(openid, 'lk-priv-w'));
      await tried(openid, 'lk-priv-w');
      const app = application('app-priv-w', openid);
      await store.applications.create(app, [], [], null);
      const deletion = { id: 'del-w', openid, requestedAt: T, dueAt: T };
      await store.privacy.requestDeletion(deletion);
      // submitted after the run listed the person's cases: not sealed again
      expect(await store.privacy.erase(deletion, 'erased:del-w', [], T, audited(deletion))).toEqual({ outcome: 'waiting' });
      expect(await store.applications.get(app.id)).toMatchObject({ openid, applicant: { nameSealed: 'n', docNumberSealed: 'd' } });
      expect(await store.identities.get(openid)).toBeDefined();
      expect(await attemptsOf(openid, 'lk-priv-w')).toBe(4);
      expect(await store.privacy.deletionOf(openid)).toEqual(deletion);
      expect(await store.audit.listFor('deletion:del-w')).toEqual([]);

      // a second case in flight, though the first was sealed again
      const going = application('app-priv-w2', openid, 'transfer:priv-w');
      await store.applications.create(going, [], [], null);
      const both = [app, going].map((a) => ({ applicationId: a.id, nameSealed: 'x', docNumberSealed: 'y' }));
      expect(await store.privacy.erase(deletion, 'erased:del-w', both, T, audited(deletion))).toEqual({ outcome: 'waiting' });
      expect((await store.applications.listByApplicant(openid)).map((a) => a.id).sort()).toEqual([app.id, going.id]);
      expect(await store.privacy.deletionOf(openid)).toEqual(deletion);
      await store.privacy.cancelDeletion(openid); // the due list of the next test is its own
    });

    it('keeps the request when the audit cannot be written, so the next run carries the erasure out and audits it', async () => {
      const openid = 'priv-u';
      await store.identities.bind(person(openid, 'lk-priv-u'));
      const deletion = { id: 'del-u', openid, requestedAt: T, dueAt: T };
      await store.privacy.requestDeletion(deletion);
      await expect(
        store.privacy.erase(deletion, 'erased:del-u', [], T, () => {
          throw new Error('audit unavailable');
        }),
      ).rejects.toThrow('audit unavailable');
      expect(await store.privacy.deletionOf(openid)).toEqual(deletion);
      expect(await store.privacy.erase(deletion, 'erased:del-u', [], T, audited(deletion))).toMatchObject({ outcome: 'erased' });
      expect(await store.audit.listFor('deletion:del-u')).toHaveLength(1);
      expect(await store.privacy.deletionOf(openid)).toBeUndefined();
    });

    it('cancels nothing while the erasure runs (another connection): the cancel answers that nothing is pending (SQL waits for it) or that it is under way, and the erasure completes', async () => {
      if (!adapter.concurrent) return;
      const other = await adapter.reopen();
      try {
        const openid = 'priv-r';
        await store.identities.bind(person(openid, 'lk-priv-r'));
        const deletion = { id: 'del-r', openid, requestedAt: T, dueAt: T };
        await store.privacy.requestDeletion(deletion);
        let cancel: Promise<string> | undefined;
        // asked once everything is erased but before the run ends
        const erasure = await store.privacy.erase(deletion, 'erased:del-r', [], T, (counts) => {
          cancel = other.privacy.cancelDeletion(openid);
          return audited(deletion)(counts);
        });
        expect(erasure).toMatchObject({ outcome: 'erased', counts: { identities: 1 } });
        expect(['none', 'erasing']).toContain(await cancel);
        expect(await store.identities.get(openid)).toBeUndefined();
        expect(await store.privacy.deletionOf(openid)).toBeUndefined();
        expect(await store.audit.listFor('deletion:del-r')).toHaveLength(1);
      } finally {
        await other.close();
      }
    });

    it('stores no case of a person without an identity row, writing nothing; a test case needs none (review 1 of session 9, finding 6)', async () => {
      // CloudBase checks no identity when it stores a case (see ApplicationRepository.create)
      if (store.kind === 'cloudbase') return;
      const openid = 'priv-n';
      const app = application('app-priv-n', openid, 'transfer:priv-n');
      expect(await store.applications.create(app, [], [], '321000310601')).toEqual({ kind: 'no-identity' });
      expect(await store.applications.get(app.id)).toBeUndefined();
      expect(await store.applications.listByApplicant(openid)).toEqual([]);
      // the letter sequence did not move: the next case numbered under the prefix takes its first number
      await store.identities.bind(person(openid, 'lk-priv-n'));
      expect(await store.applications.create(app, [], [], '321000310601')).toEqual({ kind: 'created', letterNumber: '3210003106010001' });
      const testCase = { ...application('app-priv-n-test', 'priv-n-tester', 'test:transfer:priv-n-tester:321000'), test: true };
      expect(await store.applications.create(testCase, [], [], null)).toEqual({ kind: 'created', letterNumber: null });
    });

    it('refuses a case submitted while the erasure writes, from another connection: never erased with a case still on the old openid (review 1 of session 9, finding 6)', async () => {
      if (store.kind === 'cloudbase') return;
      const other = adapter.concurrent ? await adapter.reopen() : store;
      try {
        const openid = 'priv-s';
        await store.identities.bind(person(openid, 'lk-priv-s'));
        const deletion = { id: 'del-s', openid, requestedAt: T, dueAt: T };
        await store.privacy.requestDeletion(deletion);
        let submitted: Promise<unknown> | undefined;
        // sent once the run has listed the cases and erased everything, before it commits
        const erasure = await store.privacy.erase(deletion, 'erased:del-s', [], T, (counts) => {
          submitted = other.applications.create(application('app-priv-s', openid, 'transfer:priv-s'), [], [], null);
          return audited(deletion)(counts);
        });
        expect(erasure).toMatchObject({ outcome: 'erased', counts: { identities: 1, applicationsDetached: 0 } });
        expect(await submitted).toEqual({ kind: 'no-identity' });
        expect(await store.applications.listByApplicant(openid)).toEqual([]);
        expect(await store.applications.get('app-priv-s')).toBeUndefined();
      } finally {
        if (other !== store) await other.close();
      }
    });

    it('counts once across the audit entries what two runs of one erasure at once removed or detached (another connection)', async () => {
      if (!adapter.concurrent) return;
      const other = await adapter.reopen();
      try {
        const openid = 'priv-two';
        await store.identities.bind(person(openid, 'lk-priv-two'));
        await store.consents.record({ openid, version: 'v1', at: T });
        const app = application('app-priv-two', openid);
        await store.applications.create(app, [], [], null);
        await store.ratings.create({ applicationId: app.id, openid, centerCode: '321000', score: 1, comment: '很差', at: T, followUp: 'open', followUpNote: null, followUpBy: null, followUpAt: null, fixNote: null, fixedBy: null, fixedAt: null, fixScore: null, fixRatedAt: null });
        const deletion = { id: 'del-two', openid, requestedAt: T, dueAt: T };
        await store.privacy.requestDeletion(deletion);
        const resealed = [{ applicationId: app.id, nameSealed: 'n2', docNumberSealed: 'd2' }];
        const runs = await Promise.all([store, other].map((s) => s.privacy.erase(deletion, 'erased:del-two', resealed, T, audited(deletion))));
        expect(runs.map((r) => r.outcome)).toContain('erased');
        const sum = (all: readonly object[]) => {
          const total: Record<string, number> = {};
          for (const counts of all) for (const [what, n] of Object.entries(counts)) total[what] = (total[what] ?? 0) + Number(n);
          return total;
        };
        const entries = (await store.audit.listFor('deletion:del-two')).map((e): object => JSON.parse(e.detail));
        expect(sum(entries)).toEqual({ identities: 1, verifications: 0, counterRequests: 0, attempts: 0, consents: 1, roles: 0, applicationsDetached: 1, ratingComments: 1 });
        expect(sum(runs.flatMap((r) => (r.outcome === 'erased' ? [r.counts] : [])))).toEqual(sum(entries));
        expect(await store.applications.get(app.id)).toMatchObject({ openid: 'erased:del-two' });
      } finally {
        await other.close();
      }
    });

    it('keeps one deletion request per person, lists the due ones, and cancels', async () => {
      const first = { id: 'del-1', openid: 'priv-c', requestedAt: T, dueAt: new Date(T.getTime() + 30 * DAY) };
      expect(await store.privacy.requestDeletion(first)).toEqual(first);
      expect(await store.privacy.requestDeletion({ ...first, id: 'del-2', requestedAt: new Date(T.getTime() + DAY) })).toEqual(first);
      expect(await store.privacy.deletionOf('priv-c')).toEqual(first);
      expect(await store.privacy.erasing('priv-c')).toBe(false);
      // the person's only: on CloudBase the requests erased above are kept for a later run (PrivacyRepository.erase)
      const dueOf = async (now: Date) => (await store.privacy.dueDeletions(now)).filter((d) => d.openid === 'priv-c');
      expect(await dueOf(new Date(T.getTime() + 29 * DAY))).toEqual([]);
      expect(await dueOf(first.dueAt)).toEqual([first]);
      expect(await store.privacy.cancelDeletion('priv-c')).toBe('cancelled');
      expect(await store.privacy.cancelDeletion('priv-c')).toBe('none');
      expect(await store.privacy.deletionOf('priv-c')).toBeUndefined();
    });

    it('erases: no identity, attempt, consent, role or request left, the applications and ratings kept under the tombstone with the applicant sealed again, comments gone, audited with it', async () => {
      const openid = 'priv-d';
      await store.identities.bind(person(openid, 'lk-priv-d'));
      await tried(openid, 'lk-priv-d');
      await store.consents.record({ openid, version: 'v1', at: T });
      await store.roles.grant(openid, { role: 'tester', province: '320000' });
      await store.roles.revoke(openid, { role: 'tester', province: '320000' }, T, 'sup');
      const app = { ...application('app-priv-d', openid), applicant: { docType: '01' as const, nameSealed: 'old-name', docNumberSealed: 'old-doc' } };
      await store.applications.create(app, [{ applicationId: app.id, at: T, actor: 'employee', actorId: openid, from: null, to: 'submitted', platformCode: null, centerCode: null, message: '提交' }], [], null);
      await store.ratings.create({ applicationId: app.id, openid, centerCode: '321000', score: 1, comment: '很差', at: T, followUp: 'open', followUpNote: null, followUpBy: null, followUpAt: null, fixNote: null, fixedBy: null, fixedAt: null, fixScore: null, fixRatedAt: null });
      const deletion = { id: 'del-d', openid, requestedAt: T, dueAt: T };
      await store.privacy.requestDeletion(deletion);
      await store.certificateCodes.create({ id: 'code-priv-d', applicationId: app.id, openid, documentId: 'doc-priv-d', issuedAt: T, expiresAt: new Date(T.getTime() + DAY), readsAllowed: 1, readsUsed: 0, revokedAt: null });

      const erasure = await store.privacy.erase(deletion, 'erased:del-d', [{ applicationId: app.id, nameSealed: 'new-name', docNumberSealed: 'new-doc' }], T, audited(deletion));
      if (erasure.outcome !== 'erased') throw new Error(`not erased: ${erasure.outcome}`);
      const { counts } = erasure;
      // the person's codes: unreadable at once, and no longer naming the account
      expect(await store.certificateCodes.get('code-priv-d')).toMatchObject({ openid: 'erased:del-d', revokedAt: T });
      expect(counts).toEqual({ identities: 1, verifications: 0, counterRequests: 0, attempts: 4, consents: 1, roles: expect.any(Number), applicationsDetached: 1, ratingComments: 1 });
      expect(counts.roles).toBeGreaterThanOrEqual(1);
      expect(await store.audit.listFor('deletion:del-d')).toEqual([audited(deletion)(counts)]);
      expect(await store.identities.get(openid)).toBeUndefined();
      expect(await attemptsOf(openid, 'lk-priv-d')).toBe(0);
      expect(await store.consents.latest(openid)).toBeUndefined();
      expect(await store.roles.recordsOf(openid)).toEqual([]);
      expect(await store.privacy.deletionOf(openid)).toBeUndefined();
      expect(await store.applications.listByApplicant(openid)).toEqual([]);
      expect(await store.applications.get(app.id)).toMatchObject({ openid: 'erased:del-d', applicant: { docType: '01', nameSealed: 'new-name', docNumberSealed: 'new-doc' } });
      expect((await store.applications.events(app.id)).map((e) => e.actorId)).toEqual(['erased:del-d']);
      expect(await store.ratings.get(app.id)).toMatchObject({ openid: 'erased:del-d', score: 1, comment: null });
    });
  });

  it('applies migrations once: a second opening finds the data and changes nothing', async () => {
    await store.close();
    store = await adapter.reopen();
    expect(await store.centers.get('321000')).toMatchObject({ live: true });
    expect(await store.centers.get('320100')).toMatchObject({ counter: { address: '扬州市文昌西路 1 号' } });
    expect(await store.links.listForCenter('320100')).toContainEqual({ item: 4, kind: 'in-app' });
    expect(await store.meta.get('k')).toBe('v2');
    expect((await store.calendarYears.get(2031))?.loadedBy).toBe('sup-9');
  });
});
