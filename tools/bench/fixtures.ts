/**
 * What the host benchmarks share: a fresh in-memory store with the catalog, the local host's outside world
 * with the WeChat simulator (and the relay never nudged, so nothing competes with what is measured), many
 * distinct valid resident IDs, and percentiles.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { idCheckChar } from '../../src/core/identity';
import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import { generateCodeKeyEnv, parseCodeKey, parseCodePublicKey } from '../../cloudfunctions/_lib/crypto/code-signing';
import { generateKeyringEnv, parseKeyring, seal, sealedAs, type Keyring } from '../../cloudfunctions/_lib/crypto/personal-data';
import { documentLookup } from '../../cloudfunctions/_lib/services/identity';
import { createOutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { localFileStore } from '../../cloudfunctions/_lib/files/local';
import type { Outside } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPostgresStore } from '../../cloudfunctions/_lib/store/sql/pg';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';
import { writeLaunch } from '../../cloudfunctions/_lib/runtime/launch-state';
import { createWechatSimulator } from '../../cloudfunctions/_lib/wechat/simulator';

/**
 * The store the local host runs on, with the center catalog loaded: the embedded one in memory (no disk in
 * the figures), or PostgreSQL in a fresh schema when DATABASE_URL is set (`npm start` takes either).
 */
export async function benchStore(): Promise<Store> {
  const url = process.env.DATABASE_URL;
  let store: Store;
  if (url) {
    store = await openPostgresStore(await freshSchema(url), 10);
  } else {
    store = await openPgliteStore(undefined);
  }
  await ensureCatalog(store);
  // employees are measured after launch (a fresh store is closed to people without a role, issue 15)
  await writeLaunch(store, { national: true, provinces: [] });
  return store;
}

/** A new schema in the PostgreSQL at `url`: the URL that opens it (another process can open the same one). */
export async function freshSchema(url: string): Promise<string> {
  const schema = `bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return scoped.toString();
}

/** As the local host's, with face verification always passing and nudgeRelay a no-op. */
export function benchOutside(overrides: Partial<Outside> = {}): Outside {
  const simulator = createWechatSimulator();
  simulator.setOutcome('pass');
  const keyring = parseKeyring(generateKeyringEnv('bench'));
  const codeKeyEnv = generateCodeKeyEnv();
  const codeKey = parseCodeKey(codeKeyEnv);
  const codePublicKey = parseCodePublicKey(codeKeyEnv);
  const outbound = createOutboundClient();
  const filesDir = mkdtempSync(path.join(tmpdir(), 'gjj-bench-files-'));
  // the files a run wrote go with it (every bench run had left its folder behind)
  process.once('exit', () => rmSync(filesDir, { recursive: true, force: true }));
  const files = localFileStore(filesDir);
  return {
    wechat: () => simulator,
    keyring: () => keyring,
    codeKey: () => codeKey,
    codePublicKey: () => codePublicKey,
    identityValidDays: 30,
    outbound: () => outbound,
    files: () => files,
    nudgeRelay: () => undefined,
    callbackBase: () => 'http://127.0.0.1:9',
    relayLeaseMs: 60_000,
    statusTemplateId: undefined,
    ...overrides,
  };
}

/**
 * Binds `openid` to the ID `docNumber` as a face verification stores it (sealed name and number, the ID's lookup), valid
 * 30 days from `now`: the identity row the store's create needs for a person's case (ApplicationRepository.create).
 * Benchmarks that create cases directly bind their applicants so before the clock starts.
 */
export async function bindPerson(store: Store, keyring: Keyring, openid: string, docNumber: string, now: Date): Promise<void> {
  await store.identities.bind({
    openid,
    method: 'face',
    docType: '01',
    nameSealed: seal(keyring, sealedAs.name(openid), '张三'),
    docNumberSealed: seal(keyring, sealedAs.docNumber(openid), docNumber),
    docLookup: documentLookup(keyring, docNumber),
    phoneSealed: null,
    verifiedAt: now,
    expiresAt: new Date(now.getTime() + 30 * 24 * 3600 * 1000),
  });
}

const BIRTH_FROM = Date.UTC(1950, 0, 1);
const DAY_MS = 24 * 3600 * 1000;

/**
 * The n-th of many distinct valid resident IDs (Beijing 110105): 1,000 sequence numbers for each birth
 * date from 1950-01-01 on, so the first 10 million are all adults.
 */
export function residentId(n: number): string {
  const born = new Date(BIRTH_FROM + Math.floor(n / 1000) * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `110105${born}${String(n % 1000).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
