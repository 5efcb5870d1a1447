import { AppError } from '../../../src/core/errors';
import { PROVINCES, provinceName } from '../../../src/core/supervision';
import type { Caller } from '../runtime/define';

/**
 * Who sees and acts on which province in supervision (issue 14): national supervisors (监管司) every province,
 * provincial supervisors (住建厅) their own only. Anyone else, and a provincial supervisor naming another province,
 * is refused FORBIDDEN before anything is read or stored. Center staff see their own center's figures in the portal.
 */

/** A national supervisor (监管司): every province is theirs. */
export const isNationalSupervisor = (caller: Caller): boolean => caller.roles.some((r) => r.role === 'supervisor');

/** The provinces a caller supervises: every one for a national supervisor, their grants' for a provincial one. */
export function supervisedProvinces(caller: Caller): readonly string[] {
  if (isNationalSupervisor(caller)) return PROVINCES.map((p) => p.code);
  const own = caller.roles.flatMap((r) => (r.role === 'provincial-supervisor' ? [r.province] : []));
  if (own.length === 0) throw new AppError('FORBIDDEN', '仅监管人员可以查看督导数据');
  return own;
}

function refuse(caller: Caller, province: string): never {
  const own = supervisedProvinces(caller).map(provinceName).join('、');
  throw new AppError('FORBIDDEN', `只能查看和填报本省（${own}）的数据，不能查看或填报${provinceName(province)}`, { province: `只能选择${own}` });
}

/**
 * The provinces a table shows, in PROVINCES order: the one asked for, which the caller must supervise, or every
 * one they supervise.
 */
export function provincesShown(caller: Caller, province: string | undefined): string[] {
  const mine = new Set(supervisedProvinces(caller));
  if (province !== undefined && !mine.has(province)) refuse(caller, province);
  return PROVINCES.map((p) => p.code).filter((code) => (province === undefined ? mine.has(code) : code === province));
}

/** For what a province does itself (its liaison, its recommendations, its submission): FORBIDDEN unless the caller supervises it. */
export function requireProvince(caller: Caller, province: string): void {
  if (!supervisedProvinces(caller).includes(province)) refuse(caller, province);
}

/** The audit subject of everything done about a province's supervision data. */
export const provinceSubject = (province: string) => `province:${province}`;
