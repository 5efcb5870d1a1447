import { AppError } from '../../../src/core/errors';
import { ROLE_LABELS, SELF_LABEL, sameGrant, scopeOf, type Role, type RoleGrant, type RoleView } from '../../../src/core/roles';
import { provinceName } from '../../../src/core/supervision';
import { requireSupervisor, type Caller, type ServiceContext } from '../runtime/define';
import type { RoleRecord } from '../store/port';
import { formatShanghai } from '../../../src/core/time';
import { centerSubject, maskedInvite } from './audit-names';
import { centersByCode } from './centers';
import { retireSecretsSeenBy, retireSecretsSetBy } from './secrets';

/**
 * Roles (issue 11): supervisors list, revoke and grant again the roles of staff, testers and supervisors, each
 * written to the audit log. Roles are read from the store on every invocation (runtime/deployed.ts, the local
 * host), so a revoked role stops working on the person's next call: staff lose the portal, the workbench and the
 * counter at once. What they took with them is dealt with here: the signing secrets they were shown retire after
 * SECRET_RETIRE_GRACE_HOURS (services/secrets.ts), and a supervisor's open staff invites are cancelled.
 */

/** The audit subject of everything done about a person's roles. */
export const roleSubject = (openid: string) => `roles:${openid}`;

const grantLabel = (grant: RoleGrant) => `${ROLE_LABELS[grant.role]}${scopeOf(grant) === '' ? '' : ` ${scopeOf(grant)}`}`;

/** Roles as national supervisors see them (the roles page). */
async function roleViews(ctx: ServiceContext, records: readonly RoleRecord[]): Promise<RoleView[]> {
  const codes = records.flatMap((r) => (r.grant.role === 'center-staff' ? [r.grant.centerCode] : []));
  const centers = await centersByCode(ctx, codes);
  return records.map((r) => {
    const centerCode = r.grant.role === 'center-staff' ? r.grant.centerCode : null;
    const province = r.grant.role === 'provincial-supervisor' || r.grant.role === 'tester' ? r.grant.province : null;
    return {
      openid: r.openid,
      role: r.grant.role,
      roleLabel: ROLE_LABELS[r.grant.role],
      centerCode,
      centerName: centerCode === null ? null : (centers.get(centerCode)?.name ?? centerCode),
      province,
      provinceName: province === null ? null : provinceName(province),
      displayName: r.displayName,
      grantedAt: r.grantedAt.toISOString(),
      grantedBy: r.grantedBy,
      revokedAt: r.revokedAt?.toISOString() ?? null,
      revokedBy: r.revokedBy,
      active: r.revokedAt === null,
    };
  });
}

async function viewOf(ctx: ServiceContext, openid: string, grant: RoleGrant): Promise<RoleView> {
  const record = (await ctx.store.roles.recordsOf(openid)).find((r) => sameGrant(r.grant, grant));
  if (!record) throw new AppError('ROLE_NOT_FOUND', '没有找到这个角色');
  const [view] = await roleViews(ctx, [record]);
  return view;
}

/** Every role ever granted, in force first, each with who granted it when and, if revoked, by whom and when. */
export async function listRoles(ctx: ServiceContext, caller: Caller): Promise<RoleView[]> {
  requireSupervisor(caller);
  const records = await ctx.store.roles.list();
  const inForce = records.filter((r) => r.revokedAt === null);
  return roleViews(ctx, [...inForce, ...records.filter((r) => r.revokedAt !== null)]);
}

/** A national supervisor revokes a person's role (provincial supervisors revoke their testers with the trial's revokeTester). */
export async function revokeRole(ctx: ServiceContext, caller: Caller, openid: string, grant: RoleGrant): Promise<RoleView> {
  requireSupervisor(caller);
  await revokeGrant(ctx, caller, openid, grant);
  return viewOf(ctx, openid, grant);
}

/**
 * Revokes a person's role, the caller's right to having been checked (revokeRole, the trial's revokeTester); it stops
 * working on their next call. Nobody revokes their own supervisor role, so the last supervisor can never lock everyone out.
 * Revoked staff: the center's secrets they saw retire after the grace (the center's other staff see by when to
 * rotate). A revoked supervisor: the invites they made and nobody used yet are cancelled, and the secrets they set
 * retire after the grace. Each written to the audit log. A revoke repeated after the role was revoked finishes these again (they are idempotent), so a failure
 * between revoking and retiring is finished by trying again.
 */
export async function revokeGrant(ctx: ServiceContext, caller: Caller, openid: string, grant: RoleGrant): Promise<void> {
  if (grant.role === 'supervisor' && openid === caller.openid) {
    throw new AppError('FORBIDDEN', '不能撤销自己的监管人员角色：请由另一位监管人员操作，以免无人能够管理角色', { openid: '不能撤销自己的监管人员角色' });
  }
  if (await ctx.store.roles.revoke(openid, grant, ctx.now, caller.openid)) {
    await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'role.revoke', subject: roleSubject(openid), detail: grantLabel(grant) });
  } else if (!(await wasRevoked(ctx, openid, grant))) {
    throw new AppError('ROLE_NOT_FOUND', `该人员没有${grantLabel(grant)}角色`, { openid: '该人员没有这个角色' });
  }
  if (grant.role === 'center-staff') await retireWhatTheySaw(ctx, caller, grant.centerCode, openid);
  if (grant.role === 'supervisor') {
    await cancelTheirInvites(ctx, caller, openid);
    await retireWhatTheySet(ctx, caller, openid);
  }
}

