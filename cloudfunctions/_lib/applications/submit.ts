import { randomBytes } from 'node:crypto';
import { ACCOUNT_NAME_MISMATCH, type AttachmentRef, type CertificatePayload, type PurchaseWithdrawalPayload, type ServiceRequestPayload, type StoredAttachment, type StoredPayload, type TransferPayload } from '../../../src/core/applications/payloads';
import { STATUS_LABELS, TYPE_LABELS, type ApplicationStatus, type ApplicationType, type CertificateType } from '../../../src/core/applications/status';
import type { Center } from '../../../src/core/centers';
import { AppError, type FieldErrors } from '../../../src/core/errors';
import { itemById } from '../../../src/core/items';
import { sameName } from '../../../src/core/names';
import { shanghaiDate } from '../../../src/core/time';
import { lookupHash, open, seal, sealedAs, type Keyring } from '../crypto/personal-data';
import type { ServiceContext } from '../runtime/define';
import { computedLimits } from '../services/calendar';
import { catalogCenter } from '../services/centers';
import { identityMissing, verifiedOrFail } from '../services/identity';
import type { ApplicationEventRecord, ApplicationRecord, IdentityRecord, SubmissionKey } from '../store/port';
import { keepAttachments, removeFiles } from './attachments';
import { outboxRecord } from './deliveries';
import { sealPayload } from './payload';
import { TEST_DOC_NUMBER, TEST_NAME } from './synthetic';

/** Application ids: 20 characters of [a-z0-9], unguessable. */
function newApplicationId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(20), (b) => alphabet[b % alphabet.length]).join('');
}


async function centerOrFail(ctx: ServiceContext, code: string, field: string): Promise<Center> {
  const center = await catalogCenter(ctx.store, code, ctx.now);
  if (!center) throw new AppError('CENTER_NOT_FOUND', '没有找到这个中心，请重新选择', { [field]: '没有找到这个中心' });
  return center;
}

/** What one type of application brings to a submission; the rest is the same for every type. */
interface SubmissionPlan {
  type: ApplicationType;
  /** The business-locale center: it receives the delivery and answers. */
  responsible: Center;
  centers: ApplicationRecord['centers'];
  /** Centers told by an `application.copy` that the request was taken on their behalf. */
  informed: string[];
  inFlightKey: string;
  inFlight: { message: string; field: string; fieldMessage: string };
  /** A purchase withdrawal's contract lookup (contractLookup), kept with the application; absent otherwise and for test cases. */
  contractLookup?: string;
  /** Uploads to check and keep with the application (purchase withdrawals). */
  attachments: readonly AttachmentRef[];
  /** The form as sealed with the application, once the uploads are kept. */
  stored(kept: StoredAttachment[]): StoredPayload['payload'];
  letterPrefix: string | null;
  firstMessage: string;
}

/** The transfer-in center accepts and issues the contact letter (numbered per center and day). */
async function transferPlan(ctx: ServiceContext, openid: string, payload: TransferPayload): Promise<SubmissionPlan> {
  await centerOrFail(ctx, payload.transferOutCenter, 'payload.transferOutCenter');
  const transferIn = await centerOrFail(ctx, payload.transferInCenter, 'payload.transferInCenter');
  const today = shanghaiDate(ctx.now);
  return {
    type: 'transfer',
    responsible: transferIn,
    centers: [
      { code: payload.transferInCenter, role: 'transfer-in' },
      { code: payload.transferOutCenter, role: 'transfer-out' },
    ],
    informed: [],
    inFlightKey: `transfer:${openid}:${payload.transferOutCenter}`,
    inFlight: { message: '您从该转出地中心转出的申请正在办理中，办结或撤销后才能再次申请', field: 'payload.transferOutCenter', fieldMessage: '已有一笔从该中心转出的申请正在办理' },
    attachments: [],
    stored: () => payload,
    letterPrefix: `${transferIn.code}${today.slice(2, 4)}${today.slice(5, 7)}${today.slice(8, 10)}`,
    firstMessage: `向${transferIn.name}提交转移接续申请`,
  };
}

