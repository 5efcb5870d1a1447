import { randomBytes } from 'node:crypto';
import { AppError } from '../../../src/core/errors';
import { ROLE_LABELS, sameGrant, scopeOf } from '../../../src/core/roles';
import { provinceName } from '../../../src/core/supervision';
import { formatShanghai, hourStart, HOUR_MS } from '../../../src/core/time';
import {
  inviteScene,
  TRIAL_JOIN_ATTEMPTS_PER_HOUR,
  TRIAL_JOIN_PAGE,
  type CodeImage,
  type CreatedTrialInvite,
  type TesterView,
  type TrialInviteState,
  type TrialInviteView,
} from '../../../src/core/trial';
import { miniProgramCode } from '../centers/poster';
import type { Caller, ServiceContext } from '../runtime/define';
import { maskedInvite } from '../services/audit-names';
import { newInviteCode } from '../services/portal';
import { peopleLabels, revokeGrant, roleSubject } from '../services/roles';
import type { RoleRecord, TrialInvite } from '../store/port';
import { lookupHash } from '../crypto/personal-data';
import { isNationalSupervisor, provinceSubject, requireProvince, supervisedProvinces } from '../supervision/scope';

/**
 * Testers invited by QR code (issue 15): a supervisor (national, or provincial for their province) creates an invite
 * for a province, a code with an expiry and a number of uses, shown as a QR code; joining with it grants the tester
 * role of that province. Invites are revoked, testers listed and revoked (services/roles.ts revokeRole); every change
 * is audited under the province (invites) or the person's roles (joining).
 */

/** `admin createTrialInvite`'s event, as parsed by the contract. */
export interface TrialInviteInput {
  province: string;
  uses: number;
  days: number;
  image?: boolean;
}

/** How an invite's maker is named to other supervisors without a display name of theirs: by role, never by openid. */
const MAKER_LABEL = '监管人员';

function stateOf(invite: TrialInvite, now: Date): TrialInviteState {
  if (invite.revokedAt !== null) return 'revoked';
  if (invite.expiresAt.getTime() <= now.getTime()) return 'expired';
  return invite.used >= invite.uses ? 'used-up' : 'active';
}

async function views(ctx: ServiceContext, caller: Caller, invites: readonly TrialInvite[]): Promise<TrialInviteView[]> {
  const labels = await peopleLabels(ctx, caller, invites.map((i) => i.createdBy));
  return invites.map((i) => ({
    id: i.id,
    province: i.province,
    provinceName: provinceName(i.province),
    usesLeft: i.revokedAt === null && i.expiresAt.getTime() > ctx.now.getTime() ? Math.max(0, i.uses - i.used) : 0,
    uses: i.uses,
    createdBy: labels.get(i.createdBy) ?? MAKER_LABEL,
    createdAt: i.createdAt.toISOString(),
    expiresAt: i.expiresAt.toISOString(),
    revokedAt: i.revokedAt?.toISOString() ?? null,
    state: stateOf(i, ctx.now),
  }));
}

/**
 * `admin createTrialInvite`: an invite for testers of `province`, its code answered this once, with WeChat's
 * mini-program code opening the join page when `image` is asked (made before anything is stored: a failure stores nothing).
 */
export async function createTrialInvite(ctx: ServiceContext, caller: Caller, e: TrialInviteInput): Promise<CreatedTrialInvite & { image?: CodeImage }> {
  requireProvince(caller, e.province);
  const code = newInviteCode();
  const image = e.image === true ? await miniProgramCode(ctx, caller.openid, inviteScene(code), TRIAL_JOIN_PAGE, '内部试用邀请码.png') : undefined;
  const invite: TrialInvite = {
    id: `inv${randomBytes(10).toString('hex')}`,
    code,
    province: e.province,
    uses: e.uses,
    used: 0,
    createdBy: caller.openid,
    createdAt: ctx.now,
    expiresAt: new Date(ctx.now.getTime() + e.days * 86_400_000),
    revokedAt: null,
  };
  await ctx.store.trialInvites.create(invite);
  const detail = `试用邀请 ${invite.id}（邀请码 ${maskedInvite(code)}），${e.uses} 人可用，有效至 ${formatShanghai(invite.expiresAt)}`;
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'trial.invite', subject: provinceSubject(e.province), detail });
  const [view] = await views(ctx, caller, [invite]);
  return { ...view, code, ...(image ? { image } : {}) };
}

/** `admin revokeTrialInvite`: nobody joins with it any more; revoking it again changes nothing. */
export async function revokeTrialInvite(ctx: ServiceContext, caller: Caller, id: string): Promise<TrialInviteView> {
  const found = await ctx.store.trialInvites.get(id);
  if (!found) throw new AppError('INVITE_NOT_FOUND', '没有找到这个试用邀请', { id: '没有找到这个试用邀请' });
  requireProvince(caller, found.province);
  const revoked = found.revokedAt === null ? await ctx.store.trialInvites.revoke(id, ctx.now) : found;
  if (!revoked) throw new AppError('INVITE_NOT_FOUND', '没有找到这个试用邀请', { id: '没有找到这个试用邀请' });
  if (found.revokedAt === null) {
    await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'trial.invite.revoke', subject: provinceSubject(found.province), detail: `试用邀请 ${id}（邀请码 ${maskedInvite(found.code)}）已撤销` });
  }
  const [view] = await views(ctx, caller, [revoked]);
  return view;
}

/** `admin trialInvites`: the invites of the provinces the caller supervises, newest first. */
export async function listTrialInvites(ctx: ServiceContext, caller: Caller): Promise<TrialInviteView[]> {
  const provinces = supervisedProvinces(caller);
  return views(ctx, caller, await ctx.store.trialInvites.list(isNationalSupervisor(caller) ? undefined : provinces));
}

