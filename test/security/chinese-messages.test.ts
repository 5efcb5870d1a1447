import { handler as admin } from '../../cloudfunctions/admin';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as centers } from '../../cloudfunctions/centers';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as workbench } from '../../cloudfunctions/workbench';
import type { Caller, CloudFunction } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { catalogStore, contextFor } from '../support/function-context';

/**
 * Issue 11, point 14: a wrong type in an event was answered in zod's English ("Invalid input: expected
 * object, received array"). Every message a person can see is Chinese: zod's zh-CN locale, set once where
 * every schema is built, with the type names it leaves in English put into words; rules with the project's
 * own wording keep it.
 */
const ENGLISH = /\b(invalid|expected|received|too (big|small)|unrecognized|input|object|string|array|number|boolean|undefined|nan)\b/i;
const CHINESE = /[\u4e00-\u9fa5]/;

const supervisor: Caller = { openid: 'zh-supervisor', roles: [{ role: 'supervisor' }] };
const staff: Caller = { openid: 'zh-staff', roles: [{ role: 'center-staff', centerCode: '321000' }] };
const employee: Caller = { openid: 'zh-employee', roles: [] };
const APP_ID = 'abcdefgh12345678';

let store: Store;
beforeAll(async () => {
  store = await catalogStore();
}, 30_000);
afterAll(() => store.close());

const call = (fn: CloudFunction, caller: Caller | undefined, event: unknown) => fn.handle(event, contextFor(store, caller));

describe('every validation message is plain Chinese and names its field', () => {
  it('answers a transfer whose form is an array in Chinese, naming the form', async () => {
    const result = await call(applications, employee, { action: 'submit', type: 'transfer', requestId: 'req-0000001', payload: [] });
    expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { payload: expect.stringMatching(CHINESE) } });
    if (result.ok) return;
    expect(result.message).toMatch(CHINESE);
    expect(result.message).not.toMatch(ENGLISH);
    expect(result.fields?.payload).not.toMatch(ENGLISH);
  });

  it.each<[string, CloudFunction, Caller, object, string]>([
    ['a comment that is a number', applications, employee, { action: 'rate', id: APP_ID, score: 1, comment: 42 }, 'comment'],
    ['a rating that is not a whole number', applications, employee, { action: 'rate', id: APP_ID, score: 2.5, comment: '太慢了' }, 'score'],
    ['a house that is a list', applications, employee, { action: 'submit', type: 'purchase-withdrawal', requestId: 'req-0000002', payload: { house: [] } }, 'payload.house'],
    ['a certificate that is text', workbench, staff, { action: 'setStatus', id: APP_ID, status: 'completed', document: 'x' }, 'document'],
    ['a payment that is null', workbench, staff, { action: 'setStatus', id: APP_ID, status: 'completed', payment: null }, 'payment'],
    ['an item route that is unknown', admin, supervisor, { action: 'setItemRoute', centerCode: '321000', item: 4, route: 'fax' }, 'route'],
    ['a web address that is not one', portal, staff, { action: 'proposeLink', item: 1, url: 'not a url', effectiveDate: '2026-12-31' }, 'url'],
    ['an action that is not text', centers, employee, { action: ['search'] }, 'action'],
  ])('answers %s in Chinese, naming the field', async (_what, fn, caller, event, field) => {
    const result = await call(fn, caller, event);
    expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    if (result.ok) return;
    expect(result.fields?.[field]).toMatch(CHINESE);
    for (const message of [result.message, ...Object.values(result.fields ?? {})]) expect(message).not.toMatch(ENGLISH);
  });

  it('names an event that is not an object by its action', async () => {
    for (const event of [[], null, 'search', 42]) {
      const result = await call(centers, employee, event);
      expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { action: expect.stringContaining('不支持的操作') } });
    }
  });

  it('keeps the project’s own wording where a rule has one', async () => {
    expect(await call(centers, employee, { action: 'get', code: 5 })).toMatchObject({ fields: { code: '请提供中心代码' } });
    expect(await call(centers, employee, { action: 'get', code: '5' })).toMatchObject({ fields: { code: '中心代码应为 6 位数字' } });
  });

  it('tells the person the messages without the fields’ code names (those are for the page)', async () => {
    const result = await call(applications, employee, {
      action: 'submit',
      type: 'transfer',
      requestId: 'req-0000003',
      payload: { transferOutCenter: '321000', transferInCenter: '320100', formerEmployer: '扬州公司', newEmployer: '南京公司', newAccount: '12345678', phone: '123' },
    });
    expect(result).toMatchObject({ ok: false, fields: { 'payload.phone': '手机号码应为 11 位中国大陆手机号' } });
    if (result.ok) return;
    expect(result.message).toBe('填写有误：手机号码应为 11 位中国大陆手机号');
  });

  it('speaks Chinese in a page that loads only a form schema, without the functions’ runtime', () => {
    jest.isolateModules(() => {
      // what a page does: import the form's schema from core and check the form with it
      const { purchaseWithdrawalPayloadSchema } = jest.requireActual<typeof import('../../src/core/applications/payloads')>('../../src/core/applications/payloads');
      const parsed = purchaseWithdrawalPayloadSchema(new Date()).safeParse({ purchaseCenter: '321000', depositCenter: [], house: [], bank: 'x', amount: '1', phone: true, attachments: {} });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['house', 'bank']));
      for (const issue of parsed.error?.issues ?? []) {
        expect(issue.message).toMatch(CHINESE);
        expect(issue.message).not.toMatch(ENGLISH);
      }
    });
  });
});
