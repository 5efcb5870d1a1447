import { storedAttachments, type StoredAttachment, type StoredPayload } from '../../../src/core/applications/payloads';
import { applyMove, nextCodes, nextStatuses, statusNeed, TRANSFER_CODES, type CenterStatus, type Move, type TransferCode } from '../../../src/core/applications/state-machine';
import { isFinal } from '../../../src/core/applications/status';
import { callBackState, FIX_SCORE_LABELS } from '../../../src/core/applications/follow-up-clock';
import type { FollowUpView, WorkbenchEntry, WorkbenchView } from '../../../src/core/applications/views';
import { shanghaiDate } from '../../../src/core/time';
import { AppError } from '../../../src/core/errors';
import type { FileLink } from '../../../src/core/files';
import type { Payment } from '../../../src/core/money';
import { maskName, maskPhone } from '../../../src/core/identity';
import { open, sealedAs } from '../crypto/personal-data';
import { requireStaffCenter, type Caller, type ServiceContext } from '../runtime/define';
import { DOCUMENT_MAX_BYTES, isPdf } from '../../../src/core/center-api';
import { linkOpenedCopy } from '../files/downloads';
import { inspectFile } from '../files/inspect';
import type { ApplicationRecord, DocumentRecord } from '../store/port';
import { attachmentBytes, removeFiles } from '../applications/attachments';
import { completionNotices } from '../applications/deliveries';
import { discardUnrecorded, storeDocument } from '../applications/documents';
import { hasReached, moveApplication, moveWouldApply, paymentProblems, statusMessage, type MoveWords } from '../applications/move';
import { openPayload } from '../applications/payload';
import { livePurchasesOf } from '../applications/submit';
import { awaitsCheck, contractHoldOf, HELD_UNCHECKED } from '../applications/contract-hold';
import { applicationView, formLines, listEntries, ratingView } from '../applications/views';
import { followUpDates } from './follow-up-periods';
import { centersByCode } from './centers';
import { isApplicant, requireStaffIdentity } from './identity';
import { notifyApplicant } from './notify';

/**
 * The center workbench: staff of a center see the applications that have reached it (hasReached: a purchase
 * withdrawal's deposit-locale center from the hand-over on) and answer those it is responsible for, through the same
 * state machine as the center API. For centers without an API this is the only way; for the others it is where a
 * person can step in.
 */
const staffOf = (caller: Caller) => requireStaffCenter(caller, '使用申请工作台');

async function forCenter(ctx: ServiceContext, staff: Caller, centerCode: string, id: string): Promise<ApplicationRecord> {
  // independent reads sent together (one round trip on CloudBase)
  const [own, app] = await Promise.all([ownApplications(ctx, staff), ctx.store.applications.get(id)]);
  if (!app || !hasReached(app, centerCode)) throw new AppError('APPLICATION_NOT_FOUND', '本中心没有这笔申请');
  if (own(app)) throw new AppError('FORBIDDEN', '不能办理本人的申请，请交由本中心其他工作人员办理');
  return app;
}

/**
 * Which applications are the staff member's own: made from their openid, or for the ID number of their own
 * identity (by its type-independent keyed look-up, so another WeChat account of theirs is caught too, whatever
 * document type it applied with). Staff use the workbench only with a current verified identity, so that
 * look-up is always known.
 */
async function ownApplications(ctx: ServiceContext, staff: Caller): Promise<(app: ApplicationRecord) => boolean> {
  const identity = await requireStaffIdentity(ctx, staff, '使用申请工作台');
  const keyring = ctx.outside.keyring();
  return (app) => app.openid === staff.openid || isApplicant(keyring, identity, app);
}

function responsibleOnly(app: ApplicationRecord, centerCode: string): void {
  if (app.responsibleCenter !== centerCode) throw new AppError('FORBIDDEN', '这笔申请由其他中心办理，本中心只能查看');
}

/** Whether this center answers for the application now: it is the one responsible and the application has not ended. */
const answersFor = (app: ApplicationRecord, centerCode: string): boolean => app.responsibleCenter === centerCode && !isFinal(app.status);

