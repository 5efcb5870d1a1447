import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { Webhook } from 'standardwebhooks';
import type { ApplicationView } from '../../src/core/applications/views';
import { sniffAttachment } from '../../src/core/center-api';
import type { FileLink } from '../../src/core/files';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as applications } from '../../cloudfunctions/applications';
import { handleCallbackHttp } from '../../cloudfunctions/callbacks';
import { handler as workbench } from '../../cloudfunctions/workbench';
import { TEST_JPEG } from '../../cloudfunctions/_lib/centers/conformance';
import { openBytes, seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { deliveryBody } from '../../cloudfunctions/_lib/delivery/messages';
import { newSecret } from '../../cloudfunctions/_lib/delivery/signing';
import { inspectFile } from '../../cloudfunctions/_lib/files/inspect';
import { DOWNLOAD_PATH, localFileStore } from '../../cloudfunctions/_lib/files/local';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { storeDocument } from '../../cloudfunctions/_lib/applications/documents';
import { deliveryForm } from '../../cloudfunctions/_lib/applications/deliveries';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { pdfOf, pngOf, uploadOf } from '../support/files';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { startLocalHost, type RunningHost } from '../support/local-host';
import { verifiedPerson } from '../support/people';

jest.setTimeout(90_000);

/**
 * Attacks on the files the platform takes in and keeps (issue 11, points 7, 10, 11 and 12), each replayed
 * against the functions as they run on the local host (the same file store under DATA_DIR/files), and the
 * data directory's permissions against the local host itself.
 */
const YANGZHOU = '321000'; // center with an API (callbacks)
const SUZHOU = '320500'; // center working in its workbench
const BEIJING = '110000';
const secret = newSecret();
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// the forgeries
const FAKE_PDF = Buffer.from('%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
/** An SVG behind a PNG signature and an IEND marker: what a check of the first and last bytes lets through. */
const SVG_BEHIND_PNG_MAGIC = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), SVG, Buffer.from('IEND\xaeB`\x82', 'latin1')]);
/** A PNG with its image data cut out in the middle, its end marker kept. */
const CUT_PNG = (() => {
  const png = pngOf(64, 64);
  return Buffer.concat([png.subarray(0, 60), png.subarray(png.length - 12)]);
})();
/** A JPEG whose scan is cut in half, an end-of-image marker put back after it. */
const CUT_JPEG = (() => {
  const whole = jpeg.encode({ data: Buffer.from(randomBytes(64 * 64 * 4)), width: 64, height: 64 }, 80).data;
  return Buffer.concat([whole.subarray(0, Math.floor(whole.length / 2)), Buffer.from([0xff, 0xd9])]);
})();
/** A PDF that opens, with no page at all. */
const NO_PAGES = Buffer.from(
  (() => {
    const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>'];
    let out = '%PDF-1.4\n';
    const offsets = objects.map((body, i) => {
      const at = out.length;
      out += `${i + 1} 0 obj\n${body}\nendobj\n`;
      return at;
    });
    const xref = out.length;
    out += `xref\n0 3\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
    return `${out}trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  })(),
  'latin1',
);

const filesRoot = mkdtempSync(path.join(tmpdir(), 'gjj-security-files-'));
const files = localFileStore(filesRoot);
const outside = testOutside({ files: () => files });
let store: Store;
beforeAll(async () => {
  store = await catalogStore();
  for (const centerCode of [YANGZHOU, BEIJING]) {
    await store.endpoints.put({ centerCode, mode: 'api', url: `https://gjj${centerCode}.example.cn/hook`, secretsSealed: [seal(outside.keyring(), sealedAs.endpointSecret(centerCode), secret)], updatedAt: new Date() });
  }
  await admin.handle({ action: 'setManual', centerCode: SUZHOU }, contextFor(store, { openid: 'sup', roles: [{ role: 'supervisor' }] }, new Date(), outside));
  // staff use the workbench only with a verified identity of their own
  await verifiedPerson(store, outside, 'staff-files-320500', new Date());
});
afterAll(() => store.close());

