import { nextSeq } from '../../cloudfunctions/_lib/store/cloudbase/sdk';
import { atCallTime } from '../../cloudfunctions/_lib/runtime/define';
import { cancelDeletion, carryOutDeletions, DAILY_RUN_MS, SUBMISSION_MS } from '../../cloudfunctions/_lib/services/privacy';
import { open, seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { identityRow } from '../support/identity-rows';
import { handler as session } from '../../cloudfunctions/session';
import type {
  CalendarYearRecord,
  ApplicationEventRecord,
  ApplicationRecord,
  CenterEndpoint,
  ChannelHealth,
  HealthChannel,
  LinkChange,
  StaffInvite,
  CounterRequest,
  DeliveryAttempt,
  DocumentRecord,
  ErasedCounts,
  FindingRecord,
  IdentityRecord,
  OutboxRecord,
  RatingRecord,
  Store,
  Transition,
  VerificationSession,
} from '../../cloudfunctions/_lib/store/port';
import type { ChangeTarget } from '../../src/core/center-portal';
import type { Center } from '../../src/core/centers';
import type { ItemId } from '../../src/core/items';
import type { DeletionView } from '../../src/core/privacy';
import { ejsonDate, isObj, millis, same, startFakeCloudbase, type FakeCloudbase, type FakeCloudbaseSite, type Obj, type SentRequest } from '../support/fake-cloudbase';
import { contextFor, dataOf, testOutside } from '../support/function-context';

/**
 * What is CloudBase's own in the CloudBase adapter, checked on the requests @cloudbase/node-sdk sends to the fake
 * server of test/support/fake-cloudbase.ts: request shapes, single-document transactions, paging and the
 * documents' layout. What every store does is the contract suite's (contract.test.ts), which runs this adapter too.
 */

function center(code: string, overrides: Partial<Center> = {}): Center {
  return {
    code,
    name: '扬州市住房公积金管理中心',
    province: '江苏省',
    city: '扬州市',
    phone: '0514-12329',
    live: false,
    pinyin: 'yangzhoushi',
    initials: 'yzs',
    provincePinyin: 'jiangsusheng',
    provinceInitials: 'jss',
    ...overrides,
  };
}

let site: FakeCloudbaseSite;
let fake: FakeCloudbase;
let store: Store;

beforeAll(async () => {
  site = await startFakeCloudbase();
  fake = site.fake;
  store = site.open();
});

afterAll(async () => {
  await store.close();
  await site.stop();
});

beforeEach(() => fake.reset());

/** The requests since the last reset were one single-document transaction: start, read, write, commit, one id. */
function expectOneDocumentTransaction(): void {
  expect(fake.requests.map((r) => r.action)).toEqual([
    'database.startTransaction',
    'database.getDocument',
    'database.modifyDocument',
    'database.commitTransaction',
  ]);
  const transactionId = fake.requests[1]?.body.transactionId;
  expect(transactionId).toMatch(/^tx-/);
  expect(fake.requests.slice(2).map((r) => r.body.transactionId)).toEqual([transactionId, transactionId]);
}

describe('the CloudBase store', () => {
  it('sends signed POST requests for the configured environment to the service URL', async () => {
    await store.meta.get('catalog-version');
    const [request] = fake.requests;
    expect(request?.path).toMatch(/^\/\?env=test-env&/);
    expect(request?.body.envName).toBe('test-env');
    expect(request?.headers.authorization).toMatch(/^TC3-HMAC-SHA256 Credential=x\//);
  });

  it('rejects when CloudBase answers with an error code', async () => {
    fake.failNext = { code: 'DATABASE_PERMISSION_DENIED', message: 'permission denied' };
    await expect(store.centers.get('321000')).rejects.toMatchObject({ code: 'DATABASE_PERMISSION_DENIED' });
  });
});

describe('centers', () => {
  it('get queries the centers collection by the center code as document id and returns the center', async () => {
    fake.seed('centers', '321000', { ...center('321000', { live: true }) });
    await expect(store.centers.get('321000')).resolves.toEqual({ ...center('321000', { live: true }), counter: null });
    const [request] = fake.requests;
    expect(request).toMatchObject({ action: 'database.getDocument', collection: 'centers', query: { _id: '321000' } });
    expect(request?.body.queryType).toBe('DOC');
  });

  it('upsertCatalog sets a new center and updates the catalog fields of a known one without touching live', async () => {
    fake.seed('centers', '321000', { ...center('321000', { live: true }) });
    await store.centers.upsertCatalog([
      center('321000', { name: '扬州市住房公积金中心', live: false }),
      center('320100', { name: '南京住房公积金管理中心', city: '南京市', phone: '025-12329', live: true }),
    ]);

    const [idRead] = fake.sent('getDocument', 'centers');
    expect(idRead?.projection).toEqual({ _id: 1 });
    expect(idRead?.body.limit).toBe(1000);

    const writes = fake.sent('modifyDocument', 'centers');
    expect(writes).toHaveLength(2);
    const setNew = writes.find((w) => same(w.query, { _id: '320100' }));
    expect(setNew?.body).toMatchObject({ merge: false, upsert: true });
    expect(setNew?.data).toEqual(center('320100', { name: '南京住房公积金管理中心', city: '南京市', phone: '025-12329', live: true }));

    const updateKnown = writes.find((w) => same(w.query, { _id: '321000' }));
    expect(updateKnown?.body).toMatchObject({ merge: true, upsert: false });
    const { live: _omitted, ...catalogFields } = center('321000', { name: '扬州市住房公积金中心' });
    expect(updateKnown?.data).toEqual({ $set: catalogFields });

    await expect(store.centers.get('321000')).resolves.toEqual({ ...center('321000', { name: '扬州市住房公积金中心', live: true }), counter: null });
    await expect(store.centers.get('320100')).resolves.toMatchObject({ name: '南京住房公积金管理中心', live: true });
  });

  it('setCounter replaces the counter field of the center document whole, and get and list answer it', async () => {
    const hall = { address: '扬州市文昌西路 1 号', hours: '工作日 9:00-17:00' };
    fake.seed('centers', '321000', { ...center('321000'), counter: { address: '旧地址 9 号', hours: '周一至周五', note: '旧' } });
    await store.centers.setCounter('321000', hall);
    const [write] = fake.sent('modifyDocument', 'centers');
    expect(write).toMatchObject({ query: { _id: '321000' }, data: { $set: { counter: hall } } });
    expect(write?.body.merge).toBe(true);
    expect(fake.collection('centers').get('321000')?.counter).toEqual(hall);
    await expect(store.centers.get('321000')).resolves.toMatchObject({ code: '321000', counter: hall });
    await expect(store.centers.list()).resolves.toEqual([{ ...center('321000'), counter: hall }]);
  });

  it('upsertCatalog keeps the counter of a known center', async () => {
    const hall = { address: '扬州市文昌西路 1 号', hours: '工作日 9:00-17:00' };
    fake.seed('centers', '321000', { ...center('321000'), counter: hall });
    await store.centers.upsertCatalog([center('321000', { name: '扬州市住房公积金中心' })]);
    const [write] = fake.sent('modifyDocument', 'centers');
    expect(Object.keys((write?.data as Obj).$set as Obj)).not.toContain('counter');
    await expect(store.centers.get('321000')).resolves.toMatchObject({ name: '扬州市住房公积金中心', counter: hall });
  });

  it('upsertCatalog of nothing sends nothing', async () => {
    await store.centers.upsertCatalog([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('list pages by code with limit 1000 and stops after a short page', async () => {
    const codes = Array.from({ length: 1003 }, (_, i) => String(100000 + i));
    for (const code of [...codes].reverse()) fake.seed('centers', code, { ...center(code) });

    const all = await store.centers.list();

    expect(all.map((c) => c.code)).toEqual(codes);
    const pages = fake.sent('getDocument', 'centers');
    expect(pages).toHaveLength(2);
    expect(pages.map((p) => p.body.limit)).toEqual([1000, 1000]);
    expect(pages.map((p) => p.body.offset ?? 0)).toEqual([0, 1000]);
    expect(pages.every((p) => same(p.order, { code: 1 }))).toBe(true);
  });

  it('setLive updates only the live field of the center document', async () => {
    fake.seed('centers', '321000', { ...center('321000') });
    await store.centers.setLive('321000', true);
    const [write] = fake.sent('modifyDocument', 'centers');
    expect(write).toMatchObject({ query: { _id: '321000' }, data: { $set: { live: true } } });
    expect(write?.body.merge).toBe(true);
    await expect(store.centers.get('321000')).resolves.toMatchObject({ live: true });
  });
});

describe('links', () => {
  it('put writes the whole link document 321000:1 in the links collection', async () => {
    await store.links.put('321000', { item: 1, kind: 'web', url: 'https://gjj.yangzhou.gov.cn/query', healthy: true });
    const [write] = fake.sent('modifyDocument', 'links');
    expect(write?.query).toEqual({ _id: '321000:1' });
    expect(write?.body).toMatchObject({ merge: false, upsert: true });
    expect(write?.data).toMatchObject({ centerCode: '321000', item: 1, kind: 'web', url: 'https://gjj.yangzhou.gov.cn/query', healthy: true });
    expect(millis((write?.data as Obj).updatedAt)).toEqual(expect.any(Number));
  });

  it('put replaces the link before it, and listForCenter returns the center links ordered by item', async () => {
    await store.links.put('321000', { item: 3, kind: 'web', url: 'https://gjj.yangzhou.gov.cn/retire', healthy: true });
    await store.links.put('321000', { item: 1, kind: 'web', url: 'https://gjj.yangzhou.gov.cn/query', healthy: true });
    await store.links.put('321000', { item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: false });
    await store.links.put('320100', { item: 2, kind: 'web', url: 'https://gjj.nanjing.gov.cn/proof', healthy: true });
    fake.requests.length = 0;

    await expect(store.links.listForCenter('321000')).resolves.toEqual([
      { item: 1, kind: 'web', url: 'https://gjj.yangzhou.gov.cn/query', healthy: true },
      { item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: false },
    ]);
    expect(fake.collection('links').get('321000:3')).not.toHaveProperty('url');
    const [read] = fake.sent('getDocument', 'links');
    expect(read).toMatchObject({ query: { centerCode: '321000' }, order: { item: 1 } });
    expect(read?.body.limit).toBe(1000);
  });
});

describe('item routes', () => {
  it('put of an in-app or counter route writes the link document without a channel or health, replacing a web link', async () => {
    await store.links.put('321000', { item: 5, kind: 'web', url: 'https://gjj.yangzhou.gov.cn/change', healthy: true });
    await store.links.put('321000', { item: 5, kind: 'in-app' });
    await store.links.put('321000', { item: 6, kind: 'counter' });
    const writes = fake.sent('modifyDocument', 'links');
    expect(writes[1]?.query).toEqual({ _id: '321000:5' });
    expect(writes[1]?.body).toMatchObject({ merge: false, upsert: true });
    const stored = fake.collection('links').get('321000:5');
    expect(stored).toMatchObject({ centerCode: '321000', item: 5, kind: 'in-app' });
    expect(stored).not.toHaveProperty('url');
    expect(stored).not.toHaveProperty('healthy');
    await expect(store.links.listForCenter('321000')).resolves.toEqual([
      { item: 5, kind: 'in-app' },
      { item: 6, kind: 'counter' },
    ]);
  });
});

describe('jumps', () => {
  const from = new Date('2026-04-01T00:00:00+08:00');
  const to = new Date('2026-05-01T00:00:00+08:00');

  it('record adds a document to jumps with the time as a date', async () => {
    await store.jumps.record({ centerCode: '321000', item: 1, outcome: 'web', at: from });
    const [insert] = fake.sent('insertDocument', 'jumps');
    expect(insert?.data).toEqual([{ centerCode: '321000', item: 1, outcome: 'web', at: ejsonDate(from) }]);
  });

  it('count sends a count on jumps naming the center and both date bounds, from inclusive and to exclusive', async () => {
    const at = (iso: string) => new Date(iso);
    await store.jumps.record({ centerCode: '321000', item: 1, outcome: 'web', at: from });
    await store.jumps.record({ centerCode: '321000', item: 3, outcome: 'unavailable', at: at('2026-04-15T10:00:00+08:00') });
    await store.jumps.record({ centerCode: '321000', item: 1, outcome: 'web', at: to });
    await store.jumps.record({ centerCode: '321000', item: 1, outcome: 'web', at: at('2026-03-31T23:59:59+08:00') });
    await store.jumps.record({ centerCode: '320100', item: 1, outcome: 'web', at: at('2026-04-15T10:00:00+08:00') });

    await expect(store.jumps.count({ centerCode: '321000', from, to })).resolves.toBe(2);

    const [count] = fake.sent('calculateDocument');
    expect(count?.collection).toBe('jumps');
    expect(count?.query).toEqual({
      centerCode: '321000',
      $and: [{ at: { $gte: ejsonDate(from) } }, { at: { $lt: ejsonDate(to) } }],
    });
  });

  it('count filters by item and by a single bound, and counts everything without a filter', async () => {
    await store.jumps.record({ centerCode: '321000', item: 1, outcome: 'web', at: from });
    await store.jumps.record({ centerCode: '321000', item: 3, outcome: 'web', at: to });
    await store.jumps.record({ centerCode: '320100', item: 1, outcome: 'miniprogram', at: to });

    await expect(store.jumps.count({ item: 1 })).resolves.toBe(2);
    await expect(store.jumps.count({ from: to })).resolves.toBe(2);
    await expect(store.jumps.count({ to })).resolves.toBe(1);
    await expect(store.jumps.count({})).resolves.toBe(3);
    expect(fake.sent('calculateDocument', 'jumps').map((r) => r.query)).toEqual([
      { item: 1 },
      { at: { $gte: ejsonDate(to) } },
      { at: { $lt: ejsonDate(to) } },
      undefined,
    ]);
  });
});

describe('roles', () => {
  it('rolesOf an unknown openid reads the roles document of that openid and returns no grants', async () => {
    await expect(store.roles.rolesOf('o-unknown')).resolves.toEqual([]);
    expect(fake.sent('getDocument', 'roles')).toMatchObject([{ query: { _id: 'o-unknown' } }]);
  });

  it('grant adds to the grants of the openid in a single-document transaction, once per grant', async () => {
    await store.roles.grant('o-1', { role: 'tester', province: '320000' });
    expectOneDocumentTransaction();
    expect(fake.sent('modifyDocument', 'roles')[0]).toMatchObject({ query: { _id: 'o-1' }, data: { grants: [{ role: 'tester', province: '320000' }] } });

    await store.roles.grant('o-1', { role: 'center-staff', centerCode: '321000' });
    await store.roles.grant('o-1', { role: 'tester', province: '320000' });
    expect(fake.sent('modifyDocument', 'roles')).toHaveLength(2);

    await expect(store.roles.rolesOf('o-1')).resolves.toEqual([{ role: 'center-staff', centerCode: '321000' }, { role: 'tester', province: '320000' }]);
    await expect(store.roles.rolesOf('o-2')).resolves.toEqual([]);
  });

  it('reads a tester grant stored without a province (before issue 15) as absent, reporting it in the log once', async () => {
    const T = new Date('2026-11-20T02:00:00Z');
    const warnings: [Record<string, unknown>, string][] = [];
    const own = site.open((detail, message) => warnings.push([detail, message]));
    fake.seed('roles', 'o-old-tester', {
      grants: [{ role: 'tester' }, { role: 'center-staff', centerCode: '321000' }],
      records: [
        { role: 'tester', displayName: null, grantedAt: ejsonDate(T), grantedBy: 'sup', revokedAt: null, revokedBy: null },
        { role: 'center-staff', centerCode: '321000', displayName: null, grantedAt: ejsonDate(T), grantedBy: 'sup', revokedAt: null, revokedBy: null },
      ],
    });
    await expect(own.roles.rolesOf('o-old-tester')).resolves.toEqual([{ role: 'center-staff', centerCode: '321000' }]);
    expect((await own.roles.recordsOf('o-old-tester')).map((r) => r.grant)).toEqual([{ role: 'center-staff', centerCode: '321000' }]);
    expect((await own.roles.list()).filter((r) => r.openid === 'o-old-tester').map((r) => r.grant)).toEqual([{ role: 'center-staff', centerCode: '321000' }]);
    expect(warnings).toEqual([[{ collection: 'roles', documents: 1 }, 'tester grants without a province are ignored: grant these testers again with their province']]);
    expect(JSON.stringify(warnings)).not.toContain('o-old-tester');
    // the person's next change of roles keeps what they hold and drops the unscoped grant
    await own.roles.grant('o-old-tester', { role: 'tester', province: '320000' }, { at: T, by: 'sup' });
    expect(fake.collection('roles').get('o-old-tester')).toMatchObject({ grants: [{ role: 'center-staff', centerCode: '321000' }, { role: 'tester', province: '320000' }] });
    fake.collection('roles').delete('o-old-tester');
  });
});

describe('roles revoked and granted again (issue 11)', () => {
  const T = new Date('2026-11-20T02:00:00Z');
  const later = (ms: number) => new Date(T.getTime() + ms);

  it('revoke ends a role in force in one single-document transaction and keeps it listed with who and when', async () => {
    await store.roles.grant('o-r', { role: 'center-staff', centerCode: '321000' }, { at: T, by: 'sup-1', displayName: '王小明' });
    await store.roles.grant('o-r', { role: 'tester', province: '320000' }, { at: T, by: 'sup-1' });
    const sentBefore = fake.requests.length;
    await expect(store.roles.revoke('o-r', { role: 'center-staff', centerCode: '321000' }, later(1000), 'sup-2')).resolves.toBe(true);
    expect(fake.requests.slice(sentBefore).map((r) => r.action)).toEqual([
      'database.startTransaction',
      'database.getDocument',
      'database.modifyDocument',
      'database.commitTransaction',
    ]);
    await expect(store.roles.revoke('o-r', { role: 'center-staff', centerCode: '321000' }, later(2000), 'sup-2')).resolves.toBe(false);
    await expect(store.roles.revoke('o-nobody', { role: 'tester', province: '320000' }, later(2000), 'sup-2')).resolves.toBe(false);
    await expect(store.roles.rolesOf('o-r')).resolves.toEqual([{ role: 'tester', province: '320000' }]);
    await expect(store.roles.recordsOf('o-r')).resolves.toEqual([
      { openid: 'o-r', grant: { role: 'center-staff', centerCode: '321000' }, displayName: '王小明', grantedAt: T, grantedBy: 'sup-1', revokedAt: later(1000), revokedBy: 'sup-2' },
      { openid: 'o-r', grant: { role: 'tester', province: '320000' }, displayName: null, grantedAt: T, grantedBy: 'sup-1', revokedAt: null, revokedBy: null },
    ]);
    await expect(store.roles.list()).resolves.toHaveLength(2);
    // one center at a time; the revoked one may be granted again
    await expect(store.roles.grant('o-r', { role: 'center-staff', centerCode: '110000' }, { at: later(3000), by: 'sup-1' })).resolves.toEqual({ kind: 'granted' });
    await expect(store.roles.grant('o-r', { role: 'center-staff', centerCode: '321000' }, { at: later(4000), by: 'sup-1' })).resolves.toEqual({ kind: 'staff-elsewhere', centerCode: '110000' });
    await store.roles.revoke('o-r', { role: 'center-staff', centerCode: '110000' }, later(5000), 'sup-1');
    await expect(store.roles.grant('o-r', { role: 'center-staff', centerCode: '321000' }, { at: later(6000), by: 'sup-3' })).resolves.toEqual({ kind: 'granted' });
    await expect(store.roles.rolesOf('o-r')).resolves.toEqual([{ role: 'center-staff', centerCode: '321000' }, { role: 'tester', province: '320000' }]);
  });

  it('reads a roles document written before records were kept: its grants are in force, granted at an unknown time', async () => {
    fake.seed('roles', 'o-old', { grants: [{ role: 'supervisor' }] });
    await expect(store.roles.recordsOf('o-old')).resolves.toEqual([
      { openid: 'o-old', grant: { role: 'supervisor' }, displayName: null, grantedAt: new Date(0), grantedBy: '', revokedAt: null, revokedBy: null },
    ]);
    await expect(store.roles.revoke('o-old', { role: 'supervisor' }, T, 'sup-1')).resolves.toBe(true);
    await expect(store.roles.rolesOf('o-old')).resolves.toEqual([]);
  });

});

describe('attempts checked and recorded in one step (issue 11)', () => {
  const since = new Date('2026-11-19T16:00:00Z');
  const at = new Date('2026-11-20T02:00:00Z');

  it('lets exactly `limit` of 20 parallel attempts through: one counter document per subject and window, in a transaction with the attempt', async () => {
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.attempts.recordIfUnder('invite:race', since, 5, at, 'o-race')));
    expect(outcomes.filter(Boolean)).toHaveLength(5);
    expect(fake.conflicts).toBeGreaterThan(0);
    await expect(store.attempts.failuresSince('invite:race', since)).resolves.toBe(5);
    expect([...fake.collection('attemptCounters').values()]).toMatchObject([{ subject: 'invite:race', count: 5 }]);
  });
});

describe('meta', () => {
  it('set and get round-trip a value through the meta document named by the key', async () => {
    await expect(store.meta.get('catalog-version')).resolves.toBeUndefined();
    await store.meta.set('catalog-version', '2026-04');
    await expect(store.meta.get('catalog-version')).resolves.toBe('2026-04');
    await store.meta.set('catalog-version', '2026-05');
    await expect(store.meta.get('catalog-version')).resolves.toBe('2026-05');

    const writes = fake.sent('modifyDocument', 'meta');
    expect(writes.map((w) => [w.query, w.data])).toEqual([
      [{ _id: 'catalog-version' }, { value: '2026-04' }],
      [{ _id: 'catalog-version' }, { value: '2026-05' }],
    ]);
    expect(fake.sent('getDocument', 'meta').every((r) => same(r.query, { _id: 'catalog-version' }))).toBe(true);
  });
});

describe('identities', () => {
  const verifiedAt = new Date('2026-04-15T10:00:00+08:00');
  const expiresAt = new Date('2027-04-15T10:00:00+08:00');
  const identity = (openid: string, overrides: Partial<IdentityRecord> = {}): IdentityRecord => ({
    openid,
    method: 'face',
    docType: '01',
    nameSealed: 'k1.name-sealed',
    docNumberSealed: 'k1.doc-sealed',
    docLookup: 'lookup-A',
    phoneSealed: null,
    verifiedAt,
    expiresAt,
    ...overrides,
  });
  /** The identity as the identities document stores it (dates as EJSON). */
  const stored = (r: IdentityRecord): Obj => ({ ...r, verifiedAt: ejsonDate(r.verifiedAt), expiresAt: ejsonDate(r.expiresAt) });

  it('get reads the identities document named by the openid and maps it back with dates as dates', async () => {
    fake.seed('identities', 'o-1', stored(identity('o-1', { phoneSealed: 'k1.phone-sealed' })));
    const got = await store.identities.get('o-1');
    expect(got).toEqual(identity('o-1', { phoneSealed: 'k1.phone-sealed' }));
    expect(got?.verifiedAt).toBeInstanceOf(Date);
    const [read] = fake.sent('getDocument', 'identities');
    expect(read).toMatchObject({ query: { _id: 'o-1' } });
    expect(read?.body.queryType).toBe('DOC');
    await expect(store.identities.get('o-unknown')).resolves.toBeUndefined();
  });

  it('holderOf asks identities for the newest verified holder of the docLookup and answers its openid', async () => {
    fake.seed('identities', 'o-1', stored(identity('o-1')));
    fake.seed('identities', 'o-2', stored(identity('o-2', { docLookup: 'lookup-B' })));
    await expect(store.identities.holderOf('lookup-A')).resolves.toBe('o-1');
    await expect(store.identities.holderOf('lookup-C')).resolves.toBeUndefined();
    const [read] = fake.sent('getDocument', 'identities');
    expect(read).toMatchObject({ query: { docLookup: 'lookup-A' }, order: { verifiedAt: -1 }, projection: { openid: 1 } });
    expect(read?.body.limit).toBe(1);
  });

  it('bind with no other holder sets the whole identity document named by the openid and ends nobody', async () => {
    await expect(store.identities.bind(identity('o-1'))).resolves.toEqual({ endedOpenid: undefined });

    expect(fake.requests.map((r) => r.action)).toEqual(['database.getDocument', 'database.modifyDocument']);
    const [find] = fake.sent('getDocument', 'identities');
    expect(find?.query).toEqual({ docLookup: 'lookup-A', openid: { $ne: 'o-1' } });
    const [write] = fake.sent('modifyDocument', 'identities');
    expect(write?.query).toEqual({ _id: 'o-1' });
    expect(write?.body).toMatchObject({ merge: false, upsert: true });
    expect(write?.data).toEqual(stored(identity('o-1')));
    await expect(store.identities.get('o-1')).resolves.toEqual(identity('o-1'));
  });

  it('bind removes the document of the other openid holding the same document and names that openid', async () => {
    fake.seed('identities', 'o-old', stored(identity('o-old')));
    fake.seed('identities', 'o-other', stored(identity('o-other', { docLookup: 'lookup-B' })));

    await expect(store.identities.bind(identity('o-new', { method: 'counter' }))).resolves.toEqual({ endedOpenid: 'o-old' });

    expect(fake.requests.map((r) => r.action)).toEqual(['database.getDocument', 'database.removeDocument', 'database.modifyDocument']);
    const [remove] = fake.sent('removeDocument', 'identities');
    expect(remove?.query).toEqual({ _id: 'o-old', docLookup: 'lookup-A' });
    expect(remove?.body.queryType).toBe('WHERE');
    expect([...fake.collection('identities').keys()].sort()).toEqual(['o-new', 'o-other']);
    await expect(store.identities.holderOf('lookup-A')).resolves.toBe('o-new');
    await expect(store.identities.get('o-old')).resolves.toBeUndefined();
  });

  it('bind of an openid that already holds the document replaces its identity and ends nobody', async () => {
    fake.seed('identities', 'o-1', stored(identity('o-1', { phoneSealed: 'k1.phone-sealed' })));
    const renewed = identity('o-1', { method: 'counter', expiresAt: new Date('2028-04-15T10:00:00+08:00') });
    await expect(store.identities.bind(renewed)).resolves.toEqual({ endedOpenid: undefined });
    expect(fake.sent('removeDocument')).toHaveLength(0);
    await expect(store.identities.get('o-1')).resolves.toEqual(renewed);
  });

  it('bind leaves a holder that re-bound to another document before the removal, and names nobody', async () => {
    fake.seed('identities', 'o-old', stored(identity('o-old')));
    fake.afterAnswer = (r) => {
      // the old holder verifies with another document between the lookup and the removal
      if (r.action === 'database.getDocument') fake.seed('identities', 'o-old', stored(identity('o-old', { docLookup: 'lookup-B' })));
    };
    await expect(store.identities.bind(identity('o-new'))).resolves.toEqual({ endedOpenid: undefined });
    expect(fake.sent('removeDocument', 'identities')).toHaveLength(1);
    expect(fake.collection('identities').get('o-old')).toMatchObject({ docLookup: 'lookup-B' });
  });

  it('setPhone updates only phoneSealed of the identity document, and creates none for an unknown openid', async () => {
    fake.seed('identities', 'o-1', stored(identity('o-1')));
    await store.identities.setPhone('o-1', 'k1.phone-sealed');
    await store.identities.setPhone('o-unknown', 'k1.phone-sealed');

    const writes = fake.sent('modifyDocument', 'identities');
    expect(writes.map((w) => [w.query, w.data, w.body.merge])).toEqual([
      [{ _id: 'o-1' }, { $set: { phoneSealed: 'k1.phone-sealed' } }, true],
      [{ _id: 'o-unknown' }, { $set: { phoneSealed: 'k1.phone-sealed' } }, true],
    ]);
    await expect(store.identities.get('o-1')).resolves.toEqual(identity('o-1', { phoneSealed: 'k1.phone-sealed' }));
    expect(fake.collection('identities').has('o-unknown')).toBe(false);
  });
});

describe('verifications', () => {
  const createdAt = new Date('2026-04-15T10:00:00+08:00');
  const session = (verifyId: string, overrides: Partial<VerificationSession> = {}): VerificationSession => ({
    verifyId,
    outSeqNo: `seq-${verifyId}`,
    openid: 'o-1',
    docType: '01',
    nameSealed: 'k1.name-sealed',
    docNumberSealed: 'k1.doc-sealed',
    docLookup: 'lookup-A',
    createdAt,
    ...overrides,
  });

  it('create adds the session document with the verifyId as its id, and get maps it back', async () => {
    await store.verifications.create(session('v-1'));
    const [insert] = fake.sent('insertDocument', 'verifications');
    expect(insert?.data).toEqual([{ _id: 'v-1', ...session('v-1'), createdAt: ejsonDate(createdAt) }]);

    await expect(store.verifications.get('v-1')).resolves.toEqual(session('v-1'));
    expect(fake.sent('getDocument', 'verifications')).toMatchObject([{ query: { _id: 'v-1' } }]);
    await expect(store.verifications.get('v-unknown')).resolves.toBeUndefined();
  });

  it('create of a verifyId already there is refused and leaves the first session as it was', async () => {
    await store.verifications.create(session('v-1', { outSeqNo: 'first' }));
    await expect(store.verifications.create(session('v-1'))).rejects.toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' });
    await expect(store.verifications.get('v-1')).resolves.toMatchObject({ outSeqNo: 'first' });
  });

  it('keeps no cert_hash and no status: the document holds only sealed fields and the keyed look-up', async () => {
    await store.verifications.create(session('v-1'));
    const stored = fake.collection('verifications').get('v-1');
    expect(Object.keys(stored ?? {}).sort()).toEqual(['_id', 'createdAt', 'docLookup', 'docNumberSealed', 'docType', 'nameSealed', 'openid', 'outSeqNo', 'verifyId']);
  });

  it('remove deletes the session by id once, answering false when it was gone already', async () => {
    await store.verifications.create(session('v-1'));
    fake.requests.length = 0;
    await expect(store.verifications.remove('v-1')).resolves.toBe(true);
    const [removal] = fake.sent('removeDocument', 'verifications');
    expect(removal?.query).toEqual({ _id: 'v-1' });
    await expect(store.verifications.remove('v-1')).resolves.toBe(false);
    await expect(store.verifications.get('v-1')).resolves.toBeUndefined();
  });

  it('removeOlderThan deletes every session created before the cutoff, old documents with a certHash included', async () => {
    await store.verifications.create(session('v-new', { createdAt: new Date(createdAt.getTime() + 3_600_000) }));
    fake.seed('verifications', 'v-old', { verifyId: 'v-old', certHash: 'unkeyed', status: 'verified', createdAt: { $date: { $numberLong: String(createdAt.getTime() - 1) } } });
    await expect(store.verifications.removeOlderThan(createdAt)).resolves.toBe(1);
    expect(fake.sent('removeDocument', 'verifications')[0]?.query).toEqual({ createdAt: { $lt: ejsonDate(createdAt) } });
    expect([...fake.collection('verifications').keys()]).toEqual(['v-new']);
  });
});

describe('counterRequests', () => {
  const createdAt = new Date('2026-04-15T10:00:00+08:00');
  const expiresAt = new Date('2026-04-15T10:30:00+08:00');
  const request = (code: string, overrides: Partial<CounterRequest> = {}): CounterRequest => ({
    code,
    openid: 'o-1',
    docType: '01',
    nameSealed: 'k1.name-sealed',
    docNumberSealed: 'k1.doc-sealed',
    docLookup: 'lookup-A',
    createdAt,
    expiresAt,
    status: 'pending',
    confirmedBy: null,
    centerCode: null,
    confirmedByLookup: null,
    secondConfirmedBy: null,
    ...overrides,
  });

  it('create adds the request document with the code as its id, and get maps it back', async () => {
    await store.counterRequests.create(request('123456'));
    const [insert] = fake.sent('insertDocument', 'counterRequests');
    expect(insert?.data).toEqual([{ _id: '123456', ...request('123456'), createdAt: ejsonDate(createdAt), expiresAt: ejsonDate(expiresAt) }]);

    await expect(store.counterRequests.get('123456')).resolves.toEqual(request('123456'));
    expect(fake.sent('getDocument', 'counterRequests')).toMatchObject([{ query: { _id: '123456' } }]);
    await expect(store.counterRequests.get('000000')).resolves.toBeUndefined();
  });

  it('confirm moves a pending request in a single-document transaction, and confirming it again answers false', async () => {
    await store.counterRequests.create(request('123456'));
    fake.requests.length = 0;

    await expect(store.counterRequests.confirm('123456', 'o-staff', 'C1')).resolves.toBe(true);
    expectOneDocumentTransaction();
    expect(fake.sent('getDocument', 'counterRequests')[0]?.query).toEqual({ _id: '123456' });
    expect(fake.sent('modifyDocument', 'counterRequests')[0]).toMatchObject({
      query: { _id: '123456' },
      data: { $set: { status: 'confirmed', confirmedBy: 'o-staff', centerCode: 'C1' } },
    });
    await expect(store.counterRequests.get('123456')).resolves.toEqual(
      request('123456', { status: 'confirmed', confirmedBy: 'o-staff', centerCode: 'C1' }),
    );
    fake.requests.length = 0;

    await expect(store.counterRequests.confirm('123456', 'o-other', 'C2')).resolves.toBe(false);
    expect(fake.requests.map((r) => r.action)).toEqual(['database.startTransaction', 'database.getDocument', 'database.commitTransaction']);
    await expect(store.counterRequests.get('123456')).resolves.toMatchObject({ confirmedBy: 'o-staff', centerCode: 'C1' });
  });

  it('confirm can leave a request awaiting a second staff member, whom confirmSecond needs to be someone else', async () => {
    await store.counterRequests.create(request('123456'));
    await expect(store.counterRequests.confirm('123456', 'o-staff', 'C1', 'awaiting-second')).resolves.toBe(true);
    await expect(store.counterRequests.get('123456')).resolves.toEqual(request('123456', { status: 'awaiting-second', confirmedBy: 'o-staff', centerCode: 'C1' }));
    await expect(store.counterRequests.confirm('123456', 'o-other', 'C1')).resolves.toBe(false);
    fake.requests.length = 0;
    await expect(store.counterRequests.confirmSecond('123456', 'o-staff')).resolves.toBe(false);
    expect(fake.sent('modifyDocument')).toHaveLength(0);
    fake.requests.length = 0;
    await expect(store.counterRequests.confirmSecond('123456', 'o-second')).resolves.toBe(true);
    expectOneDocumentTransaction();
    expect(fake.sent('modifyDocument', 'counterRequests')[0]).toMatchObject({ query: { _id: '123456' }, data: { $set: { status: 'confirmed', secondConfirmedBy: 'o-second' } } });
    await expect(store.counterRequests.confirmSecond('123456', 'o-third')).resolves.toBe(false);
    await expect(store.counterRequests.get('123456')).resolves.toEqual(
      request('123456', { status: 'confirmed', confirmedBy: 'o-staff', centerCode: 'C1', secondConfirmedBy: 'o-second' }),
    );
  });

  it('confirmSecond refuses a staff account whose identity key is the first confirmer’s', async () => {
    await store.counterRequests.create(request('777777'));
    await expect(store.counterRequests.confirm('777777', 'o-staff', 'C1', 'awaiting-second', 'key-1')).resolves.toBe(true);
    await expect(store.counterRequests.get('777777')).resolves.toMatchObject({ confirmedByLookup: 'key-1' });
    fake.requests.length = 0;
    await expect(store.counterRequests.confirmSecond('777777', 'o-alias', 'key-1')).resolves.toBe(false);
    expect(fake.sent('modifyDocument')).toHaveLength(0);
    await expect(store.counterRequests.confirmSecond('777777', 'o-second', 'key-2')).resolves.toBe(true);
  });

  it('reopen takes back a first confirmation by its own staff member only, in one document transaction', async () => {
    await store.counterRequests.create(request('654321'));
    await expect(store.counterRequests.confirm('654321', 'o-staff', 'C1', 'awaiting-second')).resolves.toBe(true);
    fake.requests.length = 0;
    await expect(store.counterRequests.reopen('654321', 'o-other')).resolves.toBe(false);
    expect(fake.sent('modifyDocument')).toHaveLength(0);
    fake.requests.length = 0;
    await expect(store.counterRequests.reopen('654321', 'o-staff')).resolves.toBe(true);
    expectOneDocumentTransaction();
    expect(fake.sent('modifyDocument', 'counterRequests')[0]).toMatchObject({ query: { _id: '654321' }, data: { $set: { status: 'pending', confirmedBy: null, centerCode: null } } });
    await expect(store.counterRequests.get('654321')).resolves.toEqual(request('654321'));
    await expect(store.counterRequests.reopen('654321', 'o-staff')).resolves.toBe(false);
  });

  it('reads a request stored before two-staff confirmations (no secondConfirmedBy) as confirmed by one', async () => {
    const { secondConfirmedBy: _none, ...old } = request('OLD00001', { status: 'confirmed', confirmedBy: 'o-staff', centerCode: 'C1' });
    fake.seed('counterRequests', 'OLD00001', { _id: 'OLD00001', ...old, createdAt: ejsonDate(createdAt), expiresAt: ejsonDate(expiresAt) });
    await expect(store.counterRequests.get('OLD00001')).resolves.toMatchObject({ status: 'confirmed', secondConfirmedBy: null });
  });

  it('confirm of an unknown code answers false and writes nothing', async () => {
    await expect(store.counterRequests.confirm('000000', 'o-staff', 'C1')).resolves.toBe(false);
    expect(fake.sent('modifyDocument')).toHaveLength(0);
    expect(fake.collection('counterRequests').size).toBe(0);
  });
});

describe('attempts', () => {
  const since = new Date('2026-04-15T10:00:00+08:00');

  it('recordFailure adds the subject, the time as a date and whose attempt it was to attempts', async () => {
    await store.attempts.recordFailure('openid:o-1', since, 'o-1');
    expect(fake.sent('insertDocument', 'attempts')[0]?.data).toEqual([{ subject: 'openid:o-1', at: ejsonDate(since), openid: 'o-1' }]);
  });

  it('failuresSince counts the attempts of the subject at or after since', async () => {
    const before = new Date(since.getTime() - 1);
    const after = new Date(since.getTime() + 60_000);
    await store.attempts.recordFailure('openid:o-1', before, 'o-1');
    await store.attempts.recordFailure('openid:o-1', since, 'o-1');
    await store.attempts.recordFailure('openid:o-1', after, 'o-1');
    await store.attempts.recordFailure('doc:lookup-A', after, 'o-1');

    await expect(store.attempts.failuresSince('openid:o-1', since)).resolves.toBe(2);
    await expect(store.attempts.failuresSince('openid:o-2', since)).resolves.toBe(0);
    const [count] = fake.sent('calculateDocument', 'attempts');
    expect(count?.query).toEqual({ subject: 'openid:o-1', at: { $gte: ejsonDate(since) } });
  });

  it('unbinding removes the attempts naming the person recorded before attempts held an openid, and their window counters (review 1 of session 9, finding 7)', async () => {
    const at = ejsonDate(since);
    fake.seed('attempts', 'old-1', { subject: 'start:doc:lookup-V:openid:o-1', at });
    fake.seed('attempts', 'old-2', { subject: 'try:face:openid:o-1', at });
    fake.seed('attempts', 'old-other', { subject: 'start:doc:lookup-V', at });
    fake.seed('attempts', 'old-o-10', { subject: 'start:openid:o-10', at });
    fake.seed('attemptCounters', 'old-counter', { subject: 'try:face:openid:o-1', since: at, count: 1 });
    await store.identities.bind({ openid: 'o-1', method: 'face', docType: '01', nameSealed: 'n', docNumberSealed: 'd', docLookup: 'lookup-A', phoneSealed: null, verifiedAt: since, expiresAt: since });

    await expect(store.privacy.unbind('o-1', since)).resolves.toBe(true);
    expect([...fake.collection('attempts').keys()].sort()).toEqual(['old-o-10', 'old-other']);
    expect(fake.collection('attemptCounters').size).toBe(0);
  });
});

describe('consents', () => {
  const at = new Date('2026-04-15T10:00:00+08:00');
  const later = new Date('2026-04-16T10:00:00+08:00');

  it('record adds the openid, version, time and a seq to consents', async () => {
    await store.consents.record({ openid: 'o-1', version: '2026-04', at });
    const [insert] = fake.sent('insertDocument', 'consents');
    expect(insert?.data).toEqual([{ openid: 'o-1', version: '2026-04', at: ejsonDate(at), seq: expect.any(String) }]);
  });

  it('latest asks consents of the openid for one document, newest time then seq first, and maps it back', async () => {
    await store.consents.record({ openid: 'o-1', version: '2026-05', at: later });
    await store.consents.record({ openid: 'o-1', version: '2026-04', at });
    await store.consents.record({ openid: 'o-2', version: '2026-06', at: new Date('2026-04-17T10:00:00+08:00') });
    fake.requests.length = 0;

    await expect(store.consents.latest('o-1')).resolves.toEqual({ openid: 'o-1', version: '2026-05', at: later });
    const [read] = fake.sent('getDocument', 'consents');
    expect(read).toMatchObject({ query: { openid: 'o-1' }, order: { at: -1, seq: -1 } });
    expect(Object.keys(read?.order as Obj)).toEqual(['at', 'seq']);
    expect(read?.body.limit).toBe(1);
    await expect(store.consents.latest('o-3')).resolves.toBeUndefined();
  });

});

describe('audit', () => {
  const t = (minute: number) => new Date(Date.UTC(2026, 3, 15, 2, minute));
  const entry = (minute: number, action: string, subject = 'openid:o-1') => ({ at: t(minute), actor: 'o-admin', action, subject, detail: `{"n":${minute}}` });

  it('append adds the entry with its time as a date and a seq to audit', async () => {
    await store.audit.append(entry(0, 'identity.bind'));
    const [insert] = fake.sent('insertDocument', 'audit');
    expect(insert?.data).toEqual([{ ...entry(0, 'identity.bind'), at: ejsonDate(t(0)), seq: expect.any(String) }]);
  });

  it('listFor pages the entries of the subject by time, then by seq for equal times, oldest first', async () => {
    await store.audit.append(entry(5, 'identity.unbind'));
    await store.audit.append(entry(1, 'identity.bind'));
    await store.audit.append(entry(5, 'phone.set'));
    await store.audit.append(entry(3, 'identity.bind', 'openid:o-2'));
    fake.requests.length = 0;

    await expect(store.audit.listFor('openid:o-1')).resolves.toEqual([entry(1, 'identity.bind'), entry(5, 'identity.unbind'), entry(5, 'phone.set')]);
    const [read] = fake.sent('getDocument', 'audit');
    expect(read).toMatchObject({ query: { subject: 'openid:o-1' }, order: { at: 1, seq: 1 } });
    expect(Object.keys(read?.order as Obj)).toEqual(['at', 'seq']);
    expect(read?.body.limit).toBe(1000);
    await expect(store.audit.listFor('openid:o-3')).resolves.toEqual([]);
  });

  it('nextSeq sorts in the order it was made, within one millisecond and when the clock goes back', () => {
    const now = Date.now();
    const made = [nextSeq(now), nextSeq(now), nextSeq(now - 1000), nextSeq(now + 1)];
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });
});

// ---------------------------------------------------------------------------------------------------------
// applications, outbox, endpoints

const T0 = new Date('2026-04-15T10:00:00+08:00');
const minutes = (m: number) => new Date(T0.getTime() + m * 60_000);
const LETTER_PREFIX = '321000260415';

function application(id: string, overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return {
    id,
    type: 'transfer',
    openid: 'o-1',
    requestId: `req-${id}`,
    status: 'submitted',
    platformCode: null,
    responsibleCenter: '321000',
    centers: [
      { code: '321000', role: 'transfer-in' },
      { code: '320100', role: 'transfer-out' },
    ],
    inFlightKey: `o-1:transfer:321000:${id}`,
    letterNumber: null,
    applicant: { docType: '01', nameSealed: 'k1.name-sealed', docNumberSealed: 'k1.doc-sealed' },
    payloadSealed: 'k1.payload-sealed',
    acceptBy: '2026-04-20',
    acceptByProvisional: false,
    targetBy: null,
    targetProvisional: false,
    payment: null,
    test: false,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function appEvent(applicationId: string, overrides: Partial<ApplicationEventRecord> = {}): ApplicationEventRecord {
  return {
    applicationId,
    at: T0,
    actor: 'employee',
    actorId: 'o-1',
    from: null,
    to: 'submitted',
    platformCode: null,
    centerCode: null,
    message: '提交申请',
    ...overrides,
  };
}

function outboxRecord(id: string, applicationId: string, overrides: Partial<OutboxRecord> = {}): OutboxRecord {
  return {
    id,
    applicationId,
    centerCode: '321000',
    type: 'application.submitted',
    createdAt: T0,
    dueAt: T0,
    attempts: 0,
    state: 'pending',
    lastError: null,
    deliveredAt: null,
    ...overrides,
  };
}

function resultDocument(id: string, applicationId: string, overrides: Partial<DocumentRecord> = {}): DocumentRecord {
  return {
    id,
    applicationId,
    centerCode: '321000',
    name: '联系函.pdf',
    contentType: 'application/pdf',
    sha256: 'ab'.repeat(32),
    size: 2048,
    storageKey: `documents/${applicationId}/${id}`,
    at: minutes(5),
    ...overrides,
  };
}

/** The center's acceptance of a-1, from submitted, with a result document and the webhook-id cb-1. */
const accept = (overrides: Partial<Transition> = {}): Transition => ({
  id: 'a-1',
  expected: { status: 'submitted', platformCode: null },
  next: { status: 'accepted', platformCode: '01' },
  event: appEvent('a-1', { at: minutes(5), actor: 'center', actorId: '321000', from: 'submitted', to: 'accepted', platformCode: '01', centerCode: '321000', message: '联系函复核通过' }),
  documents: [resultDocument('d-1', 'a-1')],
  receipt: { centerCode: '321000', webhookId: 'cb-1' },
  ...overrides,
});

/** [action, collection, document id] of each request since the last reset, in order. */
function trace(requests: readonly SentRequest[] = fake.requests): [string, string | null, string | null][] {
  return requests.map((r) => [
    r.action.replace(/^database\./, ''),
    r.collection ?? null,
    isObj(r.query) && typeof r.query._id === 'string' && r.body.queryType === 'DOC' ? r.query._id : null,
  ]);
}

/** The requests since the last reset were one transaction: started first, committed last, all of it under one id. */
function expectOneTransaction(): void {
  expect(fake.requests[0]?.action).toBe('database.startTransaction');
  expect(fake.requests.at(-1)?.action).toBe('database.commitTransaction');
  const ids = new Set(fake.requests.slice(1).map((r) => r.body.transactionId));
  expect(ids.size).toBe(1);
  expect([...ids][0]).toMatch(/^tx-/);
}

/** The requests since the last reset that write. */
const writes = () => fake.requests.filter((r) => ['database.modifyDocument', 'database.removeDocument', 'database.insertDocument'].includes(r.action));

/** Every document of every collection, to compare before and after a call that must write nothing (reads make empty ones). */
const snapshot = () => JSON.stringify([...fake.collections].filter(([, docs]) => docs.size > 0).map(([name, docs]) => [name, [...docs]]));

/** The application as its document stores it (dates as EJSON), before the fields create adds. */
/** As the adapter writes it: dates in EJSON, the payment in two flat fields. */
const storedApplication = ({ payment, ...app }: ApplicationRecord): Obj => ({
  ...app,
  paymentAmount: payment?.amount ?? null,
  paymentPaidOn: payment?.paidOn ?? null,
  createdAt: ejsonDate(app.createdAt),
  updatedAt: ejsonDate(app.updatedAt),
});

/** a-1 with one event and the given outbox records, then forget the requests. */
async function createA1(records: OutboxRecord[] = [outboxRecord('wh-1', 'a-1')]): Promise<void> {
  await expect(store.applications.create(application('a-1'), [appEvent('a-1')], records, LETTER_PREFIX)).resolves.toMatchObject({ kind: 'created' });
  fake.requests.length = 0;
}

/** The document of application `id`, as the fake keeps it. */
const stored = (id: string): Obj => fake.collection('applications').get(id) ?? {};

/** The updates by query sent since the last reset: [query, data] of each. */
const updates = () => fake.sent('modifyDocument', 'applications').map((r) => [r.query, r.data]);

describe('applications', () => {
  // each test a new function instance: the letter numbers it knows start from what is stored
  beforeEach(() => {
    store = site.open();
  });

  it('create is one insert of one document holding the application, its events and outbox, its unique slots and letter number', async () => {
    const app = application('a-1');
    const event = appEvent('a-1');
    const record = outboxRecord('wh-1', 'a-1');
    await expect(store.applications.create(app, [event], [record], LETTER_PREFIX)).resolves.toEqual({ kind: 'created', letterNumber: '3210002604150001' });
    // the highest number under the prefix read once by this instance, then one insert (issue 16, point 9)
    expect(trace()).toEqual([
      ['getDocument', 'applications', null],
      ['insertDocument', 'applications', null],
    ]);
    expect(fake.sent('getDocument', 'applications')[0]).toMatchObject({ query: { letterPrefix: LETTER_PREFIX }, order: { letterSeq: -1 } });
    expect(fake.requests.some((r) => r.body.transactionId !== undefined)).toBe(false);
    const { events, outbox, ...fields } = stored('a-1');
    expect(fields).toEqual({
      ...storedApplication(app),
      _id: 'a-1',
      letterNumber: '3210002604150001',
      centerCodes: ['321000', '320100'],
      inFlightSlot: 'o-1:transfer:321000:a-1',
      letterSlot: '3210002604150001',
      letterPrefix: LETTER_PREFIX,
      letterSeq: 1,
      receipts: [],
      documents: [],
      outboxIds: ['wh-1'],
      relayAt: ejsonDate(T0),
      outboxDead: false,
      rev: 1,
    });
    expect(events).toEqual([{ at: ejsonDate(T0), actor: 'employee', actorId: 'o-1', from: null, to: 'submitted', platformCode: null, centerCode: null, message: '提交申请', reason: null, contact: null }]);
    expect(outbox).toEqual([{ id: 'wh-1', centerCode: '321000', type: 'application.submitted', createdAt: ejsonDate(T0), dueAt: ejsonDate(T0), attempts: 0, state: 'pending', lastError: null, deliveredAt: null, leaseUntil: null, attemptLog: [] }]);

    await expect(store.applications.get('a-1')).resolves.toEqual({ ...app, letterNumber: '3210002604150001' });
    await expect(store.applications.events('a-1')).resolves.toEqual([event]);
    await expect(store.outbox.listForApplication('a-1')).resolves.toEqual([record]);
    await expect(store.applications.get('a-unknown')).resolves.toBeUndefined();
  });

  it('create numbers letters per prefix from the highest it knows stored, reading it once, and takes the next when another instance stored one first', async () => {
    await store.applications.create(application('a-1'), [], [], LETTER_PREFIX);
    fake.requests.length = 0;
    await expect(store.applications.create(application('a-2'), [], [], LETTER_PREFIX)).resolves.toEqual({ kind: 'created', letterNumber: '3210002604150002' });
    expect(trace()).toEqual([['insertDocument', 'applications', null]]);
    await expect(store.applications.create(application('a-3'), [], [], '110000260415')).resolves.toEqual({ kind: 'created', letterNumber: '1100002604150001' });
    // another instance numbers under the prefix: this one's next number is refused by the unique letterSlot, read again
    await expect(site.open().applications.create(application('a-4'), [], [], LETTER_PREFIX)).resolves.toEqual({ kind: 'created', letterNumber: '3210002604150003' });
    await expect(store.applications.create(application('a-5'), [], [], LETTER_PREFIX)).resolves.toEqual({ kind: 'created', letterNumber: '3210002604150004' });
    // a refused create takes no number
    await expect(store.applications.create(application('a-6', { requestId: 'req-a-5' }), [], [], LETTER_PREFIX)).resolves.toEqual({ kind: 'duplicate', id: 'a-5' });
    await expect(store.applications.create(application('a-7'), [], [], LETTER_PREFIX)).resolves.toEqual({ kind: 'created', letterNumber: '3210002604150005' });
    fake.requests.length = 0;
    await expect(store.applications.create(application('a-8'), [], [], null)).resolves.toEqual({ kind: 'created', letterNumber: null });
    expect(trace()).toEqual([['insertDocument', 'applications', null]]);
    expect(stored('a-8')).toMatchObject({ letterNumber: null, letterSlot: '-a-8' });
    expect(stored('a-8').letterPrefix).toBeUndefined();
  });

  it('create of a repeated (openid, requestId) or a held in-flight key answers the holder, found by its unique index, and writes nothing', async () => {
    await createA1();
    const before = snapshot();
    const again = application('a-2', { requestId: 'req-a-1', inFlightKey: 'o-1:transfer:110000' });
    await expect(store.applications.create(again, [appEvent('a-2')], [outboxRecord('wh-2', 'a-2')], LETTER_PREFIX)).resolves.toEqual({ kind: 'duplicate', id: 'a-1' });
    // the insert refused, then who holds which key, asked at once
    expect(fake.sent('insertDocument', 'applications')).toHaveLength(1);
    expect(fake.sent('getDocument', 'applications').map((r) => r.query)).toEqual([{ openid: 'o-1', requestId: 'req-a-1' }, { inFlightSlot: 'o-1:transfer:110000' }, { letterSlot: '3210002604150002' }]);
    const other = application('a-3', { inFlightKey: 'o-1:transfer:321000:a-1' });
    await expect(store.applications.create(other, [appEvent('a-3')], [], LETTER_PREFIX)).resolves.toEqual({ kind: 'in-flight', id: 'a-1' });
    expect(snapshot()).toBe(before);
  });

  it('creates one application of 20 racing copies of one request, and one of 10 racing requests holding one in-flight key', async () => {
    const copies = Array.from({ length: 20 }, (_, i) => application(`a-copy-${i}`, { requestId: 'req-copy' }));
    const outcomes = await Promise.all(copies.map((a) => store.applications.create(a, [appEvent(a.id)], [outboxRecord(`wh-copy-${a.id}`, a.id)], LETTER_PREFIX)));
    const created = copies.filter((_, i) => outcomes[i].kind === 'created');
    expect(created).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind !== 'created')).toEqual(Array.from({ length: 19 }, () => ({ kind: 'duplicate', id: created[0].id })));

    const rivals = Array.from({ length: 10 }, (_, i) => application(`a-rival-${i}`, { requestId: `req-rival-${i}`, inFlightKey: 'o-1:transfer:110000' }));
    // two instances: the letter numbers meet in the unique index too
    const other = site.open();
    const raced = await Promise.all(rivals.map((a, i) => (i % 2 ? other : store).applications.create(a, [appEvent(a.id)], [], LETTER_PREFIX)));
    const holder = rivals.filter((_, i) => raced[i].kind === 'created');
    expect(holder).toHaveLength(1);
    expect(raced.filter((o) => o.kind !== 'created')).toEqual(Array.from({ length: 9 }, () => ({ kind: 'in-flight', id: holder[0].id })));
    expect([...fake.collection('applications').keys()].sort()).toEqual([created[0].id, holder[0].id].sort());
    expect([...fake.collection('applications').values()].map((d) => d.letterNumber).sort()).toEqual(['3210002604150001', '3210002604150002']);
  });

  it('create of an application id already there rejects and leaves nothing written', async () => {
    await createA1();
    const before = snapshot();
    await expect(store.applications.create(application('a-1', { requestId: 'req-other', inFlightKey: 'other' }), [], [], LETTER_PREFIX)).rejects.toThrow(/a-1 conflicts/);
    expect(snapshot()).toBe(before);
  });

  it('listByApplicant and listForCenter page the applications of the openid / center, newest first', async () => {
    await store.applications.create(application('a-1'), [], [], null);
    await store.applications.create(application('a-2', { createdAt: minutes(1), centers: [{ code: '110000', role: 'transfer-in' }, { code: '320100', role: 'transfer-out' }] }), [], [], null);
    await store.applications.create(application('a-3', { openid: 'o-2', createdAt: minutes(2), centers: [{ code: '321000', role: 'transfer-in' }, { code: '110000', role: 'transfer-out' }] }), [], [], null);
    fake.requests.length = 0;

    await expect(store.applications.listByApplicant('o-1')).resolves.toMatchObject([{ id: 'a-2' }, { id: 'a-1' }]);
    const [byApplicant] = fake.sent('getDocument', 'applications');
    expect(byApplicant).toMatchObject({ query: { openid: 'o-1' }, order: { createdAt: -1, _id: 1 } });
    expect(Object.keys(byApplicant?.order as Obj)).toEqual(['createdAt', '_id']);
    expect(byApplicant?.body.limit).toBe(1000);
    fake.requests.length = 0;

    const forCenter = await store.applications.listForCenter('321000');
    expect(forCenter.map((a) => a.id)).toEqual(['a-3', 'a-1']);
    expect(forCenter[0]).toEqual(application('a-3', { openid: 'o-2', createdAt: minutes(2), centers: [{ code: '321000', role: 'transfer-in' }, { code: '110000', role: 'transfer-out' }] }));
    const [byCenter] = fake.sent('getDocument', 'applications');
    expect(byCenter).toMatchObject({ query: { centerCodes: '321000' }, order: { createdAt: -1, _id: 1 } });
    expect(byCenter?.body.limit).toBe(1000);
    expect((await store.applications.listForCenter('320100')).map((a) => a.id)).toEqual(['a-2', 'a-1']);
    await expect(store.applications.listForCenter('999999')).resolves.toEqual([]);
    await expect(store.applications.listByApplicant('o-unknown')).resolves.toEqual([]);
    fake.requests.length = 0;

    const many = await store.applications.getMany(['a-3', 'a-1', 'a-unknown']);
    expect(many.map((a) => a.id).sort()).toEqual(['a-1', 'a-3']);
    const [byIds] = fake.sent('getDocument', 'applications');
    expect(byIds).toMatchObject({ query: { _id: { $in: ['a-3', 'a-1', 'a-unknown'] } } });
    await expect(store.applications.getMany([])).resolves.toEqual([]);
  });

  it('listOpen pages the applications not final, oldest first (issue 12)', async () => {
    await createA1();
    await store.applications.create(application('a-2', { requestId: 'req-a-2', inFlightKey: null, status: 'completed', createdAt: minutes(1) }), [appEvent('a-2')], [], null);
    fake.requests.length = 0;
    await expect(store.applications.listOpen()).resolves.toEqual([expect.objectContaining({ id: 'a-1' })]);
    expect(fake.sent('getDocument', 'applications')).toMatchObject([
      { query: { status: { $in: ['submitted', 'delivered', 'accepted', 'verified', 'processing'] } }, order: { createdAt: 1, _id: 1 } },
    ]);
  });

  it('testCases finds the test cases of the centers with one query, their first acceptance read from the events they hold (issue 15)', async () => {
    await store.applications.create(application('t-1', { test: true, inFlightKey: null }), [appEvent('t-1')], [], null);
    await store.applications.create(application('t-2', { test: true, inFlightKey: null, createdAt: minutes(1) }), [appEvent('t-2')], [], null);
    await createA1();
    for (const [n, to] of [[5, 'accepted'], [9, 'completed']] as const) {
      const from = to === 'accepted' ? 'submitted' : 'accepted';
      const event = appEvent('t-1', { at: minutes(n), actor: 'center', actorId: '321000', from, to, centerCode: '321000', message: to });
      await expect(store.applications.transition({ id: 't-1', expected: { status: from, platformCode: null }, next: { status: to, platformCode: null }, event })).resolves.toBe('applied');
    }
    fake.requests.length = 0;
    const found = await store.applications.testCases(['321000', '110000']);
    expect(found.map((t) => [t.application.id, t.application.test, t.acceptedAt])).toEqual([['t-2', true, null], ['t-1', true, minutes(5)]]);
    expect(trace()).toEqual([['getDocument', 'applications', null]]);
    // a document from before the trial has no `test`: a real case
    fake.seed('applications', 'old', { ...storedApplication(application('old')), test: undefined, centerCodes: ['321000', '320100'] });
    await expect(store.applications.get('old')).resolves.toMatchObject({ test: false });
    await expect(store.applications.testCases(['999999'])).resolves.toEqual([]);
  });

  it('reschedule writes the limit and its line while the document is as read (its rev), only from the date and flag expected (issue 12)', async () => {
    await createA1();
    const line = appEvent('a-1', { at: minutes(1), actor: 'platform', actorId: 'calendar', from: 'submitted', to: 'submitted', message: '办理时限更新' });
    const change = { limit: 'acceptBy', expected: { date: '2026-04-20', provisional: false }, next: { date: '2026-04-21', provisional: false }, event: line } as const;
    // another write lands between the read and the write: read again, then written
    let moved = false;
    fake.afterAnswer = (r) => {
      if (moved || r.action !== 'database.getDocument') return;
      moved = true;
      fake.collection('applications').set('a-1', { ...stored('a-1'), rev: 2 });
    };
    await expect(store.applications.reschedule('a-1', change)).resolves.toBe(true);
    expect(trace()).toEqual([
      ['getDocument', 'applications', 'a-1'],
      ['modifyDocument', 'applications', null],
      ['getDocument', 'applications', 'a-1'],
      ['modifyDocument', 'applications', null],
    ]);
    expect(updates().map(([query]) => query)).toEqual([{ _id: 'a-1', rev: 1 }, { _id: 'a-1', rev: 2 }]);
    expect(stored('a-1')).toMatchObject({ acceptBy: '2026-04-21', acceptByProvisional: false, rev: 3 });
    expect((await store.applications.events('a-1')).map((e) => e.message)).toEqual(['提交申请', '办理时限更新']);
    await expect(store.applications.reschedule('a-1', change)).resolves.toBe(false);
    await expect(store.applications.reschedule('a-unknown', change)).resolves.toBe(false);
    // a flag alone writes no line; the target of an accepted application moves, its acceptance limit not
    await expect(store.applications.reschedule('a-1', { ...change, expected: change.next, next: { date: '2026-04-21', provisional: true }, event: null })).resolves.toBe(true);
    expect(await store.applications.events('a-1')).toHaveLength(2);
  });

  it('transition is one conditional update: the move, its event, documents and receipt, from the expected state and once per webhook-id', async () => {
    await createA1();
    await expect(store.applications.transition(accept())).resolves.toBe('applied');
    expect(trace()).toEqual([['modifyDocument', 'applications', null]]);
    const [[query, data]] = updates();
    expect(query).toEqual({ _id: 'a-1', status: 'submitted', platformCode: null, receipts: { $ne: '321000:cb-1' } });
    expect(data).toMatchObject({ $set: { status: 'accepted', platformCode: '01' }, $inc: { rev: 1 }, $push: { receipts: { $each: ['321000:cb-1'] } } });
    await expect(store.applications.get('a-1')).resolves.toMatchObject({ status: 'accepted', platformCode: '01', inFlightKey: 'o-1:transfer:321000:a-1' });
    expect((await store.applications.events('a-1')).map((e) => e.to)).toEqual(['submitted', 'accepted']);
    await expect(store.applications.documents('a-1')).resolves.toEqual([resultDocument('d-1', 'a-1')]);
    await expect(store.applications.hasReceipt('321000', 'cb-1')).resolves.toBe(true);
    await expect(store.applications.hasReceipt('321000', 'cb-2')).resolves.toBe(false);

    // the same webhook-id again: nothing moves, one read tells a duplicate from a stale move
    const before = snapshot();
    fake.requests.length = 0;
    await expect(store.applications.transition(accept())).resolves.toBe('duplicate');
    expect(trace()).toEqual([['modifyDocument', 'applications', null], ['getDocument', 'applications', null]]);
    await expect(store.applications.transition(accept({ receipt: { centerCode: '321000', webhookId: 'cb-2' } }))).resolves.toBe('stale');
    await expect(store.applications.transition(accept({ id: 'a-unknown' }))).resolves.toBe('stale');
    expect(snapshot()).toBe(before);
    await expect(store.applications.hasReceipt('321000', 'cb-2')).resolves.toBe(false);
  });

  it('transition hands over, records a payment, and when final frees the in-flight key for the next application', async () => {
    await createA1();
    const done = appEvent('a-1', { at: minutes(9), actor: 'center', actorId: '321000', from: 'submitted', to: 'completed', message: '办结' });
    await expect(
      store.applications.transition({ id: 'a-1', expected: { status: 'submitted', platformCode: null, responsibleCenter: '321000' }, next: { status: 'completed', platformCode: null }, event: done, handOver: '320100', payment: { amount: 1234.5, paidOn: '2026-04-16' } }),
    ).resolves.toBe('applied');
    await expect(store.applications.get('a-1')).resolves.toMatchObject({ status: 'completed', inFlightKey: null, responsibleCenter: '320100', payment: { amount: 1234.5, paidOn: '2026-04-16' } });
    expect(stored('a-1')).toMatchObject({ inFlightSlot: '-a-1' });
    await expect(store.applications.create(application('a-2', { inFlightKey: 'o-1:transfer:321000:a-1' }), [], [], null)).resolves.toEqual({ kind: 'created', letterNumber: null });
  });
});

describe('outbox', () => {
  beforeEach(() => {
    store = site.open();
  });
  const attempt = (overrides: Partial<DeliveryAttempt> = {}): DeliveryAttempt => ({ outboxId: 'wh-1', at: minutes(10), durationMs: 123, httpStatus: 200, error: null, ...overrides });
  const delivered = { id: 'a-1', expected: { status: 'submitted', platformCode: null }, next: { status: 'delivered', platformCode: null }, event: appEvent('a-1', { at: minutes(10), actor: 'relay', actorId: 'relay', from: 'submitted', to: 'delivered', message: '已送达' }) } as const;

  it('claimDue finds the applications with something due in one query, then leases each by a compare-and-set write, all at once', async () => {
    await createA1([outboxRecord('wh-1', 'a-1'), outboxRecord('wh-2', 'a-1', { dueAt: minutes(30) })]);
    await store.applications.create(application('a-2', { requestId: 'req-a-2', inFlightKey: null }), [], [outboxRecord('wh-3', 'a-2', { dueAt: minutes(-1) })], null);
    fake.requests.length = 0;
    const claimed = await store.outbox.claimDue(minutes(5), 100, 60_000);
    expect(claimed.map((r) => r.id)).toEqual(['wh-3', 'wh-1']);
    expect(trace()).toEqual([['getDocument', 'applications', null], ['modifyDocument', 'applications', null], ['modifyDocument', 'applications', null]]);
    expect(fake.sent('getDocument', 'applications')[0]).toMatchObject({ query: { relayAt: { $lte: ejsonDate(minutes(5)) } }, order: { relayAt: 1, _id: 1 } });
    expect(updates().map(([query]) => query)).toEqual(expect.arrayContaining([{ _id: 'a-1', rev: 1 }, { _id: 'a-2', rev: 1 }]));
    // each application comes due again when its lease runs out (the record due later waits behind it)
    expect(stored('a-1')).toMatchObject({ relayAt: ejsonDate(minutes(6)), rev: 2 });
    expect(stored('a-2')).toMatchObject({ relayAt: ejsonDate(minutes(6)) });
    await expect(store.outbox.claimDue(minutes(5.5), 100, 60_000)).resolves.toEqual([]);
    // leases run out: what was never settled is claimed again, with what came due since
    expect((await store.outbox.claimDue(minutes(31), 100, 60_000)).map((r) => r.id)).toEqual(['wh-3', 'wh-1', 'wh-2']);
    await expect(store.outbox.claimDue(minutes(40), 0, 60_000)).resolves.toEqual([]);
  });

  it('claimDue passes over an application another relay leased between the query and the lease, and takes at most limit records', async () => {
    await createA1([outboxRecord('wh-1', 'a-1'), outboxRecord('wh-2', 'a-1')]);
    // the other relay's lease, written just after this claim's query answered
    const leased = (doc: Obj): Obj => ({ ...doc, rev: 7, relayAt: ejsonDate(minutes(6)), outbox: (doc.outbox as Obj[]).map((e) => ({ ...e, leaseUntil: ejsonDate(minutes(6)) })) });
    const unleased = stored('a-1');
    fake.afterAnswer = (r) => {
      if (r.action === 'database.getDocument' && stored('a-1').rev !== 7) fake.collection('applications').set('a-1', leased(stored('a-1')));
    };
    fake.requests.length = 0;
    await expect(store.outbox.claimDue(minutes(5), 100, 60_000)).resolves.toEqual([]);
    // the lost write leaves room, so it asks again: nothing is due any more
    expect(trace()).toEqual([['getDocument', 'applications', null], ['modifyDocument', 'applications', null], ['getDocument', 'applications', null]]);
    fake.afterAnswer = undefined;
    fake.collection('applications').set('a-1', unleased);
    expect((await store.outbox.claimDue(minutes(5), 1, 60_000)).map((r) => r.id)).toEqual(['wh-1']);
  });

  it('claimDue asks again when a callback changed an application between the query and the lease, and leases what is still due', async () => {
    await createA1([outboxRecord('wh-1', 'a-1')]);
    await store.applications.create(application('a-2', { requestId: 'req-a-2', inFlightKey: null }), [], [outboxRecord('wh-3', 'a-2', { dueAt: minutes(-1) })], null);
    let changes = 0;
    fake.afterAnswer = (r) => {
      // the first query's answer is stale by the time a-1's lease is written: a callback wrote the document
      if (r.action === 'database.getDocument' && changes++ === 0) fake.collection('applications').set('a-1', { ...stored('a-1'), rev: (stored('a-1').rev as number) + 1 });
    };
    fake.requests.length = 0;
    const claimed = await store.outbox.claimDue(minutes(5), 100, 60_000);
    fake.afterAnswer = undefined;
    expect(claimed.map((r) => r.id)).toEqual(['wh-3', 'wh-1']);
    expect(trace()).toEqual([
      ['getDocument', 'applications', null],
      ['modifyDocument', 'applications', null],
      ['modifyDocument', 'applications', null],
      ['getDocument', 'applications', null],
      ['modifyDocument', 'applications', null],
    ]);
    // a-2, leased by the first write, is not due again: the second query found a-1 alone
    await expect(store.outbox.claimDue(minutes(5.5), 100, 60_000)).resolves.toEqual([]);
  });

  it('claimDue fills the room a lost lease left with the next applications due, asking for that room alone', async () => {
    await createA1([outboxRecord('wh-1', 'a-1', { dueAt: minutes(-3) })]);
    await store.applications.create(application('a-2', { requestId: 'req-a-2', inFlightKey: null }), [], [outboxRecord('wh-2', 'a-2', { dueAt: minutes(-2) })], null);
    await store.applications.create(application('a-3', { requestId: 'req-a-3', inFlightKey: null }), [], [outboxRecord('wh-3', 'a-3', { dueAt: minutes(-1) })], null);
    // another relay leases a-1, the first due, just after this claim's first query answered
    fake.afterAnswer = (r) => {
      if (r.action === 'database.getDocument' && stored('a-1').rev !== 9) {
        const doc = stored('a-1');
        fake.collection('applications').set('a-1', { ...doc, rev: 9, relayAt: ejsonDate(minutes(6)), outbox: (doc.outbox as Obj[]).map((e) => ({ ...e, leaseUntil: ejsonDate(minutes(6)) })) });
      }
    };
    fake.requests.length = 0;
    const claimed = await store.outbox.claimDue(minutes(5), 2, 60_000);
    fake.afterAnswer = undefined;
    expect(claimed.map((r) => r.id)).toEqual(['wh-2', 'wh-3']);
    // the first query asked for two and leased a-1 (lost) and a-2; the second asked for the one left, and found a-3
    expect(fake.sent('getDocument', 'applications').map((r) => r.body.limit)).toEqual([2, 1]);
    expect(trace().filter(([action]) => action === 'modifyDocument')).toHaveLength(3);
  });

  it('claimDue stops asking after three queries whose every lease lost, answering what it holds', async () => {
    await createA1([outboxRecord('wh-1', 'a-1')]);
    fake.afterAnswer = (r) => {
      if (r.action === 'database.getDocument') fake.collection('applications').set('a-1', { ...stored('a-1'), rev: (stored('a-1').rev as number) + 1 });
    };
    fake.requests.length = 0;
    await expect(store.outbox.claimDue(minutes(5), 100, 60_000)).resolves.toEqual([]);
    fake.afterAnswer = undefined;
    expect(trace().filter(([action]) => action === 'getDocument')).toHaveLength(3);
  });

  it('settle finds the records’ applications in one query and settles each in one write: the attempt, the record and the move it brings', async () => {
    await createA1();
    await store.outbox.claimDue(minutes(5), 100, 60_000);
    fake.requests.length = 0;
    await store.outbox.settle([{ id: 'wh-1', attempt: attempt(), outcome: 'delivered', advance: delivered }]);
    expect(trace()).toEqual([['getDocument', 'applications', null], ['modifyDocument', 'applications', null]]);
    expect(fake.sent('getDocument', 'applications')[0]).toMatchObject({ query: { outboxIds: { $in: ['wh-1'] } } });
    await expect(store.outbox.get('wh-1')).resolves.toMatchObject({ state: 'delivered', attempts: 1, deliveredAt: minutes(10), lastError: null });
    await expect(store.outbox.attempts('wh-1')).resolves.toEqual([attempt()]);
    await expect(store.applications.get('a-1')).resolves.toMatchObject({ status: 'delivered' });
    expect((await store.applications.events('a-1')).map((e) => e.to)).toEqual(['submitted', 'delivered']);
    expect(stored('a-1')).toMatchObject({ relayAt: ejsonDate(new Date('9999-12-31T00:00:00Z')) });
    // settled again (a run that outlived its lease): the first result stands
    await store.outbox.settle([{ id: 'wh-1', attempt: attempt({ httpStatus: 500, error: 'down' }), outcome: 'failed', retryAt: minutes(20) }]);
    await expect(store.outbox.get('wh-1')).resolves.toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('settle records the delivery alone when a callback moved the application first, reading it again after the write came second', async () => {
    await createA1();
    let moved = false;
    fake.afterAnswer = (r) => {
      if (moved || r.action !== 'database.getDocument') return;
      moved = true;
      // a callback's move lands between the settlement's read and its write
      fake.collection('applications').set('a-1', { ...stored('a-1'), status: 'accepted', platformCode: '01', rev: 5 });
    };
    await store.outbox.settle([{ id: 'wh-1', attempt: attempt(), outcome: 'delivered', advance: delivered }]);
    await expect(store.applications.get('a-1')).resolves.toMatchObject({ status: 'accepted', platformCode: '01' });
    await expect(store.outbox.get('wh-1')).resolves.toMatchObject({ state: 'delivered', attempts: 1 });
    expect(await store.applications.events('a-1')).toHaveLength(1);
  });

  it('settle reschedules a failed record, dead-letters it with no retry time (listDead lists it), and rejects an unknown record writing nothing', async () => {
    await createA1();
    await store.outbox.settle([{ id: 'wh-1', attempt: attempt({ httpStatus: 503, error: null }), outcome: 'failed', retryAt: minutes(20) }]);
    await expect(store.outbox.get('wh-1')).resolves.toMatchObject({ state: 'pending', attempts: 1, dueAt: minutes(20), lastError: 'HTTP 503' });
    expect(stored('a-1')).toMatchObject({ relayAt: ejsonDate(minutes(20)), outboxDead: false });
    await store.outbox.settle([{ id: 'wh-1', attempt: attempt({ httpStatus: 410, error: 'gone' }), outcome: 'failed', retryAt: null }]);
    await expect(store.outbox.listDead()).resolves.toEqual([expect.objectContaining({ id: 'wh-1', state: 'dead', attempts: 2, lastError: 'gone' })]);
    expect((await store.outbox.attempts('wh-1')).map((a) => a.httpStatus)).toEqual([503, 410]);
    const before = snapshot();
    await expect(store.outbox.settle([{ id: 'wh-unknown', attempt: attempt(), outcome: 'delivered' }])).rejects.toThrow(/no record wh-unknown/);
    expect(snapshot()).toBe(before);
    await expect(store.outbox.get('wh-unknown')).resolves.toBeUndefined();
    await expect(store.outbox.listForApplication('a-unknown')).resolves.toEqual([]);
  });
});

describe('endpoints', () => {
  const endpoint = (overrides: Partial<CenterEndpoint> = {}): CenterEndpoint => ({
    centerCode: '321000',
    mode: 'api',
    url: 'https://gjj.yangzhou.gov.cn/hooks/gjj',
    secretsSealed: ['k1.whsec-new', 'k1.whsec-old'],
    updatedAt: T0,
    ...overrides,
  });

  it('put sets the whole endpoint document named by the center code in a single-document transaction, and get maps it back', async () => {
    await store.endpoints.put(endpoint());
    expectOneDocumentTransaction();
    const [write] = fake.sent('modifyDocument', 'endpoints');
    expect(write?.query).toEqual({ _id: '321000' });
    expect(write?.body).toMatchObject({ merge: false, upsert: true });
    expect(write?.data).toEqual({ ...endpoint(), secretHolders: [], updatedAt: ejsonDate(T0) });
    fake.requests.length = 0;

    await expect(store.endpoints.get('321000')).resolves.toEqual(endpoint());
    expect(fake.sent('getDocument', 'endpoints')[0]).toMatchObject({ query: { _id: '321000' } });
    await expect(store.endpoints.get('999999')).resolves.toBeUndefined();
  });
});

describe('ratings', () => {
  const rating = (applicationId: string, overrides: Partial<RatingRecord> = {}): RatingRecord => ({
    applicationId,
    openid: 'o-1',
    centerCode: '321000',
    score: 5,
    comment: null,
    at: T0,
    followUp: null,
    followUpNote: null,
    followUpBy: null,
    followUpAt: null, fixNote: null, fixedBy: null, fixedAt: null, fixScore: null, fixRatedAt: null,
    ...overrides,
  });
  /** The rating as its document stores it (dates as EJSON). */
  const storedRating = (r: RatingRecord): Obj => ({ ...r, at: ejsonDate(r.at), followUpAt: r.followUpAt === null ? null : ejsonDate(r.followUpAt) });
  const low = (applicationId: string, overrides: Partial<RatingRecord> = {}) =>
    rating(applicationId, { score: 1, comment: '办理太慢', followUp: 'open', ...overrides });

  it('create sets the whole rating document named by the application id in a single-document transaction, and get maps it back', async () => {
    const r = low('a-1');
    await expect(store.ratings.create(r)).resolves.toBe(true);

    expectOneDocumentTransaction();
    const [read] = fake.sent('getDocument', 'ratings');
    expect(read?.query).toEqual({ _id: 'a-1' });
    expect(read?.body.queryType).toBe('DOC');
    const [write] = fake.sent('modifyDocument', 'ratings');
    expect(write?.query).toEqual({ _id: 'a-1' });
    expect(write?.body).toMatchObject({ merge: false, upsert: true });
    expect(write?.data).toEqual(storedRating(r));
    fake.requests.length = 0;

    const got = await store.ratings.get('a-1');
    expect(got).toEqual(r);
    expect(got?.at).toBeInstanceOf(Date);
    expect(fake.sent('getDocument', 'ratings')[0]).toMatchObject({ query: { _id: 'a-1' } });
    await expect(store.ratings.get('a-unknown')).resolves.toBeUndefined();
  });

  it('create of an application rated already answers false, writes nothing and leaves the first rating as it was', async () => {
    const first = low('a-1', { followUp: 'closed', followUpNote: '已回访', followUpBy: 'o-staff', followUpAt: minutes(30) });
    await store.ratings.create(first);
    fake.requests.length = 0;

    await expect(store.ratings.create(rating('a-1', { score: 5, comment: '很好' }))).resolves.toBe(false);
    expect(fake.requests.map((r) => r.action)).toEqual(['database.startTransaction', 'database.getDocument', 'database.commitTransaction']);
    expect(writes()).toHaveLength(0);
    await expect(store.ratings.get('a-1')).resolves.toEqual(first);
  });

  it('listFollowUps pages the center ratings that have a follow-up, open ones first, newest first within each', async () => {
    const closed = (id: string, m: number) =>
      low(id, { at: minutes(m), followUp: 'closed', followUpNote: '已回访', followUpBy: 'o-staff', followUpAt: minutes(m + 60) });
    const listed = [
      low('a-5', { at: minutes(5) }),
      low('a-3', { at: minutes(3) }),
      low('a-4', { at: minutes(3) }),
      closed('a-6', 6),
      closed('a-1', 1),
    ];
    for (const r of [...listed].reverse()) await store.ratings.create(r);
    await store.ratings.create(rating('a-7', { at: minutes(7) }));
    await store.ratings.create(low('a-8', { centerCode: '320100', at: minutes(8) }));
    fake.requests.length = 0;

    await expect(store.ratings.listFollowUps('321000')).resolves.toEqual(listed);
    const [read] = fake.sent('getDocument', 'ratings');
    expect(read?.query).toEqual({ centerCode: '321000', followUp: { $in: ['open', 'closed', 'fixed'] } });
    expect(read?.order).toEqual({ at: -1, _id: 1 });
    expect(Object.keys(read?.order as Obj)).toEqual(['at', '_id']);
    expect(read?.body.limit).toBe(1000);
    expect(read?.body.transactionId).toBeUndefined();
    await expect(store.ratings.listFollowUps('110000')).resolves.toEqual([]);
  });

  it('closeFollowUp closes an open follow-up in a single-document transaction, and closing it again answers false', async () => {
    await store.ratings.create(low('a-1'));
    fake.requests.length = 0;

    await expect(store.ratings.closeFollowUp('a-1', '已电话回访并致歉', 'o-staff', minutes(30))).resolves.toBe(true);
    expectOneDocumentTransaction();
    expect(fake.sent('getDocument', 'ratings')[0]?.query).toEqual({ _id: 'a-1' });
    const [write] = fake.sent('modifyDocument', 'ratings');
    expect(write?.query).toEqual({ _id: 'a-1' });
    expect(write?.body.merge).toBe(true);
    expect(write?.data).toEqual({ $set: { followUp: 'closed', followUpNote: '已电话回访并致歉', followUpBy: 'o-staff', followUpAt: ejsonDate(minutes(30)) } });
    const closed = low('a-1', { followUp: 'closed', followUpNote: '已电话回访并致歉', followUpBy: 'o-staff', followUpAt: minutes(30) });
    await expect(store.ratings.get('a-1')).resolves.toEqual(closed);
    fake.requests.length = 0;

    await expect(store.ratings.closeFollowUp('a-1', '再次回访', 'o-other', minutes(40))).resolves.toBe(false);
    expect(fake.requests.map((r) => r.action)).toEqual(['database.startTransaction', 'database.getDocument', 'database.commitTransaction']);
    await expect(store.ratings.get('a-1')).resolves.toEqual(closed);
  });

  it('fixFollowUp and rateFix each set a called-back follow-up in a single-document transaction, once, in their order', async () => {
    await store.ratings.create(low('a-1'));
    await expect(store.ratings.fixFollowUp('a-1', '已整改', 'o-staff', minutes(50))).resolves.toBe(false);
    await expect(store.ratings.closeFollowUp('a-1', '已电话回访', 'o-staff', minutes(30))).resolves.toBe(true);
    await expect(store.ratings.rateFix('a-1', 'satisfied', minutes(55))).resolves.toBe(false);
    fake.requests.length = 0;

    await expect(store.ratings.fixFollowUp('a-1', '已整改', 'o-staff', minutes(60))).resolves.toBe(true);
    expectOneDocumentTransaction();
    expect(fake.sent('modifyDocument', 'ratings')[0]?.data).toEqual({ $set: { followUp: 'fixed', fixNote: '已整改', fixedBy: 'o-staff', fixedAt: ejsonDate(minutes(60)) } });
    fake.requests.length = 0;
    await expect(store.ratings.rateFix('a-1', 'satisfied', minutes(70))).resolves.toBe(true);
    expectOneDocumentTransaction();
    expect(fake.sent('modifyDocument', 'ratings')[0]?.data).toEqual({ $set: { fixScore: 'satisfied', fixRatedAt: ejsonDate(minutes(70)) } });
    await expect(store.ratings.rateFix('a-1', 'unsatisfied', minutes(80))).resolves.toBe(false);
    await expect(store.ratings.fixFollowUp('a-1', '再整改', 'o-staff', minutes(90))).resolves.toBe(false);
    await expect(store.ratings.get('a-1')).resolves.toMatchObject({ followUp: 'fixed', fixNote: '已整改', fixedAt: minutes(60), fixScore: 'satisfied', fixRatedAt: minutes(70) });
  });

  it('closeFollowUp of a rating without a follow-up, or of an unknown application, answers false and writes nothing', async () => {
    await store.ratings.create(rating('a-1'));
    fake.requests.length = 0;
    const before = snapshot();

    await expect(store.ratings.closeFollowUp('a-1', '无需回访', 'o-staff', minutes(30))).resolves.toBe(false);
    await expect(store.ratings.closeFollowUp('a-unknown', '无需回访', 'o-staff', minutes(30))).resolves.toBe(false);
    expect(writes()).toHaveLength(0);
    expect(fake.sent('commitTransaction')).toHaveLength(2);
    expect(snapshot()).toBe(before);
    expect(fake.collection('ratings').has('a-unknown')).toBe(false);
  });

  it('satisfaction pages through every rating, asking only its center and score, and counts per center and score by center code', async () => {
    await expect(store.ratings.satisfaction()).resolves.toEqual([]);
    fake.requests.length = 0;
    // 1,001 ratings: two pages
    for (let i = 0; i < 1000; i += 1) {
      const id = `a-${String(i).padStart(4, '0')}`;
      fake.seed('ratings', id, storedRating(rating(id, { score: ((i % 5) + 1) as RatingRecord['score'] })));
    }
    fake.seed('ratings', 'b-1', storedRating(low('b-1', { centerCode: '320100' })));

    await expect(store.ratings.satisfaction()).resolves.toEqual([
      { centerCode: '320100', count: 1, byScore: { 1: 1, 2: 0, 3: 0, 4: 0, 5: 0 } },
      { centerCode: '321000', count: 1000, byScore: { 1: 200, 2: 200, 3: 200, 4: 200, 5: 200 } },
    ]);
    const pages = fake.sent('getDocument', 'ratings');
    expect(pages).toHaveLength(2);
    expect(pages.map((p) => p.body.offset ?? 0)).toEqual([0, 1000]);
    expect(pages.map((p) => p.body.limit)).toEqual([1000, 1000]);
    expect(pages.every((p) => same(p.order, { _id: 1 }) && same(p.projection, { centerCode: 1, score: 1 }) && p.query === undefined)).toBe(true);
  });

  it('satisfaction rejects a stored score outside 1 to 5', async () => {
    fake.seed('ratings', 'a-1', { ...storedRating(rating('a-1')), score: 6 });
    await expect(store.ratings.satisfaction()).rejects.toThrow(/ratings: field score of a-1 is 6/);
  });
});

describe('links and endpoints for the daily check', () => {
  it('links.listAll pages every link document by id and answers each with its center', async () => {
    await store.links.put('321000', { item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: true });
    await store.links.put('110000', { item: 1, kind: 'web', url: 'https://gjj.example.cn/1', healthy: false });
    await store.links.put('321000', { item: 5, kind: 'counter' });
    fake.requests.length = 0;
    await expect(store.links.listAll()).resolves.toEqual([
      { centerCode: '110000', link: { item: 1, kind: 'web', url: 'https://gjj.example.cn/1', healthy: false } },
      { centerCode: '321000', link: { item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: true } },
      { centerCode: '321000', link: { item: 5, kind: 'counter' } },
    ]);
    expect(fake.sent('getDocument', 'links')).toMatchObject([{ order: { _id: 1 }, body: { limit: 1000 } }]);
  });

  it('endpoints.secretHolders and retireSecrets follow the secrets in the set; each retires once, in a single-document transaction', async () => {
    await store.endpoints.rotateSecret('321000', 'k1.s1', T0, 'staff-a');
    await store.endpoints.rotateSecret('321000', 'k1.s2', minutes(1), 'staff-b');
    await expect(store.endpoints.secretHolders('321000')).resolves.toEqual([
      { secretSealed: 'k1.s2', shownTo: 'staff-b', retiresAt: null },
      { secretSealed: 'k1.s1', shownTo: 'staff-a', retiresAt: null },
    ]);
    fake.requests.length = 0;
    await expect(store.endpoints.retireSecrets('321000', ['k1.s1', 'k1.gone'], minutes(60))).resolves.toBe(1);
    expectOneDocumentTransaction();
    await expect(store.endpoints.retireSecrets('321000', ['k1.s1'], minutes(90))).resolves.toBe(0);
    await expect(store.endpoints.secretHolders('321000')).resolves.toEqual([
      { secretSealed: 'k1.s2', shownTo: 'staff-b', retiresAt: null },
      { secretSealed: 'k1.s1', shownTo: 'staff-a', retiresAt: minutes(60) },
    ]);
    await store.endpoints.rotateSecret('321000', 'k1.s3', minutes(2), 'staff-c');
    await expect(store.endpoints.secretHolders('321000')).resolves.toEqual([
      { secretSealed: 'k1.s3', shownTo: 'staff-c', retiresAt: null },
      { secretSealed: 'k1.s2', shownTo: 'staff-b', retiresAt: null },
    ]);
    // a document from before holders were recorded: shown to nobody recorded
    fake.seed('endpoints', '110000', { centerCode: '110000', mode: 'manual', url: null, secretsSealed: ['k1.old'], updatedAt: ejsonDate(T0) });
    await expect(store.endpoints.secretHolders('110000')).resolves.toEqual([{ secretSealed: 'k1.old', shownTo: null, retiresAt: null }]);
    await expect(store.endpoints.retireSecrets('110000', ['k1.old'], minutes(5))).resolves.toBe(1);
    await expect(store.endpoints.secretHolders('110000')).resolves.toEqual([{ secretSealed: 'k1.old', shownTo: null, retiresAt: minutes(5) }]);
    await expect(store.endpoints.retireSecrets('440100', ['k1.x'], minutes(5))).resolves.toBe(0);
  });

  it('endpoints.list pages every endpoint by center code', async () => {
    const endpoint = (centerCode: string): CenterEndpoint => ({ centerCode, mode: 'api', url: `https://${centerCode}.example.cn/hooks`, secretsSealed: ['k1.s'], updatedAt: T0 });
    await store.endpoints.put(endpoint('321000'));
    await store.endpoints.put(endpoint('110000'));
    fake.requests.length = 0;
    await expect(store.endpoints.list()).resolves.toEqual([endpoint('110000'), endpoint('321000')]);
    expect(fake.sent('getDocument', 'endpoints')).toMatchObject([{ order: { _id: 1 }, body: { limit: 1000 } }]);
  });

  it('endpoints.rotateSecret keeps the new secret and the one before, in a single-document transaction; a center without an endpoint gets a manual one', async () => {
    await expect(store.endpoints.rotateSecret('321000', 'k1.s1', T0, 'staff-1')).resolves.toBe(1);
    expect(trace()).toEqual([
      ['startTransaction', null, null],
      ['getDocument', 'endpoints', '321000'],
      ['modifyDocument', 'endpoints', '321000'],
      ['commitTransaction', null, null],
    ]);
    await expect(store.endpoints.get('321000')).resolves.toEqual({ centerCode: '321000', mode: 'manual', url: null, secretsSealed: ['k1.s1'], updatedAt: T0 });
    // a put naming nobody keeps who was shown the secret
    await store.endpoints.put({ centerCode: '321000', mode: 'api', url: 'https://gjj.example.cn/hooks', secretsSealed: ['k1.s1'], updatedAt: T0 });
    fake.requests.length = 0;

    await expect(store.endpoints.rotateSecret('321000', 'k1.s2', minutes(1), 'staff-2')).resolves.toBe(2);
    expectOneDocumentTransaction();
    expect(fake.sent('modifyDocument', 'endpoints')[0]?.data).toEqual({
      $set: {
        secretsSealed: ['k1.s2', 'k1.s1'],
        secretHolders: [
          { secretSealed: 'k1.s2', shownTo: 'staff-2', retiresAt: null },
          { secretSealed: 'k1.s1', shownTo: 'staff-1', retiresAt: null },
        ],
        updatedAt: ejsonDate(minutes(1)),
      },
    });
    await expect(store.endpoints.rotateSecret('321000', 'k1.s3', minutes(2), 'staff-1')).resolves.toBe(2);
    await expect(store.endpoints.get('321000')).resolves.toEqual({ centerCode: '321000', mode: 'api', url: 'https://gjj.example.cn/hooks', secretsSealed: ['k1.s3', 'k1.s2'], updatedAt: minutes(2) });
    // once the first secret retired, a rotation keeps the one still serving
    await store.endpoints.retireSecrets('321000', ['k1.s3'], minutes(3));
    await expect(store.endpoints.rotateSecret('321000', 'k1.s4', minutes(4), 'staff-2')).resolves.toBe(2);
    await expect(store.endpoints.get('321000')).resolves.toMatchObject({ secretsSealed: ['k1.s4', 'k1.s2'] });
  });

  it('linkChanges.createApplied writes the order live, its target and the endpoint with its secrets, all inside one transaction', async () => {
    const change: LinkChange = {
      id: 'chg-now-1', centerCode: '320100', target: { kind: 'endpoint', endpoint: { kind: 'api', url: 'https://gjj.nanjing.gov.cn/hooks' } }, effectiveDate: '2026-11-20',
      status: 'pending', proposedBy: 'sup-1', proposedAt: minutes(5), reviewedBy: null, reviewedAt: null, reason: null, appliedAt: null, previous: null,
      heldReason: null, heldAt: null, immediate: true,
    };
    fake.requests.length = 0;
    await expect(store.linkChanges.createApplied(change, ['k9.s1'])).resolves.toMatchObject({ change: { status: 'live', previous: null, reviewedBy: 'sup-1' }, superseded: [] });
    const actions = fake.requests.map((r) => r.action);
    expect(actions[0]).toBe('database.startTransaction');
    expect(actions.at(-1)).toBe('database.commitTransaction');
    const transactionId = fake.requests[1]?.body.transactionId;
    expect(fake.requests.slice(1).every((r) => r.body.transactionId === transactionId)).toBe(true);
    // one write of the endpoint carries the address and the secret
    expect(fake.requests.filter((r) => r.collection === 'endpoints' && r.action !== 'database.getDocument')).toHaveLength(1);
    await expect(store.endpoints.get('320100')).resolves.toEqual({ centerCode: '320100', mode: 'api', url: 'https://gjj.nanjing.gov.cn/hooks', secretsSealed: ['k9.s1'], updatedAt: minutes(5) });
    await expect(store.endpoints.secretHolders('320100')).resolves.toEqual([{ secretSealed: 'k9.s1', shownTo: 'sup-1', retiresAt: null }]);
    await expect(store.linkChanges.get('chg-now-1')).resolves.toMatchObject({ status: 'live', appliedAt: minutes(5), immediate: true });
  });
});

describe('staffInvites', () => {
  const invite = (code: string, overrides: Partial<StaffInvite> = {}): StaffInvite => ({
    code,
    centerCode: '321000',
    createdBy: 'o-sup',
    createdAt: T0,
    expiresAt: minutes(7 * 24 * 60),
    usedBy: null,
    usedAt: null,
    ...overrides,
  });
  const storedInvite = (i: StaffInvite): Obj => ({ _id: i.code, ...i, createdAt: ejsonDate(i.createdAt), expiresAt: ejsonDate(i.expiresAt), usedAt: i.usedAt && ejsonDate(i.usedAt) });

  it('create adds the invite with the code as its id, and refuses a code taken, keeping the first', async () => {
    await store.staffInvites.create(invite('ABCD2345'));
    expect(fake.sent('insertDocument', 'staffInvites')[0]?.data).toEqual([storedInvite(invite('ABCD2345'))]);
    await expect(store.staffInvites.create(invite('ABCD2345', { centerCode: '110000' }))).rejects.toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' });
    expect(fake.collection('staffInvites').get('ABCD2345')).toEqual(storedInvite(invite('ABCD2345')));
  });

  it('cancelOpenBy expires the open invites of one creator, each in a transaction that reads it again, leaving used, expired and others’ invites', async () => {
    const open1 = invite('OPEN2345', { createdBy: 'o-gone' });
    const open2 = invite('OPEN6789', { createdBy: 'o-gone', centerCode: '110000', createdAt: minutes(1) });
    const used = invite('USED2345', { createdBy: 'o-gone', usedBy: 'o-1', usedAt: minutes(1) });
    const expired = invite('PAST2345', { createdBy: 'o-gone', expiresAt: minutes(5) });
    const others = invite('KEEP2345');
    for (const i of [open1, open2, used, expired, others]) fake.seed('staffInvites', i.code, storedInvite(i));
    await expect(store.staffInvites.cancelOpenBy('o-gone', minutes(10))).resolves.toEqual([open1, open2]);
    expect(fake.sent('modifyDocument', 'staffInvites').map((r) => r.data)).toEqual([{ $set: { expiresAt: ejsonDate(minutes(10)) } }, { $set: { expiresAt: ejsonDate(minutes(10)) } }]);
    expect(fake.collection('staffInvites').get('OPEN2345')).toEqual(storedInvite({ ...open1, expiresAt: minutes(10) }));
    expect(fake.collection('staffInvites').get('KEEP2345')).toEqual(storedInvite(others));
    await expect(store.staffInvites.redeem('OPEN2345', 'o-2', minutes(11))).resolves.toEqual({ kind: 'expired' });
    await expect(store.staffInvites.cancelOpenBy('o-gone', minutes(20))).resolves.toEqual([]);
  });

  it('redeem marks the invite used and grants the role in one transaction over the invite and the person’s roles', async () => {
    fake.seed('staffInvites', 'ABCD2345', storedInvite(invite('ABCD2345')));
    fake.seed('roles', 'o-1', { grants: [{ role: 'tester', province: '320000' }] });
    await expect(store.staffInvites.redeem('ABCD2345', 'o-1', minutes(1))).resolves.toEqual({ kind: 'joined', centerCode: '321000' });
    expectOneTransaction();
    expect(trace()).toEqual([
      ['startTransaction', null, null],
      ['getDocument', 'staffInvites', 'ABCD2345'],
      ['getDocument', 'roles', 'o-1'],
      ['modifyDocument', 'staffInvites', 'ABCD2345'],
      ['modifyDocument', 'roles', 'o-1'],
      ['commitTransaction', null, null],
    ]);
    expect(fake.sent('modifyDocument', 'staffInvites')[0]?.data).toEqual({ $set: { usedBy: 'o-1', usedAt: ejsonDate(minutes(1)) } });
    await expect(store.roles.rolesOf('o-1')).resolves.toEqual([{ role: 'center-staff', centerCode: '321000' }, { role: 'tester', province: '320000' }]);
    expect(fake.collection('staffInvites').get('ABCD2345')).toEqual(storedInvite(invite('ABCD2345', { usedBy: 'o-1', usedAt: minutes(1) })));
  });

  it('redeem refuses an unknown, used or expired invite, and a person who is staff already, writing nothing', async () => {
    fake.seed('staffInvites', 'USED2345', storedInvite(invite('USED2345', { usedBy: 'o-0', usedAt: T0 })));
    fake.seed('staffInvites', 'OLDX2345', storedInvite(invite('OLDX2345')));
    fake.seed('staffInvites', 'FREE2345', storedInvite(invite('FREE2345')));
    fake.seed('roles', 'o-staff', { grants: [{ role: 'center-staff', centerCode: '110000' }] });
    const before = snapshot();
    await expect(store.staffInvites.redeem('NOPE2345', 'o-1', T0)).resolves.toEqual({ kind: 'unknown' });
    await expect(store.staffInvites.redeem('USED2345', 'o-1', T0)).resolves.toEqual({ kind: 'used' });
    await expect(store.staffInvites.redeem('OLDX2345', 'o-1', minutes(7 * 24 * 60))).resolves.toEqual({ kind: 'expired' });
    await expect(store.staffInvites.redeem('FREE2345', 'o-staff', T0)).resolves.toEqual({ kind: 'already-staff', centerCode: '110000' });
    expect(writes()).toHaveLength(0);
    expect(snapshot()).toBe(before);
  });

  it('of two redemptions of one invite racing, one wins and the other, run again after its write conflict, finds it used', async () => {
    fake.seed('staffInvites', 'RACE2345', storedInvite(invite('RACE2345')));
    const outcomes = await Promise.all([store.staffInvites.redeem('RACE2345', 'o-a', T0), store.staffInvites.redeem('RACE2345', 'o-b', T0)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['joined', 'used']);
    expect(fake.conflicts).toBeGreaterThan(0);
    const roles = [...(await store.roles.rolesOf('o-a')), ...(await store.roles.rolesOf('o-b'))];
    expect(roles).toEqual([{ role: 'center-staff', centerCode: '321000' }]);
  });

  it('of one person’s two invites redeemed at once, one makes them staff and the other stays unused', async () => {
    fake.seed('staffInvites', 'ONEA2345', storedInvite(invite('ONEA2345')));
    fake.seed('staffInvites', 'ONEB2345', storedInvite(invite('ONEB2345', { centerCode: '110000' })));
    const outcomes = await Promise.all([store.staffInvites.redeem('ONEA2345', 'o-c', T0), store.staffInvites.redeem('ONEB2345', 'o-c', T0)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['already-staff', 'joined']);
    await expect(store.roles.rolesOf('o-c')).resolves.toHaveLength(1);
    const used = ['ONEA2345', 'ONEB2345'].filter((code) => fake.collection('staffInvites').get(code)?.usedBy !== null);
    expect(used).toHaveLength(1);
  });
});

describe('linkChanges', () => {
  const change = (id: string, target: ChangeTarget, overrides: Partial<LinkChange> = {}): LinkChange => ({
    id,
    centerCode: '321000',
    target,
    effectiveDate: '2026-04-29',
    status: 'pending',
    proposedBy: 'o-staff',
    proposedAt: T0,
    reviewedBy: null,
    reviewedAt: null,
    reason: null,
    appliedAt: null,
    previous: null,
    heldReason: null,
    heldAt: null,
    ...overrides,
  });
  const web = (item: ItemId, url: string): ChangeTarget => ({ kind: 'link', item, link: { kind: 'web', url } });
  const dates = (c: LinkChange): Obj => ({
    proposedAt: ejsonDate(c.proposedAt),
    reviewedAt: c.reviewedAt && ejsonDate(c.reviewedAt),
    appliedAt: c.appliedAt && ejsonDate(c.appliedAt),
    heldAt: c.heldAt && ejsonDate(c.heldAt),
  });
  const stored = (c: LinkChange): Obj => ({ _id: c.id, ...c, ...dates(c), targetKey: c.target.kind === 'link' ? `link:${c.target.item}` : 'endpoint' });
  const approve = { approve: true, by: 'o-sup', at: minutes(1), reason: null };

  it('create adds the work order with its target key, and get, listForCenter and listByStatus map it back in their orders', async () => {
    const a = change('c-1', web(1, 'https://gjj.example.cn/1'));
    const b = change('c-2', { kind: 'endpoint', endpoint: { kind: 'api', url: 'https://gjj.example.cn/hooks' } }, { proposedAt: minutes(1) });
    await store.linkChanges.create(a);
    await store.linkChanges.create(b);
    expect(fake.sent('insertDocument', 'linkChanges')[0]?.data).toEqual([stored(a)]);
    await expect(store.linkChanges.get('c-1')).resolves.toEqual(a);
    await expect(store.linkChanges.get('c-9')).resolves.toBeUndefined();
    fake.requests.length = 0;
    await expect(store.linkChanges.listForCenter('321000')).resolves.toEqual([b, a]);
    expect(fake.sent('getDocument', 'linkChanges')).toMatchObject([{ query: { centerCode: '321000' }, order: { proposedAt: -1, _id: 1 } }]);
    fake.requests.length = 0;
    await expect(store.linkChanges.listByStatus('pending')).resolves.toEqual([a, b]);
    expect(fake.sent('getDocument', 'linkChanges')).toMatchObject([{ query: { status: 'pending' }, order: { proposedAt: 1, _id: 1 } }]);
  });

  it('review approves in one transaction that names the change waiting for its target, superseding the one before', async () => {
    const older = change('c-1', web(1, 'https://a.example.cn/1'), { status: 'approved', reviewedBy: 'o-sup', reviewedAt: T0 });
    fake.seed('linkChanges', 'c-1', stored(older));
    fake.seed('changeTargets', '321000:link:1', { approvedId: 'c-1' });
    fake.seed('linkChanges', 'c-2', stored(change('c-2', web(1, 'https://b.example.cn/1'))));
    await expect(store.linkChanges.review('c-2', approve)).resolves.toEqual({
      kind: 'reviewed',
      change: change('c-2', web(1, 'https://b.example.cn/1'), { status: 'approved', reviewedBy: 'o-sup', reviewedAt: minutes(1) }),
      superseded: ['c-1'],
    });
    expectOneTransaction();
    expect(trace()).toEqual([
      ['startTransaction', null, null],
      ['getDocument', 'linkChanges', 'c-2'],
      ['getDocument', 'changeTargets', '321000:link:1'],
      ['getDocument', 'linkChanges', 'c-1'],
      ['modifyDocument', 'linkChanges', 'c-1'],
      ['modifyDocument', 'changeTargets', '321000:link:1'],
      ['modifyDocument', 'linkChanges', 'c-2'],
      ['commitTransaction', null, null],
    ]);
    await expect(store.linkChanges.get('c-1')).resolves.toMatchObject({ status: 'superseded' });
    expect(fake.collection('changeTargets').get('321000:link:1')).toMatchObject({ approvedId: 'c-2' });
  });

  it('review rejects touching only the change, and a change no longer pending or unknown changes nothing', async () => {
    fake.seed('linkChanges', 'c-1', stored(change('c-1', web(1, 'https://a.example.cn/1'))));
    await expect(store.linkChanges.review('c-1', { approve: false, by: 'o-sup', at: minutes(1), reason: '链接打不开' })).resolves.toMatchObject({
      kind: 'reviewed',
      change: { status: 'rejected', reason: '链接打不开' },
      superseded: [],
    });
    expectOneDocumentTransaction();
    expect(fake.sent('modifyDocument', 'linkChanges')[0]?.data).toEqual({ $set: { status: 'rejected', reviewedBy: 'o-sup', reviewedAt: ejsonDate(minutes(1)), reason: '链接打不开' } });
    fake.requests.length = 0;
    await expect(store.linkChanges.review('c-1', approve)).resolves.toEqual({ kind: 'not-pending', status: 'rejected' });
    await expect(store.linkChanges.review('c-9', approve)).resolves.toEqual({ kind: 'unknown' });
    expect(writes()).toHaveLength(0);
  });

  it('apply switches the link, frees its target and records what it replaced, in one transaction', async () => {
    fake.seed('links', '321000:1', { centerCode: '321000', item: 1, kind: 'web', url: 'https://old.example.cn/1', healthy: false, updatedAt: ejsonDate(T0) });
    const c = change('c-1', web(1, 'https://new.example.cn/1'), { status: 'approved', reviewedBy: 'o-sup', reviewedAt: T0, heldReason: '无法解析', heldAt: T0 });
    fake.seed('linkChanges', 'c-1', stored(c));
    fake.seed('changeTargets', '321000:link:1', { approvedId: 'c-1' });
    const live = { ...c, status: 'live' as const, appliedAt: minutes(5), previous: { kind: 'web' as const, url: 'https://old.example.cn/1' }, heldReason: null, heldAt: null };
    await expect(store.linkChanges.apply('c-1', minutes(5))).resolves.toEqual(live);
    expectOneTransaction();
    expect(trace()).toEqual([
      ['startTransaction', null, null],
      ['getDocument', 'linkChanges', 'c-1'],
      ['getDocument', 'changeTargets', '321000:link:1'],
      ['getDocument', 'links', '321000:1'],
      ['modifyDocument', 'links', '321000:1'],
      ['modifyDocument', 'changeTargets', '321000:link:1'],
      ['modifyDocument', 'linkChanges', 'c-1'],
      ['commitTransaction', null, null],
    ]);
    expect(fake.sent('modifyDocument', 'links')[0]).toMatchObject({ body: { merge: false }, data: { centerCode: '321000', item: 1, kind: 'web', url: 'https://new.example.cn/1', healthy: true } });
    expect(fake.sent('modifyDocument', 'linkChanges')[0]?.data).toEqual({
      $set: { status: 'live', appliedAt: ejsonDate(minutes(5)), previous: { kind: 'web', url: 'https://old.example.cn/1' }, heldReason: null, heldAt: null },
    });
    await expect(store.linkChanges.get('c-1')).resolves.toEqual(live);
    expect(fake.collection('changeTargets').get('321000:link:1')).toMatchObject({ approvedId: null });
    fake.requests.length = 0;
    await expect(store.linkChanges.apply('c-1', minutes(6))).resolves.toBeUndefined();
    expect(writes()).toHaveLength(0);
  });

  it('of two switches of one change racing, one applies it and the other finds it live', async () => {
    fake.seed('linkChanges', 'c-1', stored(change('c-1', web(3, 'https://new.example.cn/3'), { status: 'approved' })));
    fake.seed('changeTargets', '321000:link:3', { approvedId: 'c-1' });
    const outcomes = await Promise.all([store.linkChanges.apply('c-1', minutes(5)), store.linkChanges.apply('c-1', minutes(5))]);
    expect(outcomes.filter((o) => o !== undefined)).toHaveLength(1);
    expect(fake.conflicts).toBeGreaterThan(0);
    await expect(store.links.listForCenter('321000')).resolves.toEqual([{ item: 3, kind: 'web', url: 'https://new.example.cn/3', healthy: true }]);
    await expect(store.linkChanges.get('c-1')).resolves.toMatchObject({ status: 'live', previous: null });
  });

  it('apply switches an endpoint’s mode and address only, keeping its secrets; hold records why a change waits', async () => {
    fake.seed('endpoints', '321000', { centerCode: '321000', mode: 'manual', url: null, secretsSealed: ['k1.s1'], updatedAt: ejsonDate(T0) });
    const c = change('c-1', { kind: 'endpoint', endpoint: { kind: 'api', url: 'https://gjj.example.cn/hooks' } }, { status: 'approved' });
    fake.seed('linkChanges', 'c-1', stored(c));
    await expect(store.linkChanges.hold('c-1', '域名解析到内网地址', minutes(1))).resolves.toBe(true);
    expectOneDocumentTransaction();
    await expect(store.linkChanges.get('c-1')).resolves.toMatchObject({ heldReason: '域名解析到内网地址', heldAt: minutes(1) });
    fake.requests.length = 0;
    await expect(store.linkChanges.apply('c-1', minutes(5))).resolves.toMatchObject({ status: 'live', previous: { kind: 'manual' } });
    expect(fake.sent('modifyDocument', 'endpoints')[0]?.data).toEqual({ $set: { mode: 'api', url: 'https://gjj.example.cn/hooks', updatedAt: ejsonDate(minutes(5)) } });
    await expect(store.endpoints.get('321000')).resolves.toEqual({ centerCode: '321000', mode: 'api', url: 'https://gjj.example.cn/hooks', secretsSealed: ['k1.s1'], updatedAt: minutes(5) });
    await expect(store.linkChanges.hold('c-1', 'x', minutes(6))).resolves.toBe(false);
  });

  it('reschedule moves the date of a change not live yet in a single-document transaction, only from the date expected (issue 12)', async () => {
    fake.seed('linkChanges', 'c-1', stored(change('c-1', web(3, 'https://new.example.cn/3'))));
    fake.seed('linkChanges', 'c-2', stored(change('c-2', web(4, 'https://new.example.cn/4'), { status: 'live' })));
    await expect(store.linkChanges.reschedule('c-1', '2026-04-29', '2026-05-06')).resolves.toBe(true);
    expectOneDocumentTransaction();
    expect(fake.sent('modifyDocument', 'linkChanges')[0]?.data).toEqual({ $set: { effectiveDate: '2026-05-06' } });
    await expect(store.linkChanges.get('c-1')).resolves.toMatchObject({ effectiveDate: '2026-05-06', status: 'pending' });
    await expect(store.linkChanges.reschedule('c-1', '2026-04-29', '2026-05-07')).resolves.toBe(false);
    await expect(store.linkChanges.reschedule('c-2', '2026-04-29', '2026-05-06')).resolves.toBe(false);
    await expect(store.linkChanges.get('c-2')).resolves.toMatchObject({ effectiveDate: '2026-04-29' });
  });
});

describe('calendarYears (issue 12)', () => {
  const notice = { title: '关于2031年部分节假日安排的通知（测试虚构）', number: '国办发明电〔2030〕99号', date: '2030-11-10' };
  const year = (y: number, by = 'o-sup'): CalendarYearRecord => ({
    year: y, notice, holidays: [{ name: '春节', from: `${y}-01-22`, to: `${y}-01-28` }], workdays: [`${y}-01-19`], loadedBy: by, loadedAt: T0,
  });

  it('create sets the year’s document by id in a single-document transaction, once; get and list map it back', async () => {
    await expect(store.calendarYears.create(year(2031))).resolves.toBe(true);
    expectOneDocumentTransaction();
    expect(fake.sent('modifyDocument', 'calendarYears')[0]?.data).toEqual({ ...year(2031), loadedAt: ejsonDate(T0) });
    await expect(store.calendarYears.create(year(2031, 'o-other'))).resolves.toBe(false);
    await expect(store.calendarYears.get(2031)).resolves.toEqual(year(2031));
    await expect(store.calendarYears.get(2032)).resolves.toBeUndefined();
    await store.calendarYears.create(year(2030));
    fake.requests.length = 0;
    await expect(store.calendarYears.list()).resolves.toEqual([year(2030), year(2031)]);
    expect(fake.sent('getDocument', 'calendarYears')).toMatchObject([{ order: { year: 1 } }]);
  });

  it('replace answers the year it replaced, and writes nothing for a year not loaded', async () => {
    await store.calendarYears.create(year(2031));
    const replacement = { ...year(2031, 'o-sup-2'), workdays: ['2031-02-08'] };
    await expect(store.calendarYears.replace(replacement)).resolves.toEqual(year(2031));
    await expect(store.calendarYears.get(2031)).resolves.toEqual(replacement);
    const before = snapshot();
    await expect(store.calendarYears.replace({ ...replacement, year: 2040 })).resolves.toBeUndefined();
    expect(snapshot()).toBe(before);
  });
});

describe('health', () => {
  const finding = (channel: HealthChannel, url: string, healthy: boolean, overrides: Partial<ChannelHealth> = {}): ChannelHealth => ({
    centerCode: '321000',
    channel,
    url,
    consecutiveFailures: healthy ? 0 : 2,
    healthy,
    checkedAt: T0,
    status: healthy ? 200 : null,
    title: healthy ? '网上服务大厅' : null,
    error: healthy ? null : '超时（10 秒未答复）',
    ...overrides,
  });

  it('record sets each finding by center and channel and sets the health of a link only while it has the address checked', async () => {
    fake.seed('links', '321000:1', { centerCode: '321000', item: 1, kind: 'web', url: 'https://gjj.example.cn/1', healthy: true, updatedAt: ejsonDate(T0) });
    fake.seed('links', '321000:3', { centerCode: '321000', item: 3, kind: 'web', url: 'https://moved.example.cn/3', healthy: true, updatedAt: ejsonDate(T0) });
    await store.health.record([finding('link:1', 'https://gjj.example.cn/1', false), finding('link:3', 'https://gjj.example.cn/3', false), finding('endpoint', 'https://gjj.example.cn/hooks', true)]);
    expect(fake.sent('modifyDocument', 'channelHealth').map((w) => [w.query, w.body.merge])).toEqual(
      expect.arrayContaining([
        [{ _id: '321000:link:1' }, false],
        [{ _id: '321000:link:3' }, false],
        [{ _id: '321000:endpoint' }, false],
      ]),
    );
    const linkUpdates = fake.sent('modifyDocument', 'links');
    expect(linkUpdates.map((w) => [w.body.queryType, w.query, w.data])).toEqual(
      expect.arrayContaining([
        ['WHERE', { _id: '321000:1', kind: 'web', url: 'https://gjj.example.cn/1' }, { $set: { healthy: false } }],
        ['WHERE', { _id: '321000:3', kind: 'web', url: 'https://gjj.example.cn/3' }, { $set: { healthy: false } }],
      ]),
    );
    expect(linkUpdates).toHaveLength(2);
    await expect(store.links.listForCenter('321000')).resolves.toEqual([
      { item: 1, kind: 'web', url: 'https://gjj.example.cn/1', healthy: false },
      { item: 3, kind: 'web', url: 'https://moved.example.cn/3', healthy: true },
    ]);
    await expect(store.health.listForCenter('321000')).resolves.toEqual([
      finding('endpoint', 'https://gjj.example.cn/hooks', true),
      finding('link:1', 'https://gjj.example.cn/1', false),
      finding('link:3', 'https://gjj.example.cn/3', false),
    ]);
    await expect(store.health.list()).resolves.toHaveLength(3);
  });
});

describe('conformance runs and callbacks', () => {
  it('startIfFree starts one run of several racing for a center, holds the center while it runs, and caps the day', async () => {
    const run = (id: string, at: Date, centerCode = '321000') => ({ id, centerCode, url: 'https://gjj.example.cn/hooks', startedBy: 'staff-1', startedAt: at, report: null, secretsSealed: [], passes: 0, seed: '' });
    const limits = (now: Date) => ({ busySince: new Date(now.getTime() - 120_000), daySince: new Date('2026-11-19T16:00:00Z'), dailyCap: 2 });
    const t = new Date('2026-11-20T02:00:00Z');
    const at = (ms: number) => new Date(t.getTime() + ms);
    const racing = await Promise.all(Array.from({ length: 5 }, (_, i) => store.conformanceRuns.startIfFree(run(`race-${i}`, t), limits(t))));
    expect(racing.filter((o) => o.kind === 'started')).toHaveLength(1);
    expect(racing.filter((o) => o.kind === 'running')).toHaveLength(4);
    expect([...fake.collection('conformanceRuns').keys()]).toHaveLength(1);
    await expect(store.conformanceRuns.startIfFree(run('other', t, '110000'), limits(t))).resolves.toEqual({ kind: 'started' });
    const [first] = [...fake.collection('conformanceRuns').keys()];
    await store.conformanceRuns.finish(first ?? '', { passed: false, checks: [], startedAt: t.toISOString(), finishedAt: t.toISOString() });
    await expect(store.conformanceRuns.startIfFree(run('second', at(1000)), limits(at(1000)))).resolves.toEqual({ kind: 'started' });
    await expect(store.conformanceRuns.startIfFree(run('third', at(60_000)), limits(at(60_000)))).resolves.toMatchObject({ kind: 'running', run: { id: 'second' } });
    // never finished: after its maximum duration it no longer holds the center, but the day's cap does
    await expect(store.conformanceRuns.startIfFree(run('third', at(130_000)), limits(at(130_000)))).resolves.toEqual({ kind: 'daily-cap', count: 2 });
    const tomorrow = new Date('2026-11-20T16:00:00Z');
    await expect(store.conformanceRuns.startIfFree(run('fourth', tomorrow), { ...limits(tomorrow), daySince: tomorrow })).resolves.toEqual({ kind: 'started' });
  });

  it('start adds the run, finish sets its report whole and empties its secrets, and latest asks for the newest run of the center', async () => {
    const run = { id: 'run-1', centerCode: '321000', url: 'https://gjj.example.cn/hooks', startedBy: 'o-staff', startedAt: T0, report: null, secretsSealed: ['sealed-1'], passes: 1, seed: 'seed-1' };
    await store.conformanceRuns.start(run);
    expect(fake.sent('insertDocument', 'conformanceRuns')[0]?.data).toEqual([{ _id: 'run-1', ...run, startedAt: ejsonDate(T0) }]);
    const report = { passed: false, checks: [{ id: 'refuse.bad-signature', name: '拒绝签名错误的推送', passed: false, detail: '中心答复 HTTP 200' }], startedAt: T0.toISOString(), finishedAt: minutes(1).toISOString() };
    await store.conformanceRuns.finish('run-1', report);
    expect(fake.sent('modifyDocument', 'conformanceRuns')[0]).toMatchObject({ query: { _id: 'run-1' }, data: { $set: { report, secretsSealed: [] } } });
    fake.requests.length = 0;
    await expect(store.conformanceRuns.latest('321000')).resolves.toEqual({ ...run, report, secretsSealed: [] });
    expect(fake.sent('getDocument', 'conformanceRuns')).toMatchObject([{ query: { centerCode: '321000' }, order: { startedAt: -1, _id: -1 }, body: { limit: 1 } }]);
    await expect(store.conformanceRuns.latest('110000')).resolves.toBeUndefined();
  });

  it('forgetSecrets empties the secrets of the unfinished runs started before a time, by one update of the query', async () => {
    const run = (id: string, startedAt: Date) => ({ id, centerCode: '321000', url: 'https://gjj.example.cn/hooks', startedBy: 'o-staff', startedAt, report: null, secretsSealed: ['sealed-1'], passes: 1, seed: 'seed-1' });
    await store.conformanceRuns.start(run('run-abandoned', T0));
    await store.conformanceRuns.start(run('run-going', minutes(20)));
    fake.requests.length = 0;
    await store.conformanceRuns.forgetSecrets(minutes(10));
    expect(fake.sent('modifyDocument', 'conformanceRuns')).toHaveLength(1);
    await expect(store.conformanceRuns.get('run-abandoned')).resolves.toMatchObject({ secretsSealed: [], passes: 1 });
    await expect(store.conformanceRuns.get('run-going')).resolves.toMatchObject({ secretsSealed: ['sealed-1'], passes: 1 });
  });

  it('keeps a background run’s lease on the run document and each step as a document of its own, asked for by run and index', async () => {
    const run = { id: 'run-bg', centerCode: '321000', url: 'https://gjj.example.cn/hooks', startedBy: 'o-staff', startedAt: T0, report: null, secretsSealed: ['sealed-1'], passes: 1, seed: 'seed-1' };
    await store.conformanceRuns.start(run);
    await expect(store.conformanceRuns.lease('run-bg', 'holder-1', T0, minutes(1))).resolves.toBe(true);
    expect(fake.collection('conformanceRuns').get('run-bg')).toMatchObject({ leaseHolder: 'holder-1', leaseUntil: ejsonDate(minutes(1)) });
    await expect(store.conformanceRuns.lease('run-bg', 'holder-2', T0, minutes(1))).resolves.toBe(false);
    const step = { index: 0, checks: [{ id: 'delivery.copy', name: '推送代收抄送', passed: true, detail: 'HTTP 200' }], posts: [{ accepted: true, answer: 'HTTP 200' }], doneAt: T0 };
    await expect(store.conformanceRuns.recordStep('run-bg', step)).resolves.toBe(true);
    await expect(store.conformanceRuns.recordStep('run-bg', { ...step, posts: [] })).resolves.toBe(false);
    expect([...fake.collection('conformanceSteps').keys()]).toEqual(['run-bg:0']);
    fake.requests.length = 0;
    await expect(store.conformanceRuns.steps('run-bg')).resolves.toEqual([step]);
    expect(fake.sent('getDocument', 'conformanceSteps')).toMatchObject([{ query: { runId: 'run-bg' }, order: { index: 1 } }]);
    // a run from before the background runs reads with no secrets and no seed
    fake.collection('conformanceRuns').set('run-old', { _id: 'run-old', id: 'run-old', centerCode: '321000', url: 'https://gjj.example.cn/hooks', startedBy: 'o-staff', startedAt: ejsonDate(T0), report: null });
    await expect(store.conformanceRuns.get('run-old')).resolves.toMatchObject({ id: 'run-old', secretsSealed: [], seed: '' });
  });

  it('record keeps every callback of a test application with a seq, and listFor answers them in arrival order', async () => {
    const callback = (webhookId: string, status: string) => ({ webhookId, status, at: T0.toISOString(), signatureValid: true, problems: [] });
    await store.conformanceCallbacks.record('321000', 'conformanceapp1', callback('w1', '01'));
    await store.conformanceCallbacks.record('321000', 'conformanceapp1', callback('w1', '01'));
    await store.conformanceCallbacks.record('321000', 'conformanceapp1', callback('w2', '02'));
    const [added] = fake.sent('insertDocument', 'conformanceCallbacks');
    expect(added?.data).toEqual([{ centerCode: '321000', applicationId: 'conformanceapp1', webhookId: 'w1', status: '01', at: ejsonDate(T0), signatureValid: true, problems: [], seq: expect.any(String) }]);
    fake.requests.length = 0;
    await expect(store.conformanceCallbacks.listFor('321000', 'conformanceapp1')).resolves.toEqual([callback('w1', '01'), callback('w1', '01'), callback('w2', '02')]);
    expect(fake.sent('getDocument', 'conformanceCallbacks')).toMatchObject([{ query: { centerCode: '321000', applicationId: 'conformanceapp1' }, order: { seq: 1 } }]);
  });
});

describe('monthly statistics', () => {
  it('counts a period in the database with three aggregate pipelines, reading no jump or application page by page', async () => {
    for (let i = 0; i < 3; i += 1) fake.seed('jumps', `j${i}`, { centerCode: '321000', item: 4, outcome: 'web', at: ejsonDate(new Date('2027-03-01T02:00:00Z')) });
    // a withdrawn case is not handled: counted for neither center
    fake.seed('applications', 'a0', {
      type: 'purchase-withdrawal',
      status: 'withdrawn',
      centers: [{ code: '321000', role: 'purchase' }, { code: '320100', role: 'deposit' }],
      centerCodes: ['321000', '320100'],
      createdAt: ejsonDate(new Date('2027-03-01T02:00:00Z')),
    });
    fake.seed('applications', 'a1', {
      type: 'purchase-withdrawal',
      status: 'completed',
      centers: [{ code: '321000', role: 'purchase' }, { code: '320100', role: 'deposit' }],
      centerCodes: ['321000', '320100'],
      createdAt: ejsonDate(new Date('2027-03-01T02:00:00Z')),
      paymentAmount: 0.29,
      paymentPaidOn: '2027-03-02',
    });
    fake.requests.length = 0;
    const counts = await store.monthly.counts({ from: new Date('2027-02-14T16:00:00Z'), to: new Date('2027-03-14T16:00:00Z'), fromDate: '2027-02-15', toDate: '2027-03-15' });
    expect(fake.requests.map((r) => [r.action, r.collection])).toEqual([
      ['database.aggregateDocuments', 'jumps'],
      ['database.aggregateDocuments', 'applications'],
      ['database.aggregateDocuments', 'applications'],
    ]);
    expect(fake.requests.flatMap((r) => (Array.isArray(r.body.stages) ? r.body.stages.map((s: { stageKey: string }) => s.stageKey) : []))).toEqual([
      '$match', '$group', '$match', '$unwind', '$match', '$group', '$match', '$unwind', '$match', '$group',
    ]);
    // 0.29 yuan is 28.999999999999996 when multiplied: each amount is rounded to whole fen in the pipeline
    expect(counts).toEqual([
      expect.objectContaining({ centerCode: '320100', joint: 1, paidFen: 29 }),
      expect.objectContaining({ centerCode: '321000', joint: 1, paidFen: 0, jumps: { '4': 3, '5': 0, '6': 0 } }),
    ]);
  });

  it('leaves test cases out of every count in the pipelines themselves; a document from before them (no `test`) counts (issue 15)', async () => {
    const joint = (test: boolean | undefined) => ({
      type: 'purchase-withdrawal',
      status: 'completed',
      centers: [{ code: '321000', role: 'purchase' }, { code: '320100', role: 'deposit' }],
      centerCodes: ['321000', '320100'],
      createdAt: ejsonDate(new Date('2027-03-01T02:00:00Z')),
      paymentAmount: test ? 5000 : 1,
      paymentPaidOn: '2027-03-02',
      ...(test === undefined ? {} : { test }),
    });
    fake.seed('applications', 'old', joint(undefined));
    fake.seed('applications', 'real', joint(false));
    fake.seed('applications', 'test', joint(true));
    fake.requests.length = 0;
    const counts = await store.monthly.counts({ from: new Date('2027-02-14T16:00:00Z'), to: new Date('2027-03-14T16:00:00Z'), fromDate: '2027-02-15', toDate: '2027-03-15' });
    expect(counts).toEqual([expect.objectContaining({ centerCode: '320100', joint: 2, paidFen: 200 }), expect.objectContaining({ centerCode: '321000', joint: 2, paidFen: 0 })]);
    const matches = fake.requests.flatMap((r) => (Array.isArray(r.body.stages) ? r.body.stages.filter((st: { stageKey: string }) => st.stageKey === '$match') : []));
    expect(matches.filter((m) => JSON.stringify(m).includes('test'))).toHaveLength(2);
  });
});

describe('the supervisors’ overview', () => {
  it('counts transfer times, overdue acceptances and open follow-ups each with one aggregate pipeline, the China dates computed in the database', async () => {
    fake.seed('applications', 'tr1', {
      type: 'transfer', status: 'completed', responsibleCenter: '320100',
      createdAt: ejsonDate(new Date('2030-01-01T16:30:00Z')), updatedAt: ejsonDate(new Date('2030-01-08T17:00:00Z')),
    });
    fake.seed('applications', 'ov1', { type: 'certificate-loan-cleared', status: 'delivered', responsibleCenter: '321000', acceptBy: '2030-01-07' });
    fake.seed('ratings', 'ra1', { centerCode: '321000', score: 1, followUp: 'open' });
    fake.requests.length = 0;
    await expect(store.dashboard.transferTimes(new Date('2030-01-03T16:00:00Z'), new Date('2030-01-10T16:00:00Z'))).resolves.toEqual([
      { centerCode: '320100', submittedOn: '2030-01-02', completedOn: '2030-01-09', count: 1 },
    ]);
    await expect(store.dashboard.overdueAcceptance('2030-01-10')).resolves.toEqual([{ centerCode: '321000', count: 1 }]);
    await expect(store.dashboard.openFollowUps()).resolves.toEqual([{ centerCode: '321000', count: 1 }]);
    expect(fake.requests.map((r) => [r.action, r.collection])).toEqual([
      ['database.aggregateDocuments', 'applications'],
      ['database.aggregateDocuments', 'applications'],
      ['database.aggregateDocuments', 'ratings'],
    ]);
    expect(JSON.stringify(fake.requests[0]?.body.stages)).toContain('$dateToString');
  });

  it('leaves test cases out of transfer times and overdue acceptances (issue 15)', async () => {
    for (const [id, test] of [['real', false], ['test', true]] as const) {
      fake.seed('applications', `tr-${id}`, {
        type: 'transfer', status: 'completed', responsibleCenter: '320100', test,
        createdAt: ejsonDate(new Date('2030-01-01T16:30:00Z')), updatedAt: ejsonDate(new Date('2030-01-08T17:00:00Z')),
      });
      fake.seed('applications', `ov-${id}`, { type: 'transfer', status: 'delivered', responsibleCenter: '321000', acceptBy: '2030-01-07', test });
    }
    await expect(store.dashboard.transferTimes(new Date('2030-01-03T16:00:00Z'), new Date('2030-01-10T16:00:00Z'))).resolves.toEqual([
      { centerCode: '320100', submittedOn: '2030-01-02', completedOn: '2030-01-09', count: 1 },
    ]);
    await expect(store.dashboard.overdueAcceptance('2030-01-10')).resolves.toEqual([{ centerCode: '321000', count: 1 }]);
  });
});

describe('supervision (issue 14)', () => {
  const T = new Date('2026-11-20T02:00:00Z');

  it('keeps a provincial supervisor’s province in the grant and in its record of the roles document', async () => {
    await store.roles.grant('o-pv', { role: 'provincial-supervisor', province: '320000' }, { at: T, by: 'sup-1' });
    expectOneDocumentTransaction();
    expect(fake.collection('roles').get('o-pv')).toMatchObject({
      grants: [{ role: 'provincial-supervisor', province: '320000' }],
      records: [{ role: 'provincial-supervisor', province: '320000', grantedAt: ejsonDate(T), grantedBy: 'sup-1' }],
    });
    await expect(store.roles.rolesOf('o-pv')).resolves.toEqual([{ role: 'provincial-supervisor', province: '320000' }]);
  });

  it('writes a channelHealthLog document only when a channel’s health changes, named by center, channel and check time', async () => {
    const finding = (healthy: boolean, at: Date): ChannelHealth => ({
      centerCode: '321000', channel: 'link:3', url: 'https://a.example.cn/3', healthy, consecutiveFailures: healthy ? 0 : 1, checkedAt: at, status: null, title: null, error: null,
    });
    const day = (n: number) => new Date(T.getTime() + n * 86_400_000);
    await store.health.record([finding(true, day(0))]);
    await store.health.record([finding(true, day(1))]);
    await store.health.record([finding(false, day(2))]);
    expect([...fake.collection('channelHealthLog').keys()]).toEqual([`321000:link:3:${day(0).getTime()}`, `321000:link:3:${day(2).getTime()}`]);
    expect(fake.collection('channelHealthLog').get(`321000:link:3:${day(2).getTime()}`)).toMatchObject({ centerCode: '321000', channel: 'link:3', healthy: false, checkedAt: ejsonDate(day(2)) });
    await expect(store.supervision.linkHealthAt(day(1))).resolves.toEqual([{ centerCode: '321000', item: 3, healthy: true, checkedAt: day(0) }]);
  });

  it('stores a liaison by province and a reason by center and item, each put one single-document transaction', async () => {
    const liaison = { province: '320000', contactSealed: 'sealed', position: '处长', landline: '025-51868888', updatedBy: 'pv-1', updatedAt: T };
    await store.supervision.putLiaison(liaison);
    expectOneDocumentTransaction();
    expect(fake.collection('liaisons').get('320000')).toMatchObject({ ...liaison, updatedAt: ejsonDate(T) });
    fake.reset();
    await store.supervision.putOnlineReason({ centerCode: '321000', item: 4, reason: '建设中', expectedDate: '2027-03-31', givenBy: 'staff-1', givenAt: T });
    expectOneDocumentTransaction();
    expect(fake.collection('onlineReasons').get('321000:4')).toMatchObject({ item: 4, reason: '建设中' });
  });
});

describe('the internal trial’s check results (issue 15)', () => {
  const T = new Date('2031-03-01T02:00:00Z');

  it('adds one trialChecks document per record, named by center, check and a sequence, and reads the latest with one query naming the centers and the instant', async () => {
    const record = { centerCode: '321000', check: 'link:3' as const, ok: false, note: '页面空白', expected: null, observed: 'load-failed' as const, checkedBy: 'tester-1', checkedAt: T };
    await store.trialChecks.record(record);
    await store.trialChecks.record({ ...record, ok: true, note: null, observed: 'loaded', checkedAt: new Date(T.getTime() + 60_000) });
    const ids = [...fake.collection('trialChecks').keys()];
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^321000:link:3:[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-f]{8}$/);
    expect(fake.collection('trialChecks').get(ids[0])).toMatchObject({ centerCode: '321000', check: 'link:3', ok: false, observed: 'load-failed', checkedAt: ejsonDate(T) });
    expect(fake.sent('getDocument')).toHaveLength(0);
    await expect(store.trialChecks.latest(['321000'], new Date(T.getTime() + 1))).resolves.toEqual([record]);
    const reads = fake.sent('getDocument');
    expect(reads).toHaveLength(1);
    expect(reads[0]?.collection).toBe('trialChecks');
    expect(reads[0]?.query).toEqual({ centerCode: { $in: ['321000'] }, checkedAt: { $lt: ejsonDate(new Date(T.getTime() + 1)) } });
  });
});

describe('the internal trial’s invites and poster scans (issue 15)', () => {
  const T = new Date('2031-04-01T02:00:00Z');
  const trialInvite = { id: 'inv00000000000000000001', code: 'TRIALAA2', province: '320000', uses: 2, used: 0, createdBy: 'sup-1', createdAt: T, expiresAt: new Date(T.getTime() + 86_400_000), revokedAt: null };

  it('redeem finds the code with a query, then counts the use and grants the tester role in one transaction over the invite and the person’s roles', async () => {
    await store.trialInvites.create(trialInvite);
    const before = fake.requests.length;
    await expect(store.trialInvites.redeem('TRIALAA2', 'o-t', T)).resolves.toEqual({ kind: 'joined', province: '320000' });
    const sent = fake.requests.slice(before);
    expect(trace(sent)).toEqual([
      ['getDocument', 'trialInvites', null],
      ['startTransaction', null, null],
      ['getDocument', 'trialInvites', 'inv00000000000000000001'],
      ['getDocument', 'roles', 'o-t'],
      ['modifyDocument', 'trialInvites', 'inv00000000000000000001'],
      ['modifyDocument', 'roles', 'o-t'],
      ['commitTransaction', null, null],
    ]);
    expect(fake.collection('trialInvites').get('inv00000000000000000001')).toMatchObject({ code: 'TRIALAA2', used: 1 });
    expect(fake.collection('roles').get('o-t')).toMatchObject({ grants: [{ role: 'tester', province: '320000' }] });
  });

  it('keeps a signed-in person’s scan of the day as a document named by a hash, never by the openid, and a count per center and day', async () => {
    await store.centers.upsertCatalog([center('321000')]);
    await expect(store.scans.record('321000', '2031-04-01', 'o-secret', T)).resolves.toBe(true);
    await expect(store.scans.record('321000', '2031-04-01', 'o-other', T)).resolves.toBe(true);
    await expect(store.scans.record('321000', '2031-04-01', 'o-secret', T)).resolves.toBe(false);
    const marks = [...fake.collection('centerScans').entries()];
    expect(marks).toHaveLength(2);
    expect(JSON.stringify(marks)).not.toContain('o-secret');
    expect(fake.collection('centerScanDays').get('321000:2031-04-01')).toMatchObject({ centerCode: '321000', day: '2031-04-01', count: 2 });
  });
});

describe('the internal trial’s findings and catalog fixes (issue 15)', () => {
  const T = new Date('2031-05-01T02:00:00Z');
  const finding = (id: string): FindingRecord => ({
    id,
    province: '320000',
    centerCode: '321000',
    check: 'link:1',
    owner: 'center',
    status: 'open',
    expected: null,
    seen: '页面打不开',
    observed: 'load-failed',
    screenshot: null,
    openedBy: 'tester-1',
    openedAt: T,
    updatedAt: T,
    history: [{ kind: 'opened', by: 'tester-1', byRole: 'tester', at: T, note: '页面打不开' }],
  });

  it('opens a finding in one transaction over the check’s activeFindings document and the finding, its history kept with ISO times', async () => {
    await store.findings.open(finding('fnd00000000000000000101'));
    expect(trace()).toEqual([
      ['startTransaction', null, null],
      ['getDocument', 'activeFindings', '321000:link:1'],
      ['getDocument', 'findings', 'fnd00000000000000000101'],
      ['modifyDocument', 'findings', 'fnd00000000000000000101'],
      ['modifyDocument', 'activeFindings', '321000:link:1'],
      ['commitTransaction', null, null],
    ]);
    expect(fake.collection('activeFindings').get('321000:link:1')).toMatchObject({ findingId: 'fnd00000000000000000101' });
    expect(fake.collection('findings').get('fnd00000000000000000101')).toMatchObject({
      centerCode: '321000',
      check: 'link:1',
      openedAt: ejsonDate(T),
      history: [{ kind: 'opened', by: 'tester-1', byRole: 'tester', at: T.toISOString(), note: '页面打不开' }],
    });
  });

  it('frees the check for a new finding when one is closed: the activeFindings document goes in the same transaction', async () => {
    const step = (kind: 'fixed' | 'closed', minutes: number) => ({ kind, by: 'x', byRole: 'center-staff' as const, at: new Date(T.getTime() + minutes * 60_000), note: null });
    await store.findings.open(finding('fnd00000000000000000101'));
    await store.findings.move('fnd00000000000000000101', 'open', 'fixed', step('fixed', 1));
    const before = fake.requests.length;
    await store.findings.move('fnd00000000000000000101', 'fixed', 'closed', step('closed', 2));
    expect(trace(fake.requests.slice(before))).toEqual([
      ['startTransaction', null, null],
      ['getDocument', 'findings', 'fnd00000000000000000101'],
      ['modifyDocument', 'findings', 'fnd00000000000000000101'],
      ['removeDocument', 'activeFindings', '321000:link:1'],
      ['commitTransaction', null, null],
    ]);
    expect(fake.collection('activeFindings').has('321000:link:1')).toBe(false);
    await expect(store.findings.open(finding('fnd00000000000000000102'))).resolves.toMatchObject({ reused: false });
  });

  it('applies an approved fix to the center document in the review’s transaction, and upsertCatalog lays it over the catalog', async () => {
    await store.centers.upsertCatalog([center('321000')]);
    await store.catalogFixes.add({
      id: 'cfx00000000000000000101', centerCode: '321000', field: 'phone', from: '0514-12329', to: '0515-12329', findingId: null,
      status: 'pending', proposedBy: 'sup-1', proposedAt: T, reviewedBy: null, reviewedAt: null, reason: null,
    });
    const before = fake.requests.length;
    await store.catalogFixes.review('cfx00000000000000000101', { status: 'approved', reviewedBy: 'sup-2', reviewedAt: T, reason: null });
    expect(trace(fake.requests.slice(before))).toEqual([
      ['startTransaction', null, null],
      ['getDocument', 'catalogFixes', 'cfx00000000000000000101'],
      ['modifyDocument', 'catalogFixes', 'cfx00000000000000000101'],
      ['modifyDocument', 'centers', '321000'],
      ['commitTransaction', null, null],
    ]);
    expect(fake.collection('centers').get('321000')).toMatchObject({ phone: '0515-12329' });
    await store.centers.upsertCatalog([center('321000')]);
    expect(fake.collection('centers').get('321000')).toMatchObject({ phone: '0515-12329', name: '扬州市住房公积金管理中心' });
  });

  it('of twenty testers reporting one check at once, one opens the finding and the others, run again after their write conflicts, add to it', async () => {
    const ids = Array.from({ length: 20 }, (_, n) => `fnd000000000000000002${String(n).padStart(2, '0')}`);
    const outcomes = await Promise.all(ids.map((id) => store.findings.open(finding(id))));
    expect(fake.conflicts).toBeGreaterThan(0);
    expect(outcomes.filter((o) => !o.reused)).toHaveLength(1);
    const [kept] = outcomes.filter((o) => !o.reused).map((o) => o.finding.id);
    expect(new Set(outcomes.map((o) => o.finding.id))).toEqual(new Set([kept]));
    expect((await store.findings.get(kept))?.history).toHaveLength(20);
    expect([...fake.collection('findings').keys()]).toEqual([kept]);
  });

  it('moves a finding whose write loses to other transactions five times in a row (more than the SDK tries), running it again until it is stored once', async () => {
    await store.findings.open(finding('fnd00000000000000000301'));
    let conflicts = 5;
    // each read of the finding in a transaction is followed by another transaction's change: the write conflicts
    fake.afterAnswer = (r) => {
      if (conflicts > 0 && r.action === 'database.getDocument' && r.collection === 'findings' && typeof r.body.transactionId === 'string') {
        conflicts -= 1;
        fake.failNext = { code: 'DATABASE_TRANSACTION_CONFLICT', message: 'write conflict on findings/fnd00000000000000000301' };
      }
    };
    const fixed = { kind: 'fixed' as const, by: 'x', byRole: 'center-staff' as const, at: new Date(T.getTime() + 60_000), note: '已更正' };
    await expect(store.findings.move('fnd00000000000000000301', 'open', 'fixed', fixed)).resolves.toMatchObject({ status: 'fixed' });
    expect(conflicts).toBe(0);
    expect((await store.findings.get('fnd00000000000000000301'))?.history.map((e) => e.kind)).toEqual(['opened', 'fixed']);
  });

  it('of twenty catalog fixes of one center approved at once, each, run again after its write conflicts, is applied', async () => {
    await store.centers.upsertCatalog([center('321000')]);
    const ids = Array.from({ length: 20 }, (_, n) => `cfx000000000000000003${String(n + 10)}`);
    for (const [n, id] of ids.entries()) {
      await store.catalogFixes.add({
        id, centerCode: '321000', field: 'phone', from: '0514-12329', to: `0514-123${String(n + 10)}`, findingId: null,
        status: 'pending', proposedBy: 'sup-1', proposedAt: T, reviewedBy: null, reviewedAt: null, reason: null,
      });
    }
    const outcomes = await Promise.all(ids.map((id) => store.catalogFixes.review(id, { status: 'approved', reviewedBy: 'sup-2', reviewedAt: T, reason: null })));
    expect(fake.conflicts).toBeGreaterThan(0);
    expect(outcomes.map((o) => o?.status)).toEqual(ids.map(() => 'approved'));
    expect(outcomes.map((o) => o?.to)).toContain(fake.collection('centers').get('321000')?.phone);
  });
});

describe('businessDomains (issue 16 point 1)', () => {
  const file = { name: 'a1b2c3d4.txt', content: '9f8e7d6c5b4a' };
  const requested = { domain: 'gjj.yangzhou.gov.cn', state: 'requested' as const, verificationFile: file, checkedAt: null, problem: null, updatedAt: T0, updatedBy: 'sup-1' };

  it('put sets the domain’s document by the domain as its id and the configured tally in one transaction; list pages in domain order', async () => {
    await expect(store.businessDomains.put(requested)).resolves.toEqual({ written: true, replaced: undefined });
    const transaction = fake.requests.map((r) => r.action).slice(fake.requests.findIndex((r) => r.action === 'database.startTransaction'));
    expect(transaction).toEqual(['database.startTransaction', 'database.getDocument', 'database.getDocument', 'database.modifyDocument', 'database.modifyDocument', 'database.commitTransaction']);
    expect(fake.sent('modifyDocument', 'businessDomains')[0]?.data).toEqual({ ...requested, verificationFile: file, updatedAt: ejsonDate(T0) });
    expect(fake.collection('meta').get('business-domains:configured')).toMatchObject({ value: '[]' });
    expect([...fake.collection('businessDomains').keys()]).toEqual(['gjj.yangzhou.gov.cn']);
    await store.businessDomains.put({ ...requested, domain: 'a.example.cn', state: 'configured', verificationFile: null });
    fake.requests.length = 0;
    await expect(store.businessDomains.list()).resolves.toEqual([{ ...requested, domain: 'a.example.cn', state: 'configured', verificationFile: null }, requested]);
    expect(fake.sent('getDocument', 'businessDomains')).toMatchObject([{ order: { domain: 1 } }]);
  });

  it('recordCheck reads and writes the one document in a transaction, and writes nothing once a supervisor changed it', async () => {
    await store.businessDomains.put(requested);
    fake.requests.length = 0;
    const at = new Date(T0.getTime() + 60_000);
    await expect(store.businessDomains.recordCheck('gjj.yangzhou.gov.cn', T0, { at, problem: null, by: 'centers-daily' })).resolves.toMatchObject({ state: 'file-placed', checkedAt: at, updatedBy: 'centers-daily' });
    expectOneDocumentTransaction();
    await expect(store.businessDomains.recordCheck('gjj.yangzhou.gov.cn', T0, { at, problem: null, by: 'centers-daily' })).resolves.toBeUndefined();
    expect(fake.sent('modifyDocument', 'businessDomains')).toHaveLength(1);
  });

  it('put counts the configured domains against the limit in its transaction: of two at once at the limit less one, exactly one is written', async () => {
    await store.businessDomains.put({ ...requested, domain: 'a.example.cn', state: 'configured' });
    const configure = (domain: string) => store.businessDomains.put({ ...requested, domain, state: 'configured' }, 2);
    const outcomes = await Promise.all([configure('x.example.cn'), configure('y.example.cn')]);
    expect(outcomes.filter((o) => o.written)).toHaveLength(1);
    expect(outcomes.find((o) => !o.written)).toEqual({ written: false, configured: 2 });
    expect([...fake.collection('businessDomains').values()].filter((d) => d.state === 'configured')).toHaveLength(2);
    await store.businessDomains.put({ ...requested, domain: 'a.example.cn' }, 2);
    expect(fake.collection('meta').get('business-domains:configured')).toMatchObject({ value: JSON.stringify([outcomes[0].written ? 'x.example.cn' : 'y.example.cn']) });
  });
});

describe('fetches of deliveries’ attachments by link (issue 16, point 3)', () => {
  const T = new Date('2031-05-01T02:00:00Z');

  it('adds one attachmentFetches document per fetch, reads an application’s with one query on its id and removes old ones with one query', async () => {
    const served = { at: T, applicationId: 'app-f', attachmentId: 'f1', centerCode: '321000', webhookId: 'msg_1', httpStatus: 206, refusal: null, byteRange: 'bytes 0-9/20' };
    const refused = { ...served, at: new Date(T.getTime() + 1000), httpStatus: 401, refusal: '签名无效' };
    await store.attachmentFetches.record(served);
    await store.attachmentFetches.record(refused);
    const ids = [...fake.collection('attachmentFetches').keys()];
    expect(ids).toHaveLength(2);
    expect(fake.collection('attachmentFetches').get(ids[1])).toMatchObject({ applicationId: 'app-f', httpStatus: 401, refusal: '签名无效', at: ejsonDate(refused.at) });
    expect(fake.sent('getDocument')).toHaveLength(0);
    await expect(store.attachmentFetches.ofApplication('app-f')).resolves.toEqual([served, refused]);
    expect(fake.sent('getDocument').map((r) => [r.collection, r.query])).toEqual([['attachmentFetches', { applicationId: 'app-f' }]]);
    await expect(store.attachmentFetches.removeOlderThan(new Date(T.getTime() + 500))).resolves.toBe(1);
    await expect(store.attachmentFetches.ofApplication('app-f')).resolves.toEqual([refused]);
  });

  it('reads a document written before the ranges (no byteRange) as having none', async () => {
    fake.collection('attachmentFetches').set('old-1', { _id: 'old-1', at: ejsonDate(T), applicationId: 'app-old', attachmentId: 'f1', centerCode: '321000', webhookId: null, httpStatus: 200, refusal: null });
    await expect(store.attachmentFetches.ofApplication('app-old')).resolves.toEqual([{ at: T, applicationId: 'app-old', attachmentId: 'f1', centerCode: '321000', webhookId: null, httpStatus: 200, refusal: null, byteRange: null }]);
  });
});

describe('certificate codes (issue 18 point 1)', () => {
  const T = new Date('2031-05-01T02:00:00Z');
  /** The case's document naming its holder, and the holder's identity (only the fields create reads). */
  const holder = (applicationId: string, openid: string) => {
    fake.seed('applications', applicationId, { openid });
    fake.seed('identities', openid, { openid });
  };

  it('removes the code it made when the holder’s identity is gone right after, and answers none (review 1, finding 5)', async () => {
    holder('app-gone', 'o-gone');
    fake.afterAnswer = (r) => {
      // an unbinding or erasure removes the identity as the code's transaction commits
      if (r.action === 'database.commitTransaction') fake.collection('identities').delete('o-gone');
    };
    const code = { id: 'codeGONExxxxxxxx', applicationId: 'app-gone', openid: 'o-gone', documentId: 'doc1', issuedAt: T, expiresAt: new Date(T.getTime() + 3_600_000), readsAllowed: 1, readsUsed: 0, revokedAt: null };
    await expect(store.certificateCodes.create(code)).resolves.toBeUndefined();
    expect(fake.collection('certificateCodes').get(code.id)).toBeUndefined();
  });


  it('keeps a code as one document by its id, counts a read in one transaction with its read document, and finds the latest by the declared index', async () => {
    const code = { id: 'codeCCCCCCCCCCCC', applicationId: 'app-code', openid: 'o-code', documentId: 'doc1', issuedAt: T, expiresAt: new Date(T.getTime() + 3_600_000), readsAllowed: 1, readsUsed: 0, revokedAt: null };
    holder('app-code', 'o-code');
    await store.certificateCodes.create(code);
    expect(fake.collection('certificateCodes').get(code.id)).toMatchObject({ applicationId: 'app-code', readsAllowed: 1, readsUsed: 0, expiresAt: ejsonDate(code.expiresAt) });
    await expect(store.certificateCodes.read(code.id, { at: new Date(T.getTime() + 1000), readerOpenid: 'staff-1', centerCode: '321000' })).resolves.toBe('valid');
    await expect(store.certificateCodes.read(code.id, { at: new Date(T.getTime() + 2000), readerOpenid: 'staff-2', centerCode: '110000' })).resolves.toBe('used');
    expect(fake.collection('certificateCodes').get(code.id)).toMatchObject({ readsUsed: 1 });
    expect([...fake.collection('certificateCodeReads').values()].map((d) => [d.codeId, d.centerCode, d.outcome])).toEqual([
      [code.id, '321000', 'valid'],
      [code.id, '110000', 'used'],
    ]);
    await expect(store.certificateCodes.latest('app-code')).resolves.toEqual({ ...code, readsUsed: 1 });
    await expect(store.certificateCodes.reads('app-code')).resolves.toHaveLength(2);
    await expect(store.certificateCodes.revokeAll('app-code', T)).resolves.toBe(1);
    expect(fake.collection('certificateCodes').get(code.id)).toMatchObject({ revokedAt: ejsonDate(T) });
  });
});

describe('unbinding (review 1, finding 6)', () => {
  const T = new Date('2031-05-01T02:00:00Z');

  it('removes the identity last, so an unbinding cut off half way is finished by asking again', async () => {
    fake.collection('identities').set('o-unbind', { _id: 'o-unbind', openid: 'o-unbind', docLookup: 'lookup-unbind' });
    fake.collection('verifications').set('v-unbind', { _id: 'v-unbind', openid: 'o-unbind' });
    fake.collection('counterRequests').set('c-unbind', { _id: 'c-unbind', openid: 'o-unbind' });
    // the counter requests' removal fails once, after the verifications went
    fake.afterAnswer = (r) => {
      if (r.action === 'database.removeDocument' && r.collection === 'verifications') fake.failNext = { code: 'DATABASE_REQUEST_FAILED', message: 'request failed' };
    };
    await expect(store.privacy.unbind('o-unbind', T)).rejects.toThrow();
    fake.afterAnswer = undefined;
    expect(fake.collection('identities').has('o-unbind')).toBe(true);

    await expect(store.privacy.unbind('o-unbind', T)).resolves.toBe(true);
    expect(fake.collection('identities').has('o-unbind')).toBe(false);
    expect(fake.collection('counterRequests').has('c-unbind')).toBe(false);
    expect(fake.collection('verifications').has('v-unbind')).toBe(false);
  });
});

describe('the erasure, not one transaction (review 1, finding 3)', () => {
  const T = new Date('2031-05-01T02:00:00Z');

  it('leaves a case that came in while it ran to the person, and keeps the request as erased for the next run: no longer pending', async () => {
    const deletion = { id: 'del-late', openid: 'o-late', requestedAt: T, dueAt: T };
    await store.privacy.requestDeletion(deletion);
    fake.collection('identities').set('o-late', { _id: 'o-late', openid: 'o-late', docLookup: 'lk-late' });
    // submitted as the erasure writes its audit, after the cases were checked
    fake.afterAnswer = (r) => {
      if (r.action === 'database.modifyDocument' && r.collection === 'audit') fake.collection('applications').set('app-late', { _id: 'app-late', openid: 'o-late', inFlightKey: 'transfer:o-late' });
    };
    const erasure = await store.privacy.erase(deletion, 'erased:del-late', [], T, (counts) => ({ at: T, actor: 'timer', action: 'account.deleted', subject: 'deletion:del-late', detail: JSON.stringify(counts) }));
    fake.afterAnswer = undefined;
    expect(erasure).toMatchObject({ outcome: 'erased', counts: { identities: 1, applicationsDetached: 0 } });
    expect(fake.collection('applications').get('app-late')).toMatchObject({ openid: 'o-late' });
    await expect(store.privacy.deletionOf('o-late')).resolves.toBeUndefined();
    await expect(store.privacy.dueDeletions(T)).resolves.toEqual([{ ...deletion, erasedAt: T }]);
  });

  it('records in an entry of its own what a later run detached: the case that came in meanwhile, once it ended, and its rating’s comment', async () => {
    const deletion = { id: 'del-later', openid: 'o-later', requestedAt: T, dueAt: T };
    const auditEntry = (counts: ErasedCounts) => ({ at: T, actor: 'timer', action: 'account.deleted', subject: 'deletion:del-later', detail: JSON.stringify(counts) });
    await store.privacy.requestDeletion(deletion);
    fake.collection('identities').set('o-later', { _id: 'o-later', openid: 'o-later', docLookup: 'lk-later' });
    const lateCase = { _id: 'app-later', openid: 'o-later', inFlightKey: 'transfer:o-later', rev: 1, events: [{ actorId: 'o-later' }], applicant: { docType: '01', nameSealed: 'n', docNumberSealed: 'd' } };
    fake.afterAnswer = (r) => {
      if (r.action === 'database.modifyDocument' && r.collection === 'audit') fake.collection('applications').set('app-later', lateCase);
    };
    const first = await store.privacy.erase(deletion, 'erased:del-later', [], T, auditEntry);
    fake.afterAnswer = undefined;
    expect(first).toMatchObject({ outcome: 'erased', counts: { identities: 1, applicationsDetached: 0 } });
    // the case ends and is rated; the next run finds it out of flight and sealed again
    fake.collection('applications').set('app-later', { ...lateCase, inFlightKey: null });
    fake.collection('ratings').set('app-later', { _id: 'app-later', applicationId: 'app-later', openid: 'o-later', score: 1, comment: '很差' });
    const [kept] = await store.privacy.dueDeletions(T);
    expect(kept).toEqual({ ...deletion, erasedAt: T });
    const later = await store.privacy.erase(kept, 'erased:del-later', [{ applicationId: 'app-later', nameSealed: 'n2', docNumberSealed: 'd2' }], T, auditEntry);
    const detachedOnly = { identities: 0, verifications: 0, counterRequests: 0, attempts: 0, consents: 0, roles: 0, applicationsDetached: 1, ratingComments: 1 };
    expect(later).toEqual({ outcome: 'erased', counts: detachedOnly });
    expect(fake.collection('applications').get('app-later')).toMatchObject({ openid: 'erased:del-later', events: [{ actorId: 'erased:del-later' }], applicant: { nameSealed: 'n2' } });
    expect(fake.collection('ratings').get('app-later')).toMatchObject({ openid: 'erased:del-later', comment: null });
    await expect(store.privacy.deletionOf('o-later')).resolves.toBeUndefined();
    const entries = await store.audit.listFor('deletion:del-later');
    expect(entries.map((e) => JSON.parse(e.detail))).toEqual([{ ...detachedOnly, identities: 1, applicationsDetached: 0, ratingComments: 0 }, detachedOnly]);
  });

  const auditedAs = (id: string) => (counts: object) => ({ at: T, actor: 'timer', action: 'account.deleted', subject: `deletion:${id}`, detail: JSON.stringify(counts) });

  it('answers a cancel asked as the erasure reads the request either by refusing it, the erasure going on, or by cancelling, nothing erased (review 1, finding 3)', async () => {
    const deletion = { id: 'del-race', openid: 'o-race', requestedAt: T, dueAt: T };
    await store.privacy.requestDeletion(deletion);
    fake.collection('identities').set('o-race', { _id: 'o-race', openid: 'o-race', docLookup: 'lk-race' });
    let cancel: Promise<string> | undefined;
    fake.afterAnswer = (r) => {
      if (!cancel && r.action === 'database.getDocument' && r.collection === 'accountDeletions') cancel = store.privacy.cancelDeletion('o-race');
    };
    const erasure = await store.privacy.erase(deletion, 'erased:del-race', [], T, auditedAs('del-race'));
    fake.afterAnswer = undefined;
    const cancelled = await cancel;
    if (cancelled === 'cancelled') {
      expect(erasure).toEqual({ outcome: 'cancelled' });
      expect(fake.collection('identities').has('o-race')).toBe(true);
    } else {
      expect(cancelled).toBe('erasing');
      expect(erasure).toMatchObject({ outcome: 'erased' });
      expect(fake.collection('identities').has('o-race')).toBe(false);
      await expect(store.privacy.deletionOf('o-race')).resolves.toBeUndefined();
    }
  });

  it('refuses a cancel asked while the erasure removes the person’s data: the erasure completes', async () => {
    const deletion = { id: 'del-mid', openid: 'o-mid', requestedAt: T, dueAt: T };
    await store.privacy.requestDeletion(deletion);
    fake.collection('identities').set('o-mid', { _id: 'o-mid', openid: 'o-mid', docLookup: 'lk-mid' });
    let cancel: Promise<string> | undefined;
    fake.afterAnswer = (r) => {
      if (!cancel && r.action === 'database.removeDocument' && r.collection === 'verifications') cancel = store.privacy.cancelDeletion('o-mid');
    };
    const erasure = await store.privacy.erase(deletion, 'erased:del-mid', [], T, auditedAs('del-mid'));
    fake.afterAnswer = undefined;
    await expect(cancel).resolves.toBe('erasing');
    expect(erasure).toMatchObject({ outcome: 'erased', counts: { identities: 1 } });
    expect(fake.collection('identities').has('o-mid')).toBe(false);
    await expect(store.privacy.deletionOf('o-mid')).resolves.toBeUndefined();
  });

  it('finishes a run cut off between its audit and the request’s removal: meanwhile the status says it is under way and a cancel is refused, and the next run writes no second audit entry (review 1, finding 8)', async () => {
    const deletion = { id: 'del-cut', openid: 'o-cut', requestedAt: T, dueAt: T };
    await store.privacy.requestDeletion(deletion);
    fake.collection('identities').set('o-cut', { _id: 'o-cut', openid: 'o-cut', docLookup: 'lk-cut' });
    // the request after the audit's commit fails: the run stops there
    let audited = false;
    fake.afterAnswer = (r) => {
      if (r.action === 'database.modifyDocument' && r.collection === 'audit') audited = true;
      else if (audited && r.action === 'database.commitTransaction') {
        fake.failNext = { code: 'DATABASE_REQUEST_FAILED', message: 'request failed' };
        fake.afterAnswer = undefined;
      }
    };
    await expect(store.privacy.erase(deletion, 'erased:del-cut', [], T, auditedAs('del-cut'))).rejects.toThrow();
    fake.afterAnswer = undefined;
    expect(fake.collection('identities').has('o-cut')).toBe(false);
    // 隐私与账号 is told the deletion is under way and offers no 撤销注销; asked anyway, the person is told why it did nothing
    const asker = contextFor(store, { openid: 'o-cut', roles: [] }, T, testOutside());
    expect(dataOf<DeletionView>(await session.handle({ action: 'deletionStatus' }, asker))).toEqual({ pending: { requestedAt: T.toISOString(), dueAt: T.toISOString(), erasing: true } });
    await expect(cancelDeletion(atCallTime(asker), 'o-cut')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: '注销正在执行，不能撤销',
    });
    await expect(store.privacy.deletionOf('o-cut')).resolves.toEqual(deletion);

    await expect(store.privacy.erase(deletion, 'erased:del-cut', [], T, auditedAs('del-cut'))).resolves.toMatchObject({ outcome: 'erased', counts: { identities: 0 } });
    await expect(store.privacy.deletionOf('o-cut')).resolves.toBeUndefined();
    const entries = await store.audit.listFor('deletion:del-cut');
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]?.detail ?? '{}')).toMatchObject({ identities: 1 });
  });

  it('removes only its own request at the end: another request of the person recorded meanwhile stays', async () => {
    const deletion = { id: 'del-old', openid: 'o-again', requestedAt: T, dueAt: T };
    const newer = { id: 'del-new', openid: 'o-again', requestedAt: T, dueAt: new Date(T.getTime() + 30 * 24 * 3600 * 1000) };
    await store.privacy.requestDeletion(deletion);
    // as if cancelled and asked again while the run went on
    fake.afterAnswer = (r) => {
      if (r.action === 'database.modifyDocument' && r.collection === 'audit') fake.collection('accountDeletions').set('o-again', { _id: 'o-again', ...newer, requestedAt: ejsonDate(newer.requestedAt), dueAt: ejsonDate(newer.dueAt) });
    };
    await expect(store.privacy.erase(deletion, 'erased:del-old', [], T, auditedAs('del-old'))).resolves.toMatchObject({ outcome: 'erased' });
    fake.afterAnswer = undefined;
    await expect(store.privacy.deletionOf('o-again')).resolves.toEqual(newer);
  });

  const DAY = 24 * 3600 * 1000;
  const outside = testOutside();
  const keyring = outside.keyring();
  const dailyRun = (when: Date) => carryOutDeletions(atCallTime(contextFor(store, undefined, when, outside, 'timer')));
  /** A person's case as a submission that began at `createdAt` stores it: the applicant sealed for the openid, in flight. */
  const caseOf = (openid: string, id: string, createdAt: Date) =>
    application(id, {
      openid,
      requestId: `req-${id}`,
      inFlightKey: `${openid}:transfer:321000`,
      applicant: { docType: '01', nameSealed: seal(keyring, sealedAs.name(openid), '孙八'), docNumberSealed: seal(keyring, sealedAs.docNumber(openid), '110101199003070011') },
      createdAt,
      updatedAt: createdAt,
    });

  it('detaches, by a later run with an audit entry of its own, a case whose submission read the identity before the erasure removed it and stored it after; the request, pending for no one meanwhile, goes only with a run that finds nothing (review 1 of session 9, finding 6)', async () => {
    const openid = 'o-race-submit';
    const deletion = { id: 'del-race-submit', openid, requestedAt: new Date(T.getTime() - 30 * DAY), dueAt: T };
    await store.identities.bind(identityRow(openid));
    await store.privacy.requestDeletion(deletion);
    // the submission reads the identity, then the daily run erases, then the submission stores its case
    const submittedAt = new Date(T.getTime() + 1000);
    expect((await store.reads.submission(openid, ['321000'], 'req-app-race', undefined)).identity).toBeDefined();
    expect(await dailyRun(T)).toMatchObject({ erased: 1 });
    expect(fake.collection('identities').has(openid)).toBe(false);
    expect(await store.applications.create(caseOf(openid, 'app-race', submittedAt), [], [], null)).toMatchObject({ kind: 'created' });

    // the account is gone: nothing pending to show, no 撤销注销
    const asker = contextFor(store, { openid, roles: [] }, new Date(T.getTime() + DAY), outside);
    expect(dataOf<DeletionView>(await session.handle({ action: 'deletionStatus' }, asker))).toEqual({ pending: null });
    await expect(cancelDeletion(atCallTime(asker), openid)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: '没有正在等待的注销申请' });

    // the next runs: the case in flight waits; once ended it is detached, its applicant still opened for the center
    expect(await dailyRun(new Date(T.getTime() + DAY))).toMatchObject({ waiting: 1, erased: 0, closed: 0 });
    const stored = fake.collection('applications').get('app-race');
    fake.collection('applications').set('app-race', { ...stored, inFlightKey: null, status: 'withdrawn' });
    expect(await dailyRun(new Date(T.getTime() + 2 * DAY))).toMatchObject({ erased: 1, closed: 0 });
    const tombstone = `erased:${deletion.id}`;
    const detached = await store.applications.get('app-race');
    expect(detached?.openid).toBe(tombstone);
    expect(detached && open(keyring, sealedAs.name(tombstone), detached.applicant.nameSealed)).toBe('孙八');
    const details = async () => (await store.audit.listFor(`deletion:${deletion.id}`)).map((e) => e.detail);
    expect(await details()).toEqual([expect.stringMatching(/identities=1 .*applicationsDetached=0/), expect.stringMatching(/identities=0 .*applicationsDetached=1/)]);
    await expect(store.privacy.dueDeletions(new Date(T.getTime() + 2 * DAY))).resolves.toEqual([{ ...deletion, erasedAt: T }]);

    // a run that finds nothing removes the request, and writes no entry
    expect(await dailyRun(new Date(T.getTime() + 3 * DAY))).toMatchObject({ closed: 1, erased: 0 });
    await expect(store.privacy.dueDeletions(new Date(T.getTime() + 3 * DAY))).resolves.toEqual([]);
    expect(await details()).toHaveLength(2);
  });

  it(`keeps the erased request while a submission begun before the erasure could still store its case (${(DAILY_RUN_MS + SUBMISSION_MS) / 1000} s after the run began), and leaves to the openid a case submitted after: its person came back as someone new`, async () => {
    const openid = 'o-came-back';
    const deletion = { id: 'del-came-back', openid, requestedAt: new Date(T.getTime() - 30 * DAY), dueAt: T };
    await store.identities.bind(identityRow(openid));
    await store.privacy.requestDeletion(deletion);
    expect(await dailyRun(T)).toMatchObject({ erased: 1 });
    // a run again before every such submission has ended: nothing found yet, the request stays
    expect(await dailyRun(new Date(T.getTime() + DAILY_RUN_MS + SUBMISSION_MS - 1))).toMatchObject({ waiting: 1, closed: 0 });
    await expect(store.privacy.dueDeletions(T)).resolves.toHaveLength(1);
    // verified again and submitted after the erasure's run could have ended: theirs, left alone
    await store.identities.bind(identityRow(openid));
    await store.applications.create(caseOf(openid, 'app-new-life', new Date(T.getTime() + DAILY_RUN_MS + 1)), [], [], null);
    expect(await dailyRun(new Date(T.getTime() + DAILY_RUN_MS + SUBMISSION_MS))).toMatchObject({ closed: 1, waiting: 0 });
    expect(fake.collection('identities').has(openid)).toBe(true);
    expect((await store.applications.get('app-new-life'))?.openid).toBe(openid);
    await expect(store.privacy.dueDeletions(T)).resolves.toEqual([]);
    expect(await store.audit.listFor(`deletion:${deletion.id}`)).toHaveLength(1);
  });
});
