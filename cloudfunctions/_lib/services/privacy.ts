import { randomBytes } from 'node:crypto';
import { FIX_SCORE_LABELS, FOLLOW_UP_STATE_LABELS } from '../../../src/core/applications/follow-up-clock';
import { STATUS_LABELS, TYPE_LABELS, CENTER_ROLE_LABELS, RATING_LABELS } from '../../../src/core/applications/status';
import { CODE_READ_LABELS } from '../../../src/core/certificate-code';
import { AppError } from '../../../src/core/errors';
import { DOC_TYPES } from '../../../src/core/identity';
import { DATA_COPIES_PER_DAY, DELETION_DAYS, type DeletionView } from '../../../src/core/privacy';
import { formatShanghai } from '../../../src/core/time';
import { openPayload } from '../applications/payload';
import { formLines } from '../applications/views';
import { open, seal, sealedAs } from '../crypto/personal-data';
import type { MadeFileLink } from '../../../src/core/files';
import { linkMadeFile } from '../files/downloads';
import type { Caller, ServiceContext } from '../runtime/define';
import type { AccountDeletion, ApplicationRecord, RatingRecord } from '../store/port';
import { centersByCode } from './centers';
import { freshIdentityOrFail, holderOrFail, takeSlots } from './identity';

/**
 * The person's rights over their data (PIPL arts. 45 and 47): 解除绑定 (the identity removed at once), 注销账号
 * (asked, cancellable for DELETION_DAYS, carried out by the daily run), and a copy of their own data. What is kept
 * by law and for how long is said in src/packages/account/texts.ts and docs/security.md.
 */

const DAY_MS = 24 * 3600 * 1000;
/** cloudbaserc.json's timeouts (test/functions/privacy.test.ts checks them): centers-daily's, and applications'. */
export const DAILY_RUN_MS = 900_000;
export const SUBMISSION_MS = 15_000;
const inFlight = (apps: readonly ApplicationRecord[]) => apps.filter((a) => a.inFlightKey !== null);

const deletionView = (d: AccountDeletion | undefined, erasing: boolean): DeletionView => ({
  pending: d ? { requestedAt: d.requestedAt.toISOString(), dueAt: d.dueAt.toISOString(), erasing } : null,
});

/** 解除绑定: the verified identity (sealed name, number, phone, the ID's lookup), its sessions, counter codes and recorded attempts removed at once; cases in progress go on. */
export async function unbindIdentity(ctx: ServiceContext, openid: string): Promise<{ unbound: true }> {
  if (!(await ctx.store.privacy.unbind(openid, ctx.now))) throw new AppError('IDENTITY_REQUIRED', '您尚未实名核验，没有可解除的绑定');
  await ctx.store.audit.append({ at: ctx.now, actor: openid, action: 'identity.unbound', subject: `openid:${openid}`, detail: '本人解除绑定，实名信息已删除' });
  return { unbound: true };
}

/** The pending deletion, and whether the daily run is carrying it out already (then it can no longer be cancelled). */
export async function deletionStatus(ctx: ServiceContext, openid: string): Promise<DeletionView> {
  const deletion = await ctx.store.privacy.deletionOf(openid);
  return deletionView(deletion, deletion !== undefined && (await ctx.store.privacy.erasing(openid)));
}

/**
 * 注销账号, step 1: recorded for the daily run DELETION_DAYS later. Refused while a case of the person is in progress
 * (the center may still need them) and for role holders (their roles are ended by a supervisor first, with what
 * that ends). The audit names the request by its random id, never the person.
 */
export async function requestDeletion(ctx: ServiceContext, caller: Caller): Promise<DeletionView> {
  if (caller.roles.length > 0) {
    throw new AppError('FORBIDDEN', '您是中心工作人员、测试人员或监管人员，请先由监管人员撤销您的角色，再注销账号');
  }
  const going = inFlight(await ctx.store.applications.listByApplicant(caller.openid));
  if (going.length > 0) {
    throw new AppError('APPLICATION_IN_FLIGHT', `您有 ${going.length} 件申请正在办理中，请等申请办结或先撤销申请，再注销账号`);
  }
  const id = randomBytes(12).toString('hex');
  const held = await ctx.store.privacy.requestDeletion({
    id,
    openid: caller.openid,
    requestedAt: ctx.now,
    dueAt: new Date(ctx.now.getTime() + DELETION_DAYS * DAY_MS),
  });
  if (held.requestedAt.getTime() === ctx.now.getTime()) {
    await ctx.store.audit.append({ at: ctx.now, actor: 'account-holder', action: 'account.deletion-requested', subject: `deletion:${held.id}`, detail: `${DELETION_DAYS} 天后删除` });
  }
  // a request recorded before this one may be under way already
  return deletionView(held, held.id !== id && (await ctx.store.privacy.erasing(caller.openid)));
}

