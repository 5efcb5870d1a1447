import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { CONSENT_VERSION } from '../../src/core/consent';
import { idCheckChar } from '../../src/core/identity';
import type { ApplicationListEntry, ApplicationView } from '../../src/core/applications/views';
import type { ReceivedDelivery } from '../../tools/center-sim/server';
import { freePort, startLocalHost, type RunningHost } from '../support/local-host';
import { until } from '../support/until';

jest.setTimeout(300_000);

/**
 * Crash safety of the transactional outbox and the relay, against the real local host as one child
 * process: SIGKILL while deliveries are in flight at the center (the simulator is told to be slow), then a
 * restart on the same data directory. Nothing may be lost, nothing applied twice, and a redelivery must
 * carry the webhook-id of the attempt that was cut off, so a center that did get it can tell.
 *
 * The center simulator lives inside the host process: the kill takes it down too, and the restarted
 * simulator remembers nothing (its /_control/received starts empty). So what the first simulator saw is
 * read before the kill, and compared with what the second one sees after; and where a real center would
 * carry on with an application it had accepted before the crash, the test plays that center, signing its
 * callbacks with the demo secret the host keeps in DATA_DIR/dev-center-secret.
 */

const YANGZHOU = '321000'; // transfer-in: the responsible center, which gets the delivery
const NANJING = '320100'; // transfer-out
const LEASE_SECONDS = 20; // the shortest lease the relay accepts
const NUDGE_SECRET = 'crash-test-nudge-secret-0123456789abcdef';
const SLOW_MS = 12_000; // the center's answer comes after the kill (and before the relay's 15 s timeout)
const FLOW = ['01', '02', '08', '00'];

const insecure = new Agent({ connect: { rejectUnauthorized: false } }); // the simulator's certificate is self-signed per start

async function sim<T>(origin: string, method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<T> {
  const res = await request(`${origin}${route}`, {
    method,
    dispatcher: insecure,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${method} ${route}: ${res.statusCode} ${text}`);
  return JSON.parse(text) as T;
}
const received = (host: RunningHost) => sim<ReceivedDelivery[]>(host.simOrigin, 'GET', '/_control/received');

async function api<T>(host: RunningHost, fn: string, event: unknown, openid?: string): Promise<T> {
  const res = await fetch(`${host.url}/api/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) },
    body: JSON.stringify(event),
  });
  const body = (await res.json()) as { ok: boolean; data?: T; code?: string; message?: string };
  if (!body.ok) throw new Error(`${fn} ${JSON.stringify(event)}: ${body.code} ${body.message}`);
  return body.data as T;
}


const residentId = (n: number) => {
  const first17 = `32100219800101${String(100 + n).padStart(3, '0')}`; // 扬州, born 1980-01-01
  return first17 + idCheckChar(first17);
};

async function verify(host: RunningHost, openid: string, n: number): Promise<void> {
  await api(host, 'identity', { action: 'consent', version: CONSENT_VERSION }, openid);
  const { verifyId } = await api<{ verifyId: string }>(
    host,
    'identity',
    { action: 'start', name: `职工${'甲乙丙丁戊己庚'[n]}`, docType: '01', docNumber: residentId(n), consentVersion: CONSENT_VERSION },
    openid,
  );
  await api(host, 'identity', { action: 'confirm', verifyId }, openid);
}

const submit = (host: RunningHost, openid: string) =>
  api<{ id: string }>(host, 'applications', {
    action: 'submit',
    type: 'transfer',
    requestId: `crash-${openid}`,
    payload: {
      transferOutCenter: NANJING,
      transferInCenter: YANGZHOU,
      formerEmployer: '南京某某科技有限公司',
      formerAccount: '12345678',
      newEmployer: '扬州某某制造有限公司',
      newAccount: '87654321',
      phone: '13812345678',
    },
  }, openid).then((d) => d.id);

const view = (host: RunningHost, openid: string, id: string) => api<ApplicationView>(host, 'applications', { action: 'get', id }, openid);