/** 代收代办: the business-locale center issues the certificate; the accepting center is told and informed of the result. */
async function certificatePlan(ctx: ServiceContext, openid: string, type: CertificateType, payload: CertificatePayload): Promise<SubmissionPlan> {
  const business = await centerOrFail(ctx, payload.businessCenter, 'payload.businessCenter');
  const accepting = await centerOrFail(ctx, payload.acceptingCenter, 'payload.acceptingCenter');
  return {
    type,
    responsible: business,
    centers: [
      { code: business.code, role: 'business' },
      { code: accepting.code, role: 'accepting' },
    ],
    informed: [accepting.code],
    inFlightKey: `${type}:${openid}:${business.code}`,
    inFlight: { message: `您向该中心申请的${TYPE_LABELS[type]}正在办理中，办结或撤销后才能再次申请`, field: 'payload.businessCenter', fieldMessage: '已有一笔同类申请正在该中心办理' },
    attachments: [],
    stored: () => payload,
    letterPrefix: null,
    firstMessage: `经${accepting.name}代收，向${business.name}申请${TYPE_LABELS[type]}`,
  };
}

/**
 * The keyed lookup of a purchase contract: an HMAC of the purchase center's code and the contract number in one form
 * (full-width letters, digits and brackets as half-width, letters upper-case, no spaces), so the same contract
 * typed again is found without keeping its number in clear.
 */
const contractLookup = (keyring: Keyring, purchaseCenter: string, contractNumber: string) =>
  lookupHash(keyring, 'application.purchaseContract', `${purchaseCenter}\u0000${contractNumber.normalize('NFKC').toUpperCase().replace(/\s+/g, '')}`);

/** The statuses of a purchase withdrawal that paid nothing and never will: its contract may be submitted again. */
const ENDED_UNPAID: readonly ApplicationStatus[] = ['rejected', 'withdrawn', 'failed'];

/**
 * The withdrawals of one contract (`sameContract`: every person's of that contract lookup) that may pay: neither a test
 * case nor ended unpaid. Another person's (a co-buyer's) are held for the centers to look at, never refused.
 */
export const livePurchasesOf = (sameContract: readonly ApplicationRecord[]) => sameContract.filter((a) => !a.test && !ENDED_UNPAID.includes(a.status));

/**
 * Refuses a second purchase withdrawal of one contract by the same person unless the earlier one ended unpaid, and
 * answers the other people's live withdrawals of it: the new one is then taken but held for the centers, who see
 * the earlier cases named in their workbench (workbenchView), and the person is told so in the first event.
 */
function checkRepeatedContract(openid: string, sameContract: readonly ApplicationRecord[]): ApplicationRecord[] {
  const live = livePurchasesOf(sameContract);
  const earlier = live.find((a) => a.openid === openid);
  if (earlier) {
    throw new AppError('VALIDATION_FAILED', `该购房合同已于 ${shanghaiDate(earlier.createdAt)} 申请提取（申请编号 ${earlier.id}，${STATUS_LABELS[earlier.status]}），不能重复申请`, {
      'payload.house.contractNumber': '该购房合同已申请过提取',
    });
  }
  return live.filter((a) => a.openid !== openid);
}

/**
 * 两地联办: the purchase-locale center verifies the purchase first, then hands the application to the
 * deposit-locale center, which pays. The money goes only to the applicant's own account.
 */
async function purchasePlan(ctx: ServiceContext, openid: string, applicantName: string, payload: PurchaseWithdrawalPayload): Promise<SubmissionPlan> {
  const [purchase, deposit] = await Promise.all([catalogCenter(ctx.store, payload.purchaseCenter, ctx.now), catalogCenter(ctx.store, payload.depositCenter, ctx.now)]);
  // every refusal of the form at once, each beside its field: never one per submission
  const refusals: FieldErrors = {};
  if (!purchase) refusals['payload.purchaseCenter'] = '没有找到这个中心';
  if (!deposit) refusals['payload.depositCenter'] = '没有找到这个中心';
  if (!sameName(payload.bank.accountName, applicantName)) refusals['payload.bank.accountName'] = ACCOUNT_NAME_MISMATCH;
  if (!purchase || !deposit) throw new AppError('CENTER_NOT_FOUND', '没有找到这个中心，请重新选择', refusals);
  if (Object.keys(refusals).length > 0) throw new AppError('VALIDATION_FAILED', '提取款项只能转入申请人本人的银行账户', refusals);
  return {
    type: 'purchase-withdrawal',
    responsible: purchase,
    centers: [
      { code: purchase.code, role: 'purchase' },
      { code: deposit.code, role: 'deposit' },
    ],
    informed: [],
    inFlightKey: `purchase-withdrawal:${openid}:${deposit.code}`,
    inFlight: { message: '您在该缴存地中心的购房提取申请正在办理中，办结或撤销后才能再次申请', field: 'payload.depositCenter', fieldMessage: '已有一笔购房提取正在该中心办理' },
    contractLookup: contractLookup(ctx.outside.keyring(), purchase.code, payload.house.contractNumber),
    attachments: payload.attachments,
    stored: (kept) => ({ ...payload, attachments: kept }),
    letterPrefix: null,
    firstMessage: `向${purchase.name}提交购房提取申请，核验后转${deposit.name}办理`,
  };
}