let serial = 0;
const me = (openid: string): Caller => ({ openid, roles: [] });
const call = (caller: Caller, event: unknown, on: Store = store) => applications.handle(event, contextFor(on, caller, new Date(), outside));
const staff: Caller = { openid: 'staff-files-320500', roles: [{ role: 'center-staff', centerCode: SUZHOU }] };
const bench = (event: unknown, on: Store = store) => workbench.handle(event, contextFor(on, staff, new Date(), outside));

async function certificate(businessCenter: string): Promise<{ id: string; openid: string }> {
  const openid = `files-${++serial}`;
  await verifiedPerson(store, outside, openid, new Date());
  const result = await call(me(openid), { action: 'submit', type: 'certificate-loan-cleared', requestId: `req-files-${serial}`, payload: { businessCenter, acceptingCenter: BEIJING, phone: '13912345678' } });
  if (!result.ok) throw new Error(result.message);
  return { id: (result.data as { id: string }).id, openid };
}

const upload = (bytes: Buffer) => files.put(`uploads/${randomBytes(12).toString('hex')}`, bytes, 'application/octet-stream');

async function purchase(contract: { bytes: Buffer; name: string }, invoice = { bytes: TEST_JPEG, name: '发票.jpg' }) {
  const openid = `files-${++serial}`;
  await verifiedPerson(store, outside, openid, new Date());
  return call(me(openid), {
    action: 'submit',
    type: 'purchase-withdrawal',
    requestId: `req-files-${serial}`,
    payload: {
      purchaseCenter: YANGZHOU,
      depositCenter: BEIJING,
      house: { address: '江苏省扬州市邗江区文昌西路 1 号 2 幢 301 室', contractNumber: 'YZ2026-000123', purchaseDate: '2026-10-08', price: 1_280_000, area: 98.5, seller: '扬州某房地产开发有限公司' },
      bank: { accountName: '张三', bankName: '中国建设银行扬州分行', accountNumber: '6217001234567890123' },
      amount: 150_000,
      phone: '13912345678',
      attachments: [
        { kind: 'contract', fileId: await upload(contract.bytes), name: contract.name },
        { kind: 'invoice', fileId: await upload(invoice.bytes), name: invoice.name },
      ],
    },
  });
}

async function callback(data: Record<string, unknown>) {
  const body = JSON.stringify({ type: 'application.status', data });
  const id = `msg_files_${++serial}`;
  const at = new Date();
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
  const answer = await handleCallbackHttp({ path: `/callbacks/${YANGZHOU}`, httpMethod: 'POST', headers, body }, contextFor(store, undefined, new Date(), outside));
  return { status: answer.statusCode, body: JSON.parse(answer.body) as { ok: boolean; code?: string; fields?: Record<string, string> } };
}
const docOf = (bytes: Buffer, contentType = 'application/pdf', name = '贷款结清证明.pdf') => ({ name, contentType, sha256: sha(bytes), contentBase64: bytes.toString('base64') });

/** An application accepted and in progress at Yangzhou, ready to be completed by callback. */
async function inProgressAtYangzhou() {
  const app = await certificate(YANGZHOU);
  for (const status of ['accepted', 'processing']) expect((await callback({ applicationId: app.id, status })).status).toBe(200);
  return app;
}

/** Every file kept for an application's documents, as the file store holds them on disk. */
function documentFiles(applicationId: string): string[] {
  const dir = path.join(filesRoot, 'documents', applicationId);
  return existsSync(dir) ? readdirSync(dir).map((name) => path.join(dir, name)) : [];
}

/** The store, except that every move fails as a lost connection would, after the files were written. */
function storeWhoseMovesFail(): Store {
  const failing = new Proxy(store.applications, {
    get: (target, key, receiver) =>
      key === 'transition'
        ? async () => {
            throw new Error('connection lost during the move');
          }
        : Reflect.get(target, key, receiver),
  });
  return new Proxy(store, { get: (target, key, receiver) => (key === 'applications' ? failing : Reflect.get(target, key, receiver)) });
}