export async function workbenchList(ctx: ServiceContext, staff: Caller): Promise<WorkbenchEntry[]> {
  const centerCode = staffOf(staff);
  // staff never handle their own applications: they are not listed; nor one that has not reached their center yet
  const own = await ownApplications(ctx, staff);
  const apps = (await ctx.store.applications.listForCenter(centerCode)).filter((app) => hasReached(app, centerCode) && !own(app));
  const entries = await listEntries(ctx, apps);
  const keyring = ctx.outside.keyring();
  return entries.map((entry, i) => ({
    ...entry,
    role: roleOf(apps[i], centerCode),
    applicantMasked: maskName(open(keyring, sealedAs.name(apps[i].openid), apps[i].applicant.nameSealed)),
    acceptBy: apps[i].acceptBy,
    acceptByProvisional: apps[i].acceptByProvisional,
  }));
}

/** The full record for the center's staff; each view is written to the audit log against the application. */
export async function workbenchGet(ctx: ServiceContext, staff: Caller, id: string): Promise<WorkbenchView> {
  const centerCode = staffOf(staff);
  return workbenchView(ctx, staff, await forCenter(ctx, staff, centerCode, id), centerCode);
}

/**
 * The full record as staff see it, with its form as already opened when the caller has it (a move never changes
 * the form); every answer that carries it is written to the audit log against the application.
 */
async function workbenchView(ctx: ServiceContext, staff: Caller, app: ApplicationRecord, centerCode: string, stored: StoredPayload = openPayload(ctx.outside.keyring(), app)): Promise<WorkbenchView> {
  // the audit line and the view's reads sent together; no view is answered unless its line is written
  const [view, sameContract] = await Promise.all([
    applicationView(ctx, app, stored),
    app.contractLookup === undefined ? [] : ctx.store.applications.listByContract(app.contractLookup),
    ctx.store.audit.append({ at: ctx.now, actor: staff.openid, action: 'application.viewed', subject: `application:${app.id}`, detail: centerCode }),
  ]);
  const keyring = ctx.outside.keyring();
  const [centers, hold] = await Promise.all([centersByCode(ctx, app.centers.map((c) => c.code)), contractHoldOf(ctx, app, sameContract)]);
  const responsible = answersFor(app, centerCode);
  const statuses = responsible && app.type !== 'transfer' ? nextStatuses(app) : [];
  const role = roleOf(app, centerCode);
  return {
    ...view,
    role,
    applicant: {
      name: open(keyring, sealedAs.name(app.openid), app.applicant.nameSealed),
      docType: app.applicant.docType,
      docNumber: open(keyring, sealedAs.docNumber(app.openid), app.applicant.docNumberSealed),
    },
    form: formLines(stored, centers, role),
    nextCodes: responsible && app.type === 'transfer' ? nextCodes(app) : [],
    nextStatuses: statuses,
    completionNeeds: statuses.includes('completed') ? statusNeed(app.type, 'completed') : null,
    responsible,
    canReject: responsible && applyMove(app, { by: 'center', kind: 'reject' }).ok,
    attachmentFiles: attachmentsFor(stored, app, centerCode).map(({ id, kind, name, contentType, size, sha256 }) => ({ id, kind, name, contentType, size, sha256 })),
    sharedContract: livePurchasesOf(sameContract)
      .filter((a) => a.openid !== app.openid && hasReached(a, centerCode))
      .map((a) => ({ id: a.id, status: a.status, submittedAt: a.createdAt.toISOString() })),
    contractHold: hold.held ? { checked: hold.check ? { at: hold.check.at.toISOString(), note: hold.check.note, centerCode: hold.check.centerCode } : null } : null,
  };
}

/**
 * Staff of a center taking part record 已核实 on a held co-buyer's withdrawal, with a note of what they checked
 * (contract-hold.ts): the deposit-locale center may then pay it. Audited; the first check stands.
 */
export async function workbenchCheckContract(ctx: ServiceContext, staff: Caller, id: string, note: string): Promise<WorkbenchView> {
  const centerCode = staffOf(staff);
  const app = await forCenter(ctx, staff, centerCode, id);
  if (isFinal(app.status)) throw new AppError('ILLEGAL_TRANSITION', '申请已结束，无需核实');
  const hold = await contractHoldOf(ctx, app);
  if (!hold.held) throw new AppError('ILLEGAL_TRANSITION', '这笔申请的购房合同没有其他人申请过，无需核实');
  if (!hold.check) {
    await ctx.store.contractChecks.record({ applicationId: app.id, at: ctx.now, staffOpenid: staff.openid, centerCode, note });
    await ctx.store.audit.append({ at: ctx.now, actor: staff.openid, action: 'application.contract-checked', subject: `application:${app.id}`, detail: centerCode });
  }
  return workbenchView(ctx, staff, app, centerCode);
}

