import type { RoleGrant } from '../../../../src/core/roles';
import type { GrantOutcome, RoleRecord, RoleRepository } from '../port';
import type { SqlDriver } from './driver';

/** Roles with their history (migration 10): a revoked role keeps its row, with who revoked it and when. */

interface RoleRow {
  openid: string;
  role: RoleGrant['role'];
  center_code: string;
  display_name: string | null;
  granted_at: Date;
  granted_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
}

const toGrant = (role: RoleGrant['role'], centerCode: string): RoleGrant => (role === 'center-staff' ? { role, centerCode } : { role });
const centerOf = (grant: RoleGrant) => (grant.role === 'center-staff' ? grant.centerCode : '');

const toRecord = (r: RoleRow): RoleRecord => ({
  openid: r.openid,
  grant: toGrant(r.role, r.center_code),
  displayName: r.display_name,
  grantedAt: new Date(r.granted_at),
  grantedBy: r.granted_by,
  revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
  revokedBy: r.revoked_by,
});

/** One role changer per person at a time (grants, revocations, invites): the staff check and the write agree. */
export const lockPerson = (tx: SqlDriver, openid: string) => tx.query("select pg_advisory_xact_lock(hashtext('staff:' || $1))", [openid]);

export function sqlRoles(driver: SqlDriver): RoleRepository {
  return {
    async rolesOf(openid) {
      const rows = await driver.query<{ role: RoleGrant['role']; center_code: string }>(
        'select role, center_code from roles where openid = $1 and revoked_at is null order by role, center_code',
        [openid],
      );
      return rows.map((r) => toGrant(r.role, r.center_code));
    },
    grant: (openid, grant, by) =>
      driver.transaction(async (tx): Promise<GrantOutcome> => {
        await lockPerson(tx, openid);
        const at = by?.at ?? new Date();
        if (grant.role === 'center-staff') {
          const [other] = await tx.query<{ center_code: string }>(
            "select center_code from roles where openid = $1 and role = 'center-staff' and revoked_at is null and center_code <> $2",
            [openid, grant.centerCode],
          );
          if (other) return { kind: 'staff-elsewhere', centerCode: other.center_code };
        }
        const [row] = await tx.query<{ revoked_at: Date | null }>(
          'select revoked_at from roles where openid = $1 and role = $2 and center_code = $3 for update',
          [openid, grant.role, centerOf(grant)],
        );
        if (row && row.revoked_at === null) {
          if (by?.displayName !== undefined) {
            await tx.query('update roles set display_name = $4 where openid = $1 and role = $2 and center_code = $3', [openid, grant.role, centerOf(grant), by.displayName]);
          }
          return { kind: 'held' };
        }
        await tx.query(
          `insert into roles (openid, role, center_code, display_name, granted_at, granted_by) values ($1, $2, $3, $4, $5, $6)
           on conflict (openid, role, center_code) do update set display_name = coalesce(excluded.display_name, roles.display_name),
             granted_at = excluded.granted_at, granted_by = excluded.granted_by, revoked_at = null, revoked_by = null`,
          [openid, grant.role, centerOf(grant), by?.displayName ?? null, at, by?.by ?? 'system'],
        );
        return { kind: 'granted' };
      }),
    async seed(openid, grant, at, by) {
      // one center per person holds here too: a seeded staff role elsewhere is skipped, not an error at start
      const rows = await driver.query(
        `insert into roles (openid, role, center_code, granted_at, granted_by) values ($1, $2, $3, $4, $5)
         on conflict do nothing returning openid`,
        [openid, grant.role, centerOf(grant), at, by],
      );
      return rows.length === 1;
    },
    async revoke(openid, grant, at, by) {
      const rows = await driver.query(
        'update roles set revoked_at = $4, revoked_by = $5 where openid = $1 and role = $2 and center_code = $3 and revoked_at is null returning openid',
        [openid, grant.role, centerOf(grant), at, by],
      );
      return rows.length === 1;
    },
    async list() {
      return (await driver.query<RoleRow>('select * from roles order by openid, role, center_code')).map(toRecord);
    },
    async recordsOf(openid) {
      return (await driver.query<RoleRow>('select * from roles where openid = $1 order by role, center_code', [openid])).map(toRecord);
    },
  };
}
