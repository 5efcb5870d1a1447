import { randomBytes } from 'node:crypto';
import { CONSENT_VERSION } from '../../../src/core/consent';
import { handCode, HAND_CODE_LENGTH } from '../../../src/core/codes';
import { AppError } from '../../../src/core/errors';
import { maskDocNumber, maskName, maskPhone, type DocType, type IdentityView, type RealName } from '../../../src/core/identity';
import { formatShanghai, shanghaiDay } from '../../../src/core/time';
import { lookupHash, open, seal, SEALED_FIELDS, sealedAs } from '../crypto/personal-data';
import { requireStaffCenter, type Caller, type FunctionContext } from '../runtime/define';
import type { CounterRequest, IdentityRecord } from '../store/port';
import { certHash, isVerified, WechatApiError, type CertInfo } from '../wechat';

/** WeChat gives a verify_id 3600 s; after that a confirmation is refused whatever WeChat says. */
export const VERIFY_ID_TTL_MS = 3600 * 1000;
export const MAX_FAILURES_PER_OPENID = 5;
export const MAX_FAILURES_PER_DOC = 10;
/** How long a counter-verification code may be shown at a window. */
export const COUNTER_CODE_TTL_MS = 7 * 24 * 3600 * 1000;
/** No 0/O, 1/I: the code is read aloud and typed by staff. */

const FIELD = SEALED_FIELDS;
const WECHAT_DOWN = '微信人脸核身服务暂时不可用，请稍后再试，或选择到中心柜台核验';

type Ctx = Pick<FunctionContext, 'store' | 'outside' | 'log'> & { now: Date };

const docLookupOf = (ctx: Ctx, docType: DocType, docNumber: string) => lookupHash(ctx.outside.keyring(), FIELD.docLookup, `${docType}:${docNumber}`);

/** Refuses with the time to retry once a person or a document has used up today's failures. */
async function assertUnderLimits(ctx: Ctx, openid: string, docLookup: string): Promise<void> {
  const { start, end } = shanghaiDay(ctx.now);
  const byPerson = await ctx.store.attempts.failuresSince(`openid:${openid}`, start);
  const byDoc = await ctx.store.attempts.failuresSince(`doc:${docLookup}`, start);
  if (byPerson >= MAX_FAILURES_PER_OPENID || byDoc >= MAX_FAILURES_PER_DOC) {
    throw new AppError('TOO_MANY_ATTEMPTS', `今日核验失败次数已达上限，请于 ${formatShanghai(end)} 后再试，或到中心柜台核验`);
  }
}

/** Step 1: asks WeChat for a verify_id for this person and remembers what was asked. */
export async function startFaceVerification(ctx: Ctx, openid: string, form: RealName): Promise<{ verifyId: string }> {
  if (form.docType !== '01') {
    throw new AppError('FACE_UNSUPPORTED', '人脸核身仅支持居民身份证，其他证件请到中心柜台核验', { docType: '人脸核身仅支持居民身份证' });
  }
  const docLookup = docLookupOf(ctx, form.docType, form.docNumber);
  await assertUnderLimits(ctx, openid, docLookup);
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
    certHash: certHash(cert),
    docType: form.docType,
    nameSealed: seal(keyring, sealedAs.name(openid), form.name),
    docNumberSealed: seal(keyring, sealedAs.docNumber(openid), form.docNumber),
    docLookup,
    createdAt: ctx.now,
    status: 'pending',
  });
  return { verifyId };
}

