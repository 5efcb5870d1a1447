import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { handler as centersDaily } from '../../cloudfunctions/centers-daily';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as supervise } from '../../cloudfunctions/supervise';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { ApplicationRecord, Store } from '../../cloudfunctions/_lib/store/port';
import { remindMonthly, submissionKey } from '../../cloudfunctions/_lib/supervision/monthly';
import type { MonthlyAnswer, MonthlyFigures, MonthlyFiguresAnswer, MonthlyRow } from '../../src/core/supervision';
import type { ItemId } from '../../src/core/items';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { createBound } from '../support/identity-rows';

/**
 * Monthly statistics (plan 2021-50, annex 2) and their cycle (issue 14): the period from the 15th of last month to
 * the 15th of this month, counted from stored data (both centers of a joint or accept-here case, the amount only
 * from the deposit center's payments), the centers' own figures, reminders from the 16th, submission by the 20th
 * (frozen, corrections as new versions), overdue after it, and who may see and do what.
 */
jest.setTimeout(120_000);

const at = (iso: string) => new Date(`${iso}+08:00`);
/** Period 2026-11: from 2026-10-15 00:00 (included) to 2026-11-15 00:00 (excluded), China time. */
const FROM = at('2026-10-15T00:00:00');
const TO = at('2026-11-15T00:00:00');
const INSIDE = at('2026-11-01T10:00:00');
const AFTER = at('2026-11-18T10:00:00');

const national: Caller = { openid: 'sv-national', roles: [{ role: 'supervisor' }] };
const jiangsu: Caller = { openid: 'sv-jiangsu', roles: [{ role: 'provincial-supervisor', province: '320000' }] };
const staff = (centerCode: string): Caller => ({ openid: `staff-${centerCode}`, roles: [{ role: 'center-staff', centerCode }] });

let store: Store;
const outside = testOutside();
beforeAll(async () => {
  store = await catalogStore();
  await seed();
});
afterAll(() => store.close());

const call = (caller: Caller, event: unknown, now = AFTER) => supervise.handle(event, contextFor(store, caller, now, outside));
const callPortal = (caller: Caller, event: unknown, now = AFTER) => portal.handle(event, contextFor(store, caller, now, outside));
const data = <T>(result: { ok: boolean; data?: unknown }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.data as T;
};
const monthly = async (caller: Caller, period: string, province?: string, now = AFTER) =>
  data<MonthlyAnswer>(await call(caller, { action: 'monthly', period, ...(province ? { province } : {}) }, now));
const rowOf = (answer: MonthlyAnswer, code: string): MonthlyRow => {
  const row = answer.rows.find((r) => r.centerCode === code);
  if (!row) throw new Error(`no row for ${code}`);
  return row;
};

let n = 0;
async function application(type: ApplicationRecord['type'], centers: ApplicationRecord['centers'], createdAt: Date, extra: Partial<ApplicationRecord> = {}, payment?: ApplicationRecord['payment']) {
  n += 1;
  const app: ApplicationRecord = {
    id: `monthlyapp${String(n).padStart(4, '0')}`, type, openid: `emp-${n}`, requestId: `request-${n}-xx`, status: 'submitted', platformCode: null,
    responsibleCenter: centers[0].code, centers, inFlightKey: null, letterNumber: null,
    applicant: { docType: '01', nameSealed: 'x', docNumberSealed: 'x' }, payloadSealed: 'x', acceptBy: '2026-11-20', acceptByProvisional: false,
    targetBy: null, targetProvisional: false, payment: null, test: false, createdAt, updatedAt: createdAt, ...extra,
  };
  await createBound(store, app);
  if (payment) {
    // the deposit center's completing move records what it paid
    const next = { status: 'completed' as const, platformCode: null };
    const deposit = centers.find((c) => c.role === 'deposit')?.code ?? '';
    await store.applications.transition({
      id: app.id, expected: { status: 'submitted', platformCode: null }, next, payment,
      event: { applicationId: app.id, at: createdAt, actor: 'staff', actorId: deposit, from: 'submitted', to: 'completed', platformCode: null, centerCode: deposit, message: '已支付' },
    });
  }
}
const joint = (purchase: string, deposit: string): ApplicationRecord['centers'] => [{ code: purchase, role: 'purchase' }, { code: deposit, role: 'deposit' }];
const jump = (centerCode: string, item: ItemId, when: Date) => store.jumps.record({ centerCode, item, outcome: 'web', at: when });

