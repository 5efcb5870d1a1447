import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { Agent } from 'undici';
import { handler as applications } from '../../cloudfunctions/applications';
import { handleCallbackHttp } from '../../cloudfunctions/callbacks';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { attachmentLink, FILE_LINK_DAYS, RANGE_MAX_BYTES } from '../../cloudfunctions/_lib/delivery/file-links';
import { createOutboundClient, hostPort, type OutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { newSecret } from '../../cloudfunctions/_lib/delivery/signing';
import type { FileStore } from '../../cloudfunctions/_lib/files/port';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { relayDue } from '../../cloudfunctions/_lib/services/relay';
import { ATTACHMENT_FETCH_KEEP_DAYS, REFUSALS_KEPT_PER_HOUR } from '../../cloudfunctions/_lib/services/attachment-downloads';
import { runCentersDaily } from '../../cloudfunctions/_lib/services/portal';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { TEST_JPEG } from '../../cloudfunctions/_lib/centers/conformance';
import { fetchAttachment, signedGet } from '../../tools/center-sim/attachments';
import { startCenterSim, type CenterSim, type ReceivedDelivery } from '../../tools/center-sim/server';
import { selfSignedTls } from '../../tools/center-sim/tls';
import { createLocalCloud } from '../../tools/local-cloud/server';
import { pdfOf } from '../support/files';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

/**
 * Delivery format 2 (issue 16, point 3): a purchase withdrawal reaches the center simulator over loopback HTTPS with
 * its attachments as links; the simulator fetches each from the platform (the local host's GET
 * /callbacks/files/<token>, the `callbacks` function as deployed) with its own signature and checks the sha256.
 * Links that expired, another center's signature, unsigned and altered requests are refused, and every fetch is
 * recorded.
 */
jest.setTimeout(90_000);

const YANGZHOU = '321000'; // purchase-locale center: the delivery goes to it first
const BEIJING = '110000'; // deposit-locale center
const secrets = new Map([
  [YANGZHOU, newSecret()],
  [BEIJING, newSecret()],
]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PDF = pdfOf('Purchase contract by link');

let store: Store;
let sim: CenterSim;
let outbound: OutboundClient;
let platform: Awaited<ReturnType<typeof createLocalCloud>>;
let base = '';
/** Reads of files under attachments/ (the sealed attachments), counted to show the relay never makes one. */
let attachmentReads = 0;
let outside: ReturnType<typeof testOutside>;

beforeAll(async () => {
  store = await catalogStore();
  sim = await startCenterSim({ secretFor: (code) => secrets.get(code), script: { 'purchase-withdrawal': [] } });
  const allow = new Set([hostPort(new URL(sim.origin))]);
  outbound = createOutboundClient({ allow, allowCa: sim.tls.cert });
  const plain = testOutside().files();
  const files: FileStore = {
    ...plain,
    get: (key) => {
      if (key.startsWith('attachments/')) attachmentReads += 1;
      return plain.get(key);
    },
  };
  outside = testOutside({ outbound: () => outbound, files: () => files, callbackBase: () => base });
  platform = await createLocalCloud({ store, functions: {}, envRoles: new Map(), log: createLogger({ level: 'silent' }), outside });
  base = await platform.listen({ port: 0, host: '127.0.0.1' });
  for (const [centerCode, secret] of secrets) {
    await store.endpoints.put({ centerCode, mode: 'api', url: sim.endpointFor(centerCode), secretsSealed: [seal(outside.keyring(), sealedAs.endpointSecret(centerCode), secret)], updatedAt: new Date() });
  }
});
afterAll(async () => {
  platform.server.closeAllConnections();
  await platform.close();
  await outbound.close();
  await sim.close();
  await store.close();
});

let serial = 0;
async function submittedPurchase(contract = PDF): Promise<string> {
  const openid = `link-${++serial}`;
  await verifiedPerson(store, outside, openid, new Date());
  const upload = (bytes: Buffer) => outside.files().put(`uploads/${randomBytes(12).toString('hex')}`, bytes, 'application/octet-stream');
  const caller: Caller = { openid, roles: [] };
  const result = await applications.handle(
    {
      action: 'submit',
      type: 'purchase-withdrawal',
      requestId: `req-link-${serial}`,
      payload: {
        purchaseCenter: YANGZHOU,
        depositCenter: BEIJING,
        house: { address: '江苏省扬州市邗江区文昌西路 1 号 2 幢 301 室', contractNumber: `YZ2026-${serial}`, purchaseDate: '2026-10-08', price: 1_280_000, area: 98.5, seller: '扬州某房地产开发有限公司' },
        bank: { accountName: '张三', bankName: '中国建设银行扬州分行', accountNumber: '6217001234567890123' },
        amount: 150_000,
        phone: '13912345678',
        attachments: [
          { kind: 'contract', fileId: await upload(contract), name: '购房合同.pdf' },
          { kind: 'invoice', fileId: await upload(TEST_JPEG), name: '发票.jpg' },
        ],
      },
    },
    contextFor(store, caller, new Date(), outside),
  );
  if (!result.ok) throw new Error(`${result.message} ${JSON.stringify(result.fields)}`);
  return (result.data as { id: string }).id;
}

/** The simulator's record of the application's delivery once it has fetched its attachments. */
async function fetchedDelivery(id: string): Promise<ReceivedDelivery> {
  for (let i = 0; i < 200; i++) {
    const got = sim.received.find((r) => r.applicationId === id && r.fetched);
    if (got) return got;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the simulator never fetched the attachments of ${id}`);
}

/** The application's stored attachments (id and sha256), read back from its delivery as the simulator recorded it. */
const attachmentsOf = (delivery: ReceivedDelivery) => delivery.attachments ?? [];

describe('attachments by signed link (delivery format 2)', () => {
  let id: string;
  let delivered: ReceivedDelivery;
  beforeAll(async () => {
    id = await submittedPurchase();
    attachmentReads = 0;
    expect(await relayDue(contextFor(store, undefined, new Date(), outside))).toMatchObject({ delivered: 1 });
    // the relay sent the files' links, not the files: not one sealed attachment was read for the delivery
    expect(attachmentReads).toBe(0);
    delivered = await fetchedDelivery(id);
  });

  it('delivers a purchase withdrawal marked format 2 whose attachments the center fetches with its signature, the sha256 matching', async () => {
    expect(delivered).toMatchObject({ centerCode: YANGZHOU, verified: true, answer: 200, format: '2', problems: [] });
    expect(attachmentsOf(delivered).map((a) => [a.kind, a.sha256, a.size])).toEqual([
      ['contract', sha(PDF), PDF.length],
      ['invoice', sha(TEST_JPEG), TEST_JPEG.length],
    ]);
    // each file under 4 MiB: one range, answered 206 with the whole of it
    expect(delivered.fetched).toEqual(attachmentsOf(delivered).map((a) => ({ id: a.id, status: 206, matches: true, problem: null, ranges: 1 })));
    const fetches = await store.attachmentFetches.ofApplication(id);
    expect(fetches).toEqual(
      attachmentsOf(delivered).map((a) =>
        expect.objectContaining({ applicationId: id, attachmentId: a.id, centerCode: YANGZHOU, httpStatus: 206, refusal: null, byteRange: `bytes 0-${a.size - 1}/${a.size}`, webhookId: expect.stringMatching(/^msg_/) }),
      ),
    );
  });

  it('refuses an expired link, another center’s signature, an unsigned request and an altered one, and records each with why', async () => {
    const [contract] = attachmentsOf(delivered);
    const linkFor = (centerCode: string, at = new Date()) => attachmentLink(outside.keyring(), base, { applicationId: id, attachmentId: contract.id, centerCode }, at);
    const yangzhou = secrets.get(YANGZHOU)!;
    const valid = { ...contract, ...linkFor(YANGZHOU) };
    const before = (await store.attachmentFetches.ofApplication(id)).length;

    // made 7 days and a minute ago: expired, though well signed
    const expired = { ...contract, ...linkFor(YANGZHOU, new Date(Date.now() - FILE_LINK_DAYS * 86_400_000 - 60_000)) };
    expect(await fetchAttachment(yangzhou, expired)).toMatchObject({ status: 410, matches: false, problem: expect.stringContaining('过期') });
    // the deposit-locale center takes part in the application, yet the link was made for the purchase-locale center:
    // told whose signature is wanted, not which center that is (a request with any signature learns nothing of the link)
    const wrongCenter = await fetchAttachment(secrets.get(BEIJING)!, valid);
    expect(wrongCenter).toMatchObject({ status: 401, problem: expect.stringContaining('应由链接所发给的中心用其密钥对链接地址签名') });
    expect(wrongCenter.problem).not.toContain(YANGZHOU);
    const unsigned = await fetch(valid.url);
    expect(unsigned.status).toBe(401);
    // signed for another URL (the same center's other link), or the token changed in one character
    const other = linkFor(YANGZHOU);
    expect((await fetch(valid.url, { headers: signedGet(yangzhou, other.url) })).status).toBe(401);
    const token = valid.url.split('/').pop()!;
    const altered = `${base}/callbacks/files/${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;
    expect((await fetch(altered, { headers: signedGet(yangzhou, altered) })).status).toBe(404);
    // or a part added after it, signed over the URL so lengthened: a token opens only as the platform spelled it
    for (const lengthened of [`${valid.url}.x`, `${valid.url}..`, `${valid.url}.AAAA`]) {
      expect((await fetch(lengthened, { headers: signedGet(yangzhou, lengthened) })).status).toBe(404);
    }
    // a link made for the deposit-locale center, signed by it, before the purchase is verified: the application has
    // not reached that center (it is handed over at 已核验), so there is nothing for it there
    const early = { ...contract, ...linkFor(BEIJING) };
    expect(await fetchAttachment(secrets.get(BEIJING)!, early)).toMatchObject({ status: 404 });
    // and the right center, signed over its own link, in time: served
    expect(await fetchAttachment(yangzhou, valid)).toEqual({ id: contract.id, status: 206, matches: true, problem: null, ranges: 1 });

    const recorded = (await store.attachmentFetches.ofApplication(id)).slice(before);
    expect(recorded.map((f) => [f.centerCode, f.httpStatus])).toEqual([
      [YANGZHOU, 410],
      [YANGZHOU, 401],
      [YANGZHOU, 401],
      [YANGZHOU, 401],
      [BEIJING, 404],
      [YANGZHOU, 206],
    ]);
    expect(recorded.map((f) => f.refusal)).toEqual([
      expect.stringContaining('过期'),
      expect.stringContaining('签名无效'),
      expect.stringContaining('webhook-id'),
      expect.stringContaining('签名无效'),
      '附件已不存在',
      null,
    ]);
  });

  it('keeps no record of a request whose token does not open, however many come', async () => {
    const record = jest.spyOn(store.attachmentFetches, 'record');
    try {
      for (let i = 0; i < 20; i++) {
        const answer = await handleCallbackHttp({ path: `/callbacks/files/junk${randomBytes(16).toString('hex')}`, httpMethod: 'GET', headers: {}, body: '' }, contextFor(store, undefined, new Date(), outside));
        expect(answer.statusCode).toBe(404);
      }
      expect(record).not.toHaveBeenCalled();
    } finally {
      record.mockRestore();
    }
  });

  it('records at most REFUSALS_KEPT_PER_HOUR refusals of one link in a clock hour, and records again the next hour', async () => {
    const [, invoice] = attachmentsOf(delivered);
    // two days ago at the start of an hour (the link still valid), so these records sort before the later tests' own
    const at = new Date(Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000);
    const link = attachmentLink(outside.keyring(), base, { applicationId: id, attachmentId: invoice.id, centerCode: YANGZHOU }, at);
    const unsigned = (when: Date) => handleCallbackHttp({ path: new URL(link.url).pathname, httpMethod: 'GET', headers: {}, body: '' }, contextFor(store, undefined, when, outside));
    const refusalsAround = async (when: Date) => (await store.attachmentFetches.ofApplication(id)).filter((f) => f.attachmentId === invoice.id && f.httpStatus === 401 && Math.abs(f.at.getTime() - when.getTime()) < 3_600_000).length;
    for (let i = 0; i < REFUSALS_KEPT_PER_HOUR + 5; i++) expect((await unsigned(new Date(at.getTime() + i * 1000))).statusCode).toBe(401);
    expect(await refusalsAround(at)).toBe(REFUSALS_KEPT_PER_HOUR);
    const nextHour = new Date(at.getTime() + 3_700_000);
    expect((await unsigned(nextHour)).statusCode).toBe(401);
    expect((await store.attachmentFetches.ofApplication(id)).filter((f) => f.at.getTime() === nextHour.getTime())).toHaveLength(1);
  });

  it('keeps no more than REFUSALS_KEPT_PER_HOUR refusals of a burst of parallel requests for one link', async () => {
    const [, invoice] = attachmentsOf(delivered);
    // a day ago at the start of an hour: nothing of this link is recorded from then on (the test above is a day earlier)
    const at = new Date(Math.floor((Date.now() - 86_400_000) / 3_600_000) * 3_600_000);
    const link = attachmentLink(outside.keyring(), base, { applicationId: id, attachmentId: invoice.id, centerCode: YANGZHOU }, at);
    const burst = await Promise.all(
      Array.from({ length: 3 * REFUSALS_KEPT_PER_HOUR }, () => handleCallbackHttp({ path: new URL(link.url).pathname, httpMethod: 'GET', headers: {}, body: '' }, contextFor(store, undefined, at, outside))),
    );
    expect(new Set(burst.map((a) => a.statusCode))).toEqual(new Set([401]));
    const kept = (await store.attachmentFetches.ofApplication(id)).filter((f) => f.attachmentId === invoice.id && f.at.getTime() === at.getTime());
    expect(kept).toHaveLength(REFUSALS_KEPT_PER_HOUR);
  });

  it('refuses with 401 a request whose webhook-id holds a control character, and records the refusal without that id', async () => {
    const [contract] = attachmentsOf(delivered);
    const link = attachmentLink(outside.keyring(), base, { applicationId: id, attachmentId: contract.id, centerCode: YANGZHOU }, new Date());
    const before = (await store.attachmentFetches.ofApplication(id)).length;
    // sent as the HTTP access service hands it over (fetch itself refuses such a header)
    const answer = await handleCallbackHttp(
      { path: new URL(link.url).pathname, httpMethod: 'GET', headers: { 'webhook-id': 'msg_a\u0000b' }, body: '' },
      contextFor(store, undefined, new Date(), outside),
    );
    expect(answer.statusCode).toBe(401);
    expect((await store.attachmentFetches.ofApplication(id)).slice(before)).toEqual([
      expect.objectContaining({ applicationId: id, attachmentId: contract.id, centerCode: YANGZHOU, httpStatus: 401, webhookId: null, refusal: expect.stringContaining('请求头') }),
    ]);
  });

  it('serves a center that signs with either of its secrets while it rotates', async () => {
    const [, invoice] = attachmentsOf(delivered);
    const fresh = newSecret();
    const old = secrets.get(YANGZHOU)!;
    await store.endpoints.put({
      centerCode: YANGZHOU,
      mode: 'api',
      url: sim.endpointFor(YANGZHOU),
      secretsSealed: [fresh, old].map((s) => seal(outside.keyring(), sealedAs.endpointSecret(YANGZHOU), s)),
      updatedAt: new Date(),
    });
    const link = { ...invoice, ...attachmentLink(outside.keyring(), base, { applicationId: id, attachmentId: invoice.id, centerCode: YANGZHOU }, new Date()) };
    expect(await fetchAttachment(old, link)).toMatchObject({ status: 206, matches: true });
    expect(await fetchAttachment(fresh, link)).toMatchObject({ status: 206, matches: true });
  });
});

describe('attachments in ranges of at most 4 MiB (what CloudBase lets a function answer)', () => {
  // a contract of 10 MB (a scanned one), as large as an upload may be
  const BIG = pdfOf('x'.repeat(10_000_000));
  let id: string;
  let delivered: ReceivedDelivery;
  let front: HttpsServer;
  let frontOrigin = '';
  let agent: Agent;
  beforeAll(async () => {
    expect(BIG.length).toBeGreaterThan(2 * RANGE_MAX_BYTES);
    id = await submittedPurchase(BIG);
    expect(await relayDue(contextFor(store, undefined, new Date(), outside))).toMatchObject({ delivered: 1 });
    delivered = await fetchedDelivery(id);
    // the platform's origin over real HTTPS (as CloudBase's HTTP access service answers): a TLS front for the local host
    const tls = await selfSignedTls();
    const plainBase = base;
    front = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'host'));
      void fetch(`${plainBase}${req.url ?? ''}`, { headers }).then(async (answer) => {
        const kept: Record<string, string> = {};
        for (const h of ['content-type', 'content-range', 'x-content-sha256', 'accept-ranges']) {
          const value = answer.headers.get(h);
          if (value !== null) kept[h] = value;
        }
        res.writeHead(answer.status, kept);
        res.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const address = front.address();
    frontOrigin = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    agent = new Agent({ connect: { ca: tls.cert } });
  });
  afterAll(async () => {
    await agent.destroy();
    front.closeAllConnections();
    await new Promise((resolve) => front.close(resolve));
  });

  it('lets the simulator fetch a 10 MB attachment in 3 ranges, the reassembled file’s sha256 matching, each range recorded', async () => {
    const [contract] = attachmentsOf(delivered);
    expect(contract).toMatchObject({ sha256: sha(BIG), size: BIG.length });
    expect(delivered.fetched?.[0]).toEqual({ id: contract.id, status: 206, matches: true, problem: null, ranges: 3 });
    const size = BIG.length;
    expect((await store.attachmentFetches.ofApplication(id)).filter((f) => f.attachmentId === contract.id).map((f) => [f.httpStatus, f.byteRange])).toEqual([
      [206, `bytes 0-${RANGE_MAX_BYTES - 1}/${size}`],
      [206, `bytes ${RANGE_MAX_BYTES}-${2 * RANGE_MAX_BYTES - 1}/${size}`],
      [206, `bytes ${2 * RANGE_MAX_BYTES}-${size - 1}/${size}`],
    ]);
  });

  it('serves the same 10 MB file in 3 ranges over real HTTPS to the simulator’s download, the sha256 matching', async () => {
    const [contract] = attachmentsOf(delivered);
    const before = (await store.attachmentFetches.ofApplication(id)).length;
    // the platform's public origin is the HTTPS one: links are made, and signatures checked, on it
    const plainBase = base;
    base = frontOrigin;
    try {
      const link = { ...contract, ...attachmentLink(outside.keyring(), frontOrigin, { applicationId: id, attachmentId: contract.id, centerCode: YANGZHOU }, new Date()) };
      expect(link.url.startsWith('https://')).toBe(true);
      expect(await fetchAttachment(secrets.get(YANGZHOU)!, link, agent)).toEqual({ id: contract.id, status: 206, matches: true, problem: null, ranges: 3 });
    } finally {
      base = plainBase;
    }
    expect((await store.attachmentFetches.ofApplication(id)).slice(before).map((f) => f.httpStatus)).toEqual([206, 206, 206]);
  });

  it('answers each range in under 6 MB, and refuses with 416 a range over 4 MiB or a whole fetch of a file over 4 MiB, recording each', async () => {
    const [contract] = attachmentsOf(delivered);
    const link = attachmentLink(outside.keyring(), base, { applicationId: id, attachmentId: contract.id, centerCode: YANGZHOU }, new Date());
    const get = (range?: string) =>
      handleCallbackHttp(
        { path: new URL(link.url).pathname, httpMethod: 'GET', headers: { ...signedGet(secrets.get(YANGZHOU)!, link.url), ...(range ? { range } : {}) }, body: '' },
        contextFor(store, undefined, new Date(), outside),
      );
    const before = (await store.attachmentFetches.ofApplication(id)).length;

    const part = await get(`bytes=0-${RANGE_MAX_BYTES - 1}`);
    expect(part).toMatchObject({ statusCode: 206, headers: { 'content-range': `bytes 0-${RANGE_MAX_BYTES - 1}/${BIG.length}`, 'x-content-sha256': sha(BIG) } });
    expect(Buffer.byteLength(JSON.stringify(part))).toBeLessThan(6_000_000);

    const over = await get(`bytes=0-${RANGE_MAX_BYTES}`);
    expect(over.statusCode).toBe(416);
    expect(over.headers['content-range']).toBe(`bytes */${BIG.length}`);
    expect(JSON.parse(over.body)).toMatchObject({ ok: false, message: expect.stringContaining('4 MiB') });
    const whole = await get();
    expect(whole.statusCode).toBe(416);
    expect(JSON.parse(whole.body)).toMatchObject({ message: expect.stringContaining('Range') });

    expect((await store.attachmentFetches.ofApplication(id)).slice(before).map((f) => [f.httpStatus, f.byteRange, f.refusal === null])).toEqual([
      [206, `bytes 0-${RANGE_MAX_BYTES - 1}/${BIG.length}`, true],
      [416, `bytes=0-${RANGE_MAX_BYTES}`, false],
      [416, null, false],
    ]);
  });

  it('removes in the daily run the fetch records older than ATTACHMENT_FETCH_KEEP_DAYS and keeps the younger', async () => {
    const now = new Date();
    const aged = (days: number) => ({ at: new Date(now.getTime() - days * 86_400_000), applicationId: 'app-aged', attachmentId: 'f1', centerCode: YANGZHOU, webhookId: null, httpStatus: 206, refusal: null, byteRange: null });
    await store.attachmentFetches.record(aged(ATTACHMENT_FETCH_KEEP_DAYS + 1));
    await store.attachmentFetches.record(aged(ATTACHMENT_FETCH_KEEP_DAYS - 1));
    await runCentersDaily({ ...contextFor(store, undefined, now, outside), now }, { probeStartBudgetMs: 0 });
    expect((await store.attachmentFetches.ofApplication('app-aged')).map((f) => f.at)).toEqual([aged(ATTACHMENT_FETCH_KEEP_DAYS - 1).at]);
  });
});
