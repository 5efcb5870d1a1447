import { handler as admin } from '../../cloudfunctions/admin';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as supervise } from '../../cloudfunctions/supervise';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { ChannelHealth, Store } from '../../cloudfunctions/_lib/store/port';
import type { ItemId } from '../../src/core/items';
import {
  PROVINCES,
  RECOMMENDATION_TARGET,
  type LiaisonRow,
  type LiaisonsAnswer,
  type OnlineCompletionAnswer,
  type OnlineReasonRow,
  type ProgressAnswer,
  type RecommendationRow,
  type RecommendationsAnswer,
} from '../../src/core/supervision';
import { catalogStore, contextFor, testOutside } from '../support/function-context';

/**
 * Supervision's data and scope (issue 14): access progress from the stored daily checks and interface-test runs
 * (as of today or an earlier date), full-online completion from the centers' routes with their reasons, liaisons
 * and 三个一百, for national supervisors everywhere and provincial supervisors in their own province only.
 */
jest.setTimeout(60_000);

const T0 = new Date('2026-11-20T10:00:00+08:00');
const D1 = new Date('2026-11-16T02:00:00+08:00');
const D2 = new Date('2026-11-17T02:00:00+08:00');
const D3 = new Date('2026-11-19T02:00:00+08:00');
const national: Caller = { openid: 'sv-national', roles: [{ role: 'supervisor' }] };
const jiangsu: Caller = { openid: 'sv-jiangsu', roles: [{ role: 'provincial-supervisor', province: '320000' }] };
const zhejiang: Caller = { openid: 'sv-zhejiang', roles: [{ role: 'provincial-supervisor', province: '330000' }] };

let store: Store;
const outside = testOutside();
beforeAll(async () => {
  store = await catalogStore();
});
afterAll(() => store.close());

const call = (caller: Caller | undefined, event: unknown, now = T0) => supervise.handle(event, contextFor(store, caller, now, outside));
const callPortal = (caller: Caller, event: unknown) => portal.handle(event, contextFor(store, caller, T0, outside));
const callAdmin = (caller: Caller, event: unknown) => admin.handle(event, contextFor(store, caller, T0, outside));
const data = <T>(result: { ok: boolean; data?: unknown }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.data as T;
};
const staff = (centerCode: string): Caller => ({ openid: `staff-${centerCode}`, roles: [{ role: 'center-staff', centerCode }] });
const webLink = (centerCode: string, item: ItemId) => store.links.put(centerCode, { item, kind: 'web', url: `https://hall.example.cn/${centerCode}/${item}`, healthy: true });
const finding = (centerCode: string, item: ItemId, healthy: boolean, checkedAt: Date): ChannelHealth => ({
  centerCode, channel: `link:${item}`, url: `https://hall.example.cn/${centerCode}/${item}`, healthy, consecutiveFailures: healthy ? 0 : 2, checkedAt, status: healthy ? 200 : 500, title: null, error: null,
});

