import type { ScanRepository, TrialInvite, TrialInviteRepository, TrialRedeemOutcome } from '../port';
import { readRow } from '../rows/read';
import { isRedeemable, trialInviteRow } from '../rows/trial-invites';
import type { SqlDriver } from './driver';
import { lockPerson } from './role-tables';
import { camelCased } from './row-names';

/** The internal trial's invites for testers and the scans of centers' poster codes (migration 19). */

const toInvite = (row: object): TrialInvite => readRow(trialInviteRow(), 'SQL trial_invites', camelCased(row));

export function sqlTrialInvites(driver: SqlDriver): TrialInviteRepository {
  return {
    async create(i) {
      await driver.query(
        'insert into trial_invites (id, code, province, uses, used, created_by, created_at, expires_at, revoked_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [i.id, i.code, i.province, i.uses, i.used, i.createdBy, i.createdAt, i.expiresAt, i.revokedAt],
      );
    },
    async get(id) {
      const [row] = await driver.query('select * from trial_invites where id = $1', [id]);
      return row ? toInvite(row) : undefined;
    },
    async list(provinces) {
      const rows =
        provinces === undefined
          ? await driver.query('select * from trial_invites order by created_at desc, id')
          : await driver.query('select * from trial_invites where province = any($1) order by created_at desc, id', [provinces]);
      return rows.map(toInvite);
    },
    async revoke(id, at) {
      const [row] = await driver.query('update trial_invites set revoked_at = coalesce(revoked_at, $2) where id = $1 returning *', [id, at]);
      return row ? toInvite(row) : undefined;
    },
    redeem: (code, openid, at) =>
      driver.transaction(async (tx): Promise<TrialRedeemOutcome> => {
        // the person's role changes one at a time; the invite row is locked, so concurrent joins count its uses in turn
        await lockPerson(tx, openid);
        const [row] = await tx.query('select * from trial_invites where code = $1 for update', [code]);
        if (!row) return { kind: 'refused' };
        const invite = toInvite(row);
        const [held] = await tx.query<{ revoked_at: Date | null }>("select revoked_at from roles where openid = $1 and role = 'tester' and scope = $2", [openid, invite.province]);
        if (held && held.revoked_at === null) return { kind: 'already', province: invite.province };
        if (!isRedeemable(invite, at)) return { kind: 'refused' };
        if (held) return { kind: 'revoked', province: invite.province };
        const [elsewhere] = await tx.query<{ scope: string }>(
          "select scope from roles where openid = $1 and role = 'tester' and scope <> $2 and revoked_at is null order by granted_at limit 1",
          [openid, invite.province],
        );
        if (elsewhere) return { kind: 'elsewhere', province: elsewhere.scope };
        await tx.query('update trial_invites set used = used + 1 where id = $1', [invite.id]);
        await tx.query("insert into roles (openid, role, scope, granted_at, granted_by) values ($1, 'tester', $2, $3, $4)", [openid, invite.province, at, `invite:${invite.createdBy}`]);
        return { kind: 'joined', province: invite.province };
      }),
  };
}

export function sqlScans(driver: SqlDriver): ScanRepository {
  return {
    async record(centerCode, day, openid, at) {
      // a signed-in person's repeat of the day meets the partial unique index and counts nothing
      const rows = await driver.query(
        'insert into center_scans (center_code, day, openid, at) values ($1, $2, $3, $4) on conflict (center_code, day, openid) where openid is not null do nothing returning id',
        [centerCode, day, openid, at],
      );
      return rows.length === 1;
    },
    async countByCenter(from, to, centerCodes) {
      const rows = await driver.query<{ center_code: string; n: number }>(
        `select center_code, count(*)::int as n from center_scans where day >= $1 and day < $2 ${centerCodes === undefined ? '' : 'and center_code = any($3)'} group by center_code`,
        centerCodes === undefined ? [from, to] : [from, to, centerCodes],
      );
      return new Map(rows.map((r) => [r.center_code, r.n]));
    },
  };
}
