import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openCloudbaseStore } from '../../cloudfunctions/_lib/store/cloudbase/cloudbase-store';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import type { Center } from '../../src/core/centers';

/**
 * The CloudBase adapter against a local HTTP server that records what @cloudbase/node-sdk sends and answers
 * the way the CloudBase database API does: every call is a signed POST of
 * `{ action: 'database.<op>', collectionName, query: '<EJSON>', data: '<EJSON>', ... }` to `serviceUrl?env=..`,
 * answered `{ requestId, data: { list: ['<EJSON document>', ...] | insertedIds | updated | total } }`
 * (or `{ code, message }` on failure). The server keeps the documents in memory, so reads see earlier writes.
 */

type Obj = Record<string, unknown>;

interface SentRequest {
  path: string;
  headers: IncomingHttpHeaders;
  action: string;
  collection: string | undefined;
  body: Obj;
  /** The EJSON-string fields of the body, decoded ($numberInt -> number; dates stay { $date: { $numberLong } }). */
  query: unknown;
  data: unknown;
  order: unknown;
  projection: unknown;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Canonical extended JSON -> plain values, keeping dates as { $date: { $numberLong: ms } }. */
function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (!isObj(v)) return v;
  const keys = Object.keys(v);
  if (keys.length === 1) {
    const [k] = keys as [string];
    if (k === '$numberInt' || k === '$numberDouble' || k === '$numberLong') return Number(v[k]);
    if (k === '$date') {
      const d = v.$date;
      const ms = isObj(d) ? Number(d.$numberLong) : typeof d === 'string' ? Date.parse(d) : Number(d);
      return { $date: { $numberLong: String(ms) } };
    }
  }
  return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, decode(x)]));
}

const decodeField = (v: unknown): unknown => (typeof v === 'string' ? decode(JSON.parse(v)) : v);
const ejsonDate = (d: Date) => ({ $date: { $numberLong: String(d.getTime()) } });
const millis = (v: unknown): number | undefined =>
  isObj(v) && isObj(v.$date) && typeof v.$date.$numberLong === 'string' ? Number(v.$date.$numberLong) : undefined;
const comparable = (v: unknown): unknown => millis(v) ?? v;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function matches(doc: Obj, query: unknown): boolean {
  if (!isObj(query)) return true;
  return Object.entries(query).every(([key, cond]) => {
    if (key === '$and') return Array.isArray(cond) && cond.every((c) => matches(doc, c));
    const value = comparable(doc[key]);
    if (isObj(cond) && Object.keys(cond).some((k) => k.startsWith('$') && k !== '$date')) {
      return Object.entries(cond).every(([op, operand]) => {
        const x = comparable(operand);
        if (typeof value !== typeof x) return false;
        const [a, b] = [value as number | string, x as number | string];
        if (op === '$gte') return a >= b;
        if (op === '$gt') return a > b;
        if (op === '$lt') return a < b;
        if (op === '$lte') return a <= b;
        if (op === '$eq') return a === b;
        throw new Error(`fake CloudBase: query operator ${op} not supported`);
      });
    }
    return same(doc[key], cond);
  });
}

