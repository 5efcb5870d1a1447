import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CONSENT_VERSION } from '../../../src/core/consent';
import { handCode, HAND_CODE_LENGTH } from '../../../src/core/codes';
import { AppError } from '../../../src/core/errors';
import { COUNTER_CODE_TTL_DAYS, docNumberKeyForm, FRESH_IDENTITY_MAX_AGE_HOURS, maskDocNumber, maskName, maskPhone, type CounterRequestView, type FormPrefill, type IdentityView, type RealName } from '../../../src/core/identity';
import { formatShanghai, shanghaiDay } from '../../../src/core/time';
import { ATTEMPTS_KEPT_DAYS } from '../../../src/core/privacy';
import { lookupHash, open, seal, SEALED_FIELDS, sealedAs, type Keyring } from '../crypto/personal-data';
import { requireStaffCenter, type Caller, type ServiceContext } from '../runtime/define';
import type { ApplicationRecord, CounterRequest, IdentityRecord } from '../store/port';
import { certHash, isVerified, WechatApiError, type CertInfo } from '../wechat';
import { notifyBindingMoved } from './notify';

/** WeChat gives a verify_id 3600 s; after that a confirmation is refused whatever WeChat says, and the session is deleted. */
export const VERIFY_ID_TTL_MS = 3600 * 1000;
/*
 * The limits, and whom each counts against (China days). An ID number counts by its type-independent look-up
 * (documentLookup). A person's own attempts count per openid and per (ID, openid) pair; across all accounts
 * one ID has a separate, higher cap, so a stranger who knows an ID number cannot use up its owner's day (the
 * owner's own pair stays free until the cross-account cap, which takes several accounts of the stranger's to
 * reach). An ID number staff type wrong at the counter counts against the staff member and that request, never
 * against the ID's owner. Every attempt is counted in one step before it is compared (see takeTries).
 */
/** Face verifications a person may start a day; for one ID by one person; for one ID across all people. */
export const MAX_STARTS_PER_OPENID = 10;
export const MAX_STARTS_PER_DOC_PER_OPENID = 5;
export const MAX_STARTS_PER_DOC = 20;
/** Counter codes a person may ask for a day; naming one ID by one person; naming one ID across all people. */
export const MAX_COUNTER_REQUESTS_PER_OPENID = 5;
export const MAX_COUNTER_REQUESTS_PER_DOC_PER_OPENID = 3;
export const MAX_COUNTER_REQUESTS_PER_DOC = 10;
/** Failed face verifications a day: of a person; of one ID by one person; of one ID across all people. */
export const MAX_FAILURES_PER_OPENID = 5;
export const MAX_FAILURES_PER_DOC_PER_OPENID = 3;
export const MAX_FAILURES_PER_DOC = 10;
/** ID numbers a staff member may type wrong at the counter a day, and that may be typed wrong for one code ever. */
export const MAX_MISMATCHES_PER_STAFF = 5;
export const MAX_MISMATCHES_PER_REQUEST = 3;
/** How long a person is shown a notice about their binding on 我的. */
export const NOTICE_DAYS = 30;
/** How long a counter-verification code may be shown at a window (src/core/identity.ts). */
export const COUNTER_CODE_TTL_MS = COUNTER_CODE_TTL_DAYS * 24 * 3600 * 1000;

const FIELD = SEALED_FIELDS;
const WECHAT_DOWN = '微信人脸核身服务暂时不可用，请稍后再试，或选择到中心柜台核验';
const NOTICE_ACTION = 'identity.notice';

/**
 * The keyed look-up of an ID number ("is it bound elsewhere", the per-ID limits, staff's own applications); the
 * only derivative of an ID number kept. It is the number alone, whatever the document type (a resident ID is
 * only taken as type 01, nor may another type's letters and digits contain one: docNumberProblem) and it is built
 * from the letters and digits alone (docNumberKeyForm), so no other type or added mark makes a second key for one person. Bindings made
 * before this derivation (type:number) no longer match: nothing had launched, and they verify again.
 */
export const documentLookup = (keyring: Keyring, docNumber: string) => lookupHash(keyring, FIELD.docLookup, docNumberKeyForm(docNumber));
const docLookupOf = (ctx: ServiceContext, docNumber: string) => documentLookup(ctx.outside.keyring(), docNumber);

