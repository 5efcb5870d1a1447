import { maskDocNumber } from '../../src/core/identity';
import type { ApplicationListEntry, ApplicationView } from '../../src/core/applications/views';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as workbench } from '../../cloudfunctions/workbench';
import { handler as admin } from '../../cloudfunctions/admin';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

/** Friday 2026-11-20 10:00 in China: three working days later is Wednesday 2026-11-25. */
const T0 = new Date('2026-11-20T10:00:00+08:00');
const YANGZHOU = '321000';
const BEIJING = '110000';
const SHANGHAI = '310000';
const NANJING = '320100';

let store: Store;
let outside: ReturnType<typeof testOutside>;
let nudges = 0;
beforeAll(async () => {
  store = await catalogStore();
  outside = testOutside({ nudgeRelay: () => void (nudges += 1) });
  // 扬州 takes deliveries by API (nothing listens there: these tests look at what is owed, not sent)
  await store.endpoints.put({ centerCode: YANGZHOU, mode: 'api', url: 'https://gjj.example.cn/hook', secretsSealed: [], updatedAt: T0 });
  // staff use the workbench only with a verified identity of their own
  for (const staff of ['staff-321000', 'staff-320100', 'staff-110000']) await verifiedPerson(store, outside, staff, T0);
});
afterAll(() => store.close());

let serial = 0;
const person = () => `emp-${++serial}`;
const me = (openid: string): Caller => ({ openid, roles: [] });
const staff321000: Caller = { openid: 'staff-321000', roles: [{ role: 'center-staff', centerCode: YANGZHOU }] };
const staff320100: Caller = { openid: 'staff-320100', roles: [{ role: 'center-staff', centerCode: NANJING }] };
const supervisor: Caller = { openid: 'sup', roles: [{ role: 'supervisor' }] };
const call = (caller: Caller, event: unknown, at = T0) => applications.handle(event, contextFor(store, caller, at, outside));
const bench = (caller: Caller, event: unknown, at = T0) => workbench.handle(event, contextFor(store, caller, at, outside));

const payload = (overrides: Record<string, unknown> = {}) => ({
  transferOutCenter: BEIJING,
  transferInCenter: YANGZHOU,
  formerEmployer: '北京某某科技有限公司',
  formerAccount: '110012345678',
  newEmployer: '扬州某某制造有限公司',
  newAccount: '3210098765',
  phone: '13912345678',
  ...overrides,
});
const submit = (openid: string, requestId = `req-${openid}-${Math.random().toString(36).slice(2)}`, p = payload()) =>
  call(me(openid), { action: 'submit', type: 'transfer', requestId, payload: p });

async function submitted(openid: string, p = payload()): Promise<string> {
  const result = await submit(openid, undefined, p);
  if (!result.ok) throw new Error(result.message);
  return (result.data as { id: string }).id;
}

const get = async (openid: string, id: string) => {
  const result = await call(me(openid), { action: 'get', id });
  if (!result.ok) throw new Error(result.message);
  return result.data as ApplicationView;
};

