import { isFullOnlineItem, MONTHLY_COUNTED_STATUSES } from '../../../../src/core/supervision';
import { foldCounts, type CountGroup } from '../monthly-counts';
import type { MonthlyFiguresRecord, MonthlyRepository, MonthlySubmissionRecord, MonthlyWindow } from '../port';
import { monthlyFiguresRow, monthlySubmissionRow } from '../rows/monthly';
import { readRow } from '../rows/read';
import { COLLECTIONS, fetchAll, isDoc, runTransaction, transactionDoc, type Db, type Doc } from './sdk';

/**
 * The monthly statistics of annex 2 (SQL migration 16):
 * - the counts run in the database as three aggregate pipelines (match the period, unwind the centers taking
 *   part, group; only the applications handled, MONTHLY_COUNTED_STATUSES, never a test case), never by paging every jump or
 *   application through the function; they want the indexes
 *   jumps (at), applications (createdAt) and applications (type, paymentPaidOn);
 * - `monthlyFigures`: id = `${centerCode}:${period}`; centerCode, period, figures (object), enteredBy, enteredAt (a date);
 * - `monthlySubmissions`: id = `${province}:${period}:${version}`; the MonthlySubmissionRecord fields, submittedAt a date;
 * - `monthlyReminders`: id = `${centerCode}:${period}`; centerCode, period, at (a date).
 * putFigures is a read-then-set, submit and remind set-if-absent: each one single-document transaction.
 */

/** The groups an aggregate answered (`{ data: [...] }`), or the reply's error. */
export function groups(reply: unknown, collection: string): Doc[] {
  const data = isDoc(reply) ? reply.data : undefined;
  if (!Array.isArray(data)) {
    const code = isDoc(reply) && typeof reply.code === 'string' ? reply.code : 'unexpected reply';
    throw new Error(`CloudBase ${collection} aggregate: ${code}`);
  }
  return data.filter(isDoc);
}

const toFigures = (doc: Doc): MonthlyFiguresRecord => readRow(monthlyFiguresRow(), `CloudBase ${COLLECTIONS.monthlyFigures}`, doc);
const toSubmission = (doc: Doc): MonthlySubmissionRecord => readRow(monthlySubmissionRow(), `CloudBase ${COLLECTIONS.monthlySubmissions}`, doc);

const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A group's key and counts as the pipelines below name them. */
function group(g: Doc, kind: (key: Doc) => CountGroup['kind']): CountGroup {
  const key = isDoc(g._id) ? g._id : {};
  const count = (v: unknown) => (typeof v === 'number' ? v : 0);
  return { centerCode: String(key.centerCode), kind: kind(key), item: isFullOnlineItem(key.item) ? key.item : 0, n: count(g.n), fen: count(g.fen) };
}

export function cloudbaseMonthly(db: Db): MonthlyRepository {
  const _ = db.command;

  /** Sets a document unless it exists, in one single-document transaction: false when it did. */
  const setIfAbsent = (collection: string, id: string, doc: Doc): Promise<boolean> =>
    runTransaction(db, async (tx) => {
      const ref = tx.collection(collection).doc(id);
      if (transactionDoc(await ref.get(), collection)) return false;
      await ref.set(doc);
      return true;
    });

  return {
    async counts(w: MonthlyWindow) {
      const codes = w.centerCodes ? [...w.centerCodes] : undefined;
      const jumps = await db
        .collection(COLLECTIONS.jumps)
        .aggregate()
        .match({ at: _.gte(w.from).and(_.lt(w.to)), item: _.in([4, 5, 6]), outcome: _.in(['web', 'miniprogram']), ...(codes ? { centerCode: _.in(codes) } : {}) })
        .group({ _id: { centerCode: '$centerCode', item: '$item' }, n: { $sum: 1 } })
        .end();
      const submitted = await db
        .collection(COLLECTIONS.applications)
        .aggregate()
        .match({
          createdAt: _.gte(w.from).and(_.lt(w.to)),
          type: _.in(['purchase-withdrawal', 'certificate-loan-cleared', 'service-request']),
          status: _.in([...MONTHLY_COUNTED_STATUSES]),
          // test cases never count (documents from before them have no `test`: not equal to true)
          test: _.neq(true),
          ...(codes ? { centerCodes: _.in(codes) } : {}),
        })
        .unwind('$centers')
        .match(codes ? { 'centers.code': _.in(codes) } : {})
        .group({ _id: { centerCode: '$centers.code', type: '$type', item: '$serviceItem' }, n: { $sum: 1 } })
        .end();
      // amounts are yuan with two decimals: each becomes whole fen before the sum, so the sum is exact
      const paid = await db
        .collection(COLLECTIONS.applications)
        .aggregate()
        .match({ type: 'purchase-withdrawal', paymentPaidOn: _.gte(w.fromDate).and(_.lt(w.toDate)), test: _.neq(true), ...(codes ? { centerCodes: _.in(codes) } : {}) })
        .unwind('$centers')
        .match({ 'centers.role': 'deposit', ...(codes ? { 'centers.code': _.in(codes) } : {}) })
        .group({ _id: { centerCode: '$centers.code' }, n: { $sum: 1 }, fen: { $sum: { $trunc: { $add: [{ $multiply: ['$paymentAmount', 100] }, 0.5] } } } })
        .end();
      const typeOf = (key: Doc): CountGroup['kind'] =>
        key.type === 'purchase-withdrawal' || key.type === 'certificate-loan-cleared' ? key.type : 'service-request';
      return foldCounts([
        ...groups(jumps, COLLECTIONS.jumps).map((g) => group(g, () => 'jump')),
        ...groups(submitted, COLLECTIONS.applications).map((g) => group(g, typeOf)),
        ...groups(paid, COLLECTIONS.applications).map((g) => group(g, () => 'paid')),
      ]);
    },
    async figures(period, centerCodes) {
      const where = centerCodes ? { period, centerCode: _.in([...centerCodes]) } : { period };
      const docs = await fetchAll(COLLECTIONS.monthlyFigures, db.collection(COLLECTIONS.monthlyFigures).where(where), '_id');
      return docs.map(toFigures).sort((a, b) => byCode(a.centerCode, b.centerCode));
    },
    putFigures: (r) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.monthlyFigures).doc(`${r.centerCode}:${r.period}`);
        const before = transactionDoc(await ref.get(), COLLECTIONS.monthlyFigures);
        await ref.set({ centerCode: r.centerCode, period: r.period, figures: r.figures, enteredBy: r.enteredBy, enteredAt: r.enteredAt });
        return before ? toFigures(before) : undefined;
      }),
    async submissions(period) {
      const docs = await fetchAll(COLLECTIONS.monthlySubmissions, db.collection(COLLECTIONS.monthlySubmissions).where({ period }), '_id');
      return docs.map(toSubmission).sort((a, b) => byCode(a.province, b.province) || a.version - b.version);
    },
    submit: (r) => setIfAbsent(COLLECTIONS.monthlySubmissions, `${r.province}:${r.period}:${r.version}`, { ...r }),
    remind: (centerCode, period, at) => setIfAbsent(COLLECTIONS.monthlyReminders, `${centerCode}:${period}`, { centerCode, period, at }),
  };
}
