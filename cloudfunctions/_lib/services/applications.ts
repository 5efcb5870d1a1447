import { createHash, randomBytes } from 'node:crypto';
import { ATTACHMENT_KIND_LABELS, type AttachmentRef, type PurchaseWithdrawalPayload, type ServiceRequestPayload, type StoredPurchaseWithdrawal, type CertificatePayload, type TransferPayload } from '../../../src/core/applications/payloads';
import { applyMove, moveFitsType, WITHDRAWABLE, type CenterStatus, type Move } from '../../../src/core/applications/state-machine';
import { awaitsAcceptance, isFinal, RATABLE, TYPE_LABELS, RATING_LABELS, STATUS_LABELS, FOLLOW_UP_AT_OR_BELOW, PURCHASE_TARGET_WORKING_DAYS, type CenterRole, type ApplicationType, type CertificateType, type RatingScore } from '../../../src/core/applications/status';
import { stepOf } from '../../../src/core/applications/steps';
import type { ApplicationListEntry, ApplicationView, RatingView, TimelineEntry } from '../../../src/core/applications/views';
import { sniffAttachment, type AttachmentType } from '../../../src/core/center-api';
import type { Center } from '../../../src/core/centers';
import { itemById } from '../../../src/core/items';
import { yuanText, type Payment } from '../../../src/core/money';
import { AppError } from '../../../src/core/errors';
import { maskAccount, maskBankAccount, maskDocNumber, maskName, maskPhone } from '../../../src/core/identity';
import { safeFileName } from '../../../src/core/files';
import { shanghaiDate } from '../../../src/core/time';
import { open, openBytes, seal, sealBytes, sealedAs } from '../crypto/personal-data';
import { newWebhookId } from '../delivery/signing';
import type { ServiceContext } from '../runtime/define';
import type { ApplicationEventRecord, ApplicationRecord, DocumentRecord, OutboxRecord, OutboxType, RatingRecord, Transition } from '../store/port';
import { keepAttachments, openPurchase, removeFiles } from './attachments';
import { calendarOf, computedLimits } from './calendar';
import { catalogCenter, centersByCode } from './centers';
import { requireVerifiedIdentity } from './identity';
import { notifyApplicant } from './notify';

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

function outboxRecord(app: ApplicationRecord, centerCode: string, type: OutboxType, at: Date): OutboxRecord {
  return { id: newWebhookId(), applicationId: app.id, centerCode, type, createdAt: at, dueAt: at, attempts: 0, state: 'pending', lastError: null, deliveredAt: null };
}

/** Whether the center takes deliveries by API; otherwise it works in the portal workbench. */
async function takesApi(ctx: ServiceContext, centerCode: string): Promise<boolean> {
  return (await ctx.store.endpoints.get(centerCode))?.mode === 'api';
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
  payload: TransferPayload | CertificatePayload | PurchaseWithdrawalPayload | ServiceRequestPayload;
  /** Uploads to check and keep with the application (purchase withdrawals). */
  attachments: readonly AttachmentRef[];
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
    payload,
    attachments: [],
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
    payload,
    attachments: [],
    letterPrefix: null,
    firstMessage: `经${accepting.name}代收，向${business.name}申请${TYPE_LABELS[type]}`,
  };
}

/**
 * 两地联办: the purchase-locale center verifies the purchase first, then hands the application to the
 * deposit-locale center, which pays. The money goes only to the applicant's own account.
 */
async function purchasePlan(ctx: ServiceContext, openid: string, applicantName: string, payload: PurchaseWithdrawalPayload): Promise<SubmissionPlan> {
  const purchase = await centerOrFail(ctx, payload.purchaseCenter, 'payload.purchaseCenter');
  const deposit = await centerOrFail(ctx, payload.depositCenter, 'payload.depositCenter');
  if (payload.bank.accountName !== applicantName) {
    throw new AppError('VALIDATION_FAILED', '提取款项只能转入申请人本人的银行账户', { 'payload.bank.accountName': '收款户名应与申请人姓名一致' });
  }
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
    payload,
    attachments: payload.attachments,
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
    payload,
    attachments: [],
    letterPrefix: null,
    firstMessage: `向${center.name}在线申请${item.name}`,
  };
}

export type Submission =
  | { type: 'transfer'; requestId: string; payload: TransferPayload }
  | { type: CertificateType; requestId: string; payload: CertificatePayload }
  | { type: 'purchase-withdrawal'; requestId: string; payload: PurchaseWithdrawalPayload }
  | { type: 'service-request'; requestId: string; payload: ServiceRequestPayload };

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

