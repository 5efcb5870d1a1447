import { Webhook } from 'standardwebhooks';
import { CONFORMANCE_RUN_MAX_MS, type ConformanceRunView } from '../../src/core/center-portal';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as relay } from '../../cloudfunctions/relay';
import { SUITE_STEP_NAMES } from '../../cloudfunctions/_lib/centers/conformance';
import { createOutboundClient, hostPort, type HostLookup, type OutboundClient, type PostOutcome } from '../../cloudfunctions/_lib/delivery/http';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { FUNCTIONS } from '../../tools/local-cloud/functions';
import { createLocalCloud } from '../../tools/local-cloud/server';
import { startCenterSim, type CenterSim } from '../../tools/center-sim/server';
import { catalogStore, contextFor, testOutside } from '../support/function-context';

/**
 * Interface testing as a background run (issue 16 point 5): `portal runConformance` records the run and answers at
 * once; the relay (nudged, then its timer) runs the steps, each recorded as it finishes, under a lease; a run whose
 * invocation was killed is resumed from the next step; with two valid secrets the suite runs with each.
 */
jest.setTimeout(90_000);

const T0 = new Date('2026-11-20T10:00:00+08:00');
const STEPS = SUITE_STEP_NAMES.length;
/** The POSTs of one pass: four submissions, a copy, a submission and its withdrawal, a completion, two refusals, a repeat sent twice. */
const POSTS_PER_PASS = 12;
const supervisor: Caller = { openid: 'sup-1', roles: [{ role: 'supervisor' }] };
const lookup: HostLookup = async () => {
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};

let store: Store;
let sim: CenterSim;
let platform: Awaited<ReturnType<typeof createLocalCloud>>;
let realOutbound: OutboundClient;
/** Every POST the suite made: where, what and how it was signed. */
let posts: { body: string; headers: Record<string, string> }[];
/** Set by a test: the POST with this number (1-based) never answers, as if the invocation sending it were killed. */
let hangAt: number | undefined;
/** Set by a test: called with each POST as it is sent (a slow center, on a clock of the test's). */
let onPost: (() => void) | undefined;
let outside: ReturnType<typeof testOutside>;
let nudges: number;
let centerSecret: string | undefined;

beforeAll(async () => {
  store = await catalogStore();
});
afterAll(() => store.close());

beforeEach(async () => {
  sim = await startCenterSim({ secretFor: () => centerSecret, callbackDelayMs: 20 });
  const allow = new Set([hostPort(new URL(sim.origin))]);
  realOutbound = createOutboundClient({ allow, allowCa: sim.tls.cert });
  posts = [];
  hangAt = undefined;
  onPost = undefined;
  nudges = 0;
  const recording: OutboundClient = {
    postJson(url, body, headers): Promise<PostOutcome> {
      posts.push({ body, headers });
      onPost?.();
      if (posts.length === hangAt) return new Promise<PostOutcome>(() => undefined);
      return realOutbound.postJson(url, body, headers);
    },
    close: () => realOutbound.close(),
  };
  let base = '';
  outside = testOutside({ urlChecks: { lookup, allow, allowCa: sim.tls.cert }, outbound: () => recording, callbackBase: () => base, nudgeRelay: () => void (nudges += 1) });
  // the platform's callback endpoint, where the simulator's callbacks about the test applications come back
  platform = await createLocalCloud({ store, functions: FUNCTIONS, envRoles: new Map(), log: createLogger({ level: 'silent' }), outside });
  base = await platform.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  platform.server.closeAllConnections();
  await platform.close();
  await realOutbound.close();
  await sim.close();
});

const data = <T>(result: { ok: boolean; data?: unknown }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.data as T;
};
const callPortal = (caller: Caller, event: unknown, now = T0) => portal.handle(event, contextFor(store, caller, now, outside));
/** The relay as its timer fires it at `now`. */
const timer = (now: Date) => relay.handle({}, contextFor(store, undefined, now, outside, 'timer'));
const at = (ms: number) => new Date(T0.getTime() + ms);

