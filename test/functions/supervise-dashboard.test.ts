import { handler as supervise } from '../../cloudfunctions/supervise';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { ApplicationRecord, Store } from '../../cloudfunctions/_lib/store/port';
import type { DashboardAnswer } from '../../src/core/supervision';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { createBound } from '../support/identity-rows';

/**
 * The supervisors' overview figures (issue 14, "Dashboards") from stored data, in one `supervise dashboard` call:
 * average transfer time in working days on the official calendar against the national 6, applications overdue for
 * acceptance per center, 差评 follow-ups still open, the last 12 periods' volume per item, and who may see which.
 */
jest.setTimeout(120_000);

const at = (iso: string) => new Date(`${iso}+08:00`);
/** Monday 2026-10-12, China time: the transfer window runs from 2026-09-12; the running period is 2026-10. */
const NOW = at('2026-10-12T10:00:00');

const national: Caller = { openid: 'sv-national', roles: [{ role: 'supervisor' }] };
const jiangsu: Caller = { openid: 'sv-jiangsu', roles: [{ role: 'provincial-supervisor', province: '320000' }] };
const staff: Caller = { openid: 'staff-320100', roles: [{ role: 'center-staff', centerCode: '320100' }] };

let store: Store;
beforeAll(async () => {
  store = await catalogStore();
  await seed();
});
afterAll(() => store.close());

const call = (caller: Caller, event: unknown) => supervise.handle(event, contextFor(store, caller, NOW, testOutside()));
async function dashboard(caller: Caller, province?: string): Promise<DashboardAnswer> {
  const result = await call(caller, { action: 'dashboard', ...(province ? { province } : {}) });
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.data as DashboardAnswer;
}

let n = 0;
async function application(type: ApplicationRecord['type'], centers: ApplicationRecord['centers'], createdAt: Date, extra: Partial<ApplicationRecord> = {}) {
  n += 1;
  const app: ApplicationRecord = {
    id: `dashapp${String(n).padStart(4, '0')}`, type, openid: `emp-${n}`, requestId: `request-${n}-xx`, status: 'submitted', platformCode: null,
    responsibleCenter: centers[0].code, centers, inFlightKey: null, letterNumber: null,
    applicant: { docType: '01', nameSealed: 'x', docNumberSealed: 'x' }, payloadSealed: 'x', acceptBy: '2026-12-31', acceptByProvisional: false,
    targetBy: null, targetProvisional: false, payment: null, test: false, createdAt, updatedAt: createdAt, ...extra,
  };
  await createBound(store, app);
  return app;
}

/** A transfer into `into` submitted at `submitted`, moved to `to` at `moved` by the transfer-in center. */
async function transfer(into: string, submitted: Date, moved?: { to: 'completed' | 'processing' | 'rejected'; at: Date }) {
  const app = await application('transfer', [{ code: into, role: 'transfer-in' }, { code: '110000', role: 'transfer-out' }], submitted);
  if (!moved) return;
  const next = { status: moved.to, platformCode: null };
  await store.applications.transition({
    id: app.id, expected: { status: 'submitted', platformCode: null }, next,
    event: { applicationId: app.id, at: moved.at, actor: 'staff', actorId: into, from: 'submitted', to: moved.to, platformCode: null, centerCode: into, message: '办理' },
  });
}

async function rating(centerCode: string, followUp: 'open' | 'fixed') {
  const app = await application('certificate-deposit-use', [{ code: '110000', role: 'business' }, { code: centerCode, role: 'accepting' }], at('2026-06-01T10:00:00'), { responsibleCenter: centerCode });
  await store.ratings.create({ applicationId: app.id, openid: app.openid, centerCode, score: 1, comment: '太慢', at: at('2026-06-10T10:00:00'), followUp: 'open', followUpNote: null, followUpBy: null, followUpAt: null, fixNote: null, fixedBy: null, fixedAt: null, fixScore: null, fixRatedAt: null });
  if (followUp === 'fixed') {
    await store.ratings.closeFollowUp(app.id, '已电话回访', 'staff-x', at('2026-06-11T10:00:00'));
    await store.ratings.fixFollowUp(app.id, '已整改', 'staff-x', at('2026-06-12T10:00:00'));
  }
}

