import { sameGrant, type RoleGrant } from '../../../../src/core/roles';
import type { RoleRecord, ScanRepository, TrialInvite, TrialInviteRepository, TrialRedeemOutcome } from '../port';
import { readRow } from '../rows/read';
import { isRedeemable, trialInviteRow } from '../rows/trial-invites';
import { rolesDoc, rolesDocFields, withRecord } from './role-docs';
import { COLLECTIONS, docList, fetchAll, getById, num, retryConflicts, runTransaction, sha256Hex, transactionDoc, type Db, type Doc } from './sdk';

/**
 * The internal trial's invites for testers and the scans of centers' poster codes (migration 19 in SQL).
 * - `trialInvites`: id = invite id; the TrialInvite fields (code included), dates as dates. The code is found with a
 *   query (index `trialInvites(code)`, unique in the console), then redeemed in one transaction over the invite and
 *   the person's `roles` document: two joins with one invite both write the invite, so the loser meets a write
 *   conflict and, run again, reads the winner's count.
 * - `centerScans`: id = sha256 of center, China day and openid: a signed-in person's scan of the day, set if absent.
 * - `centerScanDays`: id = `${centerCode}:${day}`; centerCode, day, count. Written in the transaction of the scan.
 */

const toInvite = (doc: Doc): TrialInvite => readRow(trialInviteRow(), 'CloudBase trialInvites', doc);

export function cloudbaseTrialInvites(db: Db): TrialInviteRepository {
  const _ = db.command;
  const invites = () => db.collection(COLLECTIONS.trialInvites);
  return {
    async create(invite) {
      const [taken] = docList(await invites().where({ code: invite.code }).limit(1).get(), COLLECTIONS.trialInvites);
      if (taken) throw new Error(`CloudBase trialInvites: code of ${invite.id} is taken`);
      // add with the id, not set: like SQL's insert, a second invite with the same id is refused
      await invites().add({ _id: invite.id, ...invite });
    },
    async get(id) {
      const doc = await getById(invites(), id);
      return doc ? toInvite(doc) : undefined;
    },
    async list(provinces) {
      const query = provinces === undefined ? invites() : invites().where({ province: _.in([...provinces]) });
      return (await fetchAll(COLLECTIONS.trialInvites, query, [{ desc: 'createdAt' }, '_id'])).map(toInvite);
    },
    revoke: (id, at) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.trialInvites).doc(id);
        const found = transactionDoc(await ref.get(), COLLECTIONS.trialInvites);
        if (!found) return undefined;
        const invite = toInvite(found);
        if (invite.revokedAt !== null) return invite;
        await ref.update({ revokedAt: at });
        return { ...invite, revokedAt: at };
      }),
    async redeem(code, openid, at) {
      const [found] = docList(await invites().where({ code }).limit(1).get(), COLLECTIONS.trialInvites);
      if (!found) return { kind: 'refused' };
      const id = toInvite(found).id;
      return retryConflicts(() =>
        runTransaction(db, async (tx): Promise<TrialRedeemOutcome> => {
          const inviteRef = tx.collection(COLLECTIONS.trialInvites).doc(id);
          const current = transactionDoc(await inviteRef.get(), COLLECTIONS.trialInvites);
          if (!current) return { kind: 'refused' };
          const invite = toInvite(current);
          const rolesRef = tx.collection(COLLECTIONS.roles).doc(openid);
          const person = rolesDoc(openid, transactionDoc(await rolesRef.get(), COLLECTIONS.roles));
          const wanted: RoleGrant = { role: 'tester', province: invite.province };
          if (person.grants.some((g) => sameGrant(g, wanted))) return { kind: 'already', province: invite.province };
          if (!isRedeemable(invite, at)) return { kind: 'refused' };
          const before = person.records.find((r) => sameGrant(r.grant, wanted));
          if (before) return { kind: 'revoked', province: invite.province };
          const elsewhere = person.grants.find((g) => g.role === 'tester' && g.province !== invite.province);
          if (elsewhere?.role === 'tester') return { kind: 'elsewhere', province: elsewhere.province };
          await inviteRef.update({ used: invite.used + 1 });
          const record: RoleRecord = { openid, grant: wanted, displayName: null, grantedAt: at, grantedBy: `invite:${invite.createdBy}`, revokedAt: null, revokedBy: null };
          await rolesRef.set(rolesDocFields([...person.grants, wanted], withRecord(person.records, record)));
          return { kind: 'joined', province: invite.province };
        }),
      );
    },
  };
}

export function cloudbaseScans(db: Db): ScanRepository {
  const _ = db.command;
  return {
    record: (centerCode, day, openid, at) =>
      retryConflicts(() =>
        runTransaction(db, async (tx) => {
          const mark = tx.collection(COLLECTIONS.centerScans).doc(sha256Hex(`${centerCode}|${day}|${openid}`));
          if (transactionDoc(await mark.get(), COLLECTIONS.centerScans)) return false;
          await mark.set({ centerCode, day, at });
          const dayRef = tx.collection(COLLECTIONS.centerScanDays).doc(`${centerCode}:${day}`);
          const counted = transactionDoc(await dayRef.get(), COLLECTIONS.centerScanDays);
          await dayRef.set({ centerCode, day, count: (counted ? num(counted, 'count', COLLECTIONS.centerScanDays) : 0) + 1 });
          return true;
        }),
      ),
    async countByCenter(from, to, centerCodes) {
      const days = { day: _.gte(from).and(_.lt(to)) };
      const query = db.collection(COLLECTIONS.centerScanDays).where(centerCodes === undefined ? days : { ...days, centerCode: _.in([...centerCodes]) });
      const counts = new Map<string, number>();
      for (const doc of await fetchAll(COLLECTIONS.centerScanDays, query, '_id')) {
        const center = String(doc.centerCode);
        counts.set(center, (counts.get(center) ?? 0) + num(doc, 'count', COLLECTIONS.centerScanDays));
      }
      return counts;
    },
  };
}
