import { performance } from 'node:perf_hooks';
import { applyMove } from '../../../src/core/applications';
import { open, SEALED_FIELDS } from '../crypto/personal-data';
import type { FunctionContext } from '../runtime/define';
import type { ApplicationRecord, DeliveryAttempt, OutboxRecord, Transition } from '../store/port';
import { deliveryBody } from './messages';
import { nextAttemptAt } from './schedule';
import { signHeaders } from './signing';

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

type Settled = 'delivered' | 'retrying' | 'dead';

/**
 * One relay run: claims due outbox records (leased, so concurrent runs never send one record twice at
 * once), signs and POSTs each to its center's endpoint, records every attempt, and reschedules or
 * dead-letters failures. Runs on the one-minute timer and right after a submission.
 */
export async function relayDue(ctx: RelayContext, options: { batch?: number; concurrency?: number } = {}): Promise<RelayRun> {
  const run: RelayRun = { claimed: 0, delivered: 0, retrying: 0, dead: 0 };
  const records = await ctx.store.outbox.claimDue(ctx.now(), options.batch ?? RELAY_BATCH, ctx.outside.relayLeaseMs);
  run.claimed = records.length;
  // one application's deliveries go in order (submitted before withdrawn); different applications in parallel
  const byApplication = new Map<string, OutboxRecord[]>();
  for (const record of records) byApplication.set(record.applicationId, [...(byApplication.get(record.applicationId) ?? []), record]);
  const queues = [...byApplication.values()];
  let next = 0;
  const worker = async () => {
    while (next < queues.length) {
      for (const record of queues[next++]) {
        try {
          run[await deliver(ctx, record)] += 1;
        } catch (error) {
          // the lease runs out and a later run tries again; nothing is lost
          ctx.log.error({ err: error, outboxId: record.id }, 'delivery failed unexpectedly');
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? RELAY_CONCURRENCY, queues.length) }, worker));
  return run;
}

async function deliver(ctx: RelayContext, record: OutboxRecord): Promise<Settled> {
  const app = await ctx.store.applications.get(record.applicationId);
  if (!app) throw new Error(`outbox ${record.id} names a missing application`);
  const endpoint = await ctx.store.endpoints.get(record.centerCode);
  const keyring = ctx.outside.keyring();
  const attemptAt = ctx.now();
  const started = performance.now();
  const attempt = (httpStatus: number | null, error: string | null): DeliveryAttempt => ({
    outboxId: record.id,
    at: attemptAt,
    durationMs: performance.now() - started,
    httpStatus,
    error,
  });

  const fail = async (a: DeliveryAttempt, retryAfterSeconds?: number, final = false): Promise<Settled> => {
    const retryAt = final ? null : nextAttemptAt(record.attempts + 1, ctx.now(), retryAfterSeconds);
    await ctx.store.outbox.markFailed(record.id, a, retryAt);
    ctx.log.warn({ outboxId: record.id, centerCode: record.centerCode, status: a.httpStatus, error: a.error, retryAt }, retryAt ? 'delivery will be retried' : 'delivery dead-lettered');
    return retryAt ? 'retrying' : 'dead';
  };

  if (!endpoint || endpoint.mode !== 'api' || !endpoint.url || endpoint.secretsSealed.length === 0) {
    return fail(attempt(null, '中心尚未登记接收接口'));
  }
  const body = deliveryBody(record, app, keyring, ctx.outside.callbackBase());
  const secrets = endpoint.secretsSealed.map((s) => open(keyring, SEALED_FIELDS.endpointSecret, s));
  // the wall clock, not ctx.now(): the center checks webhook-timestamp against its own clock
  const outcome = await ctx.outside.outbound().postJson(endpoint.url, body, signHeaders(secrets, record.id, new Date(), body));

  if (outcome.kind === 'failed') return fail(attempt(null, outcome.error));
  const { status } = outcome;
  if ((status >= 200 && status < 300) || status === 409) {
    await ctx.store.outbox.markDelivered(record.id, attempt(status, null), record.type === 'application.submitted' ? deliveredMove(app, record, ctx.now()) : undefined);
    return 'delivered';
  }
  if (status === 410) return fail(attempt(status, '中心接口已停用（410）'), undefined, true);
  const retryAfter = status === 429 || status === 503 ? outcome.retryAfterSeconds : undefined;
  return fail(attempt(status, `中心答复 HTTP ${status}`), retryAfter);
}

/** The application's move to "delivered", when it is still waiting for it. */
function deliveredMove(app: ApplicationRecord, record: OutboxRecord, at: Date): Transition | undefined {
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
