import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { handleCallbackHttp } from '../../cloudfunctions/callbacks';
import { openBytes, seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { newSecret } from '../../cloudfunctions/_lib/delivery/signing';
import { submitApplication } from '../../cloudfunctions/_lib/applications/submit';
import { getApplication } from '../../cloudfunctions/_lib/applications/views';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { pdfOf } from '../support/files';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

jest.setTimeout(30_000);

const YANGZHOU = '321000';
const secret = newSecret();
const oldSecret = newSecret();
let store: Store;
let outside: ReturnType<typeof testOutside>;

beforeAll(async () => {
  store = await catalogStore();
  outside = testOutside();
  // a rotation in progress: both secrets are accepted
  await store.endpoints.put({
    centerCode: YANGZHOU,
    mode: 'api',
    url: 'https://gjj.example.cn/hook',
    secretsSealed: [secret, oldSecret].map((s) => seal(outside.keyring(), sealedAs.endpointSecret(YANGZHOU), s)),
    updatedAt: new Date(),
  });
});
afterAll(() => store.close());

let serial = 0;
async function application(): Promise<{ id: string; openid: string }> {
  const openid = `cb-${++serial}`;
  const now = new Date();
  await verifiedPerson(store, outside, openid, now);
  const ctx = { ...contextFor(store, { openid, roles: [] }, now, outside), now };
  const { id } = await submitApplication(ctx, openid, { type: 'transfer', requestId: `req-cb-${serial}-x`, payload: {
    transferOutCenter: '110000',
    transferInCenter: YANGZHOU,
    formerEmployer: '北京某某科技有限公司',
    newEmployer: '扬州某某制造有限公司',
    newAccount: '3210098765',
    phone: '13912345678',
  } });
  return { id, openid };
}

let webhookSerial = 0;
interface Signing {
  with?: string;
  id?: string;
  at?: Date;
  centerCode?: string;
}
function callback(data: Record<string, unknown>, signing: Signing = {}) {
  const body = JSON.stringify({ type: 'application.status', timestamp: new Date().toISOString(), data });
  const id = signing.id ?? `msg_cb_${++webhookSerial}`;
  const at = signing.at ?? new Date();
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(signing.with ?? secret).sign(id, at, body), 'content-type': 'application/json' };
  return handleCallbackHttp({ path: `/callbacks/${signing.centerCode ?? YANGZHOU}`, httpMethod: 'POST', headers, body }, contextFor(store, undefined, new Date(), outside));
}
const answerOf = (r: { statusCode: number; body: string }) => ({ status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> });
const state = async (id: string) => {
  const app = await store.applications.get(id);
  return { status: app?.status, platformCode: app?.platformCode, events: (await store.applications.events(id)).length };
};