describe('submitting a transfer-continuation application', () => {
  it('refuses a person who has not verified their identity, storing nothing', async () => {
    const openid = person();
    expect(await submit(openid)).toMatchObject({ ok: false, code: 'IDENTITY_REQUIRED' });
    expect(await store.applications.listByApplicant(openid)).toEqual([]);
  });

  it('refuses a person whose identity went after the submission read it (unbound meanwhile), storing nothing (review 1 of session 9, finding 6)', async () => {
    const openid = person();
    await verifiedPerson(store, outside, openid, T0);
    // the submission reads the identity, then the person unbinds before the application is stored
    const unbindingMeanwhile: Store = {
      ...store,
      reads: {
        ...store.reads,
        async submission(...args) {
          const read = await store.reads.submission(...args);
          await store.privacy.unbind(openid, T0);
          return read;
        },
      },
    };
    const result = await applications.handle({ action: 'submit', type: 'transfer', requestId: `req-${openid}`, payload: payload() }, contextFor(unbindingMeanwhile, me(openid), T0, outside));
    expect(result).toMatchObject({ ok: false, code: 'IDENTITY_REQUIRED', message: '请先完成实名核验再办理' });
    expect(await store.applications.listByApplicant(openid)).toEqual([]);
  });

  it('takes the reads the runtime made with the caller’s only when they are this person’s and this submission’s', async () => {
    const openid = person();
    await verifiedPerson(store, outside, openid, T0);
    const event = { action: 'submit', type: 'transfer', requestId: `req-${openid}`, payload: payload() };
    const key = { centerCodes: [YANGZHOU, BEIJING], requestId: event.requestId, contractLookup: undefined };
    // reads that say the person has no identity: taken only when they match
    const noIdentity = { identity: undefined, apiCenters: [], sameRequest: undefined, sameContract: [] };
    const withPrefetched = (prefetched: { openid: string; key: typeof key }) => ({ ...contextFor(store, me(openid), T0, outside), prefetched: { ...prefetched, reads: noIdentity } });
    expect(await applications.handle(event, withPrefetched({ openid, key }))).toMatchObject({ ok: false, code: 'IDENTITY_REQUIRED' });
    expect(await applications.handle(event, withPrefetched({ openid: person(), key }))).toMatchObject({ ok: true });
    expect(await applications.handle({ ...event, requestId: `req-${openid}-2`, payload: payload({ transferOutCenter: '310000' }) }, withPrefetched({ openid, key }))).toMatchObject({ ok: true });
  });

  it('stores the application with its contact-letter number, deadline, first event and one delivery owed to the transfer-in center', async () => {
    const openid = person();
    const docNumber = await verifiedPerson(store, outside, openid, T0);
    const before = nudges;
    const id = await submitted(openid);
    const view = await get(openid, id);
    expect(view).toMatchObject({ type: 'transfer', status: 'submitted', platformCode: null, step: '提交', acceptBy: '2026-11-25', acceptOverdue: false, canWithdraw: true });
    expect(view.letterNumber).toMatch(/^321000261120\d{4}$/);
    expect(view.events).toEqual([expect.objectContaining({ actor: 'employee', status: 'submitted', centerCode: YANGZHOU })]);
    expect(view.centers.map((c) => [c.code, c.role])).toEqual([[YANGZHOU, 'transfer-in'], [BEIJING, 'transfer-out']]);
    const outbox = await store.outbox.listForApplication(id);
    expect(outbox).toEqual([expect.objectContaining({ centerCode: YANGZHOU, type: 'application.submitted', state: 'pending', attempts: 0 })]);
    expect(outbox[0].id).toMatch(/^msg_/);
    expect(nudges).toBe(before + 1);
    // the employee sees masks only
    const text = JSON.stringify(view);
    for (const secret of [docNumber, '13912345678', '3210098765', '110012345678']) expect(text).not.toContain(secret);
    expect(text).toContain(maskDocNumber(docNumber));
  });

  it('flags the acceptance deadline once it has passed without acceptance', async () => {
    const openid = person();
    await verifiedPerson(store, outside, openid, T0);
    const id = await submitted(openid);
    const late = new Date('2026-11-26T09:00:00+08:00');
    const result = await call(me(openid), { action: 'get', id }, late);
    expect(result).toMatchObject({ ok: true, data: { acceptBy: '2026-11-25', acceptOverdue: true } });
    const list = await call(me(openid), { action: 'list' }, late);
    expect((list as { data: ApplicationListEntry[] }).data[0]).toMatchObject({ id, acceptOverdue: true });
  });

  it('makes one application from 100 parallel identical submissions', async () => {
    const openid = person();
    await verifiedPerson(store, outside, openid, T0);
    const results = await Promise.all(Array.from({ length: 100 }, () => submit(openid, 'same-request-id-1')));
    const ids = new Set(results.map((r) => (r.ok ? (r.data as { id: string }).id : r.code)));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[a-z0-9]{20}$/);
    expect(await store.applications.listByApplicant(openid)).toHaveLength(1);
    expect(await store.outbox.listForApplication([...ids][0])).toHaveLength(1);
  });

  it('gives concurrent applications to one transfer-in center distinct letter numbers in sequence', async () => {
    const people = Array.from({ length: 12 }, person);
    for (const p of people) await verifiedPerson(store, outside, p, T0);
    const ids = await Promise.all(people.map((p) => submitted(p)));
    const numbers = await Promise.all(ids.map(async (id) => (await store.applications.get(id))?.letterNumber));
    expect(new Set(numbers).size).toBe(12);
    const sequences = numbers.map((n) => Number(n?.slice(12))).sort((a, b) => a - b);
    expect(sequences[11] - sequences[0]).toBe(11);
  });

  it('allows one transfer in flight per person per transfer-out center, and another after withdrawal', async () => {
    const openid = person();
    await verifiedPerson(store, outside, openid, T0);
    const first = await submitted(openid);
    expect(await submit(openid)).toMatchObject({ ok: false, code: 'APPLICATION_IN_FLIGHT', fields: { 'payload.transferOutCenter': expect.any(String) } });
    expect(await submit(openid, undefined, payload({ transferOutCenter: SHANGHAI }))).toMatchObject({ ok: true });
    expect(await call(me(openid), { action: 'withdraw', id: first })).toMatchObject({ ok: true, data: { status: 'withdrawn', step: '已撤销', canWithdraw: false } });
    expect(await submit(openid)).toMatchObject({ ok: true });
  });

  it('refuses a bad form naming each field, storing nothing', async () => {
    const openid = person();
    await verifiedPerson(store, outside, openid, T0);
    const result = await submit(openid, undefined, payload({ transferInCenter: BEIJING, newAccount: '12', phone: '12345', formerEmployer: '' }));
    expect(result).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
      fields: { 'payload.transferInCenter': '转入地中心与转出地中心不能相同', 'payload.newAccount': expect.stringContaining('现个人账号'), 'payload.phone': expect.any(String), 'payload.formerEmployer': expect.any(String) },
    });
    expect(await store.applications.listByApplicant(openid)).toEqual([]);
    expect(await submit(openid, undefined, payload({ transferInCenter: '999999' }))).toMatchObject({ ok: false, code: 'CENTER_NOT_FOUND', fields: { 'payload.transferInCenter': expect.any(String) } });
  });

  it('shows nobody else’s application', async () => {
    const owner = person();
    await verifiedPerson(store, outside, owner, T0);
    const id = await submitted(owner);
    expect(await call(me(person()), { action: 'get', id })).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
    expect(await call(me(person()), { action: 'withdraw', id })).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
  });
});