/** Failures of a subject since `since`: its tries less those given back (takeTries). */
export async function failuresSince(store: ServiceContext['store'], subject: string, since: Date): Promise<number> {
  return (await store.attempts.failuresSince(`try:${subject}`, since)) - (await store.attempts.failuresSince(`ok:${subject}`, since));
}

interface TryLimit {
  subject: string;
  limit: number;
  /** The window's start: a China day's start, or a fixed instant such as a request's creation. */
  since: Date;
  refused: () => AppError;
}

/**
 * Failure limits that hold under parallel calls: before it is compared, each attempt takes a slot of each
 * subject in one step (attempts.recordIfUnder on `try:<subject>`) while the subject's tries less its given-back
 * ones (`ok:<subject>`) are under the limit; an attempt that did not fail gives its slots back (`passed`). The
 * given-back count read before a slot is taken can only grow, so however many calls race, no subject gets more
 * than `limit` failed attempts compared. The attempts are `openid`'s, who tries (the person, or staff at the counter).
 */
async function takeTries(ctx: ServiceContext, openid: string, limits: TryLimit[]): Promise<{ passed: () => Promise<void> }> {
  const taken: TryLimit[] = [];
  const giveBack = async () => {
    for (const { subject } of taken) await ctx.store.attempts.recordFailure(`ok:${subject}`, ctx.now, openid);
  };
  for (const entry of limits) {
    const given = await ctx.store.attempts.failuresSince(`ok:${entry.subject}`, entry.since);
    if (!(await ctx.store.attempts.recordIfUnder(`try:${entry.subject}`, entry.since, entry.limit + given, ctx.now, openid))) {
      await giveBack();
      throw entry.refused();
    }
    taken.push(entry);
  }
  return { passed: giveBack };
}

/** A person's face failures count per openid, per (ID, openid) pair, and per ID across all accounts. */
function faceFailureLimits(ctx: ServiceContext, openid: string, docLookup: string): TryLimit[] {
  const { start, end } = shanghaiDay(ctx.now);
  const refused = () => new AppError('TOO_MANY_ATTEMPTS', `今日核验失败次数已达上限，请于 ${formatShanghai(end)} 后再试，或到中心柜台核验`);
  return [
    { subject: `face:openid:${openid}`, limit: MAX_FAILURES_PER_OPENID, since: start, refused },
    { subject: `face:doc:${docLookup}:openid:${openid}`, limit: MAX_FAILURES_PER_DOC_PER_OPENID, since: start, refused },
    { subject: `face:doc:${docLookup}`, limit: MAX_FAILURES_PER_DOC, since: start, refused },
  ];
}

/** Refuses a start at once when a face-failure limit is used up (confirming counts each attempt in one step). */
async function assertUnderLimits(ctx: ServiceContext, openid: string, docLookup: string): Promise<void> {
  for (const { subject, limit, since, refused } of faceFailureLimits(ctx, openid, docLookup)) {
    if ((await failuresSince(ctx.store, subject, since)) >= limit) throw refused();
  }
}

/**
 * Takes one of today's slots for each subject in turn, each checked and recorded in one step (so parallel
 * calls cannot pass the last slot), or refuses with the time to retry. A call refused by a later subject has
 * used an earlier one's slot: every attempt counts, refused or not.
 */
export async function takeSlots(ctx: ServiceContext, openid: string, limits: { subject: string; limit: number }[], what: string): Promise<void> {
  const { start, end } = shanghaiDay(ctx.now);
  for (const { subject, limit } of limits) {
    if (!(await ctx.store.attempts.recordIfUnder(subject, start, limit, ctx.now, openid))) {
      throw new AppError('TOO_MANY_ATTEMPTS', `今日${what}次数已达上限，请于 ${formatShanghai(end)} 后再试`);
    }
  }
}

/**
 * An ID number is taken only from a person who agreed to the current consent text: the version the page
 * showed (sent with the form) and the one the person's latest recorded consent names.
 */
async function requireConsent(ctx: ServiceContext, openid: string, consentVersion: string): Promise<void> {
  if (consentVersion !== CONSENT_VERSION) {
    throw new AppError('CONSENT_REQUIRED', '授权说明已更新，请重新阅读并同意后再提交', { consentVersion: '不是当前的授权说明版本' });
  }
  if ((await ctx.store.consents.latest(openid))?.version !== CONSENT_VERSION) {
    throw new AppError('CONSENT_REQUIRED', '请先阅读并同意授权说明，再提交姓名和证件号码', { consentVersion: '尚未同意当前的授权说明' });
  }
}

