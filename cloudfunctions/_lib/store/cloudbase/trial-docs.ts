import type { TrialCheckRecord, TrialCheckRepository } from '../port';
import { readRow } from '../rows/read';
import { trialCheckRow } from '../rows/trial-checks';
import { COLLECTIONS, fetchAll, nextSeq, type Db, type Doc } from './sdk';

/**
 * The internal trial's documents (SQL migration 20):
 * - `trialChecks`: id = `${centerCode}:${check}:${seq}` (nextSeq: later writes sort after earlier ones); the
 *                  TrialCheckRecord fields, checkedAt a date, and seq. Index: trialChecks (centerCode, checkedAt).
 * A center's records are few (a dozen checks, each recorded a few times in the trial), so `latest` reads the
 * centers' records by page and keeps each check's last one here.
 */
export function cloudbaseTrialChecks(db: Db): TrialCheckRepository {
  const _ = db.command;
  const checks = () => db.collection(COLLECTIONS.trialChecks);
  return {
    async record(record) {
      const seq = nextSeq();
      await checks().add({ _id: `${record.centerCode}:${record.check}:${seq}`, ...record, seq });
    },
    async latest(centerCodes, before) {
      if (centerCodes.length === 0) return [];
      const where = { centerCode: _.in([...centerCodes]), ...(before === undefined ? {} : { checkedAt: _.lt(before) }) };
      const latest = new Map<string, { record: TrialCheckRecord; seq: string }>();
      for (const doc of await fetchAll(COLLECTIONS.trialChecks, checks().where(where), '_id')) {
        const record = toCheck(doc);
        const seq = typeof doc.seq === 'string' ? doc.seq : '';
        const key = `${record.centerCode}:${record.check}`;
        const seen = latest.get(key);
        const later = !seen || seen.record.checkedAt.getTime() < record.checkedAt.getTime() || (seen.record.checkedAt.getTime() === record.checkedAt.getTime() && seen.seq < seq);
        if (later) latest.set(key, { record, seq });
      }
      return [...latest.values()].map((l) => l.record);
    },
  };
}

const toCheck = (doc: Doc): TrialCheckRecord => readRow(trialCheckRow(), `CloudBase ${COLLECTIONS.trialChecks}`, doc);
