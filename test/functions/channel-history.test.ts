import { handler as admin } from '../../cloudfunctions/admin';
import { handler as centers } from '../../cloudfunctions/centers';
import { handler as portal } from '../../cloudfunctions/portal';
import type { HostLookup } from '../../cloudfunctions/_lib/delivery/http';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { createOutside } from '../../cloudfunctions/_lib/runtime/outside';
import { earliestEffectiveDate } from '../../cloudfunctions/_lib/services/portal';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import type { ChangeTarget, ChangeView, PortalOverview, UnhealthyView } from '../../src/core/center-portal';
import { generateKeyringEnv } from '../../cloudfunctions/_lib/crypto/personal-data';
import { catalogStore, contextFor, launched, testOutside } from '../support/function-context';
import { countedPgliteStore } from '../support/round-trips';
import { PGlite } from '@electric-sql/pglite';
import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import type { SqlDriver } from '../../cloudfunctions/_lib/store/sql/driver';
import { pgliteDriver } from '../../cloudfunctions/_lib/store/sql/pglite';
import { createSqlStore, migrate } from '../../cloudfunctions/_lib/store/sql/sql-store';
import { CATALOG_CACHE_MS } from '../../cloudfunctions/_lib/services/centers';

/**
 * One history of channel changes (issue 16, points 6 and 8): supervisors' immediate changes as work orders beside
 * centers' reviewed ones, checks at proposal in a person's words, old beside new, names and roles instead of
 * openids, and the supervisors' list of unhealthy links reading what employees' jumps read.
 */
jest.setTimeout(60_000);

const T0 = new Date('2026-11-20T10:00:00+08:00');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const names: Record<string, string[]> = { 'gjj.example.cn': ['36.112.10.20'], 'hall.example.cn': ['36.112.10.21'] };
const lookup: HostLookup = async (host) => {
  const found = names[host];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found;
};

let store: Store;
const outside = testOutside({ urlChecks: { lookup } });
beforeAll(async () => {
  store = await catalogStore();
  // people as supervisors named them (roles store displayName); the second supervisor has no name
  await store.roles.grant('sup-wang', { role: 'supervisor' }, { at: T0, by: 'root', displayName: '王监管' });
  await store.roles.grant('sup-anon', { role: 'supervisor' }, { at: T0, by: 'root' });
});
afterAll(() => store.close());

const wang: Caller = { openid: 'sup-wang', roles: [{ role: 'supervisor' }] };
const anon: Caller = { openid: 'sup-anon', roles: [{ role: 'supervisor' }] };
const call = (fn: typeof admin, caller: Caller, event: unknown, now = T0) => fn.handle(event, contextFor(store, caller, now, outside));
const data = <T>(result: { ok: boolean; data?: unknown }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.data as T;
};
const history = async (centerCode: string, caller = anon) => data<ChangeView[]>(await call(admin, caller, { action: 'centerHistory', centerCode }));

async function staffOf(centerCode: string, openid: string, displayName?: string): Promise<Caller> {
  const { code } = data<{ code: string }>(await call(admin, wang, { action: 'inviteStaff', centerCode }));
  data(await call(portal, { openid, roles: [] }, { action: 'joinCenter', code }));
  if (displayName) data(await call(admin, wang, { action: 'grantRole', openid, role: 'center-staff', centerCode, displayName }));
  return { openid, roles: await store.roles.rolesOf(openid) };
}

