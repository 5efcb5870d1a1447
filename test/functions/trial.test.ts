import { handler as adminFn } from '../../cloudfunctions/admin';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as supervise } from '../../cloudfunctions/supervise';
import { handler as trial } from '../../cloudfunctions/trial';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { provinceReadiness } from '../../cloudfunctions/_lib/trial/readiness';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { ProgressAnswer } from '../../src/core/supervision';
import { FINDING_ID_PATTERN, type ChecklistAnswer, type CheckView, type RecordAnswer, type TestApplicationAnswer, type TrialCentersAnswer } from '../../src/core/trial';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { configureDomains } from '../support/business-domains';

/**
 * The testers' checklist (issue 15): every center of the tester's province with its checks (name, phone, poster,
 * one per registered link or route, the test transfer and the optional test applications), each hand check recorded
 * with what the app saw, a finding opened when wrong, each center's progress and the province's readiness, and what
 * the trial feeds into supervision's access progress.
 */
jest.setTimeout(90_000);

const T0 = new Date('2026-11-20T10:00:00+08:00');
const jiangsuTester: Caller = { openid: 'tester-js', roles: [{ role: 'tester', province: '320000' }] };
const otherJiangsuTester: Caller = { openid: 'tester-js-2', roles: [{ role: 'tester', province: '320000' }] };
const tianjinTester: Caller = { openid: 'tester-tj', roles: [{ role: 'tester', province: '120000' }] };
const national: Caller = { openid: 'sv-national', roles: [{ role: 'supervisor' }] };
const otherNational: Caller = { openid: 'sv-national-2', roles: [{ role: 'supervisor' }] };
const tianjinStaff: Caller = { openid: 'staff-tj', roles: [{ role: 'center-staff', centerCode: '120000' }] };

let store: Store;
const outside = testOutside();
beforeAll(async () => {
  store = await catalogStore();
  // 南京: a healthy web page, an unhealthy mini-program, an insecure page, an in-app request and the service hall; nothing for items 2, 7 and 8
  await store.links.put('320100', { item: 1, kind: 'web', url: 'https://gjj.nanjing.example.cn/query', healthy: true });
  await configureDomains(store, 'https://gjj.nanjing.example.cn/query');
  await store.links.put('320100', { item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: false });
  await store.links.put('320100', { item: 5, kind: 'web', url: 'http://gjj.nanjing.example.cn/change', healthy: true });
  await store.links.put('320100', { item: 4, kind: 'in-app' });
  await store.links.put('320100', { item: 6, kind: 'counter' });
});
afterAll(() => store.close());

const call = (caller: Caller | undefined, event: unknown, now = T0) => trial.handle(event, contextFor(store, caller, now, outside));
const data = <T>(result: { ok: boolean; data?: unknown }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.data as T;
};
const checklistOf = async (caller: Caller, centerCode: string, now = T0) => data<ChecklistAnswer>(await call(caller, { action: 'checklist', centerCode }, now));
const lineOf = (answer: ChecklistAnswer, check: string): CheckView => {
  const line = answer.checks.find((c) => c.check === check);
  if (!line) throw new Error(`no line ${check} in ${answer.checks.map((c) => c.check).join(', ')}`);
  return line;
};
const record = async (caller: Caller, event: Record<string, unknown>, now = T0) => data<RecordAnswer>(await call(caller, { action: 'record', ...event }, now));
const serviceContext = (now = T0) => ({ store, outside, log: createLogger({ level: 'silent' }), now });