describe('a document is checked by parsing it, not by its first and last bytes', () => {
  it('refuses a fake PDF (a PDF header, HTML, an end marker) that the old check took for a PDF', async () => {
    expect(sniffAttachment(FAKE_PDF)).toMatchObject({ ok: true }); // what the header check alone says
    expect(await inspectFile(FAKE_PDF)).toMatchObject({ ok: false, problem: expect.stringContaining('PDF') });
    expect(await inspectFile(NO_PAGES)).toEqual({ ok: false, problem: 'PDF 文件没有任何页面' });
    expect(await inspectFile(pdfOf('A real certificate'))).toEqual({ ok: true, contentType: 'application/pdf' });
  });

  it('refuses a fake PDF as an employee’s attachment, naming the attachment', async () => {
    const result = await purchase({ bytes: FAKE_PDF, name: '购房合同.pdf' });
    expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { 'payload.attachments.0': expect.stringContaining('PDF') } });
  });

  it('refuses a fake PDF as the certificate a center sends by callback, and keeps nothing', async () => {
    const { id } = await inProgressAtYangzhou();
    const answer = await callback({ applicationId: id, status: 'completed', documents: [docOf(FAKE_PDF)] });
    expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', fields: { 'data.documents.0': expect.stringContaining('PDF') } } });
    expect(await store.applications.documents(id)).toEqual([]);
    expect(documentFiles(id)).toEqual([]);
    expect((await store.applications.get(id))?.status).toBe('processing');
  });

  it('refuses a fake PDF as the certificate staff upload in the workbench', async () => {
    const { id } = await certificate(SUZHOU);
    expect(await bench({ action: 'setStatus', id, status: 'accepted' })).toMatchObject({ ok: true });
    const refused = await bench({ action: 'setStatus', id, status: 'completed', document: { name: '证明.pdf', fileId: await uploadOf(files, FAKE_PDF) } });
    expect(refused).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { document: expect.stringContaining('PDF') } });
    expect(documentFiles(id)).toEqual([]);
  });

  it('refuses an SVG declared as a PNG in a callback, with or without a PNG signature in front, and stores nothing', async () => {
    const { id } = await inProgressAtYangzhou();
    const plain = await callback({ applicationId: id, status: 'processing', message: '补充材料', documents: [docOf(SVG, 'image/png', 'photo.png')] });
    expect(plain).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', fields: { 'data.documents.0': expect.any(String) } } });
    const disguised = await callback({ applicationId: id, status: 'completed', documents: [docOf(pdfOf('Certificate')), docOf(SVG_BEHIND_PNG_MAGIC, 'image/png', 'photo.png')] });
    expect(disguised).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', fields: { 'data.documents.1': expect.any(String) } } });
    expect(await store.applications.documents(id)).toEqual([]);
    expect(documentFiles(id)).toEqual([]);
  });

  it('refuses a document whose content is another type than the one declared, naming its contentType', async () => {
    const { id } = await inProgressAtYangzhou();
    const png = await callback({ applicationId: id, status: 'completed', documents: [docOf(pdfOf('Certificate')), docOf(pngOf(), 'image/jpeg', 'scan.jpg')] });
    expect(png).toMatchObject({ status: 400, body: { fields: { 'data.documents.1.contentType': expect.stringContaining('PNG') } } });
    const pdfAsPng = await callback({ applicationId: id, status: 'completed', documents: [docOf(pdfOf('Certificate'), 'image/png', 'certificate.png')] });
    expect(pdfAsPng).toMatchObject({ status: 400, body: { fields: { 'data.documents.0.contentType': expect.stringContaining('PDF') } } });
    expect(documentFiles(id)).toEqual([]);
  });

  it('refuses a truncated PNG and a JPEG cut short, though their end markers are there', async () => {
    for (const cut of [CUT_PNG, CUT_JPEG]) {
      expect(sniffAttachment(cut)).toMatchObject({ ok: true }); // the markers alone pass
      expect(await inspectFile(cut)).toMatchObject({ ok: false, problem: expect.stringContaining('损坏') });
    }
    expect(await purchase({ bytes: pdfOf('Contract'), name: '合同.pdf' }, { bytes: CUT_JPEG, name: '发票.jpg' })).toMatchObject({
      ok: false,
      fields: { 'payload.attachments.1': expect.stringContaining('损坏') },
    });
    const { id } = await inProgressAtYangzhou();
    expect(await callback({ applicationId: id, status: 'processing', message: '补充', documents: [docOf(CUT_PNG, 'image/png', 'scan.png')] })).toMatchObject({
      status: 400,
      body: { fields: { 'data.documents.0': expect.stringContaining('损坏') } },
    });
  });
});

