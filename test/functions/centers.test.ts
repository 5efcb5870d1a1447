import { handler } from '../../cloudfunctions/centers';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { configureDomains } from '../support/business-domains';
import { catalogStore, contextFor } from '../support/function-context';

let store: Store;
beforeAll(async () => {
  store = await catalogStore();
  await store.centers.setLive('321000', true);
  await store.links.put('321000', { item: 1, kind: 'web', url: 'https://gjj.example.cn/321000/query', healthy: true });
  await store.links.put('321000', { item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: true });
  await store.links.put('321000', { item: 4, kind: 'web', url: 'http://gjj.example.cn/321000/open', healthy: true });
  await store.links.put('321000', { item: 5, kind: 'web', url: 'https://gjj.example.cn/321000/change', healthy: false });
  await configureDomains(store, 'https://gjj.example.cn/');
});
afterAll(() => store.close());

const call = (event: unknown) => handler.handle(event, contextFor(store));

describe('the centers function', () => {
  it('searches by initials: "yz" finds 扬州 with its code, name, province, city and phone', async () => {
    const result = await call({ action: 'search', query: 'yz' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { items } = result.data as { items: unknown[] };
    expect(items[0]).toEqual({ code: '321000', name: '扬州市住房公积金管理中心', province: '江苏省', city: '扬州市', phone: '0514-12329', live: true });
  });

  it('searches by Chinese name', async () => {
    const result = await call({ action: 'search', query: '扬州' });
    expect(result).toMatchObject({ ok: true, data: { items: [{ code: '321000' }] } });
  });

  it('gets one center with its links', async () => {
    const result = await call({ action: 'get', code: '321000' });
    expect(result).toMatchObject({ ok: true, data: { center: { code: '321000', name: '扬州市住房公积金管理中心', phone: '0514-12329', live: true } } });
    if (!result.ok) return;
    expect((result.data as { center: { links: unknown[] } }).center.links).toHaveLength(4);
  });

  it('answers CENTER_NOT_FOUND with a message for an unknown code', async () => {
    const result = await call({ action: 'get', code: '999999' });
    expect(result).toEqual({ ok: false, code: 'CENTER_NOT_FOUND', message: expect.stringContaining('999999') });
  });

  it('lists every center of the catalog', async () => {
    const result = await call({ action: 'list' });
    expect(result.ok && (result.data as { items: unknown[] }).items.length).toBe(366);
  });

  it.each([
    [1, { kind: 'web', url: 'https://gjj.example.cn/321000/query' }],
    [3, { kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index' }],
    [4, { kind: 'unavailable', reason: 'insecure' }],
    [5, { kind: 'unavailable', reason: 'unhealthy' }],
    [6, { kind: 'unavailable', reason: 'missing' }],
  ])('resolves the jump for item %i and always gives the phone and counter route', async (item, target) => {
    const result = await call({ action: 'jump', code: '321000', item });
    expect(result).toMatchObject({ ok: true, data: { target, center: { phone: '0514-12329' }, counter: expect.stringContaining('0514-12329') } });
  });

  it('records every jump with center, item, time and outcome', async () => {
    const at = new Date('2026-11-21T09:30:00+08:00');
    const before = await store.jumps.count({ centerCode: '110000', item: 1 });
    await handler.handle({ action: 'jump', code: '110000', item: 1 }, contextFor(store, undefined, at));
    expect(await store.jumps.count({ centerCode: '110000', item: 1 })).toBe(before + 1);
    expect(await store.jumps.count({ centerCode: '110000', item: 1, from: at, to: new Date(at.getTime() + 1) })).toBe(1);
  });

  it.each([
    [{ action: 'search' }, 'query'],
    [{ action: 'get', code: 'abc' }, 'code'],
    [{ action: 'jump', code: '321000', item: 0 }, 'item'],
    [{ action: 'jump', code: '321000' }, 'item'],
    [{ action: 'drop' }, 'action'],
    ['not an object', 'action'],
  ])('refuses the malformed event %j naming %s, and writes nothing', async (event, field) => {
    const before = await store.jumps.count({});
    const result = await call(event);
    expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', message: expect.any(String), fields: { [field]: expect.any(String) } });
    expect(await store.jumps.count({})).toBe(before);
  });
});

describe('a center without a full online channel for an item', () => {
  const hall = { address: '南京市某区某路 2 号 公积金服务大厅', hours: '工作日 9:00-17:00' };
  beforeAll(async () => {
    await store.centers.setLive('320100', true);
    await store.centers.setCounter('320100', hall);
    await store.links.put('320100', { item: 5, kind: 'in-app' });
    await store.links.put('320100', { item: 6, kind: 'counter' });
  });

  it('gets the center with its service hall and routes, and no hall for a center that gave none', async () => {
    const result = await call({ action: 'get', code: '320100' });
    expect(result).toMatchObject({ ok: true, data: { center: { code: '320100', counter: hall, links: [{ item: 5, kind: 'in-app' }, { item: 6, kind: 'counter' }] } } });
    expect(await call({ action: 'get', code: '321000' })).toMatchObject({ ok: true, data: { center: { counter: null } } });
  });

  it.each([
    [5, 'in-app'],
    [6, 'counter'],
  ] as const)('answers item %i with its %s route and the counter route with the hall address, and records that outcome', async (item, kind) => {
    const before = await store.jumps.count({ centerCode: '320100', item });
    const result = await call({ action: 'jump', code: '320100', item });
    expect(result).toMatchObject({ ok: true, data: { target: { kind, message: expect.any(String) }, counter: expect.stringContaining(hall.address) } });
    expect(await store.jumps.count({ centerCode: '320100', item })).toBe(before + 1);
  });

  it('tells the person to ask the service phone for the address of a center that gave no hall', async () => {
    const result = await call({ action: 'jump', code: '321000', item: 6 });
    expect(result).toMatchObject({ ok: true, data: { target: { kind: 'unavailable' }, counter: expect.stringContaining('地址和办公时间请拨打 0514-12329') } });
  });
});
