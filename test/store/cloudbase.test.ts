import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nextSeq, openCloudbaseStore } from '../../cloudfunctions/_lib/store/cloudbase/cloudbase-store';
import type { CounterRequest, IdentityRecord, Store, VerificationSession } from '../../cloudfunctions/_lib/store/port';
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
        if (op === '$ne') return !same(value, x);
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

/** An error reply CloudBase itself would give, as opposed to a request the fake does not support. */
class FakeReplyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

class FakeCloudbase {
  readonly requests: SentRequest[] = [];
  readonly collections = new Map<string, Map<string, Obj>>();
  /** The next request is answered with this error instead. */
  failNext: { code: string; message: string } | undefined;
  /** Runs after each request is answered, to change the documents between two requests of one call. */
  afterAnswer: ((request: SentRequest) => void) | undefined;
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
    this.afterAnswer = undefined;
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
          const code = e instanceof FakeReplyError ? e.code : 'FAKE_UNSUPPORTED';
          reply = { requestId: `fake-${this.seq}`, code, message: (e as Error).message };
        }
      }
      this.afterAnswer?.(sent);
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
          if (docs().has(id)) throw new FakeReplyError('DATABASE_DUPLICATE_WRITE', `duplicate _id ${id}`);
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
        if (r.body.queryType === 'WHERE') {
          // remove by query: every match (multi, the SDK's default for where().remove()) or the first
          const found = [...docs().values()].filter((d) => matches(d, r.query));
          const gone = r.body.multi === false ? found.slice(0, 1) : found;
          for (const d of gone) docs().delete(String(d._id));
          return { data: { deleted: gone.length } };
        }
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
    expectOneDocumentTransaction();
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
    certHash: 'cert-hash',
    docType: '01',
    nameSealed: 'k1.name-sealed',
    docNumberSealed: 'k1.doc-sealed',
    docLookup: 'lookup-A',
    createdAt,
    status: 'pending',
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
    await store.verifications.create(session('v-1', { status: 'verified' }));
    await expect(store.verifications.create(session('v-1'))).rejects.toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' });
    await expect(store.verifications.get('v-1')).resolves.toMatchObject({ status: 'verified' });
  });

  it('settle moves a pending session in a single-document transaction, and settling it again answers false', async () => {
    await store.verifications.create(session('v-1'));
    fake.requests.length = 0;

    await expect(store.verifications.settle('v-1', 'verified')).resolves.toBe(true);
    expectOneDocumentTransaction();
    expect(fake.sent('getDocument', 'verifications')[0]?.query).toEqual({ _id: 'v-1' });
    expect(fake.sent('modifyDocument', 'verifications')[0]).toMatchObject({ query: { _id: 'v-1' }, data: { $set: { status: 'verified' } } });
    fake.requests.length = 0;

    await expect(store.verifications.settle('v-1', 'failed')).resolves.toBe(false);
    expect(fake.requests.map((r) => r.action)).toEqual(['database.startTransaction', 'database.getDocument', 'database.commitTransaction']);
    await expect(store.verifications.get('v-1')).resolves.toMatchObject({ status: 'verified' });
  });

  it('settle of an unknown verifyId answers false and writes nothing', async () => {
    await expect(store.verifications.settle('v-unknown', 'failed')).resolves.toBe(false);
    expect(fake.sent('modifyDocument')).toHaveLength(0);
    expect(fake.collection('verifications').size).toBe(0);
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

  it('create of a code already there is refused and leaves the first request as it was', async () => {
    const confirmed = request('123456', { status: 'confirmed', confirmedBy: 'o-staff', centerCode: 'C1' });
    await store.counterRequests.create(confirmed);
    await expect(store.counterRequests.create(request('123456'))).rejects.toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' });
    await expect(store.counterRequests.get('123456')).resolves.toEqual(confirmed);
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

  it('confirm of an unknown code answers false and writes nothing', async () => {
    await expect(store.counterRequests.confirm('000000', 'o-staff', 'C1')).resolves.toBe(false);
    expect(fake.sent('modifyDocument')).toHaveLength(0);
    expect(fake.collection('counterRequests').size).toBe(0);
  });
});

describe('attempts', () => {
  const since = new Date('2026-04-15T10:00:00+08:00');

  it('recordFailure adds the subject and the time as a date to attempts', async () => {
    await store.attempts.recordFailure('openid:o-1', since);
    expect(fake.sent('insertDocument', 'attempts')[0]?.data).toEqual([{ subject: 'openid:o-1', at: ejsonDate(since) }]);
  });

  it('failuresSince counts the attempts of the subject at or after since', async () => {
    const before = new Date(since.getTime() - 1);
    const after = new Date(since.getTime() + 60_000);
    await store.attempts.recordFailure('openid:o-1', before);
    await store.attempts.recordFailure('openid:o-1', since);
    await store.attempts.recordFailure('openid:o-1', after);
    await store.attempts.recordFailure('doc:lookup-A', after);

    await expect(store.attempts.failuresSince('openid:o-1', since)).resolves.toBe(2);
    await expect(store.attempts.failuresSince('openid:o-2', since)).resolves.toBe(0);
    const [count] = fake.sent('calculateDocument', 'attempts');
    expect(count?.query).toEqual({ subject: 'openid:o-1', at: { $gte: ejsonDate(since) } });
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

  it('latest of two consents at the same time is the one recorded later', async () => {
    await store.consents.record({ openid: 'o-1', version: '2026-04', at });
    await store.consents.record({ openid: 'o-1', version: '2026-05', at });
    await expect(store.consents.latest('o-1')).resolves.toMatchObject({ version: '2026-05' });
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
