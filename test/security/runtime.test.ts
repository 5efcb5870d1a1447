import { handler as daily } from '../../cloudfunctions/centers-daily';
import { handler as relay } from '../../cloudfunctions/relay';
import { createOutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { newSecret } from '../../cloudfunctions/_lib/delivery/signing';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { submitApplication } from '../../cloudfunctions/_lib/applications/submit';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { startCenterSim, type CenterSim } from '../../tools/center-sim/server';
import { createPostgresSchema, type PostgresSchema } from '../support/postgres-schema';
import { startHallSite, type HallSite } from '../support/hall-site';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { scfContext } from '../support/invocation';
import { verifiedPerson } from '../support/people';

/**
 * Attacks on the runtime (issue 11, points 2 and 3): the timer functions `relay` and `centers-daily` ran for
 * anyone (`POST /api/centers-daily` with no caller ran 2,193 link probes), and the deployed caller came from
 * process.env instead of each invocation's context. Here every refused invocation is shown to do nothing: no
 * delivery reaches the center simulator and no link is probed, while the genuine trigger does both.
 */
jest.setTimeout(60_000);

const YANGZHOU = '321000';
const NOW = new Date();
const employee: Caller = { openid: 'o-employee', roles: [] };
const supervisor: Caller = { openid: 'o-boss', roles: [{ role: 'supervisor' }] };
/** What an attacker may send: nothing, a timer-looking event, a nudge without the secret. */
const FORGED_EVENTS: readonly unknown[] = [
  {},
  { Type: 'Timer', TriggerName: 'relay-every-minute', Time: NOW.toISOString() },
  { Type: 'Timer', TriggerName: 'centers-daily-after-midnight', Time: NOW.toISOString(), Message: '' },
  { nudge: true },
  { nudge: 'guess' },
  { trigger: 'timer', TRIGGER_SRC: 'timer' },
];
const CALLERS: readonly (Caller | undefined)[] = [undefined, employee, supervisor];

describe('the timer functions refuse anyone but their timer and the platform', () => {
  const secret = newSecret();
  let store: Store;
  let sim: CenterSim;
  let outside: ReturnType<typeof testOutside>;
  let site: HallSite;

  beforeAll(async () => {
    store = await catalogStore();
    sim = await startCenterSim({ secretFor: () => secret, script: { transfer: [] } });
    site = await startHallSite('扬州市住房公积金网上服务大厅');
    const simHost = new URL(sim.origin).host;
    const outbound = createOutboundClient({ allow: new Set([simHost]), allowCa: sim.tls.cert, timeoutMs: 2_000 });
    outside = testOutside({ outbound: () => outbound, urlChecks: { allow: new Set([site.host, simHost]), allowCa: site.cert } });
  });
  afterAll(async () => {
    await outside.outbound().close();
    await sim.close();
    await site.close();
    await store.close();
  });

  it('relay: every call, with or without an openid and with a forged timer event or nudge, is FORBIDDEN and delivers nothing', async () => {
    await store.endpoints.put({ centerCode: YANGZHOU, mode: 'api', url: sim.endpointFor(YANGZHOU), secretsSealed: [seal(outside.keyring(), sealedAs.endpointSecret(YANGZHOU), secret)], updatedAt: NOW });
    await verifiedPerson(store, outside, 'o-applicant', NOW);
    const ctx = { ...contextFor(store, { openid: 'o-applicant', roles: [] }, NOW, outside), now: NOW };
    const { id } = await submitApplication(ctx, 'o-applicant', {
      type: 'transfer',
      requestId: 'req-runtime-1',
      payload: { transferOutCenter: '110000', transferInCenter: YANGZHOU, formerEmployer: '北京某某科技有限公司', newEmployer: '扬州某某制造有限公司', newAccount: '3210098765', phone: '13912345678' },
    });

    for (const caller of CALLERS) {
      for (const event of FORGED_EVENTS) {
        const answer = await relay.handle(event, contextFor(store, caller, NOW, outside, 'call'));
        expect({ caller: caller?.openid, event, answer }).toMatchObject({ answer: { ok: false, code: 'FORBIDDEN' } });
      }
    }
    // nothing was claimed, attempted or sent
    const [record] = await store.outbox.listForApplication(id);
    expect(record).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await store.outbox.attempts(record.id)).toEqual([]);
    expect(sim.received.filter((r) => r.applicationId === id)).toEqual([]);
    expect((await store.applications.get(id))?.status).toBe('submitted');

    // its timer (and the platform's own nudge) do run it: the refusals above were not an empty outbox
    expect(await relay.handle({}, contextFor(store, undefined, NOW, outside, 'timer'))).toMatchObject({ ok: true, data: { delivered: 1 } });
    expect(sim.received.filter((r) => r.applicationId === id)).toHaveLength(1);
    expect(await relay.handle({}, contextFor(store, employee, NOW, outside, 'internal'))).toMatchObject({ ok: true, data: { claimed: 0 } });
  });

  it('centers-daily: every call, with or without an openid and with a forged timer event, is FORBIDDEN and probes no link', async () => {
    const center = '320500';
    await store.centers.setLive(center, true);
    await store.links.put(center, { item: 4, kind: 'web', url: `${site.origin}/hall`, healthy: true });
    site.resetHits();

    for (const caller of CALLERS) {
      for (const event of FORGED_EVENTS) {
        const answer = await daily.handle(event, contextFor(store, caller, NOW, outside, 'call'));
        expect({ caller: caller?.openid, event, answer }).toMatchObject({ answer: { ok: false, code: 'FORBIDDEN' } });
      }
    }
    // nothing nudges centers-daily: a nudge that proved itself (every function holding INTERNAL_NUDGE_SECRET
    // can send one) starts no probe either
    for (const caller of CALLERS) {
      expect(await daily.handle({}, contextFor(store, caller, NOW, outside, 'internal'))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
    expect(site.hits()).toBe(0);
    expect(await store.health.listForCenter(center)).toEqual([]);

    // the timer probes it
    expect(await daily.handle({ Type: 'Timer', TriggerName: 'centers-daily-after-midnight', Time: NOW.toISOString() }, contextFor(store, undefined, NOW, outside, 'timer'))).toMatchObject({ ok: true });
    expect(site.hits()).toBeGreaterThanOrEqual(1);
    expect(await store.health.listForCenter(center)).toEqual([expect.objectContaining({ channel: 'link:4', healthy: true, url: `${site.origin}/hall` })]);
  });
});

/**
 * The deployed entry points (`index.main(event, context)`) on the self-hosted PostgreSQL store, with contexts
 * shaped as CloudBase hands them (SCF's `context.environment`, a JSON string).
 */
describe('deployed: the platform, not the event or process.env, says who called and how', () => {
  const saved = { ...process.env };
  const NUDGE_SECRET = 'test-nudge-secret-8d2f0c7a5b9e4e21a6f3';

  let schema: PostgresSchema;
  beforeAll(async () => {
    schema = await createPostgresSchema('runtime');
    process.env.DATABASE_URL = schema.url;
    process.env.INTERNAL_NUDGE_SECRET = NUDGE_SECRET;
    process.env.LOG_LEVEL = 'fatal';
  });
  afterAll(async () => {
    process.env = saved;
    await schema.drop();
  });

  it('relay and centers-daily answer FORBIDDEN to calls with or without an openid, to forged timer events and to nudges without the right secret', async () => {
    const { main: relayMain } = await import('../../cloudfunctions/relay');
    const { main: dailyMain } = await import('../../cloudfunctions/centers-daily');
    // what process.env might hold in an instance that ran a timer before: it proves nothing for this invocation
    process.env.TRIGGER_SRC = 'timer';
    const contexts = [undefined, {}, scfContext({}), scfContext({ WX_OPENID: 'o-employee', WX_APPID: 'wx0123456789abcdef', TRIGGER_SRC: 'wx_client' })];
    for (const main of [relayMain, dailyMain]) {
      for (const ctx of contexts) {
        for (const event of [...FORGED_EVENTS, { nudge: `${NUDGE_SECRET}x` }, { nudge: NUDGE_SECRET.slice(0, -1) }, { nudge: '' }]) {
          expect({ ctx, event, answer: await main(event, ctx) }).toMatchObject({ answer: { ok: false, code: 'FORBIDDEN' } });
        }
      }
    }
    delete process.env.TRIGGER_SRC;
  });

  it('centers-daily refuses even a relay nudge carrying the right INTERNAL_NUDGE_SECRET: its timer alone runs it', async () => {
    const { main } = await import('../../cloudfunctions/centers-daily');
    for (const ctx of [scfContext({}), scfContext({ WX_OPENID: 'o-employee' })]) {
      expect(await main({ nudge: NUDGE_SECRET }, ctx)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
  });

  it('relay runs for its timer trigger (TRIGGER_SRC=timer in the invocation context) and for a nudge with INTERNAL_NUDGE_SECRET', async () => {
    const { main } = await import('../../cloudfunctions/relay');
    const timer = scfContext({ TRIGGER_SRC: 'timer' });
    expect(await main({ Type: 'Timer', TriggerName: 'relay-every-minute', Time: new Date().toISOString() }, timer)).toEqual({ ok: true, data: { claimed: 0, delivered: 0, retrying: 0, dead: 0, conformance: { runs: 0, steps: 0, finished: 0 } } });
    // the nudge of a function a person called carries that person's openid along the chain: the secret decides
    expect(await main({ nudge: NUDGE_SECRET }, scfContext({ WX_OPENID: 'o-employee' }))).toMatchObject({ ok: true, data: { claimed: 0 } });
    expect(await main({ nudge: NUDGE_SECRET }, scfContext({}))).toMatchObject({ ok: true });
  });

  it('gives each of two interleaved invocations in one process its own caller, from its own context', async () => {
    const { main } = await import('../../cloudfunctions/session');
    const { openPostgresStore } = await import('../../cloudfunctions/_lib/store/sql/pg');
    const store = await openPostgresStore(process.env.DATABASE_URL!);
    await store.roles.grant('o-boss', { role: 'supervisor' });
    await store.close();
    // a stale or injected process variable is no caller
    process.env.WX_OPENID = 'o-boss';
    process.env.WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID';
    try {
      const boss = scfContext({ WX_OPENID: 'o-boss' });
      const someone = scfContext({ WX_OPENID: 'o-someone' });
      // the first is still waiting for its roles when the second starts, and so on, twenty deep
      const runs = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? { who: 'boss', run: main({ action: 'whoami' }, boss) } : { who: 'someone', run: main({ action: 'whoami' }, someone) }));
      const answers = await Promise.all(runs.map(async ({ who, run }) => [who, await run] as const));
      for (const [who, answer] of answers) {
        // a fresh store is closed: open to the supervisor only
        const launch = { open: who === 'boss', national: false, provinces: [] };
        expect({ who, answer }).toEqual({ who, answer: { ok: true, data: { roles: who === 'boss' ? [{ role: 'supervisor' }] : [], launch } } });
      }
      // no openid in the context: nobody, whatever process.env or the event says
      expect(await main({ action: 'whoami', openid: 'o-boss' }, scfContext({}))).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
      expect(await main({ action: 'whoami' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    } finally {
      delete process.env.WX_OPENID;
      delete process.env.WX_CONTEXT_KEYS;
    }
  });
});