/** Sessions live an hour at most: every start and confirmation deletes the older ones (the daily timer too). */
export async function removeStaleVerifications(ctx: Pick<ServiceContext, 'store' | 'now'>): Promise<number> {
  return ctx.store.verifications.removeOlderThan(new Date(ctx.now.getTime() - VERIFY_ID_TTL_MS));
}

/**
 * How long an attempt is kept, as the privacy policy says (ATTEMPTS_KEPT_DAYS): the longest window any limit counts in,
 * a counter code's life (its mismatches count since it was made, COUNTER_CODE_TTL_DAYS); the others count a China day or an hour.
 */
export const ATTEMPTS_KEPT_MS = ATTEMPTS_KEPT_DAYS * 24 * 3600 * 1000;

/** The daily run's removal of attempts no limit counts any more (their subjects name openids and the ID's lookups). */
export async function removeOldAttempts(ctx: Pick<ServiceContext, 'store' | 'now'>): Promise<number> {
  return ctx.store.attempts.removeOlderThan(new Date(ctx.now.getTime() - ATTEMPTS_KEPT_MS));
}

/** Step 1: asks WeChat for a verify_id for this person and remembers what was asked (sealed). */
export async function startFaceVerification(ctx: ServiceContext, openid: string, form: RealName, consentVersion: string): Promise<{ verifyId: string }> {
  if (form.docType !== '01') {
    throw new AppError('FACE_UNSUPPORTED', '人脸核身仅支持居民身份证，其他证件请到中心柜台核验', { docType: '人脸核身仅支持居民身份证' });
  }
  await requireConsent(ctx, openid, consentVersion);
  const docLookup = docLookupOf(ctx, form.docNumber);
  await assertUnderLimits(ctx, openid, docLookup);
  await takeSlots(
    ctx,
    openid,
    [
      { subject: `start:openid:${openid}`, limit: MAX_STARTS_PER_OPENID },
      { subject: `start:doc:${docLookup}:openid:${openid}`, limit: MAX_STARTS_PER_DOC_PER_OPENID },
      { subject: `start:doc:${docLookup}`, limit: MAX_STARTS_PER_DOC },
    ],
    '发起人脸核身的',
  );
  await removeStaleVerifications(ctx);
  const cert: CertInfo = { certType: 'IDENTITY_CARD', certName: form.name, certNo: form.docNumber };
  const outSeqNo = randomBytes(16).toString('hex');
  let verifyId: string;
  try {
    ({ verifyId } = await ctx.outside.wechat().getVerifyId({ outSeqNo, cert, openid }));
  } catch (error) {
    if (error instanceof WechatApiError) throw new AppError('WECHAT_UNAVAILABLE', WECHAT_DOWN);
    throw error;
  }
  const keyring = ctx.outside.keyring();
  await ctx.store.verifications.create({
    verifyId,
    outSeqNo,
    openid,
    docType: form.docType,
    nameSealed: seal(keyring, sealedAs.name(openid), form.name),
    docNumberSealed: seal(keyring, sealedAs.docNumber(openid), form.docNumber),
    docLookup,
    createdAt: ctx.now,
  });
  return { verifyId };
}

function viewOf(ctx: ServiceContext, record: IdentityRecord | undefined): IdentityView {
  if (!record) return { status: 'none' };
  const keyring = ctx.outside.keyring();
  return {
    status: record.expiresAt > ctx.now ? 'verified' : 'expired',
    method: record.method,
    nameMasked: maskName(open(keyring, sealedAs.name(record.openid), record.nameSealed)),
    docType: record.docType,
    docNumberMasked: maskDocNumber(open(keyring, sealedAs.docNumber(record.openid), record.docNumberSealed)),
    ...(record.phoneSealed ? { phoneMasked: maskPhone(open(keyring, sealedAs.phone(record.openid), record.phoneSealed)) } : {}),
    expiresAt: record.expiresAt.toISOString(),
  };
}

/** Where a binding was made, for the notice to the person who lost it. */
type BoundAt = { method: 'face' } | { method: 'counter'; centerCode: string };

/**
 * Binds a verified identity to its openid, ending and logging any other binding of the same document; the
 * person who lost it is told (a notice on 我的 and a subscribe message) when and where.
 */
