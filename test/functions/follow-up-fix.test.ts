import { handler as admin } from '../../cloudfunctions/admin';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as supervise } from '../../cloudfunctions/supervise';
import { handler as workbench } from '../../cloudfunctions/workbench';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import type { ApplicationView, FollowUpView } from '../../src/core/applications/views';
import type { DashboardAnswer } from '../../src/core/supervision';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

/**
 * The 差评 follow-up after its call-back (issue 18 point 3): 已回访 (整改中), then 整改完成 with the center's note (已整改),
 * each audited; the person rates the fix once, only once it is fixed; the two periods are settings with the defaults;
 * staff see the person's phone masked and the full number only by 拨打, audited; the supervisors' dashboard counts open
 * 差评 and overdue call-backs per center on the official calendar.
 */
jest.setTimeout(120_000);

const NANJING = '320100';
/** Wednesday 2026-09-30, the day before the National Day holiday (10-01 to 10-07; Saturday 10-10 a make-up working day). */
const RATED = new Date('2026-09-30T16:00:00+08:00');
const day = (d: string, time = '09:00:00') => new Date(`${d}T${time}+08:00`);
const staff: Caller = { openid: 'staff-fix-320100', roles: [{ role: 'center-staff', centerCode: NANJING }] };
const otherStaff: Caller = { openid: 'staff-fix-320200', roles: [{ role: 'center-staff', centerCode: '320200' }] };
const national: Caller = { openid: 'sv-fix-national', roles: [{ role: 'supervisor' }] };

interface World {
  store: Store;
  outside: ReturnType<typeof testOutside>;
  serial: number;
}
async function world(): Promise<World> {
  const store = await catalogStore();
  const outside = testOutside();
  await store.endpoints.put({ centerCode: NANJING, mode: 'manual', url: null, secretsSealed: [], updatedAt: RATED });
  await verifiedPerson(store, outside, staff.openid, RATED, '李四');
  await verifiedPerson(store, outside, otherStaff.openid, RATED, '王五');
  return { store, outside, serial: 0 };
}

/** A person's transfer to 南京 ended 40 by its staff and rated 非常不满意 at `at`; answers its id and the person. */
async function lowRated(w: World, at: Date): Promise<{ id: string; person: Caller }> {
  const serial = ++w.serial;
  const person: Caller = { openid: `fix-${serial}`, roles: [] };
  await verifiedPerson(w.store, w.outside, person.openid, at);
  const submitted = await applications.handle({ action: 'submit', type: 'transfer', requestId: `req-fix-${serial}`, payload: {
    transferOutCenter: '310000', transferInCenter: NANJING, formerEmployer: '上海某某科技有限公司', newEmployer: '南京某某制造有限公司', newAccount: '3201098765', phone: '13912345678',
  } }, contextFor(w.store, person, at, w.outside));
  if (!submitted.ok) throw new Error(submitted.message);
  const { id } = submitted.data as { id: string };
  for (const code of ['01', '40']) {
    const moved = await workbench.handle({ action: 'advance', id, code }, contextFor(w.store, staff, at, w.outside));
    if (!moved.ok) throw new Error(moved.message);
  }
  const rated = await applications.handle({ action: 'rate', id, score: 1, comment: '失败了也没人说明原因' }, contextFor(w.store, person, at, w.outside));
  if (!rated.ok) throw new Error(rated.message);
  return { id, person };
}

const call = (w: World, handler: typeof workbench, caller: Caller, at: Date, event: unknown) => handler.handle(event, contextFor(w.store, caller, at, w.outside));
async function ok<T>(answer: Promise<{ ok: true; data: unknown } | { ok: false; code: string; message: string }>): Promise<T> {
  const got = await answer;
  if (!got.ok) throw new Error(`${got.code}: ${got.message}`);
  return got.data as T;
}
const personView = (w: World, person: Caller, id: string, at: Date) => ok<ApplicationView>(call(w, applications, person, at, { action: 'get', id }));
const staffView = async (w: World, id: string, at: Date) => (await ok<FollowUpView[]>(call(w, workbench, staff, at, { action: 'followUps' }))).find((f) => f.applicationId === id);
const actions = async (w: World, id: string) => (await w.store.audit.listFor(`application:${id}`)).map((e) => e.action);

