import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import * as z from 'zod';
import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import { localFileStore } from '../../cloudfunctions/_lib/files/local';
import type { Caller, CloudFunction } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { pgliteStoreOver } from '../../cloudfunctions/_lib/store/sql/pglite';
import type { Fail } from '../../src/core/errors';
import { FUNCTIONS } from '../../tools/local-cloud/functions';
import { handleCallbackHttp } from '../../cloudfunctions/callbacks';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { newSecret, newWebhookId, signHeaders } from '../../cloudfunctions/_lib/delivery/signing';
import { contextFor, launched, testOutside } from '../support/function-context';

/**
 * Issue 11, "Must show": every action of every function, sent arbitrary junk by each kind of caller, is
 * refused with a Chinese message naming the field, and nothing is stored.
 *
 * The functions are the local host's registry (every function called with an event) and the actions are read
 * from each function's own event schema (its discriminated unions' options), so a new action is covered the day
 * it is added. `callbacks` is HTTP-triggered: its handler is sent junk requests, junk headers and bodies, and
 * junk bodies under a good signature, each answered 4xx with a Chinese message, never 5xx, storing nothing.
 *
 * Who decides first, precisely: every function parses its event with its schema BEFORE it asks who calls
 * (defineFunction), so an event the schema refuses answers VALIDATION_FAILED for every caller, signed in or
 * not, whatever their roles. Every event generated here has something its schema refuses: it is not an
 * object, its action (or submission type) is not one the function has, or at least one declared field holds
 * a value no declared field accepts (text with a control character, a 1 MB text, deep nesting, an array or
 * an object, null, NaN or an infinity). The role decides first only where the schema has nothing to refuse:
 * the timer functions (relay, centers-daily) take any object as their timer event and answer a call FORBIDDEN
 * (no caller is a timer). The identity real-name form (name, docType, docNumber) is part of its contract,
 * checked as of the call's own time, so it too is refused before the caller is asked: the last test shows it.
 *
 * Unknown fields are STRIPPED, not refused: zod objects drop keys they do not declare, so no service ever
 * sees one, and the platform adds its own (CloudBase puts `userInfo` in a called function's event), which a
 * strict schema would refuse on every deployed call. Each generated event carries unknown fields with junk
 * values too; they change nothing (the test before the last shows a valid event with them).
 */

// --- the functions and their actions, from their schemas ---------------------------------------------

interface Variant {
  /** The discriminators' values: { action: 'submit', type: 'transfer' }. */
  fixed: Record<string, unknown>;
  /** Declared fields the event schema checks. */
  fields: string[];
  /** Every field down to the leaves, inside forms and lists too: ['payload', 'house', 'address']; lists as index 0. */
  leaves: string[][];
}

/** The object or list a field holds, through optional, refinements and transforms; undefined for a leaf. */
function container(schema: z.ZodType): z.ZodObject | z.ZodArray | undefined {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return container(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodPipe) return container(schema.in as z.ZodType);
  if (schema instanceof z.ZodObject || schema instanceof z.ZodArray) return schema;
  return undefined;
}

function leavesOf(schema: z.ZodType, at: string[]): string[][] {
  const inner = container(schema);
  if (inner instanceof z.ZodArray) return leavesOf(inner.element as z.ZodType, [...at, '0']);
  if (inner instanceof z.ZodObject) return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, field]) => leavesOf(field, [...at, key]));
  return [at];
}

function valuesOf(schema: z.ZodType | undefined): unknown[] {
  if (schema instanceof z.ZodLiteral) return [...schema.values];
  if (schema instanceof z.ZodEnum) return schema.options;
  throw new Error('a discriminator that is neither a literal nor an enum');
}

/** Every action (and submission type) an event schema takes, with its fields. */
function variantsOf(schema: z.ZodType, discriminators: readonly string[] = []): Variant[] {
  if (schema instanceof z.ZodPipe) return variantsOf(schema.in as z.ZodType, discriminators);
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const discriminator = schema.def.discriminator;
    return (schema.options as z.ZodType[]).flatMap((option) => variantsOf(option, [...discriminators, discriminator]));
  }
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.ZodType>;
    let combos: Record<string, unknown>[] = [{}];
    for (const d of discriminators) combos = combos.flatMap((combo) => valuesOf(shape[d]).map((value) => ({ ...combo, [d]: value })));
    const rest = Object.keys(shape).filter((key) => !discriminators.includes(key));
    return combos.map((fixed) => ({ fixed, fields: rest, leaves: rest.flatMap((key) => leavesOf(shape[key], [key])) }));
  }
  throw new Error(`cannot list the actions of a ${schema.def.type} schema`);
}

