import { SERVICE_STEPS } from '../../src/core/applications/steps';
import type { ApplicationView } from '../../src/core/applications/views';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as centers } from '../../cloudfunctions/centers';
import { handler as workbench } from '../../cloudfunctions/workbench';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

jest.setTimeout(30_000);

/**
 * Items 4-6 at a center without a full online channel for them: supervisors record the center's service hall
 * and the route it takes each item by (in-app request or counter only); people then request in the app, and
 * the center's staff take the request to 办结.
 */
const YANGZHOU = '321000'; // takes item 5 by in-app request, in its workbench
const NANJING = '320100'; // untouched by the refusals, to see nothing changes
const HALL = { address: '扬州市某区某路 1 号 公积金服务大厅', hours: '工作日 9:00-12:00，13:30-17:00' };
const PHONE = '13912345678';

let store: Store;
let outside: ReturnType<typeof testOutside>;
const supervisor: Caller = { openid: 'sup-routes', roles: [{ role: 'supervisor' }] };
const staff: Caller = { openid: 'staff-321000', roles: [{ role: 'center-staff', centerCode: YANGZHOU }] };
const me = (openid: string): Caller => ({ openid, roles: [] });

beforeAll(async () => {
  store = await catalogStore();
  outside = testOutside();
  await store.centers.setLive(YANGZHOU, true);
  await store.centers.setLive(NANJING, true);
  await store.links.put(NANJING, { item: 5, kind: 'web', url: 'https://gjj.example.cn/320100/5', healthy: true });
  expect(await admin.handle({ action: 'setManual', centerCode: YANGZHOU }, contextFor(store, supervisor, new Date(), outside))).toMatchObject({ ok: true });
  // staff use the workbench only with a verified identity of their own
  await verifiedPerson(store, outside, staff.openid, new Date());
});
afterAll(() => store.close());

const asAdmin = (caller: Caller, event: unknown) => admin.handle(event, contextFor(store, caller, new Date(), outside));
const call = (caller: Caller, event: unknown) => applications.handle(event, contextFor(store, caller, new Date(), outside));
const bench = (event: unknown) => workbench.handle(event, contextFor(store, staff, new Date(), outside));

let serial = 0;
const person = () => `svc-${++serial}`;
const request = (openid: string, payload: Record<string, unknown>) =>
  call(me(openid), { action: 'submit', type: 'service-request', requestId: `req-svc-${openid}-${++serial}`, payload });
const payload = (overrides: Record<string, unknown> = {}) => ({ center: YANGZHOU, item: 5, phone: PHONE, description: '单位名称变更，需同步变更缴存信息', ...overrides });
const view = async (openid: string, id: string) => {
  const result = await call(me(openid), { action: 'get', id });
  if (!result.ok) throw new Error(result.message);
  return result.data as ApplicationView;
};