describe('a center’s checklist', () => {
  it('lists name and phone as displayed, the poster, and one line per registered link or route (unhealthy and insecure ones too), none for items with nothing registered', async () => {
    const answer = await checklistOf(jiangsuTester, '320100');
    expect(answer).toMatchObject({ centerCode: '320100', centerName: '南京市住房公积金管理中心', phone: '025-12329' });
    expect(answer.checks.map((c) => [c.check, c.target, c.required])).toEqual([
      ['name', null, true],
      ['phone', null, true],
      ['poster', null, true],
      ['link:1', 'web', true],
      ['link:3', 'unavailable', true],
      ['link:4', 'in-app', true],
      ['link:5', 'unavailable', true],
      ['link:6', 'counter', true],
    ]);
    expect(lineOf(answer, 'name').shown).toBe('南京市住房公积金管理中心');
    expect(lineOf(answer, 'phone').shown).toBe('025-12329');
    expect(lineOf(answer, 'link:1').shown).toBe('https://gjj.nanjing.example.cn/query');
    expect(lineOf(answer, 'link:3').shown).toContain('wx0123456789abcdef');
    expect(lineOf(answer, 'link:1').label).toBe('链接跳转：缴存贷款信息查询');
    expect(answer.checks.every((c) => c.result === 'pending' && c.checkedBy === null && c.findingId === null)).toBe(true);
    expect(answer.progress).toMatchObject({ done: 0, total: 8, failed: 0, openFindings: 0, transfer: 'not-sent', hasEndpoint: false, ready: false });
  });

  it('shows the name as the directory does, with an approved catalog correction applied at once', async () => {
    const admin = (caller: Caller, event: Record<string, unknown>) => adminFn.handle(event, contextFor(store, caller, T0, outside));
    const proposed = data<{ id: string }>(await admin(national, { action: 'proposeCatalogFix', centerCode: '320400', field: 'name', value: '常州住房公积金管理中心' }));
    expect(lineOf(await checklistOf(jiangsuTester, '320400'), 'name').shown).toBe('常州市住房公积金管理中心');
    expect(await admin(otherNational, { action: 'reviewCatalogFix', id: proposed.id, approve: true })).toMatchObject({ ok: true });
    const answer = await checklistOf(jiangsuTester, '320400');
    expect(answer.centerName).toBe('常州住房公积金管理中心');
    expect(lineOf(answer, 'name').shown).toBe('常州住房公积金管理中心');
  });

  it('adds the test transfer and the optional test applications for a center that can receive a case: required of a center with an API endpoint only', async () => {
    await store.centers.setLive('320200', true);
    const live = await checklistOf(jiangsuTester, '320200');
    expect(live.checks.filter((c) => c.test !== null || c.check === 'transfer' || c.check.startsWith('test:')).map((c) => [c.check, c.required, c.result])).toEqual([
      ['transfer', false, 'pending'],
      ['test:certificate-loan-cleared', false, 'pending'],
      ['test:certificate-deposit-use', false, 'pending'],
      ['test:purchase-withdrawal', false, 'pending'],
    ]);
    await store.endpoints.put({ centerCode: '320300', mode: 'api', url: 'https://gjj.xuzhou.example.cn/hooks', secretsSealed: [], updatedAt: T0 });
    const withApi = await checklistOf(jiangsuTester, '320300');
    expect(lineOf(withApi, 'transfer').required).toBe(true);
    expect(withApi.progress).toMatchObject({ total: 4, hasEndpoint: true, transfer: 'not-sent' });
  });
});

