import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createLogger } from '../../cloudfunctions/_lib/log';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { newSecret, signHeaders } from '../../cloudfunctions/_lib/delivery/signing';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';
import { FUNCTIONS } from '../../tools/local-cloud/functions';
import { createLocalCloud } from '../../tools/local-cloud/server';
import { startHallSite, type HallSite } from '../support/hall-site';
import { catalogStore, testOutside } from '../support/function-context';
import { startLocalHost, type RunningHost } from '../support/local-host';

/**
 * Attacks on the local host (issue 11, points 2 and 15): the timer functions ran for any HTTP caller,
 * `/api/__proto__` answered 500, and an unsigned 60 MB callback body was read in full before its headers were
 * looked at. Each is replayed in process (createLocalCloud) and against the real host (`npm start`'s program).
 */
jest.setTimeout(120_000);

const MB = 1024 * 1024;
const YANGZHOU = '321000';
const NUDGE_SECRET = 'local-nudge-secret-5c1e9a7f3b2d4e6a8c0b';

interface RawAnswer {
  status: number;
  body: string;
  /** Body bytes the client managed to hand the socket before the answer came. */
  bytesSent: number;
  ms: number;
}

/**
 * POSTs `length` declared bytes over a raw socket: the body streamed in 64 KB chunks until the server answers
 * (or never sent at all), so what the server read before answering shows in `bytesSent`.
 */
function rawPost(origin: string, path: string, headers: Record<string, string>, length: number, sendBody: boolean): Promise<RawAnswer> {
  const { hostname, port } = new URL(origin);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    let response = '';
    let bytesSent = 0;
    let answered = false;
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no answer in 60 s (${bytesSent} bytes sent)`))), 60_000);
    const finish = () => {
      const head = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(response);
      if (!head) return;
      const declared = /content-length: *(\d+)/i.exec(head[2]);
      if (declared && Buffer.byteLength(head[3]) < Number(declared[1])) return;
      answered = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(head[1]), body: head[3], bytesSent, ms: performance.now() - started });
    };
    socket.on('data', (chunk) => {
      response += chunk.toString('utf8');
      finish();
    });
    socket.on('error', (error) => {
      if (!answered && !response) (clearTimeout(timer), reject(error));
    });
    socket.on('close', () => {
      if (!answered) finish();
      if (!answered) (clearTimeout(timer), reject(new Error(`closed without an answer after ${bytesSent} bytes: ${response}`)));
    });
    socket.on('connect', async () => {
      const lines = [`POST ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Content-Type: application/json', `Content-Length: ${length}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (!sendBody) return;
      const chunk = Buffer.alloc(64 * 1024, 'a');
      while (!answered && !socket.destroyed && bytesSent < length) {
        const piece = chunk.subarray(0, Math.min(chunk.length, length - bytesSent));
        bytesSent += piece.length;
        if (!socket.write(piece)) await new Promise((r) => (socket.once('drain', r), socket.once('close', r)));
        else await new Promise(setImmediate); // reads what came back between chunks, as a client does
      }
    });
  });
}

const json = (answer: RawAnswer) => JSON.parse(answer.body) as { ok: boolean; code?: string };