async function seed() {
  // 南京: submitted Tuesday 09-29, completed Friday 10-09 across 国庆 (10-01..07 off): 3 working days (10 calendar days, 8 weekdays)
  await transfer('320100', at('2026-09-29T10:00:00'), { to: 'completed', at: at('2026-10-09T16:00:00') });
  // 南京: submitted Thursday 10-08, completed Saturday 10-10, a make-up working day: 2 working days
  await transfer('320100', at('2026-10-08T10:00:00'), { to: 'completed', at: at('2026-10-10T11:00:00') });
  // 南京: still in hand, and one refused: neither is a completed transfer
  await transfer('320100', at('2026-10-08T10:00:00'), { to: 'processing', at: at('2026-10-09T10:00:00') });
  await transfer('320100', at('2026-10-08T10:00:00'), { to: 'rejected', at: at('2026-10-09T10:00:00') });
  // 杭州: submitted Monday 09-14, completed Thursday 09-24: 9 working days (Sunday 09-20 is a make-up working day)
  await transfer('330100', at('2026-09-14T10:00:00'), { to: 'completed', at: at('2026-09-24T10:00:00') });
  // 杭州: completed 09-11, before the 30 days
  await transfer('330100', at('2026-09-01T10:00:00'), { to: 'completed', at: at('2026-09-11T10:00:00') });

  // awaiting acceptance past its limit (09 and 10 October), on its last day (today), and accepted late
  await application('certificate-loan-cleared', [{ code: '320100', role: 'accepting' }, { code: '110000', role: 'business' }], at('2026-10-01T10:00:00'), { acceptBy: '2026-10-09' });
  await application('certificate-loan-cleared', [{ code: '320100', role: 'accepting' }, { code: '110000', role: 'business' }], at('2026-10-01T10:00:00'), { acceptBy: '2026-10-09', status: 'delivered' });
  await application('certificate-loan-cleared', [{ code: '330100', role: 'accepting' }, { code: '110000', role: 'business' }], at('2026-10-02T10:00:00'), { acceptBy: '2026-10-10' });
  await application('certificate-loan-cleared', [{ code: '321000', role: 'accepting' }, { code: '110000', role: 'business' }], at('2026-10-07T10:00:00'), { acceptBy: '2026-10-12' });
  await application('certificate-loan-cleared', [{ code: '321000', role: 'accepting' }, { code: '110000', role: 'business' }], at('2026-10-01T10:00:00'), { acceptBy: '2026-10-09', status: 'accepted' });

  // 差评 follow-ups: two open and one closed at 南京, one open at 杭州
  await rating('320100', 'open');
  await rating('320100', 'open');
  await rating('320100', 'fixed');
  await rating('330100', 'open');

  // 南京's own figures of period 2026-09 (08-15..09-15): 7 cases of item 4
  const figures = { volumes: { '4': 7, '5': 0, '6': 0 }, outside: { jointCount: 0, jointAmountWan: 0, certificates: 0 }, windows: 1, zones: 1, training: 0 };
  await store.monthly.putFigures({ centerCode: '320100', period: '2026-09', figures, enteredBy: 'staff-320100', enteredAt: at('2026-09-16T10:00:00') });
}