const discriminatorOf = (schema: z.ZodType) => (schema instanceof z.ZodDiscriminatedUnion ? schema.def.discriminator : undefined);
const FUNCTION_LIST = Object.entries(FUNCTIONS).map(([name, fn]) => ({ name, fn, variants: variantsOf(fn.schema), discriminator: discriminatorOf(fn.schema) }));

// --- callers ----------------------------------------------------------------------------------------

const ROLES: [string, Caller | undefined][] = [
  ['no caller', undefined],
  ['an employee', { openid: 'junk-employee', roles: [] }],
  ['center staff', { openid: 'junk-staff', roles: [{ role: 'center-staff', centerCode: '321000' }] }],
  ['a supervisor', { openid: 'junk-supervisor', roles: [{ role: 'supervisor' }] }],
];

// --- junk ---------------------------------------------------------------------------------------------

/** C0 (tab and carriage return inside a text too), DEL, C1, lone surrogates, separators, bidi controls. */
const UNSAFE = ['\u0000', '\u0001', '\u0008', '\u000b', '\u001b', '\u001f', '\t', '\r', '\u007f', '\u0080', '\u0085', '\u009f', '\ud800', '\udfff', '\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069'];
const MB = 1024 * 1024;

const controlText = fc.tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...UNSAFE), fc.string({ maxLength: 12 })).map(([a, c, b]) => `甲${a}${c}${b}乙`);
const hugeText = fc.tuple(fc.constantFrom('x', '汉', '1'), fc.constantFrom(...UNSAFE)).map(([unit, c]) => `${unit.repeat(MB / 2)}${c}${unit.repeat(MB / 2)}`);
const deep = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.boolean(), fc.jsonValue({ maxDepth: 1 })).map(([depth, asArray, leaf]) => {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
});
const prototypeJunk = fc.constant(JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}') as unknown);

/** Values no declared field of any event takes. */
const refused = fc.oneof(controlText, hugeText, deep, fc.constantFrom<unknown>(null, Number.NaN, Infinity, -Infinity, [], {}), prototypeJunk, fc.array(controlText, { minLength: 1, maxLength: 3 }));
/** Anything at all, possibly valid. */
const anything = fc.oneof(refused, fc.anything(), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(undefined));
const unknownFields = (known: ReadonlySet<string>) => fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !known.has(key)), anything, { maxKeys: 3 });
/** An event that is not an object at all. */
const notAnObject = fc.oneof(fc.array(anything, { maxLength: 3 }), fc.string(), hugeText, fc.double(), fc.boolean(), fc.constant(null), deep.filter(Array.isArray));

// --- what must hold -----------------------------------------------------------------------------------

const CHINESE = /[\u4e00-\u9fa5]/;
const ENGLISH = /\b(invalid|expected|received|too (big|small)|unrecognized|input|object|string|array|number|boolean|undefined|nan)\b/i;

/** The key `fields` uses for `field`: itself, or one of its own fields. */
const names = (fields: Record<string, string>, field: string) => Object.keys(fields).some((key) => key === field || key.startsWith(`${field}.`));

function expectRefusal(answer: unknown, code: Fail['code'], named: string[]): void {
  expect(answer).toMatchObject({ ok: false, code });
  const { message, fields } = answer as Fail;
  expect(message).toMatch(CHINESE);
  expect(message).not.toMatch(ENGLISH);
  if (code !== 'VALIDATION_FAILED') return;
  expect(fields).toBeDefined();
  expect(Object.keys(fields ?? {}).length).toBeGreaterThan(0);
  for (const text of Object.values(fields ?? {})) {
    expect(text).toMatch(CHINESE);
    expect(text).not.toMatch(ENGLISH);
  }
  for (const field of named) if (!names(fields ?? {}, field)) throw new Error(`fields ${JSON.stringify(Object.keys(fields ?? {}))} do not name ${field}`);
}

// --- the store, and what is in it ---------------------------------------------------------------------

let db: PGlite;
let store: Store;
let filesDir: string;
let tables: string[];
const outside = (() => {
  filesDir = mkdtempSync(path.join(tmpdir(), 'gjj-junk-files-'));
  return testOutside({ files: () => localFileStore(filesDir) });
})();