describe('a 差评 after its call-back', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(() => w.store.close());

  it('goes 待回访, 已回访 (整改中), 已整改 with the center’s note, each step audited, and 整改完成 only after the call-back', async () => {
    const { id, person } = await lowRated(w, RATED);
    expect((await personView(w, person, id, day('2026-10-08'))).followUp).toMatchObject({ status: 'open', callBackBy: '2026-10-08', fixBy: '2026-10-13', canRateFix: false });

    const early = await call(w, workbench, staff, day('2026-10-08'), { action: 'fixFollowUp', id, note: '已重新说明办理要求' });
    expect(early).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION', message: '请先回访当事人，再登记整改完成' });

    await ok(call(w, workbench, staff, day('2026-10-08', '10:00:00'), { action: 'closeFollowUp', id, note: '已电话回访，说明原因并致歉' }));
    expect((await personView(w, person, id, day('2026-10-08', '11:00:00'))).followUp).toMatchObject({ status: 'closed', note: '已电话回访，说明原因并致歉', fixNote: null, canRateFix: false });

    const fixed = await ok<FollowUpView[]>(call(w, workbench, staff, day('2026-10-12'), { action: 'fixFollowUp', id, note: '已在窗口张贴转出失败常见原因及处理办法' }));
    expect(fixed.find((f) => f.applicationId === id)).toMatchObject({ status: 'fixed', fixNote: '已在窗口张贴转出失败常见原因及处理办法', callBack: 'done' });
    expect((await personView(w, person, id, day('2026-10-12', '10:00:00'))).followUp).toMatchObject({
      status: 'fixed', fixNote: '已在窗口张贴转出失败常见原因及处理办法', fixedAt: day('2026-10-12').toISOString(), canRateFix: true, fixRating: null,
    });
    const again = await call(w, workbench, staff, day('2026-10-12', '11:00:00'), { action: 'fixFollowUp', id, note: '再次登记' });
    expect(again).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION', message: '这条评价已经登记整改完成' });
    expect(await actions(w, id)).toEqual(expect.arrayContaining(['rating.follow-up-closed', 'rating.follow-up-fixed']));
  });

  it('lets the person rate the fix once, only once it is 已整改, and shows the rating to the center', async () => {
    const { id, person } = await lowRated(w, RATED);
    const before = await call(w, applications, person, day('2026-10-08'), { action: 'rateFix', id, score: 'satisfied' });
    expect(before).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION', message: '中心整改完成后才能评价整改结果' });
    await ok(call(w, workbench, staff, day('2026-10-08'), { action: 'closeFollowUp', id, note: '已电话回访' }));
    expect(await call(w, applications, person, day('2026-10-08', '10:00:00'), { action: 'rateFix', id, score: 'satisfied' })).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    await ok(call(w, workbench, staff, day('2026-10-09'), { action: 'fixFollowUp', id, note: '已培训窗口人员' }));

    const wrong = await call(w, applications, person, day('2026-10-09', '10:00:00'), { action: 'rateFix', id, score: 'great' });
    expect(wrong).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    const rated = await ok<ApplicationView>(call(w, applications, person, day('2026-10-09', '10:00:00'), { action: 'rateFix', id, score: 'fair' }));
    expect(rated.followUp).toMatchObject({ status: 'fixed', canRateFix: false, fixRating: { score: 'fair', label: '基本满意' } });
    const twice = await call(w, applications, person, day('2026-10-09', '11:00:00'), { action: 'rateFix', id, score: 'unsatisfied' });
    expect(twice).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION', message: '整改结果已经评价过了' });
    expect(await staffView(w, id, day('2026-10-09', '12:00:00'))).toMatchObject({ fixRating: { score: 'fair', label: '基本满意' } });
    expect(await actions(w, id)).toContain('rating.fix-rated');
    // someone else cannot rate the person's fix
    const stranger = await call(w, applications, { openid: 'fix-stranger', roles: [] }, day('2026-10-09'), { action: 'rateFix', id, score: 'satisfied' });
    expect(stranger.ok).toBe(false);
  });

  it('shows staff the person’s phone masked, and the full number only by 拨打, audited, to the case’s own center', async () => {
    const { id } = await lowRated(w, RATED);
    const listed = await staffView(w, id, day('2026-10-08'));
    expect(listed?.phoneMasked).toBe('139****5678');
    expect(JSON.stringify(listed)).not.toContain('13912345678');
    expect(await actions(w, id)).not.toContain('rating.follow-up-phone-viewed');

    expect(await ok(call(w, workbench, staff, day('2026-10-08'), { action: 'followUpPhone', id }))).toEqual({ phone: '13912345678' });
    const entries = await w.store.audit.listFor(`application:${id}`);
    expect(entries.filter((e) => e.action === 'rating.follow-up-phone-viewed')).toEqual([expect.objectContaining({ actor: staff.openid, detail: NANJING })]);

    expect(await call(w, workbench, otherStaff, day('2026-10-08'), { action: 'followUpPhone', id })).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
  });
});