async function bindIdentity(ctx: ServiceContext, record: IdentityRecord, actor: string, where: BoundAt): Promise<void> {
  const { endedOpenid } = await ctx.store.identities.bind(record);
  await ctx.store.audit.append({ at: ctx.now, actor, action: 'identity.bound', subject: `openid:${record.openid}`, detail: record.method });
  if (!endedOpenid) return;
  const how = record.method === 'face' ? '人脸核身' : '柜台核验';
  await ctx.store.audit.append({ at: ctx.now, actor, action: 'identity.binding-ended', subject: `openid:${endedOpenid}`, detail: `证件改由 ${record.openid} 经${how}绑定` });
  const place = where.method === 'counter' ? ((await ctx.store.centers.get(where.centerCode))?.name ?? `${where.centerCode} 中心`) : '人脸核身';
  const text =
    where.method === 'counter'
      ? `您的证件已于 ${formatShanghai(ctx.now)} 在${place}柜台核验后绑定到另一个微信账号，本账号的实名核验已解除。如非本人办理，请尽快联系该中心或拨打 12329。`
      : `您的证件已于 ${formatShanghai(ctx.now)} 经人脸核身绑定到另一个微信账号，本账号的实名核验已解除。如非本人办理，请拨打 12329 反映。`;
  await ctx.store.audit.append({ at: ctx.now, actor, action: NOTICE_ACTION, subject: `openid:${endedOpenid}`, detail: text });
  await notifyBindingMoved(ctx, endedOpenid, ctx.now, place);
}

const validUntil = (ctx: ServiceContext) => new Date(ctx.now.getTime() + ctx.outside.identityValidDays * 24 * 3600 * 1000);

/**
 * Step 2: asks WeChat itself whether the face matched. What the mini-program reports counts for
 * nothing; only errcode 0 with verify_ret 10000 for the same out_seq_no, openid and cert_hash binds.
 * The cert_hash is computed here from the sealed name and number; the session is deleted once used.
 */
export async function confirmFaceVerification(ctx: ServiceContext, openid: string, verifyId: string): Promise<IdentityView> {
  const session = await ctx.store.verifications.get(verifyId);
  if (!session || session.openid !== openid) throw new AppError('VERIFICATION_NOT_FOUND', '没有找到这次核验，请重新开始');
  if (ctx.now.getTime() - session.createdAt.getTime() > VERIFY_ID_TTL_MS) {
    await ctx.store.verifications.remove(verifyId);
    throw new AppError('VERIFICATION_EXPIRED', '核验已超过 1 小时有效期，请重新开始');
  }
  await removeStaleVerifications(ctx);
  // this attempt counts against the failure limits before WeChat's answer is read
  const tries = await takeTries(ctx, openid, faceFailureLimits(ctx, openid, session.docLookup));

  const keyring = ctx.outside.keyring();
  const cert: CertInfo = {
    certType: 'IDENTITY_CARD',
    certName: open(keyring, sealedAs.name(openid), session.nameSealed),
    certNo: open(keyring, sealedAs.docNumber(openid), session.docNumberSealed),
  };
  let answer: Awaited<ReturnType<ReturnType<ServiceContext['outside']['wechat']>['queryVerifyInfo']>>;
  try {
    answer = await ctx.outside.wechat().queryVerifyInfo({ verifyId, outSeqNo: session.outSeqNo, certHash: certHash(cert), openid });
  } catch (error) {
    // the session stays: the person may confirm again once WeChat answers (within the hour)
    await tries.passed();
    if (error instanceof WechatApiError) throw new AppError('WECHAT_UNAVAILABLE', WECHAT_DOWN);
    throw error;
  }

  const used = async () => {
    await tries.passed();
    return new AppError('VERIFICATION_USED', '这次核验已经处理过，请重新开始');
  };
  if (!isVerified(answer)) {
    if (!(await ctx.store.verifications.remove(verifyId))) throw await used();
    // the failure stays counted (its slots are not given back)
    ctx.log.info({ openid, errcode: answer.errcode, verifyRet: answer.verifyRet }, 'face verification failed');
    throw new AppError('VERIFICATION_FAILED', '人脸核身未通过，请确认是本人操作后重试，或到中心柜台核验');
  }
  if (!(await ctx.store.verifications.remove(verifyId))) throw await used();
  await tries.passed();

  const record: IdentityRecord = {
    openid,
    method: 'face',
    docType: session.docType,
    nameSealed: session.nameSealed,
    docNumberSealed: session.docNumberSealed,
    docLookup: session.docLookup,
    phoneSealed: (await ctx.store.identities.get(openid))?.phoneSealed ?? null,
    verifiedAt: ctx.now,
    expiresAt: validUntil(ctx),
  };
  await bindIdentity(ctx, record, openid, { method: 'face' });
  return viewOf(ctx, record);
}

