import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openCloudbaseStore } from '../../cloudfunctions/_lib/store/cloudbase/cloudbase-store';
import { CLOUDBASE_COLLECTIONS, indexName, type CollectionDeclaration, type CollectionIndex } from '../../cloudfunctions/_lib/store/cloudbase/collections';
import type { StoreWarning } from '../../cloudfunctions/_lib/store/cloudbase/role-docs';
import type { Store } from '../../cloudfunctions/_lib/store/port';

/**
 * A fake CloudBase for the CloudBase adapter (the contract suite and cloudbase.test.ts): a local HTTP server that
 * records what @cloudbase/node-sdk sends and answers
 * the way the CloudBase database API does: every call is a signed POST of
 * `{ action: 'database.<op>', collectionName, query: '<EJSON>', data: '<EJSON>', ... }` to `serviceUrl?env=..`,
 * answered `{ requestId, data: { list: ['<EJSON document>', ...] | insertedIds | updated | total } }`
 * (or `{ code, message }` on failure). The server keeps the documents in memory, so reads see earlier writes.
 *
 * It knows only the collections declared in cloudfunctions/_lib/store/cloudbase/collections.ts (the ones
 * `npm run cloud:setup` creates): a request to another is answered DATABASE_COLLECTION_NOT_EXIST, a write that
 * repeats the values of a declared unique index DATABASE_DUPLICATE_WRITE, and a query no declared index covers
 * (the rule is written at the top of collections.ts) FAKE_NO_INDEX, so a missing index fails the test that needs it.
 */

export type Obj = Record<string, unknown>;

export interface SentRequest {
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
  /** When the request arrived and when its answer left (performance.now()): round trips are counted from these (test/support/round-trips.ts). */
  arrivedAt: number;
  answeredAt: number | undefined;
}

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

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
export const ejsonDate = (d: Date) => ({ $date: { $numberLong: String(d.getTime()) } });
export const millis = (v: unknown): number | undefined =>
  isObj(v) && isObj(v.$date) && typeof v.$date.$numberLong === 'string' ? Number(v.$date.$numberLong) : undefined;
const comparable = (v: unknown): unknown => millis(v) ?? v;
export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A field by its dotted path ('centers.code' inside an unwound `centers`). */
const valueAt = (doc: Obj, path: string): unknown => path.split('.').reduce<unknown>((v, key) => (isObj(v) ? v[key] : undefined), doc);