/** A staff member of `centerCode` whose endpoint is the simulator's, with a secret the simulator checks. */
async function centerWithEndpoint(centerCode: string, openid: string): Promise<Caller> {
  const { code } = data<{ code: string }>(await admin.handle({ action: 'inviteStaff', centerCode }, contextFor(store, supervisor, T0, outside)));
  data(await callPortal({ openid, roles: [] }, { action: 'joinCenter', code }));
  const staff: Caller = { openid, roles: await store.roles.rolesOf(openid) };
  centerSecret = data<{ secret: string }>(await callPortal(staff, { action: 'rotateSecret' })).secret;
  const endpoint = await store.endpoints.get(centerCode);
  if (!endpoint) throw new Error('rotateSecret made no endpoint');
  await store.endpoints.put({ ...endpoint, mode: 'api', url: sim.endpointFor(centerCode) });
  return staff;
}

const poll = async (staff: Caller, runId: string, now = T0) => data<ConformanceRunView>(await callPortal(staff, { action: 'conformanceRun', runId }, now));

describe('interface testing as a background run', () => {
  it('answers the start at once with the run, sends nothing itself, nudges the relay, and answers the same run to a second start', async () => {
    const staff = await centerWithEndpoint('330100', 'bg-1');
    const started = data<ConformanceRunView>(await callPortal(staff, { action: 'runConformance' }));
    expect(started).toMatchObject({ state: 'running', stateLabel: '正在测试', finished: false, done: 0, total: STEPS, secrets: 1, url: sim.endpointFor('330100'), report: null });
    expect(started.runId).toMatch(/^run[0-9a-f]{20}$/);
    expect(started.steps.map((s) => [s.name, s.label])).toEqual(SUITE_STEP_NAMES.map((name) => [name, '等待中']));
    expect(posts).toEqual([]);
    expect(nudges).toBe(1);
    expect(await callPortal(staff, { action: 'runConformance' }, at(5_000))).toMatchObject({ ok: true, data: { runId: started.runId, done: 0 } });
    expect(await callPortal(staff, { action: 'overview' })).toMatchObject({ ok: true, data: { conformance: { status: 'started', runId: started.runId } } });

    // the relay, nudged, runs every step; the page's poll then shows each result and the report
    expect(await relay.handle({}, contextFor(store, undefined, T0, outside, 'internal'))).toMatchObject({ ok: true, data: { conformance: { runs: 1, steps: STEPS, finished: 1 } } });
    const view = await poll(staff, started.runId);
    expect(view).toMatchObject({ state: 'passed', stateLabel: '全部通过', finished: true, done: STEPS, total: STEPS, report: { passed: true } });
    expect(view.steps.map((s) => s.label)).toEqual(SUITE_STEP_NAMES.map((_, i) => (i === STEPS - 2 ? '已完成' : '通过')));
    expect(view.steps.at(-1)?.checks.map((c) => c.id)).toEqual(['repeat.same-webhook-id', 'callbacks.transfer', 'callbacks.certificate-loan-cleared', 'callbacks.purchase-withdrawal', 'callbacks.service-request', 'attachments.purchase-withdrawal']);
    expect(posts).toHaveLength(POSTS_PER_PASS);
    // the finished run keeps no copy of the center's secret
    expect(await store.conformanceRuns.get(started.runId)).toMatchObject({ secretsSealed: [], passes: 1 });
  });

  it('forgets the secrets of a run abandoned past its time, and keeps those of a run going on', async () => {
    const staff = await centerWithEndpoint('330800', 'bg-8');
    // a day before the other tests' runs, so that their timers never see this one
    const day = 24 * 3_600_000;
    const { runId } = data<ConformanceRunView>(await callPortal(staff, { action: 'runConformance' }, at(-day)));
    await store.conformanceRuns.lease(runId, 'killed', at(-day), at(0));
    // held by an invocation that never comes back: the timer runs nothing, the secret stays while the run may go on
    await timer(at(-day + 60_000));
    expect(await store.conformanceRuns.get(runId)).toMatchObject({ secretsSealed: [expect.any(String)], report: null });
    await timer(at(-day + CONFORMANCE_RUN_MAX_MS + 60_000));
    expect(await store.conformanceRuns.get(runId)).toMatchObject({ secretsSealed: [], passes: 1, report: null });
    expect(await poll(staff, runId, at(-day + CONFORMANCE_RUN_MAX_MS + 60_000))).toMatchObject({ state: 'abandoned', finished: true, total: STEPS });
  });

  it('reports a run that had no secret to sign with as tested nothing, never as passed', async () => {
    const staff = await centerWithEndpoint('330900', 'bg-9');
    // a run started before runs kept their secrets: nothing to sign with, no pass to make
    await store.conformanceRuns.start({ id: 'run00000000000000000009', centerCode: '330900', url: sim.endpointFor('330900'), startedBy: 'bg-9', startedAt: T0, report: null, secretsSealed: [], passes: 0, seed: '' });
    expect(await timer(at(1_000))).toMatchObject({ ok: true, data: { conformance: { runs: 1, steps: 0, finished: 1 } } });
    const view = await poll(staff, 'run00000000000000000009', at(1_000));
    expect(view).toMatchObject({ state: 'failed', stateLabel: '未全部通过', finished: true, report: { passed: false } });
    expect(view.report?.checks).toEqual([{ id: 'run.no-secret', name: '签名密钥', passed: false, detail: '这次测试开始时没有记下可用于签名的密钥，未进行任何检查，请重新运行接口测试' }]);
    expect(posts).toEqual([]);
  });

  it('resumes a run whose invocation was killed mid-way from the next step, and finishes it with every step once', async () => {
    const staff = await centerWithEndpoint('330200', 'bg-2');
    const { runId } = data<ConformanceRunView>(await callPortal(staff, { action: 'runConformance' }));
    // the nudged invocation sends the first three submissions, then dies sending the fourth (its answer never comes)
    hangAt = 4;
    void relay.handle({}, contextFor(store, undefined, T0, outside, 'internal'));
    await waitFor(async () => (await poll(staff, runId)).done === 3 && posts.length === 4);
    expect(await poll(staff, runId)).toMatchObject({ state: 'running', finished: false, done: 3 });

    // the timer a minute on: the killed invocation still holds the lease, so nothing runs twice
    expect(await timer(at(30_000))).toMatchObject({ ok: true, data: { conformance: { runs: 1, steps: 0 } } });
    expect(posts).toHaveLength(4);
    // once the lease has run out, the timer goes on from the fourth step and finishes
    expect(await timer(at(120_000))).toMatchObject({ ok: true, data: { conformance: { runs: 1, steps: STEPS - 3, finished: 1 } } });
    const steps = await store.conformanceRuns.steps(runId);
    expect(steps.map((s) => s.index)).toEqual(Array.from({ length: STEPS }, (_, i) => i));
    // the killed step's delivery went out again (same application, so the center takes it as one), nothing else did
    expect(posts).toHaveLength(POSTS_PER_PASS + 1);
    expect(JSON.parse(posts[4].body).data.applicationId).toBe(JSON.parse(posts[3].body).data.applicationId);
    expect(await poll(staff, runId, at(120_000))).toMatchObject({ state: 'passed', finished: true, done: STEPS, report: { passed: true } });
    // the timer after that finds nothing to do
    expect(await timer(at(180_000))).toMatchObject({ ok: true, data: { conformance: { runs: 0, steps: 0 } } });
  });

  it('gives the lease up when an invocation stops for its time budget, so the next timer goes on at once', async () => {
    const staff = await centerWithEndpoint('330700', 'bg-7');
    const { runId } = data<ConformanceRunView>(await callPortal(staff, { action: 'runConformance' }));
    // a slow center: each delivery takes 25 s on the invocation's clock, so the timer's invocation at T0 sends two
    // and stops 50 s on, with no time left for another step of up to 35 s in its 80 s
    let clock = T0;
    onPost = () => void (clock = new Date(clock.getTime() + 25_000));
    const slow = await relay.handle({}, { ...contextFor(store, undefined, T0, outside, 'timer'), now: () => clock });
    expect(slow).toMatchObject({ ok: true, data: { conformance: { runs: 1, steps: 2, finished: 0 } } });
    onPost = undefined;
    // the next timer, a minute after the first, goes on from the third step and finishes
    expect(await timer(at(60_000))).toMatchObject({ ok: true, data: { conformance: { runs: 1, steps: STEPS - 2, finished: 1 } } });
    expect((await store.conformanceRuns.steps(runId)).map((s) => s.index)).toEqual(Array.from({ length: STEPS }, (_, i) => i));
  });

  it('lets only one of two resumers at once run the steps, so each step runs once', async () => {
    const staff = await centerWithEndpoint('330300', 'bg-3');
    const { runId } = data<ConformanceRunView>(await callPortal(staff, { action: 'runConformance' }));
    const both = await Promise.all([timer(at(1_000)), relay.handle({}, contextFor(store, undefined, at(1_000), outside, 'internal'))]);
    const ran = both.map((r) => data<{ conformance: { steps: number } }>(r).conformance.steps);
    expect(ran.sort((a, b) => a - b)).toEqual([0, STEPS]);
    expect(posts).toHaveLength(POSTS_PER_PASS);
    expect((await store.conformanceRuns.steps(runId)).map((s) => s.index)).toEqual(Array.from({ length: STEPS }, (_, i) => i));
    expect(await poll(staff, runId)).toMatchObject({ finished: true, done: STEPS });
  });

  it('tests each valid secret in turn during a rotation and reports each', async () => {
    const staff = await centerWithEndpoint('330400', 'bg-4');
    const older = centerSecret ?? '';
    // a rotation: both secrets stay valid; the center's system has moved to the new one
    const newer = data<{ secret: string; valid: number }>(await callPortal(staff, { action: 'rotateSecret' }));
    expect(newer.valid).toBe(2);
    centerSecret = newer.secret;
    const started = data<ConformanceRunView>(await callPortal(staff, { action: 'runConformance' }));
    expect(started).toMatchObject({ secrets: 2, total: 2 * STEPS });
    expect(started.steps[0].name).toBe(`密钥 1（当前签名的密钥）：${SUITE_STEP_NAMES[0]}`);
    expect(started.steps[STEPS].name).toBe(`密钥 2（轮换中仍有效的另一个密钥）：${SUITE_STEP_NAMES[0]}`);
    await timer(at(1_000));

    // the first pass signs with the new secret only, the second with the older only
    const signedBy = (p: { body: string; headers: Record<string, string> }, secret: string) => {
      try {
        new Webhook(secret).verify(p.body, p.headers);
        return true;
      } catch {
        return false;
      }
    };
    const [first, second] = [posts.slice(0, POSTS_PER_PASS), posts.slice(POSTS_PER_PASS)];
    // of each pass, the refusal checks are signed otherwise on purpose (another secret; a stale timestamp)
    const signedPlainly = (pass: typeof posts) => pass.filter((_, i) => i !== 8 && i !== 9);
    expect(signedPlainly(first).every((p) => signedBy(p, newer.secret) && !signedBy(p, older))).toBe(true);
    expect(second).toHaveLength(POSTS_PER_PASS);
    expect(signedPlainly(second).every((p) => signedBy(p, older) && !signedBy(p, newer.secret))).toBe(true);

    const view = await poll(staff, started.runId, at(1_000));
    expect(view).toMatchObject({ finished: true, done: 2 * STEPS, state: 'failed', stateLabel: '未全部通过' });
    const checks = view.report?.checks ?? [];
    expect(checks.filter((c) => c.id.startsWith('key1.')).every((c) => c.passed)).toBe(true);
    // the center no longer takes the older secret: the second pass says so, check by check
    const refusedOld = checks.find((c) => c.id === 'key2.delivery.submitted.transfer');
    expect(refusedOld).toMatchObject({ passed: false, name: expect.stringMatching(/^密钥 2（轮换中仍有效的另一个密钥）：推送新申请/) });
    expect(refusedOld?.detail).toContain('签名正确的推送被拒绝');
  });

  it('shows a run to its own center’s staff only', async () => {
    const staff = await centerWithEndpoint('330500', 'bg-5');
    const { runId } = data<ConformanceRunView>(await callPortal(staff, { action: 'runConformance' }));
    const other = await centerWithEndpoint('330600', 'bg-6');
    expect(await callPortal(other, { action: 'conformanceRun', runId })).toEqual({ ok: false, code: 'CONFORMANCE_RUN_NOT_FOUND', message: '未找到本中心的这次接口测试' });
    expect(await callPortal({ openid: 'nobody', roles: [] }, { action: 'conformanceRun', runId })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await callPortal(staff, { action: 'conformanceRun', runId: 'not-a-run' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { runId: '测试编号格式不正确' } });
    expect(await callPortal(staff, { action: 'conformanceRun', runId })).toMatchObject({ ok: true, data: { runId } });
  });
});

async function waitFor(condition: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