describe('supervisors’ immediate changes', () => {
  it('records setEndpoint, setManual, setItemRoute and setCounter as live work orders in the one history, old -> new, by name and role', async () => {
    const center = '321000';
    const staff = await staffOf(center, 'staff-yz', '李四');
    const minute = (n: number) => new Date(T0.getTime() + n * 60_000);
    data(await call(admin, wang, { action: 'setEndpoint', centerCode: center, url: 'https://gjj.example.cn/hooks', secret: SECRET }));
    data(await call(admin, wang, { action: 'setManual', centerCode: center }, minute(1)));
    data(await call(admin, wang, { action: 'setItemRoute', centerCode: center, item: 5, route: 'in-app' }, minute(2)));
    data(await call(admin, wang, { action: 'setCounter', centerCode: center, address: '扬州市某区某路 1 号 公积金服务大厅', hours: '工作日 9:00-17:00' }, minute(3)));

    const seen = await history(center);
    expect(seen.map((c) => [c.targetLabel, c.status, c.immediate, c.proposedBy, c.reviewedBy])).toEqual([
      ['服务大厅地址和办公时间', 'live', true, '王监管（监管人员）', '王监管（监管人员）'],
      ['事项 5 缴存信息变更', 'live', true, '王监管（监管人员）', '王监管（监管人员）'],
      ['接收推送的接口', 'live', true, '王监管（监管人员）', '王监管（监管人员）'],
      ['接收推送的接口', 'live', true, '王监管（监管人员）', '王监管（监管人员）'],
    ]);
    expect(seen.map((c) => [c.previous, c.target])).toEqual([
      [null, { kind: 'hall', hall: { kind: 'hall', address: '扬州市某区某路 1 号 公积金服务大厅', hours: '工作日 9:00-17:00' } }],
      [null, { kind: 'link', item: 5, link: { kind: 'in-app' } }],
      [{ kind: 'api', url: 'https://gjj.example.cn/hooks' }, { kind: 'endpoint', endpoint: { kind: 'manual' } }],
      [null, { kind: 'endpoint', endpoint: { kind: 'api', url: 'https://gjj.example.cn/hooks' } }],
    ]);
    // effective now, said once: the secret was replaced, never the secret
    expect(seen[3]).toMatchObject({ effectiveDate: '2026-11-20', appliedAt: T0.toISOString(), reason: '同时更换了签名密钥' });
    expect(JSON.stringify(seen)).not.toContain(SECRET.slice(6));
    expect(JSON.stringify(seen)).not.toContain('sup-wang');
    expect(JSON.stringify(await store.audit.listFor(`center:${center}`))).not.toContain(SECRET.slice(6));
    expect(await store.audit.listFor(`center:${center}`)).toContainEqual(
      expect.objectContaining({ actor: 'sup-wang', action: 'endpoint.manual', detail: `${seen[2].id} 接收推送的接口：https://gjj.example.cn/hooks → 在工作台人工办理` }),
    );

    // the portal shows the center the same history, the supervisor by name and role
    const overview = data<PortalOverview>(await call(portal, staff, { action: 'overview' }));
    expect(overview.changes.map((c) => [c.id, c.immediate, c.proposedBy])).toEqual(seen.map((c) => [c.id, true, '王监管（监管人员）']));
    expect(await store.centers.get(center)).toMatchObject({ counter: { address: '扬州市某区某路 1 号 公积金服务大厅', hours: '工作日 9:00-17:00' } });
  });

  it('supersedes a center’s approved change of the same target still waiting for its date, so it never overwrites the supervisor’s', async () => {
    const center = '320100';
    const staff = await staffOf(center, 'staff-nj');
    const date = (await earliestEffectiveDate({ store }, '2026-11-20')).date;
    data(await call(portal, staff, { action: 'rotateSecret' }));
    const waiting = data<{ change: ChangeView }>(await call(portal, staff, { action: 'proposeEndpoint', url: 'https://hall.example.cn/hooks', effectiveDate: date })).change;
    data(await call(admin, anon, { action: 'reviewChange', id: waiting.id, approve: true }));
    data(await call(admin, wang, { action: 'setManual', centerCode: center }, new Date(T0.getTime() + 60_000)));
    const seen = await history(center, wang);
    expect(seen.find((c) => c.id === waiting.id)).toMatchObject({ status: 'superseded', proposedBy: '中心工作人员', reviewedBy: '监管人员' });
    // the center's secret made its endpoint (manual) first
    expect(seen[0]).toMatchObject({ immediate: true, status: 'live', proposedBy: '本人', previous: { kind: 'manual' } });
  });

  it('changes nothing and records nothing when the input or the address is refused', async () => {
    const center = '320200';
    for (const event of [
      { action: 'setEndpoint', centerCode: center, url: 'https://nowhere.example.cn/hooks', secret: SECRET },
      { action: 'setEndpoint', centerCode: center, url: 'http://gjj.example.cn/hooks', secret: SECRET },
      { action: 'setEndpoint', centerCode: center, url: 'https://gjj.example.cn/hooks' },
      { action: 'setCounter', centerCode: center, address: '短', hours: '工作日 9:00-17:00' },
      { action: 'setItemRoute', centerCode: center, item: 1, route: 'in-app' },
      { action: 'setManual', centerCode: '999999' },
    ]) {
      expect(await call(admin, wang, event)).toMatchObject({ ok: false });
    }
    expect(await store.linkChanges.listForCenter(center)).toEqual([]);
    expect(await store.endpoints.get(center)).toBeUndefined();
    expect(await store.audit.listFor(`center:${center}`)).toEqual([]);
  });
});