/**
 * Stores an application and, in the same transaction, the deliveries it owes: to the responsible center
 * (or straight into its workbench when it has no API) and copies to the centers to be informed. A repeated
 * requestId answers the first application's id; a second one of the same kind in flight is refused.
 */
export async function submitApplication(ctx: ServiceContext, openid: string, submission: Submission): Promise<{ id: string }> {
  const identity = await requireVerifiedIdentity(ctx, openid);
  const keyring = ctx.outside.keyring();
  const plan = await planOf(ctx, openid, () => open(keyring, sealedAs.name(openid), identity.nameSealed), submission);
  if (plan.attachments.length > 0) {
    // a repeat of a stored submission: its uploads were taken in already, so answer before reading them
    const same = (await ctx.store.applications.listByApplicant(openid)).find((a) => a.requestId === submission.requestId);
    if (same) return { id: same.id };
  }
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
    applicant: { docType: identity.docType, nameSealed: identity.nameSealed, docNumberSealed: identity.docNumberSealed },
    payloadSealed: '',
    ...(await computedLimits(ctx.store, plan.type, shanghaiDate(ctx.now))),
    payment: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  // the attachments are checked and kept first; if the application is then not stored, they go again
  const kept = plan.attachments.length > 0 ? await keepAttachments(ctx, app.id, plan.attachments) : [];
  app.payloadSealed = seal(keyring, sealedAs.payload(app.id), JSON.stringify(kept.length > 0 ? { ...plan.payload, attachments: kept } : plan.payload));
  const event = (e: Pick<ApplicationEventRecord, 'actor' | 'actorId' | 'from' | 'to' | 'message'>): ApplicationEventRecord => ({
    applicationId: app.id,
    at: ctx.now,
    platformCode: null,
    centerCode: plan.responsible.code,
    ...e,
  });
  const events = [event({ actor: 'employee', actorId: openid, from: null, to: 'submitted', message: plan.firstMessage })];
  const api = await takesApi(ctx, plan.responsible.code);
  const outbox = api ? [outboxRecord(app, plan.responsible.code, 'application.submitted', ctx.now)] : [];
  if (!api) {
    app.status = 'delivered';
    events.push(event({ actor: 'relay', actorId: 'relay', from: 'submitted', to: 'delivered', message: '申请已送达中心办理工作台' }));
  }
  for (const code of plan.informed) if (await takesApi(ctx, code)) outbox.push(outboxRecord(app, code, 'application.copy', ctx.now));
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
    case 'created':
      if (outbox.length > 0) ctx.outside.nudgeRelay();
      return { id: app.id };
  }
}

/**
 * What completing an application owes the other centers that took part (the accepting center of a
 * certificate, the purchase-locale center of a purchase withdrawal): an `application.completed` to each
 * that has an API.
 */
export async function completionNotices(ctx: ServiceContext, app: ApplicationRecord): Promise<OutboxRecord[]> {
  const informed = app.centers.filter((c) => c.role === 'accepting' || c.role === 'purchase').map((c) => c.code);
  const notices: OutboxRecord[] = [];
  for (const code of informed) if (await takesApi(ctx, code)) notices.push(outboxRecord(app, code, 'application.completed', ctx.now));
  return notices;
}

/** The caller's own application, or APPLICATION_NOT_FOUND (also for someone else's: no hint it exists). */
export async function ownApplication(ctx: ServiceContext, openid: string, id: string): Promise<ApplicationRecord> {
  const app = await ctx.store.applications.get(id);
  if (!app || app.openid !== openid) throw new AppError('APPLICATION_NOT_FOUND', '没有找到这笔申请');
  return app;
}

export const acceptOverdue = (app: ApplicationRecord, now: Date) => awaitsAcceptance(app.status) && shanghaiDate(now) > app.acceptBy;


function timelineOf(type: ApplicationType, events: readonly ApplicationEventRecord[]): TimelineEntry[] {
  return events.map((e) => ({
    at: e.at.toISOString(),
    actor: e.actor,
    step: stepOf(type, { status: e.to, platformCode: e.platformCode }),
    status: e.to,
    platformCode: e.platformCode,
    centerCode: e.centerCode,
    message: e.message,
  }));
}