beforeAll(async () => {
  db = await PGlite.create();
  store = await launched(await pgliteStoreOver(db));
  await ensureCatalog(store);
  const listed = await db.query<{ name: string }>("select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1");
  tables = listed.rows.map((r) => r.name);
});
afterAll(() => store.close());

/** Every table's row count and a digest of its rows (an update shows too), and the stored files. */
async function snapshot(): Promise<string> {
  const sql = tables.map((t) => `select '${t}' as t, count(*)::int as n, coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from "${t}" x`).join(' union all ');
  const rows = (await db.query<{ t: string; n: number; h: string }>(sql)).rows;
  const files = readdirSync(filesDir, { recursive: true }).map(String).sort();
  return JSON.stringify({ rows, files });
}

/** Calls `fn` with `event` as `caller`, checks the answer, and that nothing was stored. */
async function callAndCheck(fn: CloudFunction, caller: Caller | undefined, event: unknown, check: (answer: unknown) => void): Promise<void> {
  const before = await snapshot();
  const answer = await fn.handle(event, contextFor(store, caller, new Date('2026-11-20T10:00:00+08:00'), outside));
  check(answer);
  expect(await snapshot()).toBe(before);
}

// --- the properties -----------------------------------------------------------------------------------

/** A copy of `event` with `value` at `path`, making the objects and lists on the way (copies, never shared junk). */
function withValueAt(event: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [key, ...rest] = path;
  const copy: Record<string, unknown> = Array.isArray(event) ? Object.assign([], event) : { ...event };
  if (rest.length === 0) {
    copy[key] = value;
    return copy;
  }
  // what is on the way must be an object (or a list, for an index) for the value to be looked at
  const current = copy[key];
  const list = rest[0] === '0';
  const fits = typeof current === 'object' && current !== null && Array.isArray(current) === list;
  const next = fits ? (current as Record<string, unknown>) : list ? ([] as unknown as Record<string, unknown>) : {};
  copy[key] = withValueAt(next, rest, value);
  return copy;
}

const RUNS_PER_ACTION = 8;
const RUNS_PER_FUNCTION = 24;
jest.setTimeout(60_000);

describe.each(FUNCTION_LIST)('the $name function', ({ fn, variants, discriminator }) => {
  const known = new Set(variants.flatMap((v) => [...Object.keys(v.fixed), ...v.fields]));
  const role = fc.constantFrom(...ROLES);

  it('refuses an event that is not an object, naming what it lacks, for every caller', async () => {
    await fc.assert(
      fc.asyncProperty(role, notAnObject, async ([, caller], event) =>
        callAndCheck(fn, caller, event, (answer) => expectRefusal(answer, 'VALIDATION_FAILED', [discriminator ?? '_'])),
      ),
      { numRuns: RUNS_PER_FUNCTION },
    );
  });

  if (discriminator) {
    const actions = new Set(variants.map((v) => v.fixed[discriminator]));
    it(`refuses an ${discriminator} the function does not have, naming it, for every caller`, async () => {
      const wrong = fc.oneof(refused, fc.string(), fc.integer(), fc.boolean()).filter((a) => !actions.has(a as string));
      await fc.assert(
        fc.asyncProperty(role, wrong, unknownFields(known), async ([, caller], action, extra) =>
          callAndCheck(fn, caller, { ...extra, [discriminator]: action }, (answer) => expectRefusal(answer, 'VALIDATION_FAILED', [discriminator])),
        ),
        { numRuns: RUNS_PER_FUNCTION },
      );
    });
  } else {
    it('is FORBIDDEN to every caller whatever object it is sent (it runs only for its timer)', async () => {
      await fc.assert(
        fc.asyncProperty(role, unknownFields(known), async ([, caller], event) => callAndCheck(fn, caller, event, (answer) => expectRefusal(answer, 'FORBIDDEN', []))),
        { numRuns: RUNS_PER_FUNCTION },
      );
    });
  }

  const withFields = variants.filter((v) => v.fields.length > 0);
  if (withFields.length > 0) {
    // every field and every unsafe character, one at a time: a field that lets one through is named here
    it('refuses each unsafe character in each field of each action, down to the forms’ own fields, naming that field', async () => {
      const before = await snapshot();
      for (const variant of withFields) {
        for (const leaf of variant.leaves) {
          for (const character of UNSAFE) {
            const event = withValueAt(variant.fixed, leaf, `甲${character}乙`);
            const answer = await fn.handle(event, contextFor(store, ROLES[3][1], undefined, outside));
            try {
              expectRefusal(answer, 'VALIDATION_FAILED', [leaf.join('.')]);
            } catch (error) {
              throw new Error(`${JSON.stringify(event)}: ${(error as Error).message}`);
            }
          }
        }
      }
      expect(await snapshot()).toBe(before);
    });

    it.each(withFields.map((v) => [Object.values(v.fixed).join(' '), v] as const))('refuses junk in the fields of %s, naming each bad field, for every caller', async (_name, variant) => {
      // junk goes into top-level fields and into the fields of forms and lists alike
      const targets = [...new Map([...variant.fields.map((f) => [f]), ...variant.leaves].map((p) => [p.join('.'), p])).values()];
      const all = variant.fields;
      const junkEvent = fc
        .record({
          bad: fc.subarray(targets, { minLength: 1 }),
          badValues: fc.tuple(...targets.map(() => refused)),
          otherValues: fc.tuple(...all.map(() => anything)),
          extra: unknownFields(known),
        })
        .map(({ bad, badValues, otherValues, extra }) => {
          let event: Record<string, unknown> = { ...extra };
          all.forEach((field, i) => {
            if (otherValues[i] !== undefined) event[field] = otherValues[i];
          });
          // a whole field before the fields inside it
          for (const target of [...bad].sort((a, b) => a.length - b.length)) event = withValueAt(event, target, badValues[targets.indexOf(target)]);
          // a field inside a bad whole field may not be looked at: the whole one is named
          const named = bad.map((p) => p.join('.')).filter((p, _i, all) => !all.some((q) => p.startsWith(`${q}.`)));
          return { event: { ...event, ...variant.fixed }, bad: named };
        });
      await fc.assert(
        fc.asyncProperty(role, junkEvent, async ([, caller], { event, bad }) => callAndCheck(fn, caller, event, (answer) => expectRefusal(answer, 'VALIDATION_FAILED', bad))),
        { numRuns: RUNS_PER_ACTION },
      );
    });
  }
});