/** What a center sends the platform: a signed status callback under the given webhook-id. */
async function callback(host: RunningHost, secret: string, webhookId: string, applicationId: string, status: string) {
  const now = new Date();
  const body = JSON.stringify({ type: 'application.status', timestamp: now.toISOString(), data: { applicationId, status } });
  const res = await fetch(`${host.url}/callbacks/${YANGZHOU}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(webhookId, now, body),
    },
    body,
  });
  return { http: res.status, body: (await res.json()) as unknown };
}
const changed = (yes: boolean) => ({ http: 200, body: { ok: true, data: { changed: yes } } });

const forOne = (list: readonly ReceivedDelivery[], id: string) => list.filter((r) => r.applicationId === id);

describe('the host killed (SIGKILL) in the middle of relaying, then restarted on the same data', () => {
  let dataDir: string;
  let host: RunningHost | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gjj-crash-'));
  });
  afterAll(async () => {
    await host?.crash();
    await insecure.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses nothing, applies no state change twice, and redelivers under the first webhook-id', async () => {
    const env = { RELAY_LEASE_SECONDS: String(LEASE_SECONDS), CENTER_SIM_PORT: String(await freePort()), INTERNAL_NUDGE_SECRET: NUDGE_SECRET };
    const first = (host = await startLocalHost(env, dataDir));

    // A: all the way through before the crash; D: accepted (01) by the center before the crash, which then
    // carries on after it; B1..B3: in flight at a slow center when the host dies; C: committed, not yet sent
    const people = ['crash-a', 'crash-d', 'crash-b1', 'crash-b2', 'crash-b3', 'crash-c'];
    for (const [n, openid] of people.entries()) await verify(first, openid, n);
    const ids = new Map<string, string>(); // openid -> application id
    const idOf = (openid: string) => ids.get(openid) as string;
    const status = async (openid: string) => (await view(first, openid, idOf(openid))).status;

    ids.set('crash-a', await submit(first, 'crash-a'));
    await until('A completed before the crash', async () => ((await status('crash-a')) === 'completed' ? true : undefined));

    // the center takes D, reports 01, then takes its time over 02 (longer than this test)
    await sim(first.simOrigin, 'POST', '/_control/script', { type: 'transfer', steps: ['01', { status: '02', delayMs: 600_000 }] });
    ids.set('crash-d', await submit(first, 'crash-d'));
    await until('D accepted before the crash', async () => ((await status('crash-d')) === 'accepted' ? true : undefined));
    await sim(first.simOrigin, 'DELETE', '/_control/script');

    await sim(first.simOrigin, 'POST', '/_control/fault', { mode: 'slow', delayMs: SLOW_MS });
    ids.set('crash-b1', await submit(first, 'crash-b1')); // the nudge's run takes B1 and waits on the center
    await until('B1 at the center', async () => (forOne(await received(first), idOf('crash-b1')).length > 0 ? true : undefined));
    ids.set('crash-b2', await submit(first, 'crash-b2'));
    ids.set('crash-b3', await submit(first, 'crash-b3'));
    // the nudges for B2, B3 wait for the running relay; a forced run (an internal nudge with the secret) takes them now
    const forced = fetch(`${first.url}/api/relay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nudge: NUDGE_SECRET }) }).catch(() => undefined);
    await until('B2, B3 at the center', async () => {
      const list = await received(first);
      return forOne(list, idOf('crash-b2')).length > 0 && forOne(list, idOf('crash-b3')).length > 0 ? true : undefined;
    });
    ids.set('crash-c', await submit(first, 'crash-c'));

    const beforeCrash = await received(first);
    await first.crash();
    await forced;
    expect(first.process.signalCode).toBe('SIGKILL');

    // what the first simulator saw: A and D once each, accepted; each B once, still waiting for its slow answer
    const webhookIds = new Map<string, string>(); // application id -> webhook-id of its delivery's first attempt
    for (const openid of ['crash-a', 'crash-d']) {
      const seen = forOne(beforeCrash, idOf(openid));
      expect({ openid, seen }).toEqual({ openid, seen: [expect.objectContaining({ verified: true, answer: 200, duplicate: false })] });
      webhookIds.set(idOf(openid), seen[0].id);
    }
    for (const openid of ['crash-b1', 'crash-b2', 'crash-b3']) {
      const seen = forOne(beforeCrash, idOf(openid));
      expect({ openid, seen }).toEqual({ openid, seen: [expect.objectContaining({ verified: true, fault: 'slow', answer: null })] });
      webhookIds.set(idOf(openid), seen[0].id);
    }
    // C may have been taken by the one-minute timer just before the crash; then it was in flight too
    const cSeen = forOne(beforeCrash, idOf('crash-c'));
    expect(cSeen.every((r) => r.answer === null)).toBe(true);
    if (cSeen.length > 0) webhookIds.set(idOf('crash-c'), cSeen[0].id);
    expect(new Set(webhookIds.values()).size).toBe(webhookIds.size);
    // the callback that took D to 01, as the first simulator sent it
    const d01 = forOne(beforeCrash, idOf('crash-d'))[0].callbacks.filter((c) => c.status === '01' && c.httpStatus === 200);
    expect(d01).toEqual([expect.objectContaining({ response: { ok: true, data: { changed: true } } })]);

    // restart on the same data directory and simulator port (the seeded endpoints stay valid)
    const second = (host = await startLocalHost(env, dataDir));

    // D: the center carries on. Its 01 sent again under the same webhook-id, once D has moved past 01, changes
    // nothing (the receipt outlived the crash; as a new message it would be an illegal 02 -> 01)
    const secret = readFileSync(path.join(dataDir, 'dev-center-secret'), 'utf8').trim();
    const d = idOf('crash-d');
    const dIds = Object.fromEntries(['02', '08', '00'].map((code) => [code, `msg_${randomUUID().replace(/-/g, '')}`]));
    expect(await callback(second, secret, dIds['02'], d, '02')).toEqual(changed(true));
    expect(await callback(second, secret, d01[0].webhookId, d, '01')).toEqual(changed(false));
    expect(await callback(second, secret, dIds['02'], d, '02')).toEqual(changed(false));
    expect(await callback(second, secret, dIds['08'], d, '08')).toEqual(changed(true));
    expect(await callback(second, secret, dIds['00'], d, '00')).toEqual(changed(true));
    expect(await callback(second, secret, dIds['00'], d, '00')).toEqual(changed(false));

    // relay runs as an internal nudge makes them (the secret, no caller), until the leases of the cut-off attempts run out
    const all = [...ids.entries()];
    const views = await until(
      'every application completed after the restart',
      async () => {
        await api(second, 'relay', { nudge: NUDGE_SECRET });
        const now = await Promise.all(all.map(([openid, id]) => view(second, openid, id)));
        return now.every((v) => v.status === 'completed') ? now : undefined;
      },
      (LEASE_SECONDS + 90) * 1000,
      2000,
      async () => Promise.all(all.map(async ([openid, id]) => [openid, (await view(second, openid, id)).status])),
    );

    // nothing lost: each person has exactly their one application, completed
    for (const [openid, id] of all) {
      const list = await api<ApplicationListEntry[]>(second, 'applications', { action: 'list' }, openid);
      expect({ openid, list: list.map((e) => [e.id, e.status]) }).toEqual({ openid, list: [[id, 'completed']] });
    }

    // no state change applied twice: each code once, in order; submitted once, delivered at most once
    for (const v of views) {
      const codes = v.events.map((e) => e.platformCode).filter((c) => c !== null);
      const statuses = v.events.map((e) => e.status);
      const delivered = statuses.filter((s) => s === 'delivered').length;
      expect({ id: v.id, platformCode: v.platformCode, codes, submitted: statuses.filter((s) => s === 'submitted').length, deliveredAtMostOnce: delivered <= 1 }).toEqual({
        id: v.id,
        platformCode: '00',
        codes: FLOW,
        submitted: 1,
        deliveredAtMostOnce: true,
      });
      expect([
        ['提交', '送达中心', '受理', '转出地确认', '转出地确认', '办结'],
        ['提交', '受理', '转出地确认', '转出地确认', '办结'], // a callback beat the record of the delivery
      ]).toContainEqual(v.events.map((e) => e.step));
    }

    // the second simulator: nothing for A and D (delivered before the crash); every other application exactly
    // once, verified, under the webhook-id of its cut-off attempt, and its callbacks each changed something once
    const afterRestart = await received(second);
    expect(forOne(afterRestart, idOf('crash-a'))).toEqual([]);
    expect(forOne(afterRestart, d)).toEqual([]);
    for (const openid of ['crash-b1', 'crash-b2', 'crash-b3', 'crash-c']) {
      const id = idOf(openid);
      const seen = forOne(afterRestart, id);
      expect({ openid, seen }).toEqual({ openid, seen: [expect.objectContaining({ type: 'application.submitted', verified: true, answer: 200, duplicate: false, fault: null })] });
      if (webhookIds.has(id)) expect({ openid, webhookId: seen[0].id }).toEqual({ openid, webhookId: webhookIds.get(id) });
      else webhookIds.set(id, seen[0].id); // C, first sent after the restart
      const taken = seen[0].callbacks.filter((c) => c.httpStatus === 200);
      expect({ openid, callbacks: taken.map((c) => [c.status, c.response]) }).toEqual({
        openid,
        callbacks: FLOW.map((code) => [code, { ok: true, data: { changed: true } }]),
      });
    }

    // the store after a clean stop: one outbox record per application, delivered, whose id is the webhook-id
    // the simulators saw; the attempt cut off by the crash left no dead letter
    expect(await second.stop({ keepData: true })).toBe(0);
    host = undefined;
    const { openPgliteStore } = await import('../../cloudfunctions/_lib/store/sql/pglite');
    const store = await openPgliteStore(dataDir);
    try {
      for (const [openid, id] of all) {
        const outbox = await store.outbox.listForApplication(id);
        expect({ openid, outbox: outbox.map((o) => [o.id, o.type, o.state]) }).toEqual({ openid, outbox: [[webhookIds.get(id), 'application.submitted', 'delivered']] });
        const attempts = await store.outbox.attempts(outbox[0].id);
        expect({ openid, last: attempts.at(-1)?.httpStatus }).toEqual({ openid, last: 200 });
      }
      expect(await store.outbox.listDead()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
