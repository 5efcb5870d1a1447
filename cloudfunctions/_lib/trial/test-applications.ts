import { randomBytes } from 'node:crypto';
import type { AttachmentRef } from '../../../src/core/applications/payloads';
import { TRANSFER_CODES } from '../../../src/core/applications/state-machine';
import { awaitsAcceptance, STATUS_LABELS, TYPE_LABELS } from '../../../src/core/applications/status';
import { AppError } from '../../../src/core/errors';
import { provinceOfCenter, provinceName } from '../../../src/core/supervision';
import { shanghaiDate } from '../../../src/core/time';
import { FINDING_TEXT_MAX, TEST_ACCEPT_WORKING_DAYS, type CheckKind, type OptionalTestType, type TestApplicationAnswer, type TestState } from '../../../src/core/trial';
import { takesApi } from '../applications/deliveries';
import { submitApplication, testInFlightKey, type Submission } from '../applications/submit';
import { acceptOverdue } from '../applications/views';
import { withdrawAs } from '../applications/withdraw';
import { TEST_JPEG, TEST_PDF, testCertificateForm, testPurchaseForm, testTransferForm } from '../applications/synthetic';
import type { Caller, ServiceContext } from '../runtime/define';
import { centerSubject } from '../services/audit-names';
import { catalogCenter, listCenters } from '../services/centers';
import type { TestCaseRecord } from '../store/port';
import { testerProvince } from './checklist';
import { openFinding } from './findings';

/**
 * Test applications of the internal trial (issue 15): a tester sends a center of their province a test case through
 * the normal submit path, for the synthetic applicant (applications/synthetic.ts), marked `test` end to end (every
 * delivery body says so; never counted in statistics, reports, dashboards or satisfaction). The center passes when it
 * accepts it within TEST_ACCEPT_WORKING_DAYS working days of the official calendar (the stored acceptBy); the daily
 * timer opens a finding, once, for a test case that passed its acceptBy unaccepted.
 */

/** The types of test application a center may be sent: the test transfer and the optional ones. */
export type TestType = 'transfer' | OptionalTestType;

/** The latest test case of one type at one center, and where it stands against its limit. */
export interface TestStateView {
  applicationId: string;
  state: TestState;
  acceptBy: string;
  acceptedAt: string | null;
}

/**
 * The other center of a test case, in another province, fixed: Beijing's center (110000), or Shanghai's (310000)
 * for a center in Beijing. The transfer's transfer-out center, the certificate's accepting center, the purchase
 * withdrawal's deposit center (docs/center-api.md, 测试申请), named in the form only: it is a real center and is
 * never sent anything (no copy, no completion notice, no hand-over: submit.ts asTestCase, move.ts endsTestCase).
 */
export const testPeerOf = (centerCode: string) => (provinceOfCenter(centerCode) === '110000' ? '310000' : '110000');

/** The role the center under test plays in a test case of each type: the one that must accept it. */
const TESTED_ROLE = { transfer: 'transfer-in', 'certificate-loan-cleared': 'business', 'certificate-deposit-use': 'business', 'purchase-withdrawal': 'purchase' } as const;

/** The check of the checklist a test case of this type passes or fails. */
export const testCheck = (type: TestType): CheckKind => (type === 'transfer' ? 'transfer' : `test:${type}`);

/** A test purchase withdrawal's attachments: the synthetic contract and invoice, uploaded like a person's and then kept by the submit path. */
async function uploadTestAttachments(ctx: ServiceContext): Promise<AttachmentRef[]> {
  const files = ctx.outside.files();
  const upload = (bytes: Buffer, contentType: string) => files.put(`uploads/${randomBytes(12).toString('hex')}`, bytes, contentType);
  return [
    { kind: 'contract', fileId: await upload(TEST_PDF, 'application/pdf'), name: '测试购房合同.pdf' },
    { kind: 'invoice', fileId: await upload(TEST_JPEG, 'image/jpeg'), name: '测试购房发票.jpg' },
  ];
}

