import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { ApplicationView, WorkbenchView } from '../../src/core/applications/views';
import { DOCUMENT_MAX_BYTES } from '../../src/core/center-api';
import type { FileLink } from '../../src/core/files';
import { shanghaiDate } from '../../src/core/time';
import { calendarOf } from '../../cloudfunctions/_lib/services/calendar';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as applications } from '../../cloudfunctions/applications';
import { handleCallbackHttp } from '../../cloudfunctions/callbacks';
import { handler as workbench } from '../../cloudfunctions/workbench';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { deliveryBody } from '../../cloudfunctions/_lib/delivery/messages';
import { readFileLink } from '../../cloudfunctions/_lib/delivery/file-links';
import { newSecret } from '../../cloudfunctions/_lib/delivery/signing';
import { DOWNLOAD_PATH, localFileStore } from '../../cloudfunctions/_lib/files/local';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { TEST_JPEG } from '../../cloudfunctions/_lib/centers/conformance';
import { deliveryForm } from '../../cloudfunctions/_lib/applications/deliveries';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { pdfOf } from '../support/files';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

jest.setTimeout(60_000);

/**
 * 购房提取 (item 7, 两地联办): the purchase-locale center verifies the purchase, then the application passes to
 * the deposit-locale center, which pays and alone records the amount. Attachments are uploads read back at
 * submission, checked by content, sealed at rest, and sent in full only to the two centers.
 */
const YANGZHOU = '321000'; // purchase-locale center with an API
const BEIJING = '110000'; // deposit-locale center with an API
const SUZHOU = '320500'; // deposit-locale center working in its workbench
const secret = newSecret();
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PDF = pdfOf('Purchase contract');
// a real JPEG with bytes after its end, as phones append (motion photos): accepted by its image data
const JPEG = Buffer.concat([TEST_JPEG, randomBytes(300)]);
const TODAY = shanghaiDate(new Date());

const filesRoot = mkdtempSync(path.join(tmpdir(), 'gjj-pw-files-'));
const files = localFileStore(filesRoot);
let store: Store;
const outside = testOutside({ files: () => files });
beforeAll(async () => {
  store = await catalogStore();
  for (const centerCode of [YANGZHOU, BEIJING]) {
    await store.endpoints.put({ centerCode, mode: 'api', url: `https://gjj${centerCode}.example.cn/hook`, secretsSealed: [seal(outside.keyring(), sealedAs.endpointSecret(centerCode), secret)], updatedAt: new Date() });
  }
  await admin.handle({ action: 'setManual', centerCode: SUZHOU }, contextFor(store, { openid: 'sup', roles: [{ role: 'supervisor' }] }, new Date(), outside));

  // staff use the workbench only with a verified identity of their own
  for (const staff of ['staff-320500', 'staff-321000', 'staff-320500-b']) await verifiedPerson(store, outside, staff, new Date());
});
afterAll(() => store.close());

let serial = 0;
const me = (openid: string): Caller => ({ openid, roles: [] });
const call = (caller: Caller, event: unknown) => applications.handle(event, contextFor(store, caller, new Date(), outside));

/** What the person's phone uploads before submitting: a file under uploads/ with a random name. */
async function upload(bytes: Buffer): Promise<string> {
  return files.put(`uploads/${randomBytes(12).toString('hex')}`, bytes, 'application/octet-stream');
}

async function payload(over: { attachments?: { kind: string; fileId: string; name: string }[]; [key: string]: unknown } = {}) {
  return {
    purchaseCenter: YANGZHOU,
    depositCenter: BEIJING,
    house: { address: '江苏省扬州市邗江区文昌西路 1 号 2 幢 301 室', contractNumber: 'YZ2026-000123', purchaseDate: '2026-10-08', price: 1_280_000, area: 98.5, seller: '扬州某房地产开发有限公司' },
    bank: { accountName: '张三', bankName: '中国建设银行扬州分行', accountNumber: '6217001234567890123' },
    amount: 150_000,
    phone: '13912345678',
    attachments: [
      { kind: 'contract', fileId: await upload(PDF), name: '购房合同.pdf' },
      { kind: 'invoice', fileId: await upload(JPEG), name: '发票.jpg' },
    ],
    ...over,
  };
}

async function person(): Promise<string> {
  const openid = `pw-${++serial}`;
  await verifiedPerson(store, outside, openid, new Date());
  return openid;
}

