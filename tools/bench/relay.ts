/**
 * Relay throughput: 5,000 due deliveries to the center simulator (which verifies each signature and calls
 * nothing back), sent by relayDue runs until none is left (a run claims on while its claims come back full); beside a
 * plain undici POST loop to the same endpoint, as many at once, connected the same way, with bodies of the same size
 * signed beforehand. Measured in rounds taking turns, with the machine's load average printed beside the figures.
 * Then 1,600 more each with the simulator answering every delivery after 50 ms, as a center across a network would.
 * Last, the relay's own work alone (claim, read, body, signature, save; no POST), one claim after another, in CPU time
 * a delivery, beside what 0.8 of the baseline leaves the relay for it.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { Webhook } from 'standardwebhooks';
import { TRANSFER_ACCEPT_WORKING_DAYS } from '../../src/core/applications/status';
import { shanghaiDate } from '../../src/core/time';
import { sealPayload } from '../../cloudfunctions/_lib/applications/payload';
import { seal, sealedAs, type Keyring } from '../../cloudfunctions/_lib/crypto/personal-data';
import { createOutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { DELIVERY_FORMAT_VERSION, FORMAT_HEADER } from '../../cloudfunctions/_lib/delivery/file-links';
import { deliveryBody, deliveryHeaders } from '../../cloudfunctions/_lib/delivery/messages';
import { deliveryForm } from '../../cloudfunctions/_lib/applications/deliveries';
import type { FunctionContext } from '../../cloudfunctions/_lib/runtime/define';
import { calendarOf } from '../../cloudfunctions/_lib/services/calendar';
import { deliveredMove, RELAY_BATCH, RELAY_CONCURRENCY, relayDue, SETTLE_EVERY, type RelayRun } from '../../cloudfunctions/_lib/services/relay';
import type { Settlement } from '../../cloudfunctions/_lib/store/port';
import { newSecret, newWebhookId } from '../../cloudfunctions/_lib/delivery/signing';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { ApplicationRecord, OutboxRecord, Store } from '../../cloudfunctions/_lib/store/port';
import { startCenterSim } from '../center-sim/server';
import { benchOutside, benchStore, bindPerson, fmt, residentId } from './fixtures';

export const RELAY_DELIVERIES = 5_000;
/** The deliveries are measured in this many rounds of relay and baseline in turn. */
const ROUNDS = 5;
const TRANSFER_IN = '321000';
const TRANSFER_OUT = '110000';
/**
 * Then, with the simulator answering each delivery after this long (a center across the network rather than in
 * this process), this many rounds of this many deliveries.
 */
const CENTER_LATENCY_MS = 50;
const SLOW_ROUNDS = 2;
const SLOW_PER_ROUND = 800;
/** Issue 16, point 9: the relay at least this ratio of plain POSTs to the same server. */
const TARGET_RATIO = 0.8;

const PAYLOAD = {
  transferOutCenter: TRANSFER_OUT,
  transferInCenter: TRANSFER_IN,
  formerEmployer: '北京某某科技有限公司',
  newEmployer: '扬州某某制造有限公司',
  newAccount: '3210098765',
  phone: '13912345678',
};

/** 20 characters of [a-z0-9], like the service's application ids. */
const appId = (prefix: string, n: number) => `${prefix}${String(n).padStart(20 - prefix.length, '0')}`;

/** A submitted transfer as submitTransfer stores it (sealed applicant and form), with its one outbox record. */
function submitted(keyring: Keyring, n: number, now: Date, acceptBy: string, acceptByProvisional: boolean): { app: ApplicationRecord; outbox: OutboxRecord } {
  const openid = `bench-relay-${n}`;
  const id = appId('rl', n);
  const app: ApplicationRecord = {
    id,
    type: 'transfer',
    openid,
    requestId: `bench-relay-${String(n).padStart(8, '0')}`,
    status: 'submitted',
    platformCode: null,
    responsibleCenter: TRANSFER_IN,
    centers: [
      { code: TRANSFER_IN, role: 'transfer-in' },
      { code: TRANSFER_OUT, role: 'transfer-out' },
    ],
    inFlightKey: `transfer:${openid}:${TRANSFER_OUT}`,
    letterNumber: null,
    applicant: { docType: '01', nameSealed: seal(keyring, sealedAs.name(openid), '张三'), docNumberSealed: seal(keyring, sealedAs.docNumber(openid), residentId(n)) },
    payloadSealed: sealPayload(keyring, id, PAYLOAD),
    acceptBy,
    acceptByProvisional,
    targetBy: null,
    targetProvisional: false,
    payment: null,
    test: false,
    createdAt: now,
    updatedAt: now,
  };
  const outbox: OutboxRecord = {
    id: newWebhookId(),
    applicationId: app.id,
    centerCode: TRANSFER_IN,
    type: 'application.submitted',
    createdAt: now,
    dueAt: now,
    attempts: 0,
    state: 'pending',
    lastError: null,
    deliveredAt: null,
  };
  return { app, outbox };
}