/** 注销账号 cancelled within the period: nothing is deleted. Refused once the daily run has begun carrying it out. */
export async function cancelDeletion(ctx: ServiceContext, openid: string): Promise<DeletionView> {
  const held = await ctx.store.privacy.deletionOf(openid);
  const cancelled = held ? await ctx.store.privacy.cancelDeletion(openid) : 'none';
  if (cancelled === 'erasing') throw new AppError('VALIDATION_FAILED', '注销正在执行，不能撤销');
  if (!held || cancelled === 'none') throw new AppError('VALIDATION_FAILED', '没有正在等待的注销申请');
  await ctx.store.audit.append({ at: ctx.now, actor: 'account-holder', action: 'account.deletion-cancelled', subject: `deletion:${held.id}`, detail: '等待期内撤销' });
  return deletionView(undefined, false);
}

/**
 * The daily run's step: each deletion whose period has ended is carried out (the person's data erased, their cases
 * kept for the centers under a tombstone), audited with counts only; one whose person has a case in progress again
 * waits for the next run after it ends. One kept after its erasure (CloudBase) has its late cases detached, or is
 * closed (lateCases). One that fails is logged by its random id alone and stays recorded, so the next run tries it
 * again, and the others go on.
 */
export async function carryOutDeletions(ctx: ServiceContext): Promise<{ erased: number; waiting: number; cancelled: number; closed: number; failed: number }> {
  const counts = { erased: 0, waiting: 0, cancelled: 0, closed: 0, failed: 0 };
  for (const deletion of await ctx.store.privacy.dueDeletions(ctx.now)) {
    try {
      counts[await carryOutDeletion(ctx, deletion)]++;
    } catch (error) {
      // the error's own text may quote a stored value: its kind alone is logged
      ctx.log.error({ deletion: deletion.id, error: error instanceof Error ? error.name : typeof error }, 'an account deletion failed: tried again by the next run');
      counts.failed++;
    }
  }
  return counts;
}

/*
 * A request kept after its erasure (CloudBase, AccountDeletion.erasedAt): a submission that read the identity before
 * the erasure removed it may have stored its case after the run listed the cases. Such a submission began before that
 * removal, so at most DAILY_RUN_MS after the start of the run that finished the erasure (erasedAt; the removal was in
 * it or in an earlier run cut off), and stored its case at most SUBMISSION_MS later. Those cases are detached as the
 * erasure detaches cases (in flight: the request waits); a case submitted after is the openid's new person's. Only a
 * run past both limits that finds none closes the request.
 */
const lateCases = (apps: readonly ApplicationRecord[], erasedAt: Date) => apps.filter((app) => app.createdAt.getTime() <= erasedAt.getTime() + DAILY_RUN_MS);
const lateCasesAllStored = (ctx: ServiceContext, erasedAt: Date) => ctx.now.getTime() >= erasedAt.getTime() + DAILY_RUN_MS + SUBMISSION_MS;

