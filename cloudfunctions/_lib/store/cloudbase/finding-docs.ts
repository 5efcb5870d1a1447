import type { CatalogField } from '../../../../src/core/trial';
import type { CatalogFixRecord, CatalogFixRepository, FindingRecord, FindingRepository } from '../port';
import { catalogFixRow, findingRow, replacedScreenshot, storedHistory } from '../rows/findings';
import { readRow } from '../rows/read';
import { COLLECTIONS, fetchAll, getById, retryConflicts, runTransaction, str, transactionDoc, type Db, type Doc } from './sdk';

/**
 * The trial's findings and catalog fixes (SQL migration 22):
 * - `findings`:       id = finding id; the FindingRecord fields, openedAt and updatedAt dates, history an array (times ISO strings).
 * - `activeFindings`: id = `${centerCode}:${check}`; { findingId } of the center's check's finding not closed (SQL's
 *                     partial unique index): opening reads it in the same transaction, closing removes it.
 * - `catalogFixes`:   id = fix id; the CatalogFixRecord fields, proposedAt and reviewedAt dates.
 * Indexes these want: findings (province, openedAt), catalogFixes (centerCode, proposedAt desc), catalogFixes (status).
 * Each transaction runs again while it loses write conflicts (retryConflicts): testers report one check at once,
 * staff mark it fixed meanwhile, supervisors approve several fixes of one center together.
 */

const toFinding = (doc: Doc): FindingRecord => readRow(findingRow(), `CloudBase ${COLLECTIONS.findings}`, { ...doc, id: doc._id });
const toFix = (doc: Doc): CatalogFixRecord => readRow(catalogFixRow(), `CloudBase ${COLLECTIONS.catalogFixes}`, { ...doc, id: doc._id });
const findingDoc = ({ id: _id, history, ...f }: FindingRecord) => ({ ...f, history: storedHistory(history) });
const activeId = (f: Pick<FindingRecord, 'centerCode' | 'check'>) => `${f.centerCode}:${f.check}`;

export function cloudbaseFindings(db: Db): FindingRepository {
  const _ = db.command;
  const findings = () => db.collection(COLLECTIONS.findings);
  return {
    open: (f) =>
      retryConflicts(() =>
        runTransaction(db, async (tx) => {
          const pointer = tx.collection(COLLECTIONS.activeFindings).doc(activeId(f));
          const holder = transactionDoc(await pointer.get(), COLLECTIONS.activeFindings);
          if (!holder) {
            const ref = tx.collection(COLLECTIONS.findings).doc(f.id);
            if (transactionDoc(await ref.get(), COLLECTIONS.findings)) throw new Error(`CloudBase findings: finding ${f.id} conflicts with an existing one`);
            await ref.set(findingDoc(f));
            await pointer.set({ findingId: f.id });
            return { finding: f, reused: false, replaced: null };
          }
          const ref = tx.collection(COLLECTIONS.findings).doc(str(holder, 'findingId', COLLECTIONS.activeFindings));
          const found = transactionDoc(await ref.get(), COLLECTIONS.findings);
          if (!found) throw new Error(`CloudBase activeFindings: ${activeId(f)} names a finding that is not there`);
          const before = toFinding(found);
          const finding: FindingRecord = {
            ...before,
            status: 'open',
            expected: f.expected,
            seen: f.seen,
            observed: f.observed,
            screenshot: f.screenshot ?? before.screenshot,
            updatedAt: f.updatedAt,
            history: [...before.history, { ...f.history[0], kind: before.status === 'fixed' ? 'reopened' : 'opened' }],
          };
          await ref.set(findingDoc(finding));
          return { finding, reused: true, replaced: replacedScreenshot(before, f) };
        }),
      ),
    async get(id) {
      const doc = await getById(findings(), id);
      return doc ? toFinding(doc) : undefined;
    },
    async list(filter) {
      const where: Doc = {};
      if (filter.provinces !== undefined) where.province = _.in([...filter.provinces]);
      if (filter.centerCodes !== undefined) where.centerCode = _.in([...filter.centerCodes]);
      if (filter.owner !== undefined) where.owner = filter.owner;
      if (filter.statuses !== undefined) where.status = _.in([...filter.statuses]);
      const query = Object.keys(where).length > 0 ? findings().where(where) : findings();
      return (await fetchAll(COLLECTIONS.findings, query, ['openedAt', '_id'])).map(toFinding);
    },
    move: (id, from, to, event) =>
      retryConflicts(() =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.findings).doc(id);
          const found = transactionDoc(await ref.get(), COLLECTIONS.findings);
          if (!found) return undefined;
          const before = toFinding(found);
          if (before.status !== from) return undefined;
          const finding: FindingRecord = { ...before, status: to, updatedAt: event.at, history: [...before.history, event] };
          await ref.set(findingDoc(finding));
          if (to === 'closed') await tx.collection(COLLECTIONS.activeFindings).doc(activeId(before)).remove();
          return finding;
        }),
      ),
  };
}

export function cloudbaseCatalogFixes(db: Db): CatalogFixRepository {
  const fixes = () => db.collection(COLLECTIONS.catalogFixes);
  return {
    async add({ id, ...fix }) {
      await fixes().add({ _id: id, ...fix });
    },
    async get(id) {
      const doc = await getById(fixes(), id);
      return doc ? toFix(doc) : undefined;
    },
    async list(centerCode) {
      const query = centerCode === undefined ? fixes() : fixes().where({ centerCode });
      return (await fetchAll(COLLECTIONS.catalogFixes, query, [{ desc: 'proposedAt' }, '_id'])).map(toFix);
    },
    review: (id, r) =>
      retryConflicts(() =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.catalogFixes).doc(id);
          const found = transactionDoc(await ref.get(), COLLECTIONS.catalogFixes);
          if (!found) return undefined;
          const before = toFix(found);
          if (before.status !== 'pending') return undefined;
          const { id: _id, ...fix } = { ...before, ...r };
          await ref.set(fix);
          if (fix.status === 'approved') await tx.collection(COLLECTIONS.centers).doc(fix.centerCode).update({ [fix.field]: fix.to });
          return { id, ...fix };
        }),
      ),
  };
}

/** The latest approved fix of each center's fields, by center: what upsertCatalog lays over the catalog. */
export async function approvedFixes(db: Db): Promise<Map<string, Partial<Record<CatalogField, string>>>> {
  const approved = (await fetchAll(COLLECTIONS.catalogFixes, db.collection(COLLECTIONS.catalogFixes).where({ status: 'approved' }), ['reviewedAt', '_id'])).map(toFix);
  const byCenter = new Map<string, Partial<Record<CatalogField, string>>>();
  // oldest reviewed first: a later approval of the same field replaces an earlier one
  for (const fix of approved) byCenter.set(fix.centerCode, { ...byCenter.get(fix.centerCode), [fix.field]: fix.to });
  return byCenter;
}
