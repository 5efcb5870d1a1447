import { caseItem } from '../../../src/core/applications/labels';
import { ATTACHMENT_KIND_LABELS, storedAttachments, type StoredPayload } from '../../../src/core/applications/payloads';
import { WITHDRAWABLE } from '../../../src/core/applications/state-machine';
import { awaitsAcceptance, isFinal, PURCHASE_TARGET_WORKING_DAYS, RATABLE, RATING_LABELS, TYPE_LABELS, type ApplicationType, type CenterRole } from '../../../src/core/applications/status';
import { stepOf } from '../../../src/core/applications/steps';
import { FIX_SCORE_LABELS } from '../../../src/core/applications/follow-up-clock';
import type { ApplicationListEntry, ApplicationView, RatingView, TimelineEntry } from '../../../src/core/applications/views';
import type { Center } from '../../../src/core/centers';
import { AppError } from '../../../src/core/errors';
import { maskAccount, maskBankAccount, maskDocNumber, maskName, maskPhone } from '../../../src/core/identity';
import { itemById } from '../../../src/core/items';
import { yuanText } from '../../../src/core/money';
import { shanghaiDate } from '../../../src/core/time';
import { open, sealedAs } from '../crypto/personal-data';
import type { ServiceContext } from '../runtime/define';
import { calendarOf } from '../services/calendar';
import { followUpDates } from '../services/follow-up-periods';
import { centersByCode } from '../services/centers';
import type { ApplicationEventRecord, ApplicationRecord, DocumentRecord, RatingRecord } from '../store/port';
import { openPayload } from './payload';

/** What the employee sees of their applications (and what the workbench's view is built on). */

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
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.contact ? { contact: e.contact } : {}),
  }));
}

/**
 * The form as submitted (opened once by the caller): in full for the center's staff, masked for the employee on screen,
 * and all of it, uploads by name, for the owner's copy of their data ('owner': services/privacy.ts copyOfMyData).
 */
export function formLines(stored: StoredPayload, centers: Map<string, Center>, viewer: 'applicant' | 'owner' | CenterRole) {
  const masked = viewer === 'applicant';
  const name = (code: string) => centers.get(code)?.name ?? code;
  const show = (value: string, mask: (v: string) => string) => (masked ? mask(value) : value);
  // the bank account in full only to the center that pays into it, and to its owner
  const showBank = (value: string, mask: (v: string) => string) => (viewer === 'deposit' || viewer === 'owner' ? value : mask(value));
  switch (stored.type) {
    case 'purchase-withdrawal': {
      const p = stored.payload;
      return [
        { label: '申请事项', value: TYPE_LABELS[stored.type] },
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
        // the applicant finds their uploads under 材料 (ApplicationView.attachments)
        ...(masked ? [] : p.attachments.map((a) => ({ label: ATTACHMENT_KIND_LABELS[a.kind], value: a.name }))),
      ];
    }
    case 'service-request': {
      const p = stored.payload;
      return [
        { label: '申请事项', value: itemById(p.item)?.name ?? String(p.item) },
        { label: '办理中心', value: name(p.center) },
        { label: '办理事项说明', value: p.description },
        { label: '手机号码', value: show(p.phone, maskPhone) },
      ];
    }
    case 'transfer': {
      const p = stored.payload;
      return [
        { label: '转出地中心', value: name(p.transferOutCenter) },
        { label: '转入地中心', value: name(p.transferInCenter) },
        { label: '原单位名称', value: p.formerEmployer },
        { label: '原个人账号', value: p.formerAccount ? show(p.formerAccount, maskAccount) : '未填写' },
        { label: '现单位名称', value: p.newEmployer },
        { label: '现个人账号', value: show(p.newAccount, maskAccount) },
        { label: '手机号码', value: show(p.phone, maskPhone) },
      ];
    }
    default: {
      const p = stored.payload;
      return [
        { label: '申请事项', value: TYPE_LABELS[stored.type] },
        { label: '业务属地中心', value: name(p.businessCenter) },
        { label: '受理地中心', value: name(p.acceptingCenter) },
        { label: '手机号码', value: show(p.phone, maskPhone) },
      ];
    }
  }
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

/**
 * What the employee sees of an application: masked personal data, the timeline, the deadline. The form is
 * opened once per request: a caller that reads it too (the workbench) passes what it opened.
 */
export async function applicationView(ctx: ServiceContext, app: ApplicationRecord, stored: StoredPayload = openPayload(ctx.outside.keyring(), app)): Promise<ApplicationView> {
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
    item: caseItem(app.type, stored.type === 'service-request' ? stored.payload.item : undefined),
    status: app.status,
    platformCode: app.platformCode,
    step: stepOf(app.type, app),
    letterNumber: app.letterNumber,
    centers: app.centers.map((c) => ({ code: c.code, role: c.role, name: centers.get(c.code)?.name ?? c.code, phone: centers.get(c.code)?.phone ?? '12329' })),
    summary: [
      { label: '申请人', value: maskName(open(keyring, sealedAs.name(app.openid), app.applicant.nameSealed)) },
      { label: '证件号码', value: maskDocNumber(open(keyring, sealedAs.docNumber(app.openid), app.applicant.docNumberSealed)) },
      ...formLines(stored, centers, 'applicant'),
    ],
    events: timelineOf(app.type, events),
    documents: documents.map(documentView),
    acceptBy: app.acceptBy,
    acceptByProvisional: app.acceptByProvisional,
    acceptOverdue: acceptOverdue(app, ctx.now),
    canWithdraw: WITHDRAWABLE.includes(app.status),
    rating: rating ? ratingView(rating) : null,
    canRate: !app.test && !rating && RATABLE.includes(app.status),
    followUp: await followUpOf(ctx, rating),
    payment: app.payment,
    target,
    targetProvisional,
    attachments: storedAttachments(stored).map(({ kind, name, contentType, size }) => ({ kind, name, contentType, size })),
    test: app.test,
    createdAt: app.createdAt.toISOString(),
  };
}

