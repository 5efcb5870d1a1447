import type { CalendarYearRecord, CalendarYearRepository } from '../port';
import { calendarYearRow } from '../rows/calendar';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** The official calendar's loaded years (migration 11). */

const toCalendarYear = (row: object): CalendarYearRecord => readRow(calendarYearRow(), 'SQL calendar_years', camelCased(row));

const rowValues = (r: CalendarYearRecord) => [r.year, JSON.stringify(r.notice), JSON.stringify(r.holidays), JSON.stringify(r.workdays), r.loadedBy, r.loadedAt];

export function sqlCalendarYears(driver: SqlDriver): CalendarYearRepository {
  return {
    async get(year) {
      const [row] = await driver.query('select * from calendar_years where year = $1', [year]);
      return row ? toCalendarYear(row) : undefined;
    },
    async list() {
      return (await driver.query('select * from calendar_years order by year')).map(toCalendarYear);
    },
    async create(record) {
      const rows = await driver.query(
        `insert into calendar_years (year, notice, holidays, workdays, loaded_by, loaded_at)
         values ($1, $2::jsonb, $3::jsonb, $4::jsonb, $5, $6) on conflict (year) do nothing returning year`,
        rowValues(record),
      );
      return rows.length === 1;
    },
    replace: (record) =>
      driver.transaction(async (tx) => {
        const [before] = await tx.query('select * from calendar_years where year = $1 for update', [record.year]);
        if (!before) return undefined;
        await tx.query('update calendar_years set notice = $2::jsonb, holidays = $3::jsonb, workdays = $4::jsonb, loaded_by = $5, loaded_at = $6 where year = $1', rowValues(record));
        return toCalendarYear(before);
      }),
  };
}
