import { MONTHLY_COUNTED_STATUSES } from '../../../../src/core/supervision';
import { foldCounts, type CountKind } from '../monthly-counts';
import type { MonthlyFiguresRecord, MonthlyRepository, MonthlySubmissionRecord } from '../port';
import { monthlyFiguresRow, monthlySubmissionRow } from '../rows/monthly';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** The monthly statistics of annex 2 (migrations 16, 18): counted with one GROUP BY per source, the centers' figures, submissions. */

/** One group of the counting query: what (`kind`), for which center and item, how many, and fen paid. */
interface CountRow {
  center_code: string;
  kind: CountKind;
  item: number;
  n: string | number;
  fen: string | number;
}

/**
 * Jumps that opened a center's channel per item 4-6; `scoped`: only the centers of `$3` (the national table has no
 * such condition to test on each of its rows).
 */
const jumpCountsSql = (scoped: boolean) => `
  select center_code, 'jump' as kind, item::integer as item, count(*) as n, 0::bigint as fen
    from jumps
   where at >= $1 and at < $2 and item in (4, 5, 6) and outcome in ('web', 'miniprogram')${scoped ? ' and center_code = any($3::text[])' : ''}
   group by center_code, item`;

/**
 * The applications of the annex's types submitted in the period and handled (MONTHLY_COUNTED_STATUSES, `$3`), test cases never, per
 * center taking part (both centers of a joint or accept-here case), type and service item; by the index on
 * created_at. `scoped`: only the centers of `$4`.
 */
const submittedCountsSql = (scoped: boolean) => `
  select c.value->>'code' as center_code, a.type as kind, coalesce(a.service_item, 0)::integer as item, count(*) as n, 0::bigint as fen
    from applications a cross join lateral jsonb_array_elements(a.centers) c
   where a.created_at >= $1 and a.created_at < $2
     and a.type in ('purchase-withdrawal', 'certificate-loan-cleared', 'service-request') and a.status = any($3::text[]) and not a.test
${scoped ? "     and c.value->>'code' = any($4::text[])\n" : ''}   group by 1, 2, 3`;

/**
 * What each deposit-locale center paid in the period for purchase withdrawals (test cases never), whenever submitted (amounts in yuan
 * with two decimals, summed as whole fen); by the index on payment->>'paidOn' (migration 18). `scoped`: only the
 * centers of `$3`.
 */
const paidSql = (scoped: boolean) => `
  select c.value->>'code' as center_code, 'paid' as kind, 0 as item, count(*) as n,
         coalesce(sum(round((a.payment->>'amount')::numeric * 100)), 0)::bigint as fen
    from applications a cross join lateral jsonb_array_elements(a.centers) c
   where a.type = 'purchase-withdrawal' and a.payment->>'paidOn' >= $1 and a.payment->>'paidOn' < $2 and c.value->>'role' = 'deposit' and not a.test
${scoped ? "     and c.value->>'code' = any($3::text[])\n" : ''}   group by 1`;

const toFigures = (row: object): MonthlyFiguresRecord => readRow(monthlyFiguresRow(), 'SQL monthly_figures', camelCased(row));
const toSubmission = (row: object): MonthlySubmissionRecord => readRow(monthlySubmissionRow(), 'SQL monthly_submissions', camelCased(row));

export function sqlMonthly(driver: SqlDriver): MonthlyRepository {
  return {
    async counts(w) {
      const codes = w.centerCodes ? [[...w.centerCodes]] : [];
      const scoped = w.centerCodes !== undefined;
      // three statements side by side, each by an index of its own: on PostgreSQL each on a connection of its own
      const [jumps, submitted, paid] = await Promise.all([
        driver.query<CountRow>(jumpCountsSql(scoped), [w.from, w.to, ...codes]),
        driver.query<CountRow>(submittedCountsSql(scoped), [w.from, w.to, [...MONTHLY_COUNTED_STATUSES], ...codes]),
        driver.query<CountRow>(paidSql(scoped), [w.fromDate, w.toDate, ...codes]),
      ]);
      return foldCounts([...jumps, ...submitted, ...paid].map((r) => ({ centerCode: r.center_code, kind: r.kind, item: Number(r.item), n: Number(r.n), fen: Number(r.fen) })));
    },
    async figures(period, centerCodes) {
      const rows = await driver.query<object>(
        'select * from monthly_figures where period = $1 and ($2::text[] is null or center_code = any($2::text[])) order by center_code',
        [period, centerCodes ? [...centerCodes] : null],
      );
      return rows.map(toFigures);
    },
    putFigures: (r) =>
      driver.transaction(async (tx) => {
        const [before] = await tx.query<object>('select * from monthly_figures where center_code = $1 and period = $2 for update', [r.centerCode, r.period]);
        await tx.query(
          `insert into monthly_figures (center_code, period, figures, entered_by, entered_at) values ($1, $2, $3::jsonb, $4, $5)
           on conflict (center_code, period) do update set figures = excluded.figures, entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
          [r.centerCode, r.period, JSON.stringify(r.figures), r.enteredBy, r.enteredAt],
        );
        return before ? toFigures(before) : undefined;
      }),
    async submissions(period) {
      const rows = await driver.query<object>('select * from monthly_submissions where period = $1 order by province, version', [period]);
      return rows.map(toSubmission);
    },
    async submit(r) {
      const rows = await driver.query(
        `insert into monthly_submissions (province, period, version, submitted_by, submitted_at, sha256, file_name, reason, rows, totals)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb) on conflict do nothing returning version`,
        [r.province, r.period, r.version, r.submittedBy, r.submittedAt, r.sha256, r.fileName, r.reason, JSON.stringify(r.rows), JSON.stringify(r.totals)],
      );
      return rows.length === 1;
    },
    async remind(centerCode, period, at) {
      const rows = await driver.query('insert into monthly_reminders (center_code, period, at) values ($1, $2, $3) on conflict do nothing returning period', [centerCode, period, at]);
      return rows.length === 1;
    },
  };
}
