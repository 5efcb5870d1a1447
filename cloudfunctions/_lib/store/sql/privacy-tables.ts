import type { AccountDeletion, AuditEntry, Erasure, PrivacyRepository } from '../port';
import { accountDeletionRow, ownLookupEnding, ownSubjectEnding } from '../rows/privacy';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** Unbinding and account deletion (migration 39: account_deletions; 45: attempts.openid). */

const toDeletion = (row: object): AccountDeletion => readRow(accountDeletionRow(), 'SQL account_deletions', camelCased(row));

/** Appends an audit entry, in the caller's transaction when given one (an erasure and its audit commit together). */
export async function appendAudit(driver: SqlDriver, e: AuditEntry): Promise<void> {
  await driver.query('insert into audit (at, actor, action, subject, detail) values ($1, $2, $3, $4, $5)', [e.at, e.actor, e.action, e.subject, e.detail]);
}

/** Removes the openid's identity, verification sessions and counter requests, revokes its codes; answers how many of each went. */
async function unbindIn(tx: SqlDriver, openid: string, at: Date): Promise<{ identities: number; verifications: number; counterRequests: number }> {
  // the identity first: a certificate code being created holds it until commit, so the revoke below sees that code
  const identities = (await tx.query('delete from identities where openid = $1 returning openid', [openid])).length;
  await tx.query('update certificate_codes set revoked_at = $2 where openid = $1 and revoked_at is null', [openid, at]);
  const verifications = (await tx.query('delete from verifications where openid = $1 returning openid', [openid])).length;
  const counterRequests = (await tx.query('delete from counter_requests where openid = $1 returning openid', [openid])).length;
  return { identities, verifications, counterRequests };
}

/** The lookup of the openid's own ID, read before unbinding removes it (the attempts naming it are the person's). */
const ownLookupOf = async (tx: SqlDriver, openid: string) =>
  (await tx.query<{ doc_lookup: string }>('select doc_lookup from identities where openid = $1 for update', [openid]))[0]?.doc_lookup ?? null;

/**
 * The openid's own attempts go, those naming it or its own ID's lookup (rows/privacy.ts); the others it recorded
 * protect someone else and stay, naming no account. Answers how many went.
 */
async function removeAttempts(tx: SqlDriver, openid: string, ownLookup: string | null): Promise<number> {
  const own = await tx.query('delete from attempts where openid = $1 and (right(subject, length($2::text)) = $2::text or right(subject, length($3::text)) = $3::text) returning id', [
    openid,
    ownSubjectEnding(openid),
    ownLookup === null ? null : ownLookupEnding(ownLookup),
  ]);
  await tx.query('update attempts set openid = null where openid = $1', [openid]);
  return own.length;
}

/**
 * A case of the person came in while erasing (after the cases were locked): everything the erasure did is undone. Only
 * a test case can (submit_application holds a person's case's identity row, which the erasure locks before listing the
 * cases; a test case needs none): one committed before this check is found; one still uncommitted then is not.
 */
class CaseSinceListed extends Error {}

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
      // an erasure holds the request locked until it commits: this waits, then finds it gone (or kept, nothing erased)
      return (await driver.query('delete from account_deletions where openid = $1 returning openid', [openid])).length > 0 ? 'cancelled' : 'none';
    },
    // never seen under way: the erasure is one transaction, and a cancel meanwhile waits for it
    erasing: async () => false,
    async dueDeletions(now) {
      return (await driver.query('select * from account_deletions where due_at <= $1 order by due_at, id', [now])).map(toDeletion);
    },
    async unbind(openid, at) {
      return driver.transaction(async (tx) => {
        const ownLookup = await ownLookupOf(tx, openid);
        const unbound = await unbindIn(tx, openid, at);
        // only with an identity: someone never bound cannot start their limits afresh by asking to unbind
        if (unbound.identities > 0) await removeAttempts(tx, openid, ownLookup);
        return Object.values(unbound).some((n) => n > 0);
      });
    },
    async erase(deletion, tombstone, resealed, at, audited) {
      const { openid } = deletion;
      const ids = resealed.map((r) => r.applicationId);
      try {
        return await driver.transaction(async (tx): Promise<Erasure> => {
          // the request locked first: a cancel either came before (nothing is erased) or waits and finds it gone
          if ((await tx.query('select id from account_deletions where openid = $1 and id = $2 for update', [openid, deletion.id])).length === 0) return { outcome: 'cancelled' };
          // then the identity: a case being created holds it (migration 47), so the listing below waits for that case
          // and finds it, and a case created from here on finds no identity once this commits, and is refused
          const ownLookup = await ownLookupOf(tx, openid);
          // the person's cases as they are now, locked: one in flight, or one the run did not seal again, and it waits
          const cases = await tx.query<{ id: string; in_flight_key: string | null }>('select id, in_flight_key from applications where openid = $1 for update', [openid]);
          if (cases.some((c) => c.in_flight_key !== null || !ids.includes(c.id))) return { outcome: 'waiting' };
          const unbound = await unbindIn(tx, openid, at);
          const attempts = await removeAttempts(tx, openid, ownLookup);
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
          if ((await tx.query('select 1 from applications where openid = $1 limit 1', [openid])).length > 0) throw new CaseSinceListed();
          await tx.query('delete from account_deletions where openid = $1 and id = $2', [openid, deletion.id]);
          const counts = { ...unbound, attempts, consents, roles, applicationsDetached, ratingComments };
          await appendAudit(tx, audited(counts));
          return { outcome: 'erased', counts };
        });
      } catch (error) {
        if (error instanceof CaseSinceListed) return { outcome: 'waiting' };
        throw error;
      }
    },
    // nothing kept: the erasure removes the request in its transaction, which no case being created can slip past
    closeErasure: async () => {},
  };
}