function matches(doc: Obj, query: unknown): boolean {
  if (!isObj(query)) return true;
  return Object.entries(query).every(([key, cond]) => {
    if (key === '$and') return Array.isArray(cond) && cond.every((c) => matches(doc, c));
    if (key === '$or') return Array.isArray(cond) && cond.some((c) => matches(doc, c));
    const value = comparable(valueAt(doc, key));
    if (isObj(cond) && Object.keys(cond).some((k) => k.startsWith('$') && k !== '$date')) {
      return Object.entries(cond).every(([op, operand]) => {
        const x = comparable(operand);
        // on an array field: no element equals it
        if (op === '$ne') return Array.isArray(value) ? !value.some((v) => same(comparable(v), x)) : !same(value, x);
        // on an array field: any of its elements
        if (op === '$in') return Array.isArray(x) && (Array.isArray(value) ? value : [value]).some((v) => x.some((y) => same(v, comparable(y))));
        // db.RegExp or a JS RegExp: { pattern, options }
        if (op === '$regularExpression') return isObj(x) && typeof value === 'string' && new RegExp(String(x.pattern), String(x.options)).test(value);
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
    // equality on an array field: the array contains the value (or equals it, when the value is an array)
    const field = valueAt(doc, key);
    if (Array.isArray(field) && !Array.isArray(cond)) return field.some((x) => same(x, cond));
    return same(field, cond);
  });
}

/** The value of an aggregation expression: a literal, a '$field' path, $add / $multiply / $trunc of expressions, or $dateToString. */
function evaluate(doc: Obj, expr: unknown): unknown {
  if (typeof expr === 'string' && expr.startsWith('$')) return valueAt(doc, expr.slice(1));
  if (Array.isArray(expr)) return expr.map((e) => evaluate(doc, e));
  if (!isObj(expr)) return expr;
  const numbers = (v: unknown) => (Array.isArray(v) ? v : [v]).map((x) => Number(evaluate(doc, x)));
  if ('$add' in expr) return numbers(expr.$add).reduce((a, b) => a + b, 0);
  if ('$multiply' in expr) return numbers(expr.$multiply).reduce((a, b) => a * b, 1);
  if ('$trunc' in expr) return Math.trunc(Number(evaluate(doc, expr.$trunc)));
  // the one date format the adapter asks for: a China date, at a fixed offset
  if ('$dateToString' in expr && isObj(expr.$dateToString)) {
    const { date, format, timezone } = expr.$dateToString;
    const ms = millis(evaluate(doc, date));
    if (format !== '%Y-%m-%d' || timezone !== '+08:00' || ms === undefined) throw new Error('fake CloudBase: $dateToString supports only a date as %Y-%m-%d at +08:00');
    return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  }
  return Object.fromEntries(Object.entries(expr).map(([k, v]) => [k, evaluate(doc, v)]));
}

/** $group: one output per distinct `_id`, each other field a { $sum: expression } over its documents. */
function aggregateGroup(docs: readonly Obj[], spec: Obj): Obj[] {
  const out = new Map<string, Obj>();
  for (const doc of docs) {
    const id = evaluate(doc, spec._id);
    const key = JSON.stringify(id);
    const acc = out.get(key) ?? { _id: id };
    for (const [name, accumulator] of Object.entries(spec)) {
      if (name === '_id') continue;
      if (!isObj(accumulator) || !('$sum' in accumulator)) throw new Error(`group accumulator of ${name} not supported`);
      acc[name] = Number(acc[name] ?? 0) + Number(evaluate(doc, accumulator.$sum));
    }
    out.set(key, acc);
  }
  return [...out.values()];
}

/**
 * The fields a query filters on (all), those an index can narrow by (every condition but $ne and $nin), and those it
 * filters by equality (never in the branches of an $or).
 */
function filterFields(query: unknown, into = { all: new Set<string>(), narrow: new Set<string>(), equal: new Set<string>() }, inOr = false) {
  if (!isObj(query)) return into;
  for (const [key, cond] of Object.entries(query)) {
    if (key === '$and' || key === '$or') {
      if (Array.isArray(cond)) for (const branch of cond) filterFields(branch, into, inOr || key === '$or');
      continue;
    }
    into.all.add(key);
    const operators = isObj(cond) ? Object.keys(cond).filter((k) => k.startsWith('$') && k !== '$date') : [];
    if (operators.length === 0 || operators.some((op) => op !== '$ne' && op !== '$nin')) into.narrow.add(key);
    if (!inOr && operators.every((op) => op === '$eq')) into.equal.add(key);
  }
  return into;
}

/**
 * The name of the declared index that serves a query (filter and sort fields), '_id' for the index every collection
 * has, or undefined when none does: the rule written at the top of collections.ts. Of several, the one whose leading
 * fields the query narrows by the most (a unique one matched exactly before all).
 */
export function servingIndex(declaration: CollectionDeclaration, query: unknown, sort: readonly string[]): string | undefined {
  const { narrow, equal } = filterFields(query);
  const order = sort.filter((field) => field !== '_id');
  if (narrow.has('_id') || (narrow.size === 0 && order.length === 0)) return '_id';
  let best: { index: CollectionIndex; score: number } | undefined;
  for (const index of declaration.indexes) {
    const fields = Object.keys(index.fields);
    const leading = fields.findIndex((field) => !narrow.has(field));
    let score = leading === -1 ? fields.length : leading;
    if (index.unique && fields.every((field) => equal.has(field))) score = Number.POSITIVE_INFINITY;
    else if (!(narrow.size > 0 ? score > 0 : order[0] === fields[0]) || !order.every((field) => fields.includes(field))) continue;
    if (!best || score > best.score) best = { index, score };
  }
  return best && indexName(best.index);
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

/**
 * What the fake keeps of an open transaction, to answer as CloudBase does when two touch one document: the
 * version of each document it read, and how to undo its writes. A write to a document changed since the
 * transaction read it, or written by another open transaction, is a write conflict: the transaction is
 * rolled back and the write answered DATABASE_TRANSACTION_CONFLICT (the SDK's runTransaction then runs the
 * callback again in a new transaction). Reads see other transactions' writes before they commit, which is
 * looser than CloudBase; the conflict on the write still stops the reader from acting on them.
 */
interface OpenTransaction {
  reads: Map<string, number>;
  undo: (() => void)[];
}

export class FakeCloudbase {
  readonly requests: SentRequest[] = [];
  readonly collections = new Map<string, Map<string, Obj>>();
  /** Write conflicts answered, for tests that race. */
  conflicts = 0;
  private readonly versions = new Map<string, number>();
  private readonly transactions = new Map<string, OpenTransaction>();
  /** Documents written by a transaction still open, by the writer's id. */
  private readonly writers = new Map<string, string>();
  /** The next request is answered with this error instead. */
  failNext: { code: string; message: string } | undefined;
  /** How long each answer takes to leave (0: at once); round-trip counts set it so requests sent together overlap. */
  latencyMs = 0;
  /** Runs after each request is answered, to change the documents between two requests of one call. */
  afterAnswer: ((request: SentRequest) => void) | undefined;
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private seq = 0;

  /** `declarations`: the collections it knows, with their indexes (collections.ts unless a test takes one away). */
  constructor(private readonly declarations: Readonly<Record<string, CollectionDeclaration>> = CLOUDBASE_COLLECTIONS) {}

  /** The declaration of a collection; a request to an undeclared one is answered as CloudBase answers a missing collection. */
  private declared(name: string | undefined): CollectionDeclaration {
    const declaration = name === undefined || !Object.hasOwn(this.declarations, name) ? undefined : this.declarations[name];
    if (!declaration) throw new FakeReplyError('DATABASE_COLLECTION_NOT_EXIST', `collection ${String(name)} is not declared in collections.ts`);
    return declaration;
  }

  /** Refuses a query (filter and sort) that no declared index covers. */
  private indexed(collection: string | undefined, query: unknown, order: unknown): void {
    const sort = isObj(order) ? Object.keys(order) : [];
    if (servingIndex(this.declared(collection), query, sort) === undefined) {
      const fields = [...filterFields(query).all];
      throw new FakeReplyError('FAKE_NO_INDEX', `no index of ${String(collection)} in collections.ts covers the filter (${fields.join(', ')}) sorted by (${sort.join(', ')})`);
    }
  }

  /** Before a document is written as `next`: refuses it when another document has the same values of a declared unique index. */
  private unique(collection: string, id: string, next: Obj): void {
    for (const index of this.declared(collection).indexes) {
      if (!index.unique) continue;
      // a missing field counts as null, as in CloudBase's (MongoDB's) unique indexes
      const key = (doc: Obj) => JSON.stringify(Object.keys(index.fields).map((field) => valueAt(doc, field) ?? null));
      const taken = [...this.collection(collection)].find(([otherId, other]) => otherId !== id && key(other) === key(next));
      if (taken) throw new FakeReplyError('DATABASE_DUPLICATE_WRITE', `unique index ${indexName(index)} of ${collection}: ${key(next)} is taken by ${taken[0]}`);
    }
  }

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
    this.conflicts = 0;
    this.versions.clear();
    this.transactions.clear();
    this.writers.clear();
  }

  /** Before a write to one document: refuses it when it conflicts, else records how to undo it. */
  private write(r: SentRequest, collection: string, id: string): void {
    const key = `${collection}/${id}`;
    const txId = typeof r.body.transactionId === 'string' ? r.body.transactionId : undefined;
    const tx = txId === undefined ? undefined : this.transactions.get(txId);
    if (txId !== undefined && tx) {
      const read = tx.reads.get(key);
      const writer = this.writers.get(key);
      if ((read !== undefined && read !== (this.versions.get(key) ?? 0)) || (writer !== undefined && writer !== txId)) {
        this.endTransaction(txId, true);
        this.conflicts += 1;
        throw new FakeReplyError('DATABASE_TRANSACTION_CONFLICT', `write conflict on ${key}`);
      }
      const docs = this.collection(collection);
      const before = docs.get(id);
      tx.undo.push(() => (before ? docs.set(id, before) : docs.delete(id)));
      this.writers.set(key, txId);
    }
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
  }

  /** Commits or rolls back a transaction: it no longer holds its documents. */
  private endTransaction(txId: string, rollback: boolean): void {
    const tx = this.transactions.get(txId);
    if (!tx) return;
    if (rollback) for (const undo of [...tx.undo].reverse()) undo();
    for (const [key, writer] of [...this.writers]) if (writer === txId) this.writers.delete(key);
    this.transactions.delete(txId);
  }

  /** A read of one document inside a transaction: the version it saw. */
  private read(r: SentRequest, collection: string, id: string): void {
    const tx = typeof r.body.transactionId === 'string' ? this.transactions.get(r.body.transactionId) : undefined;
    const key = `${collection}/${id}`;
    if (tx && !tx.reads.has(key)) tx.reads.set(key, this.versions.get(key) ?? 0);
  }

  collection(name: string): Map<string, Obj> {
    let docs = this.collections.get(name);
    if (!docs) this.collections.set(name, (docs = new Map()));
    return docs;
  }

  seed(name: string, id: string, doc: Obj): void {
    this.declared(name);
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
        arrivedAt: performance.now(),
        answeredAt: undefined,
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
      const send = () => {
        sent.answeredAt = performance.now();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply));
      };
      // the network's delay, when a test sets one: requests sent at once are then all in flight together
      if (this.latencyMs > 0) setTimeout(send, this.latencyMs);
      else send();
    });
  }

  private answer(r: SentRequest): Obj {
    if (r.collection !== undefined) this.declared(r.collection);
    const docs = () => this.collection(r.collection ?? '');
    const idOf = (): string => {
      if (r.body.queryType !== 'DOC' || !isObj(r.query) || typeof r.query._id !== 'string') throw new Error('expected a query by _id');
      return r.query._id;
    };
    switch (r.action) {
      case 'database.getDocument': {
        if (r.body.queryType === 'DOC') this.read(r, r.collection ?? '', idOf());
        this.indexed(r.collection, r.query, r.order);
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
        this.indexed(r.collection, r.query, undefined);
        return { data: { total: [...docs().values()].filter((d) => matches(d, r.query)).length } };
      case 'database.insertDocument': {
        const added = (r.data as Obj[]).map((d) => {
          const id = typeof d._id === 'string' ? d._id : `auto-${++this.seq}`;
          if (docs().has(id)) throw new FakeReplyError('DATABASE_DUPLICATE_WRITE', `duplicate _id ${id}`);
          this.unique(r.collection ?? '', id, d);
          this.write(r, r.collection ?? '', id);
          docs().set(id, { ...d, _id: id });
          return id;
        });
        return { data: { insertedIds: added } };
      }
      case 'database.modifyDocument': {
        const data = r.data as Obj;
        const update = (existing: Obj): Obj => {
          const next: Obj = { ...existing };
          for (const [op, fields] of Object.entries(data)) {
            if (!isObj(fields)) throw new Error(`update operator ${op} without fields`);
            for (const [key, value] of Object.entries(fields)) {
              if (op === '$set') next[key] = value;
              else if (op === '$inc') next[key] = Number(next[key] ?? 0) + Number(value);
              else if (op === '$min') {
                // dates compare by time; a missing field takes the value
                const current = comparable(next[key]) as number | string | undefined;
                if (current === undefined || (comparable(value) as number | string) < current) next[key] = value;
              } else if (op === '$addToSet' || op === '$push') {
                const list = Array.isArray(next[key]) ? [...(next[key] as unknown[])] : [];
                // _.push([...]) is sent as { $each: [...] }
                const values = isObj(value) && Array.isArray(value.$each) ? value.$each : [value];
                for (const v of values) if (op === '$push' || !list.some((x) => same(x, v))) list.push(v);
                next[key] = list;
              } else throw new Error(`update operator ${op} not supported`);
            }
          }
          return next;
        };
        if (r.body.queryType === 'WHERE') {
          // update by query (merge): every match, as where().update() sends it (multi unless told)
          if (r.body.merge !== true) throw new Error('expected a merging update by query');
          this.indexed(r.collection, r.query, undefined);
          const found = [...docs().values()].filter((d) => matches(d, r.query));
          let updated = 0;
          for (const existing of r.body.multi === false ? found.slice(0, 1) : found) {
            const next = update(existing);
            if (same(next, existing)) continue;
            this.unique(r.collection ?? '', String(existing._id), next);
            this.write(r, r.collection ?? '', String(existing._id));
            docs().set(String(existing._id), next);
            updated += 1;
          }
          return { data: { updated } };
        }
        const id = idOf();
        const existing = docs().get(id);
        if (r.body.merge === false) {
          // set: replace the document, creating it when upsert is on
          if (!existing && r.body.upsert !== true) return { data: { updated: 0 } };
          this.unique(r.collection ?? '', id, data);
          this.write(r, r.collection ?? '', id);
          docs().set(id, { ...data, _id: id });
          return { data: existing ? { updated: 1 } : { updated: 0, upsert_id: id } };
        }
        if (!existing) return { data: { updated: 0 } };
        const next = update(existing);
        this.unique(r.collection ?? '', id, next);
        this.write(r, r.collection ?? '', id);
        docs().set(id, next);
        return { data: { updated: same(next, existing) ? 0 : 1 } };
      }
      case 'database.removeDocument': {
        if (r.body.queryType === 'WHERE') {
          // remove by query: every match (multi, the SDK's default for where().remove()) or the first
          this.indexed(r.collection, r.query, undefined);
          const found = [...docs().values()].filter((d) => matches(d, r.query));
          const gone = r.body.multi === false ? found.slice(0, 1) : found;
          for (const d of gone) {
            this.write(r, r.collection ?? '', String(d._id));
            docs().delete(String(d._id));
          }
          return { data: { deleted: gone.length } };
        }
        const id = idOf();
        if (!docs().has(id)) return { data: { deleted: 0 } };
        this.write(r, r.collection ?? '', id);
        docs().delete(id);
        return { data: { deleted: 1 } };
      }
      case 'database.aggregateDocuments': {
        // the stages the adapter sends: $match, $unwind, $group with $sum of 1 or of an arithmetic expression
        let found = [...docs().values()];
        const stages = Array.isArray(r.body.stages) ? r.body.stages : [];
        // the first $match is the query an index serves; a pipeline without one reads the whole collection
        const [first] = stages;
        if (isObj(first) && first.stageKey === '$match') this.indexed(r.collection, decodeField(first.stageValue), undefined);
        for (const stage of stages) {
          if (!isObj(stage)) throw new Error('aggregate stage is not an object');
          const value = decodeField(stage.stageValue);
          if (stage.stageKey === '$match') found = found.filter((d) => matches(d, value));
          else if (stage.stageKey === '$unwind' && typeof value === 'string') {
            const path = value.slice(1);
            found = found.flatMap((d) => {
              const list = d[path];
              return Array.isArray(list) ? list.map((x) => ({ ...d, [path]: x })) : [];
            });
          } else if (stage.stageKey === '$group' && isObj(value)) found = aggregateGroup(found, value);
          else throw new Error(`aggregate stage ${String(stage.stageKey)} not supported`);
        }
        return { data: { list: found.map((d) => JSON.stringify(d)) } };
      }
      case 'database.startTransaction': {
        const transactionId = `tx-${++this.seq}`;
        this.transactions.set(transactionId, { reads: new Map(), undo: [] });
        return { transactionId };
      }
      case 'database.commitTransaction':
      case 'database.abortTransaction':
        if (typeof r.body.transactionId === 'string') this.endTransaction(r.body.transactionId, r.action === 'database.abortTransaction');
        return {};
      default:
        throw new Error(`action ${r.action} not supported`);
    }
  }
}

