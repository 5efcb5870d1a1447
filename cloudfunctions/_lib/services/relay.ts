import { performance } from 'node:perf_hooks';
import { applyMove } from '../../../src/core/applications/state-machine';
import type { FunctionContext } from '../runtime/define';
import type { ApplicationRecord, DeliveryAttempt, OutboxRecord, Settlement } from '../store/port';
import { DELIVERY_TIMEOUT_MS } from '../delivery/http';
import { deliveryForm } from '../applications/deliveries';
import { deliveryBody, deliveryHeaders } from '../delivery/messages';
import { nextAttemptAt } from '../delivery/schedule';
import { servingSecrets } from './secrets';

type RelayContext = Pick<FunctionContext, 'store' | 'log' | 'now' | 'outside'>;

export interface RelayRun {
  claimed: number;
  delivered: number;
  retrying: number;
  dead: number;
}

/** How many due deliveries one claim takes, and how many a run sends at once. */
export const RELAY_BATCH = 200;
export const RELAY_CONCURRENCY = 16;
/** How long one run may claim and send for (its function's timeout in cloudbaserc.json is longer), and how many results it saves at a time. */
export const RELAY_RUN_MS = 60_000;
export const SETTLE_EVERY = 50;

export interface RelayOptions {
  /** How many records one claim takes (RELAY_BATCH). */
  batch?: number;
  /** How many deliveries are sent at once (RELAY_CONCURRENCY). */
  concurrency?: number;
  /** How long the run may go on (RELAY_RUN_MS); tests shorten it. */
  runMs?: number;
}

/** Where a center takes deliveries and the secrets to sign with, read once per run. */
interface Target {
  url: string;
  secrets: string[];
}

/** A claimed record, its application as its claim read it, and the last moment an attempt at it may start. */
interface InHand {
  record: OutboxRecord;
  app: ApplicationRecord | undefined;
  startBy: number;
}

/**
 * One relay run: claims due outbox records (leased, so concurrent runs never send one record twice at once), signs
 * and POSTs each to its center's endpoint, and records the attempts a few dozen at a time: delivered, rescheduled on
 * the backoff schedule, or dead-lettered. It goes on claiming while the last claim brought a claim's worth of new
 * records and its time allows, the next claim made while the one before is being sent, so a backlog drains in one run
 * and the senders never wait for the store between claims. A run that dies loses no record: the unsaved ones' leases
 * run out and the next run sends them again under the same webhook-id. Runs on the one-minute timer and right after a
 * submission.
 */