const ROLE_HOLDERS_USE_FACE = '中心工作人员、内部测试人员和监管人员请使用人脸核身完成实名核验，不能使用柜台核验码';

/**
 * The non-face route, step 1: the person gets a code to show at any center's window with their document.
 * Nobody holding a role may ask (staff could otherwise confirm codes for each other).
 */
export async function requestCounterVerification(ctx: ServiceContext, caller: Caller, form: RealName, consentVersion: string): Promise<{ code: string; expiresAt: string }> {
  const { openid } = caller;
  await requireConsent(ctx, openid, consentVersion);
  if (caller.roles.length > 0 || (await ctx.store.roles.rolesOf(openid)).length > 0) throw new AppError('FORBIDDEN', ROLE_HOLDERS_USE_FACE);
  const keyring = ctx.outside.keyring();
  const docLookup = docLookupOf(ctx, form.docNumber);
  // failed face verifications do not stop a counter request: the window is where a person goes after them
  await takeSlots(
    ctx,
    openid,
    [
      { subject: `counter:openid:${openid}`, limit: MAX_COUNTER_REQUESTS_PER_OPENID },
      { subject: `counter:doc:${docLookup}:openid:${openid}`, limit: MAX_COUNTER_REQUESTS_PER_DOC_PER_OPENID },
      { subject: `counter:doc:${docLookup}`, limit: MAX_COUNTER_REQUESTS_PER_DOC },
    ],
    '申请柜台核验码的',
  );
  const code = handCode(randomBytes(HAND_CODE_LENGTH));
  const expiresAt = new Date(ctx.now.getTime() + COUNTER_CODE_TTL_MS);
  await ctx.store.counterRequests.create({
    code,
    openid,
    docType: form.docType,
    nameSealed: seal(keyring, sealedAs.name(openid), form.name),
    docNumberSealed: seal(keyring, sealedAs.docNumber(openid), form.docNumber),
    docLookup,
    createdAt: ctx.now,
    expiresAt,
    status: 'pending',
    confirmedBy: null,
    centerCode: null,
    confirmedByLookup: null,
    secondConfirmedBy: null,
  });
  return { code, expiresAt: expiresAt.toISOString() };
}

/**
 * Staff handle the counter and the workbench only under an identity of their own, current and verified (by
 * face, or at a counter by another staff member), so that their ID's look-up is known: their own applications
 * and counter requests are caught whichever WeChat account they come from.
 */
export async function requireStaffIdentity(ctx: Pick<ServiceContext, 'store' | 'now'>, staff: Caller, what: string): Promise<IdentityRecord> {
  const record = await ctx.store.identities.get(staff.openid);
  if (!record || record.expiresAt <= ctx.now) {
    throw new AppError(
      'IDENTITY_REQUIRED',
      `${record ? '您的实名核验已过期' : '您尚未完成实名核验'}：中心工作人员须先在“我的 → 实名核验”以本人身份完成人脸核身，再${what}`,
    );
  }
  return record;
}

const staffCenter = (caller: Caller) => requireStaffCenter(caller, '办理柜台核验');

/** Whether `openid` still holds the staff role at `centerCode` (read from the store: a revoked role no longer counts). */
const isStaffOf = async (ctx: ServiceContext, openid: string, centerCode: string | null) =>
  (await ctx.store.roles.rolesOf(openid)).some((r) => r.role === 'center-staff' && r.centerCode === centerCode);

/**
 * A code still open at the window, that this staff member may handle: not their own request nor one for their
 * own ID, not one made by anyone holding a role (read from the store), and, once a first staff member
 * confirmed it, only at that member's center. A first confirmation by someone who no longer holds the staff
 * role there is taken back: the request is pending again and needs two confirmations anew.
 */
