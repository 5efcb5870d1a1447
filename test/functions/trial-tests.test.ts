import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handler as applications } from '../../cloudfunctions/applications';
import { handleCallbackHttp } from '../../cloudfunctions/callbacks';
import { handler as daily } from '../../cloudfunctions/centers-daily';
import { handler as supervise } from '../../cloudfunctions/supervise';
import { handler as trial } from '../../cloudfunctions/trial';
import { submitApplication } from '../../cloudfunctions/_lib/applications/submit';
import { TEST_DOC_NUMBER, TEST_NAME } from '../../cloudfunctions/_lib/applications/synthetic';
import { open, seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { createOutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { newSecret } from '../../cloudfunctions/_lib/delivery/signing';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { relayDue } from '../../cloudfunctions/_lib/services/relay';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { testStates } from '../../cloudfunctions/_lib/trial/test-applications';
import type { ApplicationListEntry, ApplicationView } from '../../src/core/applications/views';
import type { DashboardAnswer, MonthlyAnswer } from '../../src/core/supervision';
import type { FindingsAnswer, TestApplicationAnswer } from '../../src/core/trial';
import { shanghaiDate } from '../../src/core/time';
import { startCenterSim, type CenterSim } from '../../tools/center-sim/server';
import { catalogStore, contextFor, dataOf, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';
import { until } from '../support/until';

/**
 * The trial's test applications end to end (issue 15): a tester sends a center of their province a test case through
 * the normal submit path; the relay delivers it to the center simulator over loopback HTTPS with `test: true`; the
 * simulator calls back to the platform's callbacks function, or leaves the case unanswered; the case is accepted in
 * time, or late, and then the daily timer opens a finding, once. Test cases never count in the supervisors' figures.
 */
jest.setTimeout(90_000);

const YANGZHOU = '321000'; // accepts in time
const XUZHOU = '320300'; // accepts, but after the limit
const SUZHOU = '320500'; // leaves its cases unanswered
const CHANGZHOU = '320400'; // two centers tested at once, with Nantong
const NANTONG = '320600';
const LIANYUNGANG = '320700'; // the figures: unanswered, test cases beside real ones
const WUXI = '320200'; // neither an endpoint nor live: cannot receive a case
const HUAIAN = '320800'; // leaves its case unanswered: sent again once late
const YANCHENG = '320900'; // refuses a certificate: sent again
const BEIJING = '110000'; // another province: the other center of every test case (it takes the certificates' copies)
const API_CENTERS = [YANGZHOU, XUZHOU, SUZHOU, CHANGZHOU, NANTONG, LIANYUNGANG, HUAIAN, YANCHENG, BEIJING];
/** Wednesday before National Day: its 3 working days run over the holiday to the make-up working Saturday 2026-10-10. */
const BEFORE_HOLIDAY = new Date('2026-09-30T10:00:00+08:00');

const secret = newSecret();
const tester: Caller = { openid: 'tester-js', roles: [{ role: 'tester', province: '320000' }] };
const jiangsu: Caller = { openid: 'sv-jiangsu', roles: [{ role: 'provincial-supervisor', province: '320000' }] };

let store: Store;
let sim: CenterSim;
let outside: ReturnType<typeof testOutside>;
let platform: Server;

/** The platform's callbacks function on loopback HTTP, where the simulator calls back and fetches a delivery's attachments. */
async function startPlatform(): Promise<string> {
  platform = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const answer = await handleCallbackHttp({ path: req.url ?? '', httpMethod: req.method ?? 'POST', headers, body }, contextFor(store, undefined, new Date(), outside));
      res.writeHead(answer.statusCode, answer.headers).end(answer.isBase64Encoded ? Buffer.from(answer.body, 'base64') : answer.body);
    });
  });
  await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  store = await catalogStore();
  const platformOrigin = await startPlatform();
  sim = await startCenterSim({ secretFor: () => secret, platformOrigin, callbackDelayMs: 50 });
  const outbound = createOutboundClient({ allow: new Set([new URL(sim.origin).host]), allowCa: sim.tls.cert, timeoutMs: 5_000 });
  outside = testOutside({ outbound: () => outbound, callbackBase: () => platformOrigin });
  for (const centerCode of API_CENTERS) {
    const secretsSealed = [seal(outside.keyring(), sealedAs.endpointSecret(centerCode), secret)];
    await store.endpoints.put({ centerCode, mode: 'api', url: sim.endpointFor(centerCode), secretsSealed, updatedAt: new Date() });
  }
  for (const centerCode of [SUZHOU, LIANYUNGANG, HUAIAN]) sim.setUnanswered(centerCode, true);
});
afterAll(async () => {
  await outside.outbound().close();
  await sim.close();
  await new Promise((resolve) => platform.close(resolve));
  await store.close();
});

