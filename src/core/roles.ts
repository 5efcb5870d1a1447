import * as z from 'zod';
import { CenterCodeSchema } from './centers';
import { ProvinceCodeSchema } from './supervision';
import { textField } from './validation';

/** What a signed-in WeChat user may do besides acting as an employee. */
export const ROLES = ['supervisor', 'provincial-supervisor', 'tester', 'center-staff'] as const;
export type Role = (typeof ROLES)[number];

/**
 * A role and its scope: a center for staff, a province (6-digit code) for provincial supervisors (住建厅, who
 * supervise their own province only) and for testers (who trial the centers of one province), none for national
 * supervisors (监管司).
 */
export type RoleGrant =
  | { role: 'supervisor' }
  | { role: 'provincial-supervisor' | 'tester'; province: string }
  | { role: 'center-staff'; centerCode: string };

/** The roles scoped to a province. */
export const isProvinceScoped = (role: Role): role is 'provincial-supervisor' | 'tester' => role === 'provincial-supervisor' || role === 'tester';

export const ROLE_LABELS: Record<Role | 'employee', string> = {
  employee: '缴存职工',
  supervisor: '监管人员',
  'provincial-supervisor': '省级监管人员',
  tester: '内部测试人员',
  'center-staff': '中心工作人员',
};

/** How a person is named to others who may not see their openid: a display name given with a role, at most this long. */
export const DISPLAY_NAME_MAX = 20;

/** An openid as the platform gives it (WeChat openids are 28 characters of [A-Za-z0-9_-]). */
export const OpenidSchema = textField('openid', { missing: '请填写 openid' }).regex(/^[\w-]{1,64}$/, 'openid 应为 1 到 64 位字母、数字、下划线或连字符');

const RoleSchema = z.enum(ROLES, {
  error: '角色应为 supervisor（监管人员）、provincial-supervisor（省级监管人员）、tester（内部测试人员）或 center-staff（中心工作人员）',
});

/** Who and which role an admin grant or revocation is about; a center for staff, a province for provincial supervisors, none for the others. */
export const roleTargetShape = {
  openid: OpenidSchema,
  role: RoleSchema,
  centerCode: CenterCodeSchema.optional(),
  province: ProvinceCodeSchema.optional(),
};

/** A role of staff names their center, a provincial supervisor's their province; the others name neither. */
export function roleTargetIssue(e: { role: Role; centerCode?: string; province?: string }): { path: ['centerCode' | 'province']; message: string } | undefined {
  if (e.role === 'center-staff' && e.centerCode === undefined) return { path: ['centerCode'], message: '中心工作人员须指明中心代码' };
  if (e.role !== 'center-staff' && e.centerCode !== undefined) return { path: ['centerCode'], message: `${ROLE_LABELS[e.role]}不属于某个中心，请勿填写中心代码` };
  if (isProvinceScoped(e.role) && e.province === undefined) return { path: ['province'], message: `${ROLE_LABELS[e.role]}须指明省份代码（如 320000 江苏）` };
  if (!isProvinceScoped(e.role) && e.province !== undefined) return { path: ['province'], message: `${ROLE_LABELS[e.role]}不属于某个省份，请勿填写省份代码` };
  return undefined;
}

export const DisplayNameSchema = textField('显示名称', { missing: '显示名称应为文字' })
  .min(1, '请填写显示名称')
  .max(DISPLAY_NAME_MAX, `显示名称不超过 ${DISPLAY_NAME_MAX} 个字`)
  // a name shown to others: besides what no text takes (textField), no invisible format character at all (zero-width ones)
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), '显示名称含有不可见字符');

/** The grant a checked role target names. */
export function grantOf(e: { role: Role; centerCode?: string; province?: string }): RoleGrant {
  if (e.role === 'center-staff') return { role: 'center-staff', centerCode: e.centerCode ?? '' };
  if (isProvinceScoped(e.role)) return { role: e.role, province: e.province ?? '' };
  return { role: e.role };
}

/** What a grant is scoped to: its center (staff), its province (provincial supervisors, testers), or '' (no scope). */
export function scopeOf(grant: RoleGrant): string {
  if (grant.role === 'center-staff') return grant.centerCode;
  if (grant.role === 'provincial-supervisor' || grant.role === 'tester') return grant.province;
  return '';
}

/** The grant of `role` scoped to `scope` (as scopeOf gives it): the inverse of scopeOf, for stored rows. */
export function grantWithScope(role: Role, scope: string): RoleGrant {
  if (role === 'center-staff') return { role, centerCode: scope };
  if (isProvinceScoped(role)) return { role, province: scope };
  return { role };
}

/** Whether two grants are the same role with the same scope. */
export const sameGrant = (a: RoleGrant, b: RoleGrant) => a.role === b.role && scopeOf(a) === scopeOf(b);

/** One role of one person, as supervisors list them (`admin roles`): revoked ones stay listed, to be granted again. */
export interface RoleView {
  openid: string;
  role: Role;
  roleLabel: string;
  centerCode: string | null;
  centerName: string | null;
  /** A provincial supervisor's province (6-digit code) and its name; null for the other roles. */
  province: string | null;
  provinceName: string | null;
  displayName: string | null;
  grantedAt: string;
  /** The supervisor's openid, `invite` for staff who joined with an invite, or `local-env` (seeded by the local host). */
  grantedBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
  active: boolean;
}

/** How center staff see themselves in the portal's answers (others: a display name or a role, never an openid). */
export const SELF_LABEL = '本人';

/**
 * How long the signing secrets a revoked staff member saw stay valid, for the center to rotate
 * (cloudfunctions/_lib/services/secrets.ts); then they neither sign deliveries nor verify callbacks.
 */
export const SECRET_RETIRE_GRACE_HOURS = 72;
