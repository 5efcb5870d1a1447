import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import { createOutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { localFileStore } from '../../cloudfunctions/_lib/files/local';
import { createLogger } from '../../cloudfunctions/_lib/log';
import { generateCodeKeyEnv, parseCodeKey, parseCodePublicKey } from '../../cloudfunctions/_lib/crypto/code-signing';
import { generateKeyringEnv, parseKeyring } from '../../cloudfunctions/_lib/crypto/personal-data';
import type { Result } from '../../src/core/errors';
import type { Caller, FunctionContext, Outside, Trigger } from '../../cloudfunctions/_lib/runtime/define';
import { writeLaunch } from '../../cloudfunctions/_lib/runtime/launch-state';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPostgresStore } from '../../cloudfunctions/_lib/store/sql/pg';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';
import { createWechatSimulator } from '../../cloudfunctions/_lib/wechat/simulator';
import { createPostgresSchema } from './postgres-schema';

/**
 * Opens the app to everyone (issue 15: a fresh store is closed to people without a role), as the suites acting as
 * employees need; test/functions/launch.test.ts closes it again where the gate is what it tests.
 */
export async function launched<S extends Pick<Store, 'meta'>>(store: S): Promise<S> {
  await writeLaunch(store, { national: true, provinces: [] });
  return store;
}

/** A fresh in-memory embedded store with the center catalog loaded, open to everyone. */
export async function catalogStore(): Promise<Store> {
  const store = await openPgliteStore(undefined);
  await ensureCatalog(store);
  return launched(store);
}

/**
 * The same, on the real PostgreSQL server of the test run (PG_TEST_URL, from the jest global setup) in a schema of
 * its own, dropped again when the store is closed: for function suites that must hold on both SQL stores.
 */
export async function catalogStoreOnPostgres(): Promise<Store> {
  const schema = await createPostgresSchema('fn');
  const store = await launched(await openPostgresStore(schema.url));
  await ensureCatalog(store);
  return {
    ...store,
    async close() {
      await store.close();
      await schema.drop();
    },
  };
}

/** The WeChat simulator (tests choose its outcomes) and a fresh keyring, as the local host would use. */
export function testOutside(overrides: Partial<Outside> = {}): Outside & { simulator: ReturnType<typeof createWechatSimulator> } {
  const simulator = createWechatSimulator();
  const keyring = parseKeyring(generateKeyringEnv());
  const codeKeyEnv = generateCodeKeyEnv();
  const codeKey = parseCodeKey(codeKeyEnv);
  const codePublicKey = parseCodePublicKey(codeKeyEnv);
  const outbound = createOutboundClient();
  const files = localFileStore(mkdtempSync(path.join(tmpdir(), 'gjj-files-')));
  return {
    wechat: () => simulator,
    keyring: () => keyring,
    codeKey: () => codeKey,
    codePublicKey: () => codePublicKey,
    identityValidDays: 30,
    outbound: () => outbound,
    files: () => files,
    nudgeRelay: () => undefined,
    callbackBase: () => 'http://127.0.0.1:8080',
    relayLeaseMs: 60_000,
    statusTemplateId: 'sim-template-status',
    simulator,
    ...overrides,
  };
}

/**
 * What the runtime hands a function: the store, a silent logger, a clock, the caller if any, the outside world,
 * and how it was started (a call unless a test fires it as a timer or an internal nudge).
 */
export function contextFor(
  store: Store,
  caller?: Caller,
  now: Date = new Date('2026-11-20T10:00:00+08:00'),
  outside: Outside = testOutside(),
  trigger: Trigger = 'call',
): FunctionContext {
  return { store, caller, trigger, log: createLogger({ level: 'silent' }), now: () => now, outside };
}

/** A function's answer's data, or a thrown error with its code and message (a test that expected success then says why not). */
export function dataOf<T>(answer: Result<unknown>): T {
  if (!answer.ok) throw new Error(`${answer.code}: ${answer.message}`);
  return answer.data as T;
}
