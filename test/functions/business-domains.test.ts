import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as centers } from '../../cloudfunctions/centers';
import { handler as daily } from '../../cloudfunctions/centers-daily';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as trial } from '../../cloudfunctions/trial';
import { BUSINESS_DOMAINS_CACHE_MS, checkVerificationFiles } from '../../cloudfunctions/_lib/centers/business-domains';
import type { HostLookup } from '../../cloudfunctions/_lib/delivery/http';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { earliestEffectiveDate } from '../../cloudfunctions/_lib/services/portal';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import type { BusinessDomainsAnswer, CenterDomainView } from '../../src/core/business-domains';
import type { ChangeView } from '../../src/core/center-portal';
import type { ChecklistAnswer } from '../../src/core/trial';
import { configureDomains } from '../support/business-domains';
import { catalogStore, contextFor, dataOf, testOutside } from '../support/function-context';

/**
 * The mini-program's business domains (issue 16 point 1): the registry supervisors keep (admin), what a center is
 * asked to place (portal), the daily check of the verification file against a real HTTPS server on loopback (reached
 * through the allow list, as the local host reaches its simulator), and the jump that never opens a page in the
 * web-view unless its domain is configured.
 */
jest.setTimeout(60_000);

const T0 = new Date('2026-12-06T10:00:00+08:00');
const YANGZHOU = '321000';
const NANJING = '320100';
const HANGZHOU = '330100';
const national: Caller = { openid: 'sup-national', roles: [{ role: 'supervisor' }] };
const jiangsu: Caller = { openid: 'sup-jiangsu', roles: [{ role: 'provincial-supervisor', province: '320000' }] };
const yangzhouStaff: Caller = { openid: 'staff-yz', roles: [{ role: 'center-staff', centerCode: YANGZHOU }] };
const FILE = { name: 'a1B2c3D4e5.txt', content: '0f9e8d7c6b5a49382716' };

const names: Record<string, string[]> = { 'wsbs.yzgjj.example.cn': ['36.112.10.20'], 'gjj.nanjing.example.cn': ['36.112.10.21'], 'new.yzgjj.example.cn': ['36.112.10.22'] };
const lookup: HostLookup = async (host) => {
  const found = names[host];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found;
};

/** What the loopback site answers, by path (a status and a body); anything else 404. */
const files: Record<string, { status: number; body: string }> = {};
let server: Server;
let origin: string;
let store: Store;
let outside: ReturnType<typeof testOutside>;