async function openRequest(ctx: ServiceContext, staff: Caller, centerCode: string, code: string): Promise<CounterRequest> {
  const own = await requireStaffIdentity(ctx, staff, '办理柜台核验');
  let request = await ctx.store.counterRequests.get(code.toUpperCase());
  if (!request || request.expiresAt <= ctx.now) throw new AppError('VERIFICATION_NOT_FOUND', `没有找到这个核验码，或已超过 ${COUNTER_CODE_TTL_DAYS} 天有效期`);
  if (request.status === 'confirmed') throw new AppError('VERIFICATION_USED', '这个核验码已经核验过');
  if (request.openid === staff.openid || request.docLookup === own.docLookup) {
    throw new AppError('FORBIDDEN', '不能核验本人申请的核验码，请由其他工作人员为您办理');
  }
  if ((await ctx.store.roles.rolesOf(request.openid)).length > 0) {
    throw new AppError('FORBIDDEN', '这个核验码由中心工作人员、内部测试人员或监管人员申请，不能在柜台核验，请其使用人脸核身');
  }
  if (request.status === 'awaiting-second' && request.confirmedBy !== null && !(await isStaffOf(ctx, request.confirmedBy, request.centerCode))) {
    if (await ctx.store.counterRequests.reopen(request.code, request.confirmedBy)) {
      await ctx.store.audit.append({
        at: ctx.now,
        actor: staff.openid,
        action: 'identity.counter-first-withdrawn',
        subject: `openid:${request.openid}`,
        detail: `${request.centerCode ?? ''}：首次确认人 ${request.confirmedBy} 已不再是该中心工作人员，核验码恢复为待核验`,
      });
    }
    request = await ctx.store.counterRequests.get(request.code);
    if (!request || request.status === 'confirmed') throw new AppError('VERIFICATION_USED', '这个核验码已经核验过');
  }
  if (request.status === 'awaiting-second' && request.centerCode !== centerCode) {
    throw new AppError('FORBIDDEN', '这个核验码已由其他中心的工作人员确认，须由该中心另一位工作人员再次确认');
  }
  return request;
}

/** Whether binding this request would take the document from another openid. */
async function movesBinding(ctx: ServiceContext, request: CounterRequest): Promise<boolean> {
  const holder = await ctx.store.identities.holderOf(request.docLookup);
  return holder !== undefined && holder !== request.openid;
}


/**
 * Staff at the window see the full name and the masked number, to compare with the document in hand; each
 * view is logged against the person it concerns.
 */
export async function viewCounterRequest(ctx: ServiceContext, staff: Caller, code: string): Promise<CounterRequestView> {
  const centerCode = staffCenter(staff);
  const request = await openRequest(ctx, staff, centerCode, code);
  const keyring = ctx.outside.keyring();
  await ctx.store.audit.append({ at: ctx.now, actor: staff.openid, action: 'identity.counter-viewed', subject: `openid:${request.openid}`, detail: centerCode });
  return {
    code: request.code,
    name: open(keyring, sealedAs.name(request.openid), request.nameSealed),
    docType: request.docType,
    docNumberMasked: maskDocNumber(open(keyring, sealedAs.docNumber(request.openid), request.docNumberSealed)),
    createdAt: request.createdAt.toISOString(),
    status: request.status === 'awaiting-second' ? 'awaiting-second' : 'pending',
    movesBinding: request.status === 'awaiting-second' || (await movesBinding(ctx, request)),
    confirmedByYou: request.status === 'awaiting-second' && request.confirmedBy === staff.openid,
  };
}

/**
 * The non-face route, step 2: staff type the number from the document in hand; it must match the request.
 * The identity then binds as "counter", unless it would take the document from another WeChat account: then
 * a second, different staff member of the same center must confirm too, and the account that loses it is told.
 */
