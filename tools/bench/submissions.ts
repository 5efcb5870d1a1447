/**
 * Submissions per second and their latency on the local host, run in this process (in-memory store, the
 * WeChat simulator, the relay never nudged), loaded by autocannon from a worker thread; beside a bare
 * fastify route answering {ok:true} to the same requests, loaded the same way, and beside the store's own create
 * (ApplicationRepository.create) run directly by as many callers at once: what a submission adds to the one write
 * it cannot do without (issue 16, point 9: at least half its rate). The two alternate in rounds, so a change in the
 * machine's load during the run weighs on both alike; the ratio is the median of the rounds'.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Fastify, { type FastifyInstance } from 'fastify';
import { CONSENT_VERSION } from '../../src/core/consent';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { newSecret, newWebhookId } from '../../cloudfunctions/_lib/delivery/signing';
import { createLogger } from '../../cloudfunctions/_lib/log';
import { FUNCTIONS } from '../local-cloud/functions';
import { createLocalCloud, invoke, type LocalCloudOptions } from '../local-cloud/server';
import { benchOutside, benchStore, bindPerson, fmt, residentId } from './fixtures';
import { performance } from 'node:perf_hooks';
import { TRANSFER_ACCEPT_WORKING_DAYS } from '../../src/core/applications/status';
import { shanghaiDate } from '../../src/core/time';
import { sealPayload } from '../../cloudfunctions/_lib/applications/payload';
import type { Keyring } from '../../cloudfunctions/_lib/crypto/personal-data';
import { calendarOf } from '../../cloudfunctions/_lib/services/calendar';
import type { ApplicationEventRecord, ApplicationRecord, OutboxRecord, Store } from '../../cloudfunctions/_lib/store/port';
import type { LoadJob, LoadResult } from './load-worker';

export const SUBMIT_CONNECTIONS = 50;
export const SUBMIT_SECONDS = 10;
/** Rounds of submissions then direct creates, each SUBMIT_SECONDS / 2 long. */
const ROUNDS = 5;
const WARMUP_SECONDS = 2;
/** Verified persons; once each has a transfer in flight from one center, the next run of requests uses the next center. */
const PERSONS = 1000;
const TRANSFER_IN = '321000';
const P99_TARGET_MS = 50;
/** Submissions through the host against the store's create run directly: at least this ratio of its rate. */
const CREATE_TARGET_RATIO = 0.5;

/** Direct creates of one process go on numbering where the last run stopped (each a new request and in-flight key). */
let directSerial = 0;

/** The direct creates' applicants, bound before the clock starts, as the store's create needs a person's identity row. */
const DIRECT_PERSONS = 1000;
const directPerson = (n: number) => `bench-direct-${String(n).padStart(6, '0')}`;

/**
 * Binds the direct creates' persons: their identity rows, sealed as a verification stores them, each with an ID of its
 * own (after the verified persons' IDs, so binding one ends no verified person's identity).
 */
async function bindDirectPersons(store: Store, keyring: Keyring): Promise<void> {
  const now = new Date();
  for (let n = 0; n < DIRECT_PERSONS; n++) await bindPerson(store, keyring, directPerson(n), residentId(PERSONS + n), now);
}

interface DirectResult {
  perSecond: number;
  p99: number;
  total: number;
}

/**
 * The store's create transaction run directly by `connections` callers at once for `seconds`: each a new transfer
 * (sealed applicant and form, one event, one delivery owed, a letter number of the same center and day) of a bound
 * person (bindDirectPersons), from the next transfer-out center once every person has one in flight, as the
 * submissions go; made before its call is timed.
 */