const ctxAt = (caller: Caller | undefined, now: Date) => contextFor(store, caller, now, outside);
async function send(centerCode: string, now = new Date(), caller = tester, type?: 'certificate-loan-cleared' | 'purchase-withdrawal'): Promise<TestApplicationAnswer> {
  const event = type ? { action: 'testApplication', centerCode, type } : { action: 'testTransfer', centerCode };
  return dataOf<TestApplicationAnswer>(await trial.handle(event, ctxAt(caller, now)));
}
/** Delivers everything due now (signed with the wall clock the simulator checks). */
const relay = () => relayDue(ctxAt(undefined, new Date()));
const statusOf = async (id: string) => (await store.applications.get(id))?.status;
const stateAt = async (centerCode: string, now: Date, type: 'transfer' | 'certificate-loan-cleared' | 'purchase-withdrawal' = 'transfer') =>
  (await testStates({ store, outside, log: ctxAt(undefined, now).log, now }, [centerCode])).get(centerCode)?.get(type);

describe('a test transfer', () => {
  it('is accepted in time through the simulator: delivered with test: true for the synthetic applicant, called back 01, state accepted', async () => {
    const sent = await send(YANGZHOU);
    expect(sent).toMatchObject({ state: 'waiting', acceptBy: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    const app = await store.applications.get(sent.applicationId);
    expect(app).toMatchObject({ test: true, type: 'transfer', openid: tester.openid, centers: [{ code: YANGZHOU, role: 'transfer-in' }, { code: BEIJING, role: 'transfer-out' }] });
    // sealed like any application: the synthetic person, bound to the tester's openid
    expect(open(outside.keyring(), sealedAs.name(tester.openid), app!.applicant.nameSealed)).toBe(TEST_NAME);
    expect(open(outside.keyring(), sealedAs.docNumber(tester.openid), app!.applicant.docNumberSealed)).toBe(TEST_DOC_NUMBER);
    expect(await relay()).toMatchObject({ delivered: 1 });
    const received = sim.received.filter((r) => r.applicationId === sent.applicationId);
    expect(received).toEqual([expect.objectContaining({ type: 'application.submitted', test: true, verified: true, answer: 200, problems: [], applicantMasked: '****人', docNumberMasked: `1${'*'.repeat(16)}2` })]);
    await until('the center’s acceptance', async () => ((await statusOf(sent.applicationId)) === 'delivered' || (await statusOf(sent.applicationId)) === 'submitted' ? undefined : true), 30_000, 100);
    expect(await stateAt(YANGZHOU, new Date())).toMatchObject({ applicationId: sent.applicationId, state: 'accepted', acceptBy: sent.acceptBy, acceptedAt: expect.any(String) });
    // the tester follows it in 我的申请 as 测试, and cannot rate it
    const list = await applications.handle({ action: 'list' }, ctxAt(tester, new Date()));
    expect((list as { ok: true; data: ApplicationListEntry[] }).data.find((e) => e.id === sent.applicationId)).toMatchObject({ test: true });
    const view = await applications.handle({ action: 'get', id: sent.applicationId }, ctxAt(tester, new Date()));
    expect((view as { ok: true; data: ApplicationView }).data).toMatchObject({ test: true, canRate: false });
    // and no subscribe message goes to anyone about it
    expect(outside.simulator.sentMessages().filter((m) => m.page?.includes(sent.applicationId))).toEqual([]);
  });

  it('is late when the center accepts it after its limit, counted on the official calendar across the National Day holiday', async () => {
    const sent = await send(XUZHOU, BEFORE_HOLIDAY);
    // Wednesday 09-30 + 3 working days: 10-01 to 10-07 are the holiday, 10-08 and 10-09, then the make-up Saturday
    expect(sent).toEqual({ applicationId: sent.applicationId, acceptBy: '2026-10-10', state: 'waiting' });
    expect(await relay()).toMatchObject({ delivered: 1 });
    await until('the center’s acceptance', async () => ((await statusOf(sent.applicationId)) === 'delivered' ? undefined : true), 30_000, 100);
    expect(await stateAt(XUZHOU, new Date())).toMatchObject({ state: 'late', acceptedAt: expect.any(String) });
  });

  it('is late when not accepted by its limit, and the daily timer then opens one finding, once', async () => {
    const sent = await send(SUZHOU, BEFORE_HOLIDAY);
    expect(sent.acceptBy).toBe('2026-10-10');
    expect(await relay()).toMatchObject({ delivered: 1 });
    // the simulator took it (200) and never answers
    expect(sim.received.filter((r) => r.applicationId === sent.applicationId)).toEqual([expect.objectContaining({ test: true, answer: 200, callbacks: [] })]);
    expect(await statusOf(sent.applicationId)).toBe('delivered');
    const timer = (at: string) => daily.handle({}, contextFor(store, undefined, new Date(at), outside, 'timer'));
    const findings = async () => ((await trial.handle({ action: 'findings' }, ctxAt(tester, new Date('2026-10-12T09:00:00+08:00')))) as { ok: true; data: FindingsAnswer }).data.items;
    // on the limit's own day (a make-up working Saturday) it is still in time
    expect(await timer('2026-10-10T09:00:00+08:00')).toMatchObject({ ok: true });
    expect(await stateAt(SUZHOU, new Date('2026-10-10T23:00:00+08:00'))).toMatchObject({ state: 'waiting' });
    expect((await findings()).filter((f) => f.centerCode === SUZHOU)).toEqual([]);
    // the day after, late: one finding on the transfer check, for the center to fix
    expect(await timer('2026-10-11T09:00:00+08:00')).toMatchObject({ ok: true });
    expect(await stateAt(SUZHOU, new Date('2026-10-11T09:00:00+08:00'))).toMatchObject({ state: 'late', acceptedAt: null });
    const opened = (await findings()).filter((f) => f.centerCode === SUZHOU);
    expect(opened).toEqual([expect.objectContaining({ check: 'transfer', owner: 'center', status: 'open', seen: expect.stringContaining('未在 3 个工作日内受理') })]);
    // the accepted-late case of Xuzhou was accepted: no finding from the timer
    expect((await findings()).filter((f) => f.centerCode === XUZHOU)).toEqual([]);
    // once: the next days add nothing to it
    await timer('2026-10-12T09:00:00+08:00');
    const again = (await findings()).filter((f) => f.centerCode === SUZHOU);
    expect(again).toHaveLength(1);
    expect(again[0].history).toHaveLength(opened[0].history.length);
  });

  it('goes to two centers at once, and blocks neither another center’s test nor the tester’s own real transfer; a second to the same center waits', async () => {
    const [changzhou, nantong] = await Promise.all([send(CHANGZHOU), send(NANTONG)]);
    expect(changzhou.applicationId).not.toBe(nantong.applicationId);
    expect(await relay()).toMatchObject({ delivered: 2 });
    expect(sim.received.filter((r) => [changzhou.applicationId, nantong.applicationId].includes(r.applicationId ?? '')).map((r) => [r.centerCode, r.test]).sort()).toEqual([
      [CHANGZHOU, true],
      [NANTONG, true],
    ]);
    // the tester's own transfer from Beijing, the test cases' other center, is a real case of their own
    await verifiedPerson(store, outside, tester.openid, new Date());
    const own = await submitApplication({ ...ctxAt(tester, new Date()), now: new Date() }, tester.openid, {
      type: 'transfer',
      requestId: 'req-tester-own-1',
      payload: { transferOutCenter: BEIJING, transferInCenter: CHANGZHOU, formerEmployer: '北京某某科技有限公司', newEmployer: '常州某某制造有限公司', newAccount: '3204098765', phone: '13912345678' },
    });
    expect(await store.applications.get(own.id)).toMatchObject({ test: false });
    // the test case's contact letter is numbered in its own sequence, marked T: the center's official one starts with the real transfer
    const today = shanghaiDate(new Date()).replaceAll('-', '').slice(2);
    expect((await store.applications.get(changzhou.applicationId))?.letterNumber).toBe(`T${CHANGZHOU}${today}0001`);
    expect((await store.applications.get(own.id))?.letterNumber).toBe(`${CHANGZHOU}${today}0001`);
    const again = await trial.handle({ action: 'testTransfer', centerCode: NANTONG }, ctxAt(tester, new Date()));
    expect(again).toMatchObject({ ok: false, code: 'APPLICATION_IN_FLIGHT', fields: { centerCode: expect.any(String) } });
    expect(await relay()).toMatchObject({ delivered: 1 });
    expect(sim.received.find((r) => r.applicationId === own.id)).toMatchObject({ test: false, problems: [] });
  });

  it('is refused outside the tester’s province, to anyone but a tester, and to a center that can receive no case; nothing is stored', async () => {
    const before = (await store.applications.listByApplicant(tester.openid)).length;
    expect(await trial.handle({ action: 'testTransfer', centerCode: BEIJING }, ctxAt(tester, new Date()))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await trial.handle({ action: 'testTransfer', centerCode: YANGZHOU }, ctxAt({ openid: 'someone', roles: [] }, new Date()))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const wuxi = await trial.handle({ action: 'testTransfer', centerCode: WUXI }, ctxAt(tester, new Date()));
    expect(wuxi).toMatchObject({ ok: false, code: 'ENDPOINT_NOT_SET', message: expect.stringContaining('无锡市住房公积金管理中心'), fields: { centerCode: expect.any(String) } });
    expect(await trial.handle({ action: 'testApplication', centerCode: YANGZHOU, type: 'loan' }, ctxAt(tester, new Date()))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { type: expect.any(String) } });
    expect(await store.applications.listByApplicant(tester.openid)).toHaveLength(before);
    expect(await store.applications.listByApplicant('someone')).toEqual([]);
  });
});

describe('optional test applications', () => {
  it('sends a certificate and a purchase withdrawal with its synthetic contract and invoice to the tested center only, each marked test', async () => {
    const certificate = await send(YANGZHOU, new Date(), tester, 'certificate-loan-cleared');
    const purchase = await send(YANGZHOU, new Date(), tester, 'purchase-withdrawal');
    // the certificate to its business center, the purchase withdrawal to the purchase center: no copy to Beijing, a real center
    expect(await relay()).toMatchObject({ delivered: 2 });
    const [cert] = sim.received.filter((r) => r.applicationId === certificate.applicationId && r.type === 'application.submitted');
    expect(cert).toMatchObject({ applicationType: 'certificate-loan-cleared', role: 'business', test: true, problems: [] });
    const [pw] = sim.received.filter((r) => r.applicationId === purchase.applicationId);
    expect(pw).toMatchObject({ applicationType: 'purchase-withdrawal', role: 'purchase', test: true, problems: [] });
    expect(pw.attachments?.map((a) => [a.kind, a.contentType])).toEqual([['contract', 'application/pdf'], ['invoice', 'image/jpeg']]);
    // the simulator issues the certificate: completed, and the test case reads accepted
    await until('the certificate', async () => ((await statusOf(certificate.applicationId)) === 'completed' ? true : undefined), 30_000, 100);
    // the purchase center verifies the purchase: the test ends there, completed by the platform, handed over to no one
    await until('the verification', async () => ((await statusOf(purchase.applicationId)) === 'completed' ? true : undefined), 30_000, 100);
    expect(await store.applications.get(purchase.applicationId)).toMatchObject({ responsibleCenter: YANGZHOU, payment: null, inFlightKey: null });
    expect((await store.applications.events(purchase.applicationId)).at(-1)).toMatchObject({ from: 'accepted', to: 'completed', message: '测试申请：购房地中心已核验，测试结束' });
    expect(await stateAt(YANGZHOU, new Date(), 'purchase-withdrawal')).toMatchObject({ applicationId: purchase.applicationId, state: 'accepted' });
    // nothing more to deliver: no completion notice, no hand-over; Beijing never had either case
    expect(await relay()).toMatchObject({ delivered: 0 });
    const deliveries = sim.received.filter((r) => [certificate.applicationId, purchase.applicationId].includes(r.applicationId ?? '')).map((r) => [r.type, r.centerCode, r.test, r.problems]);
    expect(deliveries).toEqual([
      ['application.submitted', YANGZHOU, true, []],
      ['application.submitted', YANGZHOU, true, []],
    ]);
    expect(sim.received.filter((r) => r.centerCode === BEIJING && r.test)).toEqual([]);
    expect(await stateAt(YANGZHOU, new Date(), 'certificate-loan-cleared')).toMatchObject({ applicationId: certificate.applicationId, state: 'accepted' });
    // finished, and still never rated: satisfaction and 差评 count real cases only
    const rated = await applications.handle({ action: 'rate', id: certificate.applicationId, score: 5 }, ctxAt(tester, new Date()));
    expect(rated).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION', message: '测试申请不参与好差评' });
    expect(await store.ratings.get(certificate.applicationId)).toBeUndefined();
    // the finished purchase test blocks nothing: the next goes out at once, and ends the same way
    const next = await send(YANGZHOU, new Date(), tester, 'purchase-withdrawal');
    expect(await relay()).toMatchObject({ delivered: 1 });
    await until('the second verification', async () => ((await statusOf(next.applicationId)) === 'completed' ? true : undefined), 30_000, 100);
    expect(await relay()).toMatchObject({ delivered: 0 });
  });
});

describe('a test sent again to the same center', () => {
  const at = (iso: string) => new Date(`${iso}+08:00`);

  it('is refused naming the limit while the previous one may still be accepted; once that one is late the platform withdraws it, tells the center and sends the new one', async () => {
    const first = await send(HUAIAN, BEFORE_HOLIDAY);
    expect(await relay()).toMatchObject({ delivered: 1 });
    const before = (await store.applications.listByApplicant(tester.openid)).length;
    // on the limit's own day the center may still accept it: refused, with the date
    const early = await trial.handle({ action: 'testTransfer', centerCode: HUAIAN }, ctxAt(tester, at('2026-10-10T20:00:00')));
    expect(early).toMatchObject({ ok: false, code: 'APPLICATION_IN_FLIGHT', message: expect.stringContaining('2026-10-10 前受理'), fields: { centerCode: expect.stringContaining('2026-10-10') } });
    expect(await store.applications.listByApplicant(tester.openid)).toHaveLength(before);
    // the day after, late and still unaccepted: sent again
    const again = await send(HUAIAN, at('2026-10-11T09:00:00'));
    expect(again.applicationId).not.toBe(first.applicationId);
    expect(again).toMatchObject({ state: 'waiting' });
    expect(await statusOf(first.applicationId)).toBe('withdrawn');
    expect((await store.applications.events(first.applicationId)).at(-1)).toMatchObject({ actor: 'platform', to: 'withdrawn', message: expect.stringContaining('逾期未受理') });
    expect(await store.audit.listFor(`center:${HUAIAN}`)).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor: tester.openid, action: 'trial.withdrawLateTest', detail: expect.stringContaining(first.applicationId) })]),
    );
    // the center is told by the normal withdrawn delivery, marked test, and receives the new case
    expect(await relay()).toMatchObject({ delivered: 2 });
    expect(sim.received.filter((r) => r.applicationId === first.applicationId).map((r) => [r.type, r.test])).toEqual([
      ['application.submitted', true],
      ['application.withdrawn', true],
    ]);
    expect(sim.received.filter((r) => r.applicationId === again.applicationId).map((r) => r.type)).toEqual(['application.submitted']);
    // the checklist follows the newest case; the late one's finding stands for the center to fix
    expect(await stateAt(HUAIAN, at('2026-10-11T10:00:00'))).toMatchObject({ applicationId: again.applicationId, state: 'waiting' });
    const findings = (await trial.handle({ action: 'findings' }, ctxAt(tester, at('2026-10-11T10:00:00')))) as { ok: true; data: FindingsAnswer };
    expect(findings.data.items.filter((f) => f.centerCode === HUAIAN)).toEqual([expect.objectContaining({ check: 'transfer', status: 'open', seen: expect.stringContaining('未在 3 个工作日内受理') })]);
  });

  it('goes out again at once after the center refused the previous one, and the checklist shows the new one', async () => {
    sim.setScript('certificate-loan-cleared', [{ status: 'rejected', message: '本中心测试系统暂未开通此业务' }], 'business');
    try {
      const refused = await send(YANCHENG, new Date(), tester, 'certificate-loan-cleared');
      await relay();
      await until('the center’s refusal', async () => ((await statusOf(refused.applicationId)) === 'rejected' ? true : undefined), 30_000, 100);
      expect(await stateAt(YANCHENG, new Date(), 'certificate-loan-cleared')).toMatchObject({ applicationId: refused.applicationId, state: 'refused' });
      const again = await send(YANCHENG, new Date(), tester, 'certificate-loan-cleared');
      expect(again.applicationId).not.toBe(refused.applicationId);
      expect(await stateAt(YANCHENG, new Date(), 'certificate-loan-cleared')).toMatchObject({ applicationId: again.applicationId, state: 'waiting' });
      await relay();
      expect(sim.received.filter((r) => r.applicationId === again.applicationId && r.type === 'application.submitted')).toEqual([expect.objectContaining({ centerCode: YANCHENG, test: true })]);
      // the refusal fails the check: the daily timer opens one finding for it, once, naming the center's reason
      const timer = () => daily.handle({}, contextFor(store, undefined, new Date(), outside, 'timer'));
      const findings = async () => ((await trial.handle({ action: 'findings' }, ctxAt(tester, new Date()))) as { ok: true; data: FindingsAnswer }).data.items.filter((f) => f.centerCode === YANCHENG);
      expect(await findings()).toEqual([]);
      expect(await timer()).toMatchObject({ ok: true });
      const opened = await findings();
      expect(opened).toEqual([
        expect.objectContaining({ check: 'test:certificate-loan-cleared', owner: 'center', status: 'open', seen: '测试申请（个人住房贷款全部还清证明）未通过：中心不予受理，理由：本中心测试系统暂未开通此业务' }),
      ]);
      await timer();
      expect((await findings()).map((f) => f.history.length)).toEqual([opened[0].history.length]);
    } finally {
      sim.resetScript('certificate-loan-cleared', 'business');
    }
  });
});

