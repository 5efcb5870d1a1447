import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { handler as applications } from '../../cloudfunctions/applications';
import { handleCallbackHttp } from '../../cloudfunctions/callbacks';
import { handler as workbench } from '../../cloudfunctions/workbench';
import { submitApplication } from '../../cloudfunctions/_lib/applications/submit';
import { readCallback } from '../../cloudfunctions/_lib/centers/conformance-callbacks';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { createOutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { newSecret } from '../../cloudfunctions/_lib/delivery/signing';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { relayDue } from '../../cloudfunctions/_lib/services/relay';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import type { ApplicationView, TimelineEntry, TransferFormValues, WorkbenchView } from '../../src/core/applications/views';
import { COMMON_REFUSALS, SIM_CONTACT } from '../../tools/center-sim/callbacks';
import { startCenterSim, type CenterSim } from '../../tools/center-sim/server';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';
import { until } from '../support/until';

/**
 * Transfer refusals that say why and whom to call (issue 18 point 2): the reason and contact a center sends with a
 * status, through the simulator and the platform's callbacks function, kept with the event and shown on the timeline;
 * the subscribe message naming the step and the reason; the conformance suite's reading of their form; staff giving
 * them in the workbench; the form of a refused case answered to its owner to apply again.
 */
jest.setTimeout(90_000);

const YANGZHOU = '321000';
const NANJING = '320100';
const secret = newSecret();

let store: Store;
let sim: CenterSim;
let outside: ReturnType<typeof testOutside>;
let platform: Server;
let platformOrigin: string;

beforeAll(async () => {
  store = await catalogStore();
  platform = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const answer = await handleCallbackHttp({ path: req.url ?? '', httpMethod: req.method ?? 'POST', headers, body }, contextFor(store, undefined, new Date(), outside));
      res.writeHead(answer.statusCode, answer.headers).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
  platformOrigin = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;
  sim = await startCenterSim({ secretFor: () => secret, platformOrigin, callbackDelayMs: 30 });
  const outbound = createOutboundClient({ allow: new Set([new URL(sim.origin).host]), allowCa: sim.tls.cert, timeoutMs: 5_000 });
  outside = testOutside({ outbound: () => outbound, callbackBase: () => platformOrigin });
  const secretsSealed = [seal(outside.keyring(), sealedAs.endpointSecret(YANGZHOU), secret)];
  await store.endpoints.put({ centerCode: YANGZHOU, mode: 'api', url: sim.endpointFor(YANGZHOU), secretsSealed, updatedAt: new Date() });
});
afterAll(async () => {
  await outside.outbound().close();
  await sim.close();
  await new Promise((resolve) => platform.close(resolve));
  await store.close();
});

let serial = 0;
const FORM = { transferOutCenter: NANJING, transferInCenter: YANGZHOU, formerEmployer: '南京某某科技有限公司', formerAccount: 'NJ-0012345', newEmployer: '扬州某某制造有限公司', newAccount: '3210098765', phone: '13912345678' };
/** A fresh verified person's transfer from Nanjing to Yangzhou, submitted now; answers the person and the id. */
async function transfer(formerEmployer = FORM.formerEmployer): Promise<{ openid: string; id: string }> {
  const openid = `refused-${++serial}`;
  const now = new Date();
  await verifiedPerson(store, outside, openid, now);
  const { id } = await submitApplication({ ...contextFor(store, { openid, roles: [] }, now, outside), now }, openid, { type: 'transfer', requestId: `req-refused-${serial}`, payload: { ...FORM, formerEmployer } });
  return { openid, id };
}
const view = async (openid: string, id: string): Promise<ApplicationView> => {
  const got = await applications.handle({ action: 'get', id }, contextFor(store, { openid, roles: [] }, new Date(), outside));
  if (!got.ok) throw new Error(got.message);
  return got.data as ApplicationView;
};
const line = (events: readonly TimelineEntry[], code: string) => events.find((e) => e.platformCode === code);

describe('a refusal through the simulator', () => {
  it('carries the reason and the transfer-out center’s contact from the center to the timeline at 13 and 40, none on the steps without', async () => {
    const { openid, id } = await transfer('南京某某科技有限公司（未封存）');
    expect(await relayDue(contextFor(store, undefined, new Date(), outside))).toMatchObject({ delivered: 1 });
    await until('the failed end', async () => ((await store.applications.get(id))?.platformCode === '40' ? true : undefined), 30_000, 100);
    const { events, status } = await view(openid, id);
    expect(status).toBe('failed');
    expect(line(events, '13')).toMatchObject({ reason: COMMON_REFUSALS.notSealed, contact: SIM_CONTACT });
    expect(line(events, '40')).toMatchObject({ reason: COMMON_REFUSALS.notSealed, contact: SIM_CONTACT, message: '转出地中心审核不通过，转移接续失败办结' });
    expect(line(events, '01')).not.toHaveProperty('reason');
    expect(line(events, '02')).not.toHaveProperty('contact');
    // the callbacks the simulator sent carried them, each taken by the platform
    const sent = await until('the simulator’s record of its last callback', async () => {
      const log = sim.received.find((r) => r.applicationId === id)?.callbacks ?? [];
      return log.length === 4 && log[3].httpStatus !== null ? log : undefined;
    }, 10_000, 50);
    expect(sent.map((c) => [c.status, c.httpStatus])).toEqual([['01', 200], ['02', 200], ['13', 200], ['40', 200]]);
  });

  it('sends a subscribe message for each status naming the step, and on a refusal the reason, within WeChat’s lengths', async () => {
    const { id } = await transfer('扬州测试（未封存）有限公司');
    await relayDue(contextFor(store, undefined, new Date(), outside));
    await until('the failed end', async () => ((await store.applications.get(id))?.platformCode === '40' ? true : undefined), 30_000, 100);
    const sent = outside.simulator.sentMessages().filter((m) => m.page === `pages/application/index?id=${id}`).map((m) => m.data);
    expect(sent.map((d) => [d.thing1, d.phrase2])).toEqual([
      ['异地转移接续：联系函复核通过', '已受理'],
      ['异地转移接续：联系函确认接收', '办理中'],
      ['异地转移接续：转出审核不通过', '未通过'],
      ['异地转移接续：失败办结', '办理失败'],
    ]);
    expect(sent[2].thing4).toBe('原因：原单位未办理封存：原单位尚未为您…');
    expect(sent[3].thing4).toBe(sent[2].thing4);
    for (const d of sent) {
      expect(Array.from(d.thing1).length).toBeLessThanOrEqual(20);
      expect(Array.from(d.thing4).length).toBeLessThanOrEqual(20);
      expect(Array.from(d.phrase2).length).toBeLessThanOrEqual(5);
    }
  });

  it('refuses a callback whose contact is not of the contract’s form with 400 naming the field, and changes nothing', async () => {
    const { openid, id } = await transfer();
    const body = JSON.stringify({ type: 'application.status', timestamp: new Date().toISOString(), data: { applicationId: id, status: '01', reason: '受理', contact: { name: '王敏', phone: '电话 12329' } } });
    const now = new Date();
    const webhookId = `msg_contact_${serial}`;
    const headers = { 'content-type': 'application/json', 'webhook-id': webhookId, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(webhookId, now, body) };
    const response = await fetch(`${platformOrigin}/callbacks/${YANGZHOU}`, { method: 'POST', headers, body });
    expect(response.status).toBe(400);
    expect((await response.json()) as unknown).toMatchObject({ ok: false, fields: { 'data.contact.phone': expect.stringContaining('联系电话') } });
    expect((await view(openid, id)).events.map((e) => e.status)).toEqual(['submitted']);
  });
});

describe('the conformance suite’s reading of a callback', () => {
  const signed = (data: object) => {
    const body = JSON.stringify({ type: 'application.status', timestamp: new Date().toISOString(), data: { applicationId: 'conformance0000001', ...data } });
    const now = new Date();
    return { body, headers: { 'webhook-id': 'msg_c1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign('msg_c1', now, body) } };
  };
  const problemsOf = async (data: object) => {
    const { body, headers } = signed(data);
    return (await readCallback(secret, body, headers, new Date())).callback.problems;
  };

  it('finds nothing wrong with a refusal that gives its reason and contact', async () => {
    expect(await problemsOf({ status: '13', reason: COMMON_REFUSALS.loanOutstanding, contact: SIM_CONTACT })).toEqual([]);
  });

  it('names a refusal that says no reason, and a reason or contact off the contract’s form', async () => {
    expect(await problemsOf({ status: '40' })).toEqual([expect.stringMatching(/^data\.reason：状态 40 是不通过/)]);
    expect(await problemsOf({ status: 'rejected', message: '材料不全' })).toEqual([]);
    expect(await problemsOf({ status: '13', reason: 'x'.repeat(201), contact: { name: '', phone: '12' } })).toEqual([
      'data.reason：reason不超过 200 个字',
      'data.contact.name：请填写联系人',
      expect.stringMatching(/^data\.contact\.phone：联系电话应为 5–20 位数字/),
    ]);
  });
});

describe('staff in the workbench', () => {
  const staff: Caller = { openid: 'staff-yz-refusals', roles: [{ role: 'center-staff', centerCode: YANGZHOU }] };

  it('give a reason and a contact with a code as a center’s callback does, and the person sees them on that step', async () => {
    await store.endpoints.put({ centerCode: YANGZHOU, mode: 'manual', url: null, secretsSealed: [], updatedAt: new Date() });
    try {
      await verifiedPerson(store, outside, staff.openid, new Date(), '李四');
      const { openid, id } = await transfer();
      const ctx = contextFor(store, staff, new Date(), outside);
      for (const code of ['01', '02'] as const) expect((await workbench.handle({ action: 'advance', id, code }, ctx)).ok).toBe(true);
      const refused = await workbench.handle({ action: 'advance', id, code: '13', reason: COMMON_REFUSALS.identityMismatch, contact: { name: '转出业务科', phone: '025-12329' } }, ctx);
      expect(refused).toMatchObject({ ok: true, data: { platformCode: '13' } });
      expect(line((refused as { ok: true; data: WorkbenchView }).data.events, '13')).toMatchObject({ reason: COMMON_REFUSALS.identityMismatch, contact: { name: '转出业务科', phone: '025-12329' } });
      expect(line((await view(openid, id)).events, '13')).toMatchObject({ reason: COMMON_REFUSALS.identityMismatch, contact: { name: '转出业务科', phone: '025-12329' }, actor: 'staff' });
      const bad = await workbench.handle({ action: 'advance', id, code: '40', contact: { name: '转出业务科', phone: 'abc' } }, ctx);
      expect(bad).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { 'contact.phone': expect.stringContaining('联系电话') } });
    } finally {
      const secretsSealed = [seal(outside.keyring(), sealedAs.endpointSecret(YANGZHOU), secret)];
      await store.endpoints.put({ centerCode: YANGZHOU, mode: 'api', url: sim.endpointFor(YANGZHOU), secretsSealed, updatedAt: new Date() });
    }
  });
});

describe('applying again from a refused case', () => {
  it('answers the owner the form as they filled it in, with both centers named, and nobody else', async () => {
    const { openid, id } = await transfer();
    const got = await applications.handle({ action: 'formValues', id }, contextFor(store, { openid, roles: [] }, new Date(), outside));
    expect(got.ok).toBe(true);
    const values = (got as { ok: true; data: TransferFormValues }).data;
    expect(values).toEqual({
      transferOutCenter: expect.objectContaining({ code: NANJING, name: expect.stringContaining('南京') }),
      transferInCenter: expect.objectContaining({ code: YANGZHOU, name: expect.stringContaining('扬州') }),
      formerEmployer: FORM.formerEmployer,
      formerAccount: FORM.formerAccount,
      newEmployer: FORM.newEmployer,
      newAccount: FORM.newAccount,
      phone: FORM.phone,
    });
    const other = await applications.handle({ action: 'formValues', id }, contextFor(store, { openid: 'someone-else', roles: [] }, new Date(), outside));
    expect(other).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
  });
});
