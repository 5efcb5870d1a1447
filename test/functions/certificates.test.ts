import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { ApplicationView } from '../../src/core/applications/views';
import type { FileLink } from '../../src/core/files';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as applications } from '../../cloudfunctions/applications';
import { handleCallbackHttp } from '../../cloudfunctions/callbacks';
import { handler as workbench } from '../../cloudfunctions/workbench';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { newSecret } from '../../cloudfunctions/_lib/delivery/signing';
import { DOWNLOAD_PATH, localFileStore } from '../../cloudfunctions/_lib/files/local';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { pdfOf, uploadOf } from '../support/files';
import { verifiedPerson } from '../support/people';

jest.setTimeout(30_000);

/**
 * 代收代办 certificates (items 8 and 2): the business-locale center issues the certificate as a PDF, by
 * callback or in its workbench; the accepting center gets a copy of the request and is told of the result.
 */
const YANGZHOU = '321000'; // business-locale center with an API
const SUZHOU = '320500'; // business-locale center working in its workbench
const BEIJING = '110000'; // accepting center with an API
const secret = newSecret();
const PDF = pdfOf('Certificate of loan cleared');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let store: Store;
let outside: ReturnType<typeof testOutside>;
const files = localFileStore(mkdtempSync(path.join(tmpdir(), 'gjj-cert-files-')));
beforeAll(async () => {
  store = await catalogStore();
  outside = testOutside({ files: () => files });
  for (const centerCode of [YANGZHOU, BEIJING]) {
    await store.endpoints.put({ centerCode, mode: 'api', url: `https://gjj${centerCode}.example.cn/hook`, secretsSealed: [seal(outside.keyring(), sealedAs.endpointSecret(centerCode), secret)], updatedAt: new Date() });
  }
  await admin.handle({ action: 'setManual', centerCode: SUZHOU }, contextFor(store, { openid: 'sup', roles: [{ role: 'supervisor' }] }, new Date(), outside));
  // staff use the workbench only with a verified identity of their own
  await verifiedPerson(store, outside, 'staff-320500', new Date());
});
afterAll(() => store.close());

let serial = 0;
const me = (openid: string): Caller => ({ openid, roles: [] });
const call = (caller: Caller, event: unknown) => applications.handle(event, contextFor(store, caller, new Date(), outside));
async function submitted(businessCenter: string, type = 'certificate-loan-cleared'): Promise<{ id: string; openid: string }> {
  const openid = `cert-${++serial}`;
  await verifiedPerson(store, outside, openid, new Date());
  const result = await call(me(openid), { action: 'submit', type, requestId: `req-cert-${serial}`, payload: { businessCenter, acceptingCenter: BEIJING, phone: '13912345678' } });
  if (!result.ok) throw new Error(result.message);
  return { id: (result.data as { id: string }).id, openid };
}
const view = async (openid: string, id: string) => (await call(me(openid), { action: 'get', id })) as { ok: true; data: ApplicationView };

function callback(data: Record<string, unknown>) {
  const body = JSON.stringify({ type: 'application.status', data });
  const id = `msg_cert_${++serial}`;
  const at = new Date();
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
  return handleCallbackHttp({ path: `/callbacks/${YANGZHOU}`, httpMethod: 'POST', headers, body }, contextFor(store, undefined, new Date(), outside));
}
const pdfDocument = (bytes = PDF, contentType = 'application/pdf') => ({ name: '贷款结清证明.pdf', contentType, sha256: sha(bytes), contentBase64: bytes.toString('base64') });