async function createDue(store: Store, keyring: Keyring, from: number, count: number): Promise<void> {
  const now = new Date();
  const today = shanghaiDate(now);
  const letterPrefix = `${TRANSFER_IN}${today.slice(2, 4)}${today.slice(5, 7)}${today.slice(8, 10)}`;
  // the official calendar, as a submission computes it
  const { date: acceptBy, provisional } = await calendarOf(store).addWorkingDays(today, TRANSFER_ACCEPT_WORKING_DAYS);
  for (let n = from; n < from + count; n++) {
    const { app, outbox } = submitted(keyring, n, now, acceptBy, provisional);
    // the store takes a person's case only with their identity bound (ApplicationRepository.create)
    await bindPerson(store, keyring, app.openid, residentId(n), now);
    const created = await store.applications.create(app, [], [outbox], letterPrefix);
    if (created.kind !== 'created') throw new Error(`application ${n}: ${created.kind}`);
  }
}

/** The relay's own work is measured this many times on this many deliveries. */
const WORK_ROUNDS = 5;
const WORK_ALONE = 1_000;

/**
 * The relay's own work for `count` due deliveries, a claim at a time as relayDue does it but with nothing sent: the
 * claim and the read of its applications, then for each delivery its body (the sealed applicant and form opened) and
 * its signature, and the saves of an attempt each (delivered, the case moved on). Answers the process's CPU time a
 * delivery in ms, for the store's part and for the whole (the database server's own work is not in either).
 */
async function workAlone(ctx: Pick<FunctionContext, 'store' | 'outside'>, secret: string, count: number): Promise<{ storeMs: number; allMs: number }> {
  const { store, outside } = ctx;
  const keyring = outside.keyring();
  let storeMicros = 0;
  let allMicros = 0;
  const timed = async <T>(work: () => Promise<T> | T, isStore: boolean): Promise<T> => {
    const cpu = process.cpuUsage();
    const answer = await work();
    const used = process.cpuUsage(cpu);
    allMicros += used.user + used.system;
    if (isStore) storeMicros += used.user + used.system;
    return answer;
  };
  let done = 0;
  while (done < count) {
    const records = await timed(() => store.outbox.claimDue(new Date(), RELAY_BATCH, outside.relayLeaseMs), true);
    if (records.length === 0) throw new Error(`only ${done} of ${count} deliveries were due`);
    const apps = new Map((await timed(() => store.applications.getMany([...new Set(records.map((r) => r.applicationId))]), true)).map((a) => [a.id, a]));
    await timed(() => {
      for (const record of records) {
        const app = apps.get(record.applicationId)!;
        const at = new Date();
        const body = deliveryBody(record, app, keyring, outside.callbackBase(), [], deliveryForm(ctx, record, app, at), app.acceptByProvisional);
        deliveryHeaders([secret], record.id, at, body);
      }
    }, false);
    for (let from = 0; from < records.length; from += SETTLE_EVERY) {
      const at = new Date();
      // as relayDue saves a delivered submission: the attempt, the record, and the case moved on with its event
      const results = await timed(
        () =>
          records.slice(from, from + SETTLE_EVERY).map((r): Settlement => ({
            id: r.id,
            attempt: { outboxId: r.id, at, durationMs: 1, httpStatus: 200, error: null },
            outcome: 'delivered',
            advance: r.type === 'application.submitted' ? deliveredMove(apps.get(r.applicationId)!, r, at) : undefined,
          })),
        false,
      );
      await timed(() => store.outbox.settle(results), true);
    }
    done += records.length;
  }
  return { storeMs: storeMicros / 1000 / done, allMs: allMicros / 1000 / done };
}