async function seed() {
  // a joint case between 扬州 (purchase) and 杭州 (deposit) submitted at the period's first instant, paid 12,345.67 元 by 杭州
  await application('purchase-withdrawal', joint('321000', '330100'), FROM, {}, { amount: 12345.67, paidOn: '2026-11-14' });
  // one a second before the period and one at its end: neither is the period's
  await application('purchase-withdrawal', joint('321000', '330100'), new Date(FROM.getTime() - 1000));
  await application('purchase-withdrawal', joint('321000', '330100'), TO);
  // a loan-cleared certificate issued by 北京, taken at 扬州; a deposit-use certificate is not the annex's
  await application('certificate-loan-cleared', [{ code: '110000', role: 'business' }, { code: '321000', role: 'accepting' }], INSIDE);
  await application('certificate-deposit-use', [{ code: '110000', role: 'business' }, { code: '321000', role: 'accepting' }], INSIDE);
  // two in-app requests for item 5 at 南京
  for (let i = 0; i < 2; i += 1) await application('service-request', [{ code: '320100', role: 'business' }], INSIDE, { serviceItem: 5 });
  // 扬州 takes item 4 fully online (three jumps in the period, one at its end), item 5 as an in-app request
  await store.links.put('321000', { item: 4, kind: 'web', url: 'https://hall.example.cn/321000/4', healthy: true });
  await store.links.put('321000', { item: 5, kind: 'in-app' });
  for (const when of [FROM, INSIDE, new Date(TO.getTime() - 1)]) await jump('321000', 4, when);
  await jump('321000', 4, TO);
}

const figures = (overrides: Partial<MonthlyFigures> = {}): MonthlyFigures => ({
  volumes: { '4': 120, '5': 40, '6': 3 },
  outside: { jointCount: 2, jointAmountWan: 10.5, certificates: 1 },
  windows: 2,
  zones: 1,
  training: 35,
  ...overrides,
});

describe('the monthly table from stored data', () => {
  it('counts the period from the 15th of last month (included) to the 15th of this month (excluded)', async () => {
    const answer = await monthly(national, '2026-11');
    expect(answer).toMatchObject({ period: { from: '2026-10-15', to: '2026-11-15' }, month: '2026-11', due: '2026-11-20', running: false });
    expect(answer.rows).toHaveLength(366);
    expect(rowOf(answer, '321000').reference.jumps).toEqual({ '4': 3, '5': 0, '6': 0 });
    expect(rowOf(answer, '321000').items['7'].count).toBe(1);
  });

  it('counts a joint case for both centers, and its amount in 万元 (two decimals) only for the deposit center that paid it', async () => {
    const answer = await monthly(national, '2026-11');
    expect(rowOf(answer, '321000').items['7']).toEqual({ count: 1, amountWan: 0 });
    expect(rowOf(answer, '330100').items['7']).toEqual({ count: 1, amountWan: 1.23 });
    expect(rowOf(answer, '330100').reference.joint).toEqual({ count: 1, amountWan: 1.23 });
  });

  it('counts a loan-cleared certificate for the accepting and the business center, in-app requests by item, and the items’ routes', async () => {
    const answer = await monthly(national, '2026-11');
    expect(rowOf(answer, '321000').items['8']).toEqual({ count: 1 });
    expect(rowOf(answer, '110000').items['8']).toEqual({ count: 1 });
    expect(rowOf(answer, '320100').reference.inApp).toEqual({ '4': 0, '5': 2, '6': 0 });
    expect(rowOf(answer, '321000').items['4']).toEqual({ online: true, volume: 0 });
    expect(rowOf(answer, '321000').items['5']).toEqual({ online: false, volume: 0 });
  });

  it('adds a totals row per province and over everything shown', async () => {
    const answer = await monthly(national, '2026-11');
    const of = (code: string) => answer.provinces.find((p) => p.province === code);
    expect(answer.provinces).toHaveLength(32);
    expect(of('330000')?.totals.items['7']).toEqual({ count: 1, amountWan: 1.23 });
    expect(of('320000')?.totals.items).toMatchObject({ '4': { online: 1 }, '7': { count: 1, amountWan: 0 }, '8': { count: 1 } });
    expect(answer.totals.items).toMatchObject({ '7': { count: 2, amountWan: 1.23 }, '8': { count: 2 } });
  });

  it('shows the running period with the figures so far, and refuses a period that has not begun naming it', async () => {
    await jump('321000', 4, at('2026-11-17T09:00:00'));
    const running = await monthly(national, '2026-12', '320000');
    expect(running).toMatchObject({ period: { from: '2026-11-15', to: '2026-12-15' }, running: true });
    // the jump at 2026-11-15 00:00 (the end of 2026-11) and the one since
    expect(rowOf(running, '321000').reference.jumps['4']).toBe(2);
    const early = await call(national, { action: 'monthly', period: '2026-12' }, at('2026-11-10T10:00:00'));
    expect(early).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { period: expect.stringContaining('尚未开始') } });
    const future = await call(national, { action: 'monthly', period: '2031-01' });
    expect(future).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { period: expect.any(String) } });
  });
});

