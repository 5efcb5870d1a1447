import type { TrialCheckRecord, TrialCheckRepository } from '../port';
import { readRow } from '../rows/read';
import { trialCheckRow } from '../rows/trial-checks';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** The internal trial's tables (migration 20: trial_checks). */

const toCheck = (row: object): TrialCheckRecord => readRow(trialCheckRow(), 'SQL trial_checks', camelCased(row));

export function sqlTrialChecks(driver: SqlDriver): TrialCheckRepository {
  return {
    async record(r) {
      await driver.query(
        'insert into trial_checks (center_code, check_kind, ok, note, expected, observed, checked_by, checked_at) values ($1, $2, $3, $4, $5, $6, $7, $8)',
        [r.centerCode, r.check, r.ok, r.note, r.expected, r.observed, r.checkedBy, r.checkedAt],
      );
    },
    async latest(centerCodes, before) {
      const rows = await driver.query(
        `select distinct on (center_code, check_kind) center_code, check_kind as "check", ok, note, expected, observed, checked_by, checked_at
         from trial_checks where center_code = any($1::text[]) and ($2::timestamptz is null or checked_at < $2)
         order by center_code, check_kind, checked_at desc, id desc`,
        [[...centerCodes], before ?? null],
      );
      return rows.map(toCheck);
    },
  };
}