describe('the local host in process', () => {
  const secret = newSecret();
  let store: Store;
  let origin: string;
  let close: () => Promise<void>;
  let site: HallSite;

  beforeAll(async () => {
    store = await catalogStore();
    site = await startHallSite('网上服务大厅');
    const outside = testOutside({ urlChecks: { allow: new Set([site.host]), allowCa: site.cert } });
    await store.endpoints.put({ centerCode: YANGZHOU, mode: 'api', url: 'https://gjj.yangzhou.gov.cn/hooks', secretsSealed: [seal(outside.keyring(), sealedAs.endpointSecret(YANGZHOU), secret)], updatedAt: new Date() });
    await store.centers.setLive('320500', true);
    await store.links.put('320500', { item: 4, kind: 'web', url: `${site.origin}/hall`, healthy: true });
    const app = await createLocalCloud({ store, functions: FUNCTIONS, envRoles: new Map([['boss', [{ role: 'supervisor' }]]]), log: createLogger({ level: 'silent' }), outside, nudgeSecret: NUDGE_SECRET });
    origin = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('127.0.0.1', 'localhost');
    close = () => app.close();
  });
  afterAll(async () => {
    await close();
    await site.close();
    await store.close();
  });

  const post = (path: string, body: unknown, openid?: string) =>
    fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) }, body: JSON.stringify(body) });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf'])('answers /api/%s with 404, as no function of that name', async (name) => {
    const res = await post(`/api/${name}`, {});
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ ok: false, code: 'UNKNOWN_FUNCTION' });
  });

  it('answers POST /api/relay and /api/centers-daily FORBIDDEN for any caller and any event, and runs nothing (no link probed)', async () => {
    site.resetHits();
    const events = [{}, { Type: 'Timer', TriggerName: 'centers-daily-after-midnight', Time: new Date().toISOString() }, { nudge: true }, { nudge: `${NUDGE_SECRET}0` }];
    for (const fn of ['relay', 'centers-daily']) {
      for (const openid of [undefined, 'someone', 'boss']) {
        for (const event of events) {
          expect({ fn, openid, event, answer: await (await post(`/api/${fn}`, event, openid)).json() }).toMatchObject({ answer: { ok: false, code: 'FORBIDDEN' } });
        }
      }
    }
    expect(site.hits()).toBe(0);
    expect(await store.health.listForCenter('320500')).toEqual([]);
    // the deployed nudge's secret is the one way in over HTTP
    expect(await (await post('/api/relay', { nudge: NUDGE_SECRET })).json()).toMatchObject({ ok: true, data: { claimed: 0 } });
  });

  it('answers an unsigned 60 MB callback 401 before reading its body', async () => {
    const answer = await rawPost(origin, `/callbacks/${YANGZHOU}`, {}, 60 * MB, true);
    expect(answer.status).toBe(401);
    expect(json(answer)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    // what the socket buffers take before the answer is read, never the 60 MB
    expect(answer.bytesSent).toBeLessThan(16 * MB);
  });

  it('answers 401 at once to a callback whose body is never sent, and to stale, malformed or partial signature headers', async () => {
    const now = Math.floor(Date.now() / 1000);
    const signature = `v1,${Buffer.alloc(32, 7).toString('base64')}`;
    const cases: Record<string, string>[] = [
      {},
      { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now) },
      { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now - 3600), 'webhook-signature': signature },
      { 'webhook-id': 'msg_1', 'webhook-timestamp': `${now}abc`, 'webhook-signature': signature },
      { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': 'v1,short' },
      { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': 'nonsense' },
    ];
    for (const headers of cases) {
      const answer = await rawPost(origin, `/callbacks/${YANGZHOU}`, headers, 60 * MB, false);
      expect({ headers, status: answer.status }).toEqual({ headers, status: 401 });
      expect(answer.ms).toBeLessThan(5_000);
    }
  });

  it('answers a callback for a center with no endpoint 404 before reading its body', async () => {
    for (const code of ['320100', '999999', '__proto__']) {
      const answer = await rawPost(origin, `/callbacks/${code}`, {}, 60 * MB, false);
      expect({ code, status: answer.status }).toEqual({ code, status: 404 });
    }
  });

  it('still reads and verifies a properly signed callback', async () => {
    const body = JSON.stringify({ type: 'application.status', timestamp: new Date().toISOString(), data: { applicationId: 'zzzzzzzzzzzzzzzzzzzz', status: '01' } });
    const headers = signHeaders([secret], `msg_${Date.now()}`, new Date(), body);
    const res = await fetch(`${origin}/callbacks/${YANGZHOU}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    // past the signature: the application is unknown
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'APPLICATION_NOT_FOUND' });
  });
});

/** The resident memory of a process, in bytes (Linux). */
const rssOf = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0; // the process is gone
  }
};

describe('the real local host (npm start)', () => {
  let host: RunningHost;
  afterAll(async () => {
    await host?.stop();
  });

  it('refuses the timer functions to HTTP callers, 404s /api/__proto__, and refuses an unsigned 60 MB callback without reading it', async () => {
    host = await startLocalHost({ SUPERVISOR_OPENIDS: 'boss' });
    const post = (path: string, body: unknown, openid?: string) =>
      fetch(`${host.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) }, body: JSON.stringify(body) });

    for (const fn of ['relay', 'centers-daily']) {
      for (const openid of [undefined, 'boss']) {
        for (const event of [{}, { Type: 'Timer', TriggerName: `${fn}-every-minute`, Time: new Date().toISOString() }]) {
          const res = await post(`/api/${fn}`, event, openid);
          expect({ fn, openid, event, answer: await res.json() }).toMatchObject({ answer: { ok: false, code: 'FORBIDDEN' } });
        }
      }
    }
    for (const name of ['__proto__', 'constructor']) expect((await post(`/api/${name}`, {})).status).toBe(404);

    // the host's resident memory sampled every 5 ms while the upload goes on: reading it grew it by 120-170 MB
    const pid = host.process.pid!;
    const before = rssOf(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 5);
    let answer: RawAnswer;
    try {
      answer = await rawPost(host.url, `/callbacks/${YANGZHOU}`, {}, 60 * MB, true);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      clearInterval(sampler);
    }
    expect(answer.status).toBe(401);
    expect(answer.bytesSent).toBeLessThan(16 * MB);
    expect(peak - before).toBeLessThan(30 * MB);
    const never = await rawPost(host.url, `/callbacks/${YANGZHOU}`, {}, 60 * MB, false);
    expect(never.status).toBe(401);

    // no link was probed: the daily run records every probe in the store
    const dataDir = host.dataDir;
    await host.stop({ keepData: true });
    const store = await openPgliteStore(dataDir);
    try {
      for (const code of ['321000', '110000', '440300']) expect(await store.health.listForCenter(code)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