export async function relayDue(ctx: RelayContext, options: RelayOptions = {}): Promise<RelayRun> {
  const batch = options.batch ?? RELAY_BATCH;
  const concurrency = options.concurrency ?? RELAY_CONCURRENCY;
  const runEnd = performance.now() + (options.runMs ?? RELAY_RUN_MS);
  // no attempt starts that could outlast the run (nor, per claim, that claim's lease)
  const lastStart = runEnd - DELIVERY_TIMEOUT_MS;
  const run: RelayRun = { claimed: 0, delivered: 0, retrying: 0, dead: 0 };

  const targets = new Map<string, Promise<Target | string>>();
  const targetOf = (centerCode: string) => {
    let target = targets.get(centerCode);
    if (!target) targets.set(centerCode, (target = loadTarget(ctx, centerCode)));
    return target;
  };

  // one application's deliveries go in order (submitted before withdrawn), different applications in parallel: each
  // application's records wait in one queue, and its records from a later claim join that queue, so the worker
  // holding the application sends them after the earlier ones and nobody else sends them first
  const queues = new Map<string, InHand[]>();
  /** Applications with records in hand that no worker holds yet, in the order they were claimed. */
  const ready: string[] = [];
  /** Applications with a record left unsent (its time to start ran out): their later records are left too, in order. */
  const left = new Set<string>();
  let untaken = 0;
  /** When the first attempt started, and how many attempts have ended since: the run's pace. */
  let sendingSince: number | undefined;
  let sent = 0;
  /** The claim in flight (one at a time), how many were made, and whether the claiming is over (a claim came back short). */
  let claiming: Promise<void> | undefined;
  let claims = 0;
  let claimedAll = false;
  /** The records this run claimed: one its own later claim takes again (a lease shorter than the run) is not sent twice. */
  const mine = new Set<string>();
  // a claim that fails ends the claiming and a save (or a read) that fails ends the sending too; either way the run
  // answers the error once what it sent is saved, and what it holds unsent waits out its lease
  let failure: { error: unknown } | undefined;
  let stopped = false;
  const claimFailed = (error: unknown) => {
    failure ??= { error };
    claimedAll = true;
  };
  const sendingFailed = (error: unknown) => {
    claimFailed(error);
    stopped = true;
  };

  /** The failed attempts, logged once the run has saved them; a delivered one is only counted (a run holds no more of it). */
  const failed: Extract<Settlement, { outcome: 'failed' }>[] = [];
  // results are saved as they come, a few dozen at a time: a run cut short keeps what it recorded
  let unsaved: Settlement[] = [];
  const save = async () => {
    const saving = unsaved;
    unsaved = [];
    if (saving.length === 0) return;
    try {
      await ctx.store.outbox.settle(saving);
    } catch (error) {
      // kept for the run's last save, which tries them again
      unsaved = [...saving, ...unsaved];
      throw error;
    }
  };
  const keep = (settled: Settlement) => {
    if (settled.outcome === 'delivered') run.delivered += 1;
    else failed.push(settled);
    unsaved.push(settled);
  };

  const send = async ({ record, app }: InHand) => {
    if (!app) {
      ctx.log.error({ outboxId: record.id }, 'outbox record names a missing application');
      return;
    }
    const target = await targetOf(record.centerCode);
    try {
      keep(await deliver(ctx, record, app, target));
    } catch (error) {
      // the body could not be made (a payload that does not open, a key retired): an attempt like any failure, so
      // the record is retried on the schedule and dead-lettered for supervisors rather than stuck
      ctx.log.error({ err: error, outboxId: record.id }, 'delivery failed unexpectedly');
      const at = ctx.now();
      keep({
        id: record.id,
        attempt: { outboxId: record.id, at, durationMs: 0, httpStatus: null, error: '平台未能生成推送内容' },
        outcome: 'failed',
        retryAt: nextAttemptAt(record.attempts + 1, at),
      });
    }
    if (unsaved.length >= SETTLE_EVERY) await save();
  };

  const work = async () => {
    for (let id = ready.shift(); id !== undefined && !stopped; id = ready.shift()) {
      const queue = queues.get(id) ?? [];
      for (let next = queue.shift(); next && !stopped; next = queue.shift()) {
        untaken -= 1;
        if (performance.now() >= next.startBy) {
          // left with the rest of its application's records: their leases run out and a later run sends them in order
          left.add(id);
          untaken -= queue.length;
          queue.length = 0;
          claimNext();
          break;
        }
        sendingSince ??= performance.now();
        claimNext();
        await send(next);
        sent += 1;
        claimNext();
      }
      queues.delete(id);
    }
  };
  const workers = new Set<Promise<void>>();
  const wake = () => {
    while (workers.size < concurrency && ready.length > 0) {
      const worker: Promise<void> = work()
        .catch(sendingFailed)
        .finally(() => workers.delete(worker));
      workers.add(worker);
    }
  };

  const claim = async () => {
    claims += 1;
    const claimedAt = performance.now();
    const records = await ctx.store.outbox.claimDue(ctx.now(), batch, ctx.outside.relayLeaseMs);
    const ids = [...new Set(records.map((r) => r.applicationId))];
    const apps = new Map(ids.length === 0 ? [] : (await ctx.store.applications.getMany(ids)).map((a) => [a.id, a]));
    // the endpoints of centers this run has not read yet, before the records are in hand: a worker checks a record's
    // time to start just before it sends, and no endpoint read comes between the check and the POST (a completion
    // notice still reads its documents there)
    await Promise.all([...new Set(records.map((r) => r.centerCode))].map(targetOf));
    const startBy = Math.min(claimedAt + ctx.outside.relayLeaseMs, runEnd) - DELIVERY_TIMEOUT_MS;
    let fresh = 0;
    for (const record of records) {
      if (mine.has(record.id)) continue;
      mine.add(record.id);
      fresh += 1;
      run.claimed += 1;
      if (left.has(record.applicationId)) continue;
      const inHand = { record, app: apps.get(record.applicationId), startBy };
      const queue = queues.get(record.applicationId);
      if (queue) queue.push(inHand);
      else {
        queues.set(record.applicationId, [inHand]);
        ready.push(record.applicationId);
      }
      untaken += 1;
    }
    // a claim short of new records ends the claiming: nothing more is due, or it took back this run's own
    if (fresh < batch) claimedAll = true;
  };
  // The next claim (with its applications' read) is made once the first attempt has ended and fewer than a claim's
  // worth are left untaken, not when only `concurrency` are left: it then has the sending of most of a claim to come
  // back in rather than about one POST's time, so the workers do not wait for it. The price, at most one claim more
  // in hand than being sent, is kept from the run's end by `timeAllows`, which needs the pace of one attempt at least.
  const claimNext = () => {
    if (claiming || claimedAll || untaken >= batch || (claims > 0 && sent === 0) || !timeAllows()) return;
    claiming = claim()
      .catch(claimFailed)
      .then(() => {
        claiming = undefined;
        wake();
        claimNext();
      });
  };
  // whether a claim now could still be sent: the records in hand, at the pace so far, leave the workers free before
  // the run's last start (what a claim brought after it would only wait out its lease)
  const timeAllows = () => {
    const now = performance.now();
    const inHandMs = sendingSince === undefined || sent === 0 ? 0 : (untaken * (now - sendingSince)) / sent;
    return now + inHandMs < lastStart;
  };

  claimNext();
  while (claiming || workers.size > 0) {
    await Promise.race([...workers, ...(claiming ? [claiming] : [])]);
    wake(); // records a claim brought while every worker was ending
  }
  // the last save, tried once more when it fails (with what an earlier failed save kept)
  for (let tries = 0; tries < 2 && unsaved.length > 0; tries++) {
    try {
      await save();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;

  for (const s of failed) {
    run[s.retryAt ? 'retrying' : 'dead'] += 1;
    ctx.log.warn({ outboxId: s.id, status: s.attempt.httpStatus, error: s.attempt.error, retryAt: s.retryAt }, s.retryAt ? 'delivery will be retried' : 'delivery dead-lettered');
  }
  return run;
}

/**
 * The center's endpoint and the secrets that serve now (a retired one signs nothing, services/secrets.ts); a
 * center whose secrets all retired gets no delivery: each attempt fails, recorded with why, and is retried on
 * the backoff schedule until the center rotates (then delivered) or the record is dead-lettered.
 */
async function loadTarget(ctx: RelayContext, centerCode: string): Promise<Target | string> {
  const endpoint = await ctx.store.endpoints.get(centerCode);
  if (!endpoint || endpoint.mode !== 'api' || !endpoint.url || endpoint.secretsSealed.length === 0) return NO_ENDPOINT;
  const secrets = await servingSecrets(ctx.store, ctx.outside.keyring(), endpoint, ctx.now());
  return secrets.length > 0 ? { url: endpoint.url, secrets } : SECRETS_RETIRED;
}

const NO_ENDPOINT = '中心尚未登记接收接口';
/** Why a delivery to a center whose secrets all retired is not sent. */
export const SECRETS_RETIRED = '中心的签名密钥均已停用（曾看到它的工作人员已被撤销角色），等待中心在门户更换密钥';

/** One attempt at one record, answered as the settlement it calls for. */
async function deliver(ctx: RelayContext, record: OutboxRecord, app: ApplicationRecord, target: Target | string): Promise<Settlement> {
  const attemptAt = ctx.now();
  const started = performance.now();
  const attempt = (httpStatus: number | null, error: string | null): DeliveryAttempt => ({
    outboxId: record.id,
    at: attemptAt,
    durationMs: performance.now() - started,
    httpStatus,
    error,
  });
  const failed = (a: DeliveryAttempt, retryAfterSeconds?: number, final = false): Settlement => ({
    id: record.id,
    attempt: a,
    outcome: 'failed',
    retryAt: final ? null : nextAttemptAt(record.attempts + 1, ctx.now(), retryAfterSeconds),
  });

  if (typeof target === 'string') return failed(attempt(null, target));
  const documents = record.type === 'application.completed' ? await ctx.store.applications.documents(app.id) : [];
  // attachments go as links for this center (format 2): the relay never reads a file, whatever their size
  const body = deliveryBody(record, app, ctx.outside.keyring(), ctx.outside.callbackBase(), documents, deliveryForm(ctx, record, app, attemptAt), app.acceptByProvisional);
  // the wall clock, not ctx.now(): the center checks webhook-timestamp against its own clock
  const outcome = await ctx.outside.outbound().postJson(target.url, body, deliveryHeaders(target.secrets, record.id, new Date(), body));

  if (outcome.kind === 'failed') return failed(attempt(null, outcome.error));
  const { status } = outcome;
  if ((status >= 200 && status < 300) || status === 409) {
    return { id: record.id, attempt: attempt(status, null), outcome: 'delivered', advance: record.type === 'application.submitted' ? deliveredMove(app, record, ctx.now()) : undefined };
  }
  if (status === 410) return failed(attempt(status, '中心接口已停用（410）'), undefined, true);
  const retryAfter = status === 429 || status === 503 ? outcome.retryAfterSeconds : undefined;
  return failed(attempt(status, `中心答复 HTTP ${status}`), retryAfter);
}

/** The application's move to "delivered", when it is still waiting for it. */
export function deliveredMove(app: ApplicationRecord, record: OutboxRecord, at: Date): Extract<Settlement, { outcome: 'delivered' }>['advance'] {
  const moved = applyMove(app, { by: 'relay', kind: 'delivered' });
  if (!moved.ok) return undefined;
  return {
    id: app.id,
    expected: { status: app.status, platformCode: app.platformCode },
    next: moved.next,
    event: {
      applicationId: app.id,
      at,
      actor: 'relay',
      actorId: 'relay',
      from: app.status,
      to: moved.next.status,
      platformCode: moved.next.platformCode,
      centerCode: record.centerCode,
      message: '申请已送达中心',
    },
  };
}

