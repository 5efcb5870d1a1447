import { randomBytes } from 'node:crypto';
import { TYPE_LABELS } from '../../../src/core/applications/status';
import {
  canShowCode,
  CODE_CHECK_LABELS,
  CODE_CHECKS_PER_HOUR,
  CODE_READS_MAX,
  CODE_READS_PER_STAFF_HOUR,
  CODE_REFUSAL_LABELS,
  type CodeCheck,
  type CodeCheckResult,
  type CodeReadResult,
  type CodeReads,
  type CodeRefusal,
  type CodeShows,
  type ShownCode,
} from '../../../src/core/certificate-code';
import { AppError } from '../../../src/core/errors';
import { maskDocNumber, maskName } from '../../../src/core/identity';
import { formatShanghai, hourStart, HOUR_MS, shanghaiDay } from '../../../src/core/time';
import { checkToken, signCode } from '../crypto/code-signing';
import { open, sealedAs } from '../crypto/personal-data';
import { requireStaffCenter, type Caller, type ServiceContext } from '../runtime/define';
import { centersByCode } from '../services/centers';
import { freshIdentityOrFail, holderOrFail } from '../services/identity';
import type { ApplicationRecord, CertificateCodeRecord, DocumentRecord } from '../store/port';
import { readOutcome } from '../store/rows/certificate-codes';
import { ownApplication } from './views';

/**
 * The certificate code (issue 18 point 1, docs/certificate-code.md, decision 018): the holder shows a signed,
 * short-lived token of a certificate (items 2 and 8) or of any document a center returned, sees exactly what the
 * reader will see and every read; a center's staff read it once (unless the holder allows more); anyone may check it.
 */

export const codeSubject = (applicationId: string) => `code:${applicationId}`;

/** The document a code can show: a completed certificate's, or the latest a center returned on any case. */
async function showableDocument(ctx: ServiceContext, app: ApplicationRecord): Promise<DocumentRecord> {
  const documents = await ctx.store.applications.documents(app.id);
  const latest = documents.at(-1);
  if (!latest || !canShowCode({ type: app.type, status: app.status, documentCount: documents.length })) {
    throw new AppError('VALIDATION_FAILED', '这笔申请还没有可以亮码的证明：证明办结、中心出具文件后才能亮码', { id: '还没有中心出具的证明文件' });
  }
  return latest;
}

/** What the reader sees: the certificate as it shows the holder (masked), its center and the document's hash. */
async function showsOf(ctx: ServiceContext, app: ApplicationRecord, doc: DocumentRecord): Promise<CodeShows> {
  const keyring = ctx.outside.keyring();
  const center = (await centersByCode(ctx, [doc.centerCode])).get(doc.centerCode);
  return {
    title: TYPE_LABELS[app.type],
    holderName: maskName(open(keyring, sealedAs.name(app.openid), app.applicant.nameSealed)),
    holderDocNumber: maskDocNumber(open(keyring, sealedAs.docNumber(app.openid), app.applicant.docNumberSealed)),
    issuingCenter: { code: doc.centerCode, name: center?.name ?? doc.centerCode },
    document: { name: doc.name, sha256: doc.sha256, issuedAt: doc.at.toISOString() },
  };
}

function tokenOf(ctx: ServiceContext, app: ApplicationRecord, doc: DocumentRecord, code: CertificateCodeRecord): string {
  return signCode(ctx.outside.codeKey(), { c: code.id, t: app.type, z: doc.centerCode, h: doc.sha256, e: Math.floor(code.expiresAt.getTime() / 1000) });
}

/**
 * `applications showCode`: the holder's identity must have been checked within FRESH_IDENTITY_MAX_AGE_HOURS; the
 * current code is shown again while it can still be read, else a new one valid until 24:00 China time today.
 */