describe('recording checks', () => {
  it('records a wrong name with the right one: a finding is opened and its id answered, and the line reads 未通过 with who and when', async () => {
    const answer = await record(jiangsuTester, { centerCode: '320100', check: 'name', ok: false, expected: '南京住房公积金管理中心', note: '多了“市”字' });
    expect(answer.findingId).toMatch(FINDING_ID_PATTERN);
    expect(answer.check).toMatchObject({ check: 'name', result: 'failed', note: '多了“市”字', checkedAt: T0.toISOString(), checkedBy: '本人', findingId: answer.findingId });
    expect(answer.notice).toBeNull();
    const findings = await store.findings.list({ centerCodes: ['320100'] });
    expect(findings.map((f) => [f.id, f.check, f.expected, f.seen])).toEqual([[answer.findingId, 'name', '南京住房公积金管理中心', '显示为“南京市住房公积金管理中心”；多了“市”字']]);
  });

  it('records a correct phone, the poster scanned and a link opened with what the app saw; another tester sees them by role label, never the openid', async () => {
    await record(jiangsuTester, { centerCode: '320100', check: 'phone', ok: true });
    await record(jiangsuTester, { centerCode: '320100', check: 'poster', ok: true, note: '扫码打开了本中心页面' });
    const link = await record(jiangsuTester, { centerCode: '320100', check: 'link:1', ok: true, observed: 'loaded' });
    expect(link).toMatchObject({ findingId: null, check: { result: 'passed', observed: 'loaded', target: 'web' } });
    const seenByOther = await checklistOf(otherJiangsuTester, '320100');
    expect(['phone', 'poster', 'link:1'].map((c) => lineOf(seenByOther, c).result)).toEqual(['passed', 'passed', 'passed']);
    expect(lineOf(seenByOther, 'poster')).toMatchObject({ note: '扫码打开了本中心页面', checkedBy: '内部测试人员' });
    expect(JSON.stringify(seenByOther)).not.toContain('tester-js"');
    expect(seenByOther.progress).toMatchObject({ done: 4, total: 8, failed: 1, openFindings: 1, ready: false });
  });

  it('records a link that did not open with the observation: a finding for the center, opened once and reused when found failing again', async () => {
    const first = await record(jiangsuTester, { centerCode: '320100', check: 'link:3', ok: false, observed: 'open-failed', note: '提示小程序不存在' });
    const again = await record(otherJiangsuTester, { centerCode: '320100', check: 'link:3', ok: false, observed: 'open-failed', note: '仍然打不开' });
    expect(again.findingId).toBe(first.findingId);
    expect(again.check).toMatchObject({ result: 'failed', observed: 'open-failed', note: '仍然打不开', checkedBy: '本人' });
    expect((await store.findings.list({ centerCodes: ['320100'] })).find((f) => f.id === first.findingId)).toMatchObject({ owner: 'center', observed: 'open-failed' });
  });

  it('records 通过 on a check whose finding is still open without closing it, and says so', async () => {
    const answer = await record(jiangsuTester, { centerCode: '320100', check: 'name', ok: true });
    expect(answer.check).toMatchObject({ result: 'passed' });
    expect(answer.check.findingId).toMatch(FINDING_ID_PATTERN);
    expect(answer.findingId).toBeNull();
    expect(answer.notice).toContain('尚未关闭');
    expect((await store.findings.get(answer.check.findingId ?? ''))?.status).toBe('open');
  });

  it('keeps every record and audits each one', async () => {
    const audit = (await store.audit.listFor('center:320100')).filter((e) => e.action === 'trial.check');
    expect(audit.map((e) => [e.actor, e.detail])).toEqual([
      ['tester-js', 'name 未通过'],
      ['tester-js', 'phone 通过'],
      ['tester-js', 'poster 通过'],
      ['tester-js', 'link:1 通过（网页已打开，内容以所见为准）'],
      ['tester-js', 'link:3 未通过（未能打开中心小程序）'],
      ['tester-js-2', 'link:3 未通过（未能打开中心小程序）'],
      ['tester-js', 'name 通过'],
    ]);
    expect((await store.trialChecks.latest(['320100'], new Date(T0.getTime() + 1))).map((r) => r.check).sort()).toEqual(['link:1', 'link:3', 'name', 'phone', 'poster']);
  });
});

