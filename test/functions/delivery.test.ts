import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { handler as admin } from '../../cloudfunctions/admin';
import { createOutboundClient, DELIVERY_TIMEOUT_MS, type OutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { relayDue } from '../../cloudfunctions/_lib/services/relay';
import { RETRY_DELAYS_MS } from '../../cloudfunctions/_lib/delivery/schedule';
import { newSecret } from '../../cloudfunctions/_lib/delivery/signing';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import type { Outside } from '../../cloudfunctions/_lib/runtime/define';
import { submitApplication } from '../../cloudfunctions/_lib/applications/submit';
import { withdrawApplication } from '../../cloudfunctions/_lib/applications/withdraw';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { startCenterSim, type CenterSim } from '../../tools/center-sim/server';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

/**
 * The relay against the center simulator over real loopback HTTPS: signing, the retry schedule, 410,
 * Retry-After, timeouts, redirects and the address guard.
 */
jest.setTimeout(60_000);

const YANGZHOU = '321000';
const secret = newSecret();
let store: Store;
let sim: CenterSim;
let outside: ReturnType<typeof testOutside>;
let simHost: string;

beforeAll(async () => {
  store = await catalogStore();
  sim = await startCenterSim({ secretFor: () => secret, script: { transfer: [] } });
  simHost = new URL(sim.origin).host;
  const outbound = createOutboundClient({ allow: new Set([simHost]), allowCa: sim.tls.cert, timeoutMs: 1_000 });
  outside = testOutside({ outbound: () => outbound });
});
afterAll(async () => {
  await outside.outbound().close();
  await sim.close();
  await store.close();
});
afterEach(() => sim.clearFault());

async function pointAt(centerCode: string, url: string, out: Outside = outside) {
  await store.endpoints.put({ centerCode, mode: 'api', url, secretsSealed: [seal(out.keyring(), sealedAs.endpointSecret(centerCode), secret)], updatedAt: new Date() });
}

let serial = 0;
/** A fresh person's submitted transfer to `centerCode`; answers its id. */
async function submittedTo(centerCode: string, now: Date): Promise<string> {
  const openid = `relay-${++serial}`;
  await verifiedPerson(store, outside, openid, now);
  const ctx = { ...contextFor(store, { openid, roles: [] }, now, outside), now };
  const { id } = await submitApplication(ctx, openid, { type: 'transfer', requestId: `req-relay-${serial}`, payload: {
    transferOutCenter: '110000',
    transferInCenter: centerCode,
    formerEmployer: '北京某某科技有限公司',
    newEmployer: '扬州某某制造有限公司',
    newAccount: '3210098765',
    phone: '13912345678',
  } });
  return id;
}

const relayAt = (now: Date, out: Outside = outside) => relayDue(contextFor(store, undefined, now, out));

describe('the relay', () => {
  it('delivers a signed submission the simulator verifies, carrying the application id, and moves the application to 送达中心', async () => {
    await pointAt(YANGZHOU, sim.endpointFor(YANGZHOU));
    const now = new Date();
    const id = await submittedTo(YANGZHOU, now);
    expect(await relayAt(now)).toMatchObject({ delivered: 1 });
    const received = sim.received.filter((r) => r.applicationId === id);
    expect(received).toEqual([expect.objectContaining({ verified: true, answer: 200, problems: [], type: 'application.submitted' })]);
    expect((await store.applications.get(id))?.status).toBe('delivered');
    const [record] = await store.outbox.listForApplication(id);
    expect(record).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(received[0].id).toBe(record.id);
  });

  it('keeps retrying on the schedule while the endpoint is down, then delivers exactly once with the same webhook-id', async () => {
    await pointAt(YANGZHOU, sim.endpointFor(YANGZHOU));
    let now = new Date();
    const id = await submittedTo(YANGZHOU, now);
    sim.setFault({ mode: '500', times: 3 });
    for (let i = 0; i < 3; i++) {
      expect(await relayAt(now)).toMatchObject({ retrying: 1 });
      const record = (await store.outbox.listForApplication(id))[0];
      // the next try waits its turn on the schedule (±10% jitter), and not a moment before
      const wait = record.dueAt.getTime() - now.getTime();
      expect(wait).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[i] * 0.9);
      expect(wait).toBeLessThanOrEqual(RETRY_DELAYS_MS[i] * 1.1);
      expect(await relayAt(new Date(record.dueAt.getTime() - 1))).toMatchObject({ claimed: 0 });
      now = record.dueAt;
    }
    expect(await relayAt(now)).toMatchObject({ delivered: 1 });
    expect(await relayAt(new Date(now.getTime() + 86_400_000))).toMatchObject({ claimed: 0 });
    const [record] = await store.outbox.listForApplication(id);
    expect((await store.outbox.attempts(record.id)).map((a) => a.httpStatus)).toEqual([500, 500, 500, 200]);
    const accepted = sim.received.filter((r) => r.applicationId === id && r.answer === 200);
    expect(accepted).toHaveLength(1);
    expect(new Set(sim.received.filter((r) => r.applicationId === id).map((r) => r.id))).toEqual(new Set([record.id]));
  });

  it('dead-letters at once on 410, and after the last retry otherwise', async () => {
    await pointAt(YANGZHOU, sim.endpointFor(YANGZHOU));
    const now = new Date();
    const gone = await submittedTo(YANGZHOU, now);
    sim.setFault({ mode: '410' });
    expect(await relayAt(now)).toMatchObject({ dead: 1 });
    const [record] = await store.outbox.listForApplication(gone);
    expect(record).toMatchObject({ state: 'dead', attempts: 1 });
    const listed = await admin.handle({ action: 'deadLetters' }, contextFor(store, { openid: 'sup', roles: [{ role: 'supervisor' }] }, now, outside));
    expect(listed).toMatchObject({ ok: true, data: expect.arrayContaining([expect.objectContaining({ outboxId: record.id, applicationId: gone, centerName: '扬州市住房公积金管理中心', lastError: expect.stringContaining('410') })]) });
    expect(await admin.handle({ action: 'deadLetters' }, contextFor(store, { openid: 'x', roles: [] }, now, outside))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect((await store.applications.get(gone))?.status).toBe('submitted');

    sim.setFault({ mode: '500' });
    const down = await submittedTo(YANGZHOU, now);
    let at = now;
    for (let i = 0; i <= RETRY_DELAYS_MS.length; i++) {
      await relayAt(at);
      at = (await store.outbox.listForApplication(down))[0].dueAt;
    }
    expect((await store.outbox.listForApplication(down))[0]).toMatchObject({ state: 'dead', attempts: RETRY_DELAYS_MS.length + 1 });
  });

  it('waits as long as a 429 or 503 Retry-After asks', async () => {
    await pointAt(YANGZHOU, sim.endpointFor(YANGZHOU));
    const now = new Date();
    const id = await submittedTo(YANGZHOU, now);
    sim.setFault({ mode: '429', retryAfterSeconds: 120, times: 1 });
    await relayAt(now);
    expect((await store.outbox.listForApplication(id))[0].dueAt.getTime() - now.getTime()).toBe(120_000);
  });

  it('gives up on an endpoint that does not answer within the timeout and tries again later', async () => {
    await pointAt(YANGZHOU, sim.endpointFor(YANGZHOU));
    const now = new Date();
    const id = await submittedTo(YANGZHOU, now);
    sim.setFault({ mode: 'hang', times: 1 });
    expect(await relayAt(now)).toMatchObject({ retrying: 1 });
    const [record] = await store.outbox.listForApplication(id);
    expect((await store.outbox.attempts(record.id))[0]).toMatchObject({ httpStatus: null, error: expect.stringContaining('超时') });
  });
});

describe('the address guard', () => {
  let redirector: Server;
  let redirectUrl: string;
  beforeAll(async () => {
    redirector = createServer({ key: sim.tls.key, cert: sim.tls.cert }, (_req, res) => {
      res.writeHead(307, { location: sim.endpointFor(YANGZHOU) });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectUrl = `https://localhost:${(redirector.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => redirector.close(() => resolve())));

  it('refuses loopback and private addresses, names that resolve to them, and plain http, before sending anything', async () => {
    const guarded = createOutboundClient({ timeoutMs: 1_000 });
    const port = new URL(sim.origin).port;
    const cases: [string, RegExp][] = [
      [`https://127.0.0.1:${port}/centers/321000/applications`, /不是公网地址/],
      [`https://localhost:${port}/centers/321000/applications`, /不是公网地址/],
      [`https://[::1]:${port}/x`, /不是公网地址/],
      [`https://[::ffff:127.0.0.1]:${port}/x`, /不是公网地址/],
      [`https://[::7f00:1]:${port}/x`, /不是公网地址/],
      ['https://10.1.2.3/x', /不是公网地址/],
      ['https://169.254.169.254/latest/meta-data', /不是公网地址/],
      ['https://2130706433/x', /不是公网地址/],
      ['https://0x7f.1/x', /不是公网地址/],
      [`http://example.com/x`, /只允许 https/],
      ['https://user:pw@example.com/x', /用户名或密码/],
    ];
    const before = sim.received.length;
    for (const [url, reason] of cases) {
      const outcome = await guarded.postJson(url, '{}', {});
      expect({ url, outcome }).toEqual({ url, outcome: { kind: 'failed', error: expect.stringMatching(reason) } });
    }
    expect(sim.received.length).toBe(before);
    await guarded.close();
  });

  it('does not follow a redirect: the delivery counts as failed and is retried', async () => {
    const redirectHost = new URL(redirectUrl).host;
    const outbound = createOutboundClient({ allow: new Set([redirectHost, simHost]), allowCa: sim.tls.cert });
    const out = testOutside({ keyring: outside.keyring, outbound: () => outbound });
    await pointAt(YANGZHOU, redirectUrl, out);
    const now = new Date();
    const before = sim.received.length;
    const id = await submittedTo(YANGZHOU, now);
    expect(await relayAt(now, out)).toMatchObject({ retrying: 1 });
    const [record] = await store.outbox.listForApplication(id);
    expect((await store.outbox.attempts(record.id))[0]).toMatchObject({ httpStatus: 307 });
    expect(sim.received.length).toBe(before);
    await out.outbound().close();
  });
});

describe('one relay run', () => {
  /** `count` submissions due now, once what the tests before left due is sent; the center at the simulator. */
  async function backlog(count: number, out: Outside = outside) {
    await pointAt(YANGZHOU, sim.endpointFor(YANGZHOU), out);
    const now = new Date();
    await relayAt(now, out);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await submittedTo(YANGZHOU, now));
    return { now, ids };
  }

  /** An outside whose client waits up to 10 s for an answer, for a center slowed on purpose. */
  function patientOutside() {
    const patient = createOutboundClient({ allow: new Set([simHost]), allowCa: sim.tls.cert, timeoutMs: 10_000 });
    return { out: testOutside({ keyring: outside.keyring, outbound: () => patient }), close: () => patient.close() };
  }
  /** The store with each claim noting how many deliveries had reached the simulator when it was made. */
  function countingClaims(reachedAtClaim: number[]): Store {
    const before = sim.received.length;
    return {
      ...store,
      outbox: {
        ...store.outbox,
        claimDue: (...args) => {
          reachedAtClaim.push(sim.received.length - before);
          return store.outbox.claimDue(...args);
        },
      },
    };
  }

  it('drains a backlog bigger than a claim, making the next claim while the one before is still being sent', async () => {
    const { now, ids } = await backlog(12);
    const reachedAtClaim: number[] = [];
    expect(await relayDue(contextFor(countingClaims(reachedAtClaim), undefined, now, outside), { batch: 5 })).toEqual({ claimed: 12, delivered: 12, retrying: 0, dead: 0 });
    // claims of 5, 5 and 2 (a short one ends the claiming); each after the first made before the deliveries of the
    // claims before it had all reached the center
    expect(reachedAtClaim).toHaveLength(3);
    expect(reachedAtClaim[1]).toBeLessThan(5);
    expect(reachedAtClaim[2]).toBeLessThan(10);
    expect((await store.applications.getMany(ids)).map((a) => a.status)).toEqual(ids.map(() => 'delivered'));
  });

  it("sends an application's withdrawal only after its submission was answered, when the two fall into different claims", async () => {
    const {
      now,
      ids: [id],
    } = await backlog(1);
    const openid = (await store.applications.get(id))?.openid ?? '';
    const later = new Date(now.getTime() + 1_000); // due after the submission, so the claims take them in that order
    await withdrawApplication({ ...contextFor(store, { openid, roles: [] }, later, outside), now: later }, openid, id);
    const [submitted, withdrawn] = await store.outbox.listForApplication(id);
    expect([submitted.type, withdrawn.type]).toEqual(['application.submitted', 'application.withdrawn']);

    // what the platform sends and when the answers come, in order
    const seen: string[] = [];
    const outbound = outside.outbound();
    const watched: OutboundClient = {
      async postJson(url, body, headers) {
        seen.push(`sent ${headers['webhook-id']}`);
        const outcome = await outbound.postJson(url, body, headers);
        seen.push(`answered ${headers['webhook-id']}`);
        return outcome;
      },
      close: () => outbound.close(),
    };
    // the center takes its time over the submission: the withdrawal's claim comes back while it is being sent
    sim.setFault({ mode: 'slow', delayMs: 500, times: 1 });
    expect(await relayDue(contextFor(store, undefined, later, { ...outside, outbound: () => watched }), { batch: 1 })).toMatchObject({ claimed: 2, delivered: 2 });
    expect(seen).toEqual([`sent ${submitted.id}`, `answered ${submitted.id}`, `sent ${withdrawn.id}`, `answered ${withdrawn.id}`]);
    expect(sim.received.filter((r) => r.applicationId === id).map((r) => [r.type, r.answer])).toEqual([
      ['application.submitted', 200],
      ['application.withdrawn', 200],
    ]);
  });

  it('answers a claim that fails with its error, after sending what it holds and saving it', async () => {
    const { now, ids } = await backlog(12);
    let claims = 0;
    const failing: Store = {
      ...store,
      outbox: {
        ...store.outbox,
        claimDue: async (...args) => {
          if (++claims > 1) throw new Error('数据库连接中断');
          return store.outbox.claimDue(...args);
        },
      },
    };
    // two at a time, so the second claim fails while three of the first are still waiting to be sent
    await expect(relayDue(contextFor(failing, undefined, now, outside), { batch: 5, concurrency: 2 })).rejects.toThrow('数据库连接中断');
    expect(claims).toBe(2);
    // the first claim's five were all sent and their results saved; the others are still due
    const states = (await Promise.all(ids.map((id) => store.outbox.listForApplication(id)))).flat().map((r) => r.state);
    expect(states.filter((state) => state === 'delivered')).toHaveLength(5);
    expect(await relayAt(now)).toMatchObject({ claimed: 7, delivered: 7 });
  });

  it('keeps the results of a save that fails and saves them before it answers the error', async () => {
    const { now, ids } = await backlog(3);
    let settles = 0;
    const flaky: Store = {
      ...store,
      outbox: {
        ...store.outbox,
        settle: async (...args) => {
          if (++settles === 1) throw new Error('数据库连接中断');
          return store.outbox.settle(...args);
        },
      },
    };
    const before = sim.received.length;
    // the run's results are saved at its end (fewer than a save's 50), and that save fails once
    await expect(relayDue(contextFor(flaky, undefined, now, outside), { batch: 5, concurrency: 1 })).rejects.toThrow('数据库连接中断');
    const sent = sim.received.length - before;
    expect(sent).toBeGreaterThanOrEqual(1);
    // what was sent is recorded as delivered, once each; what was not is still due
    const records = (await Promise.all(ids.map((id) => store.outbox.listForApplication(id)))).flat();
    expect(records.filter((r) => r.state === 'delivered').map((r) => r.attempts)).toEqual(Array.from({ length: sent }, () => 1));
    expect(await relayAt(now)).toMatchObject({ claimed: 3 - sent, delivered: 3 - sent });
  });

  it('does not send again a record whose lease ran out while the run still had it (a lease shorter than the run)', async () => {
    const { now } = await backlog(6);
    // every claim after the first is made as if the leases of the one before had run out: it takes them again
    let claims = 0;
    const expiring: Store = {
      ...store,
      outbox: {
        ...store.outbox,
        claimDue: (at, limit, leaseMs) => store.outbox.claimDue(claims++ === 0 ? at : new Date(at.getTime() + claims * (leaseMs + 1_000)), limit, leaseMs),
      },
    };
    const before = sim.received.length;
    // the second claim takes back the first's two (one answered but not yet saved, one in hand): neither is sent
    // again, and a claim of nothing new ends the claiming
    expect(await relayDue(contextFor(expiring, undefined, now, outside), { batch: 2, concurrency: 1 })).toEqual({ claimed: 2, delivered: 2, retrying: 0, dead: 0 });
    expect(claims).toBe(2);
    const sent = sim.received.slice(before).map((r) => r.id);
    expect(sent).toHaveLength(2);
    expect(new Set(sent).size).toBe(2);
    expect(await relayAt(now)).toMatchObject({ claimed: 4, delivered: 4 });
  });

  it('reads the endpoint before a record is in hand, so an attempt it would start past its lease is not started', async () => {
    const { now, ids } = await backlog(2);
    // a lease that leaves 100 ms to start an attempt (it must outlast the 15 s timeout), and an endpoint read of 300 ms
    const short: Outside = { ...outside, relayLeaseMs: DELIVERY_TIMEOUT_MS + 100 };
    const slowEndpoint: Store = {
      ...store,
      endpoints: {
        ...store.endpoints,
        get: async (code) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return store.endpoints.get(code);
        },
      },
    };
    const before = sim.received.length;
    expect(await relayDue(contextFor(slowEndpoint, undefined, now, short))).toEqual({ claimed: 2, delivered: 0, retrying: 0, dead: 0 });
    expect(sim.received.length).toBe(before);
    // left to their leases, sent by the next run once they ran out, once each
    await relayAt(new Date(now.getTime() + short.relayLeaseMs + 1_000));
    expect((await store.applications.getMany(ids)).map((a) => a.status)).toEqual(['delivered', 'delivered']);
    expect(sim.received.slice(before).filter((r) => ids.includes(r.applicationId ?? '')).map((r) => r.answer)).toEqual([200, 200]);
  });

  it('claims no more once its time is spent, and leaves the rest due for the next run', async () => {
    const { out, close } = patientOutside();
    const { now, ids } = await backlog(12, out);
    // the run may start attempts for its first second; the center answers each after two
    sim.setFault({ mode: 'slow', delayMs: 2_000 });
    const reachedAtClaim: number[] = [];
    const run = await relayDue(contextFor(countingClaims(reachedAtClaim), undefined, now, out), { batch: 5, concurrency: 5, runMs: DELIVERY_TIMEOUT_MS + 1_000 });
    // the first claim sent; when its first answer came the time to start attempts was over, so no second claim
    // although the first was full
    expect(run).toEqual({ claimed: 5, delivered: 5, retrying: 0, dead: 0 });
    expect(reachedAtClaim).toHaveLength(1);
    sim.clearFault();

    // the seven never claimed go with the next run, each sent once
    expect(await relayAt(now, out)).toEqual({ claimed: 7, delivered: 7, retrying: 0, dead: 0 });
    const records = await Promise.all(ids.map((id) => store.outbox.listForApplication(id)));
    expect(records.flat().map((r) => [r.state, r.attempts])).toEqual(ids.map(() => ['delivered', 1]));
    await close();
  });

  it('makes no claim ahead when the records in hand already keep it busy until its time is spent', async () => {
    const { out, close } = patientOutside();
    const { now, ids } = await backlog(6, out);
    // one at a time, two seconds each, attempts allowed to start for five: the second claim is made when the first
    // answer comes (about second 2); when the third is taken (about second 4) the one left in hand would take the
    // rest of the time, so a third claim would only wait out its lease
    sim.setFault({ mode: 'slow', delayMs: 2_000 });
    const reachedAtClaim: number[] = [];
    const run = await relayDue(contextFor(countingClaims(reachedAtClaim), undefined, now, out), { batch: 2, concurrency: 1, runMs: DELIVERY_TIMEOUT_MS + 5_000 });
    expect(run).toEqual({ claimed: 4, delivered: 3, retrying: 0, dead: 0 });
    expect(reachedAtClaim).toHaveLength(2);
    sim.clearFault();

    expect(await relayAt(now, out)).toEqual({ claimed: 2, delivered: 2, retrying: 0, dead: 0 });
    await relayAt(new Date(now.getTime() + 61_000), out);
    const records = await Promise.all(ids.map((id) => store.outbox.listForApplication(id)));
    expect(records.flat().map((r) => [r.state, r.attempts])).toEqual(ids.map(() => ['delivered', 1]));
    await close();
  });
});
