import pg from 'pg';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as portal } from '../../cloudfunctions/portal';
import type { HostLookup } from '../../cloudfunctions/_lib/delivery/http';
import type { OutboundClient, PostOutcome } from '../../cloudfunctions/_lib/delivery/http';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { earliestEffectiveDate } from '../../cloudfunctions/_lib/services/portal';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPostgresStore } from '../../cloudfunctions/_lib/store/sql/pg';
import { CONFORMANCE_RUN_MAX_MS, CONFORMANCE_RUNS_PER_DAY, INVITE_FAILURES_PER_DAY, type ChangeView, type PortalOverview } from '../../src/core/center-portal';
import { shanghaiDate } from '../../src/core/time';
import { catalogStore, contextFor, testOutside } from '../support/function-context';

/**
 * Attacks on the portal's limits (issue 11, points 16 and 17): parallel invite guesses all passed a check
 * made before any was recorded; interface testing could be started without limit, at once and all day long,
 * against an address staff chose; and staff read supervisors' openids in their center's history.
 */
jest.setTimeout(120_000);

const T0 = new Date('2026-11-20T10:00:00+08:00');
const boss: Caller = { openid: 'lim-boss-openid', roles: [{ role: 'supervisor' }] };
const lookup: HostLookup = async (host) => {
  if (host === 'api.gjj-limits.gov.cn') return ['36.112.10.30'];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};

let store: Store;
beforeAll(async () => {
  store = await catalogStore();
});
afterAll(() => store.close());

const person = async (s: Store, openid: string): Promise<Caller> => ({ openid, roles: await s.roles.rolesOf(openid) });
const data = <T>(result: { ok: boolean; data?: unknown; message?: string }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.data as T;
};

async function staffOf(s: Store, centerCode: string, openid: string, outside = testOutside()): Promise<Caller> {
  const { code } = data<{ code: string }>(await admin.handle({ action: 'inviteStaff', centerCode }, contextFor(s, boss, T0, outside)));
  data(await portal.handle({ action: 'joinCenter', code }, contextFor(s, { openid, roles: [] }, T0, outside)));
  return person(s, openid);
}

/** 20 wrong invite codes from one person at once, each call on the next of `stores` (one per connection pool). */
async function guessAtOnce(stores: Store[], openid: string) {
  const guesses = Array.from({ length: 20 }, (_, i) => `GUESS${'ABCDEFGHJKLMNPQRSTUV'[i]}22`);
  const outcomes = await Promise.all(guesses.map((code, i) => portal.handle({ action: 'joinCenter', code }, contextFor(stores[i % stores.length], { openid, roles: [] }, T0))));
  return outcomes.map((o) => (o.ok ? 'ok' : o.code));
}

