import { randomBytes } from 'node:crypto';
import {
  applyMove,
  isFinal,
  RATABLE,
  RATING_LABELS,
  FOLLOW_UP_AT_OR_BELOW,
  stepOf,
  TRANSFER_ACCEPT_WORKING_DAYS,
  WITHDRAWABLE,
  type ApplicationListEntry,
  type ApplicationView,
  type Move,
  type RatingScore,
  type RatingView,
  type TimelineEntry,
  type TransferPayload,
} from '../../../src/core/applications';
import type { Center } from '../../../src/core/centers';
import { AppError } from '../../../src/core/errors';
import { maskDocNumber, maskName, maskPhone } from '../../../src/core/identity';
import { shanghaiDate } from '../../../src/core/time';
import { addWorkingDays } from '../../../src/core/working-days';
import { open, seal, SEALED_FIELDS } from '../crypto/personal-data';
import { newWebhookId } from '../delivery/signing';
import type { FunctionContext } from '../runtime/define';
import type { ApplicationEventRecord, ApplicationRecord, DocumentRecord, OutboxRecord, OutboxType, RatingRecord, Transition } from '../store/port';
import { catalogCenter } from './centers';
import { requireVerifiedIdentity } from './identity';
import { notifyApplicant } from './notify';

export type Ctx = Pick<FunctionContext, 'store' | 'outside' | 'log'> & { now: Date };

/** Application ids: 20 characters of [a-z0-9], unguessable. */
function newApplicationId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(20), (b) => alphabet[b % alphabet.length]).join('');
}

/** Masks an account number like an ID: first and last character. */
const maskAccount = (account: string) => maskDocNumber(account);

async function centerOrFail(ctx: Ctx, code: string, field: string): Promise<Center> {
  const center = await catalogCenter(ctx.store, code, ctx.now);
  if (!center) throw new AppError('CENTER_NOT_FOUND', '没有找到这个中心，请重新选择', { [field]: '没有找到这个中心' });
  return center;
}

function outboxRecord(app: ApplicationRecord, centerCode: string, type: OutboxType, at: Date): OutboxRecord {
  return { id: newWebhookId(), applicationId: app.id, centerCode, type, createdAt: at, dueAt: at, attempts: 0, state: 'pending', lastError: null, deliveredAt: null };
}

/** Whether the center takes deliveries by API; otherwise it works in the portal workbench. */
async function takesApi(ctx: Ctx, centerCode: string): Promise<boolean> {
  return (await ctx.store.endpoints.get(centerCode))?.mode === 'api';
}

/**
 * Stores a transfer-continuation application and, in the same transaction, the delivery owed to the
 * transfer-in center (or puts it straight into that center's workbench when the center has no API).
 * A repeated requestId answers the first application's id; a second transfer in flight from the same
 * transfer-out center is refused.
 */
