import * as z from 'zod';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as centers } from '../../cloudfunctions/centers';
import { handler as identity } from '../../cloudfunctions/identity';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as workbench } from '../../cloudfunctions/workbench';
import { createLogger } from '../../cloudfunctions/_lib/log';
import { defineFunction, type Caller, type CloudFunction } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { workbenchEventSchema } from '../../src/core/contracts/workbench';
import { parseInput } from '../../src/core/validation';
import { catalogStore, contextFor } from '../support/function-context';

/**
 * Issue 11, point 13: a NUL in a text field reached the database, which refused it (INTERNAL), and the log
 * line of that failure printed the query's parameters, personal data and all. Text fields now refuse control
 * characters, lone surrogates and bidirectional controls in their schema, naming the field; no log prints a
 * query's values.
 */
const supervisor: Caller = { openid: 'cc-supervisor', roles: [{ role: 'supervisor' }] };
const staff: Caller = { openid: 'cc-staff', roles: [{ role: 'center-staff', centerCode: '321000' }] };
const employee: Caller = { openid: 'cc-employee', roles: [] };
const APP_ID = 'abcdefgh12345678';

let store: Store;
beforeAll(async () => {
  store = await catalogStore();
});
afterAll(() => store.close());

const call = (fn: CloudFunction, caller: Caller | undefined, event: unknown) => fn.handle(event, contextFor(store, caller));

/** Each kind refused: C0 (NUL, ESC, TAB inside a one-line field), DEL, C1, a lone surrogate, a bidi override and an isolate. */
const UNSAFE = { NUL: '\u0000', ESC: '\u001b', TAB: '\t', DEL: '\u007f', C1: '\u0085', 'lone surrogate': '\ud800', RLO: '\u202e', LRI: '\u2066', 'line separator': '\u2028' };

/** One text field of each function, as `(caller, event with the text) -> [function, field path]`. */
const FIELDS: [string, CloudFunction, Caller | undefined, (text: string) => object, string][] = [
  ['the centers search', centers, undefined, (t) => ({ action: 'search', query: `扬州${t}市` }), 'query'],
  ['a service hall address', admin, supervisor, (t) => ({ action: 'setCounter', centerCode: '321000', address: `扬州市文昌${t}中路 1 号`, hours: '工作日 9:00-17:00' }), 'address'],
  ['the name verified by face', identity, employee, (t) => ({ action: 'start', name: `张${t}三`, docType: '01', docNumber: '11010519491231002X', consentVersion: '1' }), 'name'],
  ['the consent version', identity, employee, (t) => ({ action: 'consent', version: `v${t}1` }), 'version'],
  ['a face verification id', identity, employee, (t) => ({ action: 'confirm', verifyId: `vid${t}1` }), 'verifyId'],
  ['a former employer', applications, employee, (t) => ({ action: 'submit', type: 'transfer', requestId: 'req-0000001', payload: { transferOutCenter: '321000', transferInCenter: '320100', formerEmployer: `扬州${t}公司`, newEmployer: '南京公司', newAccount: '12345678', phone: '13800138000' } }), 'payload.formerEmployer'],
  ['a rating comment', applications, employee, (t) => ({ action: 'rate', id: APP_ID, score: 1, comment: `太慢${t}了` }), 'comment'],
  ['a rejection reason', workbench, staff, (t) => ({ action: 'reject', id: APP_ID, reason: `材料${t}不全` }), 'reason'],
  ['a certificate file name', workbench, staff, (t) => ({ action: 'setStatus', id: APP_ID, status: 'completed', document: { name: `证明${t}.pdf`, fileId: 'uploads/abcdefghijklmnopqrstuvwx' } }), 'document.name'],
  ['a mini-program page path', portal, staff, (t) => ({ action: 'proposeLink', item: 1, appId: 'wx0123456789abcdef', path: `pages/${t}index`, effectiveDate: '2026-12-31' }), 'path'],
  ['an endpoint address', admin, supervisor, (t) => ({ action: 'setEndpoint', centerCode: '321000', url: `https://gjj.example.cn/a${t}b` }), 'url'],
];