/** `count` POSTs, `concurrency` at a time, each body and its signed headers made before the clock starts. */
async function plainPosts(url: string, agent: Agent, requests: { body: string; headers: Record<string, string> }[], concurrency: number): Promise<number> {
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < requests.length) {
      const { body, headers } = requests[next++];
      const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, dispatcher: agent });
      await response.body.dump();
      if (response.statusCode === 200) ok += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ok;
}

export async function benchRelay(): Promise<void> {
  const secret = newSecret();
  // an empty script: the simulator accepts each delivery and calls nothing back
  const sim = await startCenterSim({ secretFor: () => secret, script: { transfer: [] } });
  const simHost = new URL(sim.origin).host;
  const outbound = createOutboundClient({ allow: new Set([simHost]), allowCa: sim.tls.cert });
  const outside = benchOutside({ outbound: () => outbound });
  const keyring = outside.keyring();
  const store = await benchStore();
  const url = sim.endpointFor(TRANSFER_IN);
  await store.endpoints.put({ centerCode: TRANSFER_IN, mode: 'api', url, secretsSealed: [seal(keyring, sealedAs.endpointSecret(TRANSFER_IN), secret)], updatedAt: new Date() });
  const ctx = { store, log: createLogger({ level: 'warn' }), now: () => new Date(), outside };
  // connected as the relay's own client is (createOutboundClient): one secure context for every connection, since a
  // `ca` list would be parsed again for each new one (~40 ms) and slow the baseline alone
  const agent = new Agent({ connect: { secureContext: createSecureContext({ ca: [...rootCertificates, sim.tls.cert] }) } });

  try {
    // warm-up, which also opens the connections: a relay run of one claim's worth and as many plain POSTs
    await createDue(store, keyring, 0, RELAY_BATCH);
    await relayDue(ctx);

    // the baseline's bodies: a real delivery's size, each with its own application id, webhook-id and the format header
    const sample = submitted(keyring, 0, new Date(), shanghaiDate(new Date()), false);
    const template = deliveryBody(sample.outbox, { ...sample.app, letterNumber: `${TRANSFER_IN}2611200001` }, keyring, outside.callbackBase(), [], { stored: { type: 'transfer', payload: PAYLOAD } });
    const signer = new Webhook(secret);
    const plain = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, n) => {
        const body = template.replace(sample.app.id, appId(prefix, n));
        const id = newWebhookId();
        const at = new Date();
        const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer.sign(id, at, body), [FORMAT_HEADER]: String(DELIVERY_FORMAT_VERSION) };
        return { body, headers };
      });
    await plainPosts(url, agent, plain('wb', RELAY_BATCH), RELAY_CONCURRENCY);

    // in rounds, the two taking turns to go first, so a change in the shared machine's load falls on both alike;
    // each round's records numbered on from the last round's (the simulator answers 409 to an application it has had)
    let next = RELAY_BATCH;
    const inRounds = async (rounds: number, perRound: number, prefix: string) => {
      const relay = { total: { claimed: 0, delivered: 0, retrying: 0, dead: 0 } as RelayRun, runs: 0, seconds: 0 };
      const base = { ok: 0, seconds: 0 };
      let setupSeconds = 0;
      for (let round = 0; round < rounds; round++) {
        const setupStarted = performance.now();
        await createDue(store, keyring, next, perRound);
        next += perRound;
        setupSeconds += (performance.now() - setupStarted) / 1000;
        const requests = plain(`${prefix}${round}`, perRound);
        const relayRound = async () => {
          const started = performance.now();
          for (let run = await relayDue(ctx); run.claimed > 0; run = await relayDue(ctx)) {
            relay.runs += 1;
            for (const key of Object.keys(relay.total) as (keyof RelayRun)[]) relay.total[key] += run[key];
          }
          relay.seconds += (performance.now() - started) / 1000;
        };
        const baseRound = async () => {
          const started = performance.now();
          base.ok += await plainPosts(url, agent, requests, RELAY_CONCURRENCY);
          base.seconds += (performance.now() - started) / 1000;
        };
        for (const measure of round % 2 === 0 ? [baseRound, relayRound] : [relayRound, baseRound]) await measure();
      }
      return { relay, base, setupSeconds, ratio: relay.total.delivered / relay.seconds / (base.ok / base.seconds) };
    };
    const fast = await inRounds(ROUNDS, RELAY_DELIVERIES / ROUNDS, 'p');
    // the same, with a center that answers each delivery after CENTER_LATENCY_MS, as a real one over the network:
    // both are then bound by the center, and the ratio shows what the relay's claims and saves cost its senders
    sim.setFault({ mode: 'slow', delayMs: CENTER_LATENCY_MS });
    const slow = await inRounds(SLOW_ROUNDS, SLOW_PER_ROUND, 's');
    sim.clearFault();
    const alone: { storeMs: number; allMs: number }[] = [];
    for (let round = 0; round < WORK_ROUNDS; round++) {
      await createDue(store, keyring, next, WORK_ALONE);
      next += WORK_ALONE;
      alone.push(await workAlone(ctx, secret, WORK_ALONE));
    }
    alone.sort((a, b) => a.allMs - b.allMs);
    const median = alone[Math.floor(WORK_ROUNDS / 2)];

    const { total, runs } = fast.relay;
    const oursRate = total.delivered / fast.relay.seconds;
    const baseRate = fast.base.ok / fast.base.seconds;
    const bodyBytes = Buffer.byteLength(template);
    // the machine is shared: its load says how far apart two runs' figures may lie
    const load = loadavg().map((l) => l.toFixed(2)).join(' ');
    console.log(
      `\nrelay throughput: ${fmt(RELAY_DELIVERIES)} deliveries to the center simulator (${store.kind}, claims of ${RELAY_BATCH}, ${RELAY_CONCURRENCY} at once; target ≥ ${TARGET_RATIO * 100}% of plain POSTs; load average ${load})`,
    );
    console.log(
      `  relayDue        ${fmt(oursRate).padStart(6)} deliveries/s   ${fmt(1000 / oursRate, 2)} ms each, ${fast.relay.seconds.toFixed(2)} s, ${runs} runs in ${ROUNDS} rounds, ${fmt(total.delivered)} delivered` +
        `${total.retrying + total.dead ? `, ${total.retrying} retrying, ${total.dead} dead` : ''}   (${fast.setupSeconds.toFixed(1)} s to store them first)`,
    );
    console.log(`  baseline        ${fmt(baseRate).padStart(6)} POSTs/s        ${fmt(1000 / baseRate, 2)} ms each, ${fast.base.seconds.toFixed(2)} s, ${fmt(fast.base.ok)} answered 200 (undici, ${bodyBytes}-byte bodies signed beforehand)`);
    console.log(`  ratio ${fast.ratio.toFixed(2)}   target ≥ ${TARGET_RATIO.toFixed(2)}: ${fast.ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`);
    const slowOurs = slow.relay.total.delivered / slow.relay.seconds;
    const slowBase = slow.base.ok / slow.base.seconds;
    const slowFailed = slow.relay.total.retrying + slow.relay.total.dead;
    console.log(`  with a center answering in ${CENTER_LATENCY_MS} ms (${fmt(SLOW_ROUNDS * SLOW_PER_ROUND)} deliveries each, ${SLOW_ROUNDS} rounds; at most ${fmt((RELAY_CONCURRENCY * 1000) / CENTER_LATENCY_MS)}/s at ${RELAY_CONCURRENCY} at once):`);
    console.log(`    relayDue ${fmt(slowOurs)} deliveries/s (${fmt(slow.relay.total.delivered)} delivered${slowFailed ? `, ${slowFailed} failed` : ''}), baseline ${fmt(slowBase)} POSTs/s (${fmt(slow.base.ok)} answered 200), ratio ${slow.ratio.toFixed(2)}`);
    // the relay may spend (1/0.8 - 1) of a baseline POST on everything it does besides the POST
    const allowedMs = (1 / TARGET_RATIO - 1) * (1000 / baseRate);
    console.log(
      `  the relay's own work alone, nothing sent (${WORK_ROUNDS} rounds of ${fmt(WORK_ALONE)} deliveries, a claim after another): median ${fmt(median.allMs, 3)} ms of CPU a delivery ` +
        `(${fmt(alone[0].allMs, 3)}–${fmt(alone[WORK_ROUNDS - 1].allMs, 3)}), ${fmt(median.storeMs, 3)} of it the store's (claim, read, save)`,
    );
    console.log(`    ${TARGET_RATIO} of the baseline leaves ${fmt(allowedMs, 3)} ms a delivery for all of it`);
  } finally {
    await agent.close();
    await outbound.close();
    await sim.close();
    await store.close();
  }
}

if (require.main === module) {
  benchRelay().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