/**
 * A driver that fails the statement sent right after the first one matching `armed.after` (then disarms): a store
 * failing between two writes of one step, as a network error on CloudBase would.
 */
function faultyDriver(inner: SqlDriver, armed: { after?: RegExp; hit?: boolean }): SqlDriver {
  const check = (text: string) => {
    if (armed.hit) {
      armed.hit = false;
      armed.after = undefined;
      throw new Error('injected fault');
    }
    if (armed.after?.test(text)) armed.hit = true;
  };
  return {
    exec: async (text) => {
      check(text);
      return inner.exec(text);
    },
    query: async (text, params) => {
      check(text);
      return inner.query(text, params);
    },
    transaction: (work) => inner.transaction((tx) => work(faultyDriver(tx, armed))),
    close: () => inner.close(),
  };
}

describe('a supervisor’s immediate change, made in one step', () => {
  it.each([
    ['after the order is written', /insert into link_changes/],
    ['after the secret is written', /insert into endpoints/],
  ])('changes nothing when the store fails %s: the secret and address stay, no order waits, nothing is audited', async (_when, after) => {
    const db = await PGlite.create();
    const driver = pgliteDriver(db);
    await migrate(driver);
    const armed: { after?: RegExp; hit?: boolean } = {};
    const faulty = await launched(createSqlStore(faultyDriver(driver, armed), 'pglite'));
    await ensureCatalog(faulty);
    try {
      const center = '321000';
      await faulty.endpoints.put({ centerCode: center, mode: 'api', url: 'https://gjj.example.cn/hooks', secretsSealed: ['own-secret'], updatedAt: T0 }, 'staff-own');
      const endpoint = await faulty.endpoints.get(center);
      const holders = await faulty.endpoints.secretHolders(center);
      armed.after = after;
      const answer = await admin.handle({ action: 'setEndpoint', centerCode: center, url: 'https://hall.example.cn/hooks', secret: SECRET }, contextFor(faulty, wang, T0, outside));
      expect(answer).toMatchObject({ ok: false });
      expect(armed.after).toBeUndefined(); // the fault was met
      expect(await faulty.endpoints.get(center)).toEqual(endpoint);
      expect(await faulty.endpoints.secretHolders(center)).toEqual(holders);
      expect(await faulty.linkChanges.listForCenter(center)).toEqual([]);
      expect(await faulty.audit.listFor(`center:${center}`)).toEqual([]);
      // and once the store answers again, the same call goes through whole
      data(await admin.handle({ action: 'setEndpoint', centerCode: center, url: 'https://hall.example.cn/hooks', secret: SECRET }, contextFor(faulty, wang, T0, outside)));
      expect(await faulty.endpoints.get(center)).toMatchObject({ url: 'https://hall.example.cn/hooks', secretsSealed: [expect.not.stringMatching(/^own-secret$/)] });
      expect(await faulty.endpoints.secretHolders(center)).toEqual([expect.objectContaining({ shownTo: 'sup-wang' })]);
      expect((await faulty.linkChanges.listForCenter(center)).map((c) => c.status)).toEqual(['live']);
      expect((await faulty.audit.listFor(`center:${center}`)).map((e) => e.action)).toEqual(['endpoint.set']);
    } finally {
      await faulty.close();
    }
  });

  it('lets two supervisors set the same endpoint at once: both orders go live, the second replacing the first, with no error', async () => {
    const center = '320600';
    const answers = await Promise.all([
      call(admin, wang, { action: 'setEndpoint', centerCode: center, url: 'https://gjj.example.cn/nt-1', secret: SECRET }),
      call(admin, anon, { action: 'setEndpoint', centerCode: center, url: 'https://gjj.example.cn/nt-2', secret: SECRET }),
    ]);
    expect(answers).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })]);
    const seen = await history(center, wang);
    expect(seen.map((c) => c.status)).toEqual(['live', 'live']);
    const live = await store.endpoints.get(center);
    const [earlier] = seen.filter((c) => c.previous === null);
    expect(seen.find((c) => c.previous !== null)).toMatchObject({ target: { endpoint: { url: live?.url } }, previous: earlier.target.kind === 'endpoint' ? earlier.target.endpoint : 'none' });
  });
});