/** Items 4-6 at a center that takes them as an in-app request: that one center handles it. */
async function serviceRequestPlan(ctx: ServiceContext, openid: string, payload: ServiceRequestPayload): Promise<SubmissionPlan> {
  const center = await centerOrFail(ctx, payload.center, 'payload.center');
  const item = itemById(payload.item)!;
  // only where the center declared it takes this item as an in-app request (admin setItemRoute)
  const route = (await ctx.store.links.listForCenter(center.code)).find((l) => l.item === payload.item);
  if (route?.kind !== 'in-app') {
    throw new AppError('VALIDATION_FAILED', `${center.name}暂不受理“${item.name}”的在线申请，请按事项页面的指引办理`, { 'payload.item': '该中心暂不受理此事项的在线申请' });
  }
  return {
    type: 'service-request',
    responsible: center,
    centers: [{ code: center.code, role: 'business' }],
    informed: [],
    inFlightKey: `service-request:${openid}:${center.code}:${payload.item}`,
    inFlight: { message: `您向该中心申请的“${item.name}”正在办理中，办结或撤销后才能再次申请`, field: 'payload.center', fieldMessage: '已有一笔同一事项的申请正在该中心办理' },
    attachments: [],
    stored: () => payload,
    letterPrefix: null,
    firstMessage: `向${center.name}在线申请${item.name}`,
  };
}

export type Submission =
  | { type: 'transfer'; requestId: string; payload: TransferPayload }
  | { type: CertificateType; requestId: string; payload: CertificatePayload }
  | { type: 'purchase-withdrawal'; requestId: string; payload: PurchaseWithdrawalPayload }
  | { type: 'service-request'; requestId: string; payload: ServiceRequestPayload };

/** Every center a submission's form names: their endpoints are read with the identity, before the plan. */
function centersNamed(submission: Submission): string[] {
  switch (submission.type) {
    case 'transfer':
      return [submission.payload.transferInCenter, submission.payload.transferOutCenter];
    case 'purchase-withdrawal':
      return [submission.payload.purchaseCenter, submission.payload.depositCenter];
    case 'service-request':
      return [submission.payload.center];
    default:
      return [submission.payload.businessCenter, submission.payload.acceptingCenter];
  }
}

/** The center a submission goes to first (its plan's responsible center): the launch gate opens it per province. */
export function responsibleCenterOf(submission: Submission): string {
  switch (submission.type) {
    case 'transfer':
      return submission.payload.transferInCenter;
    case 'purchase-withdrawal':
      return submission.payload.purchaseCenter;
    case 'service-request':
      return submission.payload.center;
    default:
      return submission.payload.businessCenter;
  }
}

async function planOf(ctx: ServiceContext, openid: string, applicantName: () => string, submission: Submission): Promise<SubmissionPlan> {
  switch (submission.type) {
    case 'transfer':
      return transferPlan(ctx, openid, submission.payload);
    case 'purchase-withdrawal':
      return purchasePlan(ctx, openid, applicantName(), submission.payload);
    case 'service-request':
      return serviceRequestPlan(ctx, openid, submission.payload);
    default:
      return certificatePlan(ctx, openid, submission.type, submission.payload);
  }
}

/** Who an application is for: the caller's verified identity, or the synthetic applicant of a tester's test case. */
type Applicant = { name: () => string; record: ApplicationRecord['applicant'] };