describe('who sees and fills what', () => {
  it('shows a provincial supervisor their own province only, and refuses another province as FORBIDDEN', async () => {
    const own = await monthly(jiangsu, '2026-11');
    expect(new Set(own.rows.map((r) => r.province))).toEqual(new Set(['320000']));
    expect(own.provinces.map((p) => p.province)).toEqual(['320000']);
    expect(await call(jiangsu, { action: 'monthly', period: '2026-11', province: '330000' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await call(staff('321000'), { action: 'monthly', period: '2026-11' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('refuses a negative count and an amount with three decimals naming the field, storing nothing', async () => {
    const bad = await callPortal(staff('320100'), { action: 'setMonthlyFigures', period: '2026-11', ...figures({ volumes: { '4': -1, '5': 0, '6': 0 }, outside: { jointCount: 0, jointAmountWan: 1.234, certificates: 0 } }) });
    expect(bad).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { 'volumes.4': expect.stringContaining('不能为负数'), 'outside.jointAmountWan': expect.stringContaining('两位小数') } });
    expect(await store.monthly.figures('2026-11', ['320100'])).toEqual([]);
    expect(await store.audit.listFor('center:320100')).toEqual([]);
  });

  it('lets center staff fill their own center’s figures, merged with the computed ones and audited', async () => {
    const answer = data<MonthlyFiguresAnswer>(await callPortal(staff('321000'), { action: 'setMonthlyFigures', period: '2026-11', ...figures() }));
    expect(answer.row).toMatchObject({ centerCode: '321000', items: { '4': { online: true, volume: 120 }, '7': { count: 3, amountWan: 10.5 }, '8': { count: 2 } }, windows: 2, zones: 1, training: 35 });
    expect(answer.row.reference.jumps['4']).toBe(3);
    expect(answer).toMatchObject({ entered: figures(), submitted: false });
    const [entry] = await store.audit.listFor('center:321000');
    expect(entry).toMatchObject({ actor: 'staff-321000', action: 'supervision.setMonthlyFigures' });
    expect(data<MonthlyFiguresAnswer>(await callPortal(staff('321000'), { action: 'monthlyFigures', period: '2026-11' })).row.windows).toBe(2);
    expect(await callPortal(jiangsu, { action: 'monthlyFigures', period: '2026-11' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});

describe('the monthly cycle', () => {
  // 扬州 has filled its figures (as in the test before), the other centers have not
  beforeAll(async () => data(await callPortal(staff('321000'), { action: 'setMonthlyFigures', period: '2026-11', ...figures() })));

  it('reminds from the 16th, once, each center with staff that has not filled, in a province that has not submitted', async () => {
    // 北京 has submitted its table (on a store of its own: the tests below count this store's submissions)
    const own = await catalogStore();
    try {
      const mail = testOutside();
      for (const code of ['321000', '320100', '330100', '110000']) await own.roles.grant(`staff-${code}`, { role: 'center-staff', centerCode: code });
      await own.monthly.putFigures({ centerCode: '321000', period: '2026-11', figures: figures(), enteredBy: 'staff-321000', enteredAt: INSIDE });
      const totals = (await monthly(national, '2026-11', '110000')).provinces[0]?.totals;
      if (!totals) throw new Error('no totals for 北京');
      expect(await own.monthly.submit({ province: '110000', period: '2026-11', version: 1, submittedBy: 'sv-beijing', submittedAt: at('2026-11-15T10:00:00'), sha256: 'b'.repeat(64), fileName: '北京.xlsx', reason: null, rows: [], totals })).toBe(true);
      const sent = () => mail.simulator.sentMessages().filter((m) => m.data.phrase2 === '待填报').map((m) => m.touser);
      const remind = (now: Date) => remindMonthly({ store: own, outside: mail, log: contextFor(own).log, now });
      expect(await remind(at('2026-11-15T09:00:00'))).toEqual({ reminded: 0 });
      // 扬州 has filled, 北京's province has submitted: 南京 and 杭州 are reminded
      expect(await remind(at('2026-11-16T09:00:00'))).toEqual({ reminded: 2 });
      expect(sent().sort()).toEqual(['staff-320100', 'staff-330100']);
      expect(await remind(at('2026-11-17T09:00:00'))).toEqual({ reminded: 0 });
      expect(sent()).toHaveLength(2);
    } finally {
      await own.close();
    }
  });

  it('sends the reminders from the daily timer (centers-daily) on a store of its own', async () => {
    const own = await catalogStore();
    try {
      const daily = testOutside();
      await own.roles.grant('staff-320100', { role: 'center-staff', centerCode: '320100' });
      const fire = (now: Date) => centersDaily.handle({}, contextFor(own, undefined, now, daily, 'timer'));
      const reminders = () => daily.simulator.sentMessages().filter((m) => m.data.phrase2 === '待填报');
      expect(await fire(at('2026-11-15T01:00:00'))).toMatchObject({ ok: true });
      expect(reminders()).toEqual([]);
      expect(await fire(at('2026-11-16T01:00:00'))).toMatchObject({ ok: true });
      expect(reminders()).toEqual([expect.objectContaining({ touser: 'staff-320100', page: 'packages/portal/figures/index', data: expect.objectContaining({ thing1: '2026-11 月度统计数据', time3: '2026-11-20 23:59' }) })]);
    } finally {
      await own.close();
    }
  });

  it('shows provinces who has not filled, and flags a province that has not submitted after the 20th as overdue', async () => {
    const on20 = await monthly(national, '2026-11', undefined, at('2026-11-20T23:00:00'));
    const jiangsuLine = on20.provinces.find((p) => p.province === '320000');
    expect(jiangsuLine).toMatchObject({ state: 'open', submission: null });
    expect(jiangsuLine?.unfilled).toContain('320100');
    expect(jiangsuLine?.unfilled).not.toContain('321000');
    const on21 = await monthly(national, '2026-11', undefined, at('2026-11-21T08:00:00'));
    expect(on21.provinces.find((p) => p.province === '330000')?.state).toBe('overdue');
  });

  it('refuses to submit a period still running, another province’s table, or a province’s table on its behalf by a national supervisor', async () => {
    expect(await call(jiangsu, { action: 'submitMonthly', period: '2026-12', province: '320000' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { period: expect.any(String) } });
    expect(await call(jiangsu, { action: 'submitMonthly', period: '2026-11', province: '330000' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await call(national, { action: 'submitMonthly', period: '2026-11', province: '320000' })).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('江苏') });
    expect(await store.monthly.submissions('2026-11')).toEqual([]);
  });

  it('stores who submitted, when, and the sha256 of the exported file, and freezes the table as submitted', async () => {
    const answer = data<MonthlyAnswer>(await call(jiangsu, { action: 'submitMonthly', period: '2026-11', province: '320000' }, at('2026-11-19T15:00:00')));
    const line = answer.provinces[0];
    expect(line).toMatchObject({ province: '320000', state: 'submitted', late: false, corrected: false, corrections: [], submission: { version: 1, submittedBy: 'sv-jiangsu', submittedAt: '2026-11-19T07:00:00.000Z', reason: null } });
    const sha256 = line.submission?.sha256 ?? '';
    const bytes = await outside.files().get(submissionKey('320000', '2026-11', 1, sha256));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
    // the file hashed is the annex as exported: a real reader finds 扬州's line in it
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const cells: string[] = [];
    book.worksheets[0]?.eachRow((r) => r.eachCell((c) => cells.push(String(c.value))));
    expect(cells.some((c) => c.includes('扬州'))).toBe(true);
    expect(await store.audit.listFor('province:320000')).toEqual([expect.objectContaining({ action: 'supervision.submitMonthly', detail: expect.stringContaining(sha256) })]);
    // a later jump does not change the submitted table
    await jump('321000', 4, INSIDE);
    const frozen = await monthly(national, '2026-11', '320000');
    expect(rowOf(frozen, '321000').reference.jumps['4']).toBe(3);
  });

  it('takes a change after submission only as an audited correction, shown to the province until it submits the next version', async () => {
    const plain = await callPortal(staff('321000'), { action: 'setMonthlyFigures', period: '2026-11', ...figures({ windows: 3 }) });
    expect(plain).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { reason: expect.any(String) } });
    expect((await store.monthly.figures('2026-11', ['321000']))[0]?.figures.windows).toBe(2);
    const corrected = await callPortal(staff('321000'), { action: 'setMonthlyFigures', period: '2026-11', ...figures({ windows: 3 }), reason: '窗口数量统计漏报一个' }, at('2026-11-20T09:00:00'));
    expect(data<MonthlyFiguresAnswer>(corrected)).toMatchObject({ submitted: true, entered: { windows: 3 } });
    expect((await store.audit.listFor('center:321000')).at(-1)).toMatchObject({ action: 'supervision.correctMonthlyFigures', detail: expect.stringContaining('窗口数量统计漏报一个') });
    const shown = await monthly(national, '2026-11', '320000', at('2026-11-20T09:30:00'));
    expect(shown.provinces[0]).toMatchObject({ corrected: true, submission: { version: 1 } });
    expect(rowOf(shown, '321000').windows).toBe(2);
    // the corrected center's line as it stands now, beside the frozen one, until the next version
    expect(shown.provinces[0]?.corrections).toEqual([expect.objectContaining({ centerCode: '321000', windows: 3 })]);
    expect(await call(jiangsu, { action: 'submitMonthly', period: '2026-11', province: '320000' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { reason: expect.any(String) } });
    const second = data<MonthlyAnswer>(await call(jiangsu, { action: 'submitMonthly', period: '2026-11', province: '320000', reason: '扬州更正窗口数量' }, at('2026-11-20T10:00:00')));
    expect(second.provinces[0]).toMatchObject({ corrected: false, corrections: [], late: false, submission: { version: 2, reason: '扬州更正窗口数量' } });
    expect(rowOf(second, '321000').windows).toBe(3);
    expect((await store.monthly.submissions('2026-11')).map((s) => s.version)).toEqual([1, 2]);
  });

  it('keeps a province that submitted after the 20th flagged as late (逾期报送) once it has submitted', async () => {
    const zhejiang: Caller = { openid: 'sv-zhejiang', roles: [{ role: 'provincial-supervisor', province: '330000' }] };
    const submitted = data<MonthlyAnswer>(await call(zhejiang, { action: 'submitMonthly', period: '2026-11', province: '330000' }, at('2026-11-21T09:00:00')));
    expect(submitted.provinces[0]).toMatchObject({ state: 'submitted', late: true, submission: { version: 1 } });
    const national22 = await monthly(national, '2026-11', undefined, at('2026-11-22T09:00:00'));
    expect(national22.provinces.find((p) => p.province === '330000')).toMatchObject({ state: 'submitted', late: true });
    expect(national22.provinces.find((p) => p.province === '320000')).toMatchObject({ state: 'submitted', late: false });
  });

  it('takes a change written while the province submits as a correction: audited as one and shown to the province', async () => {
    const own = await catalogStore();
    try {
      // the province submits between the center's check (nothing submitted) and its write
      const racing: Store = {
        ...own,
        monthly: {
          ...own.monthly,
          putFigures: async (record) => {
            const table = await supervise.handle({ action: 'submitMonthly', period: '2026-11', province: '320000' }, contextFor(own, jiangsu, at('2026-11-19T15:00:00'), outside));
            expect(table).toMatchObject({ ok: true });
            return own.monthly.putFigures(record);
          },
        },
      };
      const written = await portal.handle({ action: 'setMonthlyFigures', period: '2026-11', ...figures() }, contextFor(racing, staff('320100'), at('2026-11-19T15:00:01'), outside));
      expect(data<MonthlyFiguresAnswer>(written)).toMatchObject({ submitted: true, entered: figures() });
      expect((await own.audit.listFor('center:320100')).at(-1)).toMatchObject({ action: 'supervision.correctMonthlyFigures', detail: expect.stringContaining('"afterVersion":1') });
      const shown = data<MonthlyAnswer>(await supervise.handle({ action: 'monthly', period: '2026-11', province: '320000' }, contextFor(own, jiangsu, AFTER, outside)));
      expect(shown.provinces[0]).toMatchObject({ corrected: true, corrections: [expect.objectContaining({ centerCode: '320100', windows: 2 })] });
      expect(rowOf(shown, '320100').filledAt).toBeNull();
    } finally {
      await own.close();
    }
  });
});
