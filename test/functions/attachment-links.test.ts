import { createHash, randomBytes } from 'node:crypto';
import { handler as applications } from '../../cloudfunctions/applications';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { attachmentLink, FILE_LINK_DAYS } from '../../cloudfunctions/_lib/delivery/file-links';
import { createOutboundClient, hostPort, type OutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { newSecret } from '../../cloudfunctions/_lib/delivery/signing';
import type { FileStore } from '../../cloudfunctions/_lib/files/port';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { relayDue } from '../../cloudfunctions/_lib/services/relay';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { TEST_JPEG } from '../../cloudfunctions/_lib/centers/conformance';
import { fetchAttachment, signedGet } from '../../tools/center-sim/attachments';
import { startCenterSim, type CenterSim, type ReceivedDelivery } from '../../tools/center-sim/server';
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
async function submittedPurchase(): Promise<string> {
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
          { kind: 'contract', fileId: await upload(PDF), name: '购房合同.pdf' },
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
    expect(delivered.fetched).toEqual(attachmentsOf(delivered).map((a) => ({ id: a.id, status: 200, matches: true, problem: null })));
    const fetches = await store.attachmentFetches.ofApplication(id);
    expect(fetches).toEqual(attachmentsOf(delivered).map((a) => expect.objectContaining({ applicationId: id, attachmentId: a.id, centerCode: YANGZHOU, httpStatus: 200, refusal: null, webhookId: expect.stringMatching(/^msg_/) })));
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
    // the deposit-locale center takes part in the application, yet the link was made for the purchase-locale center
    expect(await fetchAttachment(secrets.get(BEIJING)!, valid)).toMatchObject({ status: 401, problem: expect.stringContaining(`中心（${YANGZHOU}）`) });
    const unsigned = await fetch(valid.url);
    expect(unsigned.status).toBe(401);
    // signed for another URL (the same center's other link), or the token changed in one character
    const other = linkFor(YANGZHOU);
    expect((await fetch(valid.url, { headers: signedGet(yangzhou, other.url) })).status).toBe(401);
    const token = valid.url.split('/').pop()!;
    const altered = `${base}/callbacks/files/${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;
    expect((await fetch(altered, { headers: signedGet(yangzhou, altered) })).status).toBe(404);
    // and the right center, signed over its own link, in time: served
    expect(await fetchAttachment(yangzhou, valid)).toEqual({ id: contract.id, status: 200, matches: true, problem: null });

    const recorded = (await store.attachmentFetches.ofApplication(id)).slice(before);
    expect(recorded.map((f) => [f.centerCode, f.httpStatus])).toEqual([
      [YANGZHOU, 410],
      [YANGZHOU, 401],
      [YANGZHOU, 401],
      [YANGZHOU, 401],
      [YANGZHOU, 200],
    ]);
    expect(recorded.map((f) => f.refusal)).toEqual([expect.stringContaining('过期'), expect.stringContaining('签名无效'), expect.stringContaining('webhook-id'), expect.stringContaining('签名无效'), null]);
    // the altered token names no application: recorded all the same, among the latest
    expect((await store.attachmentFetches.recent(10)).find((f) => f.applicationId === null)).toMatchObject({ httpStatus: 404, centerCode: null, refusal: expect.stringContaining('链接无效') });
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
    expect(await fetchAttachment(old, link)).toMatchObject({ status: 200, matches: true });
    expect(await fetchAttachment(fresh, link)).toMatchObject({ status: 200, matches: true });
  });
});
