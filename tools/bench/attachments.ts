/**
 * The relay's memory with attachments by link (delivery format 2, docs/decisions/015): 1,000 purchase-withdrawal
 * deliveries, each with 4 × 10 MB attachments, relayed to the center simulator by relayDue runs until none is left,
 * beside the same run without attachments. The deliveries are stored beforehand in PostgreSQL (out of process, as the
 * deployed relay's database is), and the relay runs in a child process of its own, so its peak RSS is the relay's
 * alone (the simulator and the setup run here, in the parent); the child also counts the files it read (none expected).
 */
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { StoredAttachment, StoredPurchaseWithdrawal } from '../../src/core/applications/payloads';
import { shanghaiDate } from '../../src/core/time';
import { deliveryForm } from '../../cloudfunctions/_lib/applications/deliveries';
import { sealPayload } from '../../cloudfunctions/_lib/applications/payload';
import { TEST_NAME, testPurchaseForm } from '../../cloudfunctions/_lib/applications/synthetic';
import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import { generateKeyringEnv, parseKeyring, seal, sealBytes, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { createOutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { deliveryBody } from '../../cloudfunctions/_lib/delivery/messages';
import { newSecret, newWebhookId } from '../../cloudfunctions/_lib/delivery/signing';
import { localFileStore } from '../../cloudfunctions/_lib/files/local';
import type { FileStore } from '../../cloudfunctions/_lib/files/port';
import { createLogger } from '../../cloudfunctions/_lib/log';
import { relayDue } from '../../cloudfunctions/_lib/services/relay';
import type { ApplicationRecord, OutboxRecord } from '../../cloudfunctions/_lib/store/port';
import { openPostgresStore } from '../../cloudfunctions/_lib/store/sql/pg';
import startThrowawayPostgres from '../../test/support/postgres-setup';
import stopThrowawayPostgres from '../../test/support/postgres-teardown';
import { startCenterSim } from '../center-sim/server';
import { benchOutside, bindPerson, fmt, freshSchema, residentId } from './fixtures';

export const ATTACHMENT_DELIVERIES = 1_000;
const FILES_PER_DELIVERY = 4;
const FILE_BYTES = 10 * 1024 * 1024;
const BUDGET_MB = 256;
const PURCHASE = '321000';
const DEPOSIT = '110000';

/** What one child run reports. */
interface ChildFigures {
  delivered: number;
  retrying: number;
  seconds: number;
  /** The relay process's peak resident set over its whole life, and its resident set before the first run. */
  maxRssMb: number;
  startRssMb: number;
  fileReads: number;
}

/** Where a run's deliveries wait (a PostgreSQL schema, outside both processes) and what they are made with. */
interface Prepared {
  storeUrl: string;
  keyringEnv: { PII_KEYS: string; PII_LOOKUP_KEY: string };
  filesDir: string;
  bodyBytes: number;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/**
 * Stores the run's deliveries, in this (parent) process: 1,000 purchase withdrawals due to the simulator, each naming
 * four real 10 MB files sealed and stored once (`withFiles`), or none.
 */
async function prepare(pgUrl: string, withFiles: boolean, endpoint: string, secret: string): Promise<Prepared> {
  const keyringEnv = generateKeyringEnv('bench');
  const keyring = parseKeyring(keyringEnv);
  const filesDir = mkdtempSync(path.join(tmpdir(), 'gjj-bench-attachments-'));
  const files = localFileStore(filesDir);
  const storeUrl = await freshSchema(pgUrl);
  const store = await openPostgresStore(storeUrl, 10);
  try {
    await ensureCatalog(store);
    await store.endpoints.put({ centerCode: PURCHASE, mode: 'api', url: endpoint, secretsSealed: [seal(keyring, sealedAs.endpointSecret(PURCHASE), secret)], updatedAt: new Date() });
    const attachments: StoredAttachment[] = [];
    for (let i = 0; withFiles && i < FILES_PER_DELIVERY; i++) {
      const bytes = randomBytes(FILE_BYTES);
      const id = `benchfile${i}`;
      const storageKey = await files.put(`attachments/bench/${id}`, sealBytes(keyring, sealedAs.attachment('bench', id), bytes), 'application/octet-stream');
      attachments.push({ id, kind: i % 2 === 0 ? 'contract' : 'invoice', name: `附件${i + 1}.pdf`, contentType: 'application/pdf', sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, storageKey });
    }
    const now = new Date();
    const form: StoredPurchaseWithdrawal = { ...testPurchaseForm(PURCHASE, DEPOSIT, shanghaiDate(now)), attachments };
    let bodyBytes = 0;
    for (let n = 0; n < ATTACHMENT_DELIVERIES; n++) {
      const openid = `bench-files-${n}`;
      const id = `pf${String(n).padStart(18, '0')}`;
      const app: ApplicationRecord = {
        id,
        type: 'purchase-withdrawal',
        openid,
        requestId: `bench-files-${n}`,
        status: 'submitted',
        platformCode: null,
        responsibleCenter: PURCHASE,
        centers: [
          { code: PURCHASE, role: 'purchase' },
          { code: DEPOSIT, role: 'deposit' },
        ],
        inFlightKey: null,
        letterNumber: null,
        applicant: { docType: '01', nameSealed: seal(keyring, sealedAs.name(openid), TEST_NAME), docNumberSealed: seal(keyring, sealedAs.docNumber(openid), residentId(n)) },
        payloadSealed: sealPayload(keyring, id, form),
        acceptBy: shanghaiDate(now),
        acceptByProvisional: false,
        targetBy: null,
        targetProvisional: false,
        payment: null,
        test: false,
        createdAt: now,
        updatedAt: now,
      };
      const outbox: OutboxRecord = { id: newWebhookId(), applicationId: id, centerCode: PURCHASE, type: 'application.submitted', createdAt: now, dueAt: now, attempts: 0, state: 'pending', lastError: null, deliveredAt: null };
      await bindPerson(store, keyring, openid, residentId(n), now);
      const created = await store.applications.create(app, [], [outbox], '');
      if (created.kind !== 'created') throw new Error(`application ${n}: ${created.kind}`);
      // a body as sent: the form with its links (what the relay holds per delivery instead of ~55 MB)
      if (n === 0) bodyBytes = Buffer.byteLength(deliveryBody(outbox, app, keyring, 'https://platform.example.cn', [], deliveryForm({ outside: benchOutside({ keyring: () => keyring }) }, outbox, app, now)));
    }
    return { storeUrl, keyringEnv, filesDir, bodyBytes };
  } finally {
    await store.close();
  }
}

/** The relay alone, in this (child) process: runs until nothing is due, counting the files it reads. */
async function childRun(prepared: Prepared, endpoint: string, simCa: string): Promise<ChildFigures> {
  const outbound = createOutboundClient({ allow: new Set([new URL(endpoint).host]), allowCa: simCa });
  const keyring = parseKeyring(prepared.keyringEnv);
  const plain = localFileStore(prepared.filesDir);
  let fileReads = 0;
  const counted: FileStore = { ...plain, get: (key) => ((fileReads += 1), plain.get(key)) };
  const outside = benchOutside({ outbound: () => outbound, keyring: () => keyring, files: () => counted });
  const store = await openPostgresStore(prepared.storeUrl, 10);
  const startRss = process.memoryUsage().rss;
  const ctx = { store, log: createLogger({ level: 'warn' }), now: () => new Date(), outside };
  let delivered = 0;
  let retrying = 0;
  const started = performance.now();
  for (;;) {
    const run = await relayDue(ctx);
    if (run.claimed === 0) break;
    delivered += run.delivered;
    retrying += run.retrying + run.dead;
  }
  const seconds = (performance.now() - started) / 1000;
  await outbound.close();
  await store.close();
  return { delivered, retrying, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, startRssMb: mb(startRss), fileReads };
}

/** Runs the relay in a child process of its own and answers what it reported. */
function inChild(prepared: Prepared, endpoint: string, simCa: string): Promise<ChildFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--relay-child'], { env: { ...process.env, BENCH_PREPARED: JSON.stringify(prepared), BENCH_ENDPOINT: endpoint, BENCH_SIM_CA: simCa }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (figures) => resolve(figures as ChildFigures));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`relay child exited with ${code}`))));
  });
}