/** The form as submitted, in full (for the center's staff) or masked (for the employee). */
export function formLines(ctx: ServiceContext, app: ApplicationRecord, centers: Map<string, Center>, viewer: 'applicant' | CenterRole) {
  const masked = viewer === 'applicant';
  const name = (code: string) => centers.get(code)?.name ?? code;
  const show = (value: string, mask: (v: string) => string) => (masked ? mask(value) : value);
  // the bank account in full only to the center that pays into it
  const showBank = (value: string, mask: (v: string) => string) => (viewer === 'deposit' ? value : mask(value));
  const sealed = open(ctx.outside.keyring(), sealedAs.payload(app.id), app.payloadSealed);
  if (app.type === 'purchase-withdrawal') {
    const p = JSON.parse(sealed) as StoredPurchaseWithdrawal;
    return [
      { label: '申请事项', value: TYPE_LABELS[app.type] },
      { label: '购房地中心', value: name(p.purchaseCenter) },
      { label: '缴存地中心', value: name(p.depositCenter) },
      { label: '房屋坐落', value: p.house.address },
      { label: '购房合同编号', value: p.house.contractNumber },
      { label: '购房日期', value: p.house.purchaseDate },
      { label: '购房总价', value: yuanText(p.house.price) },
      { label: '建筑面积', value: `${p.house.area} 平方米` },
      { label: '售房方', value: p.house.seller },
      { label: '申请提取金额', value: yuanText(p.amount) },
      { label: '收款户名', value: showBank(p.bank.accountName, maskName) },
      { label: '开户银行', value: p.bank.bankName },
      { label: '银行账号', value: showBank(p.bank.accountNumber, maskBankAccount) },
      { label: '手机号码', value: show(p.phone, maskPhone) },
      ...p.attachments.map((a) => ({ label: ATTACHMENT_KIND_LABELS[a.kind], value: a.name })),
    ];
  }
  if (app.type === 'service-request') {
    const p = JSON.parse(sealed) as ServiceRequestPayload;
    return [
      { label: '申请事项', value: itemById(p.item)?.name ?? String(p.item) },
      { label: '办理中心', value: name(p.center) },
      { label: '办理事项说明', value: p.description },
      { label: '手机号码', value: show(p.phone, maskPhone) },
    ];
  }
  const opened = JSON.parse(sealed) as TransferPayload | CertificatePayload;
  if ('businessCenter' in opened) {
    return [
      { label: '申请事项', value: TYPE_LABELS[app.type] },
      { label: '业务属地中心', value: name(opened.businessCenter) },
      { label: '受理地中心', value: name(opened.acceptingCenter) },
      { label: '手机号码', value: show(opened.phone, maskPhone) },
    ];
  }
  return [
    { label: '转出地中心', value: name(opened.transferOutCenter) },
    { label: '转入地中心', value: name(opened.transferInCenter) },
    { label: '原单位名称', value: opened.formerEmployer },
    { label: '原个人账号', value: opened.formerAccount ? show(opened.formerAccount, maskAccount) : '未填写' },
    { label: '现单位名称', value: opened.newEmployer },
    { label: '现个人账号', value: show(opened.newAccount, maskAccount) },
    { label: '手机号码', value: show(opened.phone, maskPhone) },
  ];
}

/**
 * The 7-working-day target of a purchase withdrawal as stored (targetBy, targetProvisional): missed while
 * unfinished past it, or finished after it. A row from before targets were stored (migration 13) that the
 * nightly recompute has not reached (a final one) has it computed as at submission.
 */
export async function targetOf(ctx: ServiceContext, app: ApplicationRecord, events: readonly ApplicationEventRecord[]): Promise<{ target: ApplicationView['target']; provisional: boolean }> {
  if (app.type !== 'purchase-withdrawal') return { target: null, provisional: false };
  const { date: by, provisional } =
    app.targetBy !== null
      ? { date: app.targetBy, provisional: app.targetProvisional }
      : await calendarOf(ctx.store).addWorkingDays(shanghaiDate(app.createdAt), PURCHASE_TARGET_WORKING_DAYS);
  const done = events.find((e) => e.to === 'completed');
  if (done) return { target: { by, overdue: shanghaiDate(done.at) > by }, provisional };
  return { target: { by, overdue: !isFinal(app.status) && shanghaiDate(ctx.now) > by }, provisional };
}

