import { FOLLOW_UP_STATUSES } from '../../../../src/core/applications/follow-up-clock';
import type { RatingRecord, RatingRepository, Satisfaction } from '../port';
import { ratedScoreRow, ratingRow } from '../rows/applications';
import { readRow } from '../rows/read';
import { COLLECTIONS, fetchAll, getById, runTransaction, transactionDoc, type Db, type Doc } from './sdk';

/** Ratings of finished cases (好差评) and their follow-ups. */

export function cloudbaseRatings(db: Db): RatingRepository {
  const _ = db.command;
  const ratings = () => db.collection(COLLECTIONS.ratings);
  return {
    // SQL's insert ... on conflict do nothing: read the document of the application, set it only when absent.
    // Two concurrent creates both writing it meet a write conflict; the SDK runs the loser again, which then
    // reads the winner's rating and answers false
    create: (rating) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.ratings).doc(rating.applicationId);
        if (transactionDoc(await ref.get(), COLLECTIONS.ratings)) return false;
        await ref.set({ ...rating });
        return true;
      }),
    async get(applicationId) {
      const doc = await getById(ratings(), applicationId);
      return doc ? toRating(doc) : undefined;
    },
    async listFollowUps(centerCode) {
      // paged newest first (at desc, then id: unique, so pages do not overlap), then the open ones put first
      // in memory: a stable sort keeps newest first within each, which is SQL's order by follow_up = 'closed',
      // at desc, application_id. A center's follow-ups are few enough to hold at once
      const docs = await fetchAll(
        COLLECTIONS.ratings,
        ratings().where({ centerCode, followUp: _.in([...FOLLOW_UP_STATUSES]) }),
        [{ desc: 'at' }, '_id'],
      );
      const open = (r: RatingRecord) => (r.followUp === 'open' ? 0 : 1);
      return docs.map(toRating).sort((a, b) => open(a) - open(b));
    },
    // compare-and-set in a single-document transaction, like verifications.settle: of two concurrent closes
    // one meets a write conflict, runs again, reads 'closed' and answers false
    closeFollowUp: (applicationId, note, by, at) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.ratings).doc(applicationId);
        const current = transactionDoc(await ref.get(), COLLECTIONS.ratings);
        if (current?.followUp !== 'open') return false;
        await ref.update({ followUp: 'closed', followUpNote: note, followUpBy: by, followUpAt: at });
        return true;
      }),
    // the same compare-and-set: closed -> fixed, then the fix rated once
    fixFollowUp: (applicationId, note, by, at) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.ratings).doc(applicationId);
        const current = transactionDoc(await ref.get(), COLLECTIONS.ratings);
        if (current?.followUp !== 'closed') return false;
        await ref.update({ followUp: 'fixed', fixNote: note, fixedBy: by, fixedAt: at });
        return true;
      }),
    rateFix: (applicationId, score, at) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.ratings).doc(applicationId);
        const current = transactionDoc(await ref.get(), COLLECTIONS.ratings);
        if (current?.followUp !== 'fixed' || (current.fixScore ?? null) !== null) return false;
        await ref.update({ fixScore: score, fixRatedAt: at });
        return true;
      }),
    async satisfaction() {
      // SQL's group by center_code, score: CloudBase counts only one query at a time, so page through every
      // rating (its center and score only) and count here
      const docs = await fetchAll(COLLECTIONS.ratings, ratings().field({ centerCode: true, score: true }), '_id');
      const byCenter = new Map<string, Satisfaction>();
      for (const doc of docs) {
        const { centerCode, score } = readRow(ratedScoreRow(), 'CloudBase ratings', doc);
        const entry = byCenter.get(centerCode) ?? { centerCode, count: 0, byScore: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } };
        entry.byScore[score] += 1;
        entry.count += 1;
        byCenter.set(centerCode, entry);
      }
      return [...byCenter.values()].sort((a, b) => (a.centerCode < b.centerCode ? -1 : a.centerCode > b.centerCode ? 1 : 0));
    },
  };
}


const toRating = (doc: Doc): RatingRecord => readRow(ratingRow(), 'CloudBase ratings', doc);