describe('the callbacks function (HTTP: POST /callbacks/<centerCode>)', () => {
  const YANGZHOU = '321000';
  const secret = newSecret();
  const at = new Date('2026-11-20T10:00:00+08:00');
  beforeAll(async () => {
    // a center with a secret, so signed junk gets past the signature to the body
    await store.endpoints.put({ centerCode: YANGZHOU, mode: 'api', url: 'https://gjj.yangzhou.gov.cn/hooks', secretsSealed: [seal(outside.keyring(), sealedAs.endpointSecret(YANGZHOU), secret)], updatedAt: at });
  });

  /** Sends `event` to the HTTP handler: a 4xx with a Chinese message, never a 5xx, and nothing stored. */
  async function httpAndCheck(event: unknown): Promise<void> {
    const before = await snapshot();
    const answer = await handleCallbackHttp(event, contextFor(store, undefined, at, outside));
    try {
      expect(answer.statusCode).toBeGreaterThanOrEqual(400);
      expect(answer.statusCode).toBeLessThan(500);
      const body = JSON.parse(answer.body) as Fail;
      expect(body).toMatchObject({ ok: false });
      expect(body.message).toMatch(CHINESE);
      expect(body.message).not.toMatch(ENGLISH);
      for (const text of Object.values(body.fields ?? {})) expect(text).toMatch(CHINESE);
    } catch (error) {
      throw new Error(`${JSON.stringify(event).slice(0, 300)} -> ${answer.statusCode} ${answer.body.slice(0, 300)}: ${(error as Error).message}`);
    }
    expect(await snapshot()).toBe(before);
  }

  const text = fc.oneof(fc.string(), controlText, fc.constant(''));
  const path = fc.oneof(fc.constant(`/callbacks/${YANGZHOU}`), fc.constant('/callbacks/000000'), text.map((t) => `/callbacks/${t}`), text);
  const headerValue = fc.oneof(text, fc.string({ unit: 'binary' }), fc.constant('v1,' + 'A'.repeat(43) + '='), fc.integer({ min: 0, max: 2 ** 40 }).map(String));
  const junkHeaders = fc.record(
    { 'webhook-id': headerValue, 'webhook-timestamp': headerValue, 'webhook-signature': headerValue, 'content-type': headerValue },
    { requiredKeys: [] },
  );
  // nesting written out as text (JSON.stringify of it would recurse as deep)
  const deepJson = fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.boolean()).map(([depth, asArray]) => (asArray ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));
  const junkBody = fc.oneof(text, hugeText, fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), deepJson, fc.constant('{"__proto__":{"ok":true}}'));
  /** A callback-shaped body whose fields hold junk (the signature is good, the body is not). */
  const leaf = fc.oneof(controlText, hugeText, fc.constantFrom<unknown>(null, [], {}, true, -1, 1e308), fc.jsonValue({ maxDepth: 2 }), fc.string(), prototypeJunk);
  const junkDocuments = fc.array(fc.record({ name: leaf, type: leaf, contentBase64: leaf, url: leaf }, { requiredKeys: [] }), { maxLength: 3 });
  const junkCallback = fc
    .record(
      {
        type: fc.oneof(fc.constant('application.status'), leaf),
        timestamp: leaf,
        data: fc.oneof(leaf, fc.record({ applicationId: fc.oneof(fc.constant('abcdefgh12345678'), leaf), status: fc.oneof(fc.constantFrom('00', '01', 'completed'), leaf), message: leaf, documents: fc.oneof(leaf, junkDocuments), payment: leaf }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v));

  it('answers junk that is no HTTP request, or an HTTP request of the wrong kind, 4xx in Chinese, storing nothing', async () => {
    const shapes = fc.oneof(
      notAnObject,
      fc.record({ path: anything, httpMethod: anything, headers: anything, body: anything, isBase64Encoded: anything }, { requiredKeys: [] }),
      fc.record({ path, httpMethod: fc.oneof(fc.constant('GET'), text), headers: fc.constant({}), body: text }),
    );
    await fc.assert(fc.asyncProperty(shapes, httpAndCheck), { numRuns: 40 });
  });

  it('answers junk headers and bodies without a good signature 4xx in Chinese, storing nothing', async () => {
    const request = fc.record({ path, headers: junkHeaders, body: junkBody, isBase64Encoded: fc.boolean() }).map((r) => ({ ...r, httpMethod: 'POST' }));
    await fc.assert(fc.asyncProperty(request, httpAndCheck), { numRuns: 40 });
  });

  it('answers signed junk bodies (past the signature) 4xx in Chinese, storing nothing', async () => {
    const body = fc.oneof(junkBody, junkCallback);
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (raw, base64) => {
        const headers = signHeaders([secret], newWebhookId(), new Date(), raw);
        await httpAndCheck({ path: `/callbacks/${YANGZHOU}`, httpMethod: 'POST', headers, body: base64 ? Buffer.from(raw).toString('base64') : raw, isBase64Encoded: base64 });
      }),
      { numRuns: 60 },
    );
  });
});

