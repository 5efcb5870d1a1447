import * as z from 'zod';
import { grantWithScope, isProvinceScoped, ROLES, type RoleGrant } from '../../../../src/core/roles';
import type { RoleRecord } from '../port';
import { lazySchema, orNull, storedDate } from './read';

/**
 * A role with its scope as stored: the center for staff, the province for provincial supervisors and testers, '' for the
 * others (scopeOf); a scope that does not fit its role is refused.
 */
const scoped = { role: z.enum(ROLES), scope: z.string() };
const scopeFits = ({ role, scope }: { role: RoleGrant['role']; scope: string }) => (role === 'center-staff' || isProvinceScoped(role)) === (scope !== '');
const misfit = { path: ['scope'], message: 'does not fit the role' };

export const roleGrantRow = lazySchema<RoleGrant>(() =>
  z
    .object(scoped)
    .refine(scopeFits, misfit)
    .transform(({ role, scope }) => grantWithScope(role, scope)),
);

/** A role granted once, with who granted it and, once revoked, who revoked it. */
export const roleRecordRow = lazySchema<RoleRecord>(() =>
  z
    .object({
      openid: z.string(),
      ...scoped,
      displayName: orNull(z.string()),
      grantedAt: storedDate(),
      grantedBy: z.string(),
      revokedAt: orNull(storedDate()),
      revokedBy: orNull(z.string()),
    })
    .refine(scopeFits, misfit)
    .transform(({ role, scope, ...record }) => ({ ...record, grant: grantWithScope(role, scope) })),
);