async function submitted(depositCenter = BEIJING): Promise<{ id: string; openid: string; fileIds: string[] }> {
  const openid = await person();
  const p = await payload({ depositCenter });
  // each person's own contract: people sharing one are held for the centers (the co-buyer's hold below)
  p.house.contractNumber = `YZ2026-${String(serial).padStart(6, '0')}`;
  const result = await call(me(openid), { action: 'submit', type: 'purchase-withdrawal', requestId: `req-pw-${serial}`, payload: p });
  if (!result.ok) throw new Error(`${result.message} ${JSON.stringify(result.fields)}`);
  return { id: (result.data as { id: string }).id, openid, fileIds: p.attachments.map((a) => a.fileId) };
}
const view = async (openid: string, id: string) => ((await call(me(openid), { action: 'get', id })) as { ok: true; data: ApplicationView }).data;

/** A signed callback from the center, received by the function at `now` (the call's own time). */
function callback(centerCode: string, data: Record<string, unknown>, now = new Date()) {
  const body = JSON.stringify({ type: 'application.status', data });
  const id = `msg_pw_${++serial}`;
  const at = new Date();
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
  return handleCallbackHttp({ path: `/callbacks/${centerCode}`, httpMethod: 'POST', headers, body }, contextFor(store, undefined, now, outside));
}
const answered = async (centerCode: string, data: Record<string, unknown>, now?: Date) => {
  const r = await callback(centerCode, data, now);
  return { status: r.statusCode, body: JSON.parse(r.body) as { code?: string; fields?: Record<string, string> } };
};

/** Every file kept under attachments/ (sealed) in the file store. */
function keptAttachments(): string[] {
  const dir = path.join(filesRoot, 'attachments');
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)) : [];
}