describe('what the properties rest on', () => {
  it('covers every function of the local host and every action of each', () => {
    expect(FUNCTION_LIST.map((f) => f.name).sort()).toEqual(Object.keys(FUNCTIONS).sort());
    const actions = FUNCTION_LIST.flatMap((f) => f.variants.map((v) => `${f.name} ${Object.values(v.fixed).join(' ')}`));
    // a few known ones, to see the enumeration reaches inside nested unions and transforms
    expect(actions).toEqual(expect.arrayContaining(['applications submit transfer', 'applications submit certificate-deposit-use', 'portal proposeLink', 'identity confirmCounter', 'admin reviewChange', 'session whoami']));
  });

  it('strips unknown fields: a valid event carrying junk ones is answered as without them', async () => {
    const caller = ROLES[1][1];
    const centers = FUNCTIONS.centers;
    const plain = await centers.handle({ action: 'get', code: '321000' }, contextFor(store, caller, undefined, outside));
    const junk = { action: 'get', code: '321000', isAdmin: true, userInfo: { openId: 'someone-else' }, note: `甲\u0000乙${'x'.repeat(MB)}`, nested: JSON.parse('{"__proto__":{"x":1}}') as unknown };
    const before = await snapshot();
    expect(await centers.handle(junk, contextFor(store, caller, undefined, outside))).toEqual(plain);
    expect(await snapshot()).toBe(before);
  });

  it('refuses a bad identity real-name form by the contract before asking who calls, naming each field, for every caller', async () => {
    const identity = FUNCTIONS.identity;
    const event = { action: 'start', name: '甲\u0000乙', docType: [], docNumber: { a: 1 }, consentVersion: '1' };
    for (const [, caller] of ROLES) await callAndCheck(identity, caller, event, (answer) => expectRefusal(answer, 'VALIDATION_FAILED', ['name', 'docType', 'docNumber']));
  });
});