async function testSubmission(ctx: ServiceContext, centerCode: string, type: TestType): Promise<Submission> {
  const peer = testPeerOf(centerCode);
  const requestId = `trial-${randomBytes(12).toString('hex')}`;
  switch (type) {
    case 'transfer':
      return { type, requestId, payload: testTransferForm(centerCode, peer) };
    case 'purchase-withdrawal':
      return { type, requestId, payload: { ...testPurchaseForm(centerCode, peer, shanghaiDate(ctx.now)), attachments: await uploadTestAttachments(ctx) } };
    default:
      return { type, requestId, payload: testCertificateForm(centerCode, peer) };
  }
}

/**
 * A tester sends a center of their province a test case of `type`. A center outside the tester's province:
 * FORBIDDEN; a center with neither an API endpoint nor a live workbench: refused, nothing stored.
 */
export async function sendTestApplication(ctx: ServiceContext, caller: Caller, centerCode: string, type: TestType): Promise<TestApplicationAnswer> {
  const province = testerProvince(caller);
  if (provinceOfCenter(centerCode) !== province) {
    throw new AppError('FORBIDDEN', `您只能测试${provinceName(province)}的中心`, { centerCode: `该中心不在${provinceName(province)}` });
  }
  const center = await catalogCenter(ctx.store, centerCode, ctx.now);
  if (!center) throw new AppError('CENTER_NOT_FOUND', '没有找到这个中心，请重新选择', { centerCode: '没有找到这个中心' });
  if (!center.live && !(await takesApi(ctx, centerCode))) {
    throw new AppError('ENDPOINT_NOT_SET', `${center.name}尚未登记接口地址，也未开通申请工作台，暂时不能接收测试申请`, {
      centerCode: '该中心尚无接口地址或申请工作台',
    });
  }
  await withdrawLateTest(ctx, caller, center, type);
  const { id } = await submitApplication(ctx, caller.openid, await testSubmission(ctx, centerCode, type), { test: true });
  const app = await ctx.store.applications.get(id);
  if (!app) throw new Error(`test application ${id} was not stored`);
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'trial.testApplication', subject: centerSubject(centerCode), detail: `${TYPE_LABELS[app.type]}测试申请 ${id}` });
  return { applicationId: id, acceptBy: app.acceptBy, state: stateOf({ application: app, acceptedAt: null }, shanghaiDate(ctx.now)) };
}

/** Who the platform's own moves of test cases are written as, in the application's log. */
const TRIAL_ACTOR = 'trial';

/**
 * Before a new test case of `type` to a center: the tester's previous one of that type at that center, still in flight
 * there, is withdrawn by the platform when the center has left it unaccepted past its limit (the center is told by the
 * withdrawn delivery; audited), and blocks the new one while it may still be accepted in time (refused naming its
 * limit). One the center accepted goes on blocking it until finished or withdrawn (the store's in-flight rule).
 */
async function withdrawLateTest(ctx: ServiceContext, caller: Caller, center: { code: string; name: string }, type: TestType): Promise<void> {
  const key = testInFlightKey(type, caller.openid, center.code);
  const previous = (await ctx.store.applications.testCases([center.code])).find((t) => t.application.inFlightKey === key)?.application;
  if (!previous || !awaitsAcceptance(previous.status)) return;
  if (!acceptOverdue(previous, ctx.now)) {
    const message = `您向${center.name}发送的${TYPE_LABELS[type]}测试申请尚在受理时限内（${previous.acceptBy} 前受理），逾期未受理后才能再次发送`;
    throw new AppError('APPLICATION_IN_FLIGHT', message, { centerCode: `已有一笔同类测试申请待该中心受理，受理时限为 ${previous.acceptBy}` });
  }
  const moved = await withdrawAs(ctx, previous, { actor: 'platform', actorId: TRIAL_ACTOR }, `测试申请逾期未受理（应于 ${previous.acceptBy} 前受理），平台撤销后重新发送`);
  if (moved.kind !== 'applied') return;
  // the center failed this one: its finding stands even if the daily timer had not come to it yet
  await openLateFinding(ctx, center.code, type, previous);
  await ctx.store.audit.append({
    at: ctx.now,
    actor: caller.openid,
    action: 'trial.withdrawLateTest',
    subject: centerSubject(center.code),
    detail: `${TYPE_LABELS[type]}测试申请 ${previous.id} 逾期未受理，重新发送前撤销`,
  });
}