describe('a refused move leaves no file behind', () => {
  it('writes no file for a callback whose move is refused (completed before it was accepted)', async () => {
    const { id } = await certificate(YANGZHOU);
    const answer = await callback({ applicationId: id, status: 'completed', documents: [docOf(pdfOf('Too early'))] });
    expect(answer.status).toBe(422);
    expect(documentFiles(id)).toEqual([]);
  });

  it('writes no file for a repeated completion that changes nothing', async () => {
    const { id } = await inProgressAtYangzhou();
    expect((await callback({ applicationId: id, status: 'completed', documents: [docOf(pdfOf('First'))] })).status).toBe(200);
    expect(documentFiles(id)).toHaveLength(1);
    expect(await callback({ applicationId: id, status: 'completed', documents: [docOf(pdfOf('Second'))] })).toMatchObject({ status: 200, body: { ok: true, data: { changed: false } } });
    expect(documentFiles(id)).toHaveLength(1);
    expect(await store.applications.documents(id)).toHaveLength(1);
  });

  it('writes no file for a workbench completion whose move is refused (the application not yet accepted)', async () => {
    const { id } = await certificate(SUZHOU);
    const refused = await bench({ action: 'setStatus', id, status: 'completed', document: { name: '证明.pdf', fileId: await uploadOf(files, pdfOf('Too early')) } });
    expect(refused).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    expect(documentFiles(id)).toEqual([]);
  });

  it('removes the file again when the move fails after it was written', async () => {
    const { id } = await certificate(SUZHOU);
    expect(await bench({ action: 'setStatus', id, status: 'accepted' })).toMatchObject({ ok: true });
    const failed = await bench({ action: 'setStatus', id, status: 'completed', document: { name: '证明.pdf', fileId: await uploadOf(files, pdfOf('Lost')) } }, storeWhoseMovesFail());
    expect(failed).toMatchObject({ ok: false, code: 'INTERNAL' });
    expect(documentFiles(id)).toEqual([]);
    expect((await store.applications.get(id))?.status).toBe('accepted');
  });
});

