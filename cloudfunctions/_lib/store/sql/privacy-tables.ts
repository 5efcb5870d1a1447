import type { AccountDeletion, PrivacyRepository } from '../port';
import { accountDeletionRow } from '../rows/privacy';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** Unbinding and account deletion (migration 39: account_deletions). */

const toDeletion = (row: object): AccountDeletion => readRow(accountDeletionRow(), 'SQL account_deletions', camelCased(row));

/** Removes the openid's identity, verification sessions and counter requests; answers how many of each went. */
async function unbindIn(tx: SqlDriver, openid: string): Promise<{ identities: number; verifications: number; counterRequests: number }> {
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
    async unbind(openid) {
      return driver.transaction(async (tx) => (await unbindIn(tx, openid)).identities > 0);
    },
    erase: (deletion, tombstone, resealed) =>
      driver.transaction(async (tx) => {
        const { openid } = deletion;
        const unbound = await unbindIn(tx, openid);
        const consents = (await tx.query('delete from consents where openid = $1 returning openid', [openid])).length;
        const roles = (await tx.query('delete from roles where openid = $1 returning openid', [openid])).length;
        await tx.query('update center_scans set openid = null where openid = $1', [openid]);
        const ratingComments = (await tx.query('update ratings set comment = null, openid = $2 where openid = $1 and comment is not null returning openid', [openid, tombstone])).length;
        await tx.query('update ratings set openid = $2 where openid = $1', [openid, tombstone]);
        await tx.query("update application_events set actor_id = $2 where actor_id = $1 and application_id in (select id from applications where openid = $1)", [openid, tombstone]);
        for (const r of resealed) {
          await tx.query("update applications set applicant = applicant || jsonb_build_object('nameSealed', $3::text, 'docNumberSealed', $4::text) where id = $1 and openid = $2", [
            r.applicationId,
            openid,
            r.nameSealed,
            r.docNumberSealed,
          ]);
        }
        const applicationsDetached = (await tx.query('update applications set openid = $2 where openid = $1 returning id', [openid, tombstone])).length;
        await tx.query('delete from account_deletions where openid = $1', [openid]);
        return { ...unbound, consents, roles, applicationsDetached, ratingComments };
      }),
  };
}