describe('supervise dashboard: the overview’s figures from stored data', () => {
  it('averages transfer time in working days on the official calendar, not calendar days, per province against the national 6', async () => {
    const answer = await dashboard(national);
    expect(answer.transferWindow).toEqual({ from: '2026-09-12', to: '2026-10-12' });
    expect(answer.transferTime.find((r) => r.province === '320000')).toEqual({ province: '320000', provinceName: '江苏省', avgWorkingDays: 2.5, count: 2 });
    expect(answer.transferTime.find((r) => r.province === '330000')).toEqual({ province: '330000', provinceName: '浙江省', avgWorkingDays: 9, count: 1 });
    expect(answer.transferTime.find((r) => r.province === '110000')).toEqual({ province: '110000', provinceName: '北京市', avgWorkingDays: null, count: 0 });
    expect(answer.transferTime).toHaveLength(32);
    expect(answer.national).toEqual({ target: 6, avgWorkingDays: 4.7, count: 3 });
  });

  it('lists the centers with applications awaiting acceptance past their limit; one on its last day or accepted is not overdue', async () => {
    const { overdue } = await dashboard(national);
    expect(overdue).toEqual([
      { centerCode: '320100', centerName: expect.stringContaining('南京'), province: '320000', count: 2 },
      { centerCode: '330100', centerName: expect.stringContaining('杭州'), province: '330000', count: 1 },
    ]);
  });

  it('counts 差评 follow-ups still open per center; a fixed one is not open', async () => {
    const { followUpsOpen } = await dashboard(national);
    expect(followUpsOpen.total).toBe(3);
    expect(followUpsOpen.rows.map((r) => [r.centerCode, r.count])).toEqual([['320100', 2], ['330100', 1]]);
  });

  it('gives the last 12 periods’ volume per item in the one call, the running period last, as the monthly totals row', async () => {
    const { trend } = await dashboard(national);
    expect(trend.map((t) => t.period)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']);
    expect(trend[10].items).toEqual({ '4': 7, '5': 0, '6': 0, '7': 0, '8': 0 });
    // the running period 2026-10 (09-15 on): five loan-cleared certificates, each counted for both centers
    expect(trend[11].items['8']).toBe(10);
  });

  it('shows a provincial supervisor their own province only, and refuses another province or center staff FORBIDDEN', async () => {
    const answer = await dashboard(jiangsu);
    expect(answer.transferTime.map((r) => r.province)).toEqual(['320000']);
    expect(answer.national).toEqual({ target: 6, avgWorkingDays: 2.5, count: 2 });
    expect(answer.overdue.map((r) => r.centerCode)).toEqual(['320100']);
    expect(answer.followUpsOpen).toMatchObject({ total: 2 });
    // 南京's two and 扬州's two certificates, counted for their Jiangsu center only (杭州's is not shown)
    expect(answer.trend[11].items['8']).toBe(4);
    expect(await call(jiangsu, { action: 'dashboard', province: '330000' })).toMatchObject({ ok: false, code: 'FORBIDDEN', fields: { province: '只能选择江苏省' } });
    expect(await call(staff, { action: 'dashboard' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('counts the scans of the centers’ poster codes in the running report period, per province and per center, most first', async () => {
    // the running period 2026-10 runs from 09-15 to 10-15 (excluded)
    await store.scans.record('320100', '2026-09-14', 'scan-2', at('2026-09-14T12:00:00'));
    await store.scans.record('320100', '2026-10-01', 'scan-1', at('2026-10-01T12:00:00'));
    await store.scans.record('320100', '2026-10-02', 'scan-1', at('2026-10-02T12:00:00'));
    await store.scans.record('321000', '2026-09-15', 'scan-2', at('2026-09-15T00:00:00'));
    await store.scans.record('330100', '2026-10-12', 'scan-3', at('2026-10-12T09:00:00'));
    const { posterScans } = await dashboard(national);
    expect(posterScans).toMatchObject({ period: '2026-10', from: '2026-09-15', to: '2026-10-15', total: 4 });
    expect(posterScans.centers.map((c) => [c.centerCode, c.count])).toEqual([['320100', 2], ['321000', 1], ['330100', 1]]);
    expect(posterScans.provinces.filter((p) => p.count > 0).map((p) => [p.province, p.count])).toEqual([['320000', 3], ['330000', 1]]);
    const own = (await dashboard(jiangsu)).posterScans;
    expect([own.total, own.provinces.map((p) => p.province), own.centers.map((c) => c.centerCode)]).toEqual([3, ['320000'], ['320100', '321000']]);
  });

  it('refuses a province that does not exist, naming the field', async () => {
    expect(await call(national, { action: 'dashboard', province: '990000' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { province: expect.any(String) } });
  });
});