describe('the 差评 clock’s periods as settings', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(() => w.store.close());

  it('are 1 and 5 working days by default, set by national supervisors only, audited, and move the dates', async () => {
    expect(await ok(call(w, admin, national, RATED, { action: 'followUpPeriods' }))).toEqual({
      callBackWorkingDays: 1, fixWorkingDays: 5, defaults: { callBackWorkingDays: 1, fixWorkingDays: 5 },
    });
    expect(await call(w, admin, staff, RATED, { action: 'setFollowUpPeriods', callBackWorkingDays: 1, fixWorkingDays: 3 })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await call(w, admin, national, RATED, { action: 'setFollowUpPeriods', callBackWorkingDays: 4, fixWorkingDays: 3 })).toMatchObject({
      ok: false, code: 'VALIDATION_FAILED', fields: { callBackWorkingDays: '回访时限不能长于整改时限' },
    });
    expect(await call(w, admin, national, RATED, { action: 'setFollowUpPeriods', callBackWorkingDays: 0, fixWorkingDays: 3 })).toMatchObject({
      ok: false, code: 'VALIDATION_FAILED', fields: { callBackWorkingDays: '回访时限至少 1 个工作日' },
    });

    const { id, person } = await lowRated(w, RATED);
    expect(await staffView(w, id, day('2026-10-05'))).toMatchObject({ callBackBy: '2026-10-08', fixBy: '2026-10-13' });
    await ok(call(w, admin, national, RATED, { action: 'setFollowUpPeriods', callBackWorkingDays: 1, fixWorkingDays: 3 }));
    // 3 working days after 09-30: 10-08, 10-09 and the make-up Saturday 10-10
    expect(await staffView(w, id, day('2026-10-05'))).toMatchObject({ callBackBy: '2026-10-08', fixBy: '2026-10-10' });
    expect((await personView(w, person, id, day('2026-10-05'))).followUp).toMatchObject({ fixBy: '2026-10-10' });
    expect((await w.store.audit.listFor('settings:follow-up-periods')).map((e) => e.detail)).toEqual(['1/5 -> 1/3']);
  });
});

describe('the supervisors’ dashboard', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(() => w.store.close());

  const dashboardOn = (d: string) => ok<DashboardAnswer>(call(w, supervise, national, day(d, '10:00:00'), { action: 'dashboard' }));
  const nanjing = (rows: DashboardAnswer['followUpsOpen']['rows']) => rows.find((r) => r.centerCode === NANJING)?.count ?? 0;

  it('counts open 差评 and overdue call-backs per center and in total, on the official calendar', async () => {
    const first = await lowRated(w, RATED);
    const second = await lowRated(w, RATED);
    // on the call-back's day (after the holiday) none is overdue yet
    const onTheDay = await dashboardOn('2026-10-08');
    expect({ open: nanjing(onTheDay.followUpsOpen.rows), late: nanjing(onTheDay.callBacksOverdue.rows) }).toEqual({ open: 2, late: 0 });
    expect(onTheDay.callBacksOverdue.total).toBe(0);

    await ok(call(w, workbench, staff, day('2026-10-08', '11:00:00'), { action: 'closeFollowUp', id: first.id, note: '已电话回访' }));
    const dayAfter = await dashboardOn('2026-10-09');
    // the one not called back is overdue the next working day; both stay open until fixed
    expect({ open: nanjing(dayAfter.followUpsOpen.rows), late: nanjing(dayAfter.callBacksOverdue.rows) }).toEqual({ open: 2, late: 1 });
    expect(dayAfter.callBacksOverdue).toMatchObject({ total: 1, rows: [expect.objectContaining({ centerCode: NANJING, province: '320000', count: 1 })] });
    expect(dayAfter.followUpsOpen.total).toBe(2);

    await ok(call(w, workbench, staff, day('2026-10-09', '11:00:00'), { action: 'fixFollowUp', id: first.id, note: '已整改' }));
    await ok(call(w, workbench, staff, day('2026-10-09', '11:30:00'), { action: 'closeFollowUp', id: second.id, note: '已电话回访' }));
    const later = await dashboardOn('2026-10-09');
    expect({ open: later.followUpsOpen.total, late: later.callBacksOverdue.total }).toEqual({ open: 1, late: 0 });
  });
});