/** A tester's handle: a keyed hash of their openid (PII_LOOKUP_KEY), the same on every call, revealing nothing of it. */
const testerHandle = (ctx: ServiceContext, openid: string) => lookupHash(ctx.outside.keyring(), 'trial.tester', openid).slice(0, 32);

/** The tester roles ever granted in the provinces the caller supervises (FORBIDDEN to anyone else). */
async function testersInScope(ctx: ServiceContext, caller: Caller): Promise<RoleRecord[]> {
  const provinces = new Set(supervisedProvinces(caller));
  return (await ctx.store.roles.list()).filter((r) => r.grant.role === 'tester' && provinces.has(scopeOf(r.grant)));
}

/** Testers as supervisors see them: a handle, never an openid; who granted and revoked by display name or role. */
async function testerViews(ctx: ServiceContext, caller: Caller, records: readonly RoleRecord[]): Promise<TesterView[]> {
  // joined with an invite: granted by `invite:<its maker>`
  const granter = (r: RoleRecord) => r.grantedBy.replace(/^invite:/, '');
  const labels = await peopleLabels(ctx, caller, records.flatMap((r) => [granter(r), ...(r.revokedBy === null ? [] : [r.revokedBy])]));
  return records.map((r) => ({
    tester: testerHandle(ctx, r.openid),
    name: r.displayName ?? ROLE_LABELS.tester,
    province: scopeOf(r.grant),
    provinceName: provinceName(scopeOf(r.grant)),
    grantedAt: r.grantedAt.toISOString(),
    grantedBy: labels.get(granter(r)) ?? MAKER_LABEL,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    revokedBy: r.revokedBy === null ? null : (labels.get(r.revokedBy) ?? MAKER_LABEL),
    active: r.revokedAt === null,
  }));
}

/** `admin testers`: the testers of the provinces the caller supervises, in force first, then the revoked ones. */
export async function listTesters(ctx: ServiceContext, caller: Caller): Promise<TesterView[]> {
  const testers = await testersInScope(ctx, caller);
  return testerViews(ctx, caller, [...testers.filter((r) => r.revokedAt === null), ...testers.filter((r) => r.revokedAt !== null)]);
}

/**
 * `admin revokeTester { tester }`: a supervisor revokes the tester role in force of the person with this handle in a
 * province they supervise (a provincial supervisor: their own); it stops working on the person's next call. Revoking
 * again answers the revoked role; a handle unknown in the caller's scope is ROLE_NOT_FOUND. Audited under their roles.
 */
export async function revokeTester(ctx: ServiceContext, caller: Caller, tester: string): Promise<TesterView> {
  const theirs = (await testersInScope(ctx, caller)).filter((r) => testerHandle(ctx, r.openid) === tester);
  const target = theirs.find((r) => r.revokedAt === null) ?? theirs.at(-1);
  if (!target) throw new AppError('ROLE_NOT_FOUND', '没有找到这位测试人员', { tester: '没有找到这位测试人员' });
  if (target.revokedAt === null) await revokeGrant(ctx, caller, target.openid, target.grant);
  const after = (await ctx.store.roles.recordsOf(target.openid)).find((r) => sameGrant(r.grant, target.grant)) ?? target;
  const [view] = await testerViews(ctx, caller, [after]);
  return view;
}

/**
 * `trial join { code }`: the caller becomes a tester of the invite's province. Tries are counted before the code is
 * looked at (TRIAL_JOIN_ATTEMPTS_PER_HOUR an hour), in one step with the check; an unknown, expired, revoked or used-up
 * code is refused alike; joining again as a tester of that province answers the same and counts no use.
 */
export async function joinTrial(ctx: ServiceContext, openid: string, code: string): Promise<{ province: string; provinceName: string }> {
  const hour = hourStart(ctx.now);
  if (!(await ctx.store.attempts.recordIfUnder(`trial-join:${openid}`, hour, TRIAL_JOIN_ATTEMPTS_PER_HOUR, ctx.now, openid))) {
    const next = new Date(hour.getTime() + HOUR_MS);
    throw new AppError('TOO_MANY_ATTEMPTS', `一小时内已输入邀请码 ${TRIAL_JOIN_ATTEMPTS_PER_HOUR} 次，已达上限，请于 ${formatShanghai(next)} 后再试`, { code: '邀请码输入次数过多' });
  }
  const outcome = await ctx.store.trialInvites.redeem(code, openid, ctx.now);
  switch (outcome.kind) {
    case 'refused':
      throw new AppError('INVITE_NOT_FOUND', '邀请码无效、已过期或已用完，请向监管部门重新索取', { code: '邀请码无效、已过期或已用完' });
    case 'revoked':
      throw new AppError('FORBIDDEN', '您的内部测试资格已被撤销，如需恢复请联系监管人员', { code: '内部测试资格已被撤销' });
    case 'elsewhere': {
      const message = `您已是${provinceName(outcome.province)}的内部测试人员，不能再加入其他省份的试用；如需更换省份，请先请监管人员撤销原资格`;
      throw new AppError('FORBIDDEN', message, { code: message });
    }
    case 'joined':
      await ctx.store.audit.append({
        at: ctx.now,
        actor: openid,
        action: 'trial.join',
        subject: roleSubject(openid),
        detail: `内部测试人员 ${outcome.province}（试用邀请码 ${maskedInvite(code)}）`,
      });
      return { province: outcome.province, provinceName: provinceName(outcome.province) };
    case 'already':
      return { province: outcome.province, provinceName: provinceName(outcome.province) };
  }
}