/** What the employee sees of an application: masked personal data, the timeline, the deadline. */
export async function applicationView(ctx: ServiceContext, app: ApplicationRecord): Promise<ApplicationView> {
  const [events, documents, centers, rating] = await Promise.all([
    ctx.store.applications.events(app.id),
    ctx.store.applications.documents(app.id),
    centersByCode(ctx, app.centers.map((c) => c.code)),
    ctx.store.ratings.get(app.id),
  ]);
  const keyring = ctx.outside.keyring();
  const { target, provisional: targetProvisional } = await targetOf(ctx, app, events);
  return {
    id: app.id,
    type: app.type,
    status: app.status,
    platformCode: app.platformCode,
    step: stepOf(app.type, app),
    letterNumber: app.letterNumber,
    centers: app.centers.map((c) => ({ code: c.code, role: c.role, name: centers.get(c.code)?.name ?? c.code, phone: centers.get(c.code)?.phone ?? '12329' })),
    summary: [
      { label: '申请人', value: maskName(open(keyring, sealedAs.name(app.openid), app.applicant.nameSealed)) },
      { label: '证件号码', value: maskDocNumber(open(keyring, sealedAs.docNumber(app.openid), app.applicant.docNumberSealed)) },
      ...formLines(ctx, app, centers, 'applicant'),
    ],
    events: timelineOf(app.type, events),
    documents: documents.map(documentView),
    acceptBy: app.acceptBy,
    acceptByProvisional: app.acceptByProvisional,
    acceptOverdue: acceptOverdue(app, ctx.now),
    canWithdraw: WITHDRAWABLE.includes(app.status),
    rating: rating ? ratingView(rating) : null,
    canRate: !rating && RATABLE.includes(app.status),
    payment: app.payment,
    target,
    targetProvisional,
    attachments: app.type === 'purchase-withdrawal' ? openPurchase(ctx, app).attachments.map(({ kind, name, contentType, size }) => ({ kind, name, contentType, size })) : [],
    createdAt: app.createdAt.toISOString(),
  };
}

export const ratingView = (r: RatingRecord): RatingView => ({ score: r.score, label: RATING_LABELS[r.score], comment: r.comment, at: r.at.toISOString() });

const documentView = (d: DocumentRecord) => ({ id: d.id, name: d.name, contentType: d.contentType, sha256: d.sha256, size: d.size });

export async function listEntries(ctx: ServiceContext, apps: readonly ApplicationRecord[]): Promise<ApplicationListEntry[]> {
  const centers = await centersByCode(ctx, apps.map((a) => a.responsibleCenter));
  return apps.map((app) => ({
    id: app.id,
    type: app.type,
    status: app.status,
    step: stepOf(app.type, app),
    letterNumber: app.letterNumber,
    responsibleCenter: { code: app.responsibleCenter, name: centers.get(app.responsibleCenter)?.name ?? app.responsibleCenter },
    acceptOverdue: acceptOverdue(app, ctx.now),
    createdAt: app.createdAt.toISOString(),
  }));
}

export async function listApplications(ctx: ServiceContext, openid: string): Promise<ApplicationListEntry[]> {
  return listEntries(ctx, await ctx.store.applications.listByApplicant(openid));
}

export async function getApplication(ctx: ServiceContext, openid: string, id: string): Promise<ApplicationView> {
  return applicationView(ctx, await ownApplication(ctx, openid, id));
}

/** Who makes a move, as written in the log. */
export interface Mover {
  actor: ApplicationEventRecord['actor'];
  actorId: string;
  centerCode: string | null;
}

export type MoveOutcome = { kind: 'applied'; app: ApplicationRecord } | { kind: 'unchanged'; app: ApplicationRecord } | { kind: 'duplicate'; app: ApplicationRecord };

/** Why a center that takes part may not move an application: another center answers for it (now, or since a hand-over). */
export const NOT_RESPONSIBLE = '这笔申请现由另一中心办理，本中心不能更新状态';

/** Tries a move this many times when another writer got in first. */
const STALE_RETRIES = 5;

/**
 * Moves an application through the state machine, once: re-reads and re-checks when another writer
 * moved it first; a refused move raises ILLEGAL_TRANSITION with the reason. `extras` makes what the move
 * brings (deliveries owed, documents, the center's webhook-id) part of the same transaction.
 */