async function carryOutDeletion(ctx: ServiceContext, deletion: AccountDeletion): Promise<'erased' | 'waiting' | 'cancelled' | 'closed'> {
  const listed = await ctx.store.applications.listByApplicant(deletion.openid);
  const apps = deletion.erasedAt ? lateCases(listed, deletion.erasedAt) : listed;
  if (deletion.erasedAt && apps.length === 0) {
    if (!lateCasesAllStored(ctx, deletion.erasedAt)) return 'waiting';
    await ctx.store.privacy.closeErasure(deletion);
    return 'closed';
  }
  if (inFlight(apps).length > 0) return 'waiting';
  const tombstone = `erased:${deletion.id}`;
  const keyring = ctx.outside.keyring();
  // the applicant copy is sealed for its owner: sealed again for the tombstone, so the centers still open their case
  const resealed = apps.map((app) => ({
    applicationId: app.id,
    nameSealed: seal(keyring, sealedAs.name(tombstone), open(keyring, sealedAs.name(deletion.openid), app.applicant.nameSealed)),
    docNumberSealed: seal(keyring, sealedAs.docNumber(tombstone), open(keyring, sealedAs.docNumber(deletion.openid), app.applicant.docNumberSealed)),
  }));
  // the store checks again as it writes (the request still there, the cases those sealed again) and audits in the same step
  const erasure = await ctx.store.privacy.erase(deletion, tombstone, resealed, ctx.now, (counts) => ({
    at: ctx.now,
    actor: 'timer',
    action: 'account.deleted',
    subject: `deletion:${deletion.id}`,
    detail: Object.entries(counts)
      .map(([what, n]) => `${what}=${n}`)
      .join(' '),
  }));
  return erasure.outcome;
}

/**
 * The person's own data (art. 45) as a JSON file with Chinese keys and no internal storage key: their identity in full,
 * their consents, each application (its form under the labels the pages use, every step with the center's reason and
 * contact, the files the centers returned, the certificate codes shown and which center read them when), their ratings
 * with a 差评's follow-up, and a pending deletion. It is every datum unmasked, so it is handed only to someone whose
 * identity was checked within FRESH_IDENTITY_MAX_AGE_HOURS (an unlocked phone is not yet its owner; someone never
 * verified or unbound verifies first as well) who is the applicant of each of the person's applications (another
 * person may have verified on the account: refused before a slot is taken), DATA_COPIES_PER_DAY times a China day at most.
 */
export async function copyOfMyData(ctx: ServiceContext, openid: string): Promise<MadeFileLink> {
  const identity = freshIdentityOrFail(await ctx.store.identities.get(openid), ctx.now, '下载我的数据');
  const keyring = ctx.outside.keyring();
  const apps = await ctx.store.applications.listByApplicant(openid);
  holderOrFail(keyring, identity, apps, '下载我的数据须由本人核验：当前实名信息与您的申请的申请人不一致，请申请人本人重新完成实名核验后再下载');
  await takeSlots(ctx, openid, [{ subject: `copy:openid:${openid}`, limit: DATA_COPIES_PER_DAY }], '下载数据的');
  const [consents, deletion] = await Promise.all([ctx.store.consents.listOf(openid), ctx.store.privacy.deletionOf(openid)]);
  const applications = [];
  const ratings = [];
  for (const app of apps) {
    const { copy, rating } = await applicationCopy(ctx, app);
    applications.push(copy);
    if (rating && rating.openid === openid) ratings.push(ratingCopy(rating));
  }
  const data = {
    说明: '这是您在全国住房公积金小程序中的个人信息副本，含完整的证件号码、手机号和银行账号等敏感信息，请妥善保管，不要转发给他人。',
    导出时间: formatShanghai(ctx.now),
    实名信息: {
      姓名: open(keyring, sealedAs.name(openid), identity.nameSealed),
      证件类型: DOC_TYPES[identity.docType],
      证件号码: open(keyring, sealedAs.docNumber(openid), identity.docNumberSealed),
      手机号: identity.phoneSealed ? open(keyring, sealedAs.phone(openid), identity.phoneSealed) : null,
      核验方式: identity.method === 'face' ? '人脸核身' : '柜台核验',
      核验时间: formatShanghai(identity.verifiedAt),
      有效期至: formatShanghai(identity.expiresAt),
    },
    授权记录: consents.map((c) => ({ 授权说明版本: c.version, 同意时间: formatShanghai(c.at) })),
    申请: applications,
    评价: ratings,
    注销申请: deletion ? { 申请时间: formatShanghai(deletion.requestedAt), 删除时间: formatShanghai(deletion.dueAt) } : null,
  };
  const link = await linkMadeFile(ctx, openid, '我的公积金小程序数据.json', Buffer.from(`${JSON.stringify(data, null, 2)}\n`, 'utf8'));
  await ctx.store.audit.append({
    at: ctx.now,
    actor: openid,
    action: 'privacy.data-copy',
    subject: `openid:${openid}`,
    detail: `授权 ${consents.length}，申请 ${applications.length}，评价 ${ratings.length}`,
  });
  return link;
}