const roleOf = (app: ApplicationRecord, centerCode: string) => app.centers.find((c) => c.code === centerCode)?.role ?? 'transfer-in';

/**
 * The attachments a center's staff may open: the purchase-locale center's from the start (it verifies them),
 * the deposit-locale center's once the application has been handed to it.
 */
function attachmentsFor(stored: StoredPayload, app: ApplicationRecord, centerCode: string): readonly StoredAttachment[] {
  return roleOf(app, centerCode) === 'purchase' || app.responsibleCenter === centerCode ? storedAttachments(stored) : [];
}

/** An attachment of an application that has reached the center, for its staff to open by link (linkOpenedCopy); each opening is audited. */
export async function workbenchAttachment(ctx: ServiceContext, staff: Caller, id: string, attachmentId: string): Promise<FileLink> {
  const centerCode = staffOf(staff);
  const app = await forCenter(ctx, staff, centerCode, id);
  const attachment = attachmentsFor(openPayload(ctx.outside.keyring(), app), app, centerCode).find((a) => a.id === attachmentId);
  if (!attachment) throw new AppError('APPLICATION_NOT_FOUND', '没有找到这份附件');
  await ctx.store.audit.append({ at: ctx.now, actor: staff.openid, action: 'application.attachment-opened', subject: `application:${app.id}`, detail: `${centerCode}:${attachment.id}` });
  return linkOpenedCopy(ctx, staff.openid, { storageKey: attachment.storageKey, name: attachment.name, sha256: attachment.sha256, open: () => attachmentBytes(ctx, app.id, attachment) }, '附件');
}

const staffMover = (staff: Caller, centerCode: string) => ({ actor: 'staff' as const, actorId: staff.openid, centerCode });

/** What staff give with a status beside their note: the reason (a refusal's cause) and whom the person can call. */
export type StatusDetail = Omit<MoveWords, 'message'>;

export async function workbenchAdvance(ctx: ServiceContext, staff: Caller, id: string, code: TransferCode, message: string | undefined, detail: StatusDetail = {}): Promise<WorkbenchView> {
  const centerCode = staffOf(staff);
  const app = await forCenter(ctx, staff, centerCode, id);
  responsibleOnly(app, centerCode);
  const moved = await moveApplication(ctx, id, staffMover(staff, centerCode), { by: 'center', kind: 'code', code }, { message: message ?? defaultMessage(code), ...detail }, undefined, { app });
  return workbenchView(ctx, staff, moved.app, centerCode);
}

export async function workbenchReject(ctx: ServiceContext, staff: Caller, id: string, reason: string): Promise<WorkbenchView> {
  const centerCode = staffOf(staff);
  const app = await forCenter(ctx, staff, centerCode, id);
  responsibleOnly(app, centerCode);
  const moved = await moveApplication(ctx, id, staffMover(staff, centerCode), { by: 'center', kind: 'reject' }, { message: `不予受理：${reason}`, reason }, undefined, { app });
  return workbenchView(ctx, staff, moved.app, centerCode);
}

/** Asks the employee for more material: a line in the timeline and a message; the status stays. */
export async function workbenchRequestMaterial(ctx: ServiceContext, staff: Caller, id: string, message: string): Promise<WorkbenchView> {
  const centerCode = staffOf(staff);
  const app = await forCenter(ctx, staff, centerCode, id);
  responsibleOnly(app, centerCode);
  // responsible, so not answering for it means it has ended
  if (!answersFor(app, centerCode)) throw new AppError('ILLEGAL_TRANSITION', '申请已结束，不能再要求补充材料');
  const state = { status: app.status, platformCode: app.platformCode };
  const outcome = await ctx.store.applications.transition({
    id,
    expected: state,
    next: state,
    event: { applicationId: id, at: ctx.now, ...staffMover(staff, centerCode), from: app.status, to: app.status, platformCode: app.platformCode, message: `请补充材料：${message}` },
  });
  if (outcome === 'stale') throw new AppError('ILLEGAL_TRANSITION', '申请状态刚刚发生变化，请刷新后重试');
  await notifyApplicant(ctx, app, { message: `请补充材料：${message}` });
  return workbenchView(ctx, staff, app, centerCode);
}

const defaultMessage = (code: TransferCode) => `${code} ${TRANSFER_CODES[code].name}`;