describe('proposals checked while the person is there', () => {
  it('refuses a web link whose name does not resolve, a malformed AppID and a malformed page path, each under its field, storing nothing', async () => {
    const center = '320300';
    const staff = await staffOf(center, 'staff-xz');
    const date = (await earliestEffectiveDate({ store }, '2026-11-20')).date;
    expect(await call(portal, staff, { action: 'proposeLink', item: 1, url: 'https://gjj.exmaple.cn/q', effectiveDate: date })).toEqual({
      ok: false,
      code: 'UNSAFE_URL',
      message: '链接地址不可用：域名 gjj.exmaple.cn 无法解析，请检查拼写或确认域名已生效',
      fields: { url: '域名 gjj.exmaple.cn 无法解析，请检查拼写或确认域名已生效' },
    });
    expect(await call(portal, staff, { action: 'proposeEndpoint', url: 'https://api.exmaple.cn/hooks', effectiveDate: date })).toMatchObject({
      ok: false,
      fields: { url: '域名 api.exmaple.cn 无法解析，请检查拼写或确认域名已生效' },
    });
    for (const appId of ['wx123', 'WX0123456789ABCDEF', 'wx0123456789abcdeg', 'gh_0123456789ab']) {
      expect(await call(portal, staff, { action: 'proposeLink', item: 3, appId, path: 'pages/index/index', effectiveDate: date })).toMatchObject({
        ok: false,
        code: 'VALIDATION_FAILED',
        fields: { appId: expect.stringContaining('小程序 AppID 应为 wx 加 16 位') },
      });
    }
    for (const path of ['/pages/index/index', 'https://gjj.example.cn/x', 'pages/index index', 'pages//index']) {
      expect(await call(portal, staff, { action: 'proposeLink', item: 3, appId: 'wx0123456789abcdef', path, effectiveDate: date })).toMatchObject({
        ok: false,
        fields: { path: expect.stringContaining('页面路径应为该小程序内的页面') },
      });
    }
    expect(await store.linkChanges.listForCenter(center)).toEqual([]);
    expect(await call(portal, staff, { action: 'proposeLink', item: 3, appId: 'wx0123456789abcdef', path: 'pages/retire/index?item=3', effectiveDate: date })).toMatchObject({ ok: true });
  });
});

