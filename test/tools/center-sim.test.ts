import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { maskAccount, maskPhone } from '../../src/core/identity';
import { yuanText } from '../../src/core/money';
import { shanghaiDate } from '../../src/core/time';
import { deliveryProblems, SubmittedDataSchema } from '../../tools/center-sim/contract';
import { simplePdf } from '../../tools/center-sim/pdf';
import { inspectFile } from '../../cloudfunctions/_lib/files/inspect';
import { contentRange, RANGE_MAX_BYTES, servedRange } from '../../cloudfunctions/_lib/delivery/file-links';
import { startCenterSim, type CenterSim } from '../../tools/center-sim/server';
import { closeSimClient, simResetScript, simSetScript } from '../support/sim-client';

jest.setTimeout(20_000);

const YANGZHOU = '321000';
const NANJING = '320100';
const SECRETS: Record<string, string> = {
  [YANGZHOU]: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', // the STACK.md test vector's secret
  [NANJING]: `whsec_${randomBytes(32).toString('base64')}`,
};
const DOC_NUMBER = '11010519491231002X';
const MASKED = '1****************X';

/** A tiny platform: verifies every callback with the center's secret and answers as `respond` says. */
interface PlatformCall {
  centerCode: string;
  webhookId: string;
  verified: boolean;
  body: {
    type: string;
    timestamp: string;
    data: {
      applicationId: string;
      status: string;
      message?: string;
      documents?: { name: string; contentType: string; sha256: string; contentBase64: string }[];
      payment?: { amount?: number; paidOn: string };
    };
  };
}
/** A center's GET of a linked file, as the tiny platform saw it. */
interface PlatformFetch {
  token: string;
  /** Signed, over the link's URL, by the center the link was made for. */
  verified: boolean;
  status: number;
  /** The Range header asked for. */
  range: string | undefined;
}
interface Platform {
  origin: string;
  calls: PlatformCall[];
  fetches: PlatformFetch[];
  /** When set, the bytes served for every link instead of the linked file's (a file changed on the way), before any range is cut. */
  serveInstead?: (bytes: Buffer) => Buffer;
  respond: (call: PlatformCall) => Promise<{ status: number; body: unknown }> | { status: number; body: unknown };
  server: Server;
}

async function startPlatform(): Promise<Platform> {
  const platform: Platform = { origin: '', calls: [], fetches: [], respond: () => ({ status: 200, body: { ok: true, data: { changed: true } } }), server: undefined as unknown as Server };
  platform.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const token = /^\/callbacks\/files\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    if (req.method === 'GET' && token) {
      const linked = LINKED.get(token);
      let verified = false;
      try {
        new Webhook(SECRETS[linked?.centerCode ?? ''] ?? '').verify(`${platform.origin}${req.url}`, req.headers as Record<string, string>, { jsonParse: false });
        verified = linked !== undefined;
      } catch {
        // refused below
      }
      const bytes = linked && (platform.serveInstead?.(linked.bytes) ?? linked.bytes);
      const range = bytes && servedRange(req.headers.range, bytes.length);
      const status = !linked ? 404 : !verified ? 401 : range?.kind === 'part' ? 206 : range?.kind === 'whole' ? 200 : 416;
      platform.fetches.push({ token, verified, status, range: req.headers.range });
      if (!bytes || !range || range.kind === 'refused') return void res.writeHead(status).end();
      const headers = { 'content-type': 'application/octet-stream', 'x-content-sha256': sha(bytes) };
      if (range.kind === 'whole') return void res.writeHead(200, headers).end(bytes);
      return void res.writeHead(206, { ...headers, 'content-range': contentRange(range.start, range.end, bytes.length) }).end(bytes.subarray(range.start, range.end + 1));
    }
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', async () => {
      const centerCode = /^\/callbacks\/(\d{6})$/.exec(req.url ?? '')?.[1] ?? '';
      let verified = false;
      try {
        new Webhook(SECRETS[centerCode]).verify(raw, req.headers as Record<string, string>);
        verified = true;
      } catch {
        // recorded as unverified
      }
      const call: PlatformCall = { centerCode, webhookId: String(req.headers['webhook-id']), verified, body: JSON.parse(raw) };
      platform.calls.push(call);
      const answer = await platform.respond(call);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => platform.server.listen(0, '127.0.0.1', resolve));
  platform.origin = `http://127.0.0.1:${(platform.server.address() as AddressInfo).port}`;
  return platform;
}

function submitted(applicationId: string, platformOrigin: string) {
  return {
    type: 'application.submitted',
    formatVersion: 2,
    timestamp: new Date().toISOString(),
    data: {
      applicationId,
      applicationType: 'transfer',
      letterNumber: '3210002501150001',
      role: 'transfer-in',
      centers: [
        { code: YANGZHOU, role: 'transfer-in' },
        { code: NANJING, role: 'transfer-out' },
      ],
      applicant: { name: '张三', docType: '01', docNumber: DOC_NUMBER },
      form: {
        transferOutCenter: NANJING,
        transferInCenter: YANGZHOU,
        formerEmployer: '南京某某科技有限公司',
        formerAccount: '12345678',
        newEmployer: '扬州某某制造有限公司',
        newAccount: '87654321',
        phone: '13812345678',
      },
      submittedAt: new Date().toISOString(),
      acceptBy: '2025-01-20',
      callbackUrl: `${platformOrigin}/callbacks/${YANGZHOU}`,
    },
  };
}

/** A certificate application (代收代办): Yangzhou issues it (business), Nanjing took the request (accepting). */
function certificate(type: 'application.submitted' | 'application.copy', applicationId: string, platformOrigin: string) {
  const role = type === 'application.submitted' ? 'business' : 'accepting';
  const to = type === 'application.submitted' ? YANGZHOU : NANJING;
  return {
    type,
    formatVersion: 2,
    timestamp: new Date().toISOString(),
    data: {
      applicationId,
      applicationType: 'certificate-loan-cleared',
      letterNumber: null,
      role,
      centers: [
        { code: YANGZHOU, role: 'business' },
        { code: NANJING, role: 'accepting' },
      ],
      applicant: { name: '张三', docType: '01', docNumber: DOC_NUMBER },
      form: { businessCenter: YANGZHOU, acceptingCenter: NANJING, phone: '13812345678' },
      submittedAt: new Date().toISOString(),
      acceptBy: '2025-01-20',
      callbackUrl: `${platformOrigin}/callbacks/${to}`,
    },
  };
}