/** One application in the copy: the applicant and the form in full, the steps, the centers' files and the certificate codes. */
async function applicationCopy(ctx: ServiceContext, app: ApplicationRecord) {
  const keyring = ctx.outside.keyring();
  const [events, documents, codes, reads, rating] = await Promise.all([
    ctx.store.applications.events(app.id),
    ctx.store.applications.documents(app.id),
    ctx.store.certificateCodes.list(app.id),
    ctx.store.certificateCodes.reads(app.id),
    ctx.store.ratings.get(app.id),
  ]);
  const centers = await centersByCode(ctx, [
    ...app.centers.map((c) => c.code),
    ...events.flatMap((e) => (e.centerCode ? [e.centerCode] : [])),
    ...documents.map((d) => d.centerCode),
    ...reads.map((r) => r.centerCode),
  ]);
  const centerName = (code: string) => centers.get(code)?.name ?? code;
  const copy = {
    编号: app.id,
    类型: TYPE_LABELS[app.type],
    状态: STATUS_LABELS[app.status],
    提交时间: formatShanghai(app.createdAt),
    联系函编号: app.letterNumber,
    办理中心: app.centers.map((c) => ({ 中心: centerName(c.code), 角色: CENTER_ROLE_LABELS[c.role] })),
    申请人: {
      姓名: open(keyring, sealedAs.name(app.openid), app.applicant.nameSealed),
      证件类型: DOC_TYPES[app.applicant.docType],
      证件号码: open(keyring, sealedAs.docNumber(app.openid), app.applicant.docNumberSealed),
    },
    申请内容: labelled(formLines(openPayload(keyring, app), centers, 'owner')),
    办理记录: events.map((e) => ({
      时间: formatShanghai(e.at),
      状态: STATUS_LABELS[e.to],
      说明: e.message,
      ...(e.centerCode ? { 中心: centerName(e.centerCode) } : {}),
      ...(e.reason ? { 原因: e.reason } : {}),
      ...(e.contact ? { 联系人: { 姓名: e.contact.name, 电话: e.contact.phone } } : {}),
    })),
    中心出具的文件: documents.map((d) => ({ 文件名: d.name, 出具中心: centerName(d.centerCode), 时间: formatShanghai(d.at) })),
    证明码: codes.map((c) => ({
      亮码时间: formatShanghai(c.issuedAt),
      有效至: formatShanghai(c.expiresAt),
      允许读取次数: c.readsAllowed,
      已读取次数: c.readsUsed,
      作废时间: c.revokedAt ? formatShanghai(c.revokedAt) : null,
    })),
    证明码读取记录: reads.map((r) => ({ 时间: formatShanghai(r.at), 读取中心: centerName(r.centerCode), 结果: CODE_READ_LABELS[r.outcome] })),
  };
  return { copy, rating };
}

/** The form's lines as one object, label to value (lines under one label, such as two invoices, joined). */
function labelled(lines: readonly { label: string; value: string }[]): Record<string, string> {
  const form: Record<string, string> = {};
  for (const { label, value } of lines) form[label] = label in form ? `${form[label]}；${value}` : value;
  return form;
}

/** A rating in the copy, with a 差评's follow-up: where it stands, the center's notes and the person's rating of the fix. */
function ratingCopy(rating: RatingRecord) {
  return {
    申请编号: rating.applicationId,
    评价: RATING_LABELS[rating.score],
    分数: rating.score,
    文字: rating.comment,
    时间: formatShanghai(rating.at),
    差评回访:
      rating.followUp === null
        ? null
        : {
            状态: FOLLOW_UP_STATE_LABELS[rating.followUp],
            中心回访记录: rating.followUpNote,
            回访时间: rating.followUpAt ? formatShanghai(rating.followUpAt) : null,
            整改说明: rating.fixNote,
            整改完成时间: rating.fixedAt ? formatShanghai(rating.fixedAt) : null,
            对整改的评价: rating.fixScore ? FIX_SCORE_LABELS[rating.fixScore] : null,
            评价整改时间: rating.fixRatedAt ? formatShanghai(rating.fixRatedAt) : null,
          },
  };
}
