/**
 * What page tests ask of the shared local host around the pages they render: people of their own,
 * resident IDs nobody else uses, verification, a supervisor's settings, and the function calls a page made.
 */
import Taro from '@tarojs/taro';
import { CONSENT_VERSION } from '../../../src/core/consent';
import { idCheckChar } from '../../../src/core/identity';
import { callFunction } from '../../../src/services/cloud';
import { setDevOpenid } from '../../../src/services/dev-identity';

/** An openid nobody else on the shared local host has: `prefix`, the time and a random part. */
export const uniqueOpenid = (prefix: string): string => `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/**
 * One birth date per test file. The files share one local host, which binds a resident ID to the first
 * person verified with it: a file numbers its people after its own date, so no two files ever use one ID.
 */
const BIRTH_DATES = {
  applications: '19860421',
  certificate: '19890815',
  counter: '19620918',
  mine: '19750611',
  purchase: '19830714',
  privacy: '19680205',
  refusals: '19830719',
  'service-request': '19790302',
  transfer: '19850312',
  // verify.test.tsx checks that this date never shows on the page
  verify: '19491231',
  workbench: '19870530',
} as const;

if (new Set(Object.values(BIRTH_DATES)).size !== Object.keys(BIRTH_DATES).length) throw new Error('two page test files share a birth date');

export interface ResidentIds {
  /** The next valid resident ID (Beijing 西城 110105, the file's birth date, a sequence per person). */
  next(): string;
  /** How many IDs next() has given. */
  readonly issued: number;
}

/** Resident IDs of one test file only: never bound to another person. */
export function residentIds(file: keyof typeof BIRTH_DATES): ResidentIds {
  let issued = 0;
  return {
    next() {
      issued += 1;
      const first17 = `110105${BIRTH_DATES[file]}${String(issued).padStart(3, '0')}`;
      return first17 + idCheckChar(first17);
    },
    get issued() {
      return issued;
    },
  };
}

/** Verifies the current dev openid through the identity function itself (the simulator passes by default). */
export async function verifyIdentity(name: string, docNumber: string): Promise<void> {
  const consent = await callFunction('identity', { action: 'consent', version: CONSENT_VERSION });
  if (!consent.ok) throw new Error(`consent: ${consent.message}`);
  const started = await callFunction<{ verifyId: string }>('identity', { action: 'start', name, docType: '01', docNumber, consentVersion: CONSENT_VERSION });
  if (!started.ok) throw new Error(`start: ${started.message}`);
  const confirmed = await callFunction('identity', { action: 'confirm', verifyId: started.data.verifyId });
  if (!confirmed.ok) throw new Error(`confirm: ${confirmed.message}`);
}

/** A supervisor's call to the admin function of the local host; throws unless it succeeds. */
export async function asSupervisor(event: Record<string, unknown>): Promise<void> {
  const res = await fetch('/api/admin', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': 'dev-supervisor' },
    body: JSON.stringify(event),
  });
  const answer = (await res.json()) as { ok: boolean; message?: string };
  if (!answer.ok) throw new Error(`admin ${String(event.action)}${event.centerCode ? ` ${String(event.centerCode)}` : ''}: ${answer.message}`);
}

/**
 * The centers work in the workbench only: the local host points every center at the center simulator,
 * whose callbacks would move an application on by themselves while a test looks at it.
 */
export async function workInWorkbench(...codes: string[]): Promise<void> {
  for (const centerCode of codes) await asSupervisor({ action: 'setManual', centerCode });
}

/**
 * The hooks of a file whose every test is a person of their own on the shared local host: before each test
 * the stored center cleared (`clearStorage`) and a fresh openid from `prefix`; the spies restored after each;
 * `workbench`, centers set to work in the workbench only, once before all.
 */
export function personPerTest(prefix: string, { clearStorage = false, workbench = [] }: { clearStorage?: boolean; workbench?: string[] } = {}): void {
  if (workbench.length > 0) beforeAll(() => workInWorkbench(...workbench));
  beforeEach(() => {
    if (clearStorage) Taro.clearStorageSync();
    setDevOpenid(uniqueOpenid(prefix));
  });
  afterEach(() => jest.restoreAllMocks());
}

/** Answers one action of a function with changed data (after asking the real one), everything else as is. */
export function answerWith<T>(action: string, change: (data: T) => T): void {
  const realFetch = globalThis.fetch;
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const body = JSON.parse(String(init?.body ?? '{}')) as { action?: string };
    const answer = await realFetch(input, init);
    if (body.action !== action) return answer;
    const result = (await answer.json()) as { ok: true; data: T };
    return new Response(JSON.stringify({ ...result, data: change(result.data) }));
  });
}

/** The calls (URL and body) made through a spy on fetch since it was set. */
export const bodiesOf = (spy: jest.SpyInstance) =>
  spy.mock.calls.map(([input, init]: [unknown, RequestInit | undefined]) => ({ url: String(input), body: JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown> }));

/** The bodies sent to the functions through a spy on fetch since it was set. */
export const sentBodies = (spy: jest.SpyInstance): Record<string, unknown>[] => bodiesOf(spy).map((call) => call.body);