/** Where a test case stands on `today`: refused (rejected or failed), accepted by its acceptBy, late (after it, or not yet past it), or waiting. */
function stateOf({ application: app, acceptedAt }: TestCaseRecord, today: string): TestState {
  if (app.status === 'rejected' || app.status === 'failed') return 'refused';
  if (acceptedAt) return shanghaiDate(acceptedAt) <= app.acceptBy ? 'accepted' : 'late';
  return today > app.acceptBy ? 'late' : 'waiting';
}

/** The type of test a case is, and the center under test (the one in the role that must accept it). */
function testedCenter(app: TestCaseRecord['application']): { type: TestType; centerCode: string } | undefined {
  if (app.type === 'service-request') return undefined;
  const role = TESTED_ROLE[app.type];
  const center = app.centers.find((c) => c.role === role);
  return center && { type: app.type, centerCode: center.code };
}

/** The latest test case of each center and type (withdrawn ones left out: the tester took them back), newest first from the store. */
async function latestTests(ctx: ServiceContext, centerCodes: readonly string[]): Promise<Map<string, Map<TestType, TestCaseRecord>>> {
  const wanted = new Set(centerCodes);
  const latest = new Map<string, Map<TestType, TestCaseRecord>>();
  for (const test of await ctx.store.applications.testCases(centerCodes)) {
    const tested = testedCenter(test.application);
    if (!tested || !wanted.has(tested.centerCode) || test.application.status === 'withdrawn') continue;
    const byType = latest.get(tested.centerCode) ?? new Map<TestType, TestCaseRecord>();
    if (!byType.has(tested.type)) byType.set(tested.type, test);
    latest.set(tested.centerCode, byType);
  }
  return latest;
}

/** The latest test case per center and type with its state, in one batched read; centers never tested are left out. */
export async function testStates(ctx: ServiceContext, centerCodes: readonly string[]): Promise<Map<string, Map<TestType, TestStateView>>> {
  const today = shanghaiDate(ctx.now);
  const states = new Map<string, Map<TestType, TestStateView>>();
  for (const [centerCode, byType] of await latestTests(ctx, centerCodes)) {
    states.set(
      centerCode,
      new Map(
        [...byType].map(([type, test]) => [
          type,
          { applicationId: test.application.id, state: stateOf(test, today), acceptBy: test.application.acceptBy, acceptedAt: test.acceptedAt?.toISOString() ?? null },
        ]),
      ),
    );
  }
  return states;
}

/** The meta key marking that a late test case's finding was opened (the timer opens it once). */
const lateFindingKey = (applicationId: string) => `trial:late-test-finding:${applicationId}`;

/**
 * The daily timer's part (centers-daily): a finding for each test case still unaccepted after its acceptBy, opened
 * once in the name of the tester who sent it, on the check the test case is for. Answers how many it opened.
 */
export async function openLateTestFindings(ctx: ServiceContext): Promise<number> {
  const today = shanghaiDate(ctx.now);
  const overdue = (await ctx.store.applications.listOpen()).filter((a) => a.test && a.acceptBy < today);
  if (overdue.length === 0) return 0;
  const centers = [...new Set(overdue.flatMap((a) => testedCenter(a)?.centerCode ?? []))];
  let opened = 0;
  for (const [centerCode, byType] of await latestTests(ctx, centers)) {
    for (const [type, test] of byType) {
      if (stateOf(test, today) === 'late' && test.acceptedAt === null && (await openLateFinding(ctx, centerCode, type, test.application))) opened += 1;
    }
  }
  return opened;
}