describe('center callbacks', () => {
  it('applies a signed status once, logs it as the center, and tells the employee', async () => {
    const { id, openid } = await application();
    const first = answerOf(await callback({ applicationId: id, status: '01', message: '联系函已复核' }, { id: 'msg_once' }));
    expect(first).toEqual({ status: 200, body: { ok: true, data: { changed: true } } });
    expect(await state(id)).toMatchObject({ status: 'accepted', platformCode: '01', events: 2 });
    const [, event] = await store.applications.events(id);
    expect(event).toMatchObject({ actor: 'center', actorId: YANGZHOU, from: 'submitted', to: 'accepted', message: '联系函已复核' });
    expect(outside.simulator.sentMessages().filter((m) => m.touser === openid)).toEqual([
      expect.objectContaining({ templateId: 'sim-template-status', page: `pages/application/index?id=${id}`, data: expect.objectContaining({ phrase2: '已受理' }) }),
    ]);
    expect(answerOf(await callback({ applicationId: id, status: '01' }, { id: 'msg_once' }))).toEqual({ status: 200, body: { ok: true, data: { changed: false } } });
    expect(await state(id)).toMatchObject({ events: 2 });
  });

  it('makes one state change of 50 concurrent copies of one callback', async () => {
    const { id } = await application();
    const answers = await Promise.all(Array.from({ length: 50 }, () => callback({ applicationId: id, status: '01' }, { id: 'msg_fifty' })));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    expect(answers.filter((a) => (JSON.parse(a.body) as { data: { changed: boolean } }).data.changed)).toHaveLength(1);
    expect(await state(id)).toEqual({ status: 'accepted', platformCode: '01', events: 2 });
  });

  it('accepts the old secret during a rotation', async () => {
    const { id } = await application();
    expect(answerOf(await callback({ applicationId: id, status: '01' }, { with: oldSecret })).status).toBe(200);
    expect((await state(id)).status).toBe('accepted');
  });

  it('refuses a bad signature, a stale timestamp, an unknown center and a center without an endpoint, changing nothing', async () => {
    const { id } = await application();
    const before = await state(id);
    const refusals = [
      [await callback({ applicationId: id, status: '01' }, { with: newSecret() }), 401, 'BAD_SIGNATURE'],
      [await callback({ applicationId: id, status: '01' }, { at: new Date(Date.now() - 6 * 60_000) }), 401, 'BAD_SIGNATURE'],
      [await callback({ applicationId: id, status: '01' }, { at: new Date(Date.now() + 6 * 60_000) }), 401, 'BAD_SIGNATURE'],
      [await callback({ applicationId: id, status: '01' }, { centerCode: '999999' }), 404, 'CENTER_NOT_FOUND'],
      [await callback({ applicationId: id, status: '01' }, { centerCode: '110000' }), 404, 'CENTER_NOT_FOUND'],
      [await callback({ applicationId: id, status: '01' }, { centerCode: '../admin' }), 404, 'CENTER_NOT_FOUND'],
    ] as const;
    for (const [response, status, code] of refusals) expect(answerOf(response)).toMatchObject({ status, body: { ok: false, code } });
    expect(await state(id)).toEqual(before);
  });

  it('refuses with 401 an unsigned callback whose body or webhook-id holds a NUL, reading nothing of them before the signature', async () => {
    const { id } = await application();
    const before = await state(id);
    const unsigned = (body: string, headers: Record<string, string> = {}) =>
      handleCallbackHttp({ path: `/callbacks/${YANGZHOU}`, httpMethod: 'POST', headers, body }, contextFor(store, undefined, new Date(), outside));
    // \u0000 is a legal JSON escape: anyone can send it; PostgreSQL refuses it in text
    expect(answerOf(await unsigned('{"data":{"applicationId":"\\u0000"}}'))).toMatchObject({ status: 401, body: { ok: false, code: 'BAD_SIGNATURE' } });
    expect(answerOf(await unsigned(JSON.stringify({ data: { applicationId: `${id}\u0000` } })))).toMatchObject({ status: 401, body: { ok: false, code: 'BAD_SIGNATURE' } });
    expect(answerOf(await unsigned(JSON.stringify({ data: { applicationId: id } }), { 'webhook-id': 'msg_a\u0000b' }))).toMatchObject({ status: 401, body: { ok: false, code: 'BAD_SIGNATURE' } });
    expect(await state(id)).toEqual(before);
    expect(await store.applications.hasReceipt(YANGZHOU, 'msg_a')).toBe(false);
  });

  it('refuses with 400 a well-signed callback whose webhook-id is not 1–256 printable characters, changing nothing', async () => {
    const { id } = await application();
    const before = await state(id);
    expect(answerOf(await callback({ applicationId: id, status: '01' }, { id: 'msg_a\u0000b' }))).toMatchObject({ status: 400, body: { ok: false, code: 'VALIDATION_FAILED', fields: { 'webhook-id': expect.any(String) } } });
    expect(answerOf(await callback({ applicationId: id, status: '01' }, { id: 'msg a' }))).toMatchObject({ status: 400, body: { ok: false, code: 'VALIDATION_FAILED' } });
    expect(await state(id)).toEqual(before);
  });

  it('answers 422 to a move the state machine refuses, and 400 naming the field to a bad body', async () => {
    const { id } = await application();
    const before = await state(id);
    expect(answerOf(await callback({ applicationId: id, status: '00' }))).toMatchObject({ status: 422, body: { ok: false, code: 'ILLEGAL_TRANSITION', message: expect.stringContaining('00 正常办结') } });
    expect(answerOf(await callback({ applicationId: id, status: '99' }))).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', fields: { 'data.status': expect.any(String) } } });
    expect(answerOf(await callback({ applicationId: 'NOT AN ID', status: '01' }))).toMatchObject({ status: 400, body: { fields: { 'data.applicationId': expect.any(String) } } });
    expect(answerOf(await callback({ applicationId: 'zzzzzzzzzzzzzzzzzzzz', status: '01' }))).toMatchObject({ status: 404, body: { code: 'APPLICATION_NOT_FOUND' } });
    expect(await state(id)).toEqual(before);
  });

  it('stores the documents a center sends with their sha256, and refuses one whose content does not match', async () => {
    const { id, openid } = await application();
    const pdf = pdfOf('Contact letter');
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const doc = { name: '联系函.pdf', contentType: 'application/pdf', sha256, contentBase64: pdf.toString('base64') };
    expect(answerOf(await callback({ applicationId: id, status: '01', documents: [{ ...doc, sha256: 'f'.repeat(64) }] }))).toMatchObject({
      status: 400,
      body: { fields: { 'data.documents.0.sha256': expect.any(String) } },
    });
    expect(await store.applications.documents(id)).toEqual([]);
    expect(answerOf(await callback({ applicationId: id, status: '01', documents: [doc] })).status).toBe(200);
    const [stored] = await store.applications.documents(id);
    expect(stored).toMatchObject({ name: '联系函.pdf', sha256, size: pdf.length });
    // sealed at rest, opened only for the application's own record
    const opened = openBytes(outside.keyring(), sealedAs.document(id, stored.id), await outside.files().get(stored.storageKey));
    expect(createHash('sha256').update(opened).digest('hex')).toBe(sha256);
    const view = await getApplication({ ...contextFor(store, undefined, new Date(), outside), now: new Date() }, openid, id);
    expect(view.documents).toEqual([expect.objectContaining({ name: '联系函.pdf', sha256 })]);
  });
});