export async function showCode(ctx: ServiceContext, openid: string, id: string): Promise<ShownCode> {
  const app = await ownApplication(ctx, openid, id);
  const identity = freshIdentityOrFail(await ctx.store.identities.get(openid), ctx.now, '亮码');
  holderOrFail(ctx.outside.keyring(), identity, [app], '亮码须由证明持有人本人核验：当前实名信息与申请人不一致');
  const doc = await showableDocument(ctx, app);
  const latest = await ctx.store.certificateCodes.latest(app.id);
  if (latest && latest.documentId === doc.id && readOutcome(latest, ctx.now) === 'valid') return shownCode(ctx, app, doc, latest);
  // a newer code voids the earlier one, and a case has one open code: of two calls at once, the later is answered
  // the earlier's code, so the holder shows the one code a center can read
  const fresh: CertificateCodeRecord = { id: randomBytes(12).toString('base64url'), applicationId: app.id, openid, documentId: doc.id, issuedAt: ctx.now, expiresAt: shanghaiDay(ctx.now).end, readsAllowed: 1, readsUsed: 0, revokedAt: null };
  const code = await ctx.store.certificateCodes.create(fresh, latest?.id);
  // unbound or erased since the check above
  if (!code) throw new AppError('IDENTITY_REQUIRED', '亮码须由证明持有人本人核验：实名信息已解除绑定，请重新核验');
  if (code.id !== fresh.id) {
    // the other call's code, of the document it found (a center may have added one since this call listed them)
    const shown = (await ctx.store.applications.documents(app.id)).find((d) => d.id === code.documentId);
    if (!shown) throw new Error(`certificate code ${code.id}: document ${code.documentId} is not on the case`);
    return shownCode(ctx, app, shown, code);
  }
  await ctx.store.audit.append({ at: ctx.now, actor: openid, action: 'code.show', subject: codeSubject(app.id), detail: `码 ${code.id}，有效至 ${formatShanghai(code.expiresAt)}` });
  return shownCode(ctx, app, doc, code);
}

async function shownCode(ctx: ServiceContext, app: ApplicationRecord, doc: DocumentRecord, code: CertificateCodeRecord): Promise<ShownCode> {
  return { token: tokenOf(ctx, app, doc, code), expiresAt: code.expiresAt.toISOString(), shows: await showsOf(ctx, app, doc), readsAllowed: code.readsAllowed, readsUsed: code.readsUsed };
}

/** `applications codeReads`: the current code's state and every read (which center, when, and how it ended), a changed copy's too. */
export async function codeReads(ctx: ServiceContext, openid: string, id: string): Promise<CodeReads> {
  const app = await ownApplication(ctx, openid, id);
  const [latest, reads] = await Promise.all([ctx.store.certificateCodes.latest(app.id), ctx.store.certificateCodes.reads(app.id)]);
  const centers = await centersByCode(ctx, [...new Set(reads.map((r) => r.centerCode))]);
  return {
    current: latest ? { expiresAt: latest.expiresAt.toISOString(), readsAllowed: latest.readsAllowed, readsUsed: latest.readsUsed, revoked: latest.revokedAt !== null } : null,
    reads: reads.map((r) => ({ at: r.at.toISOString(), centerCode: r.centerCode, centerName: centers.get(r.centerCode)?.name ?? r.centerCode, outcome: r.outcome })),
  };
}

/** `applications revokeCode`: every code of the case void at once. */
export async function revokeCode(ctx: ServiceContext, openid: string, id: string): Promise<CodeReads> {
  const app = await ownApplication(ctx, openid, id);
  const revoked = await ctx.store.certificateCodes.revokeAll(app.id, ctx.now);
  if (revoked > 0) await ctx.store.audit.append({ at: ctx.now, actor: openid, action: 'code.revoke', subject: codeSubject(app.id), detail: `作废 ${revoked} 个码` });
  return codeReads(ctx, openid, id);
}

/** `applications allowCodeRead`: the current code may be read once more (up to CODE_READS_MAX reads in all). */
export async function allowCodeRead(ctx: ServiceContext, openid: string, id: string): Promise<CodeReads> {
  const app = await ownApplication(ctx, openid, id);
  const latest = await ctx.store.certificateCodes.latest(app.id);
  if (!latest || latest.revokedAt !== null || latest.expiresAt <= ctx.now) throw new AppError('VALIDATION_FAILED', '没有可用的码，请重新亮码', { id: '没有可用的码' });
  if (latest.readsAllowed >= CODE_READS_MAX) throw new AppError('VALIDATION_FAILED', `一个码最多允许读取 ${CODE_READS_MAX} 次，请作废后重新亮码`, { id: `最多 ${CODE_READS_MAX} 次` });
  const after = await ctx.store.certificateCodes.allowAnother(latest.id, CODE_READS_MAX);
  await ctx.store.audit.append({ at: ctx.now, actor: openid, action: 'code.allow-read', subject: codeSubject(app.id), detail: `码 ${latest.id} 允许读取 ${after?.readsAllowed ?? latest.readsAllowed} 次` });
  return codeReads(ctx, openid, id);
}