export async function moveApplication(
  ctx: ServiceContext,
  id: string,
  mover: Mover,
  move: Move,
  message: string,
  extras: (app: ApplicationRecord) => Pick<Transition, 'outbox' | 'documents' | 'receipt'> = () => ({}),
): Promise<MoveOutcome> {
  for (let attempt = 0; attempt < STALE_RETRIES; attempt++) {
    const app = await ctx.store.applications.get(id);
    if (!app) throw new AppError('APPLICATION_NOT_FOUND', '没有找到这笔申请');
    if (!moveFitsType(app.type, move)) throw new AppError('ILLEGAL_TRANSITION', app.type === 'transfer' ? '转移接续申请以平台状态代码办理' : '这类申请以办理状态办理，没有平台状态代码');
    const result = applyMove(app, move);
    if (!result.ok) {
      if (result.unchanged) return { kind: 'unchanged', app };
      throw new AppError('ILLEGAL_TRANSITION', result.reason);
    }
    // a center answers only while it is responsible: checked on this read, and again by the store as it writes
    const centerMove = move.by === 'center';
    if (centerMove && app.responsibleCenter !== mover.centerCode) throw new AppError('ILLEGAL_TRANSITION', NOT_RESPONSIBLE);
    const payment = move.kind === 'status' ? move.payment : undefined;
    const handOver = handOverOf(app, result.next.status);
    const handOverOutbox = handOver && (await takesApi(ctx, handOver)) ? [outboxRecord(app, handOver, 'application.submitted', ctx.now)] : [];
    const brought = extras(app);
    const outcome = await ctx.store.applications.transition({
      id,
      expected: { status: app.status, platformCode: app.platformCode, ...(centerMove ? { responsibleCenter: app.responsibleCenter } : {}) },
      next: result.next,
      event: { applicationId: id, at: ctx.now, ...mover, from: app.status, to: result.next.status, platformCode: result.next.platformCode, message },
      ...brought,
      outbox: [...(brought.outbox ?? []), ...handOverOutbox],
      handOver,
      payment,
    });
    if (outcome === 'duplicate') return { kind: 'duplicate', app };
    if (outcome === 'applied') {
      const moved: ApplicationRecord = {
        ...app,
        ...result.next,
        responsibleCenter: handOver ?? app.responsibleCenter,
        payment: payment ?? app.payment,
        updatedAt: ctx.now,
        inFlightKey: isFinal(result.next.status) ? null : app.inFlightKey,
      };
      if (handOverOutbox.length > 0) ctx.outside.nudgeRelay();
      if (mover.actor !== 'employee') await notifyApplicant(ctx, moved, message);
      return { kind: 'applied', app: moved };
    }
  }
  throw new Error(`application ${id} kept changing under ${STALE_RETRIES} attempts`);
}

/** The timeline's line for a status a center reports without words of its own. */
export function statusMessage(status: CenterStatus, payment: Payment | undefined): string {
  if (payment) return `缴存地中心已支付 ${yuanText(payment.amount)}（${payment.paidOn}）至本人银行账户`;
  if (status === 'verified') return '购房核验通过，已转交缴存地中心办理';
  return STATUS_LABELS[status];
}

/** The center a purchase withdrawal passes to when the purchase-locale center has verified it. */
function handOverOf(app: ApplicationRecord, next: ApplicationRecord['status']): string | undefined {
  if (app.type !== 'purchase-withdrawal' || next !== 'verified') return undefined;
  return app.centers.find((c) => c.role === 'deposit')?.code;
}

/**
 * What is wrong with a payment the deposit-locale center reports, by field: more than the person asked for,
 * or paid before the application was made. Empty when it is fine.
 */
export function paymentProblems(ctx: ServiceContext, app: ApplicationRecord, payment: Payment): Record<string, string> {
  const problems: Record<string, string> = {};
  const requested = openPurchase(ctx, app).amount;
  if (payment.amount > requested) problems.amount = `实际提取金额不能超过申请提取金额 ${yuanText(requested)}`;
  if (payment.paidOn < shanghaiDate(app.createdAt)) problems.paidOn = '支付日期不能早于申请日期';
  return problems;
}

/** The employee withdraws before the transfer-out center confirms receipt; a center with an API is told. */
export async function withdrawApplication(ctx: ServiceContext, openid: string, id: string): Promise<ApplicationView> {
  const app = await ownApplication(ctx, openid, id);
  const api = await takesApi(ctx, app.responsibleCenter);
  const moved = await moveApplication(ctx, id, { actor: 'employee', actorId: openid, centerCode: app.responsibleCenter }, { by: 'employee', kind: 'withdraw' }, '职工撤销申请', (current) => ({
    outbox: api ? [outboxRecord(current, current.responsibleCenter, 'application.withdrawn', ctx.now)] : [],
  }));
  if (moved.kind === 'applied' && api) ctx.outside.nudgeRelay();
  return applicationView(ctx, moved.app);
}