describe('the center workbench', () => {
  it('puts an application for a center without an API straight into its workbench, where staff take it to 办结', async () => {
    expect(await admin.handle({ action: 'setManual', centerCode: NANJING }, contextFor(store, supervisor, T0, outside))).toMatchObject({ ok: true });
    const openid = person();
    const docNumber = await verifiedPerson(store, outside, openid, T0);
    const id = await submitted(openid, payload({ transferInCenter: NANJING }));
    expect(await store.outbox.listForApplication(id)).toEqual([]);
    expect(await get(openid, id)).toMatchObject({ status: 'delivered', step: '送达中心' });

    const list = await bench(staff320100, { action: 'list' });
    expect(list).toMatchObject({ ok: true });
    expect((list as { data: { id: string; applicantMasked: string }[] }).data.find((e) => e.id === id)).toMatchObject({ applicantMasked: '*三' });

    const view = await bench(staff320100, { action: 'get', id });
    expect(view).toMatchObject({ ok: true, data: { applicant: { name: '张三', docNumber }, nextCodes: ['01', '05', '40'], canReject: true } });
    expect(await store.audit.listFor(`application:${id}`)).toEqual([expect.objectContaining({ actor: 'staff-320100', action: 'application.viewed' })]);

    for (const code of ['01', '02', '08', '00']) {
      expect(await bench(staff320100, { action: 'advance', id, code })).toMatchObject({ ok: true });
    }
    const done = await get(openid, id);
    expect(done).toMatchObject({ status: 'completed', platformCode: '00', step: '办结', canWithdraw: false });
    expect(done.events.map((e) => e.step)).toEqual(['提交', '送达中心', '受理', '转出地确认', '转出地确认', '办结']);
    expect(outside.simulator.sentMessages().filter((m) => m.touser === openid).map((m) => m.data.phrase2)).toEqual(['已受理', '办理中', '办理中', '已办结']);
  });

  it('refuses what the state machine does not allow, and staff of other centers', async () => {
    const openid = person();
    await verifiedPerson(store, outside, openid, T0);
    const id = await submitted(openid);
    expect(await bench(staff321000, { action: 'advance', id, code: '00' })).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    expect(await bench(staff321000, { action: 'reject', id, reason: '材料不全，请补充' })).toMatchObject({ ok: true, data: { status: 'rejected' } });
    expect(await bench(staff321000, { action: 'advance', id, code: '01' })).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    const other: Caller = { openid: 'staff-110000', roles: [{ role: 'center-staff', centerCode: '440100' }] };
    expect(await bench(other, { action: 'get', id })).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
    expect(await bench(me(openid), { action: 'list' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('lets the employee withdraw only before the transfer-out center confirms receipt', async () => {
    const openid = person();
    await verifiedPerson(store, outside, openid, T0);
    const id = await submitted(openid);
    await bench(staff321000, { action: 'advance', id, code: '01' });
    await bench(staff321000, { action: 'advance', id, code: '02' });
    expect(await call(me(openid), { action: 'withdraw', id })).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION', message: expect.stringContaining('转出地中心已确认接收') });
    expect(await get(openid, id)).toMatchObject({ status: 'processing', platformCode: '02' });
  });
});

describe('好差评', () => {
  /** A transfer 南京 (workbench only) finished by its staff with `last` (00 completed, 40 failed). */
  async function finished(openid: string, last: '00' | '40' = '00'): Promise<string> {
    await verifiedPerson(store, outside, openid, T0);
    const id = await submitted(openid, payload({ transferInCenter: NANJING, transferOutCenter: SHANGHAI }));
    const codes = last === '00' ? ['01', '02', '08', '00'] : ['01', '40'];
    for (const code of codes) {
      const moved = await bench(staff320100, { action: 'advance', id, code });
      if (!moved.ok) throw new Error(moved.message);
    }
    return id;
  }
  const rate = (openid: string, id: string, score: number, comment?: string) => call(me(openid), { action: 'rate', id, score, ...(comment === undefined ? {} : { comment }) });

  beforeAll(async () => {
    await admin.handle({ action: 'setManual', centerCode: NANJING }, contextFor(store, supervisor, T0, outside));
  });

  it('takes one rating of a finished case, and only then', async () => {
    const openid = person();
    await verifiedPerson(store, outside, openid, T0);
    const open = await submitted(openid, payload({ transferInCenter: NANJING, transferOutCenter: SHANGHAI }));
    expect(await get(openid, open)).toMatchObject({ canRate: false, rating: null });
    expect(await rate(openid, open, 5)).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });

    const other = person();
    const id = await finished(other);
    expect(await get(other, id)).toMatchObject({ canRate: true, rating: null });
    expect(await rate(other, id, 5, '办得很快')).toMatchObject({ ok: true, data: { canRate: false, rating: { score: 5, label: '非常满意', comment: '办得很快' } } });
    expect(await rate(other, id, 1, '改主意了，很不满意')).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    expect(await store.ratings.get(id)).toMatchObject({ score: 5, followUp: null });
    expect(await rate(person(), id, 4)).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
  });

  it('asks a reason of a low rating, and opens a follow-up the center closes with a note', async () => {
    const openid = person();
    const id = await finished(openid, '40');
    expect(await rate(openid, id, 2)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { comment: expect.stringContaining('原因') } });
    expect(await rate(openid, id, 7, '太好了')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { score: expect.any(String) } });
    expect(await store.ratings.get(id)).toBeUndefined();
    expect(await rate(openid, id, 1, '办理失败也没人解释原因')).toMatchObject({ ok: true, data: { rating: { score: 1, label: '非常不满意' } } });

    const followUps = await bench(staff320100, { action: 'followUps' });
    expect(followUps).toMatchObject({ ok: true });
    expect((followUps as { data: { applicationId: string }[] }).data.find((f) => f.applicationId === id)).toMatchObject({ status: 'open', rating: { score: 1, comment: '办理失败也没人解释原因' } });
    expect(await bench(staff321000, { action: 'closeFollowUp', id, note: '已电话回访说明' })).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
    const closed = await bench(staff320100, { action: 'closeFollowUp', id, note: '已电话回访，说明失败原因并协助重新申请' });
    expect((closed as { data: { applicationId: string }[] }).data.find((f) => f.applicationId === id)).toMatchObject({ status: 'closed', note: '已电话回访，说明失败原因并协助重新申请' });
    expect(await bench(staff320100, { action: 'closeFollowUp', id, note: '再次回访' })).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
  });

  it('keeps satisfaction per center for supervisors', async () => {
    for (const score of [5, 4, 2]) {
      const openid = person();
      const id = await finished(openid);
      await rate(openid, id, score, score <= 2 ? '等待时间太长了' : undefined);
    }
    const answer = await admin.handle({ action: 'satisfaction' }, contextFor(store, supervisor, T0, outside));
    const nanjing = (answer as { ok: true; data: { centerCode: string; count: number; byScore: Record<number, number>; satisfiedPercent: number }[] }).data.find((s) => s.centerCode === NANJING);
    // this describe's ratings of 南京, in order: 5, then 1, then 5, 4, 2
    expect(nanjing).toEqual({ centerCode: NANJING, centerName: '南京市住房公积金管理中心', count: 5, byScore: { 1: 1, 2: 1, 3: 0, 4: 1, 5: 2 }, satisfiedPercent: 60 });
    expect(await admin.handle({ action: 'satisfaction' }, contextFor(store, me('x'), T0, outside))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});
