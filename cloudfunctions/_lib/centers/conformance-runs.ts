import { randomBytes } from 'node:crypto';
import {
  CONFORMANCE_RUN_LABELS,
  CONFORMANCE_RUN_MAX_MS,
  CONFORMANCE_RUNS_PER_DAY,
  type ConformanceCheck,
  type ConformanceRunState,
  type ConformanceRunView,
  type ConformanceStepView,
} from '../../../src/core/center-portal';
import { AppError } from '../../../src/core/errors';
import { formatShanghai, shanghaiDay } from '../../../src/core/time';
import { open, sealedAs } from '../crypto/personal-data';
import { attachmentLink } from '../delivery/file-links';
import { DELIVERY_TIMEOUT_MS } from '../delivery/http';
import { requireStaffCenter, type Caller, type FunctionContext, type ServiceContext } from '../runtime/define';
import { centerSubject } from '../services/audit-names';
import { calendarOf } from '../services/calendar';
import type { ConformanceRun, ConformanceStepRecord } from '../store/port';
import { CALLBACK_WAIT_MS, newConformanceSeed, runSuiteStep, SUITE_STEP_NAMES, type ConformanceOptions, type DoneStep } from './conformance';

/**
 * Interface testing as a background run (issue 16 point 5): `portal runConformance` records a run and answers at
 * once; the relay function, nudged then and fired by its one-minute timer, goes on with every unfinished run step
 * by step, recording each step as it finishes, under a lease so two invocations never run one step at once. An
 * invocation killed mid-way loses only the step it was in: the next resumer, once the lease has run out, runs that
 * step again and goes on. The suite runs once with each secret valid when the run started (two during a rotation).
 */

/** The longest one step takes: two deliveries (each up to DELIVERY_TIMEOUT_MS), or the wait for the callbacks. */
const STEP_MAX_MS = Math.max(2 * DELIVERY_TIMEOUT_MS, CALLBACK_WAIT_MS) + 5_000;
/** How long a resumer holds a run before another may take it over: longer than any step, renewed before each. */
export const CONFORMANCE_LEASE_MS = STEP_MAX_MS + 10_000;
/** How long one invocation goes on: it starts no step that could outlast it (the relay's timeout in cloudbaserc.json is 90 s). */
const INVOCATION_BUDGET_MS = 80_000;

const STEPS_PER_PASS = SUITE_STEP_NAMES.length;

/** The report of a run that had no secret to sign with (one started before runs kept theirs): nothing was tested. */
const NOTHING_TESTED: ConformanceCheck = {
  id: 'run.no-secret',
  name: '签名密钥',
  passed: false,
  detail: '这次测试开始时没有记下可用于签名的密钥，未进行任何检查，请重新运行接口测试',
};

/** What the run's pass `pass` of `passes` is called: the secret it signs with. */
function passLabel(pass: number, passes: number): string | null {
  if (passes < 2) return null;
  return pass === 0 ? `密钥 ${pass + 1}（当前签名的密钥）` : `密钥 ${pass + 1}（轮换中仍有效的另一个密钥）`;
}

/** A pass's checks, named after its secret when there is more than one. */
function labelled(checks: readonly ConformanceCheck[], pass: number, passes: number): ConformanceCheck[] {
  const label = passLabel(pass, passes);
  return label === null ? [...checks] : checks.map((c) => ({ ...c, id: `key${pass + 1}.${c.id}`, name: `${label}：${c.name}` }));
}

/** Whether a run is past the time it may take: no longer resumed, nor holding the center's one run at a time. */
const abandoned = (run: ConformanceRun, now: Date) => run.report === null && run.startedAt.getTime() <= now.getTime() - CONFORMANCE_RUN_MAX_MS;