function viewOf(ctx: Ctx, record: IdentityRecord | undefined): IdentityView {
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

/** Binds a verified identity to its openid, ending and logging any other binding of the same document. */
async function bindIdentity(ctx: Ctx, record: IdentityRecord, actor: string): Promise<void> {
  const { endedOpenid } = await ctx.store.identities.bind(record);
  await ctx.store.audit.append({ at: ctx.now, actor, action: 'identity.bound', subject: `openid:${record.openid}`, detail: record.method });
  if (endedOpenid) {
    const how = record.method === 'face' ? '人脸核身' : '柜台核验';
    await ctx.store.audit.append({ at: ctx.now, actor, action: 'identity.binding-ended', subject: `openid:${endedOpenid}`, detail: `证件改由 ${record.openid} 经${how}绑定` });
  }
}

const validUntil = (ctx: Ctx) => new Date(ctx.now.getTime() + ctx.outside.identityValidDays * 24 * 3600 * 1000);

/**
 * Step 2: asks WeChat itself whether the face matched. What the mini-program reports counts for
 * nothing; only errcode 0 with verify_ret 10000 for the same out_seq_no, openid and cert_hash binds.
 */
export async function confirmFaceVerification(ctx: Ctx, openid: string, verifyId: string): Promise<IdentityView> {
  const session = await ctx.store.verifications.get(verifyId);
  if (!session || session.openid !== openid) throw new AppError('VERIFICATION_NOT_FOUND', '没有找到这次核验，请重新开始');
  if (session.status !== 'pending') throw new AppError('VERIFICATION_USED', '这次核验已经处理过，请重新开始');
  if (ctx.now.getTime() - session.createdAt.getTime() > VERIFY_ID_TTL_MS) {
    await ctx.store.verifications.settle(verifyId, 'failed');
    throw new AppError('VERIFICATION_EXPIRED', '核验已超过 1 小时有效期，请重新开始');
  }

  let answer: Awaited<ReturnType<ReturnType<Ctx['outside']['wechat']>['queryVerifyInfo']>>;
  try {
    answer = await ctx.outside.wechat().queryVerifyInfo({ verifyId, outSeqNo: session.outSeqNo, certHash: session.certHash, openid });
  } catch (error) {
    // the session stays pending: the person may confirm again once WeChat answers
    if (error instanceof WechatApiError) throw new AppError('WECHAT_UNAVAILABLE', WECHAT_DOWN);
    throw error;
  }

  if (!isVerified(answer)) {
    if (!(await ctx.store.verifications.settle(verifyId, 'failed'))) throw new AppError('VERIFICATION_USED', '这次核验已经处理过，请重新开始');
    await ctx.store.attempts.recordFailure(`openid:${openid}`, ctx.now);
    await ctx.store.attempts.recordFailure(`doc:${session.docLookup}`, ctx.now);
    ctx.log.info({ openid, errcode: answer.errcode, verifyRet: answer.verifyRet }, 'face verification failed');
    throw new AppError('VERIFICATION_FAILED', '人脸核身未通过，请确认是本人操作后重试，或到中心柜台核验');
  }
  if (!(await ctx.store.verifications.settle(verifyId, 'verified'))) throw new AppError('VERIFICATION_USED', '这次核验已经处理过，请重新开始');

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
  await bindIdentity(ctx, record, openid);
  return viewOf(ctx, record);
}

/** The non-face route, step 1: the person gets a code to show at any center's window with their document. */
export async function requestCounterVerification(ctx: Ctx, openid: string, form: RealName): Promise<{ code: string; expiresAt: string }> {
  const keyring = ctx.outside.keyring();
  const code = handCode(randomBytes(HAND_CODE_LENGTH));
  const expiresAt = new Date(ctx.now.getTime() + COUNTER_CODE_TTL_MS);
  await ctx.store.counterRequests.create({
    code,
    openid,
    docType: form.docType,
    nameSealed: seal(keyring, sealedAs.name(openid), form.name),
    docNumberSealed: seal(keyring, sealedAs.docNumber(openid), form.docNumber),
    docLookup: docLookupOf(ctx, form.docType, form.docNumber),
    createdAt: ctx.now,
    expiresAt,
    status: 'pending',
    confirmedBy: null,
    centerCode: null,
  });
  return { code, expiresAt: expiresAt.toISOString() };
}

const staffCenter = (caller: Caller) => requireStaffCenter(caller, '办理柜台核验');

async function pendingRequest(ctx: Ctx, code: string): Promise<CounterRequest> {
  const request = await ctx.store.counterRequests.get(code.toUpperCase());
  if (!request || request.expiresAt <= ctx.now) throw new AppError('VERIFICATION_NOT_FOUND', '没有找到这个核验码，或已超过 7 天有效期');
  if (request.status !== 'pending') throw new AppError('VERIFICATION_USED', '这个核验码已经核验过');
  return request;
}

/**
 * Staff at the window see the full name and number, to compare with the document in hand; each view is
 * logged against the person it concerns.
 */
export async function viewCounterRequest(ctx: Ctx, staff: Caller, code: string) {
  const centerCode = staffCenter(staff);
  const request = await pendingRequest(ctx, code);
  const keyring = ctx.outside.keyring();
  await ctx.store.audit.append({ at: ctx.now, actor: staff.openid, action: 'identity.counter-viewed', subject: `openid:${request.openid}`, detail: centerCode });
  return {
    code: request.code,
    name: open(keyring, sealedAs.name(request.openid), request.nameSealed),
    docType: request.docType,
    docNumber: open(keyring, sealedAs.docNumber(request.openid), request.docNumberSealed),
    createdAt: request.createdAt.toISOString(),
  };
}

/** The non-face route, step 2: staff confirm they saw the document; the identity binds as "counter". */
export async function confirmCounterRequest(ctx: Ctx, staff: Caller, code: string): Promise<{ status: 'confirmed' }> {
  const centerCode = staffCenter(staff);
  const request = await pendingRequest(ctx, code);
  if (!(await ctx.store.counterRequests.confirm(request.code, staff.openid, centerCode))) throw new AppError('VERIFICATION_USED', '这个核验码已经核验过');
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
  await bindIdentity(ctx, record, staff.openid);
  return { status: 'confirmed' };
}

export async function identityStatus(ctx: Ctx, openid: string): Promise<IdentityView> {
  return viewOf(ctx, await ctx.store.identities.get(openid));
}

export async function recordConsent(ctx: Ctx, openid: string, version: string): Promise<{ version: string; at: string }> {
  if (version !== CONSENT_VERSION) throw new AppError('VALIDATION_FAILED', '授权说明已更新，请重新阅读后同意', { version: '不是当前的授权说明版本' });
  await ctx.store.consents.record({ openid, version, at: ctx.now });
  return { version, at: ctx.now.toISOString() };
}

/** The person's identity if it is verified and current; every in-app application starts here. */
export async function requireVerifiedIdentity(ctx: Ctx, openid: string): Promise<IdentityRecord> {
  const record = await ctx.store.identities.get(openid);
  if (!record || record.expiresAt <= ctx.now) throw new AppError('IDENTITY_REQUIRED', record ? '实名核验已过期，请重新核验后办理' : '请先完成实名核验再办理');
  return record;
}

/** Exchanges WeChat's phone code server-side and keeps the number sealed. */
export async function bindPhone(ctx: Ctx, openid: string, code: string): Promise<IdentityView> {
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
