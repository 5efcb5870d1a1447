import type { AccountDeletion, PrivacyRepository } from '../port';
import { accountDeletionRow } from '../rows/privacy';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** Unbinding and account deletion (migration 39: account_deletions). */

const toDeletion = (row: object): AccountDeletion => readRow(accountDeletionRow(), 'SQL account_deletions', camelCased(row));

/** Removes the openid's identity, verification sessions and counter requests, revokes its codes; answers how many of each went. */
async function unbindIn(tx: SqlDriver, openid: string, at: Date): Promise<{ identities: number; verifications: number; counterRequests: number }> {
  await tx.query('update certificate_codes set revoked_at = $2 where openid = $1 and revoked_at is null', [openid, at]);
  const identities = (await tx.query('delete from identities where openid = $1 returning openid', [openid])).length;
  const verifications = (await tx.query('delete from verifications where openid = $1 returning openid', [openid])).length;
  const counterRequests = (await tx.query('delete from counter_requests where openid = $1 returning openid', [openid])).length;
  return { identities, verifications, counterRequests };
}

export function sqlPrivacy(driver: SqlDriver): PrivacyRepository {
  return {
    async requestDeletion(d) {
      await driver.query('insert into account_deletions (openid, id, requested_at, due_at) values ($1, $2, $3, $4) on conflict (openid) do nothing', [
        d.openid,
        d.id,
        d.requestedAt,
        d.dueAt,
      ]);
      const [row] = await driver.query('select * from account_deletions where openid = $1', [d.openid]);
      return toDeletion(row);
    },
    async deletionOf(openid) {
      const [row] = await driver.query('select * from account_deletions where openid = $1', [openid]);
      return row ? toDeletion(row) : undefined;
    },
    async cancelDeletion(openid) {
      return (await driver.query('delete from account_deletions where openid = $1 returning openid', [openid])).length > 0;
    },
    async dueDeletions(now) {
      return (await driver.query('select * from account_deletions where due_at <= $1 order by due_at, id', [now])).map(toDeletion);
    },
    async unbind(openid, at) {
      return driver.transaction(async (tx) => Object.values(await unbindIn(tx, openid, at)).some((n) => n > 0));
    },
    erase: (deletion, tombstone, resealed, at) =>
      driver.transaction(async (tx) => {
        const { openid } = deletion;
        // the request taken first: cancelled during the run, nothing is erased
        if ((await tx.query('delete from account_deletions where openid = $1 and id = $2 returning id', [openid, deletion.id])).length === 0) return undefined;
        const ids = resealed.map((r) => r.applicationId);
        const unbound = await unbindIn(tx, openid, at);
        await tx.query('update certificate_codes set openid = $2 where openid = $1', [openid, tombstone]);
        const consents = (await tx.query('delete from consents where openid = $1 returning openid', [openid])).length;
        const roles = (await tx.query('delete from roles where openid = $1 returning openid', [openid])).length;
        await tx.query('update center_scans set openid = null where openid = $1', [openid]);
        const ratingComments = (await tx.query('update ratings set comment = null, openid = $2 where openid = $1 and comment is not null returning openid', [openid, tombstone])).length;
        await tx.query('update ratings set openid = $2 where openid = $1', [openid, tombstone]);
        await tx.query('update application_events set actor_id = $2 where actor_id = $1 and application_id = any($3::text[])', [openid, tombstone, ids]);
        for (const r of resealed) {
          await tx.query("update applications set applicant = applicant || jsonb_build_object('nameSealed', $3::text, 'docNumberSealed', $4::text) where id = $1 and openid = $2", [
            r.applicationId,
            openid,
            r.nameSealed,
            r.docNumberSealed,
          ]);
        }
        const applicationsDetached = (await tx.query('update applications set openid = $2 where openid = $1 and id = any($3::text[]) returning id', [openid, tombstone, ids])).length;
        return { ...unbound, consents, roles, applicationsDetached, ratingComments };
      }),
  };
}