const refused = (reason: CodeRefusal): CodeReadResult => ({ status: 'refused', reason, message: CODE_REFUSAL_LABELS[reason] });

/**
 * `portal readCode` (a center's staff): CODE_READS_PER_STAFF_HOUR reads an hour, each audited. A token whose
 * signature fails is `altered` when it names a real code (the read is recorded on that case), else `forged`.
 */
export async function readCode(ctx: ServiceContext, caller: Caller, token: string): Promise<CodeReadResult> {
  const centerCode = requireStaffCenter(caller, '核验亮码');
  const hour = hourStart(ctx.now);
  if (!(await ctx.store.attempts.recordIfUnder(`code-read:${caller.openid}`, hour, CODE_READS_PER_STAFF_HOUR, ctx.now, caller.openid))) {
    throw new AppError('TOO_MANY_ATTEMPTS', `每位工作人员每小时最多核验 ${CODE_READS_PER_STAFF_HOUR} 次，请在 ${formatShanghai(new Date(hour.getTime() + HOUR_MS))} 后再试`);
  }
  const audit = (detail: string, subject = `code-reader:${caller.openid}`) => ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'code.read', subject, detail: `${centerCode} ${detail}` });
  const checked = checkToken(token, ctx.outside.codePublicKey().publicKey);
  if (!checked.ok) {
    const named = checked.payload ? await ctx.store.certificateCodes.get(checked.payload.c) : undefined;
    if (!named) {
      await audit('forged');
      return refused('forged');
    }
    await ctx.store.certificateCodes.recordRead({ codeId: named.id, applicationId: named.applicationId, at: ctx.now, readerOpenid: caller.openid, centerCode, outcome: 'altered' });
    await audit(`altered ${named.id}`, codeSubject(named.applicationId));
    return refused('altered');
  }
  const outcome = await ctx.store.certificateCodes.read(checked.payload.c, { at: ctx.now, readerOpenid: caller.openid, centerCode });
  const code = outcome ? await ctx.store.certificateCodes.get(checked.payload.c) : undefined;
  if (!outcome || !code) {
    // signed by the platform but unknown here (another environment's key would not verify): treated as forged
    await audit('unknown');
    return refused('forged');
  }
  await audit(`${outcome} ${code.id}`, codeSubject(code.applicationId));
  if (outcome !== 'valid') return refused(outcome);
  const app = await ctx.store.applications.get(code.applicationId);
  const doc = (await ctx.store.applications.documents(code.applicationId)).find((d) => d.id === code.documentId);
  if (!app || !doc) return refused('revoked');
  return { status: 'valid', certificate: await showsOf(ctx, app, doc), readAt: ctx.now.toISOString(), expiresAt: code.expiresAt.toISOString() };
}

/**
 * `centers verifyCode` (anyone, signed in or not): valid / invalid / expired / used, never who or what. Counts no
 * read. CODE_CHECKS_PER_HOUR an hour per caller (those not signed in share one bound).
 */
export async function verifyCode(ctx: ServiceContext, openid: string | undefined, token: string): Promise<CodeCheckResult> {
  const hour = hourStart(ctx.now);
  const limit = openid ? CODE_CHECKS_PER_HOUR : CODE_CHECKS_PER_HOUR * 50;
  if (!(await ctx.store.attempts.recordIfUnder(`code-check:${openid ?? 'anonymous'}`, hour, limit, ctx.now, openid ?? null))) {
    throw new AppError('TOO_MANY_ATTEMPTS', `核验次数过多，请在 ${formatShanghai(new Date(hour.getTime() + HOUR_MS))} 后再试`);
  }
  const answer = (result: CodeCheck): CodeCheckResult => ({ result, label: CODE_CHECK_LABELS[result] });
  const checked = checkToken(token, ctx.outside.codePublicKey().publicKey);
  if (!checked.ok) return answer('invalid');
  const code = await ctx.store.certificateCodes.get(checked.payload.c);
  if (!code) return answer('invalid');
  const outcome = readOutcome(code, ctx.now);
  return answer(outcome === 'revoked' || outcome === 'altered' ? 'invalid' : outcome);
}