/**
 * Staff report a status for an application without platform codes. Completing a certificate takes the
 * certificate itself, uploaded first (`uploads/`, as employees' attachments): read back, checked by its content
 * (a PDF that opens, at most 10 MB), sealed and stored with its sha256 in the same move, then the upload is
 * removed; a refused move leaves the upload for another try (the uploads sweep removes it after a day). The
 * accepting center is then informed. Completing a purchase withdrawal takes what the deposit-locale center paid.
 */
export async function workbenchSetStatus(
  ctx: ServiceContext,
  staff: Caller,
  id: string,
  status: CenterStatus,
  message: string | undefined,
  document: { name: string; fileId: string } | undefined,
  payment: Payment | undefined,
  detail: StatusDetail = {},
): Promise<WorkbenchView> {
  const centerCode = staffOf(staff);
  const app = await forCenter(ctx, staff, centerCode, id);
  responsibleOnly(app, centerCode);
  const need = statusNeed(app.type, status);
  if (need === 'payment' && !payment) {
    throw new AppError('VALIDATION_FAILED', '办结购房提取请填写实际提取金额和支付日期', { payment: '请填写实际提取金额和支付日期' });
  }
  // opened once: for the payment's checks and for the view answered
  const stored = openPayload(ctx.outside.keyring(), app);
  if (payment && app.type === 'purchase-withdrawal') {
    if (awaitsCheck(await contractHoldOf(ctx, app))) throw new AppError('ILLEGAL_TRANSITION', HELD_UNCHECKED);
    const problems = paymentProblems(app, stored, payment);
    const [first] = Object.values(problems);
    if (first) throw new AppError('VALIDATION_FAILED', first, Object.fromEntries(Object.entries(problems).map(([k, v]) => [`payment.${k}`, v])));
  }
  const certificate = need === 'certificate' ? await checkedCertificate(ctx, document) : undefined;
  const move: Move = { by: 'center', kind: 'status', status, payment };
  // checked first, written after: a move that is refused or changes nothing leaves no file behind
  const documents: DocumentRecord[] = [];
  try {
    if (certificate && moveWouldApply(app, move)) documents.push(await storeDocument(ctx, app.id, centerCode, certificate.name, 'application/pdf', certificate.bytes));
    const notices = status === 'completed' ? await completionNotices(ctx, app) : [];
    const moved = await moveApplication(ctx, id, staffMover(staff, centerCode), move, { message: message ?? statusMessage(status, payment), ...detail }, () => ({
      documents,
      outbox: notices,
    }), { app });
    if (moved.kind !== 'applied') await discardUnrecorded(ctx, app.id, documents);
    else if (certificate) await removeFiles(ctx, [certificate.fileId]);
    if (notices.length > 0 && moved.kind === 'applied') ctx.outside.nudgeRelay();
    return workbenchView(ctx, staff, moved.app, centerCode, stored);
  } catch (error) {
    await discardUnrecorded(ctx, app.id, documents);
    throw error;
  }
}

/** The certificate staff uploaded to complete a certificate application: a PDF that opens and has pages. */
async function checkedCertificate(ctx: ServiceContext, document: { name: string; fileId: string } | undefined): Promise<{ name: string; fileId: string; bytes: Buffer }> {
  if (!document) throw new AppError('VALIDATION_FAILED', '办结证明类申请请上传证明文件（PDF）', { document: '请上传证明文件（PDF）' });
  let bytes: Buffer;
  try {
    bytes = await ctx.outside.files().get(document.fileId);
  } catch {
    throw new AppError('VALIDATION_FAILED', '证明文件未上传成功，请重新选择', { 'document.fileId': '证明文件未上传成功，请重新选择' });
  }
  if (!isPdf(bytes)) throw new AppError('VALIDATION_FAILED', '证明文件应为 PDF 文件', { document: '文件内容不是 PDF' });
  if (bytes.length > DOCUMENT_MAX_BYTES) throw new AppError('VALIDATION_FAILED', '证明文件不超过 10 MB', { document: '文件超过 10 MB' });
  const inspected = await inspectFile(bytes);
  if (!inspected.ok) throw new AppError('VALIDATION_FAILED', `证明文件：${inspected.problem}`, { document: inspected.problem });
  return { name: document.name, fileId: document.fileId, bytes };
}

/**
 * Low ratings of this center's cases, open first: the center calls the person back (已回访), puts the cause right and
 * records it (整改完成), and sees how the person rated the fix. Each with the 差评 clock on the official calendar and the
 * periods in force (services/follow-up-periods.ts), where its call-back stands today, and the person's phone masked.
 */