describe('the review list', () => {
  it('shows what is live now beside what each order proposes, and the proposer by name and role, never an openid', async () => {
    const center = '320400';
    const staff = await staffOf(center, 'staff-cz', '赵六');
    await store.links.put(center, { item: 1, kind: 'web', url: 'https://gjj.example.cn/old', healthy: true });
    const date = (await earliestEffectiveDate({ store }, '2026-11-20')).date;
    const link = data<ChangeView>(await call(portal, staff, { action: 'proposeLink', item: 1, url: 'https://hall.example.cn/new', effectiveDate: date }));
    const endpoint = data<{ change: ChangeView }>(await call(portal, staff, { action: 'proposeEndpoint', manual: true, effectiveDate: date }, new Date(T0.getTime() + 1000))).change;
    const pending = data<ChangeView[]>(await call(admin, wang, { action: 'pendingChanges' })).filter((c) => c.centerCode === center);
    expect(pending.map((c) => [c.id, c.current, c.proposedBy])).toEqual([
      [link.id, { kind: 'web', url: 'https://gjj.example.cn/old' }, '赵六（中心工作人员）'],
      [endpoint.id, null, '赵六（中心工作人员）'],
    ]);
    expect(JSON.stringify(pending)).not.toContain('staff-cz');
    // decided, it leaves the list for the history, named by role there when the decider has no name
    data(await call(admin, anon, { action: 'reviewChange', id: link.id, approve: false, reason: '页面与事项不符' }));
    expect(data<ChangeView[]>(await call(admin, wang, { action: 'pendingChanges' })).map((c) => c.id)).not.toContain(link.id);
    expect((await history(center, wang)).find((c) => c.id === link.id)).toMatchObject({ status: 'rejected', reviewedBy: '监管人员', proposedBy: '赵六（中心工作人员）' });
  });
});

describe('four eyes on a work order', () => {
  it('lets a supervisor who also serves a center reject their own proposal but not approve it; another supervisor approves it', async () => {
    const center = '320800';
    await store.roles.grant('sup-staff', { role: 'supervisor' }, { at: T0, by: 'root' });
    await store.roles.grant('sup-staff', { role: 'center-staff', centerCode: center }, { at: T0, by: 'root' });
    const self: Caller = { openid: 'sup-staff', roles: await store.roles.rolesOf('sup-staff') };
    const date = (await earliestEffectiveDate({ store }, '2026-11-20')).date;
    const propose = async (url: string) => data<ChangeView>(await call(portal, self, { action: 'proposeLink', item: 1, url, effectiveDate: date }));
    const first = await propose('https://hall.example.cn/ha-1');
    expect(await call(admin, self, { action: 'reviewChange', id: first.id, approve: true })).toMatchObject({ ok: false, code: 'FORBIDDEN', message: '变更单须由提出人以外的另一位监管人员审核通过' });
    expect((await store.linkChanges.get(first.id))?.status).toBe('pending');
    expect(data<ChangeView>(await call(admin, wang, { action: 'reviewChange', id: first.id, approve: true }))).toMatchObject({ status: 'approved' });
    const second = await propose('https://hall.example.cn/ha-2');
    expect(data<ChangeView>(await call(admin, self, { action: 'reviewChange', id: second.id, approve: false, reason: '地址填错，重新提交' }))).toMatchObject({ status: 'rejected' });
  });
});

describe('people named in work orders', () => {
  it('names a reviewer holding a provincial grant first as the national supervisor they acted as', async () => {
    const center = '320700';
    const staff = await staffOf(center, 'staff-lyg');
    await store.roles.grant('sup-both', { role: 'provincial-supervisor', province: '320000' }, { at: T0, by: 'root' });
    await store.roles.grant('sup-both', { role: 'supervisor' }, { at: T0, by: 'root', displayName: '孙监管' });
    const both: Caller = { openid: 'sup-both', roles: await store.roles.rolesOf('sup-both') };
    const date = (await earliestEffectiveDate({ store }, '2026-11-20')).date;
    const link = data<ChangeView>(await call(portal, staff, { action: 'proposeLink', item: 1, url: 'https://hall.example.cn/lyg', effectiveDate: date }));
    data(await call(admin, both, { action: 'reviewChange', id: link.id, approve: false, reason: '页面与事项不符' }));
    expect((await history(center, wang)).find((c) => c.id === link.id)).toMatchObject({ reviewedBy: '孙监管（监管人员）', proposedBy: '中心工作人员' });
  });
});