/** The finding of a test case left unaccepted past its limit, in the name of the tester who sent it, unless opened already. Answers whether it opened it. */
async function openLateFinding(ctx: ServiceContext, centerCode: string, type: TestType, app: TestCaseRecord['application']): Promise<boolean> {
  if ((await ctx.store.meta.get(lateFindingKey(app.id))) !== undefined) return false;
  await openFinding(ctx, {
    centerCode,
    check: testCheck(type),
    expected: `中心在 ${app.acceptBy} 前受理测试申请`,
    seen: `测试申请（${TYPE_LABELS[app.type]}）未在 ${TEST_ACCEPT_WORKING_DAYS} 个工作日内受理`,
    observed: null,
    screenshot: null,
    by: { openid: app.openid, roles: [] },
  });
  await ctx.store.meta.set(lateFindingKey(app.id), ctx.now.toISOString());
  return true;
}

/** The meta key marking that a refused test case's finding was opened (the timer opens it once). */
const refusedFindingKey = (applicationId: string) => `trial:refused-test-finding:${applicationId}`;

/**
 * The daily timer's part (centers-daily) for refused test cases: a finding for each one the center rejected or failed,
 * opened once in the name of the tester who sent it, on the check the test case is for, naming the center's reason
 * when it gave one. Every refused case counts, also one the tester has since sent again. Answers how many it opened.
 */
export async function openRefusedTestFindings(ctx: ServiceContext): Promise<number> {
  const centerCodes = (await listCenters(ctx.store, ctx.now)).map((c) => c.code);
  const refused = (await ctx.store.applications.testCases(centerCodes)).filter((t) => t.application.status === 'rejected' || t.application.status === 'failed');
  let opened = 0;
  for (const { application: app } of refused) {
    const tested = testedCenter(app);
    if (!tested || (await ctx.store.meta.get(refusedFindingKey(app.id))) !== undefined) continue;
    const reason = await refusalReason(ctx, app);
    const seen = `测试申请（${TYPE_LABELS[app.type]}）未通过：中心${STATUS_LABELS[app.status]}${reason ? `，理由：${reason}` : ''}`;
    await openFinding(ctx, {
      centerCode: tested.centerCode,
      check: testCheck(tested.type),
      expected: `中心在 ${app.acceptBy} 前受理测试申请`,
      seen: seen.length > FINDING_TEXT_MAX ? `${seen.slice(0, FINDING_TEXT_MAX - 1)}…` : seen,
      observed: null,
      screenshot: null,
      by: { openid: app.openid, roles: [] },
    });
    await ctx.store.meta.set(refusedFindingKey(app.id), ctx.now.toISOString());
    opened += 1;
  }
  return opened;
}

/**
 * The center's own words on refusing a test case (a callback's `message`, the workbench's reason), from the log's
 * refusing line; undefined when it gave none and the line is the platform's default for the status or code.
 */
async function refusalReason(ctx: ServiceContext, app: TestCaseRecord['application']): Promise<string | undefined> {
  const line = (await ctx.store.applications.events(app.id)).filter((e) => e.to === app.status).at(-1);
  if (!line) return undefined;
  const defaults = [STATUS_LABELS[app.status], ...Object.entries(TRANSFER_CODES).filter(([, c]) => c.status === app.status).map(([code, c]) => `${code} ${c.name}`)];
  // the workbench writes a rejection as 不予受理：<reason>
  const label = `${STATUS_LABELS[app.status]}：`;
  const said = (line.message.startsWith(label) ? line.message.slice(label.length) : line.message).trim();
  return said === '' || defaults.includes(said) ? undefined : said;
}