describe('a purchase withdrawal handled by two centers', () => {
  it('keeps the attachments sealed, removes the uploads, masks the bank account and sends the files in full to the purchase-locale center', async () => {
    const { id, openid, fileIds } = await submitted();
    const data = await view(openid, id);
    expect(data).toMatchObject({ type: 'purchase-withdrawal', status: 'submitted', step: '提交', payment: null, target: { by: (await calendarOf(store).addWorkingDays(TODAY, 7)).date, overdue: false }, targetProvisional: false });
    expect(data.centers.map((c) => [c.code, c.role])).toEqual([[YANGZHOU, 'purchase'], [BEIJING, 'deposit']]);
    expect(data.summary).toEqual(expect.arrayContaining([{ label: '银行账号', value: '6217***********0123' }, { label: '收款户名', value: '*三' }, { label: '申请提取金额', value: '150,000.00 元' }]));
    expect(JSON.stringify(data)).not.toContain('6217001234567890123');
    // listed once, under 材料: not again among the form's lines
    expect(data.summary.map((line) => line.value)).not.toContain('购房合同.pdf');
    expect(data.attachments).toEqual([
      { kind: 'contract', name: '购房合同.pdf', contentType: 'application/pdf', size: PDF.length },
      { kind: 'invoice', name: '发票.jpg', contentType: 'image/jpeg', size: JPEG.length },
    ]);
    // the uploads are gone; what is kept is sealed, not the file
    for (const fileId of fileIds) await expect(files.get(fileId)).rejects.toThrow();
    const kept = keptAttachments().filter((f) => f.includes(id));
    expect(kept).toHaveLength(2);
    for (const f of kept) expect(readFileSync(f).includes(Buffer.from('%PDF'))).toBe(false);

    const outbox = await store.outbox.listForApplication(id);
    expect(outbox.map((o) => [o.centerCode, o.type])).toEqual([[YANGZHOU, 'application.submitted']]);
    const app = (await store.applications.get(id))!;
    const body = JSON.parse(deliveryBody(outbox[0], app, outside.keyring(), 'https://platform.example.cn', [], deliveryForm({ outside }, outbox[0], app, new Date())));
    // the purchase-locale center verifies the purchase: it gets no bank account
    expect(body.data).toMatchObject({ role: 'purchase', form: { amount: 150_000 } });
    expect(body.data.form.bank).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain('6217001234567890123');
    // format 2: each file by a link for this center alone, lasting 7 days; never its bytes
    expect(body.formatVersion).toBe(2);
    const sent = body.data.form.attachments as { id: string; sha256: string; kind: string; url: string; expiresAt: string }[];
    expect(sent.map((a) => [a.kind, a.sha256])).toEqual([['contract', sha(PDF)], ['invoice', sha(JPEG)]]);
    expect(JSON.stringify(body)).not.toContain('contentBase64');
    for (const a of sent) {
      expect(a.url.startsWith(`${outside.callbackBase()}/callbacks/files/`)).toBe(true);
      const link = readFileLink(outside.keyring(), a.url.split('/').pop()!);
      expect(link).toEqual({ applicationId: id, attachmentId: a.id, centerCode: YANGZHOU, expiresAt: new Date(a.expiresAt) });
      expect(new Date(a.expiresAt).getTime() - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);
    }
  });

  it('passes from the purchase-locale center to the deposit-locale center, which alone records the amount paid', async () => {
    const { id, openid } = await submitted();
    expect((await answered(YANGZHOU, { applicationId: id, status: 'accepted' })).status).toBe(200);
    // the purchase-locale center cannot finish it or set an amount
    expect(await answered(YANGZHOU, { applicationId: id, status: 'completed', payment: { amount: 150_000, paidOn: TODAY } })).toMatchObject({ status: 422 });
    expect(await answered(YANGZHOU, { applicationId: id, status: 'verified', payment: { amount: 150_000, paidOn: TODAY } })).toMatchObject({ status: 422 });
    expect((await answered(YANGZHOU, { applicationId: id, status: 'verified' })).status).toBe(200);
    expect(await store.applications.get(id)).toMatchObject({ status: 'verified', responsibleCenter: BEIJING, payment: null });
    expect((await store.outbox.listForApplication(id)).map((o) => [o.centerCode, o.type])).toEqual([
      [YANGZHOU, 'application.submitted'],
      [BEIJING, 'application.submitted'],
    ]);
    // once handed over, the purchase-locale center no longer answers for it
    expect(await answered(YANGZHOU, { applicationId: id, status: 'completed', payment: { amount: 150_000, paidOn: TODAY } })).toMatchObject({ status: 409, body: { code: 'ILLEGAL_TRANSITION' } });
    // the deposit-locale center's delivery carries the bank account it pays into
    const handed = (await store.outbox.listForApplication(id)).find((o) => o.centerCode === BEIJING)!;
    const moved = (await store.applications.get(id))!;
    const depositBody = JSON.parse(deliveryBody(handed, moved, outside.keyring(), 'https://platform.example.cn', [], deliveryForm({ outside }, handed, moved, new Date())));
    expect(depositBody.data).toMatchObject({ role: 'deposit', form: { bank: { accountNumber: '6217001234567890123' } } });

    expect((await answered(BEIJING, { applicationId: id, status: 'processing' })).status).toBe(200);
    expect(await answered(BEIJING, { applicationId: id, status: 'completed' })).toMatchObject({ status: 400, body: { fields: { 'data.payment': expect.any(String) } } });
    expect(await answered(BEIJING, { applicationId: id, status: 'completed', payment: { amount: 150_000.01, paidOn: TODAY } })).toMatchObject({
      status: 400,
      body: { fields: { 'data.payment.amount': expect.stringContaining('不能超过申请提取金额') } },
    });
    expect(await answered(BEIJING, { applicationId: id, status: 'completed', payment: { amount: 120_000, paidOn: '2099-01-01' } })).toMatchObject({
      status: 400,
      body: { fields: { 'data.payment.paidOn': '支付日期不能晚于今天' } },
    });
    expect((await store.applications.get(id))?.status).toBe('processing');
    expect((await answered(BEIJING, { applicationId: id, status: 'completed', payment: { amount: 120_000, paidOn: TODAY } })).status).toBe(200);

    const data = await view(openid, id);
    expect(data).toMatchObject({ status: 'completed', step: '办结', payment: { amount: 120_000, paidOn: TODAY }, target: { overdue: false }, canRate: true });
    expect(data.events.map((e) => [e.step, e.centerCode])).toEqual([
      ['提交', YANGZHOU],
      ['购房地核验', YANGZHOU],
      ['缴存地办理', YANGZHOU],
      ['缴存地办理', BEIJING],
      ['办结', BEIJING],
    ]);
    expect(data.events.at(-1)?.message).toBe(`缴存地中心已支付 120,000.00 元（${TODAY}）至本人银行账户`);
  });

  it('judges the purchase date against the day of the call, not the clock of the machine it runs on', async () => {
    const openid = await person();
    const callDay = new Date(Date.now() + 2 * 86_400_000);
    const p = await payload();
    const event = { action: 'submit', type: 'purchase-withdrawal', requestId: `req-pw-day-${serial}`, payload: { ...p, house: { ...p.house, purchaseDate: shanghaiDate(callDay) } } };
    expect(await call(me(openid), event)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { 'payload.house.purchaseDate': '购房日期不能晚于今天' } });
    expect(await applications.handle(event, contextFor(store, me(openid), callDay, outside))).toMatchObject({ ok: true });
  });

  it('judges the date a center paid on against the day of the call, not the clock of the machine it runs on', async () => {
    const { id } = await submitted();
    expect((await answered(YANGZHOU, { applicationId: id, status: 'accepted' })).status).toBe(200);
    expect((await answered(YANGZHOU, { applicationId: id, status: 'verified' })).status).toBe(200);
    const callDay = new Date(Date.now() + 2 * 86_400_000);
    const payment = { amount: 120_000, paidOn: shanghaiDate(callDay) };
    expect(await answered(BEIJING, { applicationId: id, status: 'completed', payment })).toMatchObject({ status: 400, body: { fields: { 'data.payment.paidOn': '支付日期不能晚于今天' } } });
    expect((await answered(BEIJING, { applicationId: id, status: 'completed', payment }, callDay)).status).toBe(200);
    expect(await store.applications.get(id)).toMatchObject({ status: 'completed', payment });
  });

  it('is paid in the workbench of a deposit-locale center without an API; staff open the attachments, each opening audited', async () => {
    const { id, openid } = await submitted(SUZHOU);
    await answered(YANGZHOU, { applicationId: id, status: 'accepted' });
    await answered(YANGZHOU, { applicationId: id, status: 'verified' });
    expect((await store.outbox.listForApplication(id)).map((o) => o.centerCode)).toEqual([YANGZHOU]); // no API: the workbench is where it arrives
    const staff: Caller = { openid: 'staff-320500', roles: [{ role: 'center-staff', centerCode: SUZHOU }] };
    const bench = (event: unknown) => workbench.handle(event, contextFor(store, staff, new Date(), outside));
    const got = (await bench({ action: 'get', id })) as { ok: true; data: WorkbenchView };
    expect(got.data).toMatchObject({ role: 'deposit', nextStatuses: ['processing', 'completed', 'failed'] });
    expect(got.data.form).toEqual(expect.arrayContaining([{ label: '银行账号', value: '6217001234567890123' }]));
    const [contract] = got.data.attachmentFiles;
    // by link (an opened copy the opening staff member alone may fetch for 10 minutes), never the bytes in the answer
    const opened = (await bench({ action: 'attachment', id, attachmentId: contract.id })) as { ok: true; data: FileLink };
    expect(Object.keys(opened.data).sort()).toEqual(['contentType', 'expiresAt', 'name', 'sha256', 'size', 'url']);
    expect(Buffer.byteLength(JSON.stringify(opened))).toBeLessThan(8 * 1024);
    const token = opened.data.url.slice(DOWNLOAD_PATH.length);
    const served = await files.download(token, staff.openid, new Date());
    expect(served.status === 200 && sha(served.bytes)).toBe(sha(PDF));
    expect((await files.download(token, openid, new Date())).status).toBe(403);
    expect((await store.audit.listFor(`application:${id}`)).map((e) => e.action)).toContain('application.attachment-opened');

    expect(await bench({ action: 'setStatus', id, status: 'completed' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { payment: expect.any(String) } });
    expect(await bench({ action: 'setStatus', id, status: 'completed', payment: { amount: 200_000, paidOn: TODAY } })).toMatchObject({ ok: false, fields: { 'payment.amount': expect.any(String) } });
    expect(await bench({ action: 'setStatus', id, status: 'completed', payment: { amount: 150_000, paidOn: TODAY } })).toMatchObject({ ok: true, data: { status: 'completed', payment: { amount: 150_000 } } });
    expect((await view(openid, id)).payment).toEqual({ amount: 150_000, paidOn: TODAY });

    // the purchase-locale center's staff see it but cannot act on it
    const purchaseStaff: Caller = { openid: 'staff-321000', roles: [{ role: 'center-staff', centerCode: YANGZHOU }] };
    expect(await workbench.handle({ action: 'setStatus', id, status: 'failed' }, contextFor(store, purchaseStaff, new Date(), outside))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    // and the bank account only masked: it is the deposit-locale center's to pay into
    const seen = (await workbench.handle({ action: 'get', id }, contextFor(store, purchaseStaff, new Date(), outside))) as { ok: true; data: WorkbenchView };
    expect(seen.data.form).toEqual(expect.arrayContaining([{ label: '银行账号', value: '6217***********0123' }]));
  });

  it('reaches the deposit-locale center only at the hand-over: before it, its staff and its API see nothing of it, and the attachments open from then on; a late purchase-center move does not land after it', async () => {
    const { id } = await submitted(SUZHOU);
    const depositStaff: Caller = { openid: 'staff-320500-b', roles: [{ role: 'center-staff', centerCode: SUZHOU }] };
    const bench = (event: unknown) => workbench.handle(event, contextFor(store, depositStaff, new Date(), outside));
    const listed = async () => ((await bench({ action: 'list' })) as { ok: true; data: { id: string }[] }).data.map((e) => e.id);
    // nothing of the applicant, the bank account or the phone before the purchase is verified
    expect(await bench({ action: 'get', id })).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
    expect(await listed()).not.toContain(id);
    await answered(YANGZHOU, { applicationId: id, status: 'accepted' });
    expect(await bench({ action: 'get', id })).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
    await answered(YANGZHOU, { applicationId: id, status: 'verified' });
    const after = (await bench({ action: 'get', id })) as { ok: true; data: WorkbenchView };
    expect(after.data).toMatchObject({ role: 'deposit' });
    expect(after.data.attachmentFiles).toHaveLength(2);
    expect(await listed()).toContain(id);
    // a move read before the hand-over and written after it: the store refuses it (the responsible center changed)
    const verified = (await store.applications.get(id))!;
    const late = await store.applications.transition({
      id,
      expected: { status: verified.status, platformCode: null, responsibleCenter: YANGZHOU },
      next: { status: 'failed', platformCode: null },
      event: { applicationId: id, at: new Date(), actor: 'center', actorId: YANGZHOU, from: verified.status, to: 'failed', platformCode: null, centerCode: YANGZHOU, message: '核验不通过' },
    });
    expect(late).toBe('stale');
    expect((await store.applications.get(id))?.status).toBe('verified');
  });

  it('never reaches the deposit-locale center when the person withdraws it before the hand-over', async () => {
    const { id, openid } = await submitted();
    await answered(YANGZHOU, { applicationId: id, status: 'accepted' });
    expect(await call(me(openid), { action: 'withdraw', id })).toMatchObject({ ok: true, data: { status: 'withdrawn' } });
    expect((await store.outbox.listForApplication(id)).map((o) => o.centerCode)).not.toContain(BEIJING);
    // 北京's API is answered as for a case it does not have, and its staff find none
    expect(await answered(BEIJING, { applicationId: id, status: 'accepted' })).toMatchObject({ status: 404, body: { code: 'APPLICATION_NOT_FOUND' } });
    await verifiedPerson(store, outside, 'staff-110000', new Date());
    const beijingStaff: Caller = { openid: 'staff-110000', roles: [{ role: 'center-staff', centerCode: BEIJING }] };
    expect(await workbench.handle({ action: 'get', id }, contextFor(store, beijingStaff, new Date(), outside))).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
  });

  it('answers a repeated submission with the first application, though its uploads are gone', async () => {
    const openid = await person();
    const p = await payload();
    const first = await call(me(openid), { action: 'submit', type: 'purchase-withdrawal', requestId: 'req-pw-repeat-1', payload: p });
    const again = await call(me(openid), { action: 'submit', type: 'purchase-withdrawal', requestId: 'req-pw-repeat-1', payload: p });
    expect(first).toMatchObject({ ok: true });
    expect(again).toEqual(first);
    expect(await store.applications.listByApplicant(openid)).toHaveLength(1);
  });
});

describe('a purchase contract is withdrawn once per person', () => {
  /** A purchase withdrawal of `openid` for the contract `contractNumber` (at 扬州 unless said), or the refusal. */
  async function submitFor(openid: string, contractNumber: string) {
    const p = await payload();
    return call(me(openid), { action: 'submit', type: 'purchase-withdrawal', requestId: `req-pw-contract-${++serial}`, payload: { ...p, house: { ...p.house, contractNumber } } });
  }
  async function idOf(result: Awaited<ReturnType<typeof submitFor>>): Promise<string> {
    if (!result.ok) throw new Error(`${result.message} ${JSON.stringify(result.fields)}`);
    return (result.data as { id: string }).id;
  }
  /** Verified by the purchase-locale center and paid by the deposit-locale center. */
  async function paid(id: string) {
    for (const [center, data] of [
      [YANGZHOU, { status: 'accepted' }],
      [YANGZHOU, { status: 'verified' }],
      [BEIJING, { status: 'processing' }],
      [BEIJING, { status: 'completed', payment: { amount: 150_000, paidOn: TODAY } }],
    ] as const) {
      expect((await answered(center, { applicationId: id, ...data })).status).toBe(200);
    }
  }

  it('refuses the same contract again once its first withdrawal was paid, naming the earlier case, and stores nothing', async () => {
    const openid = await person();
    const first = await idOf(await submitFor(openid, 'YZ2026-777001'));
    await paid(first);
    const before = keptAttachments().length;
    // typed again with full-width letters and a space: the same contract
    const again = await submitFor(openid, 'ＹＺ2026-777001 ');
    expect(again).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
      message: `该购房合同已于 ${TODAY} 申请提取（申请编号 ${first}，已办结），不能重复申请`,
      fields: { 'payload.house.contractNumber': expect.stringContaining('已申请过提取') },
    });
    expect((await store.applications.listByApplicant(openid)).map((a) => a.id)).toEqual([first]);
    expect(keptAttachments()).toHaveLength(before);
  });

  it('accepts the same contract again after its first withdrawal was not accepted', async () => {
    const openid = await person();
    const first = await idOf(await submitFor(openid, 'YZ2026-777002'));
    expect((await answered(YANGZHOU, { applicationId: first, status: 'rejected', message: '购房合同未备案' })).status).toBe(200);
    const again = await idOf(await submitFor(openid, 'YZ2026-777002'));
    const lookup = (await store.applications.get(first))?.contractLookup;
    expect(lookup).toEqual(expect.any(String));
    expect(await store.applications.get(again)).toMatchObject({ status: 'submitted', contractLookup: lookup });
  });

  it('takes a co-buyer’s withdrawal of a contract already paid but holds it for both centers, naming each case to the other and telling the person', async () => {
    const buyer = await person();
    const first = await idOf(await submitFor(buyer, 'YZ2026-777003'));
    await paid(first);
    const coBuyer = await person();
    const second = await idOf(await submitFor(coBuyer, 'YZ2026-777003'));
    await verifiedPerson(store, outside, 'staff-110000', new Date());

    // the person is told, without the other person's case number
    const seen = await view(coBuyer, second);
    const told = seen.events.map((e) => e.message).join('\n');
    expect(told).toContain(`该购房合同已有其他申请（${TODAY} 提交），将由中心核实后办理`);
    expect(JSON.stringify(seen)).not.toContain(first);

    // both centers see the earlier case named on the new one, and the new one on the earlier: the deposit-locale
    // center the new one only once it is handed over
    const benchOf = (staff: string, centerCode: string) => (id: string) =>
      workbench.handle({ action: 'get', id }, contextFor(store, { openid: staff, roles: [{ role: 'center-staff', centerCode }] }, new Date(), outside)) as Promise<{ ok: true; data: WorkbenchView }>;
    const [purchaseBench, depositBench] = [benchOf('staff-321000', YANGZHOU), benchOf('staff-110000', BEIJING)];
    expect((await purchaseBench(second)).data.sharedContract).toEqual([{ id: first, status: 'completed', submittedAt: expect.any(String) }]);
    expect((await purchaseBench(first)).data.sharedContract).toEqual([{ id: second, status: 'submitted', submittedAt: expect.any(String) }]);
    expect(await depositBench(second)).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
    expect((await depositBench(first)).data.sharedContract).toEqual([]);
    for (const status of ['accepted', 'verified']) expect((await answered(YANGZHOU, { applicationId: second, status })).status).toBe(200);
    expect((await depositBench(second)).data.sharedContract).toEqual([{ id: first, status: 'completed', submittedAt: expect.any(String) }]);
    expect((await depositBench(first)).data.sharedContract).toEqual([{ id: second, status: 'verified', submittedAt: expect.any(String) }]);
    expect((await view(buyer, first)).events.map((e) => e.message).join('\n')).not.toContain('其他申请');
  });

  it('refuses to pay a held co-buyer’s withdrawal until staff record 已核实 with a note, audited, and pays it then', async () => {
    const first = await idOf(await submitFor(await person(), 'YZ2026-777007'));
    const coBuyer = await person();
    const second = await idOf(await submitFor(coBuyer, 'YZ2026-777007'));
    for (const [center, status] of [[YANGZHOU, 'accepted'], [YANGZHOU, 'verified'], [BEIJING, 'processing']] as const) {
      expect((await answered(center, { applicationId: second, status })).status).toBe(200);
    }
    const payment = { amount: 150_000, paidOn: TODAY };
    // the deposit-locale center's payment waits for the check
    expect(await answered(BEIJING, { applicationId: second, status: 'completed', payment })).toMatchObject({ status: 409, body: { code: 'ILLEGAL_TRANSITION' } });
    expect((await store.applications.get(second))?.status).toBe('processing');

    const purchaseStaff: Caller = { openid: 'staff-321000', roles: [{ role: 'center-staff', centerCode: YANGZHOU }] };
    const bench = (event: unknown) => workbench.handle(event, contextFor(store, purchaseStaff, new Date(), outside)) as Promise<{ ok: true; data: WorkbenchView }>;
    expect((await bench({ action: 'get', id: second })).data.contractHold).toEqual({ checked: null });
    // the earlier case is not the held one
    expect((await bench({ action: 'get', id: first })).data.contractHold).toBeNull();
    expect(await bench({ action: 'checkContract', id: first, note: '已核对' })).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    expect(await bench({ action: 'checkContract', id: second, note: '' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { note: expect.any(String) } });

    const note = '已电话联系两位购房人，系夫妻共同购房，分别提取各自份额';
    const checked = await bench({ action: 'checkContract', id: second, note });
    expect(checked).toMatchObject({ ok: true, data: { contractHold: { checked: { note, centerCode: YANGZHOU, at: expect.any(String) } } } });
    expect((await store.audit.listFor(`application:${second}`)).filter((e) => e.action === 'application.contract-checked')).toEqual([
      expect.objectContaining({ actor: 'staff-321000', detail: YANGZHOU }),
    ]);
    // nothing of the check reaches the person
    expect(JSON.stringify(await view(coBuyer, second))).not.toContain(note);

    expect(await answered(BEIJING, { applicationId: second, status: 'completed', payment })).toMatchObject({ status: 200 });
    expect((await store.applications.get(second))?.payment).toEqual(payment);
  });

  it('refuses the workbench payment of a held withdrawal until it is checked, at a deposit-locale center without an API', async () => {
    const p = await payload({ depositCenter: SUZHOU });
    const submitAt = async (openid: string) =>
      idOf(await call(me(openid), { action: 'submit', type: 'purchase-withdrawal', requestId: `req-pw-held-${++serial}`, payload: { ...p, house: { ...p.house, contractNumber: 'YZ2026-777008' }, attachments: (await payload()).attachments } }));
    await submitAt(await person());
    const held = await submitAt(await person());
    await answered(YANGZHOU, { applicationId: held, status: 'accepted' });
    await answered(YANGZHOU, { applicationId: held, status: 'verified' });
    const staff: Caller = { openid: 'staff-320500', roles: [{ role: 'center-staff', centerCode: SUZHOU }] };
    const bench = (event: unknown) => workbench.handle(event, contextFor(store, staff, new Date(), outside));
    const pay = { action: 'setStatus', id: held, status: 'completed', payment: { amount: 150_000, paidOn: TODAY } };
    expect(await bench(pay)).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION', message: expect.stringContaining('已核实') });
    expect(await bench({ action: 'checkContract', id: held, note: '合同备案信息核对无误，两位共有人' })).toMatchObject({ ok: true });
    expect(await bench(pay)).toMatchObject({ ok: true, data: { status: 'completed', contractHold: { checked: { centerCode: SUZHOU } } } });
  });

  it('holds nothing when the other person’s withdrawal of the contract ended unpaid', async () => {
    const first = await idOf(await submitFor(await person(), 'YZ2026-777006'));
    expect((await answered(YANGZHOU, { applicationId: first, status: 'rejected', message: '购房合同未备案' })).status).toBe(200);
    const coBuyer = await person();
    const second = await idOf(await submitFor(coBuyer, 'YZ2026-777006'));
    expect((await view(coBuyer, second)).events.map((e) => e.message).join('\n')).not.toContain('其他申请');
    const staff: Caller = { openid: 'staff-321000', roles: [{ role: 'center-staff', centerCode: YANGZHOU }] };
    const got = (await workbench.handle({ action: 'get', id: second }, contextFor(store, staff, new Date(), outside))) as { ok: true; data: WorkbenchView };
    expect(got.data.sharedContract).toEqual([]);
    expect(got.data.contractHold).toBeNull();
  });

  it('accepts a different contract of the same person once the first was paid', async () => {
    const openid = await person();
    await paid(await idOf(await submitFor(openid, 'YZ2026-777004')));
    expect(await submitFor(openid, 'YZ2026-777005')).toMatchObject({ ok: true });
  });
});