/** A run and the steps it has finished, as the portal shows it. */
export function conformanceRunView(run: ConformanceRun, steps: readonly ConformanceStepRecord[], now: Date): ConformanceRunView {
  const passes = run.passes;
  const total = passes * STEPS_PER_PASS;
  const byIndex = new Map(steps.map((s) => [s.index, s]));
  const views = Array.from({ length: total }, (_, index): ConformanceStepView => {
    const pass = Math.floor(index / STEPS_PER_PASS);
    const label = passLabel(pass, passes);
    const name = `${label === null ? '' : `${label}：`}${SUITE_STEP_NAMES[index % STEPS_PER_PASS]}`;
    const record = byIndex.get(index);
    if (!record) return { name, state: 'waiting', label: '等待中', checks: [] };
    const checks = labelled(record.checks, pass, passes);
    const passed = checks.every((c) => c.passed);
    return { name, state: passed ? 'passed' : 'failed', label: checks.length === 0 ? '已完成' : passed ? '通过' : '未通过', checks };
  });
  const state: ConformanceRunState = run.report ? (run.report.passed ? 'passed' : 'failed') : abandoned(run, now) ? 'abandoned' : 'running';
  return {
    runId: run.id,
    url: run.url,
    startedAt: run.startedAt.toISOString(),
    state,
    stateLabel: CONFORMANCE_RUN_LABELS[state],
    finished: state !== 'running',
    done: steps.filter((s) => s.index < total).length,
    total,
    secrets: passes,
    steps: views,
    report: run.report,
  };
}

/**
 * Starts a run against `url` signed with each of `secretsSealed` in turn, and answers at once (the relay is nudged to
 * go on with it); while the center has a run going on, answers that one instead. CONFORMANCE_RUNS_PER_DAY a China day:
 * the suite sends requests to an address staff chose, possibly not yet reviewed.
 */
export async function startConformanceRun(
  ctx: ServiceContext,
  caller: Caller,
  start: { centerCode: string; url: string; secretsSealed: string[] },
): Promise<ConformanceRunView> {
  const { centerCode, url, secretsSealed } = start;
  const run: ConformanceRun = {
    id: `run${randomBytes(10).toString('hex')}`,
    centerCode,
    url,
    startedBy: caller.openid,
    startedAt: ctx.now,
    report: null,
    secretsSealed,
    passes: secretsSealed.length,
    seed: newConformanceSeed(),
  };
  const day = shanghaiDay(ctx.now);
  const started = await ctx.store.conformanceRuns.startIfFree(run, {
    busySince: new Date(ctx.now.getTime() - CONFORMANCE_RUN_MAX_MS),
    daySince: day.start,
    dailyCap: CONFORMANCE_RUNS_PER_DAY,
  });
  if (started.kind === 'running') return conformanceRunView(started.run, await ctx.store.conformanceRuns.steps(started.run.id), ctx.now);
  if (started.kind === 'daily-cap') {
    throw new AppError('TOO_MANY_ATTEMPTS', `本中心今日已进行 ${started.count} 次接口测试，达到每日 ${CONFORMANCE_RUNS_PER_DAY} 次的上限，请于 ${formatShanghai(day.end)} 后再试`);
  }
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'conformance.run', subject: centerSubject(centerCode), detail: `${run.id} ${url}` });
  ctx.outside.nudgeRelay();
  return conformanceRunView(run, [], ctx.now);
}

/** A run's progress, for the staff of its center only (another center's run is not found for them). */
export async function readConformanceRun(ctx: ServiceContext, caller: Caller, runId: string): Promise<ConformanceRunView> {
  const centerCode = requireStaffCenter(caller, '查看接口测试');
  const run = await ctx.store.conformanceRuns.get(runId);
  if (!run || run.centerCode !== centerCode) throw new AppError('CONFORMANCE_RUN_NOT_FOUND', '未找到本中心的这次接口测试');
  return conformanceRunView(run, await ctx.store.conformanceRuns.steps(run.id), ctx.now);
}

type ResumeContext = Pick<FunctionContext, 'store' | 'log' | 'now' | 'outside'>;

export interface ResumeOutcome {
  /** Unfinished runs found. */
  runs: number;
  /** Steps this invocation ran and recorded. */
  steps: number;
  /** Runs it finished. */
  finished: number;
}

/**
 * Goes on with every unfinished run (the relay runs this beside its deliveries, on its nudge and its timer): each
 * run's next steps in turn while this invocation holds its lease and has the time for another step.
 */