describe('the review list’s reads', () => {
  it('reads the store as many times for 50 pending orders of 20 centers as for 3 (one of each kind)', async () => {
    const { store: counted, sent } = await countedPgliteStore();
    try {
      let n = 0;
      const order = (centerCode: string, target: ChangeTarget, proposedBy: string) => counted.linkChanges.create({
        id: `chg${String(++n).padStart(20, '0')}`, centerCode, target, effectiveDate: '2026-12-04', status: 'pending', proposedBy, proposedAt: new Date(T0.getTime() + n),
        reviewedBy: null, reviewedAt: null, reason: null, appliedAt: null, previous: null, heldReason: null, heldAt: null,
      });
      const codes = (await counted.centers.list()).slice(0, 20).map((c) => c.code);
      const targets: ChangeTarget[] = [
        { kind: 'link', item: 1, link: { kind: 'web', url: 'https://hall.example.cn/1' } },
        { kind: 'endpoint', endpoint: { kind: 'manual' } },
        { kind: 'hall', hall: { kind: 'hall', address: '某市某路 1 号 服务大厅', hours: '工作日 9:00-17:00' } },
      ];
      const reads = async (at: Date) => {
        const start = sent.length;
        data<ChangeView[]>(await admin.handle({ action: 'pendingChanges' }, contextFor(counted, wang, at, outside)));
        return sent.length - start;
      };
      for (let i = 0; i < 3; i++) await order(codes[i], targets[i], `staff-rt-${i}`);
      const few = await reads(T0);
      for (let i = 3; i < 50; i++) await order(codes[i % 20], targets[i % 3], `staff-rt-${i % 20}`);
      // a cold catalog cache again, as for the first
      const many = await reads(new Date(T0.getTime() + 2 * CATALOG_CACHE_MS));
      expect(many).toBe(few);
      expect(many).toBeLessThanOrEqual(8);
    } finally {
      await counted.close();
    }
  });
});

describe('unhealthy links', () => {
  it('lists for supervisors every link employees are told is unreachable, with or without a finding of the daily check', async () => {
    const center = '320500';
    await store.centers.setLive(center, true);
    // marked unhealthy without a finding (as the local host's demo seeds the 39 centers of the annex)
    await store.links.put(center, { item: 1, kind: 'web', url: 'https://gjj.example.cn/sz/1', healthy: false });
    await store.links.put(center, { item: 2, kind: 'web', url: 'https://gjj.example.cn/sz/2', healthy: true });
    // and one the daily check found failing
    await store.links.put(center, { item: 3, kind: 'web', url: 'https://gjj.example.cn/sz/3', healthy: true });
    const finding = { centerCode: center, channel: 'link:3' as const, url: 'https://gjj.example.cn/sz/3', consecutiveFailures: 2, healthy: false, checkedAt: T0, status: 502, title: null, error: 'HTTP 502' };
    await store.health.record([finding]);

    for (const item of [1, 3]) {
      expect(await centers.handle({ action: 'jump', code: center, item }, contextFor(store, undefined, T0, outside))).toMatchObject({
        ok: true,
        data: { target: { kind: 'unavailable', reason: 'unhealthy', message: expect.stringContaining('线上办理渠道暂时无法访问') } },
      });
    }
    const { unhealthy } = data<{ unhealthy: UnhealthyView[] }>(await call(admin, wang, { action: 'linkHealth' }));
    expect(unhealthy.filter((u) => u.centerCode === center)).toEqual([
      { centerCode: center, centerName: '苏州市住房公积金管理中心', channelLabel: '事项 1 缴存贷款信息查询', url: 'https://gjj.example.cn/sz/1', health: null },
      {
        centerCode: center,
        centerName: '苏州市住房公积金管理中心',
        channelLabel: '事项 3 退休提取',
        url: 'https://gjj.example.cn/sz/3',
        health: { url: finding.url, healthy: false, consecutiveFailures: 2, checkedAt: T0.toISOString(), status: 502, title: null, error: 'HTTP 502' },
      },
    ]);
  });
});