/** A purchase withdrawal (两地联办): 南京 verifies the purchase (purchase), 扬州 holds the deposit and pays (deposit). */
const PURCHASE = NANJING;
const DEPOSIT = YANGZHOU;
const BANK_ACCOUNT = '6217001234567890123';
const PHONE = '13812345678';
const REQUESTED = 280_000.5;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const CONTRACT = simplePdf(['Purchase contract NJ2025-000123']);
const INVOICE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'); // 1x1 PNG
/** The files the tiny platform serves by link (delivery format 2), each to the one center it was linked for. */
const LINKED = new Map<string, { bytes: Buffer; centerCode: string }>();
/** An attachment as format 2 sends it: described, with a link on `origin` for `centerCode`, whose fetch serves `bytes`. */
const attachment = (origin: string, centerCode: string, id: string, kind: 'contract' | 'invoice', name: string, contentType: string, bytes: Buffer) => {
  const token = `${centerCode}-${id}-${randomBytes(4).toString('hex')}`;
  LINKED.set(token, { bytes, centerCode });
  return { id, kind, name, contentType, sha256: sha(bytes), size: bytes.length, url: `${origin}/callbacks/files/${token}`, expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() };
};

function purchase(role: 'purchase' | 'deposit', applicationId: string, platformOrigin: string) {
  return {
    type: 'application.submitted',
    formatVersion: 2,
    timestamp: new Date().toISOString(),
    data: {
      applicationId,
      applicationType: 'purchase-withdrawal',
      letterNumber: null,
      role,
      centers: [
        { code: PURCHASE, role: 'purchase' },
        { code: DEPOSIT, role: 'deposit' },
      ],
      applicant: { name: '张三', docType: '01', docNumber: DOC_NUMBER },
      form: {
        purchaseCenter: PURCHASE,
        depositCenter: DEPOSIT,
        house: { address: '南京市鼓楼区某某路 1 号 2 幢 301 室', contractNumber: 'NJ2025-000123', purchaseDate: '2025-01-02', price: 3_000_000, area: 89.5, seller: '南京某某房地产开发有限公司' },
        // the bank account goes only to the center that pays
        ...(role === 'deposit' ? { bank: { accountName: '张三', bankName: '中国建设银行南京分行', accountNumber: BANK_ACCOUNT } } : {}),
        amount: REQUESTED,
        phone: PHONE,
        attachments: [
          attachment(platformOrigin, role === 'purchase' ? PURCHASE : DEPOSIT, '0a1b2c3d4e5f60718293', 'contract', '购房合同.pdf', 'application/pdf', CONTRACT),
          attachment(platformOrigin, role === 'purchase' ? PURCHASE : DEPOSIT, 'a4b5c6d7e8f901234567', 'invoice', '购房发票.png', 'image/png', INVOICE),
        ],
      },
      submittedAt: new Date().toISOString(),
      acceptBy: '2025-01-20',
      callbackUrl: `${platformOrigin}/callbacks/${role === 'purchase' ? PURCHASE : DEPOSIT}`,
    },
  };
}

/** Items 4-6 as an in-app request: 扬州 alone handles it. */
function serviceRequest(applicationId: string, platformOrigin: string) {
  return {
    type: 'application.submitted',
    formatVersion: 2,
    timestamp: new Date().toISOString(),
    data: {
      applicationId,
      applicationType: 'service-request',
      letterNumber: null,
      role: 'business',
      centers: [{ code: YANGZHOU, role: 'business' }],
      applicant: { name: '张三', docType: '01', docNumber: DOC_NUMBER },
      form: { center: YANGZHOU, item: 6, phone: PHONE, description: '申请提前还清住房公积金贷款' },
      submittedAt: new Date().toISOString(),
      acceptBy: '2025-01-20',
      callbackUrl: `${platformOrigin}/callbacks/${YANGZHOU}`,
    },
  };
}

const completed = (applicationId: string, documents: unknown[]) => ({
  type: 'application.completed',
  formatVersion: 2,
  timestamp: new Date().toISOString(),
  data: { applicationId, applicationType: 'certificate-loan-cleared', completedAt: new Date().toISOString(), documents },
});

/** The structure a PDF reader relies on: header, every xref offset at its `n 0 obj`, startxref at `xref`, %%EOF. */
function pdfStructureProblems(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const problems: string[] = [];
  if (!text.startsWith('%PDF-1.')) problems.push('no header');
  if (!/%%EOF\n?$/.test(text)) problems.push('no %%EOF at the end');
  const startxref = Number(/startxref\n(\d+)\n%%EOF/.exec(text)?.[1]);
  if (text.slice(startxref, startxref + 4) !== 'xref') return [...problems, `startxref ${startxref} does not point at xref`];
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref)) ?? [];
  const entries = text.slice(startxref).split('\n').slice(2, 2 + Number(count));
  entries.forEach((entry, i) => {
    const n = Number(first) + i;
    if (`${entry}\n`.length !== 20) problems.push(`xref entry ${n} is not 20 bytes`);
    const [offset, , kind] = entry.split(' ');
    if (kind === 'n' && !text.startsWith(`${n} 0 obj`, Number(offset))) problems.push(`object ${n} is not at ${Number(offset)}`);
  });
  const length = Number(/\/Length (\d+) >>\nstream\n/.exec(text)?.[1]);
  const stream = /stream\n([\s\S]*?)endstream/.exec(text)?.[1] ?? '';
  if (stream.length !== length) problems.push(`stream is ${stream.length} bytes, /Length says ${length}`);
  if (!/trailer\n<< \/Size \d+ \/Root 1 0 R >>/.test(text)) problems.push('no trailer naming the catalog');
  return problems;
}

const withdrawn = (applicationId: string) => ({
  type: 'application.withdrawn',
  formatVersion: 2,
  timestamp: new Date().toISOString(),
  data: { applicationId, applicationType: 'transfer', letterNumber: '3210002501150001', withdrawnAt: new Date().toISOString(), reason: '不再需要' },
});