/**
 * 好差评: the employee rates a case that ended with the center's answer, once. A rating of
 * FOLLOW_UP_AT_OR_BELOW or less carries a reason (checked by the event schema) and opens a follow-up in the
 * responsible center's workbench.
 */
export async function rateApplication(ctx: ServiceContext, openid: string, id: string, score: RatingScore, comment: string | undefined): Promise<ApplicationView> {
  const app = await ownApplication(ctx, openid, id);
  if (!RATABLE.includes(app.status)) throw new AppError('ILLEGAL_TRANSITION', '申请办结后才能评价');
  const low = score <= FOLLOW_UP_AT_OR_BELOW;
  const created = await ctx.store.ratings.create({
    applicationId: id,
    openid,
    centerCode: app.responsibleCenter,
    score,
    comment: comment || null,
    at: ctx.now,
    followUp: low ? 'open' : null,
    followUpNote: null,
    followUpBy: null,
    followUpAt: null,
  });
  if (!created) throw new AppError('ILLEGAL_TRANSITION', '这笔申请已经评价过了');
  return applicationView(ctx, app);
}

/**
 * A result document of the caller's own application, opened, for saving as a download: its type is what its
 * content is (never what was declared), its name a safe base name ending as that type does.
 */
export async function getDocument(ctx: ServiceContext, openid: string, id: string, documentId: string) {
  await ownApplication(ctx, openid, id);
  const doc = (await ctx.store.applications.documents(id)).find((d) => d.id === documentId);
  if (!doc) throw new AppError('APPLICATION_NOT_FOUND', '没有找到这份文件');
  const bytes = openBytes(ctx.outside.keyring(), sealedAs.document(id, doc.id), await ctx.outside.files().get(doc.storageKey));
  const detected = sniffAttachment(bytes);
  // every document was parsed before it was kept: one that no longer reads as one is not handed out
  if (!detected.ok) throw new Error(`document ${doc.id} of application ${id} is no longer a PDF, JPEG or PNG`);
  return { name: safeFileName(doc.name, detected.contentType, '证明'), contentType: detected.contentType, sha256: doc.sha256, contentBase64: bytes.toString('base64') };
}

/**
 * Seals a result document's bytes into the file store and answers its record, to be written with the move
 * that brings it. `contentType` is the type its content was found to be (inspectFile), and names its extension.
 */
export async function storeDocument(ctx: ServiceContext, applicationId: string, centerCode: string, name: string, contentType: AttachmentType, bytes: Buffer): Promise<DocumentRecord> {
  const id = randomBytes(10).toString('hex');
  const sealed = sealBytes(ctx.outside.keyring(), sealedAs.document(applicationId, id), bytes);
  const storageKey = await ctx.outside.files().put(`documents/${applicationId}/${id}`, sealed, 'application/octet-stream');
  const safeName = safeFileName(name, contentType, '证明');
  return { id, applicationId, centerCode, name: safeName, contentType, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, storageKey, at: ctx.now };
}

/**
 * Removes the files of documents written for a move that did not record them (refused, unchanged, a repeated
 * callback, or an error): a file is kept only with its record. When the records cannot be read, the files stay
 * (an error after the commit may have recorded them) and a warning is logged.
 */
export async function discardUnrecorded(ctx: ServiceContext, applicationId: string, written: readonly DocumentRecord[]): Promise<void> {
  if (written.length === 0) return;
  let recorded: Set<string>;
  try {
    recorded = new Set((await ctx.store.applications.documents(applicationId)).map((d) => d.id));
  } catch (error) {
    ctx.log.warn({ err: error, applicationId }, 'could not tell which documents were recorded; their files stay');
    return;
  }
  await removeFiles(ctx, written.filter((d) => !recorded.has(d.id)).map((d) => d.storageKey));
}

/**
 * Whether a move would go through on the application as read, checked as moveApplication checks it, before
 * anything that comes with it (a document) is written: raises ILLEGAL_TRANSITION for a refused move, answers
 * false for one that would change nothing.
 */
export function moveWouldApply(app: ApplicationRecord, move: Move): boolean {
  if (!moveFitsType(app.type, move)) throw new AppError('ILLEGAL_TRANSITION', app.type === 'transfer' ? '转移接续申请以平台状态代码办理' : '这类申请以办理状态办理，没有平台状态代码');
  const result = applyMove(app, move);
  if (result.ok) return true;
  if (result.unchanged) return false;
  throw new AppError('ILLEGAL_TRANSITION', result.reason);
}