describe('a certificate handled 代收代办', () => {
  it('goes to the business-locale center, with a copy to the accepting center', async () => {
    const { id, openid } = await submitted(YANGZHOU);
    const outbox = await store.outbox.listForApplication(id);
    expect(outbox.map((o) => [o.centerCode, o.type]).sort()).toEqual([[BEIJING, 'application.copy'], [YANGZHOU, 'application.submitted']]);
    const { data } = await view(openid, id);
    expect(data).toMatchObject({ type: 'certificate-loan-cleared', status: 'submitted', step: '提交', letterNumber: null });
    expect(data.centers.map((c) => [c.code, c.role])).toEqual([[YANGZHOU, 'business'], [BEIJING, 'accepting']]);
    expect(data.summary).toEqual(expect.arrayContaining([{ label: '手机号码', value: '139****5678' }, { label: '申请事项', value: '个人住房贷款全部还清证明' }]));
  });

  it('comes back as a PDF whose sha256 the employee gets, and the accepting center is told', async () => {
    const { id, openid } = await submitted(YANGZHOU, 'certificate-deposit-use');
    for (const status of ['accepted', 'processing']) expect((await callback({ applicationId: id, status })).statusCode).toBe(200);
    expect((await view(openid, id)).data).toMatchObject({ status: 'processing', step: '出具证明' });
    // completing needs the certificate, a real PDF
    expect(JSON.parse((await callback({ applicationId: id, status: 'completed' })).body)).toMatchObject({ fields: { 'data.documents': expect.any(String) } });
    const notPdf = Buffer.from('GIF89a not a pdf at all');
    expect((await callback({ applicationId: id, status: 'completed', documents: [pdfDocument(notPdf)] })).statusCode).toBe(400);
    expect(await store.applications.documents(id)).toEqual([]);
    expect((await callback({ applicationId: id, status: 'completed', documents: [pdfDocument()] })).statusCode).toBe(200);

    const { data } = await view(openid, id);
    expect(data).toMatchObject({ status: 'completed', step: '办结', canRate: true, documents: [{ name: '贷款结清证明.pdf', contentType: 'application/pdf', sha256: sha(PDF) }] });
    expect(data.events.map((e) => e.step)).toEqual(['提交', '受理', '出具证明', '办结']);
    const fetched = await call(me(openid), { action: 'document', id, documentId: data.documents[0].id });
    expect(fetched).toMatchObject({ ok: true, data: { sha256: sha(PDF), contentType: 'application/pdf', size: PDF.length } });
    const served = await files.download((fetched as { data: FileLink }).data.url.slice(DOWNLOAD_PATH.length), openid, new Date());
    expect(served.status === 200 && sha(served.bytes)).toBe(sha(PDF));
    expect(await call(me('someone-else'), { action: 'document', id, documentId: data.documents[0].id })).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
    const notices = (await store.outbox.listForApplication(id)).filter((o) => o.type === 'application.completed');
    expect(notices.map((o) => o.centerCode)).toEqual([BEIJING]);
  });

  it('refuses platform codes and unknown statuses, and a move out of order', async () => {
    const { id } = await submitted(YANGZHOU);
    expect(JSON.parse((await callback({ applicationId: id, status: '01' })).body)).toMatchObject({ code: 'VALIDATION_FAILED', fields: { 'data.status': expect.stringContaining('accepted') } });
    expect((await callback({ applicationId: id, status: 'processing' })).statusCode).toBe(422);
    expect((await callback({ applicationId: id, status: 'rejected', message: '该职工在本中心无贷款记录' })).statusCode).toBe(200);
    expect((await store.applications.get(id))?.status).toBe('rejected');
  });

  it('is completed in the workbench by a center without an API, with the PDF uploaded there', async () => {
    const { id, openid } = await submitted(SUZHOU);
    const staff: Caller = { openid: 'staff-320500', roles: [{ role: 'center-staff', centerCode: SUZHOU }] };
    const bench = (event: unknown) => workbench.handle(event, contextFor(store, staff, new Date(), outside));
    expect(await bench({ action: 'get', id })).toMatchObject({ ok: true, data: { nextCodes: [], nextStatuses: ['accepted', 'failed'] } });
    expect(await bench({ action: 'advance', id, code: '01' })).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    expect(await bench({ action: 'setStatus', id, status: 'accepted' })).toMatchObject({ ok: true, data: { status: 'accepted' } });
    expect(await bench({ action: 'setStatus', id, status: 'completed' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { document: expect.any(String) } });
    // the file travels through storage, never inside the call
    expect(await bench({ action: 'setStatus', id, status: 'completed', document: { name: '证明.pdf', contentBase64: PDF.toString('base64') } })).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
      fields: { 'document.fileId': '证明文件未上传成功，请重新选择' },
    });
    expect(await bench({ action: 'setStatus', id, status: 'completed', document: { name: '证明.pdf', fileId: 'uploads/abcdefghijklmnopqrstuvwx' } })).toMatchObject({
      ok: false,
      fields: { 'document.fileId': '证明文件未上传成功，请重新选择' },
    });
    const text = await uploadOf(files, Buffer.from('just text'));
    expect(await bench({ action: 'setStatus', id, status: 'completed', document: { name: 'x.pdf', fileId: text } })).toMatchObject({ ok: false, fields: { document: '文件内容不是 PDF' } });
    expect(await store.applications.documents(id)).toEqual([]);
    const upload = await uploadOf(files, PDF);
    expect(await bench({ action: 'setStatus', id, status: 'completed', document: { name: '证明.pdf', fileId: upload } })).toMatchObject({ ok: true, data: { status: 'completed' } });
    expect((await view(openid, id)).data.documents).toEqual([expect.objectContaining({ name: '证明.pdf', sha256: sha(PDF) })]);
    // sealed with the application, the upload removed
    await expect(files.get(upload)).rejects.toThrow();
    const [stored] = await store.applications.documents(id);
    expect((await files.get(stored.storageKey)).includes(PDF.subarray(0, 64))).toBe(false);
  });

  it('keeps the upload of a certificate whose completion is refused, so staff can try again', async () => {
    const { id } = await submitted(SUZHOU);
    const staff: Caller = { openid: 'staff-320500', roles: [{ role: 'center-staff', centerCode: SUZHOU }] };
    const bench = (event: unknown) => workbench.handle(event, contextFor(store, staff, new Date(), outside));
    const upload = await uploadOf(files, PDF);
    expect(await bench({ action: 'setStatus', id, status: 'completed', document: { name: '证明.pdf', fileId: upload } })).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    expect(await files.get(upload)).toEqual(PDF);
  });
});