beforeAll(async () => {
  const tls = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
  });
  server = createServer({ key: tls.private, cert: tls.cert }, (req, res) => {
    const answer = files[req.url ?? ''] ?? { status: 404, body: 'not found' };
    res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `https://localhost:${port}`;
  outside = testOutside({ urlChecks: { lookup, allow: new Set([`localhost:${port}`]), allowCa: tls.cert } });
  store = await catalogStore();
  for (const code of [YANGZHOU, NANJING, HANGZHOU]) await store.centers.setLive(code, true);
  // 扬州: two items on an unconfigured domain; 南京: one on a configured one; 杭州: one on the loopback site
  await store.links.put(YANGZHOU, { item: 1, kind: 'web', url: 'https://wsbs.yzgjj.example.cn/query', healthy: true });
  await store.links.put(YANGZHOU, { item: 3, kind: 'web', url: 'https://wsbs.yzgjj.example.cn/retire', healthy: true });
  await store.links.put(NANJING, { item: 1, kind: 'web', url: 'https://gjj.nanjing.example.cn/query', healthy: true });
  await store.links.put(HANGZHOU, { item: 1, kind: 'web', url: `${origin}/hall/1`, healthy: true });
  await configureDomains(store, 'https://gjj.nanjing.example.cn/');
});
afterAll(async () => {
  await store.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const call = async <T>(fn: typeof admin, caller: Caller | undefined, event: unknown, now = T0): Promise<T> => dataOf<T>(await fn.handle(event, contextFor(store, caller, now, outside)));
const jump = async (code: string, item: number, now = T0) => (await call<{ target: unknown }>(centers, undefined, { action: 'jump', code, item }, now)).target;
const runDaily = (now: Date) => daily.handle({ Type: 'Timer' }, contextFor(store, undefined, now, outside, 'timer'));

describe('admin businessDomains', () => {
  it('lists every domain registered links use, live and in pending changes, with its state, centers by name, links and the count against 200', async () => {
    const { date } = await earliestEffectiveDate({ store }, '2026-12-06');
    await call(portal, yangzhouStaff, { action: 'proposeLink', item: 4, url: 'https://new.yzgjj.example.cn/open', effectiveDate: date });
    const answer = await call<BusinessDomainsAnswer>(admin, national, { action: 'businessDomains' });
    expect(answer).toMatchObject({ limit: 200, configured: 1 });
    const byDomain = new Map(answer.domains.map((d) => [d.domain, d]));
    expect(byDomain.get('wsbs.yzgjj.example.cn')).toEqual({ domain: 'wsbs.yzgjj.example.cn', state: 'unlisted', centers: [{ code: YANGZHOU, name: '扬州市住房公积金管理中心' }], links: 2 });
    expect(byDomain.get('new.yzgjj.example.cn')).toMatchObject({ state: 'unlisted', centers: [{ code: YANGZHOU }], links: 1 });
    expect(byDomain.get('gjj.nanjing.example.cn')).toMatchObject({ state: 'configured', centers: [{ code: NANJING, name: '南京市住房公积金管理中心' }], links: 1 });
    expect(byDomain.get('localhost')).toMatchObject({ state: 'unlisted', centers: [{ code: HANGZHOU }] });
  });

  it('shows a provincial supervisor the domains of its province’s centers only, and refuses center staff', async () => {
    const answer = await call<BusinessDomainsAnswer>(admin, jiangsu, { action: 'businessDomains' });
    expect(answer.domains.map((d) => d.domain)).toEqual(['gjj.nanjing.example.cn', 'new.yzgjj.example.cn', 'wsbs.yzgjj.example.cn']);
    expect(await admin.handle({ action: 'businessDomains' }, contextFor(store, yangzhouStaff, T0, outside))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});

describe('admin setBusinessDomain', () => {
  it('lets only a national supervisor set a state, and refuses bad input naming the field, changing nothing', async () => {
    const set = (caller: Caller, event: Record<string, unknown>) => admin.handle({ action: 'setBusinessDomain', ...event }, contextFor(store, caller, T0, outside));
    expect(await set(jiangsu, { domain: 'wsbs.yzgjj.example.cn', state: 'requested', file: FILE })).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('监管司') });
    expect(await set(national, { domain: 'wsbs.yzgjj.example.cn', state: 'requested' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { file: expect.stringContaining('校验文件') } });
    expect(await set(national, { domain: 'https://wsbs.yzgjj.example.cn/', state: 'configured' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { domain: expect.stringContaining('域名格式不正确') } });
    expect(await set(national, { domain: 'wsbs.yzgjj.example.cn', state: 'done' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { state: expect.any(String) } });
    expect(await set(national, { domain: 'wsbs.yzgjj.example.cn', state: 'requested', file: { name: '../a.txt', content: 'x' } })).toMatchObject({ ok: false, fields: { 'file.name': expect.any(String) } });
    expect(await store.businessDomains.get('wsbs.yzgjj.example.cn')).toBeUndefined();
    expect(await store.audit.listFor('domain:wsbs.yzgjj.example.cn')).toEqual([]);
  });

  it('requests a domain with WeChat’s file, audited before -> after, and shows the center the file to place and where', async () => {
    const answer = await call<BusinessDomainsAnswer>(admin, national, { action: 'setBusinessDomain', domain: 'WSBS.yzgjj.example.cn', state: 'requested', file: FILE });
    expect(answer.domains.find((d) => d.domain === 'wsbs.yzgjj.example.cn')).toMatchObject({ state: 'requested', verificationFile: FILE.name, updatedAt: T0.toISOString() });
    expect(await store.audit.listFor('domain:wsbs.yzgjj.example.cn')).toEqual([
      expect.objectContaining({ actor: national.openid, action: 'business-domain.set', detail: `未申请 → 待放置校验文件（校验文件 ${FILE.name}）` }),
    ]);
    const views = await call<CenterDomainView[]>(portal, yangzhouStaff, { action: 'businessDomains' });
    expect(views).toEqual([
      { domain: 'new.yzgjj.example.cn', state: 'unlisted', items: [4] },
      { domain: 'wsbs.yzgjj.example.cn', state: 'requested', items: [1, 3], verificationFile: { ...FILE, url: `https://wsbs.yzgjj.example.cn/${FILE.name}` } },
    ]);
    // setting what is there already changes nothing and audits nothing
    await call(admin, national, { action: 'setBusinessDomain', domain: 'wsbs.yzgjj.example.cn', state: 'requested', file: FILE });
    expect(await store.audit.listFor('domain:wsbs.yzgjj.example.cn')).toHaveLength(1);
  });

  it('shows staff only their own center’s domains, and the file no longer once the domain is configured', async () => {
    expect(await portal.handle({ action: 'businessDomains' }, contextFor(store, national, T0, outside))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const nanjing = await call<CenterDomainView[]>(portal, { openid: 'staff-nj', roles: [{ role: 'center-staff', centerCode: NANJING }] }, { action: 'businessDomains' });
    expect(nanjing).toEqual([{ domain: 'gjj.nanjing.example.cn', state: 'configured', items: [1] }]);
  });

  it('refuses to configure a domain while 200 are configured, naming the state, and configures it once one is removed', async () => {
    for (let n = 0; n < 199; n++) await configureDomains(store, `https://d${n}.example.cn/`);
    const refused = await admin.handle({ action: 'setBusinessDomain', domain: 'wsbs.yzgjj.example.cn', state: 'configured' }, contextFor(store, national, T0, outside));
    expect(refused).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', message: expect.stringContaining('上限 200 个'), fields: { state: expect.any(String) } });
    expect(await store.businessDomains.get('wsbs.yzgjj.example.cn')).toMatchObject({ state: 'requested' });
    await call(admin, national, { action: 'setBusinessDomain', domain: 'd0.example.cn', state: 'unlisted' });
    const answer = await call<BusinessDomainsAnswer>(admin, national, { action: 'setBusinessDomain', domain: 'wsbs.yzgjj.example.cn', state: 'configured' });
    expect(answer.configured).toBe(200);
    // a national supervisor also sees the domains set but used by no link: they count against the 200
    expect(answer.domains.find((d) => d.domain === 'd1.example.cn')).toEqual(expect.objectContaining({ state: 'configured', centers: [], links: 0 }));
    expect((await store.audit.listFor('domain:wsbs.yzgjj.example.cn')).map((e) => e.detail)).toEqual([`未申请 → 待放置校验文件（校验文件 ${FILE.name}）`, `待放置校验文件（校验文件 ${FILE.name}） → 已配置为业务域名`]);
    // back as it was for the cases below
    await call(admin, national, { action: 'setBusinessDomain', domain: 'wsbs.yzgjj.example.cn', state: 'requested', file: FILE });
    for (let n = 1; n < 199; n++) await store.businessDomains.put({ domain: `d${n}.example.cn`, state: 'unlisted', verificationFile: null, checkedAt: null, problem: null, updatedAt: T0, updatedBy: 'test' });
  });
});

describe('what setBusinessDomain refuses or leaves alone', () => {
  const set = (event: Record<string, unknown>) => admin.handle({ action: 'setBusinessDomain', ...event }, contextFor(store, national, T0, outside));

  it('refuses a public suffix such as gov.cn or github.io naming the field, so a hall under it still gives its link to copy', async () => {
    const refused = await set({ domain: 'gov.cn', state: 'configured' });
    expect(refused).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { domain: expect.stringContaining('gov.cn 是公共后缀') } });
    expect(await store.businessDomains.get('gov.cn')).toBeUndefined();
    expect(await set({ domain: 'com.cn', state: 'requested', file: FILE })).toMatchObject({ ok: false, fields: { domain: expect.stringContaining('公共后缀') } });
    // and one of the list's private section, under which anyone may put pages
    for (const domain of ['github.io', 'blogspot.com']) {
      expect(await set({ domain, state: 'configured' })).toMatchObject({ ok: false, fields: { domain: expect.stringContaining(`${domain} 是公共后缀`) } });
    }
    await store.links.put(YANGZHOU, { item: 5, kind: 'web', url: 'https://gjj.yangzhou.gov.cn/hall', healthy: true });
    expect(await jump(YANGZHOU, 5)).toMatchObject({ kind: 'copy', url: 'https://gjj.yangzhou.gov.cn/hall' });
    await store.links.put(YANGZHOU, { item: 5, kind: 'in-app' });
  });

  it('shows a subdomain a configured parent covers as covered by it, and sets nothing on it: unlisted changes nothing, another state is refused naming the parent', async () => {
    await store.links.put(NANJING, { item: 3, kind: 'web', url: 'https://wx.gjj.nanjing.example.cn/retire', healthy: true });
    const listed = await call<BusinessDomainsAnswer>(admin, jiangsu, { action: 'businessDomains' });
    expect(listed.domains.find((d) => d.domain === 'wx.gjj.nanjing.example.cn')).toMatchObject({ state: 'configured', coveredBy: 'gjj.nanjing.example.cn' });
    expect(listed.domains.find((d) => d.domain === 'gjj.nanjing.example.cn')?.coveredBy).toBeUndefined();
    expect(await set({ domain: 'wx.gjj.nanjing.example.cn', state: 'unlisted' })).toMatchObject({ ok: true });
    expect(await set({ domain: 'new.yzgjj.example.cn', state: 'unlisted' })).toMatchObject({ ok: true });
    const refused = await set({ domain: 'wx.gjj.nanjing.example.cn', state: 'requested', file: FILE });
    expect(refused).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', message: expect.stringContaining('已由业务域名 gjj.nanjing.example.cn 覆盖'), fields: { domain: expect.any(String) } });
    for (const domain of ['wx.gjj.nanjing.example.cn', 'new.yzgjj.example.cn']) {
      expect(await store.businessDomains.get(domain)).toBeUndefined();
      expect(await store.audit.listFor(`domain:${domain}`)).toEqual([]);
    }
    await store.links.put(NANJING, { item: 3, kind: 'counter' });
  });

  it('answers the state a covered subdomain kept from before its parent was configured, and lets it be cleared', async () => {
    await store.links.put(NANJING, { item: 3, kind: 'web', url: 'https://wx.gjj.nanjing.example.cn/retire', healthy: true });
    // set while the parent was not configured yet (as a store written before the parent's change)
    await store.businessDomains.put({ domain: 'wx.gjj.nanjing.example.cn', state: 'configured', verificationFile: null, checkedAt: null, problem: null, updatedAt: T0, updatedBy: 'bd-national' }, 200);
    const before = await call<BusinessDomainsAnswer>(admin, national, { action: 'businessDomains' });
    expect(before.domains.find((d) => d.domain === 'wx.gjj.nanjing.example.cn')).toMatchObject({ coveredBy: 'gjj.nanjing.example.cn', ownState: 'configured' });
    const after = await set({ domain: 'wx.gjj.nanjing.example.cn', state: 'unlisted' });
    expect(after).toMatchObject({ ok: true });
    expect(await store.businessDomains.get('wx.gjj.nanjing.example.cn')).toMatchObject({ state: 'unlisted' });
    const listed = await call<BusinessDomainsAnswer>(admin, national, { action: 'businessDomains' });
    expect(listed.domains.find((d) => d.domain === 'wx.gjj.nanjing.example.cn')?.ownState).toBeUndefined();
    expect(listed.configured).toBe(before.configured - 1);
    await store.links.put(NANJING, { item: 3, kind: 'counter' });
  });
});

describe('the jump to a web link', () => {
  it('never opens a page on a domain that is not configured: the link is to copy, with why, how and the center’s phone', async () => {
    expect(await jump(YANGZHOU, 1)).toEqual({ kind: 'copy', url: 'https://wsbs.yzgjj.example.cn/query', message: expect.stringContaining('0514-12329') });
    expect(await jump(NANJING, 1)).toEqual({ kind: 'web', url: 'https://gjj.nanjing.example.cn/query' });
    expect(await store.jumps.count({ centerCode: YANGZHOU, item: 1 })).toBe(1);
  });

  it('offers the center’s own mini-program instead when it registered one, saying why', async () => {
    await store.links.put(YANGZHOU, { item: 5, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/change/index', healthy: true });
    expect(await jump(YANGZHOU, 3)).toEqual({ kind: 'miniprogram', appId: 'wx0123456789abcdef', path: '', message: expect.stringContaining('请在其中找到“退休提取”办理'), url: 'https://wsbs.yzgjj.example.cn/retire' });
    await store.links.put(YANGZHOU, { item: 5, kind: 'in-app' });
  });

  it('reads the configured domains at most a minute old, except on the instance that set them', async () => {
    const started = new Date(T0.getTime() + 10 * BUSINESS_DOMAINS_CACHE_MS);
    expect(await jump(YANGZHOU, 1, started)).toMatchObject({ kind: 'copy' });
    // configured by another instance: this one sees it once its copy is a minute old
    await configureDomains(store, 'https://wsbs.yzgjj.example.cn/');
    expect(await jump(YANGZHOU, 1, new Date(started.getTime() + 1000))).toMatchObject({ kind: 'copy' });
    expect(await jump(YANGZHOU, 1, new Date(started.getTime() + BUSINESS_DOMAINS_CACHE_MS))).toEqual({ kind: 'web', url: 'https://wsbs.yzgjj.example.cn/query' });
    // set on this instance: at once
    await call(admin, national, { action: 'setBusinessDomain', domain: 'wsbs.yzgjj.example.cn', state: 'requested', file: FILE }, started);
    expect(await jump(YANGZHOU, 1, new Date(started.getTime() + BUSINESS_DOMAINS_CACHE_MS + 1000))).toMatchObject({ kind: 'copy' });
  });

  it('gives the app the configured domains of the center’s links with the center (a subdomain’s by its parent), and the tester’s checklist the same outcome', async () => {
    const later = new Date(T0.getTime() + 100 * BUSINESS_DOMAINS_CACHE_MS);
    // WeChat opens any subdomain of a business domain
    await store.links.put(NANJING, { item: 3, kind: 'web', url: 'https://wx.gjj.nanjing.example.cn/retire', healthy: true });
    expect(await jump(NANJING, 3, later)).toEqual({ kind: 'web', url: 'https://wx.gjj.nanjing.example.cn/retire' });
    const { center } = await call<{ center: { businessDomains: string[] } }>(centers, undefined, { action: 'get', code: NANJING }, later);
    expect(center.businessDomains).toEqual(['gjj.nanjing.example.cn']);
    const listed = await call<BusinessDomainsAnswer>(admin, jiangsu, { action: 'businessDomains' }, later);
    expect(listed.domains.find((d) => d.domain === 'wx.gjj.nanjing.example.cn')).toMatchObject({ state: 'configured', links: 1 });
    await store.links.put(NANJING, { item: 3, kind: 'counter' });
    const { center: yangzhou } = await call<{ center: { businessDomains: string[] } }>(centers, undefined, { action: 'get', code: YANGZHOU }, later);
    expect(yangzhou.businessDomains).toEqual([]);
    const tester: Caller = { openid: 'tester-js', roles: [{ role: 'tester', province: '320000' }] };
    const checklist = await call<ChecklistAnswer>(trial, tester, { action: 'checklist', centerCode: YANGZHOU }, later);
    expect(checklist.checks.find((c) => c.check === 'link:1')?.target).toBe('copy');
  });

  it('opens nothing under a public suffix stored as configured before it was refused, and lets a supervisor take it off', async () => {
    const later = new Date(T0.getTime() + 200 * BUSINESS_DOMAINS_CACHE_MS);
    await store.businessDomains.put({ domain: 'github.io', state: 'configured', verificationFile: null, checkedAt: null, problem: null, updatedAt: T0, updatedBy: 'before-the-rule' });
    await store.links.put(YANGZHOU, { item: 5, kind: 'web', url: 'https://yzgjj.github.io/hall', healthy: true });
    expect(await jump(YANGZHOU, 5, later)).toMatchObject({ kind: 'copy', url: 'https://yzgjj.github.io/hall' });
    await call(admin, national, { action: 'setBusinessDomain', domain: 'github.io', state: 'unlisted' }, later);
    expect((await store.businessDomains.get('github.io'))?.state ?? 'unlisted').toBe('unlisted');
    await store.links.put(YANGZHOU, { item: 5, kind: 'in-app' });
  });
});

describe('admin pendingChanges', () => {
  it('gives each pending web link change its domain and the domain’s state', async () => {
    const changes = await call<ChangeView[]>(admin, national, { action: 'pendingChanges' });
    expect(changes.find((c) => c.centerCode === YANGZHOU && c.target.kind === 'link' && c.target.item === 4)?.domain).toEqual({ name: 'new.yzgjj.example.cn', state: 'unlisted' });
  });
});

describe('the daily check of verification files', () => {
  it('keeps a requested domain requested with the problem in words while its file is missing or altered, then marks it file-placed, audited', async () => {
    await call(admin, national, { action: 'setBusinessDomain', domain: 'localhost', state: 'requested', file: FILE });
    const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);

    expect(await runDaily(day(1))).toMatchObject({ ok: true });
    expect(await store.businessDomains.get('localhost')).toMatchObject({ state: 'requested', checkedAt: day(1), problem: expect.stringContaining('没有找到校验文件（答复 404）') });
    // the center sees the same words beside the file to place
    const hangzhou = await call<CenterDomainView[]>(portal, { openid: 'staff-hz', roles: [{ role: 'center-staff', centerCode: HANGZHOU }] }, { action: 'businessDomains' });
    expect(hangzhou).toEqual([{ domain: 'localhost', state: 'requested', items: [1], verificationFile: { ...FILE, url: `${origin}/${FILE.name}` }, checkedAt: day(1).toISOString(), problem: expect.stringContaining('404') }]);

    files[`/${FILE.name}`] = { status: 200, body: 'something else' };
    await runDaily(day(2));
    expect(await store.businessDomains.get('localhost')).toMatchObject({ state: 'requested', problem: expect.stringContaining('内容与微信下发的校验文件不一致') });

    files[`/${FILE.name}`] = { status: 200, body: `${FILE.content}\n` };
    await runDaily(day(3));
    expect(await store.businessDomains.get('localhost')).toMatchObject({ state: 'file-placed', checkedAt: day(3), problem: null, updatedBy: 'centers-daily' });
    expect((await store.audit.listFor('domain:localhost')).map((e) => [e.actor, e.action])).toEqual([
      [national.openid, 'business-domain.set'],
      ['centers-daily', 'business-domain.file-placed'],
    ]);
    // checked no more once found
    await runDaily(day(4));
    expect(await store.businessDomains.get('localhost')).toMatchObject({ checkedAt: day(3) });
  });

  it('refuses to fetch a file where the URL rules forbid (a domain resolving to a private address), recording why', async () => {
    names['private.example.cn'] = ['10.0.0.8'];
    await store.links.put(HANGZHOU, { item: 3, kind: 'web', url: 'https://private.example.cn/retire', healthy: true });
    await call(admin, national, { action: 'setBusinessDomain', domain: 'private.example.cn', state: 'requested', file: FILE });
    await runDaily(new Date(T0.getTime() + 5 * 86_400_000));
    expect(await store.businessDomains.get('private.example.cn')).toMatchObject({ state: 'requested', problem: expect.stringContaining('不是公网地址') });
  });

  it('connects through the local host’s DEV_HOSTS map: a name it sends to a private address is refused at connect time, though the URL rules saw a public one', async () => {
    names['mapped.example.cn'] = ['36.112.10.30'];
    await store.links.put(HANGZHOU, { item: 3, kind: 'web', url: 'https://mapped.example.cn/retire', healthy: true });
    await call(admin, national, { action: 'setBusinessDomain', domain: 'mapped.example.cn', state: 'requested', file: FILE });
    const mapped = testOutside({ urlChecks: { ...outside.urlChecks, hosts: new Map([['mapped.example.cn', ['10.0.0.9']]]) } });
    await checkVerificationFiles({ store, outside: mapped, log: contextFor(store).log, now: new Date(T0.getTime() + 6 * 86_400_000) });
    expect(await store.businessDomains.get('mapped.example.cn')).toMatchObject({ state: 'requested', problem: expect.stringContaining('地址 10.0.0.9 不是公网地址') });
  });
});