export async function confirmCounterRequest(ctx: ServiceContext, staff: Caller, code: string, typedDocNumber: string): Promise<{ status: 'confirmed' | 'awaiting-second' }> {
  const centerCode = staffCenter(staff);
  const request = await openRequest(ctx, staff, centerCode, code);
  const used = () => new AppError('VERIFICATION_USED', '这个核验码已经核验过');
  // the same person on a second staff account (their identity moved there by face) is still the first confirmer
  const ownLookup = (await requireStaffIdentity(ctx, staff, '办理柜台核验')).docLookup;
  if (request.status === 'awaiting-second' && (request.confirmedBy === staff.openid || request.confirmedByLookup === ownLookup)) {
    throw new AppError('FORBIDDEN', '您已确认过这个核验码，须由本中心另一位工作人员再次核对证件并确认');
  }

  // each typed number counts before it is compared, against the staff member and this request (never the ID's owner)
  const { start, end } = shanghaiDay(ctx.now);
  const tries = await takeTries(ctx, staff.openid, [
    { subject: `staff:${staff.openid}`, limit: MAX_MISMATCHES_PER_STAFF, since: start, refused: () => new AppError('TOO_MANY_ATTEMPTS', `今日核对不符次数已达上限，请于 ${formatShanghai(end)} 后再试`) },
    {
      subject: `request:${request.code}`,
      limit: MAX_MISMATCHES_PER_REQUEST,
      since: request.createdAt,
      refused: () => new AppError('TOO_MANY_ATTEMPTS', `这个核验码已核对不符 ${MAX_MISMATCHES_PER_REQUEST} 次，不能再核验，请申请人重新申请核验码`),
    },
  ]);
  const keyring = ctx.outside.keyring();
  const onFile = open(keyring, sealedAs.docNumber(request.openid), request.docNumberSealed);
  if (!sameText(typedDocNumber, onFile)) {
    await ctx.store.audit.append({ at: ctx.now, actor: staff.openid, action: 'identity.counter-mismatch', subject: `openid:${request.openid}`, detail: centerCode });
    throw new AppError('VALIDATION_FAILED', '输入的证件号码与核验码登记的不一致，请核对证件原件后重新输入', { docNumber: '与核验码登记的证件号码不一致' });
  }
  await tries.passed();

  if (request.status === 'pending' && (await movesBinding(ctx, request))) {
    if (!(await ctx.store.counterRequests.confirm(request.code, staff.openid, centerCode, 'awaiting-second', ownLookup))) throw used();
    await ctx.store.audit.append({ at: ctx.now, actor: staff.openid, action: 'identity.counter-first-confirmed', subject: `openid:${request.openid}`, detail: centerCode });
    return { status: 'awaiting-second' };
  }
  const confirmed =
    request.status === 'pending'
      ? await ctx.store.counterRequests.confirm(request.code, staff.openid, centerCode, 'confirmed', ownLookup)
      : await ctx.store.counterRequests.confirmSecond(request.code, staff.openid, ownLookup);
  if (!confirmed) throw used();
  const record: IdentityRecord = {
    openid: request.openid,
    method: 'counter',
    docType: request.docType,
    nameSealed: request.nameSealed,
    docNumberSealed: request.docNumberSealed,
    docLookup: request.docLookup,
    phoneSealed: (await ctx.store.identities.get(request.openid))?.phoneSealed ?? null,
    verifiedAt: ctx.now,
    expiresAt: validUntil(ctx),
  };
  await bindIdentity(ctx, record, staff.openid, { method: 'counter', centerCode });
  return { status: 'confirmed' };
}

/** Compares two numbers in constant time (a typed number is not to be probed by timing). */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The person's masked identity, with the notices about their binding of the last NOTICE_DAYS days (newest first). */
export async function identityStatus(ctx: ServiceContext, openid: string): Promise<IdentityView> {
  const view = viewOf(ctx, await ctx.store.identities.get(openid));
  const since = ctx.now.getTime() - NOTICE_DAYS * 24 * 3600 * 1000;
  const notices = (await ctx.store.audit.listFor(`openid:${openid}`))
    .filter((e) => e.action === NOTICE_ACTION && e.at.getTime() >= since)
    .reverse()
    .map((e) => ({ at: e.at.toISOString(), text: e.detail }));
  return notices.length > 0 ? { ...view, notices } : view;
}

export async function recordConsent(ctx: ServiceContext, openid: string, version: string): Promise<{ version: string; at: string }> {
  if (version !== CONSENT_VERSION) throw new AppError('VALIDATION_FAILED', '授权说明已更新，请重新阅读后同意', { version: '不是当前的授权说明版本' });
  await ctx.store.consents.record({ openid, version, at: ctx.now });
  return { version, at: ctx.now.toISOString() };
}

/** The person's identity if it is verified and current; every in-app application starts here. */
export async function requireVerifiedIdentity(ctx: ServiceContext, openid: string): Promise<IdentityRecord> {
  return verifiedOrFail(await ctx.store.identities.get(openid), ctx.now);
}