describe('access progress (notice 2021-30, annex 1)', () => {
  beforeAll(async () => {
    const centers = (await store.centers.list()).filter((c) => c.code.startsWith('32'));
    for (const c of centers) await store.centers.setLive(c.code, c.code !== '321300');
    for (const code of ['321000', '320300']) for (const item of [3, 4] as const) await webLink(code, item);
    // 扬州's retirement link fails on the 16th and jumps again from the 19th; 徐州's item 4 fails from the 16th on
    await store.health.record([finding('321000', 3, false, D1), finding('320300', 4, false, D1), finding('320300', 3, true, D1)]);
    await store.health.record([finding('321000', 3, true, D3), finding('320300', 4, false, D3)]);
    // 南京 started testing on the 16th and never finished; 无锡 started on the 16th and passed on the 17th
    await store.conformanceRuns.start({ id: 'run-nanjing', centerCode: '320100', url: 'https://gjj.example.cn/hooks', startedBy: 'staff-320100', startedAt: D1, report: null, secretsSealed: [], passes: 0, seed: '' });
    await store.conformanceRuns.start({ id: 'run-wuxi', centerCode: '320200', url: 'https://gjj.example.cn/hooks', startedBy: 'staff-320200', startedAt: D1, report: null, secretsSealed: [], passes: 0, seed: '' });
    await store.conformanceRuns.finish('run-wuxi', { passed: true, checks: [], startedAt: D1.toISOString(), finishedAt: D2.toISOString() });
  });

  const jiangsuRow = async (asOf?: string) => {
    const answer = data<ProgressAnswer>(await call(national, { action: 'progress', province: '320000', ...(asOf ? { asOf } : {}) }));
    expect(answer.rows.map((r) => r.province)).toEqual(['320000']);
    expect(answer.totals).toEqual({ centers: 14, connected: 13, notJumping: answer.rows[0].notJumping, testingStarted: answer.rows[0].testingStarted, testingPassed: answer.rows[0].testingPassed });
    return { asOf: answer.asOf, ...answer.rows[0] };
  };
  const brokenOf = (row: ProgressAnswer['rows'][number]) => row.rows.filter((r) => r.brokenItems.length > 0).map((r) => [r.centerCode, r.brokenItems]);
  const testingOf = (row: ProgressAnswer['rows'][number]) => row.rows.filter((r) => r.interfaceTest !== 'not-started').map((r) => [r.centerCode, r.interfaceTest]);

  it('lists today the centers whose links do not jump and the centers testing the interface, per province', async () => {
    const row = await jiangsuRow();
    expect(row).toMatchObject({ asOf: '2026-11-20', provinceName: '江苏省', centers: 14, connected: 13, notJumping: 1, testingStarted: 2, testingPassed: 1 });
    expect(brokenOf(row)).toEqual([['320300', [4]]]);
    expect(testingOf(row)).toEqual([['320100', 'started'], ['320200', 'passed']]);
    expect(row.rows.find((r) => r.centerCode === '320100')).toMatchObject({ centerName: '南京市住房公积金管理中心', live: true, lastRunAt: D1.toISOString() });
    expect(row.rows.find((r) => r.centerCode === '321300')).toMatchObject({ live: false, brokenItems: [], interfaceTest: 'not-started', lastRunAt: null });
  });

  it('answers as of an earlier date from the checks and runs stored by the end of that day', async () => {
    const on16th = await jiangsuRow('2026-11-16');
    expect(brokenOf(on16th)).toEqual([['320300', [4]], ['321000', [3]]]);
    expect(testingOf(on16th)).toEqual([['320100', 'started'], ['320200', 'started']]);
    const on17th = await jiangsuRow('2026-11-17');
    expect(testingOf(on17th)).toEqual([['320100', 'started'], ['320200', 'passed']]);
    const on15th = await jiangsuRow('2026-11-15');
    expect(on15th).toMatchObject({ asOf: '2026-11-15', notJumping: 0, testingStarted: 0, testingPassed: 0 });
  });

  it('counts a mini-program link that does not jump, as the notice counts every link, today and as of an earlier date alike', async () => {
    // the daily checks cannot open a mini-program: its health is the directory's on either date
    const [fujian] = (await store.centers.list()).filter((c) => c.code.startsWith('35'));
    await store.links.put(fujian.code, { item: 5, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/change/index', healthy: false });
    for (const asOf of [undefined, '2026-11-16']) {
      const answer = data<ProgressAnswer>(await call(national, { action: 'progress', province: '350000', ...(asOf ? { asOf } : {}) }));
      expect(answer.rows[0].notJumping).toBe(1);
      expect(brokenOf(answer.rows[0])).toEqual([[fujian.code, [5]]]);
    }
  });
});

describe('full-online completion of items 4-6 (notice 2021-30, annex 3)', () => {
  beforeAll(async () => {
    const centers = (await store.centers.list()).filter((c) => c.code.startsWith('33'));
    for (const c of centers) for (const item of [4, 5, 6] as const) await webLink(c.code, item);
    await store.links.put('330200', { item: 4, kind: 'in-app' });
    await store.links.put('330300', { item: 6, kind: 'counter' });
    await store.links.put('330400', { item: 6, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/loan/index', healthy: true });
  });

  it('counts per item the centers without a full online channel, and lists them for the attachment', async () => {
    const answer = data<OnlineCompletionAnswer>(await call(zhejiang, { action: 'onlineCompletion' }));
    expect(answer.rows).toEqual([
      {
        province: '330000',
        provinceName: '浙江省',
        centers: 12,
        items: {
          '4': { notDone: 1, label: '1个中心未完成', centerCodes: ['330200'] },
          '5': { notDone: 0, label: '已完成', centerCodes: [] },
          '6': { notDone: 1, label: '1个中心未完成', centerCodes: ['330300'] },
        },
      },
    ]);
    expect(answer.attachment.map((a) => [a.centerCode, a.item, a.reason])).toEqual([['330200', 4, null], ['330300', 6, null]]);
  });

  it('shows the reason and expected date a center gives in the portal, audited on the center', async () => {
    const given = data<OnlineReasonRow>(await callPortal(staff('330200'), { action: 'setOnlineReason', item: 4, reason: '等待市场监管部门数据对接', expectedDate: '2099-06-30' }));
    expect(given).toEqual({ centerCode: '330200', centerName: expect.stringContaining('宁波'), province: '330000', item: 4, reason: '等待市场监管部门数据对接', expectedDate: '2099-06-30', givenAt: T0.toISOString() });
    const answer = data<OnlineCompletionAnswer>(await call(national, { action: 'onlineCompletion', province: '330000' }));
    expect(answer.attachment.find((a) => a.centerCode === '330200')).toEqual(given);
    // the center's staff see in the portal which items still want a reason, and what they gave
    expect(data<{ onlineReasons: OnlineReasonRow[] }>(await callPortal(staff('330200'), { action: 'overview' })).onlineReasons).toEqual([given]);
    expect(data<{ onlineReasons: OnlineReasonRow[] }>(await callPortal(staff('330300'), { action: 'overview' })).onlineReasons).toMatchObject([{ item: 6, reason: null, expectedDate: null }]);
    expect(data<{ onlineReasons: OnlineReasonRow[] }>(await callPortal(staff('330400'), { action: 'overview' })).onlineReasons).toEqual([]);
    expect(await store.audit.listFor('center:330200')).toEqual([
      expect.objectContaining({ actor: 'staff-330200', action: 'online-reason.set', detail: expect.stringContaining('预计 2099-06-30 完成') }),
    ]);
  });

  it('refuses a reason for an item the center offers fully online, or a date already past, naming the field and storing nothing', async () => {
    expect(await callPortal(staff('330300'), { action: 'setOnlineReason', item: 5, reason: '系统建设中', expectedDate: '2099-06-30' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { item: expect.stringContaining('已实现全程网办') } });
    expect(await callPortal(staff('330300'), { action: 'setOnlineReason', item: 6, reason: '系统建设中', expectedDate: '2020-01-01' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { expectedDate: '预计完成日期不能早于今天' } });
    expect(await callPortal(staff('330300'), { action: 'setOnlineReason', item: 7, reason: '系统建设中', expectedDate: '2099-06-30' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { item: expect.any(String) } });
    expect(await callPortal(national, { action: 'setOnlineReason', item: 6, reason: '系统建设中', expectedDate: '2099-06-30' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect((await store.supervision.onlineReasons()).filter((r) => r.centerCode === '330300')).toEqual([]);
    expect(await store.audit.listFor('center:330300')).toEqual([]);
  });

  it('judges the expected date against the day of the call, not the clock of the machine it runs on', async () => {
    // the call is made on T0 (2026-11-20), days before the machine's own today
    expect(await callPortal(staff('330300'), { action: 'setOnlineReason', item: 6, reason: '系统建设中', expectedDate: '2026-11-19' })).toMatchObject({ ok: false, fields: { expectedDate: '预计完成日期不能早于今天' } });
    expect(await callPortal(staff('330300'), { action: 'setOnlineReason', item: 6, reason: '系统建设中', expectedDate: '2026-11-20' })).toMatchObject({ ok: true });
  });
});

describe('who sees which province', () => {
  it('shows national supervisors every province and every center of the catalog', async () => {
    const answer = data<ProgressAnswer>(await call(national, { action: 'progress' }));
    expect(answer.rows.map((r) => r.province)).toEqual(PROVINCES.map((p) => p.code));
    expect(answer.totals.centers).toBe((await store.centers.list()).length);
  });

  it('shows a provincial supervisor their own province only, and refuses another one FORBIDDEN naming the province', async () => {
    for (const action of ['progress', 'onlineCompletion', 'liaisons', 'recommendations']) {
      const own = data<{ rows: { province: string }[] }>(await call(jiangsu, { action }));
      expect(own.rows.map((r) => r.province)).toEqual(['320000']);
      expect(await call(jiangsu, { action, province: '330000' })).toMatchObject({ ok: false, code: 'FORBIDDEN', fields: { province: '只能选择江苏省' } });
    }
  });

  it('refuses center staff and people without a supervisor’s role, and asks a caller nobody signed in to sign in', async () => {
    expect(await call(staff('321000'), { action: 'progress' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await call({ openid: 'employee', roles: [{ role: 'tester', province: '320000' }] }, { action: 'onlineCompletion' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await call(undefined, { action: 'progress' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });

  it('grants a provincial supervisor’s role with its province through admin, read from the store, until it is revoked', async () => {
    expect(await callAdmin(national, { action: 'grantRole', openid: 'pv-anhui', role: 'provincial-supervisor' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { province: expect.stringContaining('省份代码') } });
    expect(await callAdmin(national, { action: 'grantRole', openid: 'pv-anhui', role: 'center-staff', centerCode: '340100', province: '340000' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { province: expect.any(String) } });
    expect(await callAdmin(national, { action: 'grantRole', openid: 'pv-anhui', role: 'provincial-supervisor', province: '990000' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { province: expect.any(String) } });
    expect(await store.roles.rolesOf('pv-anhui')).toEqual([]);
    const granted = await callAdmin(national, { action: 'grantRole', openid: 'pv-anhui', role: 'provincial-supervisor', province: '340000' });
    expect(granted).toMatchObject({ ok: true, data: { role: 'provincial-supervisor', roleLabel: '省级监管人员', province: '340000', provinceName: '安徽省', centerCode: null, active: true } });
    const anhui = async (): Promise<Caller> => ({ openid: 'pv-anhui', roles: await store.roles.rolesOf('pv-anhui') });
    expect(data<ProgressAnswer>(await call(await anhui(), { action: 'progress' })).rows.map((r) => r.province)).toEqual(['340000']);
    expect(await store.audit.listFor('roles:pv-anhui')).toEqual([expect.objectContaining({ action: 'role.grant', detail: '省级监管人员 340000' })]);
    expect(await callAdmin(national, { action: 'revokeRole', openid: 'pv-anhui', role: 'provincial-supervisor', province: '340000' })).toMatchObject({ ok: true, data: { active: false } });
    expect(await call(await anhui(), { action: 'progress' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});

describe('bad input', () => {
  it('answers VALIDATION_FAILED naming the field for a province or date that cannot be', async () => {
    expect(await call(national, { action: 'progress', province: '990000' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { province: '没有这个省份代码（如 320000 江苏）' } });
    expect(await call(national, { action: 'onlineCompletion', province: '3200' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { province: expect.stringContaining('6 位数字') } });
    expect(await call(national, { action: 'progress', asOf: '2026-02-30' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { asOf: '统计日期不是有效日期' } });
    expect(await call(national, { action: 'progress', asOf: '2099-01-01' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { asOf: '统计日期不能晚于今天' } });
    expect(await call(national, { action: 'tables' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { action: expect.any(String) } });
  });
});

describe('provincial liaisons (plan 2021-50, annex 1)', () => {
  const liaison = { name: '王建国', position: '住房公积金监管处处长', landline: '025-51868888', mobile: '13912345678' };

  it('keeps one liaison per province, sealed at rest, shown to its supervisors and masked in the audit log', async () => {
    const row = data<LiaisonRow>(await call(jiangsu, { action: 'setLiaison', province: '320000', ...liaison }));
    expect(row).toEqual({ province: '320000', provinceName: '江苏省', liaison: { ...liaison, updatedAt: T0.toISOString() } });
    const [stored] = (await store.supervision.liaisons()).filter((l) => l.province === '320000');
    expect(stored.contactSealed).not.toContain('王建国');
    expect(stored.contactSealed).not.toContain('13912345678');
    const all = data<LiaisonsAnswer>(await call(national, { action: 'liaisons' }));
    expect(all.rows).toHaveLength(PROVINCES.length);
    expect(all.rows.find((r) => r.province === '320000')).toEqual(row);
    expect(all.rows.find((r) => r.province === '110000')).toEqual({ province: '110000', provinceName: '北京市', liaison: null });
    // the person changes: replaced, the audit naming both masked
    data(await call(national, { action: 'setLiaison', province: '320000', ...liaison, name: '李明', mobile: '13800001111' }));
    const audit = await store.audit.listFor('province:320000');
    expect(audit.map((a) => [a.actor, a.action])).toEqual([['sv-jiangsu', 'liaison.set'], ['sv-national', 'liaison.set']]);
    expect(audit[1].detail).toBe('联络员 *明，住房公积金监管处处长，座机 025-51868888，手机 138****1111（原联络员 **国）');
    expect(JSON.stringify(audit)).not.toMatch(/王建国|13912345678/);
  });

  it('refuses another province’s liaison FORBIDDEN, and a bad mobile or landline naming the field, storing nothing', async () => {
    expect(await call(jiangsu, { action: 'setLiaison', province: '330000', ...liaison })).toMatchObject({ ok: false, code: 'FORBIDDEN', fields: { province: expect.any(String) } });
    expect(await call(national, { action: 'setLiaison', province: '330000', ...liaison, mobile: '1391234567' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { mobile: '手机应为 11 位手机号码' } });
    expect(await call(national, { action: 'setLiaison', province: '330000', ...liaison, landline: '51868888' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { landline: expect.stringContaining('区号') } });
    expect((await store.supervision.liaisons()).filter((l) => l.province === '330000')).toEqual([]);
    expect(await store.audit.listFor('province:330000')).toEqual([]);
  });
});

describe('三个一百 (plan 2021-50)', () => {
  const window = { kind: 'window', centerCode: '321000', title: '扬州跨省通办示范窗口', summary: '一窗受理、一次办结，异地转移接续当场受理。' };

  it('counts each province’s recommendations of each kind against the target of 5, audited as they are added and removed', async () => {
    let row = data<RecommendationRow>(await call(jiangsu, { action: 'addRecommendation', province: '320000', ...window }));
    expect(row).toMatchObject({ province: '320000', counts: { window: 1, story: 0, director: 0 }, met: false });
    expect(row.items[0]).toMatchObject({ kind: 'window', centerCode: '321000', centerName: '扬州市住房公积金管理中心', title: window.title });
    for (const kind of ['window', 'story', 'director']) {
      for (let i = kind === 'window' ? 1 : 0; i < RECOMMENDATION_TARGET; i++) {
        row = data<RecommendationRow>(await call(jiangsu, { action: 'addRecommendation', province: '320000', ...window, kind, title: `${kind} ${i}` }));
      }
    }
    expect(row).toMatchObject({ counts: { window: 5, story: 5, director: 5 }, met: true });
    const first = row.items.find((r) => r.title === window.title);
    row = data<RecommendationRow>(await call(jiangsu, { action: 'removeRecommendation', id: first?.id }));
    expect(row).toMatchObject({ counts: { window: 4, story: 5, director: 5 }, met: false });
    const audit = await store.audit.listFor('province:320000');
    expect(audit.filter((a) => a.action === 'recommendation.add')).toHaveLength(15);
    expect(audit.filter((a) => a.action === 'recommendation.remove')).toEqual([expect.objectContaining({ detail: expect.stringContaining('示范窗口：扬州跨省通办示范窗口') })]);
    const national_ = data<RecommendationsAnswer>(await call(national, { action: 'recommendations' }));
    expect(national_.target).toBe(5);
    expect(national_.rows.find((r) => r.province === '320000')?.counts).toEqual({ window: 4, story: 5, director: 5 });
  });

  it('refuses a center of another province naming the center, and another province’s supervisor removing one, storing nothing', async () => {
    const before = await store.supervision.recommendations(['320000']);
    expect(await call(jiangsu, { action: 'addRecommendation', province: '320000', ...window, centerCode: '330100' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { centerCode: '请选择江苏省的中心' } });
    expect(await call(zhejiang, { action: 'addRecommendation', province: '320000', ...window })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await call(zhejiang, { action: 'removeRecommendation', id: before[0].id })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await call(jiangsu, { action: 'addRecommendation', province: '320000', ...window, summary: '太短' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { summary: '简介至少 10 个字' } });
    expect(await store.supervision.recommendations(['320000'])).toEqual(before);
  });
});