describe('the supervisors’ figures', () => {
  const NOV = new Date('2026-11-20T10:00:00+08:00');

  it('never count a test case: beside a real certificate and a real overdue transfer, only the real ones count', async () => {
    const person = 'real-lyg';
    await verifiedPerson(store, outside, person, NOV);
    const real = (type: 'transfer' | 'certificate-loan-cleared', requestId: string) =>
      submitApplication({ ...ctxAt({ openid: person, roles: [] }, NOV), now: NOV }, person,
        type === 'transfer'
          ? { type, requestId, payload: { transferOutCenter: BEIJING, transferInCenter: LIANYUNGANG, formerEmployer: '北京某某科技有限公司', newEmployer: '连云港某某有限公司', newAccount: '3207098765', phone: '13912345678' } }
          : { type, requestId, payload: { businessCenter: LIANYUNGANG, acceptingCenter: BEIJING, phone: '13912345678' } });
    await real('certificate-loan-cleared', 'req-lyg-cert');
    await real('transfer', 'req-lyg-transfer');
    await send(LIANYUNGANG, NOV, tester, 'certificate-loan-cleared');
    await send(LIANYUNGANG, NOV);
    await relay();
    const monthly = await supervise.handle({ action: 'monthly', period: '2026-12', province: '320000' }, ctxAt(jiangsu, NOV));
    expect((monthly as { ok: true; data: MonthlyAnswer }).data.rows.find((r) => r.centerCode === LIANYUNGANG)?.items['8']).toEqual({ count: 1 });
    // both transfers are still unanswered after their limit (2026-11-25): only the real one is overdue
    const dashboard = await supervise.handle({ action: 'dashboard', province: '320000' }, ctxAt(jiangsu, new Date('2026-12-01T10:00:00+08:00')));
    const overdue = (dashboard as { ok: true; data: DashboardAnswer }).data.overdue.find((r) => r.centerCode === LIANYUNGANG);
    expect(overdue).toMatchObject({ count: 2 });
    // the tester takes the unanswered test transfer back: the withdrawal says test too
    const [testTransfer] = (await store.applications.listByApplicant(tester.openid)).filter((a) => a.test && a.responsibleCenter === LIANYUNGANG && a.type === 'transfer');
    expect(await applications.handle({ action: 'withdraw', id: testTransfer.id }, ctxAt(tester, new Date()))).toMatchObject({ ok: true });
    await relay();
    expect(sim.received.filter((r) => r.applicationId === testTransfer.id).map((r) => [r.type, r.test, r.problems])).toEqual([
      ['application.submitted', true, []],
      ['application.withdrawn', true, []],
    ]);
  });
});