async function directCreates(store: Store, keyring: Keyring, transferOutCenters: readonly string[], connections: number, seconds: number): Promise<DirectResult> {
  const now = new Date();
  const today = shanghaiDate(now);
  const letterPrefix = `${TRANSFER_IN}${today.slice(2, 4)}${today.slice(5, 7)}${today.slice(8, 10)}`;
  const { date: acceptBy, provisional } = await calendarOf(store).addWorkingDays(today, TRANSFER_ACCEPT_WORKING_DAYS);
  const latencies: number[] = [];
  const record = (i: number): { app: ApplicationRecord; event: ApplicationEventRecord; outbox: OutboxRecord } => {
    const openid = directPerson(i % DIRECT_PERSONS);
    const transferOut = transferOutCenters[Math.floor(i / DIRECT_PERSONS)];
    if (transferOut === undefined) throw new Error(`only ${DIRECT_PERSONS * transferOutCenters.length} distinct direct creates prepared; bind more persons`);
    const id = `dc${String(i).padStart(18, '0')}`;
    const app: ApplicationRecord = {
      id, type: 'transfer', openid, requestId: `bench-direct-${i}`, status: 'submitted', platformCode: null, responsibleCenter: TRANSFER_IN,
      centers: [{ code: TRANSFER_IN, role: 'transfer-in' }, { code: transferOut, role: 'transfer-out' }], inFlightKey: `transfer:${openid}:${transferOut}`, letterNumber: null,
      applicant: { docType: '01', nameSealed: seal(keyring, sealedAs.name(openid), '张三'), docNumberSealed: seal(keyring, sealedAs.docNumber(openid), residentId(PERSONS + (i % DIRECT_PERSONS))) },
      payloadSealed: sealPayload(keyring, id, { transferOutCenter: transferOut, transferInCenter: TRANSFER_IN, formerEmployer: '北京某某科技有限公司', newEmployer: '扬州某某制造有限公司', newAccount: '3210098765', phone: '13912345678' }),
      acceptBy, acceptByProvisional: provisional, targetBy: null, targetProvisional: false, payment: null, test: false, createdAt: now, updatedAt: now,
    };
    const event: ApplicationEventRecord = { applicationId: id, at: now, actor: 'employee', actorId: openid, from: null, to: 'submitted', platformCode: null, centerCode: TRANSFER_IN, message: '提交转移接续申请' };
    const outbox: OutboxRecord = { id: newWebhookId(), applicationId: id, centerCode: TRANSFER_IN, type: 'application.submitted', createdAt: now, dueAt: now, attempts: 0, state: 'pending', lastError: null, deliveredAt: null };
    return { app, event, outbox };
  };
  const until = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const { app, event, outbox } = record(directSerial++);
      const started = performance.now();
      const outcome = await store.applications.create(app, [event], [outbox], letterPrefix);
      latencies.push(performance.now() - started);
      if (outcome.kind !== 'created') throw new Error(`direct create ${app.id}: ${outcome.kind}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / elapsed, p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0, total: latencies.length };
}

/** Runs the load in a worker thread (tsx registered there too), so autocannon has its own event loop. */
function loadInWorker(job: LoadJob): Promise<LoadResult> {
  const boot = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(path.join(__dirname, 'load-worker.ts'))});`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, workerData: job });
    worker.once('message', (message: { result?: LoadResult; error?: string }) => {
      void worker.terminate();
      if (message.result) resolve(message.result);
      else reject(new Error(`load worker failed: ${message.error}`));
    });
    worker.once('error', reject);
  });
}