describe('the admin function for centers without a full online channel', () => {
  it('records a center’s service hall for a supervisor, shows it with the center and audits it', async () => {
    const result = await asAdmin(supervisor, { action: 'setCounter', centerCode: YANGZHOU, address: ` ${HALL.address} `, hours: HALL.hours });
    expect(result).toEqual({ ok: true, data: { centerCode: YANGZHOU, counter: HALL } });
    expect(await centers.handle({ action: 'get', code: YANGZHOU }, contextFor(store))).toMatchObject({ ok: true, data: { center: { counter: HALL } } });
    expect(await store.audit.listFor(`center:${YANGZHOU}`)).toContainEqual(expect.objectContaining({ actor: supervisor.openid, action: 'counter.set', detail: expect.stringContaining(HALL.address) }));
  });

  it.each([
    ['in-app', 5],
    ['counter', 6],
  ] as const)('routes an item to %s for a supervisor, so the jump answers that route, and audits it', async (route, item) => {
    expect(await asAdmin(supervisor, { action: 'setItemRoute', centerCode: YANGZHOU, item, route })).toEqual({ ok: true, data: { centerCode: YANGZHOU, item, route } });
    expect(await store.links.listForCenter(YANGZHOU)).toContainEqual({ item, kind: route });
    const jump = await centers.handle({ action: 'jump', code: YANGZHOU, item }, contextFor(store));
    expect(jump).toMatchObject({ ok: true, data: { target: { kind: route }, counter: expect.stringContaining(HALL.address) } });
    expect(await store.audit.listFor(`center:${YANGZHOU}`)).toContainEqual(expect.objectContaining({ actor: supervisor.openid, action: 'item-route.set', detail: expect.stringMatching(new RegExp(`^chg[a-z0-9]{20} 事项 ${item} .+ → ${route === 'in-app' ? '小程序内在线申请' : '到服务大厅办理'}$`)) }));
  });

  it('replaces the item’s registered link with the route: one current way per center and item', async () => {
    expect(await asAdmin(supervisor, { action: 'setItemRoute', centerCode: NANJING, item: 5, route: 'counter' })).toMatchObject({ ok: true });
    expect((await store.links.listForCenter(NANJING)).filter((l) => l.item === 5)).toEqual([{ item: 5, kind: 'counter' }]);
  });

  const unchanged = async () => ({
    nanjing: await store.centers.get(NANJING),
    links: await store.links.listForCenter(NANJING),
    audit: await store.audit.listFor(`center:${NANJING}`),
  });

  it.each([
    [{ action: 'setCounter', centerCode: NANJING, hours: HALL.hours }, 'address', '服务大厅地址'],
    [{ action: 'setCounter', centerCode: NANJING, address: '1号', hours: HALL.hours }, 'address', '服务大厅'],
    [{ action: 'setCounter', centerCode: NANJING, address: HALL.address, hours: '全天'.repeat(40) }, 'hours', '办公时间'],
    [{ action: 'setCounter', centerCode: NANJING, address: HALL.address }, 'hours', '办公时间'],
    [{ action: 'setCounter', centerCode: '3201', address: HALL.address, hours: HALL.hours }, 'centerCode', '中心代码'],
    [{ action: 'setItemRoute', centerCode: NANJING, item: 3, route: 'in-app' }, 'item', '办理事项'],
    [{ action: 'setItemRoute', centerCode: NANJING, item: '5', route: 'in-app' }, 'item', '办理事项'],
    [{ action: 'setItemRoute', centerCode: NANJING, item: 5, route: 'web' }, 'route', '办理方式'],
    [{ action: 'setItemRoute', centerCode: NANJING, item: 5 }, 'route', '办理方式'],
  ])('refuses %j naming the field %s in Chinese, and changes nothing', async (event, field, words) => {
    const before = await unchanged();
    const result = await asAdmin(supervisor, event);
    expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { [field]: expect.stringContaining(words) } });
    expect(await unchanged()).toEqual(before);
  });

  it('refuses an unknown center and anyone but a supervisor, changing nothing', async () => {
    const before = await unchanged();
    expect(await asAdmin(supervisor, { action: 'setCounter', centerCode: '999999', ...HALL })).toMatchObject({ ok: false, code: 'CENTER_NOT_FOUND', fields: { centerCode: expect.any(String) } });
    expect(await asAdmin(supervisor, { action: 'setItemRoute', centerCode: '999999', item: 5, route: 'in-app' })).toMatchObject({ ok: false, code: 'CENTER_NOT_FOUND' });
    expect(await store.links.listForCenter('999999')).toEqual([]);
    expect(await asAdmin(me('someone'), { action: 'setCounter', centerCode: NANJING, ...HALL })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await asAdmin(staff, { action: 'setItemRoute', centerCode: NANJING, item: 5, route: 'in-app' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await admin.handle({ action: 'setCounter', centerCode: NANJING, ...HALL }, contextFor(store, undefined, new Date(), outside))).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await unchanged()).toEqual(before);
  });
});