/** A fake CloudBase server started, and how to open stores on it (each one a function instance of its own). */
export interface FakeCloudbaseSite {
  fake: FakeCloudbase;
  /** `warn` receives what the store reports reading as absent. */
  open(warn?: StoreWarning): Store;
  stop(): Promise<void>;
}

/** Starts a fake CloudBase knowing the declared collections (all of collections.ts unless told); `stop` stops it and restores the environment. */
export async function startFakeCloudbase(declarations: Readonly<Record<string, CollectionDeclaration>> = CLOUDBASE_COLLECTIONS): Promise<FakeCloudbaseSite> {
  const savedTencentCloud = process.env.TENCENTCLOUD;
  // Tells the SDK it runs on Tencent Cloud, so it does not probe metadata.tencentyun.com before every request;
  // serviceUrl still decides where requests go.
  process.env.TENCENTCLOUD = 'true';
  const fake = new FakeCloudbase(declarations);
  const serviceUrl = await fake.start();
  return {
    fake,
    open: (warn) => openCloudbaseStore({ env: 'test-env', serviceUrl, secretId: 'x', secretKey: 'y', ...(warn ? { warn } : {}) }),
    async stop() {
      await fake.stop();
      if (savedTencentCloud === undefined) delete process.env.TENCENTCLOUD;
      else process.env.TENCENTCLOUD = savedTencentCloud;
    },
  };
}