describe('invite guesses at once', () => {
  it(`look at no more than ${INVITE_FAILURES_PER_DAY} codes of 20 sent in parallel (embedded store)`, async () => {
    const codes = await guessAtOnce([store], 'lim-guesser');
    expect(codes.filter((c) => c === 'INVITE_NOT_FOUND')).toHaveLength(INVITE_FAILURES_PER_DAY);
    expect(codes.filter((c) => c === 'TOO_MANY_ATTEMPTS')).toHaveLength(20 - INVITE_FAILURES_PER_DAY);
  });

  it(`look at no more than ${INVITE_FAILURES_PER_DAY} codes of 20 sent in parallel through four connection pools of a real PostgreSQL server`, async () => {
    const base = process.env.PG_TEST_URL;
    if (!base) throw new Error('PG_TEST_URL is not set: the jest global setup did not run');
    const schema = `limits_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const url = new URL(base);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const stores: Store[] = [];
    try {
      for (let i = 0; i < 4; i++) stores.push(await openPostgresStore(url.toString()));
      const codes = await guessAtOnce(stores, 'lim-pg-guesser');
      expect(codes.filter((c) => c === 'INVITE_NOT_FOUND')).toHaveLength(INVITE_FAILURES_PER_DAY);
      expect(codes.filter((c) => c === 'TOO_MANY_ATTEMPTS')).toHaveLength(20 - INVITE_FAILURES_PER_DAY);
      expect(await stores[0].attempts.failuresSince('invite:lim-pg-guesser', new Date('2026-11-20T00:00:00+08:00'))).toBe(INVITE_FAILURES_PER_DAY);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  });
});

/** An outbound client standing in for the center's endpoint: counts what is sent, answers each POST when let go. */
function countingEndpoint() {
  let release: () => void = () => undefined;
  let held = new Promise<void>((resolve) => (release = resolve));
  const sent: string[] = [];
  let firstSent: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (firstSent = resolve));
  const client: OutboundClient = {
    async postJson(url): Promise<PostOutcome> {
      sent.push(url);
      firstSent();
      await held;
      return { kind: 'answered', status: 503, retryAfterSeconds: undefined };
    },
    close: async () => undefined,
  };
  return {
    client,
    sent,
    first,
    hold: () => (held = new Promise<void>((resolve) => (release = resolve))),
    release: () => release(),
  };
}

describe('interface testing', () => {
  async function centerWithEndpoint(centerCode: string, openid: string, outside: ReturnType<typeof testOutside>) {
    const staff = await staffOf(store, centerCode, openid, outside);
    data(await portal.handle({ action: 'rotateSecret' }, contextFor(store, staff, T0, outside)));
    // an endpoint proposed and not yet reviewed: the suite runs against it
    data(await portal.handle({ action: 'proposeEndpoint', url: 'https://api.gjj-limits.gov.cn/hooks' }, contextFor(store, staff, T0, outside)));
    return staff;
  }

  it('answers a second start with the run going on, sending nothing for either', async () => {
    const endpoint = countingEndpoint();
    const outside = testOutside({ urlChecks: { lookup }, outbound: () => endpoint.client });
    const staff = await centerWithEndpoint('320800', 'lim-runner', outside);
    const first = data<{ runId: string }>(await portal.handle({ action: 'runConformance' }, contextFor(store, staff, T0, outside)));
    const second = await portal.handle({ action: 'runConformance' }, contextFor(store, staff, new Date(T0.getTime() + 5_000), outside));
    expect(second).toMatchObject({ ok: true, data: { runId: first.runId, finished: false } });
    // the relay runs the steps: starting sends nothing
    expect(endpoint.sent).toHaveLength(0);
  });

  it(`allows ${CONFORMANCE_RUNS_PER_DAY} runs a China day per center, and more from the next day`, async () => {
    const endpoint = countingEndpoint();
    endpoint.release();
    const outside = testOutside({ urlChecks: { lookup }, outbound: () => endpoint.client });
    const staff = await centerWithEndpoint('320900', 'lim-daily', outside);
    // each run left unfinished, so the next starts only once the one before is past its longest duration
    const runIds = new Set<string>();
    for (let i = 0; i < CONFORMANCE_RUNS_PER_DAY; i++) {
      const started = await portal.handle({ action: 'runConformance' }, contextFor(store, staff, new Date(T0.getTime() + i * (CONFORMANCE_RUN_MAX_MS + 60_000)), outside));
      runIds.add(data<{ runId: string }>(started).runId);
    }
    expect(runIds.size).toBe(CONFORMANCE_RUNS_PER_DAY);
    const sentBefore = endpoint.sent.length;
    const refused = await portal.handle({ action: 'runConformance' }, contextFor(store, staff, new Date(T0.getTime() + 3 * 3_600_000), outside));
    expect(refused).toEqual({
      ok: false,
      code: 'TOO_MANY_ATTEMPTS',
      message: `本中心今日已进行 ${CONFORMANCE_RUNS_PER_DAY} 次接口测试，达到每日 ${CONFORMANCE_RUNS_PER_DAY} 次的上限，请于 2026-11-21 00:00 后再试`,
    });
    expect(endpoint.sent).toHaveLength(sentBefore);
    expect(await portal.handle({ action: 'runConformance' }, contextFor(store, staff, new Date('2026-11-21T00:00:00+08:00'), outside))).toMatchObject({ ok: true });
  });
});

describe('what the portal answers staff about people', () => {
  it('names the reviewing supervisor by role or display name and fellow staff by role, never by openid', async () => {
    const outside = testOutside({ urlChecks: { lookup } });
    const first = await staffOf(store, '321100', 'lim-staff-openid-1', outside);
    const second = await staffOf(store, '321100', 'lim-staff-openid-2', outside);
    const effectiveDate = (await earliestEffectiveDate({ store }, shanghaiDate(T0))).date;
    const change = data<ChangeView>(await portal.handle({ action: 'proposeLink', item: 1, url: 'https://api.gjj-limits.gov.cn/q', effectiveDate }, contextFor(store, first, T0, outside)));
    expect(change.proposedBy).toBe('本人');
    data(await admin.handle({ action: 'reviewChange', id: change.id, approve: false, reason: '请改用正式域名' }, contextFor(store, boss, T0, outside)));

    const seen = data<PortalOverview>(await portal.handle({ action: 'overview' }, contextFor(store, second, T0, outside)));
    const [order] = seen.changes;
    expect(order).toMatchObject({ id: change.id, proposedBy: '中心工作人员', reviewedBy: '监管人员' });
    expect(JSON.stringify(seen)).not.toContain('lim-boss-openid');
    expect(JSON.stringify(seen)).not.toContain('lim-staff-openid-1');

    // a supervisor given a display name is shown by it
    data(await admin.handle({ action: 'grantRole', openid: boss.openid, role: 'supervisor', displayName: '省住建厅 张审核' }, contextFor(store, boss, T0, outside)));
    const named = data<PortalOverview>(await portal.handle({ action: 'overview' }, contextFor(store, first, T0, outside)));
    expect(named.changes[0]).toMatchObject({ proposedBy: '本人', reviewedBy: '省住建厅 张审核（监管人员）' });
    // supervisors too see names and roles in a center's history (issue 16 point 8), never openids
    const history = data<ChangeView[]>(await admin.handle({ action: 'centerHistory', centerCode: '321100' }, contextFor(store, boss, T0, outside)));
    expect(history[0]).toMatchObject({ proposedBy: '中心工作人员', reviewedBy: '本人' });
    expect(JSON.stringify(history)).not.toMatch(/lim-(boss|staff)-openid/);
  });
});