describe('an in-app service request', () => {
  beforeAll(async () => {
    expect(await asAdmin(supervisor, { action: 'setItemRoute', centerCode: YANGZHOU, item: 5, route: 'in-app' })).toMatchObject({ ok: true });
    expect(await asAdmin(supervisor, { action: 'setItemRoute', centerCode: YANGZHOU, item: 6, route: 'in-app' })).toMatchObject({ ok: true });
  });

  it('goes to the center with what the person asked, the phone masked, and is in its workbench at once', async () => {
    const openid = person();
    await verifiedPerson(store, outside, openid, new Date());
    const result = await request(openid, payload());
    expect(result).toMatchObject({ ok: true, data: { id: expect.any(String) } });
    const { id } = (result as { data: { id: string } }).data;

    const seen = await view(openid, id);
    expect(seen).toMatchObject({ type: 'service-request', item: 5, status: 'delivered', step: '送达中心', canWithdraw: true });
    expect(seen.centers.map((c) => [c.code, c.role])).toEqual([[YANGZHOU, 'business']]);
    expect(seen.summary).toEqual([
      { label: '申请人', value: '*三' },
      { label: '证件号码', value: expect.stringMatching(/^1\*+[0-9X]$/) },
      { label: '申请事项', value: '住房公积金单位及个人缴存信息变更' },
      { label: '办理中心', value: '扬州市住房公积金管理中心' },
      { label: '办理事项说明', value: '单位名称变更，需同步变更缴存信息' },
      { label: '手机号码', value: '139****5678' },
    ]);
    const listed = await bench({ action: 'list' });
    expect(listed.ok && (listed.data as { id: string }[]).map((e) => e.id)).toContain(id);
  });

  it('is taken by the center’s staff through 受理 and 办理中 to 办结, which the person may rate', async () => {
    const openid = person();
    await verifiedPerson(store, outside, openid, new Date());
    const submitted = await request(openid, payload({ item: 5 }));
    const { id } = (submitted as { data: { id: string } }).data;
    expect(await bench({ action: 'get', id })).toMatchObject({ ok: true, data: { nextStatuses: ['accepted', 'failed'] } });
    expect(await bench({ action: 'setStatus', id, status: 'accepted' })).toMatchObject({ ok: true, data: { status: 'accepted' } });
    expect(await bench({ action: 'setStatus', id, status: 'processing', message: '已电话联系，约定材料' })).toMatchObject({ ok: true, data: { status: 'processing' } });
    expect(await view(openid, id)).toMatchObject({ status: 'processing', step: '办理中', canWithdraw: false });
    expect(await bench({ action: 'setStatus', id, status: 'completed' })).toMatchObject({ ok: true, data: { status: 'completed' } });

    const done = await view(openid, id);
    expect(done).toMatchObject({ status: 'completed', step: '办结', canRate: true });
    expect(done.events.map((e) => e.step)).toEqual([...SERVICE_STEPS]);
    expect(await bench({ action: 'setStatus', id, status: 'processing' })).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
  });

  it('allows one request in flight per person, center and item, and another after withdrawing it', async () => {
    const openid = person();
    await verifiedPerson(store, outside, openid, new Date());
    const first = (await request(openid, payload())) as { ok: true; data: { id: string } };
    expect(await request(openid, payload({ description: '再次申请变更缴存信息' }))).toMatchObject({ ok: false, code: 'APPLICATION_IN_FLIGHT', fields: { 'payload.center': expect.any(String) } });
    expect(await request(openid, payload({ item: 6, description: '申请提前还清贷款' }))).toMatchObject({ ok: true });
    expect(await call(me(openid), { action: 'withdraw', id: first.data.id })).toMatchObject({ ok: true, data: { status: 'withdrawn' } });
    expect(await request(openid, payload())).toMatchObject({ ok: true });
  });

  it('refuses a person who has not verified, and a bad form naming each field, storing nothing', async () => {
    const stranger = person();
    expect(await request(stranger, payload())).toMatchObject({ ok: false, code: 'IDENTITY_REQUIRED' });
    const openid = person();
    await verifiedPerson(store, outside, openid, new Date());
    expect(await request(openid, payload({ item: 3, phone: '123', description: '变' }))).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
      fields: { 'payload.item': '这项业务不能在线申请', 'payload.phone': expect.any(String), 'payload.description': expect.stringContaining('办理事项说明') },
    });
    expect(await request(openid, payload({ center: '999999' }))).toMatchObject({ ok: false, code: 'CENTER_NOT_FOUND', fields: { 'payload.center': expect.any(String) } });
    // only where the center takes the item in the app: 南京 has a web link for item 5, 扬州 no route for item 4
    expect(await request(openid, payload({ center: NANJING }))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { 'payload.item': '该中心暂不受理此事项的在线申请' } });
    expect(await request(openid, payload({ item: 4, description: '申请单位登记开户' }))).toMatchObject({ ok: false, fields: { 'payload.item': expect.any(String) } });
    expect(await store.applications.listByApplicant(stranger)).toEqual([]);
    expect(await store.applications.listByApplicant(openid)).toEqual([]);
  });
});