export async function workbenchFollowUps(ctx: ServiceContext, staff: Caller): Promise<FollowUpView[]> {
  const centerCode = staffOf(staff);
  const ratings = await ctx.store.ratings.listFollowUps(centerCode);
  const apps = new Map((await ctx.store.applications.getMany(ratings.map((r) => r.applicationId))).map((a) => [a.id, a]));
  const own = await ownApplications(ctx, staff);
  const today = shanghaiDate(ctx.now);
  const keyring = ctx.outside.keyring();
  const views = ratings.map(async (r): Promise<FollowUpView[]> => {
    const app = apps.get(r.applicationId);
    // staff do not call themselves back about their own case
    if (!app || r.followUp === null || own(app)) return [];
    const dates = await followUpDates(ctx.store, r.at);
    return [{
      applicationId: r.applicationId,
      type: app.type,
      letterNumber: app.letterNumber,
      rating: ratingView(r),
      status: r.followUp,
      phoneMasked: maskPhone(openPayload(keyring, app).payload.phone),
      note: r.followUpNote,
      fixNote: r.fixNote,
      fixRating: r.fixScore ? { score: r.fixScore, label: FIX_SCORE_LABELS[r.fixScore] } : null,
      callBackBy: dates.callBackBy,
      fixBy: dates.fixBy,
      limitsProvisional: dates.provisional,
      callBack: callBackState(dates.callBackBy, today, r.followUp !== 'open'),
    }];
  });
  return (await Promise.all(views)).flat();
}

/** A follow-up of this center's case (not the caller's own), or APPLICATION_NOT_FOUND; answers the application too. */
async function followUpFor(ctx: ServiceContext, staff: Caller, centerCode: string, id: string): Promise<ApplicationRecord> {
  const rating = await ctx.store.ratings.get(id);
  if (!rating || rating.centerCode !== centerCode || rating.followUp === null) throw new AppError('APPLICATION_NOT_FOUND', '本中心没有这条待回访的评价');
  return forCenter(ctx, staff, centerCode, id);
}

/** 已回访: the center called the person back and records what it learned; the case is then 整改中. */
export async function workbenchCloseFollowUp(ctx: ServiceContext, staff: Caller, id: string, note: string): Promise<FollowUpView[]> {
  const centerCode = staffOf(staff);
  await followUpFor(ctx, staff, centerCode, id);
  if (!(await ctx.store.ratings.closeFollowUp(id, note, staff.openid, ctx.now))) throw new AppError('ILLEGAL_TRANSITION', '这条评价已经回访过了');
  await ctx.store.audit.append({ at: ctx.now, actor: staff.openid, action: 'rating.follow-up-closed', subject: `application:${id}`, detail: centerCode });
  return workbenchFollowUps(ctx, staff);
}

/** 整改完成: after the call-back, the center records what it put right; the person sees it (已整改) and may rate the fix. */
export async function workbenchFixFollowUp(ctx: ServiceContext, staff: Caller, id: string, note: string): Promise<FollowUpView[]> {
  const centerCode = staffOf(staff);
  await followUpFor(ctx, staff, centerCode, id);
  if (!(await ctx.store.ratings.fixFollowUp(id, note, staff.openid, ctx.now))) {
    const rating = await ctx.store.ratings.get(id);
    throw new AppError('ILLEGAL_TRANSITION', rating?.followUp === 'open' ? '请先回访当事人，再登记整改完成' : '这条评价已经登记整改完成');
  }
  await ctx.store.audit.append({ at: ctx.now, actor: staff.openid, action: 'rating.follow-up-fixed', subject: `application:${id}`, detail: centerCode });
  return workbenchFollowUps(ctx, staff);
}

/** 拨打: the person's full phone for a follow-up's call, answered only with its audit line written, like a full record's view. */
export async function workbenchFollowUpPhone(ctx: ServiceContext, staff: Caller, id: string): Promise<{ phone: string }> {
  const centerCode = staffOf(staff);
  const app = await followUpFor(ctx, staff, centerCode, id);
  await ctx.store.audit.append({ at: ctx.now, actor: staff.openid, action: 'rating.follow-up-phone-viewed', subject: `application:${id}`, detail: centerCode });
  return { phone: openPayload(ctx.outside.keyring(), app).payload.phone };
}