function verifiedApplicant(ctx: ServiceContext, openid: string, record: IdentityRecord | undefined): Applicant {
  const identity = verifiedOrFail(record, ctx.now);
  return {
    name: () => open(ctx.outside.keyring(), sealedAs.name(openid), identity.nameSealed),
    record: { docType: identity.docType, nameSealed: identity.nameSealed, docNumberSealed: identity.docNumberSealed },
  };
}

/** The synthetic applicant (synthetic.ts), sealed under the tester's openid like a person's own identity. */
function syntheticApplicant(ctx: ServiceContext, openid: string): Applicant {
  const keyring = ctx.outside.keyring();
  return {
    name: () => TEST_NAME,
    record: { docType: '01', nameSealed: seal(keyring, sealedAs.name(openid), TEST_NAME), docNumberSealed: seal(keyring, sealedAs.docNumber(openid), TEST_DOC_NUMBER) },
  };
}

/**
 * A test case (the internal trial, issue 15) is in flight once per tester, type and center under test, apart from
 * the tester's own real applications: a tester may test many centers at once.
 */
export const testInFlightKey = (type: ApplicationType, openid: string, centerCode: string) => `test:${type}:${openid}:${centerCode}`;

/**
 * The mark before a test transfer's letter number: its own sequence (T + transfer-in center + date), so a test never
 * takes a number of the center's official contact-letter sequence (docs/center-api.md 4.9).
 */
const TEST_LETTER_MARK = 'T';

/**
 * A test case's plan: in flight under testInFlightKey, with no contract lookup; its log says it is a test. It involves the center under test
 * only: no copy to the other center (which is in the form, a real center of another province), and a letter number
 * from the test sequence.
 */
const asTestCase = (plan: SubmissionPlan, openid: string): SubmissionPlan => ({
  ...plan,
  // test cases are left out of the contract lookup: they pay nothing
  contractLookup: undefined,
  informed: [],
  letterPrefix: plan.letterPrefix === null ? null : `${TEST_LETTER_MARK}${plan.letterPrefix}`,
  firstMessage: `测试申请：${plan.firstMessage}`,
  inFlightKey: testInFlightKey(plan.type, openid, plan.responsible.code),
  inFlight: { message: `您向${plan.responsible.name}发送的测试申请正在办理中，中心办结或您撤销后才能再次发送`, field: 'centerCode', fieldMessage: '已有一笔同类测试申请正在该中心办理' },
});

/**
 * Stores an application and, in the same transaction, the deliveries it owes: to the responsible center
 * (or straight into its workbench when it has no API) and copies to the centers to be informed. A repeated
 * requestId answers the first application's id; a second one of the same kind in flight is refused.
 * A test case (`test`) is the same, for the synthetic applicant instead of the caller's verified identity.
 */
/**
 * What a submission reads first (HotReadRepository.submission): the centers it names, its request and, for a person's
 * purchase withdrawal, its contract's lookup. Test cases are left out of the contract lookup: they pay nothing.
 */
export function submissionKey(keyring: Keyring, submission: Submission, test: boolean): SubmissionKey {
  const contractLookupOf =
    submission.type === 'purchase-withdrawal' && !test ? contractLookup(keyring, submission.payload.purchaseCenter, submission.payload.house.contractNumber) : undefined;
  return { centerCodes: centersNamed(submission), requestId: submission.requestId, contractLookup: contractLookupOf };
}

const sameKey = (a: SubmissionKey, b: SubmissionKey) =>
  a.requestId === b.requestId && a.contractLookup === b.contractLookup && a.centerCodes.length === b.centerCodes.length && a.centerCodes.every((c, i) => c === b.centerCodes[i]);

/** The reads the runtime made with the caller's (prefetch), when they are this person's and this submission's. */
const prefetchedFor = (ctx: ServiceContext, openid: string, key: SubmissionKey) =>
  ctx.prefetched && ctx.prefetched.openid === openid && sameKey(ctx.prefetched.key, key) ? ctx.prefetched.reads : undefined;