/** The refusal of someone with no identity: never verified, unbound, or gone while they submitted (ApplicationRepository.create). */
export const identityMissing = () => new AppError('IDENTITY_REQUIRED', '请先完成实名核验再办理');

/** The identity as read, when it is verified and not expired at `now`; else IDENTITY_REQUIRED saying which. */
export function verifiedOrFail(record: IdentityRecord | undefined, now: Date): IdentityRecord {
  if (!record) throw identityMissing();
  if (record.expiresAt <= now) throw new AppError('IDENTITY_REQUIRED', '实名核验已过期，请重新核验后办理');
  return record;
}

/**
 * The identity when it is current and was checked within FRESH_IDENTITY_MAX_AGE_HOURS of `now`, for what hands out a
 * person's data in full or as proof (亮码, 下载我的数据): else IDENTITY_REQUIRED saying why and to verify again
 * before `what`. Someone with no identity (never verified, or unbound) cannot show who holds the phone either.
 */
export function freshIdentityOrFail(record: IdentityRecord | undefined, now: Date, what: string): IdentityRecord {
  const again = '：在“我的”中点“实名核验”';
  if (!record) throw new AppError('IDENTITY_REQUIRED', `${what}前请先完成实名核验，确认是您本人${again}`);
  if (record.expiresAt <= now) throw new AppError('IDENTITY_REQUIRED', `${what}前请重新完成实名核验（实名核验已过期）${again}`);
  if (now.getTime() - record.verifiedAt.getTime() > FRESH_IDENTITY_MAX_AGE_HOURS * 3600_000) {
    throw new AppError('IDENTITY_REQUIRED', `${what}前请重新完成实名核验（上次核验在 ${formatShanghai(record.verifiedAt)}，已超过 ${FRESH_IDENTITY_MAX_AGE_HOURS} 小时）${again}`);
  }
  return record;
}

/** Whether `app` was made for the ID number of `identity` (by its type-independent look-up), whichever account made it. */
export function isApplicant(keyring: Keyring, identity: Pick<IdentityRecord, 'docLookup'>, app: ApplicationRecord): boolean {
  return documentLookup(keyring, open(keyring, sealedAs.docNumber(app.openid), app.applicant.docNumberSealed)) === identity.docLookup;
}

/**
 * For what hands a case's data or proof to whoever holds the phone (亮码, 下载我的数据), after freshIdentityOrFail: the
 * identity checked must be the applicant of every one of `apps`, else IDENTITY_REQUIRED with `message`. A check proves
 * who verified on the account last, and another person may have verified with their own face on an unlocked phone.
 */
export function holderOrFail(keyring: Keyring, identity: IdentityRecord, apps: readonly ApplicationRecord[], message: string): void {
  if (apps.some((app) => !isApplicant(keyring, identity, app))) throw new AppError('IDENTITY_REQUIRED', message);
}

/**
 * What an application form fills in for the person (their own data, to themselves only): the verified name, which
 * the account name of a withdrawal must match, and the bound phone. Nothing before verification or after it expired.
 */
export async function formPrefill(ctx: ServiceContext, openid: string): Promise<FormPrefill> {
  const record = await ctx.store.identities.get(openid);
  if (!record || record.expiresAt <= ctx.now) return {};
  const keyring = ctx.outside.keyring();
  return {
    name: open(keyring, sealedAs.name(openid), record.nameSealed),
    ...(record.phoneSealed ? { phone: open(keyring, sealedAs.phone(openid), record.phoneSealed) } : {}),
  };
}

/** Exchanges WeChat's phone code server-side and keeps the number sealed. */
export async function bindPhone(ctx: ServiceContext, openid: string, code: string): Promise<IdentityView> {
  await requireVerifiedIdentity(ctx, openid);
  let phone: string;
  try {
    ({ purePhoneNumber: phone } = await ctx.outside.wechat().getPhoneNumber(code));
  } catch (error) {
    if (error instanceof WechatApiError) throw new AppError('WECHAT_UNAVAILABLE', '获取手机号失败，请重试');
    throw error;
  }
  await ctx.store.identities.setPhone(openid, seal(ctx.outside.keyring(), sealedAs.phone(openid), phone));
  return identityStatus(ctx, openid);
}
