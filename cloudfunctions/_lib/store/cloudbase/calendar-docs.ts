import type { CalendarYearRecord, CalendarYearRepository } from '../port';
import { calendarYearRow } from '../rows/calendar';
import { readRow } from '../rows/read';
import { COLLECTIONS, fetchAll, getById, runTransaction, transactionDoc, type Db, type Doc } from './sdk';

/** The official calendar's loaded years: one document per year. */

export function cloudbaseCalendarYears(db: Db): CalendarYearRepository {
  const calendarYears = () => db.collection(COLLECTIONS.calendarYears);
  return {
    async get(year) {
      const doc = await getById(calendarYears(), String(year));
      return doc ? toCalendarYear(doc) : undefined;
    },
    async list() {
      return (await fetchAll(COLLECTIONS.calendarYears, calendarYears(), 'year')).map(toCalendarYear);
    },
    create: (record) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.calendarYears).doc(String(record.year));
        if (transactionDoc(await ref.get(), COLLECTIONS.calendarYears)) return false;
        await ref.set(calendarYearDoc(record));
        return true;
      }),
    replace: (record) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.calendarYears).doc(String(record.year));
        const before = transactionDoc(await ref.get(), COLLECTIONS.calendarYears);
        if (!before) return undefined;
        await ref.set(calendarYearDoc(record));
        return toCalendarYear(before);
      }),
  };
}

function calendarYearDoc(r: CalendarYearRecord): Doc {
  return { year: r.year, notice: { ...r.notice }, holidays: r.holidays.map((h) => ({ ...h })), workdays: [...r.workdays], loadedBy: r.loadedBy, loadedAt: r.loadedAt };
}

const toCalendarYear = (doc: Doc): CalendarYearRecord => readRow(calendarYearRow(), 'CloudBase calendarYears', doc);
