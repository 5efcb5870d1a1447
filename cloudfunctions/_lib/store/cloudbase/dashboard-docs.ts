import type { CenterCount, DashboardRepository } from '../port';
import { groups } from './monthly-docs';
import { COLLECTIONS, isDoc, type Db, type Doc } from './sdk';

/**
 * The supervisors' overview figures (SQL: dashboard-tables.ts), each one aggregate pipeline (match, group) run in
 * the database, never by paging the applications or ratings through the function; test cases never count (documents
 * from before them have no `test`: not equal to true). They want the indexes
 * applications (type, status, updatedAt), applications (status, acceptBy) and ratings (followUp).
 */

/** A group's key field as written, or the reply is not as asked. */
function key(g: Doc, field: string, collection: string): string {
  const id = isDoc(g._id) ? g._id : {};
  const v = id[field];
  if (typeof v !== 'string') throw new Error(`CloudBase ${collection} aggregate: group without ${field}`);
  return v;
}

const count = (g: Doc) => (typeof g.n === 'number' ? g.n : 0);
const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A China date (YYYY-MM-DD) of a date field, computed in the database. */
const chinaDate = (field: string) => ({ $dateToString: { date: field, format: '%Y-%m-%d', timezone: '+08:00' } });

export function cloudbaseDashboard(db: Db): DashboardRepository {
  const _ = db.command;
  const perCenter = (docs: Doc[], collection: string): CenterCount[] =>
    docs.map((g) => ({ centerCode: key(g, 'centerCode', collection), count: count(g) })).sort((a, b) => byKey(a.centerCode, b.centerCode));
  return {
    async transferTimes(from, to) {
      const c = COLLECTIONS.applications;
      const reply = await db
        .collection(c)
        .aggregate()
        .match({ type: 'transfer', status: 'completed', updatedAt: _.gte(from).and(_.lt(to)), test: _.neq(true) })
        .group({ _id: { centerCode: '$responsibleCenter', submittedOn: chinaDate('$createdAt'), completedOn: chinaDate('$updatedAt') }, n: { $sum: 1 } })
        .end();
      return groups(reply, c)
        .map((g) => ({ centerCode: key(g, 'centerCode', c), submittedOn: key(g, 'submittedOn', c), completedOn: key(g, 'completedOn', c), count: count(g) }))
        .sort((a, b) => byKey(a.centerCode, b.centerCode) || byKey(a.submittedOn, b.submittedOn) || byKey(a.completedOn, b.completedOn));
    },
    async overdueAcceptance(today) {
      const c = COLLECTIONS.applications;
      const reply = await db
        .collection(c)
        .aggregate()
        .match({ status: _.in(['submitted', 'delivered']), acceptBy: _.lt(today), test: _.neq(true) })
        .group({ _id: { centerCode: '$responsibleCenter' }, n: { $sum: 1 } })
        .end();
      return perCenter(groups(reply, c), c);
    },
    async openFollowUps() {
      const c = COLLECTIONS.ratings;
      const reply = await db.collection(c).aggregate().match({ followUp: _.in(['open', 'closed']) }).group({ _id: { centerCode: '$centerCode' }, n: { $sum: 1 } }).end();
      return perCenter(groups(reply, c), c);
    },
    async awaitingCallBack(ratedBefore) {
      const c = COLLECTIONS.ratings;
      const reply = await db.collection(c).aggregate().match({ followUp: 'open', at: _.lt(ratedBefore) }).group({ _id: { centerCode: '$centerCode' }, n: { $sum: 1 } }).end();
      return perCenter(groups(reply, c), c);
    },
  };
}
