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

/** How many due deliveries one run claims, and how many it sends at once. */
export const RELAY_BATCH = 200;
export const RELAY_CONCURRENCY = 16;
/** How long one run may send for (its function's timeout in cloudbaserc.json is longer), and how many results it saves at a time. */
export const RELAY_RUN_MS = 60_000;
const SETTLE_EVERY = 50;

/** Where a center takes deliveries and the secrets to sign with, read once per run. */
interface Target {
  url: string;
  secrets: string[];
}

/**
 * One relay run: claims due outbox records (leased, so concurrent runs never send one record twice at
 * once), signs and POSTs each to its center's endpoint, and records the attempts a few dozen at a time:
 * delivered, rescheduled on the backoff schedule, or dead-lettered. A run that dies loses no record: the
 * unsaved ones' leases run out and the next run sends them again under the same webhook-id. Runs on the
 * one-minute timer and right after a submission.
 */
export async function relayDue(ctx: RelayContext, options: { batch?: number; concurrency?: number } = {}): Promise<RelayRun> {
  const claimedAt = performance.now();
  const records = await ctx.store.outbox.claimDue(ctx.now(), options.batch ?? RELAY_BATCH, ctx.outside.relayLeaseMs);
  const run: RelayRun = { claimed: records.length, delivered: 0, retrying: 0, dead: 0 };
  if (records.length === 0) return run;
  // no attempt starts that could outlast the lease or the run; what is left is claimed again when the lease runs out
  const startBy = claimedAt + Math.min(ctx.outside.relayLeaseMs, RELAY_RUN_MS) - DELIVERY_TIMEOUT_MS;

  const apps = new Map((await ctx.store.applications.getMany([...new Set(records.map((r) => r.applicationId))])).map((a) => [a.id, a]));
  const targets = new Map<string, Promise<Target | string>>();
  const targetOf = (centerCode: string) => {
    let target = targets.get(centerCode);
    if (!target) targets.set(centerCode, (target = loadTarget(ctx, centerCode)));
    return target;
  };

  // one application's deliveries go in order (submitted before withdrawn); different applications in parallel
  const byApplication = new Map<string, OutboxRecord[]>();
  for (const record of records) byApplication.set(record.applicationId, [...(byApplication.get(record.applicationId) ?? []), record]);
  const queues = [...byApplication.values()];
  const settlements: Settlement[] = [];
  // results are saved as they come, a few dozen at a time: a run cut short keeps what it recorded
  let unsaved: Settlement[] = [];
  const save = async () => {
    const batch = unsaved;
    unsaved = [];
    if (batch.length > 0) await ctx.store.outbox.settle(batch);
  };
  const keep = (settled: Settlement) => {
    settlements.push(settled);
    unsaved.push(settled);
  };
  let next = 0;
  const worker = async () => {
    while (next < queues.length) {
      for (const outboxRecord of queues[next++]) {
        if (performance.now() >= startBy) break;
        const app = apps.get(outboxRecord.applicationId);
        if (!app) {
          ctx.log.error({ outboxId: outboxRecord.id }, 'outbox record names a missing application');
          continue;
        }
        const target = await targetOf(outboxRecord.centerCode);
        try {
          keep(await deliver(ctx, outboxRecord, app, target));
        } catch (error) {
          // the body could not be made (a payload that does not open, a key retired): an attempt like any failure, so
          // the record is retried on the schedule and dead-lettered for supervisors rather than stuck
          ctx.log.error({ err: error, outboxId: outboxRecord.id }, 'delivery failed unexpectedly');
          const at = ctx.now();
          keep({
            id: outboxRecord.id,
            attempt: { outboxId: outboxRecord.id, at, durationMs: 0, httpStatus: null, error: '平台未能生成推送内容' },
            outcome: 'failed',
            retryAt: nextAttemptAt(outboxRecord.attempts + 1, at),
          });
        }
        if (unsaved.length >= SETTLE_EVERY) await save();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? RELAY_CONCURRENCY, queues.length) }, worker));
  await save();

  for (const s of settlements) {
    if (s.outcome === 'delivered') run.delivered += 1;
    else {
      run[s.retryAt ? 'retrying' : 'dead'] += 1;
      ctx.log.warn({ outboxId: s.id, status: s.attempt.httpStatus, error: s.attempt.error, retryAt: s.retryAt }, s.retryAt ? 'delivery will be retried' : 'delivery dead-lettered');
    }
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
function deliveredMove(app: ApplicationRecord, record: OutboxRecord, at: Date): Extract<Settlement, { outcome: 'delivered' }>['advance'] {
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

