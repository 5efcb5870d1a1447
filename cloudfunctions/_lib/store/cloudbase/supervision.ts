import type { InterfaceTestAt, LiaisonRecord, LinkHealthAt, OnlineReasonRecord, RecommendationRecord, SupervisionRepository } from '../port';
import { readRow } from '../rows/read';
import { liaisonRow, linkHealthRow, onlineReasonRow, recommendationRow } from '../rows/supervision';
import { toRun } from './center-docs';
import { COLLECTIONS, fetchAll, getById, runTransaction, transactionDoc, type Db, type Doc } from './sdk';

/**
 * The supervision tables' own data (SQL migration 15):
 * - `channelHealthLog`: id = `${centerCode}:${channel}:${checkedAt ms}` (healthLogDocId); centerCode, channel, healthy,
 *                    checkedAt (a date): each change of a channel's health, written by health.record.
 * - `onlineReasons`: id = `${centerCode}:${item}`; the OnlineReasonRecord fields, givenAt a date.
 * - `liaisons`:      id = province code; the LiaisonRecord fields, updatedAt a date.
 * - `recommendations`: id = recommendation id; the RecommendationRecord fields, addedAt a date.
 * Indexes these want: channelHealthLog (checkedAt), conformanceRuns (startedAt), recommendations (province, addedAt desc).
 * The histories progress reads are small (health changes, not every check; a center's test runs), so they are read
 * by page and reduced here; put and remove are single-document transactions.
 */
export function cloudbaseSupervision(db: Db): SupervisionRepository {
  const _ = db.command;
  const log = () => db.collection(COLLECTIONS.channelHealthLog);
  const runs = () => db.collection(COLLECTIONS.conformanceRuns);
  const reasons = () => db.collection(COLLECTIONS.onlineReasons);
  const liaisons = () => db.collection(COLLECTIONS.liaisons);
  const recommendations = () => db.collection(COLLECTIONS.recommendations);
  return {
    async linkHealthAt(before) {
      const latest = new Map<string, LinkHealthAt>();
      // ids sort by center, channel, then check time: the last one of each channel is its health at `before`
      for (const doc of await fetchAll(COLLECTIONS.channelHealthLog, log().where({ checkedAt: _.lt(before) }), '_id')) {
        // the endpoint's health is logged beside the links'
        if (doc.channel === 'endpoint') continue;
        const found = readRow(linkHealthRow(), `CloudBase ${COLLECTIONS.channelHealthLog}`, doc);
        const key = `${found.centerCode}:${found.item}`;
        const seen = latest.get(key);
        if (!seen || seen.checkedAt.getTime() < found.checkedAt.getTime()) latest.set(key, found);
      }
      return [...latest.values()].sort((a, b) => a.centerCode.localeCompare(b.centerCode) || a.item - b.item);
    },
    async interfaceTestsAt(before) {
      const byCenter = new Map<string, InterfaceTestAt>();
      for (const run of (await fetchAll(COLLECTIONS.conformanceRuns, runs().where({ startedAt: _.lt(before) }), '_id')).map(toRun)) {
        const passed = run.report !== null && run.report.passed && new Date(run.report.finishedAt).getTime() < before.getTime();
        const seen = byCenter.get(run.centerCode);
        byCenter.set(run.centerCode, {
          centerCode: run.centerCode,
          lastRunAt: seen && seen.lastRunAt.getTime() > run.startedAt.getTime() ? seen.lastRunAt : run.startedAt,
          passed: (seen?.passed ?? false) || passed,
        });
      }
      return [...byCenter.values()].sort((a, b) => a.centerCode.localeCompare(b.centerCode));
    },
    async onlineReasons() {
      return (await fetchAll(COLLECTIONS.onlineReasons, reasons(), '_id')).map(toReason);
    },
    putOnlineReason: (record) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.onlineReasons).doc(`${record.centerCode}:${record.item}`);
        const before = transactionDoc(await ref.get(), COLLECTIONS.onlineReasons);
        await ref.set({ ...record });
        return before ? toReason(before) : undefined;
      }),
    async liaisons() {
      return (await fetchAll(COLLECTIONS.liaisons, liaisons(), '_id')).map(toLiaison);
    },
    putLiaison: (record) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.liaisons).doc(record.province);
        const before = transactionDoc(await ref.get(), COLLECTIONS.liaisons);
        await ref.set({ ...record });
        return before ? toLiaison(before) : undefined;
      }),
    async recommendations(provinces) {
      const query = provinces === undefined ? recommendations() : recommendations().where({ province: _.in([...provinces]) });
      return (await fetchAll(COLLECTIONS.recommendations, query, ['province', { desc: 'addedAt' }, '_id'])).map(toRecommendation);
    },
    async addRecommendation(record) {
      await recommendations().add({ _id: record.id, ...record });
    },
    removeRecommendation: (id) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.recommendations).doc(id);
        const before = transactionDoc(await ref.get(), COLLECTIONS.recommendations);
        if (!before) return undefined;
        await ref.remove();
        return toRecommendation(before);
      }),
    async getRecommendation(id) {
      const doc = await getById(recommendations(), id);
      return doc ? toRecommendation(doc) : undefined;
    },
  };
}

const toReason = (doc: Doc): OnlineReasonRecord => readRow(onlineReasonRow(), `CloudBase ${COLLECTIONS.onlineReasons}`, doc);
const toLiaison = (doc: Doc): LiaisonRecord => readRow(liaisonRow(), `CloudBase ${COLLECTIONS.liaisons}`, doc);
/** A recommendation's id is its document's. */
const toRecommendation = (doc: Doc): RecommendationRecord => readRow(recommendationRow(), `CloudBase ${COLLECTIONS.recommendations}`, { ...doc, id: doc._id });