describe('bad input to a purchase withdrawal is refused by field and stores nothing', () => {
  const cases: [string, () => Promise<Record<string, unknown>>, string, RegExp][] = [
    ['a file that is not a PDF, JPG or PNG', async () => payload({ attachments: [{ kind: 'contract', fileId: await upload(Buffer.from('GIF89a....')), name: '合同.pdf' }, { kind: 'invoice', fileId: await upload(JPEG), name: 'f.jpg' }] }), 'payload.attachments.0', /PDF、JPG 或 PNG/],
    ['a file over 10 MB', async () => payload({ attachments: [{ kind: 'contract', fileId: await upload(PDF), name: 'a.pdf' }, { kind: 'invoice', fileId: await upload(Buffer.concat([TEST_JPEG, Buffer.alloc(DOCUMENT_MAX_BYTES)])), name: 'big.jpg' }] }), 'payload.attachments.1', /10 MB/],
    ['a damaged (cut short) PDF', async () => payload({ attachments: [{ kind: 'contract', fileId: await upload(PDF.subarray(0, 30)), name: 'a.pdf' }, { kind: 'invoice', fileId: await upload(JPEG), name: 'f.jpg' }] }), 'payload.attachments.0', /损坏/],
    ['an upload that is not there', async () => payload({ attachments: [{ kind: 'contract', fileId: 'uploads/abcdefghijklmnopqrstuvwx', name: 'a.pdf' }, { kind: 'invoice', fileId: await upload(JPEG), name: 'f.jpg' }] }), 'payload.attachments.0', /未上传成功/],
    ['no invoice', async () => payload({ attachments: [{ kind: 'contract', fileId: await upload(PDF), name: 'a.pdf' }] }), 'payload.attachments', /购房发票/],
    ['an amount above the price', async () => ({ ...(await payload()), amount: 1_280_000.01 }), 'payload.amount', /不能超过购房总价/],
    ['a purchase date in the future', async () => { const p = await payload(); return { ...p, house: { ...p.house, purchaseDate: '2099-01-01' } }; }, 'payload.house.purchaseDate', /不能晚于今天/],
    ['an amount with fractions of a fen', async () => ({ ...(await payload()), amount: 100.005 }), 'payload.amount', /两位小数/],
    ['someone else’s bank account', async () => { const p = await payload(); return { ...p, bank: { ...p.bank, accountName: '李四' } }; }, 'payload.bank.accountName', /申请人姓名一致/],
    ['a bank account that is not digits', async () => { const p = await payload(); return { ...p, bank: { ...p.bank, accountNumber: '6217-0012' } }; }, 'payload.bank.accountNumber', /12 至 30 位数字/],
  ];

  it.each(cases)('%s', async (_name, make, field, message) => {
    const openid = await person();
    const before = keptAttachments().length;
    const result = await call(me(openid), { action: 'submit', type: 'purchase-withdrawal', requestId: `req-bad-${serial}`, payload: await make() });
    expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { [field]: expect.stringMatching(message) } });
    expect(await store.applications.listByApplicant(openid)).toEqual([]);
    expect(keptAttachments()).toHaveLength(before);
  });
});