/** Whether `openid` held `grant` and it is revoked (a repeated revoke then finishes what follows a revocation). */
async function wasRevoked(ctx: ServiceContext, openid: string, grant: RoleGrant): Promise<boolean> {
  return (await ctx.store.roles.recordsOf(openid)).some((r) => r.revokedAt !== null && sameGrant(r.grant, grant));
}

async function retireWhatTheySet(ctx: ServiceContext, caller: Caller, openid: string): Promise<void> {
  for (const retiring of await retireSecretsSetBy(ctx.store, openid, ctx.now)) {
    const detail = `${retiring.count} 个签名密钥将于 ${formatShanghai(retiring.retiresAt)} 停用：设置它的监管人员已被撤销角色，请中心在此之前更换密钥`;
    await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'secret.retire', subject: centerSubject(retiring.centerCode), detail });
  }
}

async function retireWhatTheySaw(ctx: ServiceContext, caller: Caller, centerCode: string, openid: string): Promise<void> {
  const retiring = await retireSecretsSeenBy(ctx.store, centerCode, openid, ctx.now);
  if (!retiring) return;
  const detail = `${retiring.count} 个签名密钥将于 ${formatShanghai(retiring.retiresAt)} 停用：曾看到它的工作人员已被撤销角色，请中心在此之前更换密钥`;
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'secret.retire', subject: centerSubject(centerCode), detail });
}

async function cancelTheirInvites(ctx: ServiceContext, caller: Caller, openid: string): Promise<void> {
  for (const invite of await ctx.store.staffInvites.cancelOpenBy(openid, ctx.now)) {
    const detail = `邀请码 ${maskedInvite(invite.code)} 已作废：创建它的监管人员已被撤销角色`;
    await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'invite.cancel', subject: centerSubject(invite.centerCode), detail });
  }
}

/** A supervisor grants a role, or grants a revoked one again; staff serve one center at a time. */
export async function grantRole(ctx: ServiceContext, caller: Caller, openid: string, grant: RoleGrant, displayName: string | undefined): Promise<RoleView> {
  requireSupervisor(caller);
  if (grant.role === 'center-staff' && !(await ctx.store.centers.get(grant.centerCode))) {
    throw new AppError('CENTER_NOT_FOUND', '没有找到这个中心', { centerCode: '没有找到这个中心' });
  }
  const outcome = await ctx.store.roles.grant(openid, grant, { at: ctx.now, by: caller.openid, ...(displayName !== undefined ? { displayName } : {}) });
  if (outcome.kind === 'staff-elsewhere') {
    const name = (await centersByCode(ctx, [outcome.centerCode])).get(outcome.centerCode)?.name ?? outcome.centerCode;
    throw new AppError('ALREADY_STAFF', `该人员已是${name}的工作人员，一人只能为一个中心工作；请先撤销其原中心的角色`, { openid: '该人员已是其他中心的工作人员' });
  }
  if (outcome.kind === 'granted' || displayName !== undefined) {
    const detail = `${grantLabel(grant)}${displayName !== undefined ? `，显示名称 ${displayName}` : ''}${outcome.kind === 'held' ? '（已持有，仅更新显示名称）' : ''}`;
    await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'role.grant', subject: roleSubject(openid), detail });
  }
  return viewOf(ctx, openid, grant);
}

/** How people appear to a viewer who may not see their openids (peopleLabels). */
export interface PeopleLabels {
  /**
   * 本人 for the viewer, else the display name a supervisor gave the person: from their record of role `as` when that
   * one has a name, else from any of theirs; undefined when they have none, for the caller to name them by what they did
   * (监管人员 for a review, 中心工作人员 for a proposal), never by openid.
   */
  get(openid: string, as?: Role): string | undefined;
  /** 本人, or the person's name (get) with the role they acted in, 张三（监管人员）, or that role alone. */
  acting(openid: string, as: Role): string;
}

/** How `viewer` may see the people in `openids`, their roles read in one step (PeopleLabels). */
export async function peopleLabels(ctx: ServiceContext, viewer: Caller, openids: readonly string[]): Promise<PeopleLabels> {
  const others = [...new Set(openids)].filter((o) => o !== viewer.openid);
  const records = others.length === 0 ? [] : await ctx.store.roles.recordsOfMany(others);
  const get = (openid: string, as?: Role): string | undefined => {
    if (openid === viewer.openid) return SELF_LABEL;
    const named = records.filter((r) => r.openid === openid && r.displayName !== null);
    return (named.find((r) => r.grant.role === as) ?? named[0])?.displayName ?? undefined;
  };
  return {
    get,
    acting(openid, as) {
      if (openid === viewer.openid) return SELF_LABEL;
      const name = get(openid, as);
      return name === undefined ? ROLE_LABELS[as] : `${name}（${ROLE_LABELS[as]}）`;
    },
  };
}