describe('a certificate is sealed at rest', () => {
  it('keeps no readable certificate on disk, opens it only for the person, and keeps files 0600 in folders 0700', async () => {
    const { id, openid } = await inProgressAtYangzhou();
    const pdf = pdfOf('Certificate for Zhang San', 'ID 110105194912310021');
    expect((await callback({ applicationId: id, status: 'completed', documents: [docOf(pdf)] })).status).toBe(200);
    const [kept] = documentFiles(id);
    const onDisk = readFileSync(kept);
    expect(onDisk.includes(Buffer.from('%PDF'))).toBe(false);
    expect(onDisk.includes(Buffer.from('110105194912310021'))).toBe(false);

    const [stored] = await store.applications.documents(id);
    expect(openBytes(outside.keyring(), sealedAs.document(id, stored.id), onDisk)).toEqual(pdf);
    // bound to its application and document: copied under another record, it does not open
    expect(() => openBytes(outside.keyring(), sealedAs.document('anotherapp0001', stored.id), onDisk)).toThrow();
    expect(() => openBytes(outside.keyring(), sealedAs.attachment(id, stored.id), onDisk)).toThrow();

    const view = ((await call(me(openid), { action: 'get', id })) as { ok: true; data: ApplicationView }).data;
    const served = await call(me(openid), { action: 'document', id, documentId: view.documents[0].id });
    expect(served).toMatchObject({ ok: true, data: { name: '贷款结清证明.pdf', contentType: 'application/pdf', sha256: sha(pdf), size: pdf.length } });
    // the opened copy behind the link: served as the detected type, to its person only
    const got = await files.download((served as { data: FileLink }).data.url.slice(DOWNLOAD_PATH.length), openid, new Date());
    expect(got).toMatchObject({ status: 200, bytes: pdf, name: '贷款结清证明.pdf', contentType: 'application/pdf' });
    expect(await call(me('someone-else'), { action: 'document', id, documentId: view.documents[0].id })).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });

    for (const entry of readdirSync(filesRoot, { recursive: true, withFileTypes: true })) {
      const at = path.join(entry.parentPath, entry.name);
      expect({ at, mode: lstatSync(at).mode & 0o777 }).toEqual({ at, mode: entry.isDirectory() ? 0o700 : 0o600 });
    }
  });

  describe('on the local host', () => {
    let host: RunningHost | undefined;
    afterEach(async () => {
      await host?.stop();
      host = undefined;
    });

    it('makes its data directory and everything in it the owner’s alone, what was there before included', async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'gjj-security-data-'));
      chmodSync(dataDir, 0o755);
      writeFileSync(path.join(dataDir, 'left-by-an-old-version.json'), '{}', { mode: 0o644 });
      chmodSync(path.join(dataDir, 'left-by-an-old-version.json'), 0o644);
      host = await startLocalHost({}, dataDir);
      const uploaded = await fetch(`${host.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-wx-openid': 'someone' }, body: new Uint8Array(TEST_JPEG) });
      expect(await uploaded.json()).toMatchObject({ ok: true });

      const loose: string[] = [];
      const walk = (at: string) => {
        const stat = lstatSync(at);
        if (stat.isSymbolicLink()) return;
        if ((stat.mode & 0o077) !== 0) loose.push(`${path.relative(dataDir, at) || '.'} ${(stat.mode & 0o777).toString(8)}`);
        if (stat.isDirectory()) for (const name of readdirSync(at)) walk(path.join(at, name));
      };
      walk(dataDir);
      expect(loose).toEqual([]);
      expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
      expect(lstatSync(path.join(dataDir, 'dev-keys.json')).mode & 0o777).toBe(0o600);
      expect(readdirSync(path.join(dataDir, 'files', 'uploads'))).toHaveLength(1);
    });
  });
});

describe('file names are cleaned before anyone else sees them', () => {
  it('sends centers a base name without the path, ending as the content is, not as the name claims', async () => {
    const result = await purchase({ bytes: pdfOf('Contract'), name: '../../../etc/合同.exe' }, { bytes: TEST_JPEG, name: '..\\..\\发票.png' });
    expect(result).toMatchObject({ ok: true });
    const id = (result as { data: { id: string } }).data.id;
    const app = (await store.applications.get(id))!;
    const [outbox] = await store.outbox.listForApplication(id);
    const body = JSON.parse(deliveryBody(outbox, app, outside.keyring(), 'https://platform.example.cn', [], deliveryForm({ outside }, outbox, app, new Date())));
    expect(body.data.form.attachments.map((a: { name: string }) => a.name)).toEqual(['合同.pdf', '发票.jpg']);
  });

  it('keeps a center’s document name without bidirectional overrides, control characters or a path, at most 80 characters', async () => {
    const { id } = await certificate(YANGZHOU);
    const ctx = { ...contextFor(store, undefined, new Date(), outside), now: new Date() };
    const pdf = pdfOf('Certificate');
    expect((await storeDocument(ctx, id, YANGZHOU, '../../x\u202Egpj.pdf', 'application/pdf', pdf)).name).toBe('xgpj.pdf');
    expect((await storeDocument(ctx, id, YANGZHOU, 'a\u0000b\u200f\u2066c\n.png', 'image/png', pngOf())).name).toBe('abc.png');
    const long = (await storeDocument(ctx, id, YANGZHOU, `${'证'.repeat(200)}.pdf`, 'application/pdf', pdf)).name;
    expect(Array.from(long)).toHaveLength(80);
    expect(long.endsWith('.pdf')).toBe(true);
  });
});