/** Verifies `count` persons by face through the identity function, as the mini-program would, a few at a time. */
async function verifyPersons(options: LocalCloudOptions, count: number): Promise<string[]> {
  const openids = Array.from({ length: count }, (_, i) => `bench-person-${String(i).padStart(6, '0')}`);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const consented = await invoke(options, 'identity', { action: 'consent', version: CONSENT_VERSION }, openids[i]);
      if (!consented.ok) throw new Error(`identity consent: ${consented.message}`);
      const started = await invoke(options, 'identity', { action: 'start', name: '张三', docType: '01', docNumber: residentId(i), consentVersion: CONSENT_VERSION }, openids[i]);
      if (!started.ok) throw new Error(`identity start: ${started.message}`);
      const confirmed = await invoke(options, 'identity', { action: 'confirm', verifyId: (started.data as { verifyId: string }).verifyId }, openids[i]);
      if (!confirmed.ok) throw new Error(`identity confirm: ${confirmed.message}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return openids;
}

const listen = (app: Pick<FastifyInstance, 'listen'>): Promise<string> => app.listen({ port: 0, host: '127.0.0.1' });

const line = (label: string, r: LoadResult) =>
  `  ${label.padEnd(34)} ${fmt(r.requestsPerSecond).padStart(7)} req/s   p50 ${fmt(r.p50).padStart(3)} ms   p99 ${fmt(r.p99).padStart(4)} ms` +
  `   (${fmt(r.total)} answered${r.non2xx + r.mismatches + r.errors + r.timeouts ? `, ${r.non2xx} non-2xx, ${r.mismatches} not ok, ${r.errors} errors, ${r.timeouts} timeouts` : ', all ok'})`;

export async function benchSubmissions(): Promise<void> {
  const store = await benchStore();
  const outside = benchOutside();
  // the transfer-in center takes deliveries by API, as every center does on the local host: each
  // submission writes its outbox record (the relay is never nudged, so nothing is sent)
  await store.endpoints.put({
    centerCode: TRANSFER_IN,
    mode: 'api',
    url: `https://127.0.0.1:9/centers/${TRANSFER_IN}/applications`,
    secretsSealed: [seal(outside.keyring(), sealedAs.endpointSecret(TRANSFER_IN), newSecret())],
    updatedAt: new Date(),
  });
  const options: LocalCloudOptions = { store, functions: FUNCTIONS, envRoles: new Map(), log: createLogger({ level: 'warn' }), outside };

  const verifyStarted = performance.now();
  const persons = await verifyPersons(options, PERSONS);
  const verifySeconds = (performance.now() - verifyStarted) / 1000;
  const centers = (await store.centers.list()).map((c) => c.code).filter((code) => code !== TRANSFER_IN);
  const transferOutCenters = ['110000', ...centers.filter((code) => code !== '110000')];
  await bindDirectPersons(store, outside.keyring());

  const host = await createLocalCloud(options);
  const baseline = Fastify();
  baseline.post('/api/applications', async () => ({ ok: true }));
  const hostUrl = await listen(host);
  const baselineUrl = await listen(baseline);

  const job = (url: string, offset: number, durationSeconds: number, connections = SUBMIT_CONNECTIONS): LoadJob => ({
    url,
    connections,
    durationSeconds,
    persons,
    transferOutCenters,
    transferInCenter: TRANSFER_IN,
    offset,
  });
  try {
    await loadInWorker(job(baselineUrl, 0, WARMUP_SECONDS));
    const base = await loadInWorker(job(baselineUrl, 0, SUBMIT_SECONDS));
    let offset = 0;
    offset += (await loadInWorker(job(hostUrl, offset, WARMUP_SECONDS))).used;
    // the same requests one at a time: what one submission costs without a queue in front of it
    const alone = await loadInWorker(job(hostUrl, offset, SUBMIT_SECONDS, 1));
    offset += alone.used;
    await directCreates(store, outside.keyring(), transferOutCenters, SUBMIT_CONNECTIONS, WARMUP_SECONDS);
    const rounds: { ours: LoadResult; direct: DirectResult; load: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const ours = await loadInWorker(job(hostUrl, offset, SUBMIT_SECONDS / 2));
      offset += ours.used;
      const direct = await directCreates(store, outside.keyring(), transferOutCenters, SUBMIT_CONNECTIONS, SUBMIT_SECONDS / 2);
      rounds.push({ ours, direct, load: loadavg()[0] });
    }
    const ratios = rounds.map((r) => r.ours.requestsPerSecond / r.direct.perSecond);
    const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    // the round whose ratio is the median stands for the run
    const median = rounds[ratios.indexOf(middle(ratios))];
    const { ours, direct } = median;

    console.log(
      `\nsubmissions on the local host (autocannon, ${SUBMIT_CONNECTIONS} connections; ${ROUNDS} rounds of ${SUBMIT_SECONDS / 2} s each of submissions then direct creates, after ${WARMUP_SECONDS} s warm-up; target p99 ≤ ${P99_TARGET_MS} ms)`,
    );
    console.log(`  ${fmt(PERSONS)} persons verified by face first (${verifySeconds.toFixed(1)} s); each request a distinct person, transfer-out center and requestId`);
    for (const [i, r] of rounds.entries()) {
      console.log(`  round ${i + 1}: ${fmt(r.ours.requestsPerSecond)} submissions/s, ${fmt(r.direct.perSecond)} creates/s, ratio ${ratios[i].toFixed(3)}, load average ${r.load.toFixed(1)}`);
    }
    console.log('  the median round:');
    console.log(line('ours (POST /api/applications)', ours));
    console.log(line('baseline (bare fastify {ok:true})', base));
    console.log(line('ours, 1 connection (no queue)', alone));
    console.log(
      `  ${'store create run directly'.padEnd(34)} ${fmt(direct.perSecond).padStart(7)} creates/s                p99 ${fmt(direct.p99).padStart(4)} ms   (${fmt(direct.total)} created, ${SUBMIT_CONNECTIONS} at once)`,
    );
    const createRatio = middle(ratios);
    console.log(`  ratio to the store's create (median of ${ROUNDS} rounds) ${createRatio.toFixed(3)}   target ≥ ${CREATE_TARGET_RATIO}: ${createRatio >= CREATE_TARGET_RATIO ? 'met' : 'NOT met'}`);
    console.log(
      `  ratio req/s ${(ours.requestsPerSecond / base.requestsPerSecond).toFixed(3)}, p99 ${(ours.p99 / Math.max(base.p99, 1)).toFixed(1)}x` +
        `   target p99 ≤ ${P99_TARGET_MS} ms: ${ours.p99 <= P99_TARGET_MS ? 'met' : 'NOT met'}`,
    );
    // a closed loop: each connection sends its next request when the last is answered (Little's law)
    console.log(
      `  (${SUBMIT_CONNECTIONS} connections always waiting: latency ≈ ${SUBMIT_CONNECTIONS} / req/s, so p99 ≤ ${P99_TARGET_MS} ms needs ≳ ${fmt((SUBMIT_CONNECTIONS * 1000) / P99_TARGET_MS)} submissions/s;` +
        ` ours take ${fmt(1000 / ours.requestsPerSecond, 1)} ms of the host each)`,
    );
  } finally {
    await host.close();
    await baseline.close();
    await store.close();
  }
}

if (require.main === module) {
  benchSubmissions().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