let counter = 0;
const newId = () => `msg_test${Date.now()}${counter++}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('the center simulator (center side of the center interface)', () => {
  let sim: CenterSim;
  let platform: Platform;
  let agent: Agent;

  /** POSTs a delivery the way the platform does: Standard Webhooks headers over the sim's own certificate. */
  async function deliver(code: string, body: unknown, opts: { id?: string; secret?: string; signature?: string; timestamp?: Date; signal?: AbortSignal; raw?: string } = {}) {
    const raw = opts.raw ?? JSON.stringify(body);
    const id = opts.id ?? newId();
    const at = opts.timestamp ?? new Date();
    const signature = opts.signature ?? new Webhook(opts.secret ?? SECRETS[code] ?? SECRETS[YANGZHOU]).sign(id, at, raw);
    const res = await request(sim.endpointFor(code), {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature, 'webhook-format': '2' },
      body: raw,
      signal: opts.signal,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined, id };
  }

  const control = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => {
    const res = await request(`${sim.origin}${path}`, {
      method,
      dispatcher: agent,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: res.statusCode, text: await res.body.text() };
  };

  beforeEach(async () => {
    platform = await startPlatform();
    sim = await startCenterSim({ secretFor: (code) => SECRETS[code], platformOrigin: platform.origin, callbackDelayMs: 20 });
    agent = new Agent({ connect: { ca: sim.tls.cert } });
  });

  afterEach(async () => {
    await sim.close();
    await agent.destroy();
    await new Promise((resolve) => platform.server.close(resolve));
  });

  afterAll(() => closeSimClient());

  it('accepts a signed delivery and calls the platform back with 01, 02, 08, 00 in order, each signed with the center secret', async () => {
    const body = submitted('app00000001', platform.origin);
    expect(SubmittedDataSchema.safeParse(body.data).success).toBe(true); // the fixture itself follows the contract
    const res = await deliver(YANGZHOU, body);
    expect(res).toMatchObject({ status: 200, body: { received: true } });

    await waitFor(() => platform.calls.length >= 4, 'four callbacks');
    await sleep(100); // and no more than four
    expect(platform.calls.map((c) => c.body.data.status)).toEqual(['01', '02', '08', '00']);
    for (const call of platform.calls) {
      expect(call).toMatchObject({ centerCode: YANGZHOU, verified: true, body: { type: 'application.status', data: { applicationId: 'app00000001' } } });
    }
    expect(new Set(platform.calls.map((c) => c.webhookId)).size).toBe(4);
    expect(sim.received).toHaveLength(1);
    expect(sim.received[0]).toMatchObject({ id: res.id, centerCode: YANGZHOU, type: 'application.submitted', applicationId: 'app00000001', verified: true, problems: [], answer: 200 });
    expect(sim.received[0].callbacks.map((c) => [c.status, c.httpStatus])).toEqual([
      ['01', 200],
      ['02', 200],
      ['08', 200],
      ['00', 200],
    ]);
  });

  it('refuses a bad signature or a stale timestamp with 401 and calls nobody back', async () => {
    const wrongSecret = await deliver(YANGZHOU, submitted('app00000002', platform.origin), { secret: SECRETS[NANJING] });
    expect(wrongSecret.status).toBe(401);
    const forged = await deliver(YANGZHOU, submitted('app00000003', platform.origin), { signature: 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
    expect(forged.status).toBe(401);
    const stale = await deliver(YANGZHOU, submitted('app00000004', platform.origin), { timestamp: new Date(Date.now() - 6 * 60_000) });
    expect(stale.status).toBe(401);

    await sleep(100);
    expect(platform.calls).toEqual([]);
    expect(sim.received.map((d) => [d.verified, d.answer, d.callbacks.length])).toEqual([
      [false, 401, 0],
      [false, 401, 0],
      [false, 401, 0],
    ]);
  });

  it('takes a test case (test: true) like any, noting it, and names a `test` that is not true', async () => {
    const body = submitted('app00000031', platform.origin);
    expect(await deliver(YANGZHOU, { ...body, data: { ...body.data, letterNumber: 'T3210002501150001', test: true } })).toMatchObject({ status: 200 });
    await waitFor(() => platform.calls.length >= 4, 'four callbacks');
    expect(sim.received[0]).toMatchObject({ applicationId: 'app00000031', test: true, problems: [] });
    expect(await deliver(YANGZHOU, { ...body, data: { ...body.data, applicationId: 'app00000032', test: 'yes' } })).toMatchObject({ status: 200 });
    expect(sim.received[1]).toMatchObject({ test: false, problems: [expect.stringContaining('test')] });
  });

  it('takes a center’s deliveries and never calls back while told to leave its cases unanswered (POST /_control/unanswered)', async () => {
    expect(await control('POST', '/_control/unanswered', { center: YANGZHOU, unanswered: true })).toEqual({ status: 200, text: JSON.stringify({ ok: true, center: YANGZHOU, unanswered: true }) });
    expect((await control('POST', '/_control/unanswered', { center: 'x', unanswered: true })).status).toBe(400);
    expect((await control('POST', '/_control/unanswered', { center: YANGZHOU, unanswered: 'yes' })).status).toBe(400);
    expect(await deliver(YANGZHOU, submitted('app00000033', platform.origin))).toMatchObject({ status: 200, body: { received: true } });
    await sleep(200);
    expect(platform.calls).toEqual([]);
    expect(sim.received[0]).toMatchObject({ applicationId: 'app00000033', answer: 200, callbacks: [] });
    // answering again from the next case on
    expect((await control('POST', '/_control/unanswered', { center: YANGZHOU, unanswered: false })).status).toBe(200);
    expect(await deliver(YANGZHOU, submitted('app00000034', platform.origin))).toMatchObject({ status: 200 });
    await waitFor(() => platform.calls.length >= 4, 'four callbacks');
    expect(new Set(platform.calls.map((c) => c.body.data.applicationId))).toEqual(new Set(['app00000034']));
  });

  it('takes any signature and timestamp, recorded unverified, when told not to check them (POST /_control/signatures)', async () => {
    expect(await control('POST', '/_control/signatures', { verify: false })).toEqual({ status: 200, text: JSON.stringify({ ok: true, verify: false }) });
    expect(await control('GET', '/_control/signatures')).toEqual({ status: 200, text: JSON.stringify({ verify: false }) });
    const wrongSecret = await deliver(YANGZHOU, submitted('app00000021', platform.origin), { secret: SECRETS[NANJING] });
    const stale = await deliver(YANGZHOU, submitted('app00000022', platform.origin), { timestamp: new Date(Date.now() - 6 * 60_000) });
    expect([wrongSecret.status, stale.status]).toEqual([200, 200]);
    await waitFor(() => platform.calls.length >= 8, 'both scripts');
    expect(sim.received.map((d) => [d.verified, d.answer])).toEqual([
      [false, 200],
      [false, 200],
    ]);

    expect((await control('POST', '/_control/signatures', { verify: 'no' })).status).toBe(400);
    expect((await control('POST', '/_control/signatures', { verify: true })).status).toBe(200);
    expect((await deliver(YANGZHOU, submitted('app00000023', platform.origin), { secret: SECRETS[NANJING] })).status).toBe(401);
  });

  it('accepts either of two signatures while a secret is rotated', async () => {
    const body = submitted('app00000005', platform.origin);
    const raw = JSON.stringify(body);
    const id = newId();
    const at = new Date();
    const oldSig = new Webhook(SECRETS[NANJING]).sign(id, at, raw);
    const newSig = new Webhook(SECRETS[YANGZHOU]).sign(id, at, raw);
    const res = await deliver(YANGZHOU, body, { id, timestamp: at, signature: `${oldSig} ${newSig}` });
    expect(res.status).toBe(200);
  });

  it('answers 404 for a center it has no secret for', async () => {
    const res = await deliver('999999', submitted('app00000006', platform.origin), { secret: SECRETS[YANGZHOU] });
    expect(res.status).toBe(404);
    expect(sim.received[0]).toMatchObject({ centerCode: '999999', verified: false, answer: 404 });
  });

  it('answers 400 to a correctly signed body that is not a delivery', async () => {
    const notJson = await deliver(YANGZHOU, undefined, { raw: '{"type":' });
    expect(notJson.status).toBe(400);
    const noId = await deliver(YANGZHOU, { type: 'application.submitted', formatVersion: 2, timestamp: new Date().toISOString(), data: {} });
    expect(noId.status).toBe(400);
    const unknownType = await deliver(YANGZHOU, { type: 'center.audit', formatVersion: 2, timestamp: new Date().toISOString(), data: {} });
    expect(unknownType.status).toBe(200); // accepted and ignored, as the contract asks
    expect(sim.received[1]).toMatchObject({ verified: true, answer: 400, problems: expect.arrayContaining([expect.stringContaining('data.applicationId')]) });
  });

  it('takes a repeated webhook-id as one delivery (200 again, one script) and another id for the same application as 409', async () => {
    const body = submitted('app00000007', platform.origin);
    const first = await deliver(YANGZHOU, body);
    const again = await deliver(YANGZHOU, body, { id: first.id });
    expect([first.status, again.status]).toEqual([200, 200]);
    const other = await deliver(YANGZHOU, body);
    expect(other.status).toBe(409);

    await waitFor(() => platform.calls.length >= 4, 'four callbacks');
    await sleep(150);
    expect(platform.calls.map((c) => c.body.data.status)).toEqual(['01', '02', '08', '00']);
    expect(sim.received.map((d) => [d.answer, d.duplicate])).toEqual([
      [200, false],
      [200, true],
      [409, true],
    ]);
  });

  it('stops an application script when the application is withdrawn', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    platform.respond = async (call) => {
      if (call.body.data.status === '01') await held; // the withdrawal arrives while 01 is in flight
      return { status: 200, body: { ok: true, data: { changed: true } } };
    };
    expect((await deliver(YANGZHOU, submitted('app00000008', platform.origin))).status).toBe(200);
    await waitFor(() => platform.calls.length === 1, 'the 01 callback');
    expect((await deliver(YANGZHOU, withdrawn('app00000008'))).status).toBe(200);
    release();

    await sleep(150);
    expect(platform.calls.map((c) => c.body.data.status)).toEqual(['01']);
  });

  it('retries a callback the platform failed (same webhook-id) and ends the script on a refusal such as 422', async () => {
    let attempts = 0;
    platform.respond = (call) => {
      if (call.body.data.status === '01' && ++attempts === 1) return { status: 503, body: { ok: false } };
      if (call.body.data.status === '02') return { status: 422, body: { ok: false, code: 'ILLEGAL_TRANSITION', message: 'no' } };
      return { status: 200, body: { ok: true, data: { changed: true } } };
    };
    await deliver(YANGZHOU, submitted('app00000009', platform.origin));
    await waitFor(() => platform.calls.length >= 3, 'three callback attempts');
    await sleep(150);
    expect(platform.calls.map((c) => c.body.data.status)).toEqual(['01', '01', '02']);
    expect(platform.calls[0].webhookId).toBe(platform.calls[1].webhookId);
    expect(sim.received[0].callbacks.map((c) => [c.status, c.attempt, c.httpStatus])).toEqual([
      ['01', 1, 503],
      ['01', 2, 200],
      ['02', 1, 422],
    ]);
  });

  it('answers each fault mode as specified and starts no script for a faulted attempt', async () => {
    const cases: [Parameters<CenterSim['setFault']>[0], number, string | undefined][] = [
      [{ mode: '500' }, 500, undefined],
      [{ mode: '410' }, 410, undefined],
      [{ mode: '429', retryAfterSeconds: 7 }, 429, '7'],
      [{ mode: '503' }, 503, '1'],
      [{ mode: '503', retryAfterSeconds: null }, 503, undefined],
    ];
    for (const [i, [fault, status, retryAfter]] of cases.entries()) {
      sim.setFault(fault);
      const res = await deliver(YANGZHOU, submitted(`appfault0${i}`, platform.origin));
      expect({ mode: fault.mode, status: res.status, retryAfter: res.headers['retry-after'] }).toEqual({ mode: fault.mode, status, retryAfter });
    }
    sim.setFault({ mode: 'slow', delayMs: 50 });
    expect(await deliver(YANGZHOU, submitted('appfaultslow', platform.origin))).toMatchObject({ status: 200, body: { received: true } });

    sim.setFault({ mode: 'hang' });
    await expect(deliver(YANGZHOU, submitted('appfaulthang', platform.origin), { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
    sim.clearFault();
    expect((await deliver(YANGZHOU, submitted('appafterfault', platform.origin))).status).toBe(200);

    await waitFor(() => platform.calls.length >= 8, 'the callbacks of the two accepted deliveries');
    await sleep(100);
    expect(new Set(platform.calls.map((c) => c.body.data.applicationId))).toEqual(new Set(['appfaultslow', 'appafterfault']));
    expect(sim.received.map((d) => [d.fault, d.answer])).toEqual([
      ['500', 500],
      ['410', 410],
      ['429', 429],
      ['503', 503],
      ['503', 503],
      ['slow', 200],
      ['hang', null],
      [null, 200],
    ]);
  });

  it("consumes a fault's times, one per delivery attempt, then answers normally", async () => {
    sim.setFault({ mode: '500', times: 2 });
    const body = submitted('app00000010', platform.origin);
    const id = newId();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await deliver(YANGZHOU, body, { id })).status); // a retry keeps its webhook-id
    expect(statuses).toEqual([500, 500, 200]);
    expect(() => sim.setFault({ mode: 'teapot' as never })).toThrow('bad fault');
  });

  it('takes faults and lists deliveries over HTTP under /_control', async () => {
    expect((await control('POST', '/_control/fault', { mode: '503', times: 1, retryAfterSeconds: 3 })).status).toBe(200);
    expect(JSON.parse((await control('GET', '/_control/fault')).text)).toEqual({ fault: { fault: { mode: '503', times: 1, retryAfterSeconds: 3 }, left: 1 } });
    const faulted = await deliver(YANGZHOU, submitted('app00000011', platform.origin));
    expect([faulted.status, faulted.headers['retry-after']]).toEqual([503, '3']);
    expect((await deliver(YANGZHOU, submitted('app00000011', platform.origin))).status).toBe(200);

    expect((await control('POST', '/_control/fault', { mode: '500' })).status).toBe(200);
    expect((await deliver(YANGZHOU, submitted('app00000012', platform.origin))).status).toBe(500);
    expect((await control('DELETE', '/_control/fault')).status).toBe(200);
    expect((await deliver(YANGZHOU, submitted('app00000012', platform.origin))).status).toBe(200);
    expect((await control('POST', '/_control/fault', { mode: 'sometimes' })).status).toBe(400);

    expect((await control('POST', '/_control/script', { type: 'transfer', steps: ['01', { status: '40', message: '模拟失败' }] })).status).toBe(200);
    await deliver(YANGZHOU, submitted('app00000013', platform.origin));
    await waitFor(() => platform.calls.filter((c) => c.body.data.applicationId === 'app00000013').length === 2, 'the scripted callbacks');

    await waitFor(() => platform.calls.length >= 10, 'all callbacks');
    const list = JSON.parse((await control('GET', '/_control/received')).text);
    expect(list).toHaveLength(5);
    expect(list[0]).toMatchObject({ centerCode: YANGZHOU, type: 'application.submitted', applicationId: 'app00000011', verified: true, fault: '503', answer: 503, callbacks: [] });
    expect(list[4].callbacks.map((c: { status: string; httpStatus: number }) => [c.status, c.httpStatus])).toEqual([
      ['01', 200],
      ['40', 200],
    ]);
    expect(JSON.stringify(list)).not.toContain(DOC_NUMBER);
  });

  it('lists what it received on /received with the document number masked, never in full', async () => {
    await deliver(YANGZHOU, submitted('app00000014', platform.origin));
    await waitFor(() => platform.calls.length >= 4, 'four callbacks');
    await sleep(50);
    const res = await request(`${sim.origin}/received`, { dispatcher: agent });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const html = await res.body.text();
    expect(html).toContain('app00000014');
    expect(html).toContain('3210002501150001');
    expect(html).toContain(MASKED);
    expect(html).toContain('正常办结');
    expect(html).not.toContain(DOC_NUMBER);
    expect(html).not.toContain('张三');
  });

  it('runs a certificate application: accepted, processing, then completed with a generated PDF whose sha256 verifies', async () => {
    const body = certificate('application.submitted', 'appcert0001', platform.origin);
    expect(SubmittedDataSchema.safeParse(body.data).success).toBe(true);
    expect(await deliver(YANGZHOU, body)).toMatchObject({ status: 200, body: { received: true } });

    await waitFor(() => platform.calls.length >= 3, 'three callbacks');
    await sleep(100); // and no more than three
    expect(platform.calls.map((c) => [c.centerCode, c.verified, c.body.data.status])).toEqual([
      [YANGZHOU, true, 'accepted'],
      [YANGZHOU, true, 'processing'],
      [YANGZHOU, true, 'completed'],
    ]);
    expect(platform.calls.slice(0, 2).map((c) => c.body.data.documents)).toEqual([undefined, undefined]);
    const [doc, ...more] = platform.calls[2].body.data.documents ?? [];
    expect(more).toEqual([]);
    expect(doc).toMatchObject({ name: '个人住房贷款全部还清证明.pdf', contentType: 'application/pdf' });
    const pdf = Buffer.from(doc.contentBase64, 'base64');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(doc.sha256);
    expect(pdfStructureProblems(pdf)).toEqual([]);
    expect(await inspectFile(pdf)).toEqual({ ok: true, contentType: 'application/pdf' }); // opens in a PDF parser, with its page
    // in Chinese: its words as UCS-2 big-endian hex (UniGB-UCS2-H), the case's id among them
    expect(pdf.toString('latin1')).toContain(Buffer.from('appcert0001', 'utf16le').swap16().toString('hex'));

    // what a test compares with the file the employee downloads
    const [record] = sim.received;
    expect(record).toMatchObject({ type: 'application.submitted', applicationType: 'certificate-loan-cleared', letterNumber: null, verified: true, problems: [], answer: 200 });
    expect(record.callbacks.map((c) => [c.status, c.httpStatus])).toEqual([
      ['accepted', 200],
      ['processing', 200],
      ['completed', 200],
    ]);
    expect(record.callbacks[2].documents).toEqual([{ name: doc.name, contentType: 'application/pdf', sha256: doc.sha256, size: pdf.length }]);

    // a script set over HTTP may ask for the PDF too; the platform's 400 ends the script there
    expect((await control('POST', '/_control/script', { type: 'certificate-deposit-use', steps: ['accepted', { status: 'completed', generatedPdf: 'yes' }] })).status).toBe(400);
    expect((await control('POST', '/_control/script', { type: 'certificate-deposit-use', steps: [{ status: 'completed', generatedPdf: true }, 'failed'] })).status).toBe(200);
    platform.respond = () => ({ status: 400, body: { ok: false, code: 'VALIDATION_FAILED', message: 'no', fields: { 'data.status': 'no' } } });
    const other = { ...body, data: { ...body.data, applicationId: 'appcert0002', applicationType: 'certificate-deposit-use' } };
    expect((await deliver(YANGZHOU, other)).status).toBe(200);
    await waitFor(() => platform.calls.length >= 4, 'the scripted callback');
    await sleep(100);
    expect(platform.calls.slice(3).map((c) => [c.body.data.status, c.body.data.documents?.[0].name])).toEqual([['completed', '贷款职工住房公积金缴存使用证明.pdf']]);
  });

  it("accepts the accepting center's copy and the completion notice without calling anybody back, and lists them", async () => {
    const copy = await deliver(NANJING, certificate('application.copy', 'appcert0003', platform.origin));
    expect(copy).toMatchObject({ status: 200, body: { received: true } });
    const pdf = { name: '个人住房贷款全部还清证明.pdf', contentType: 'application/pdf', sha256: 'a'.repeat(64), size: 812 };
    expect((await deliver(NANJING, completed('appcert0003', [pdf]))).status).toBe(200);
    await sleep(150);
    expect(platform.calls).toEqual([]);
    expect(sim.received.map((d) => [d.centerCode, d.type, d.applicationType, d.verified, d.answer, d.problems, d.callbacks.length])).toEqual([
      [NANJING, 'application.copy', 'certificate-loan-cleared', true, 200, [], 0],
      [NANJING, 'application.completed', 'certificate-loan-cleared', true, 200, [], 0],
    ]);
    expect(sim.received[1].documents).toEqual([pdf]);

    const html = await (await request(`${sim.origin}/received`, { dispatcher: agent })).body.text();
    for (const label of ['代收抄送', '办结通知', '个人住房贷款全部还清证明', pdf.sha256]) expect(html).toContain(label);
    expect(html).not.toContain(DOC_NUMBER);
  });

  it('names where a certificate delivery departs from the contract', async () => {
    const origin = platform.origin;
    const copy = certificate('application.copy', 'appcert0004', origin);
    const asSubmitted = certificate('application.submitted', 'appcert0004', origin);
    expect(deliveryProblems(copy, { centerCode: NANJING })).toEqual([]);
    expect(deliveryProblems(asSubmitted, { centerCode: YANGZHOU })).toEqual([]);
    // sent to the wrong center, or with a letter number, or a copy that says it is the business center's
    expect(deliveryProblems(asSubmitted, { centerCode: NANJING })).toEqual([expect.stringContaining('data.role')]);
    expect(deliveryProblems({ ...asSubmitted, data: { ...asSubmitted.data, letterNumber: '3210002501150001' } })).toEqual([expect.stringContaining('data.letterNumber')]);
    expect(deliveryProblems({ ...copy, data: { ...copy.data, role: 'business' } })).toEqual([expect.stringContaining('data.role')]);
    expect(deliveryProblems({ ...copy, data: { ...copy.data, form: { ...copy.data.form, businessCenter: '110000' } } })).toEqual([expect.stringContaining('data.centers')]);
    // a completion notice lists at least one PDF, by its metadata
    const meta = { name: 'a.pdf', contentType: 'application/pdf', sha256: 'b'.repeat(64), size: 10 };
    expect(deliveryProblems(completed('appcert0004', [meta]))).toEqual([]);
    expect(deliveryProblems(completed('appcert0004', []))).toEqual([expect.stringContaining('data.documents')]);
    expect(deliveryProblems(completed('appcert0004', [{ ...meta, contentType: 'image/png' }]))).toEqual([expect.stringContaining('data.documents')]);
    expect(deliveryProblems(completed('appcert0004', [{ ...meta, size: undefined }]))).toEqual([expect.stringContaining('data.documents.0.size')]);
    // a certificate withdrawal has no letter number either
    const w = withdrawn('appcert0004');
    expect(deliveryProblems({ ...w, data: { ...w.data, applicationType: 'certificate-loan-cleared', letterNumber: null } })).toEqual([]);

    // the simulator still answers 200: it records what is wrong, it does not refuse
    const res = await deliver(NANJING, asSubmitted);
    expect(res.status).toBe(200);
    expect(sim.received[0].problems).toEqual([expect.stringContaining('data.role')]);
  });

  it('runs a purchase withdrawal at the purchase-locale center: accepted, then verified, and reports no payment', async () => {
    const body = purchase('purchase', 'apppurchase01', platform.origin);
    expect(SubmittedDataSchema.safeParse(body.data).success).toBe(true);
    expect(await deliver(PURCHASE, body)).toMatchObject({ status: 200, body: { received: true } });

    await waitFor(() => platform.calls.length >= 2, 'two callbacks');
    await sleep(100); // and no more than two: the deposit-locale center takes it from here
    expect(platform.calls.map((c) => [c.centerCode, c.verified, c.body.data.status, c.body.data.payment])).toEqual([
      [PURCHASE, true, 'accepted', undefined],
      [PURCHASE, true, 'verified', undefined],
    ]);
    const [record] = sim.received;
    expect(record).toMatchObject({ centerCode: PURCHASE, applicationType: 'purchase-withdrawal', role: 'purchase', letterNumber: null, verified: true, problems: [], answer: 200 });
    // the attachments as described, to compare with what the employee uploaded; never their content
    expect(record.attachments).toEqual([
      { id: '0a1b2c3d4e5f60718293', kind: 'contract', name: '购房合同.pdf', contentType: 'application/pdf', sha256: sha(CONTRACT), size: CONTRACT.length },
      { id: 'a4b5c6d7e8f901234567', kind: 'invoice', name: '购房发票.png', contentType: 'image/png', sha256: sha(INVOICE), size: INVOICE.length },
    ]);
    expect(record.callbacks.map((c) => [c.status, c.httpStatus, c.payment])).toEqual([
      ['accepted', 200, undefined],
      ['verified', 200, undefined],
    ]);
  });

  it('runs it at the deposit-locale center: processing, then completed paying the requested amount today (China)', async () => {
    const body = purchase('deposit', 'apppurchase02', platform.origin);
    expect(SubmittedDataSchema.safeParse(body.data).success).toBe(true);
    expect((await deliver(DEPOSIT, body)).status).toBe(200);

    await waitFor(() => platform.calls.length >= 2, 'two callbacks');
    await sleep(100);
    const today = shanghaiDate(new Date());
    expect(platform.calls.map((c) => [c.centerCode, c.verified, c.body.data.status, c.body.data.payment])).toEqual([
      [DEPOSIT, true, 'processing', undefined],
      [DEPOSIT, true, 'completed', { amount: REQUESTED, paidOn: today }],
    ]);
    expect(platform.calls[1].body.data.documents).toBeUndefined();
    expect(sim.received[0]).toMatchObject({ centerCode: DEPOSIT, role: 'deposit', problems: [], requestedAmount: REQUESTED });
    expect(sim.received[0].callbacks[1]).toMatchObject({ status: 'completed', httpStatus: 200, payment: { amount: REQUESTED, paidOn: today } });
  });

  it('takes scripts per type and role over HTTP: a purchase center that refuses, a deposit center that pays more than was asked', async () => {
    await simSetScript(sim.origin, { type: 'purchase-withdrawal', role: 'purchase', steps: [{ status: 'rejected', message: '购房合同与不动产登记信息不符' }] });
    await simSetScript(sim.origin, { type: 'purchase-withdrawal', role: 'deposit', steps: ['processing', { status: 'completed', payment: { amount: REQUESTED + 0.01 } }] });
    platform.respond = (call) =>
      call.body.data.payment && call.body.data.payment.amount! > REQUESTED
        ? { status: 400, body: { ok: false, code: 'VALIDATION_FAILED', message: '实际提取金额不能超过申请提取金额', fields: { 'data.payment.amount': '超过申请提取金额' } } }
        : { status: 200, body: { ok: true, data: { changed: true } } };
    await deliver(PURCHASE, purchase('purchase', 'apppurchase03', platform.origin));
    await deliver(DEPOSIT, purchase('deposit', 'apppurchase04', platform.origin));

    await waitFor(() => platform.calls.length >= 3, 'three callbacks');
    await sleep(100);
    const byApp = (id: string) => platform.calls.filter((c) => c.body.data.applicationId === id).map((c) => [c.body.data.status, c.body.data.message ?? c.body.data.payment]);
    expect(byApp('apppurchase03')).toEqual([['rejected', '购房合同与不动产登记信息不符']]);
    expect(byApp('apppurchase04')).toEqual([
      ['processing', undefined],
      ['completed', { amount: REQUESTED + 0.01, paidOn: shanghaiDate(new Date()) }],
    ]);
    expect(sim.received[1].callbacks.map((c) => [c.status, c.httpStatus])).toEqual([
      ['processing', 200],
      ['completed', 400], // a refusal ends the script, it is not retried
    ]);

    // a script for the type alone serves every role, unless a role has its own; a reset of the type clears both
    await simResetScript(sim.origin);
    await simSetScript(sim.origin, { type: 'purchase-withdrawal', steps: ['failed'] });
    await simSetScript(sim.origin, { type: 'purchase-withdrawal', role: 'deposit', steps: [{ status: 'completed', payment: { paidOn: '2025-01-03' } }] });
    platform.calls.length = 0;
    await deliver(PURCHASE, purchase('purchase', 'apppurchase05', platform.origin));
    await deliver(DEPOSIT, purchase('deposit', 'apppurchase06', platform.origin));
    await waitFor(() => platform.calls.length >= 2, 'two callbacks');
    expect(byApp('apppurchase05')).toEqual([['failed', undefined]]);
    expect(byApp('apppurchase06')).toEqual([['completed', { amount: REQUESTED, paidOn: '2025-01-03' }]]);
    await simResetScript(sim.origin, 'purchase-withdrawal');
    platform.calls.length = 0;
    await deliver(PURCHASE, purchase('purchase', 'apppurchase07', platform.origin));
    await waitFor(() => platform.calls.length >= 2, 'the default callbacks');
    expect(byApp('apppurchase07').map(([status]) => status)).toEqual(['accepted', 'verified']);

    // what the control API refuses
    expect((await control('POST', '/_control/script', { type: 'purchase-withdrawal', role: 'buyer', steps: [] })).status).toBe(400);
    expect((await control('POST', '/_control/script', { type: 'purchase-withdrawal', role: 'deposit', steps: [{ status: 'completed', payment: { amount: '1' } }] })).status).toBe(400);
    expect((await control('POST', '/_control/script', { type: 'purchase-withdrawal', role: 'deposit', steps: [{ status: 'completed', payment: 'yes' }] })).status).toBe(400);
    expect((await control('DELETE', '/_control/script?role=deposit')).status).toBe(400);
  });

  it('fetches a purchase withdrawal’s attachments by their links, signed with its own secret, megabytes too, and calls back once each sha256 matches', async () => {
    const scan = randomBytes(6 * 1024 * 1024); // a phone photo of the contract, say
    const body = purchase('purchase', 'apppurchase10', platform.origin);
    body.data.form.attachments[0] = attachment(platform.origin, PURCHASE, '0a1b2c3d4e5f60718293', 'contract', '购房合同.jpg', 'image/jpeg', scan);
    expect(await deliver(PURCHASE, body)).toMatchObject({ status: 200, body: { received: true } });
    await waitFor(() => platform.calls.length >= 2, 'the callbacks after the files');
    const [record] = sim.received;
    expect(record).toMatchObject({ problems: [], answer: 200, format: '2' });
    expect(record.attachments?.[0]).toMatchObject({ sha256: sha(scan), size: scan.length });
    expect(record.fetched).toEqual([
      { id: '0a1b2c3d4e5f60718293', status: 206, matches: true, problem: null, ranges: 2 },
      { id: 'a4b5c6d7e8f901234567', status: 206, matches: true, problem: null, ranges: 1 },
    ]);
    // each GET signed by this center over its link's URL, in ranges of at most 4 MiB
    expect(platform.fetches.map((f) => [f.verified, f.status, f.range])).toEqual([
      [true, 206, `bytes=0-${RANGE_MAX_BYTES - 1}`],
      [true, 206, `bytes=${RANGE_MAX_BYTES}-${2 * RANGE_MAX_BYTES - 1}`],
      [true, 206, `bytes=0-${RANGE_MAX_BYTES - 1}`],
    ]);
  });

  it('does not act on a file whose bytes do not match the sha256 it was sent, nor call back', async () => {
    // as many bytes as the file, not its bytes
    platform.serveInstead = (bytes) => Buffer.alloc(bytes.length, 0x20);
    try {
      expect((await deliver(PURCHASE, purchase('purchase', 'apppurchase11', platform.origin))).status).toBe(200);
      await waitFor(() => sim.received[0]?.fetched !== undefined, 'the fetches');
      await sleep(200);
      expect(sim.received[0].fetched?.map((f) => [f.status, f.matches])).toEqual([
        [206, false],
        [206, false],
      ]);
      expect(sim.received[0].fetched?.[0].problem).toContain('SHA-256');
      expect(platform.calls).toEqual([]);
    } finally {
      delete platform.serveInstead;
    }
  });

  it('names where a purchase withdrawal departs from the contract, and finds on fetching an attachment that does not match its sha256', async () => {
    const origin = platform.origin;
    const body = purchase('purchase', 'apppurchase08', origin);
    const withForm = (form: object) => ({ ...body, data: { ...body.data, form: { ...body.data.form, ...form } } });
    const [contract, invoice] = body.data.form.attachments;
    expect(deliveryProblems(body, { centerCode: PURCHASE })).toEqual([]);
    expect(deliveryProblems(purchase('deposit', 'apppurchase08', origin), { centerCode: DEPOSIT })).toEqual([]);

    expect(deliveryProblems(withForm({ attachments: [{ ...contract, sha256: 'ABC' }, invoice] }))).toEqual([expect.stringMatching(/^data\.form\.attachments\.0\.sha256: /)]);
    expect(deliveryProblems(withForm({ attachments: [contract, { ...invoice, size: 11 * 1024 * 1024 }] }))).toEqual([expect.stringMatching(/^data\.form\.attachments\.1\.size: /)]);
    expect(deliveryProblems(withForm({ attachments: [contract, { ...invoice, expiresAt: 'next week' }] }))).toEqual([expect.stringMatching(/^data\.form\.attachments\.1\.expiresAt: /)]);
    expect(deliveryProblems(withForm({ attachments: [contract, { ...invoice, contentType: 'application/zip' }] }))).toEqual([expect.stringMatching(/^data\.form\.attachments\.1\.contentType: /)]);
    expect(deliveryProblems(withForm({ attachments: [contract, { ...invoice, url: 'https://platform.example.cn/elsewhere/x' }] }))).toEqual([expect.stringMatching(/^data\.form\.attachments\.1\.url: /)]);
    const { url: _link, ...inline } = invoice;
    expect(deliveryProblems(withForm({ attachments: [contract, { ...inline, contentBase64: INVOICE.toString('base64') }] }))).toEqual([expect.stringMatching(/^data\.form\.attachments\.1\.url: /)]);
    expect(deliveryProblems(withForm({ attachments: [contract] }))).toEqual([expect.stringMatching(/^data\.form\.attachments: .*invoice/)]);
    expect(deliveryProblems(withForm({ amount: 3_000_000.01 }))).toEqual([expect.stringMatching(/^data\.form\.amount: /)]);
    const deposit = purchase('deposit', 'apppurchase10', origin);
    const bank = { accountName: '李四', bankName: '中国建设银行南京分行', accountNumber: BANK_ACCOUNT };
    expect(deliveryProblems({ ...deposit, data: { ...deposit.data, form: { ...deposit.data.form, bank } } }, { centerCode: DEPOSIT })).toEqual([expect.stringMatching(/^data\.form\.bank\.accountName: /)]);
    expect(deliveryProblems(withForm({ bank: { ...bank, accountName: '张三' } }))).toEqual([expect.stringMatching(/^data\.form\.bank: .*不应收到/)]);
    expect(deliveryProblems({ ...body, data: { ...body.data, role: 'business' } })).toEqual([expect.stringMatching(/^data\.role: /)]);
    // the deposit-locale center's delivery sent to the purchase-locale center
    expect(deliveryProblems(purchase('deposit', 'apppurchase08', origin), { centerCode: PURCHASE })).toEqual([expect.stringMatching(/^data\.role: /)]);
    // a purchase withdrawal has no letter number, withdrawn or not
    const w = withdrawn('apppurchase08');
    expect(deliveryProblems({ ...w, data: { ...w.data, applicationType: 'purchase-withdrawal', letterNumber: null } })).toEqual([]);

    // a well-formed sha256 that is not the file's: the delivery conforms, the simulator answers 200, keeps the
    // sha256 as sent, and finds the difference when it fetches the file (then never calls back)
    const tampered = { ...contract, sha256: sha(INVOICE) };
    expect(deliveryProblems(withForm({ attachments: [tampered, invoice] }))).toEqual([]);
    expect((await deliver(PURCHASE, withForm({ attachments: [tampered, invoice] }))).status).toBe(200);
    await waitFor(() => sim.received[0]?.fetched !== undefined, 'the fetches');
    expect(sim.received[0].attachments?.map((a) => a.sha256)).toEqual([sha(INVOICE), sha(INVOICE)]);
    expect(sim.received[0].fetched?.map((f) => f.matches)).toEqual([false, true]);
  });

  it('runs a service request: accepted, processing, completed, with no document', async () => {
    const body = serviceRequest('appservice01', platform.origin);
    expect(SubmittedDataSchema.safeParse(body.data).success).toBe(true);
    expect((await deliver(YANGZHOU, body)).status).toBe(200);

    await waitFor(() => platform.calls.length >= 3, 'three callbacks');
    await sleep(100);
    expect(platform.calls.map((c) => [c.centerCode, c.verified, c.body.data.status, c.body.data.documents, c.body.data.payment])).toEqual([
      [YANGZHOU, true, 'accepted', undefined, undefined],
      [YANGZHOU, true, 'processing', undefined, undefined],
      [YANGZHOU, true, 'completed', undefined, undefined],
    ]);
    expect(sim.received[0]).toMatchObject({ applicationType: 'service-request', role: 'business', letterNumber: null, serviceItem: 6, problems: [], answer: 200 });

    const withForm = (form: object) => ({ ...body, data: { ...body.data, form: { ...body.data.form, ...form } } });
    expect(deliveryProblems(withForm({ item: 7 }))).toEqual([expect.stringMatching(/^data\.form\.item: /)]);
    expect(deliveryProblems(withForm({ center: NANJING }))).toEqual([expect.stringMatching(/^data\.centers: /)]);
    expect(deliveryProblems(withForm({ description: '' }))).toEqual([expect.stringMatching(/^data\.form\.description: /)]);
    expect(deliveryProblems({ ...body, data: { ...body.data, role: 'accepting' } })).toEqual([expect.stringMatching(/^data\.role: /)]);
  });

  it('shows a purchase withdrawal on /received with the document number, bank account and phone masked, never in full', async () => {
    await deliver(DEPOSIT, purchase('deposit', 'apppurchase09', platform.origin));
    await deliver(YANGZHOU, serviceRequest('appservice02', platform.origin));
    await waitFor(() => platform.calls.length >= 5, 'the callbacks');
    await sleep(50);
    const html = await (await request(`${sim.origin}/received`, { dispatcher: agent })).body.text();
    for (const shown of ['购房提取住房公积金', '缴存地中心', MASKED, maskAccount(BANK_ACCOUNT), maskPhone(PHONE), yuanText(REQUESTED), '购房发票.png', sha(INVOICE), '支付', '提前还清住房公积金贷款']) {
      expect(html).toContain(shown);
    }
    for (const hidden of [DOC_NUMBER, BANK_ACCOUNT, PHONE, '张三', INVOICE.toString('base64')]) expect(html).not.toContain(hidden);
    const json = (await control('GET', '/_control/received')).text;
    for (const hidden of [DOC_NUMBER, BANK_ACCOUNT, PHONE, '张三', 'contentBase64']) expect(json).not.toContain(hidden);
  });

  it('finds nothing wrong with the deliveries docs/center-api.md shows as examples, each sent to the center its callbackUrl names', () => {
    const doc = readFileSync(path.join(__dirname, '../../docs/center-api.md'), 'utf8');
    const deliveries = [...doc.matchAll(/```json\n([\s\S]*?)```/g)]
      .map((m) => JSON.parse(m[1]) as { type: string; data: { applicationType?: string; callbackUrl?: string } })
      .filter((body) => body.type.startsWith('application.') && body.type !== 'application.status');
    expect(new Set(deliveries.map((d) => d.data.applicationType))).toEqual(new Set(['transfer', 'certificate-loan-cleared', 'purchase-withdrawal', 'service-request']));
    for (const body of deliveries) {
      const centerCode = /\/callbacks\/(\d{6})$/.exec(body.data.callbackUrl ?? '')?.[1];
      expect({ type: body.type, applicationType: body.data.applicationType, problems: deliveryProblems(body, centerCode ? { centerCode } : undefined) }).toEqual({
        type: body.type,
        applicationType: body.data.applicationType,
        problems: [],
      });
    }
  });

  it('still serves the hall pages', async () => {
    const res = await request(`${sim.origin}/hall/${YANGZHOU}/1`, { dispatcher: agent });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toContain('hall-center');
    expect(sim.visits).toMatchObject([{ centerCode: YANGZHOU, item: 1 }]);
  });

  it('answers 503 at a hall address told to fail (POST /_control/hall), the same hall under another query still opening, until told otherwise', async () => {
    const status = async (route: string) => (await request(`${sim.origin}${route}`, { dispatcher: agent })).statusCode;
    expect((await control('POST', '/_control/hall', { path: `/hall/${YANGZHOU}/3`, down: true })).status).toBe(200);
    expect((await control('POST', '/_control/hall', { path: '/centers/321000/applications', down: true })).status).toBe(400);
    expect((await control('POST', '/_control/hall', { path: `/hall/${YANGZHOU}/3`, down: 'yes' })).status).toBe(400);
    expect(await status(`/hall/${YANGZHOU}/3`)).toBe(503);
    expect(await status(`/hall/${YANGZHOU}/3?v=2`)).toBe(200);
    expect(await status(`/hall/${NANJING}/3`)).toBe(200);
    expect((await control('POST', '/_control/hall', { path: `/hall/${YANGZHOU}/3`, down: false })).status).toBe(200);
    expect(await status(`/hall/${YANGZHOU}/3`)).toBe(200);
  });
});
