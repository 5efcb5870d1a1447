import { scopeOf } from '../../../../src/core/roles';
import type { GrantOutcome, RoleRecord, RoleRepository } from '../port';
import { roleGrantRow, roleRecordRow } from '../rows/roles';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** Roles with their history (migration 10): a revoked role keeps its row, with who revoked it and when; `scope` is its center or province (migration 15). */

const toRecord = (row: object): RoleRecord => readRow(roleRecordRow(), 'SQL roles', camelCased(row));

/** One role changer per person at a time (grants, revocations, invites): the staff check and the write agree. */
export const lockPerson = (tx: SqlDriver, openid: string) => tx.query("select pg_advisory_xact_lock(hashtext('staff:' || $1))", [openid]);

export function sqlRoles(driver: SqlDriver): RoleRepository {
  return {
    async rolesOf(openid) {
      const rows = await driver.query('select role, scope from roles where openid = $1 and revoked_at is null order by role, scope', [openid]);
      return rows.map((r) => readRow(roleGrantRow(), 'SQL roles', r));
    },
    grant: (openid, grant, by) =>
      driver.transaction(async (tx): Promise<GrantOutcome> => {
        await lockPerson(tx, openid);
        const at = by?.at ?? new Date();
        if (grant.role === 'center-staff') {
          const [other] = await tx.query<{ scope: string }>("select scope from roles where openid = $1 and role = 'center-staff' and revoked_at is null and scope <> $2", [
            openid,
            grant.centerCode,
          ]);
          if (other) return { kind: 'staff-elsewhere', centerCode: other.scope };
        }
        const [row] = await tx.query<{ revoked_at: Date | null }>(
          'select revoked_at from roles where openid = $1 and role = $2 and scope = $3 for update',
          [openid, grant.role, scopeOf(grant)],
        );
        if (row && row.revoked_at === null) {
          if (by?.displayName !== undefined) {
            await tx.query('update roles set display_name = $4 where openid = $1 and role = $2 and scope = $3', [openid, grant.role, scopeOf(grant), by.displayName]);
          }
          return { kind: 'held' };
        }
        await tx.query(
          `insert into roles (openid, role, scope, display_name, granted_at, granted_by) values ($1, $2, $3, $4, $5, $6)
           on conflict (openid, role, scope) do update set display_name = coalesce(excluded.display_name, roles.display_name),
             granted_at = excluded.granted_at, granted_by = excluded.granted_by, revoked_at = null, revoked_by = null`,
          [openid, grant.role, scopeOf(grant), by?.displayName ?? null, at, by?.by ?? 'system'],
        );
        return { kind: 'granted' };
      }),
    async seed(openid, grant, at, by) {
      // one center per person holds here too: a seeded staff role elsewhere is skipped, not an error at start
      const rows = await driver.query(
        `insert into roles (openid, role, scope, granted_at, granted_by) values ($1, $2, $3, $4, $5)
         on conflict do nothing returning openid`,
        [openid, grant.role, scopeOf(grant), at, by],
      );
      return rows.length === 1;
    },
    async revoke(openid, grant, at, by) {
      const rows = await driver.query(
        'update roles set revoked_at = $4, revoked_by = $5 where openid = $1 and role = $2 and scope = $3 and revoked_at is null returning openid',
        [openid, grant.role, scopeOf(grant), at, by],
      );
      return rows.length === 1;
    },
    async list() {
      return (await driver.query('select * from roles order by openid, role, scope')).map(toRecord);
    },
    async recordsOf(openid) {
      return (await driver.query('select * from roles where openid = $1 order by role, scope', [openid])).map(toRecord);
    },
    async recordsOfMany(openids) {
      if (openids.length === 0) return [];
      return (await driver.query('select * from roles where openid = any($1::text[]) order by openid, role, scope', [[...new Set(openids)]])).map(toRecord);
    },
  };
}
