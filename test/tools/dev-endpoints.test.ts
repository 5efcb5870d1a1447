import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { CONSENT_VERSION } from '../../src/core/consent';
import { idCheckChar } from '../../src/core/identity';
import type { ReceivedDelivery } from '../../tools/center-sim/server';
import { selfSignedTls } from '../../tools/center-sim/tls';
import { startLocalHost, type RunningHost } from '../support/local-host';
import { until } from '../support/until';

jest.setTimeout(180_000);

/**
 * A center developer's own endpoint on the local host: DEV_ALLOW_ENDPOINTS adds it to the simulator's entry
 * and NODE_EXTRA_CA_CERTS names the private certificate it is trusted with, as `npm start` runs with both.
 */

const YANGZHOU = '321000';
const NANJING = '320100';

interface Recorded {
  url: string;
  body: { type?: string; data?: { applicationId?: string } };
  verified: boolean;
}

/** A second HTTPS center endpoint with a certificate of its own, recording the signed POSTs it gets. */
async function ownEndpoint(secret: string): Promise<{ server: Server; port: number; cert: string; received: Recorded[] }> {
  const tls = await selfSignedTls();
  const received: Recorded[] = [];
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let verified = true;
      try {
        new Webhook(secret).verify(text, req.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      received.push({ url: req.url ?? '', body: JSON.parse(text) as Recorded['body'], verified });
      res.writeHead(verified ? 200 : 401, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, cert: tls.cert, received };
}

async function api<T>(host: RunningHost, fn: string, event: unknown, openid: string): Promise<T> {
  const res = await fetch(`${host.url}/api/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify(event) });
  const body = (await res.json()) as { ok: boolean; data?: T; code?: string; message?: string };
  if (!body.ok) throw new Error(`${fn} ${JSON.stringify(event)}: ${body.code} ${body.message}`);
  return body.data as T;
}

async function verify(host: RunningHost, openid: string, n: number): Promise<void> {
  const first17 = `32100219800101${String(200 + n).padStart(3, '0')}`;
  await api(host, 'identity', { action: 'consent', version: CONSENT_VERSION }, openid);
  const { verifyId } = await api<{ verifyId: string }>(host, 'identity', { action: 'start', name: `职工${'甲乙'[n]}`, docType: '01', docNumber: first17 + idCheckChar(first17), consentVersion: CONSENT_VERSION }, openid);
  await api(host, 'identity', { action: 'confirm', verifyId }, openid);
}

/** A transfer into `transferIn` (the center that gets the delivery). */
const submitTransfer = (host: RunningHost, openid: string, transferOut: string, transferIn: string) =>
  api<{ id: string }>(
    host,
    'applications',
    {
      action: 'submit',
      type: 'transfer',
      requestId: `dev-endpoints-${openid}`,
      payload: { transferOutCenter: transferOut, transferInCenter: transferIn, formerEmployer: '南京某某科技有限公司', formerAccount: '12345678', newEmployer: '扬州某某制造有限公司', newAccount: '87654321', phone: '13812345678' },
    },
    openid,
  ).then((d) => d.id);

describe('the local host with DEV_ALLOW_ENDPOINTS and NODE_EXTRA_CA_CERTS (a center developer’s own endpoint)', () => {
  let host: RunningHost | undefined;
  let endpoint: Awaited<ReturnType<typeof ownEndpoint>> | undefined;
  let dir: string;
  const insecure = new Agent({ connect: { rejectUnauthorized: false } }); // the simulator's certificate is made per start

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gjj-dev-ca-'));
  });
  afterAll(async () => {
    await host?.stop();
    await new Promise((resolve) => endpoint?.server.close(resolve) ?? resolve(undefined));
    await insecure.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers to the added endpoint, trusting its private certificate, while the simulator’s centers still get theirs', async () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    endpoint = await ownEndpoint(secret);
    const caFile = path.join(dir, 'center-ca.pem');
    writeFileSync(caFile, endpoint.cert);
    host = await startLocalHost({ DEV_ALLOW_ENDPOINTS: `127.0.0.1:${endpoint.port}`, NODE_EXTRA_CA_CERTS: caFile });

    const url = `https://127.0.0.1:${endpoint.port}/gjj/applications`;
    expect(await api(host, 'admin', { action: 'setEndpoint', centerCode: YANGZHOU, url, secret }, 'dev-supervisor')).toEqual({ centerCode: YANGZHOU, mode: 'api', url });

    await verify(host, 'dev-ca-a', 0);
    await verify(host, 'dev-ca-b', 1);
    const toOwn = await submitTransfer(host, 'dev-ca-a', NANJING, YANGZHOU);
    const toSim = await submitTransfer(host, 'dev-ca-b', YANGZHOU, NANJING);

    const running = host;
    const own = await until('the delivery at the second endpoint', async () => endpoint?.received.find((r) => r.body.data?.applicationId === toOwn), 60_000, 500, async () => running.output());
    expect(own).toMatchObject({ url: '/gjj/applications', verified: true, body: { type: 'application.submitted' } });

    const simReceived = async () => {
      const res = await request(`${running.simOrigin}/_control/received`, { dispatcher: insecure });
      return (await res.body.json()) as ReceivedDelivery[];
    };
    const atSim = await until('the delivery at the simulator', async () => (await simReceived()).find((r) => r.applicationId === toSim && r.answer === 200), 60_000, 500, simReceived);
    expect(atSim).toMatchObject({ centerCode: NANJING, type: 'application.submitted', verified: true });
    // each went where its center points, and nowhere else
    expect((await simReceived()).filter((r) => r.applicationId === toOwn)).toEqual([]);
    expect(endpoint.received.filter((r) => r.body.data?.applicationId === toSim)).toEqual([]);
  });

  it('stops at start, naming NODE_EXTRA_CA_CERTS, when the file it names cannot be read or holds no certificate', async () => {
    await expect(startLocalHost({ NODE_EXTRA_CA_CERTS: path.join(dir, 'missing.pem') }, mkdtempSync(path.join(dir, 'data-')))).rejects.toThrow(/NODE_EXTRA_CA_CERTS 指向的文件无法读取.*missing\.pem/);
    const junk = path.join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate\n');
    await expect(startLocalHost({ NODE_EXTRA_CA_CERTS: junk }, mkdtempSync(path.join(dir, 'data-')))).rejects.toThrow(/NODE_EXTRA_CA_CERTS names a file without a valid PEM certificate/);
  });
});