describe('refusals', () => {
  const count = async () => ({ checks: (await store.trialChecks.latest(['320400', '120000'])).length, audit: (await store.audit.listFor('center:320400')).length });

  it('refuses anyone but a tester FORBIDDEN, and a tester acting on a center of another province, storing nothing', async () => {
    const before = await count();
    const employee: Caller = { openid: 'o-employee', roles: [] };
    for (const caller of [employee, national, tianjinStaff, { openid: 'pv-js', roles: [{ role: 'provincial-supervisor', province: '320000' }] } satisfies Caller]) {
      for (const event of [{ action: 'centers' }, { action: 'checklist', centerCode: '320400' }, { action: 'record', centerCode: '320400', check: 'phone', ok: true }]) {
        expect(await call(caller, event)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      }
    }
    expect(await call(tianjinTester, { action: 'checklist', centerCode: '320400' })).toMatchObject({ ok: false, code: 'FORBIDDEN', fields: { centerCode: '请选择天津市的中心' } });
    expect(await call(tianjinTester, { action: 'record', centerCode: '320400', check: 'phone', ok: true })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await call(undefined, { action: 'centers' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await count()).toEqual(before);
  });

  it('answers VALIDATION_FAILED naming the field, and stores nothing', async () => {
    const before = await count();
    const refused = async (event: Record<string, unknown>) => {
      const result = await call(jiangsuTester, { action: 'record', centerCode: '320400', ...event });
      expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
      return result.ok ? {} : result.fields;
    };
    expect(await refused({ check: 'name', ok: false })).toEqual({ expected: '请填写正确的中心名称' });
    expect(await refused({ check: 'phone', ok: false })).toEqual({ expected: '请填写正确的服务电话' });
    expect(await refused({ check: 'poster', ok: false })).toEqual({ note: '请说明看到的问题' });
    expect(await refused({ check: 'transfer', ok: true })).toHaveProperty('check');
    expect(await refused({ check: 'link:9', ok: true })).toHaveProperty('check');
    expect(await refused({ check: 'name', ok: true, observed: 'loaded' })).toEqual({ observed: '打开结果只用于链接检查' });
    expect(await refused({ check: 'link:1', ok: true, observed: 'seen' })).toHaveProperty('observed');
    expect(await refused({ check: 'phone' })).toHaveProperty('ok');
    // a link the center never registered is not on its checklist
    expect(await refused({ check: 'link:2', ok: true })).toEqual({ check: '该中心没有这个检查项' });
    expect(await call(jiangsuTester, { action: 'checklist', centerCode: '32010' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { centerCode: expect.any(String) } });
    expect(await count()).toEqual(before);
  });
});

describe('progress and readiness', () => {
  const TIANJIN = '120000';
  const centersOf = async (now = T0) => data<TrialCentersAnswer>(await call(tianjinTester, { action: 'centers' }, now));

  beforeAll(async () => {
    await store.endpoints.put({ centerCode: TIANJIN, mode: 'api', url: 'https://gjj.tianjin.example.cn/hooks', secretsSealed: [], updatedAt: T0 });
    await store.links.put(TIANJIN, { item: 1, kind: 'web', url: 'https://gjj.tianjin.example.cn/query', healthy: true });
  });

  it('lists the tester’s province’s centers with their progress and the province not ready, saying what is missing', async () => {
    const answer = await centersOf();
    expect(answer).toMatchObject({ province: '120000', provinceName: '天津市' });
    expect(answer.centers).toEqual([
      { centerCode: TIANJIN, centerName: '天津市住房公积金管理中心', done: 0, total: 5, failed: 0, openFindings: 0, oldestOpenDays: 0, transfer: 'not-sent', hasEndpoint: true, ready: false },
    ]);
    expect(answer.readiness).toEqual({
      centers: 1,
      checked: 0,
      openFindings: 0,
      withEndpoint: 1,
      transferAccepted: 0,
      ready: false,
      missing: ['1 个中心未检查完', '1 个已接入接口的中心尚无按时受理的测试转移接续申请'],
    });
    expect((await provinceReadiness(serviceContext(), ['120000'])).get('120000')).toEqual(answer.readiness);
  });

  it('becomes ready as the checks, the finding’s close and the accepted test transfer come in', async () => {
    for (const check of ['name', 'phone', 'poster']) await record(tianjinTester, { centerCode: TIANJIN, check, ok: true });
    const broken = await record(tianjinTester, { centerCode: TIANJIN, check: 'link:1', ok: false, observed: 'load-failed', note: '页面打不开' });
    const day3 = new Date('2026-11-23T10:00:00+08:00');
    let answer = await centersOf(day3);
    expect(answer.centers[0]).toMatchObject({ done: 4, failed: 1, openFindings: 1, oldestOpenDays: 3, ready: false });
    // the test transfer not yet accepted: the center's required checks are not all done either
    expect(answer.readiness.missing).toEqual(['1 个中心未检查完', '1 个中心有未通过的检查项', '1 个问题未关闭', '1 个已接入接口的中心尚无按时受理的测试转移接续申请']);

    // staff fix the link, the tester checks it again and closes the finding: the check reads 通过 again
    expect(await portal.handle({ action: 'resolveFinding', id: broken.findingId, note: '已更换链接' }, contextFor(store, tianjinStaff, day3, outside))).toMatchObject({ ok: true });
    expect(await call(tianjinTester, { action: 'recheck', findingId: broken.findingId, ok: true }, day3)).toMatchObject({ ok: true });
    answer = await centersOf(day3);
    expect(answer.centers[0]).toMatchObject({ done: 4, failed: 0, openFindings: 0, transfer: 'not-sent', ready: false });
    expect(answer.readiness).toMatchObject({ checked: 0, ready: false, missing: ['1 个中心未检查完', '1 个已接入接口的中心尚无按时受理的测试转移接续申请'] });

    const sent = data<TestApplicationAnswer>(await call(tianjinTester, { action: 'testTransfer', centerCode: TIANJIN }, day3));
    answer = await centersOf(day3);
    expect(answer.centers[0]).toMatchObject({ done: 4, total: 5, transfer: 'waiting', ready: false });
    await accept(sent.applicationId, new Date('2026-11-24T09:00:00+08:00'));
    const day4 = new Date('2026-11-24T10:00:00+08:00');
    answer = await centersOf(day4);
    expect(answer.centers[0]).toMatchObject({ done: 5, total: 5, failed: 0, transfer: 'accepted', ready: true });
    expect(answer.readiness).toEqual({ centers: 1, checked: 1, openFindings: 0, withEndpoint: 1, transferAccepted: 1, ready: true, missing: [] });
    expect(lineOf(await checklistOf(tianjinTester, TIANJIN, day4), 'transfer')).toMatchObject({ result: 'passed', test: { applicationId: sent.applicationId, state: 'accepted' } });
    expect((await provinceReadiness(serviceContext(day4), ['120000', '320000'])).get('320000')).toMatchObject({ ready: false, centers: 14 });
  });
});

/** The center accepts a test case, as its callback would move it. */
async function accept(applicationId: string, at: Date): Promise<void> {
  const app = await store.applications.get(applicationId);
  if (!app) throw new Error(`no application ${applicationId}`);
  const state = { status: app.status, platformCode: app.platformCode };
  const event = { applicationId, at, actor: 'center' as const, actorId: app.responsibleCenter, from: app.status, to: 'accepted' as const, platformCode: app.platformCode, centerCode: app.responsibleCenter, message: '已受理' };
  expect(await store.applications.transition({ id: applicationId, expected: state, next: { status: 'accepted', platformCode: app.platformCode }, event })).toBe('applied');
}

describe('supervision’s access progress, fed by the trial', () => {
  const row = async (province: string, asOf?: string, now = new Date('2026-11-24T10:00:00+08:00')) => {
    const answer = data<ProgressAnswer>(await supervise.handle({ action: 'progress', province, ...(asOf ? { asOf } : {}) }, contextFor(store, national, now, outside)));
    return answer.rows[0];
  };

  it('counts a center whose link a tester found not opening among the centers whose links do not jump, from the day it was found', async () => {
    // 南京's item 3 is unhealthy in the directory anyway; its item 1 jumps by the daily checks, and a tester found it not opening
    await record(jiangsuTester, { centerCode: '320100', check: 'link:1', ok: false, observed: 'load-failed', note: '白屏' }, new Date('2026-11-22T10:00:00+08:00'));
    const today = await row('320000');
    expect(today.rows.find((r) => r.centerCode === '320100')?.brokenItems).toEqual([1, 3]);
    const before = await row('320000', '2026-11-21');
    expect(before.rows.find((r) => r.centerCode === '320100')?.brokenItems).toEqual([3]);
    // fixed and found opening again: it jumps again
    await record(jiangsuTester, { centerCode: '320100', check: 'link:1', ok: true, observed: 'loaded' }, new Date('2026-11-24T09:00:00+08:00'));
    expect((await row('320000')).rows.find((r) => r.centerCode === '320100')?.brokenItems).toEqual([3]);
  });

  it('counts a center sent a test transfer as interface testing started, and passed once it accepted it in time', async () => {
    expect((await row('120000', '2026-11-22')).rows[0]).toMatchObject({ interfaceTest: 'not-started', lastRunAt: null });
    expect((await row('120000', '2026-11-23')).rows[0]).toMatchObject({ interfaceTest: 'started', lastRunAt: new Date('2026-11-23T10:00:00+08:00').toISOString() });
    const today = await row('120000');
    expect(today).toMatchObject({ testingStarted: 1, testingPassed: 1 });
    expect(today.rows[0]).toMatchObject({ interfaceTest: 'passed' });
  });
});

describe('a record whose call fails on the way and is sent again', () => {
  const WUXI = '320200';

  /** The store whose `name.method` rejects once, the first time `when` holds for its arguments; later calls go through. */
  function failingOnce(name: 'findings' | 'audit', method: string, when: (args: unknown[]) => boolean = () => true): Store {
    let failed = false;
    return new Proxy(store, {
      get(target, key, receiver) {
        const repository: unknown = Reflect.get(target, key, receiver);
        if (key !== name || typeof repository !== 'object' || repository === null) return repository;
        return new Proxy(repository, {
          get(repo, m) {
            const fn: unknown = Reflect.get(repo, m);
            if (m !== method || typeof fn !== 'function') return fn;
            return (...args: unknown[]) => {
              if (failed || !when(args)) return Reflect.apply(fn, repo, args);
              failed = true;
              return Promise.reject(new Error('the database connection was lost'));
            };
          },
        });
      },
    });
  }
  const callWith = (through: Store, event: Record<string, unknown>, now = T0) => trial.handle({ action: 'record', ...event }, contextFor(through, jiangsuTester, now, outside));
  const findingsOf = async (check: string) => (await store.findings.list({ centerCodes: [WUXI] })).filter((f) => f.check === check);
  const checksAudited = async () => (await store.audit.listFor(`center:${WUXI}`)).filter((e) => e.action === 'trial.check').length;

  it('keeps the check when the finding cannot be stored, and the call sent again opens the finding with one entry', async () => {
    const event = { centerCode: WUXI, check: 'poster', ok: false, note: '扫码后页面空白' };
    expect(await callWith(failingOnce('findings', 'open'), event)).toMatchObject({ ok: false, code: 'INTERNAL' });
    expect(lineOf(await checklistOf(jiangsuTester, WUXI), 'poster')).toMatchObject({ result: 'failed', note: '扫码后页面空白', findingId: null });
    expect(await findingsOf('poster')).toEqual([]);

    const again = data<RecordAnswer>(await callWith(store, event));
    expect(again.findingId).toMatch(FINDING_ID_PATTERN);
    const [finding] = await findingsOf('poster');
    expect(finding).toMatchObject({ id: again.findingId, status: 'open' });
    expect(finding.history.map((e) => e.kind)).toEqual(['opened']);
  });

  it('answers the same observation sent again after its finding was stored with that finding, adding no second entry to its history', async () => {
    const event = { centerCode: WUXI, check: 'phone', ok: false, expected: '0510-12329', note: '拨通后是空号' };
    const afterFinding = failingOnce('audit', 'append', ([entry]) => typeof entry === 'object' && entry !== null && 'action' in entry && entry.action === 'finding.open');
    expect(await callWith(afterFinding, event)).toMatchObject({ ok: false, code: 'INTERNAL' });
    const [stored] = await findingsOf('phone');
    expect(stored.history).toHaveLength(1);

    const audited = await checksAudited();
    expect(data<RecordAnswer>(await callWith(store, event, new Date(T0.getTime() + 60_000))).findingId).toBe(stored.id);
    expect((await findingsOf('phone')).map((f) => [f.id, f.history.length])).toEqual([[stored.id, 1]]);
    // the check itself is recorded again: every record is kept
    expect(await checksAudited()).toBe(audited + 1);
  });

  it('adds the same observation made again later, or by another tester, as a new entry', async () => {
    const event = { centerCode: WUXI, check: 'phone', ok: false, expected: '0510-12329', note: '拨通后是空号' };
    await record(otherJiangsuTester, event, new Date(T0.getTime() + 2 * 60_000));
    await record(jiangsuTester, event, new Date(T0.getTime() + 30 * 60_000));
    const [finding] = await findingsOf('phone');
    expect(finding.history.map((e) => [e.by, e.kind])).toEqual([
      ['tester-js', 'opened'],
      ['tester-js-2', 'opened'],
      ['tester-js', 'opened'],
    ]);
  });
});