export async function submitTransfer(ctx: Ctx, openid: string, requestId: string, payload: TransferPayload): Promise<{ id: string }> {
  const identity = await requireVerifiedIdentity(ctx, openid);
  await centerOrFail(ctx, payload.transferOutCenter, 'payload.transferOutCenter');
  const transferIn = await centerOrFail(ctx, payload.transferInCenter, 'payload.transferInCenter');
  const keyring = ctx.outside.keyring();
  const today = shanghaiDate(ctx.now);
  const app: ApplicationRecord = {
    id: newApplicationId(),
    type: 'transfer',
    openid,
    requestId,
    status: 'submitted',
    platformCode: null,
    responsibleCenter: transferIn.code,
    centers: [
      { code: payload.transferInCenter, role: 'transfer-in' },
      { code: payload.transferOutCenter, role: 'transfer-out' },
    ],
    inFlightKey: `transfer:${openid}:${payload.transferOutCenter}`,
    letterNumber: null,
    applicant: { docType: identity.docType, nameSealed: identity.nameSealed, docNumberSealed: identity.docNumberSealed },
    payloadSealed: seal(keyring, SEALED_FIELDS.applicationPayload, JSON.stringify(payload)),
    acceptBy: addWorkingDays(today, TRANSFER_ACCEPT_WORKING_DAYS),
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const event = (e: Pick<ApplicationEventRecord, 'actor' | 'actorId' | 'from' | 'to' | 'message'>): ApplicationEventRecord => ({
    applicationId: app.id,
    at: ctx.now,
    platformCode: null,
    centerCode: transferIn.code,
    ...e,
  });
  const events = [event({ actor: 'employee', actorId: openid, from: null, to: 'submitted', message: `向${transferIn.name}提交转移接续申请` })];
  const api = await takesApi(ctx, transferIn.code);
  const outbox = api ? [outboxRecord(app, transferIn.code, 'application.submitted', ctx.now)] : [];
  if (!api) {
    app.status = 'delivered';
    events.push(event({ actor: 'relay', actorId: 'relay', from: 'submitted', to: 'delivered', message: '申请已送达中心办理工作台' }));
  }
  const letterPrefix = `${transferIn.code}${today.slice(2, 4)}${today.slice(5, 7)}${today.slice(8, 10)}`;
  const outcome = await ctx.store.applications.create(app, events, outbox, letterPrefix);
  switch (outcome.kind) {
    case 'duplicate':
      return { id: outcome.id };
    case 'in-flight':
      throw new AppError('APPLICATION_IN_FLIGHT', '您从该转出地中心转出的申请正在办理中，办结或撤销后才能再次申请', {
        'payload.transferOutCenter': '已有一笔从该中心转出的申请正在办理',
      });
    case 'created':
      if (api) ctx.outside.nudgeRelay();
      return { id: app.id };
  }
}

/** The caller's own application, or APPLICATION_NOT_FOUND (also for someone else's: no hint it exists). */
export async function ownApplication(ctx: Ctx, openid: string, id: string): Promise<ApplicationRecord> {
  const app = await ctx.store.applications.get(id);
  if (!app || app.openid !== openid) throw new AppError('APPLICATION_NOT_FOUND', '没有找到这笔申请');
  return app;
}

export const acceptOverdue = (app: ApplicationRecord, now: Date) =>
  (app.status === 'submitted' || app.status === 'delivered') && shanghaiDate(now) > app.acceptBy;

export async function centersByCode(ctx: Ctx, codes: readonly string[]): Promise<Map<string, Center>> {
  const found = await Promise.all([...new Set(codes)].map((code) => catalogCenter(ctx.store, code, ctx.now)));
  return new Map(found.filter((c): c is Center => c !== undefined).map((c) => [c.code, c]));
}

export function timelineOf(events: readonly ApplicationEventRecord[]): TimelineEntry[] {
  return events.map((e) => ({
    at: e.at.toISOString(),
    actor: e.actor,
    step: stepOf({ status: e.to, platformCode: e.platformCode }),
    status: e.to,
    platformCode: e.platformCode,
    centerCode: e.centerCode,
    message: e.message,
  }));
}

/** The form as submitted, in full (for the center's staff) or masked (for the employee). */
export function formLines(ctx: Ctx, app: ApplicationRecord, centers: Map<string, Center>, masked: boolean) {
  const form = JSON.parse(open(ctx.outside.keyring(), SEALED_FIELDS.applicationPayload, app.payloadSealed)) as TransferPayload;
  const name = (code: string) => centers.get(code)?.name ?? code;
  const show = (value: string, mask: (v: string) => string) => (masked ? mask(value) : value);
  return [
    { label: '转出地中心', value: name(form.transferOutCenter) },
    { label: '转入地中心', value: name(form.transferInCenter) },
    { label: '原单位名称', value: form.formerEmployer },
    { label: '原个人账号', value: form.formerAccount ? show(form.formerAccount, maskAccount) : '未填写' },
    { label: '现单位名称', value: form.newEmployer },
    { label: '现个人账号', value: show(form.newAccount, maskAccount) },
    { label: '手机号码', value: show(form.phone, maskPhone) },
  ];
}

/** What the employee sees of an application: masked personal data, the timeline, the deadline. */
export async function applicationView(ctx: Ctx, app: ApplicationRecord): Promise<ApplicationView> {
  const [events, documents, centers, rating] = await Promise.all([
    ctx.store.applications.events(app.id),
    ctx.store.applications.documents(app.id),
    centersByCode(ctx, app.centers.map((c) => c.code)),
    ctx.store.ratings.get(app.id),
  ]);
  const keyring = ctx.outside.keyring();
  return {
    id: app.id,
    type: app.type,
    status: app.status,
    platformCode: app.platformCode,
    step: stepOf(app),
    letterNumber: app.letterNumber,
    centers: app.centers.map((c) => ({ code: c.code, role: c.role, name: centers.get(c.code)?.name ?? c.code, phone: centers.get(c.code)?.phone ?? '12329' })),
    summary: [
      { label: '申请人', value: maskName(open(keyring, SEALED_FIELDS.name, app.applicant.nameSealed)) },
      { label: '证件号码', value: maskDocNumber(open(keyring, SEALED_FIELDS.docNumber, app.applicant.docNumberSealed)) },
      ...formLines(ctx, app, centers, true),
    ],
    events: timelineOf(events),
    documents: documents.map(documentView),
    acceptBy: app.acceptBy,
    acceptOverdue: acceptOverdue(app, ctx.now),
    canWithdraw: WITHDRAWABLE.includes(app.status),
    rating: rating ? ratingView(rating) : null,
    canRate: !rating && RATABLE.includes(app.status),
    createdAt: app.createdAt.toISOString(),
  };
}

export const ratingView = (r: RatingRecord): RatingView => ({ score: r.score, label: RATING_LABELS[r.score], comment: r.comment, at: r.at.toISOString() });

const documentView = (d: DocumentRecord) => ({ id: d.id, name: d.name, contentType: d.contentType, sha256: d.sha256, size: d.size });

export async function listEntries(ctx: Ctx, apps: readonly ApplicationRecord[]): Promise<ApplicationListEntry[]> {
  const centers = await centersByCode(ctx, apps.map((a) => a.responsibleCenter));
  return apps.map((app) => ({
    id: app.id,
    type: app.type,
    status: app.status,
    step: stepOf(app),
    letterNumber: app.letterNumber,
    responsibleCenter: { code: app.responsibleCenter, name: centers.get(app.responsibleCenter)?.name ?? app.responsibleCenter },
    acceptOverdue: acceptOverdue(app, ctx.now),
    createdAt: app.createdAt.toISOString(),
  }));
}

export async function listApplications(ctx: Ctx, openid: string): Promise<ApplicationListEntry[]> {
  return listEntries(ctx, await ctx.store.applications.listByApplicant(openid));
}

export async function getApplication(ctx: Ctx, openid: string, id: string): Promise<ApplicationView> {
  return applicationView(ctx, await ownApplication(ctx, openid, id));
}

/** Who makes a move, as written in the log. */
export interface Mover {
  actor: ApplicationEventRecord['actor'];
  actorId: string;
  centerCode: string | null;
}

export type MoveOutcome = { kind: 'applied'; app: ApplicationRecord } | { kind: 'unchanged'; app: ApplicationRecord } | { kind: 'duplicate'; app: ApplicationRecord };

/** Tries a move this many times when another writer got in first. */
const STALE_RETRIES = 5;

/**
 * Moves an application through the state machine, once: re-reads and re-checks when another writer
 * moved it first; a refused move raises ILLEGAL_TRANSITION with the reason. `extras` makes what the move
 * brings (deliveries owed, documents, the center's webhook-id) part of the same transaction.
 */
export async function moveApplication(
  ctx: Ctx,
  id: string,
  mover: Mover,
  move: Move,
  message: string,
  extras: (app: ApplicationRecord) => Pick<Transition, 'outbox' | 'documents' | 'receipt'> = () => ({}),
): Promise<MoveOutcome> {
  for (let attempt = 0; attempt < STALE_RETRIES; attempt++) {
    const app = await ctx.store.applications.get(id);
    if (!app) throw new AppError('APPLICATION_NOT_FOUND', '没有找到这笔申请');
    const result = applyMove(app, move);
    if (!result.ok) {
      if (result.unchanged) return { kind: 'unchanged', app };
      throw new AppError('ILLEGAL_TRANSITION', result.reason);
    }
    const outcome = await ctx.store.applications.transition({
      id,
      expected: { status: app.status, platformCode: app.platformCode },
      next: result.next,
      event: { applicationId: id, at: ctx.now, ...mover, from: app.status, to: result.next.status, platformCode: result.next.platformCode, message },
      ...extras(app),
    });
    if (outcome === 'duplicate') return { kind: 'duplicate', app };
    if (outcome === 'applied') {
      const moved = { ...app, ...result.next, updatedAt: ctx.now, inFlightKey: isFinal(result.next.status) ? null : app.inFlightKey };
      if (mover.actor !== 'employee') await notifyApplicant(ctx, moved, message);
      return { kind: 'applied', app: moved };
    }
  }
  throw new Error(`application ${id} kept changing under ${STALE_RETRIES} attempts`);
}

/** The employee withdraws before the transfer-out center confirms receipt; a center with an API is told. */
export async function withdrawApplication(ctx: Ctx, openid: string, id: string): Promise<ApplicationView> {
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
export async function rateApplication(ctx: Ctx, openid: string, id: string, score: RatingScore, comment: string | undefined): Promise<ApplicationView> {
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