describe('text fields refuse control characters, naming the field', () => {
  it('answers a NUL in a service hall address with VALIDATION_FAILED naming the address, not INTERNAL, and changes nothing', async () => {
    const before = await store.centers.get('321000');
    const result = await call(admin, supervisor, { action: 'setCounter', centerCode: '321000', address: '扬州市文昌\u0000中路 1 号', hours: '工作日 9:00-17:00' });
    expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { address: expect.stringContaining('服务大厅地址含有控制字符') } });
    expect(await store.centers.get('321000')).toEqual(before);
  });

  describe.each(FIELDS)('in %s', (_what, fn, caller, eventWith, field) => {
    it.each(Object.entries(UNSAFE))('refuses a %s inside it', async (_kind, character) => {
      const result = await call(fn, caller, eventWith(character));
      expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
      if (result.ok) return;
      expect(result.fields?.[field]).toMatch(/[\u4e00-\u9fa5]/);
      expect(result.message).not.toMatch(/invalid|expected/i);
    });
  });

  it('lets a line feed through in free text written on several lines, and nowhere else', () => {
    expect(parseInput(workbenchEventSchema(new Date()), { action: 'reject', id: APP_ID, reason: '材料不全：\n1. 缺购房合同' }).ok).toBe(true);
    expect(parseInput(workbenchEventSchema(new Date()), { action: 'setStatus', id: APP_ID, status: 'completed', document: { name: '证明\n.pdf', fileId: 'uploads/abcdefghijklmnopqrstuvwx' } })).toMatchObject({ ok: false, fields: { 'document.name': expect.stringContaining('文件名含有控制字符') } });
  });

  it('keeps white space around a value forgiving: it is trimmed before the check', () => {
    expect(parseInput(workbenchEventSchema(new Date()), { action: 'reject', id: APP_ID, reason: '\t材料不全\r\n' })).toMatchObject({ ok: true, data: { reason: '材料不全' } });
  });

  it('keeps emoji (a surrogate pair is not a lone surrogate)', () => {
    expect(parseInput(workbenchEventSchema(new Date()), { action: 'reject', id: APP_ID, reason: '材料不全 👍' }).ok).toBe(true);
  });
});

describe('no log line prints the values of a failed query', () => {
  const PHONE = '13912345678';
  const NAME = '王小明';

  /** The log lines of one failed invocation, as the function runtime writes them. */
  async function logOf(fn: CloudFunction): Promise<string> {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    const result = await fn.handle({}, { ...contextFor(store, supervisor), log });
    expect(result).toMatchObject({ ok: false, code: 'INTERNAL' });
    return lines.join('');
  }

  it('logs a query the embedded database refused without its parameters', async () => {
    // a value that only the database refuses, below every schema: the failure is logged, its values are not
    const failing = defineFunction('probe', z.object({}), async (_event, ctx) => {
      await ctx.store.centers.setCounter('321000', { address: `${NAME}家\u0000${PHONE}`, hours: '工作日 9:00-17:00' });
    });
    const log = await logOf(failing);
    expect(log).toContain('function failed');
    expect(log).toContain('22021'); // the database's error code stays, to find the cause
    expect(log).not.toContain(PHONE);
    expect(log).not.toContain(NAME);
  });

  it('logs a PostgreSQL error without the values it quotes in its detail and context', async () => {
    // what `pg` raises on a unique violation: the key's value in `detail`, a parameter in `where`
    const failing = defineFunction('probe', z.object({}), async () => {
      throw Object.assign(new Error('duplicate key value violates unique constraint "identities_doc_lookup"'), {
        code: '23505',
        detail: `Key (doc_lookup)=(${PHONE}) already exists.`,
        where: `unnamed portal parameter $1 = '${NAME}'`,
        parameters: [NAME, PHONE],
        cause: Object.assign(new Error('inner'), { params: [PHONE] }),
      });
    });
    const log = await logOf(failing);
    expect(log).toContain('23505');
    expect(log).not.toContain(PHONE);
    expect(log).not.toContain(NAME);
  });
});