/** A 差评's follow-up as the person sees it, with its dates on the official calendar and the periods in force. */
async function followUpOf(ctx: ServiceContext, rating: RatingRecord | undefined): Promise<ApplicationView['followUp']> {
  if (!rating || rating.followUp === null) return null;
  const { callBackBy, fixBy } = await followUpDates(ctx.store, rating.at);
  return {
    status: rating.followUp,
    callBackBy,
    fixBy,
    note: rating.followUpNote,
    at: rating.followUpAt?.toISOString() ?? null,
    fixNote: rating.fixNote,
    fixedAt: rating.fixedAt?.toISOString() ?? null,
    fixRating: rating.fixScore && rating.fixRatedAt ? { score: rating.fixScore, label: FIX_SCORE_LABELS[rating.fixScore], at: rating.fixRatedAt.toISOString() } : null,
    canRateFix: rating.followUp === 'fixed' && rating.fixScore === null,
  };
}

export const ratingView = (r: RatingRecord): RatingView => ({ score: r.score, label: RATING_LABELS[r.score], comment: r.comment, at: r.at.toISOString() });

const documentView = (d: DocumentRecord) => ({ id: d.id, name: d.name, contentType: d.contentType, sha256: d.sha256, size: d.size });

export async function listEntries(ctx: ServiceContext, apps: readonly ApplicationRecord[]): Promise<ApplicationListEntry[]> {
  const centers = await centersByCode(ctx, apps.map((a) => a.responsibleCenter));
  return apps.map((app) => ({
    id: app.id,
    type: app.type,
    item: caseItem(app.type, app.serviceItem),
    status: app.status,
    step: stepOf(app.type, app),
    letterNumber: app.letterNumber,
    responsibleCenter: { code: app.responsibleCenter, name: centers.get(app.responsibleCenter)?.name ?? app.responsibleCenter },
    acceptOverdue: acceptOverdue(app, ctx.now),
    test: app.test,
    createdAt: app.createdAt.toISOString(),
  }));
}

export async function listApplications(ctx: ServiceContext, openid: string): Promise<ApplicationListEntry[]> {
  return listEntries(ctx, await ctx.store.applications.listByApplicant(openid));
}

export async function getApplication(ctx: ServiceContext, openid: string, id: string): Promise<ApplicationView> {
  return applicationView(ctx, await ownApplication(ctx, openid, id));
}