describe('unhealthy endpoints', () => {
  it('lists an endpoint by the daily finding about the address it calls now, and no more once it moved or went to the workbench', async () => {
    const center = '320800';
    const listed = async () => data<{ unhealthy: UnhealthyView[] }>(await call(admin, wang, { action: 'linkHealth' })).unhealthy.filter((u) => u.centerCode === center);
    data(await call(admin, wang, { action: 'setEndpoint', centerCode: center, url: 'https://gjj.example.cn/ha-1', secret: SECRET }));
    await store.health.record([{ centerCode: center, channel: 'endpoint', url: 'https://gjj.example.cn/ha-1', consecutiveFailures: 3, healthy: false, checkedAt: T0, status: 503, title: null, error: 'HTTP 503' }]);
    expect(await listed()).toEqual([expect.objectContaining({ channelLabel: '接收推送的接口', url: 'https://gjj.example.cn/ha-1', health: expect.objectContaining({ healthy: false }) })]);
    data(await call(admin, wang, { action: 'setEndpoint', centerCode: center, url: 'https://gjj.example.cn/ha-2' }, new Date(T0.getTime() + 60_000)));
    expect(await listed()).toEqual([]);
    data(await call(admin, wang, { action: 'setEndpoint', centerCode: center, url: 'https://gjj.example.cn/ha-1' }, new Date(T0.getTime() + 120_000)));
    expect(await listed()).toHaveLength(1);
    data(await call(admin, wang, { action: 'setManual', centerCode: center }, new Date(T0.getTime() + 180_000)));
    expect(await listed()).toEqual([]);
  });
});

describe('the local host’s hosts map (DEV_HOSTS)', () => {
  const parts = { files: () => outside.files(), nudgeRelay: () => undefined };
  const env = { ...generateKeyringEnv(), DEV_HOSTS: 'hall.demo.gjj.cn=36.112.10.30, HALL.demo.gjj.cn=36.112.10.31' };

  it('resolves its names for the URL rules, so a web link on a demo host can be proposed and approved there', async () => {
    const local = createOutside(env, { ...parts, productionBuild: false });
    expect(await local.urlChecks?.lookup?.('hall.demo.gjj.cn')).toEqual(['36.112.10.30', '36.112.10.31']);
    expect(local.urlChecks?.hosts?.get('hall.demo.gjj.cn')).toEqual(['36.112.10.30', '36.112.10.31']);
    const center = '320600';
    const staff = await staffOf(center, 'staff-nt');
    const date = (await earliestEffectiveDate({ store }, '2026-11-20')).date;
    const on = (caller: Caller) => contextFor(store, caller, T0, { ...outside, urlChecks: local.urlChecks });
    const proposed = await portal.handle({ action: 'proposeLink', item: 1, url: 'https://hall.demo.gjj.cn/nt/1', effectiveDate: date }, on(staff));
    const { id } = data<ChangeView>(proposed);
    expect(await admin.handle({ action: 'reviewChange', id, approve: true }, on(wang))).toMatchObject({ ok: true, data: { status: 'approved' } });
  });

  it('is refused in a production build, and refuses an entry that is not name=address', () => {
    expect(() => createOutside(env, { ...parts, productionBuild: true })).toThrow('DEV_HOSTS is refused in a production build');
    expect(() => createOutside({ ...env, DEV_HOSTS: 'hall.demo.gjj.cn' }, { ...parts, productionBuild: false })).toThrow('DEV_HOSTS 每项应为 域名=IP 地址');
    expect(() => createOutside({ ...env, DEV_HOSTS: 'hall.demo.gjj.cn=999.1.1.1' }, { ...parts, productionBuild: false })).toThrow('DEV_HOSTS 的 IP 地址无效');
  });
});