export async function submitApplication(ctx: ServiceContext, openid: string, submission: Submission, options: { test: boolean } = { test: false }): Promise<{ id: string }> {
  const keyring = ctx.outside.keyring();
  // everything the submission reads, in one round trip (issue 16, point 9), made with the caller's when the runtime
  // was told (prefetch); the centers and the calendar are this instance's copies of the last minute
  const key = submissionKey(keyring, submission, options.test);
  const reads = prefetchedFor(ctx, openid, key) ?? (await ctx.store.reads.submission(openid, key.centerCodes, key.requestId, key.contractLookup));
  const apiCenters = new Set(reads.apiCenters);
  const applicant = options.test ? syntheticApplicant(ctx, openid) : verifiedApplicant(ctx, openid, reads.identity);
  const planned = await planOf(ctx, openid, applicant.name, submission);
  const plan = options.test ? asTestCase(planned, openid) : planned;
  // a repeat of a stored submission: its uploads were taken in already, so answer before reading them
  if (plan.attachments.length > 0 && reads.sameRequest !== undefined) return { id: reads.sameRequest };
  const coBuyers = plan.contractLookup !== undefined ? checkRepeatedContract(openid, reads.sameContract) : [];
  const app: ApplicationRecord = {
    id: newApplicationId(),
    type: plan.type,
    openid,
    requestId: submission.requestId,
    status: 'submitted',
    platformCode: null,
    responsibleCenter: plan.responsible.code,
    centers: plan.centers,
    inFlightKey: plan.inFlightKey,
    letterNumber: null,
    applicant: applicant.record,
    payloadSealed: '',
    ...(await computedLimits(ctx.store, plan.type, shanghaiDate(ctx.now))),
    payment: null,
    // the item of a service request stays in clear beside its sealed payload: the monthly figures count by it
    ...(submission.type === 'service-request' ? { serviceItem: submission.payload.item } : {}),
    ...(plan.contractLookup !== undefined ? { contractLookup: plan.contractLookup } : {}),
    test: options.test,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  // the attachments are checked and kept first; if the application is then not stored, they go again
  const kept = plan.attachments.length > 0 ? await keepAttachments(ctx, app.id, plan.attachments) : [];
  app.payloadSealed = sealPayload(keyring, app.id, plan.stored(kept));
  const event = (e: Pick<ApplicationEventRecord, 'actor' | 'actorId' | 'from' | 'to' | 'message'>): ApplicationEventRecord => ({
    applicationId: app.id,
    at: ctx.now,
    platformCode: null,
    centerCode: plan.responsible.code,
    ...e,
  });
  // another person's withdrawal of the same contract: taken, and held for the centers (the person is told, not whose)
  const held = coBuyers.length > 0 ? `；该购房合同已有其他申请（${shanghaiDate(coBuyers[0].createdAt)} 提交），将由中心核实后办理` : '';
  const events = [event({ actor: 'employee', actorId: openid, from: null, to: 'submitted', message: plan.firstMessage + held })];
  const api = apiCenters.has(plan.responsible.code);
  const outbox = api ? [outboxRecord(app, plan.responsible.code, 'application.submitted', ctx.now)] : [];
  if (!api) {
    app.status = 'delivered';
    events.push(event({ actor: 'relay', actorId: 'relay', from: 'submitted', to: 'delivered', message: '申请已送达中心办理工作台' }));
  }
  for (const code of plan.informed) if (apiCenters.has(code)) outbox.push(outboxRecord(app, code, 'application.copy', ctx.now));
  let outcome: Awaited<ReturnType<typeof ctx.store.applications.create>>;
  try {
    outcome = await ctx.store.applications.create(app, events, outbox, plan.letterPrefix);
  } catch (error) {
    // the error may come after the commit (a connection lost on COMMIT): keep the files of a stored application
    const stored = await ctx.store.applications.get(app.id).then(Boolean, () => true);
    if (!stored) await removeFiles(ctx, kept.map((a) => a.storageKey));
    throw error;
  }
  if (outcome.kind !== 'created') await removeFiles(ctx, kept.map((a) => a.storageKey));
  else await removeFiles(ctx, plan.attachments.map((a) => a.fileId));
  switch (outcome.kind) {
    case 'duplicate':
      return { id: outcome.id };
    case 'in-flight':
      throw new AppError('APPLICATION_IN_FLIGHT', plan.inFlight.message, { [plan.inFlight.field]: plan.inFlight.fieldMessage });
    case 'no-identity':
      // unbound or erased after the identity was read above (the store holds the identity row while it creates)
      throw identityMissing();
    case 'created':
      if (outbox.length > 0) ctx.outside.nudgeRelay();
      return { id: app.id };
  }
}