export async function resumeConformanceRuns(ctx: ResumeContext): Promise<ResumeOutcome> {
  const began = ctx.now().getTime();
  const holder = randomBytes(8).toString('hex');
  let runs: ConformanceRun[];
  try {
    const since = new Date(began - CONFORMANCE_RUN_MAX_MS);
    // the runs past their time are no longer resumed: their copies of the secrets go (finished ones lose theirs as they finish)
    [runs] = await Promise.all([ctx.store.conformanceRuns.unfinished(since), ctx.store.conformanceRuns.forgetSecrets(since)]);
  } catch (error) {
    // never at the deliveries' expense: the relay's run beside this one goes on, and the next timer tries again
    ctx.log.error({ err: error }, 'unfinished conformance runs could not be read');
    return { runs: 0, steps: 0, finished: 0 };
  }
  // one run per center at most, each mostly waiting on its center: side by side
  const outcomes = await Promise.all(
    runs.map(async (run) => {
      try {
        return await goOn(ctx, run, holder, began);
      } catch (error) {
        // the lease runs out and a later invocation tries the step again, until the run is abandoned
        ctx.log.error({ err: error, runId: run.id }, 'conformance step failed unexpectedly');
        return { steps: 0, finished: false };
      }
    }),
  );
  return { runs: runs.length, steps: outcomes.reduce((n, o) => n + o.steps, 0), finished: outcomes.filter((o) => o.finished).length };
}

async function goOn(ctx: ResumeContext, run: ConformanceRun, holder: string, began: number): Promise<{ steps: number; finished: boolean }> {
  const repo = ctx.store.conformanceRuns;
  const total = run.passes * STEPS_PER_PASS;
  const options: ConformanceOptions = {
    outbound: ctx.outside.outbound(),
    inbox: {
      callbackBase: ctx.outside.callbackBase(),
      received: (applicationId) => ctx.store.conformanceCallbacks.listFor(run.centerCode, applicationId),
      // the platform's own download links, served by the callbacks function like a real delivery's; dated by the
      // wall clock the suite signs with, as the download route checks them
      linkOf: (applicationId, attachment) => attachmentLink(ctx.outside.keyring(), ctx.outside.callbackBase(), { applicationId, attachmentId: attachment.id, centerCode: run.centerCode }, new Date()),
      fetches: (applicationId) => ctx.store.attachmentFetches.ofApplication(applicationId),
    },
    calendar: calendarOf(ctx.store),
  };
  let steps = 0;
  for (;;) {
    const at = ctx.now();
    // the lease is taken (or renewed) before every step, for longer than a step takes
    if (!(await repo.lease(run.id, holder, at, new Date(at.getTime() + CONFORMANCE_LEASE_MS)))) return { steps, finished: false };
    const done = await repo.steps(run.id);
    const next = done.findIndex((s, i) => s.index !== i);
    const index = next === -1 ? done.length : next;
    if (index >= total) {
      const checks = total === 0 ? [NOTHING_TESTED] : done.flatMap((s) => labelled(s.checks, Math.floor(s.index / STEPS_PER_PASS), run.passes));
      const finishedAt = done.at(-1)?.doneAt ?? at;
      await repo.finish(run.id, { passed: checks.every((c) => c.passed), checks, startedAt: run.startedAt.toISOString(), finishedAt: finishedAt.toISOString() });
      return { steps, finished: true };
    }
    if (at.getTime() - began + STEP_MAX_MS > INVOCATION_BUDGET_MS) {
      // given up at once (a lease until now): the next timer goes on with the next step instead of waiting it out
      await repo.lease(run.id, holder, at, at);
      return { steps, finished: false };
    }
    const pass = Math.floor(index / STEPS_PER_PASS);
    const secret = open(ctx.outside.keyring(), sealedAs.endpointSecret(run.centerCode), run.secretsSealed[pass]);
    // the pass's own steps done, by their index in the pass
    const passDone: DoneStep[] = done.filter((s) => Math.floor(s.index / STEPS_PER_PASS) === pass);
    const result = await runSuiteStep({ target: { centerCode: run.centerCode, url: run.url, secret }, seed: `${run.seed}:${pass}`, startedAt: run.startedAt }, index % STEPS_PER_PASS, passDone, options);
    // recorded once: should the lease have run out meanwhile and another resumer recorded the step first, its record stands
    if (await repo.recordStep(run.id, { index, ...result, doneAt: new Date() })) steps += 1;
  }
}