class FakeCloudbase {
  readonly requests: SentRequest[] = [];
  readonly collections = new Map<string, Map<string, Obj>>();
  /** The next request is answered with this error instead. */
  failNext: { code: string; message: string } | undefined;
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private seq = 0;

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections(); // the SDK keeps connections alive outside a cloud function
    await new Promise<void>((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }

  reset(): void {
    this.requests.length = 0;
    this.collections.clear();
    this.failNext = undefined;
  }

  collection(name: string): Map<string, Obj> {
    let docs = this.collections.get(name);
    if (!docs) this.collections.set(name, (docs = new Map()));
    return docs;
  }

  seed(name: string, id: string, doc: Obj): void {
    this.collection(name).set(id, { _id: id, ...doc });
  }

  sent(action: string, collection?: string): SentRequest[] {
    return this.requests.filter((r) => r.action === `database.${action}` && (collection === undefined || r.collection === collection));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw) as Obj;
      const sent: SentRequest = {
        path: req.url ?? '',
        headers: req.headers,
        action: String(body.action),
        collection: typeof body.collectionName === 'string' ? body.collectionName : undefined,
        body,
        query: decodeField(body.query),
        data: Array.isArray(body.data) ? body.data.map(decodeField) : decodeField(body.data),
        order: decodeField(body.order),
        projection: decodeField(body.projection),
      };
      this.requests.push(sent);
      let reply: Obj;
      if (this.failNext) {
        reply = { requestId: `fake-${++this.seq}`, ...this.failNext };
        this.failNext = undefined;
      } else {
        try {
          reply = { requestId: `fake-${++this.seq}`, ...this.answer(sent) };
        } catch (e) {
          reply = { requestId: `fake-${this.seq}`, code: 'FAKE_UNSUPPORTED', message: (e as Error).message };
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  }

  private answer(r: SentRequest): Obj {
    const docs = () => this.collection(r.collection ?? '');
    const idOf = (): string => {
      if (r.body.queryType !== 'DOC' || !isObj(r.query) || typeof r.query._id !== 'string') throw new Error('expected a query by _id');
      return r.query._id;
    };
    switch (r.action) {
      case 'database.getDocument': {
        let found = [...docs().values()].filter((d) => matches(d, r.query));
        if (isObj(r.order)) {
          const order = Object.entries(r.order);
          found.sort((a, b) => {
            for (const [key, dir] of order) {
              const [x, y] = [comparable(a[key]), comparable(b[key])] as [number | string, number | string];
              if (x !== y) return (x < y ? -1 : 1) * (dir === -1 ? -1 : 1);
            }
            return 0;
          });
        }
        const offset = typeof r.body.offset === 'number' ? r.body.offset : 0;
        const limit = typeof r.body.limit === 'number' ? r.body.limit : 100;
        found = found.slice(offset, offset + Math.min(limit, 1000));
        const projection = r.projection;
        if (isObj(projection)) {
          const keep = Object.keys(projection).filter((k) => projection[k] === 1);
          found = found.map((d) => Object.fromEntries(Object.entries(d).filter(([k]) => k === '_id' || keep.includes(k))));
        }
        return { data: { list: found.map((d) => JSON.stringify(d)) } };
      }
      case 'database.calculateDocument':
        return { data: { total: [...docs().values()].filter((d) => matches(d, r.query)).length } };
      case 'database.insertDocument': {
        const added = (r.data as Obj[]).map((d) => {
          const id = typeof d._id === 'string' ? d._id : `auto-${++this.seq}`;
          docs().set(id, { ...d, _id: id });
          return id;
        });
        return { data: { insertedIds: added } };
      }
      case 'database.modifyDocument': {
        const id = idOf();
        const existing = docs().get(id);
        const data = r.data as Obj;
        if (r.body.merge === false) {
          // set: replace the document, creating it when upsert is on
          if (!existing && r.body.upsert !== true) return { data: { updated: 0 } };
          docs().set(id, { ...data, _id: id });
          return { data: existing ? { updated: 1 } : { updated: 0, upsert_id: id } };
        }
        if (!existing) return { data: { updated: 0 } };
        const next: Obj = { ...existing };
        for (const [op, fields] of Object.entries(data)) {
          if (!isObj(fields)) throw new Error(`update operator ${op} without fields`);
          for (const [key, value] of Object.entries(fields)) {
            if (op === '$set') next[key] = value;
            else if (op === '$addToSet' || op === '$push') {
              const list = Array.isArray(next[key]) ? [...(next[key] as unknown[])] : [];
              if (op === '$push' || !list.some((x) => same(x, value))) list.push(value);
              next[key] = list;
            } else throw new Error(`update operator ${op} not supported`);
          }
        }
        docs().set(id, next);
        return { data: { updated: same(next, existing) ? 0 : 1 } };
      }
      case 'database.removeDocument': {
        const deleted = docs().delete(idOf()) ? 1 : 0;
        return { data: { deleted } };
      }
      case 'database.startTransaction':
        return { transactionId: `tx-${++this.seq}` };
      case 'database.commitTransaction':
      case 'database.abortTransaction':
        return {};
      default:
        throw new Error(`action ${r.action} not supported`);
    }
  }
}

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

const fake = new FakeCloudbase();
let store: Store;
const savedTencentCloud = process.env.TENCENTCLOUD;

beforeAll(async () => {
  // Tells the SDK it runs on Tencent Cloud, so it does not probe metadata.tencentyun.com before every request;
  // serviceUrl still decides where requests go.
  process.env.TENCENTCLOUD = 'true';
  const serviceUrl = await fake.start();
  store = openCloudbaseStore({ env: 'test-env', serviceUrl, secretId: 'x', secretKey: 'y' });
});

afterAll(async () => {
  await store.close();
  await fake.stop();
  if (savedTencentCloud === undefined) delete process.env.TENCENTCLOUD;
  else process.env.TENCENTCLOUD = savedTencentCloud;
});

beforeEach(() => fake.reset());

describe('the CloudBase store', () => {
  it('is of kind cloudbase and closes without error', async () => {
    expect(store.kind).toBe('cloudbase');
    await expect(store.close()).resolves.toBeUndefined();
  });

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
    await expect(store.centers.get('321000')).resolves.toEqual(center('321000', { live: true }));
    const [request] = fake.requests;
    expect(request).toMatchObject({ action: 'database.getDocument', collection: 'centers', query: { _id: '321000' } });
    expect(request?.body.queryType).toBe('DOC');
  });

  it('get of an unknown code resolves to undefined', async () => {
    await expect(store.centers.get('999999')).resolves.toBeUndefined();
    expect(fake.sent('getDocument', 'centers')).toHaveLength(1);
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

    await expect(store.centers.get('321000')).resolves.toEqual(center('321000', { name: '扬州市住房公积金中心', live: true }));
    await expect(store.centers.get('320100')).resolves.toMatchObject({ name: '南京住房公积金管理中心', live: true });
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
    await store.roles.grant('o-1', { role: 'tester' });
    expect(fake.requests.map((r) => r.action)).toEqual([
      'database.startTransaction',
      'database.getDocument',
      'database.modifyDocument',
      'database.commitTransaction',
    ]);
    const transactionId = fake.requests[1]?.body.transactionId;
    expect(transactionId).toMatch(/^tx-/);
    expect(fake.requests.slice(2).map((r) => r.body.transactionId)).toEqual([transactionId, transactionId]);
    expect(fake.sent('modifyDocument', 'roles')[0]).toMatchObject({ query: { _id: 'o-1' }, data: { grants: [{ role: 'tester' }] } });

    await store.roles.grant('o-1', { role: 'center-staff', centerCode: '321000' });
    await store.roles.grant('o-1', { role: 'tester' });
    expect(fake.sent('modifyDocument', 'roles')).toHaveLength(2);

    await expect(store.roles.rolesOf('o-1')).resolves.toEqual([{ role: 'center-staff', centerCode: '321000' }, { role: 'tester' }]);
    await expect(store.roles.rolesOf('o-2')).resolves.toEqual([]);
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