/** The PostgreSQL to keep the deliveries in: DATABASE_URL, else a throwaway server (as the store tests start one). */
async function postgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => undefined };
  await startThrowawayPostgres();
  const url = process.env.PG_TEST_URL;
  if (!url) throw new Error('no PostgreSQL for the attachments benchmark');
  return { url, stop: stopThrowawayPostgres };
}

export async function benchAttachments(): Promise<void> {
  const secret = newSecret();
  // an empty script: the simulator accepts each delivery and calls nothing back (its fetches of the links, to the
  // bench's unreachable platform origin, fail at once and are its own business)
  const sim = await startCenterSim({ secretFor: () => secret, script: { 'purchase-withdrawal': [] } });
  const pgServer = await postgres();
  try {
    const endpoint = sim.endpointFor(PURCHASE);
    const runs: [string, Prepared, ChildFigures][] = [];
    for (const [name, withFiles] of [['without (baseline)', false], ['with attachments', true]] as const) {
      const prepared = await prepare(pgServer.url, withFiles, endpoint, secret);
      runs.push([name, prepared, await inChild(prepared, endpoint, sim.tls.cert)]);
      sim.received.length = 0;
    }
    const [[, , without], [, , withFiles]] = runs;
    console.log(`\nrelay memory, attachments by link: ${fmt(ATTACHMENT_DELIVERIES)} purchase-withdrawal deliveries with ${FILES_PER_DELIVERY} × ${mb(FILE_BYTES)} MB attachments each, the store in PostgreSQL (budget: the relay process's peak RSS ≤ ${BUDGET_MB} MB)`);
    for (const [name, prepared, f] of [...runs].reverse()) {
      console.log(
        `  ${name.padEnd(20)} peak RSS ${fmt(f.maxRssMb).padStart(4)} MB (${fmt(f.startRssMb)} MB before the first run), ${f.seconds.toFixed(2)} s, ${fmt(f.delivered)} delivered${f.retrying ? `, ${f.retrying} not` : ''}, ${f.fileReads} files read, body ${fmt(prepared.bodyBytes)} bytes`,
      );
    }
    console.log(`  ratio ${(withFiles.maxRssMb / without.maxRssMb).toFixed(2)}   budget ≤ ${BUDGET_MB} MB: ${withFiles.maxRssMb <= BUDGET_MB ? 'met' : 'NOT met'}`);
    for (const [, prepared] of runs) rmSync(prepared.filesDir, { recursive: true, force: true });
  } finally {
    await pgServer.stop();
    await sim.close();
  }
}

if (process.argv.includes('--relay-child')) {
  const env = process.env;
  childRun(JSON.parse(env.BENCH_PREPARED ?? '{}') as Prepared, env.BENCH_ENDPOINT ?? '', env.BENCH_SIM_CA ?? '')
    .then((figures) => process.send?.(figures, () => process.exit(0)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
} else if (require.main === module) {
  benchAttachments().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