describe('names on a purchase withdrawal, by the one name rule', () => {
  it.each([
    ['李䶮', '李䶮'],
    ['𠮷田花子', '𠮷田花子'],
    ['阿依古丽·买买提', '阿依古丽・买买提'],
  ])('takes the account name of a person verified as %s, typed %s', async (verifiedAs, typed) => {
    const openid = `pw-name-${++serial}`;
    await verifiedPerson(store, outside, openid, new Date(), verifiedAs);
    const p = await payload();
    const result = await call(me(openid), { action: 'submit', type: 'purchase-withdrawal', requestId: `req-pw-name-${serial}`, payload: { ...p, bank: { ...p.bank, accountName: typed } } });
    expect(result).toMatchObject({ ok: true });
  });

  it('answers every refusal of the form at once: an unknown center and another person’s account name together', async () => {
    const openid = await person();
    const p = await payload();
    const result = await call(me(openid), { action: 'submit', type: 'purchase-withdrawal', requestId: `req-pw-both-${serial}`, payload: { ...p, depositCenter: '999999', bank: { ...p.bank, accountName: '李四' } } });
    expect(result).toMatchObject({ ok: false, fields: { 'payload.depositCenter': '没有找到这个中心', 'payload.bank.accountName': '收款户名应与申请人姓名一致' } });
    expect(await store.applications.listByApplicant(openid)).toEqual([]);
  });
});
