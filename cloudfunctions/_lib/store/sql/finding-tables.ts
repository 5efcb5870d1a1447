import type { CatalogFixRecord, CatalogFixRepository, FindingRecord, FindingRepository } from '../port';
import { catalogFixRow, findingRow, replacedScreenshot, storedHistory } from '../rows/findings';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** The trial's findings and catalog fixes (migration 22). `check` is a keyword in SQL: its column is check_kind. */

const toFinding = (row: object): FindingRecord => {
  const { checkKind, ...rest } = camelCased(row);
  return readRow(findingRow(), 'SQL findings', { ...rest, check: checkKind });
};
const toFix = (row: object): CatalogFixRecord => {
  const { fromValue, toValue, ...rest } = camelCased(row);
  return readRow(catalogFixRow(), 'SQL catalog_fixes', { ...rest, from: fromValue, to: toValue });
};

/** Adds an observation to the finding of the check not closed (locked by the caller's transaction): open again. */
async function addTo(
  tx: SqlDriver,
  before: FindingRecord,
  f: FindingRecord,
  screenshot: string | null,
): Promise<{ finding: FindingRecord; reused: true; replaced: FindingRecord['screenshot'] }> {
  const event = { ...f.history[0], kind: before.status === 'fixed' ? ('reopened' as const) : ('opened' as const) };
  const [row] = await tx.query(
    `update findings set status = 'open', expected = $2, seen = $3, observed = $4, screenshot = coalesce($5::jsonb, screenshot), updated_at = $6,
       history = history || $7::jsonb where id = $1 returning *`,
    [before.id, f.expected, f.seen, f.observed, screenshot, f.updatedAt, JSON.stringify(storedHistory([event]))],
  );
  return { finding: toFinding(row), reused: true, replaced: replacedScreenshot(before, f) };
}

export function sqlFindings(driver: SqlDriver): FindingRepository {
  return {
    open: (f) =>
      driver.transaction(async (tx) => {
        const screenshot = f.screenshot ? JSON.stringify(f.screenshot) : null;
        // a finding of the check not closed wins (the partial unique index): a concurrent opening waits for it, then
        // adds to it; should that one be closed meanwhile, the insert is tried again
        for (;;) {
          const [created] = await tx.query(
            `insert into findings (id, province, center_code, check_kind, owner, status, expected, seen, observed, screenshot, opened_by, opened_at, updated_at, history)
             values ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9::jsonb, $10, $11, $12, $13::jsonb)
             on conflict (center_code, check_kind) where status <> 'closed' do nothing returning *`,
            [f.id, f.province, f.centerCode, f.check, f.owner, f.expected, f.seen, f.observed, screenshot, f.openedBy, f.openedAt, f.updatedAt, JSON.stringify(storedHistory(f.history))],
          );
          if (created) return { finding: toFinding(created), reused: false, replaced: null };
          const [active] = await tx.query("select * from findings where center_code = $1 and check_kind = $2 and status <> 'closed' for update", [f.centerCode, f.check]);
          if (active) return addTo(tx, toFinding(active), f, screenshot);
        }
      }),
    async get(id) {
      const [row] = await driver.query('select * from findings where id = $1', [id]);
      return row ? toFinding(row) : undefined;
    },
    async list(filter) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (clause: string, value: unknown) => {
        params.push(value);
        where.push(clause.replace('?', `$${params.length}`));
      };
      if (filter.provinces !== undefined) add('province = any(?::text[])', [...filter.provinces]);
      if (filter.centerCodes !== undefined) add('center_code = any(?::text[])', [...filter.centerCodes]);
      if (filter.owner !== undefined) add('owner = ?', filter.owner);
      if (filter.statuses !== undefined) add('status = any(?::text[])', [...filter.statuses]);
      const rows = await driver.query(`select * from findings${where.length ? ` where ${where.join(' and ')}` : ''} order by opened_at, id`, params);
      return rows.map(toFinding);
    },
    async move(id, from, to, event) {
      const [row] = await driver.query('update findings set status = $3, updated_at = $4, history = history || $5::jsonb where id = $1 and status = $2 returning *', [
        id,
        from,
        to,
        event.at,
        JSON.stringify(storedHistory([event])),
      ]);
      return row ? toFinding(row) : undefined;
    },
  };
}

export function sqlCatalogFixes(driver: SqlDriver): CatalogFixRepository {
  return {
    async add(f) {
      await driver.query(
        `insert into catalog_fixes (id, center_code, field, from_value, to_value, finding_id, status, proposed_by, proposed_at, reviewed_by, reviewed_at, reason)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [f.id, f.centerCode, f.field, f.from, f.to, f.findingId, f.status, f.proposedBy, f.proposedAt, f.reviewedBy, f.reviewedAt, f.reason],
      );
    },
    async get(id) {
      const [row] = await driver.query('select * from catalog_fixes where id = $1', [id]);
      return row ? toFix(row) : undefined;
    },
    async list(centerCode) {
      const rows =
        centerCode === undefined
          ? await driver.query('select * from catalog_fixes order by proposed_at desc, id')
          : await driver.query('select * from catalog_fixes where center_code = $1 order by proposed_at desc, id', [centerCode]);
      return rows.map(toFix);
    },
    review: (id, r) =>
      driver.transaction(async (tx) => {
        const [row] = await tx.query("update catalog_fixes set status = $2, reviewed_by = $3, reviewed_at = $4, reason = $5 where id = $1 and status = 'pending' returning *", [
          id,
          r.status,
          r.reviewedBy,
          r.reviewedAt,
          r.reason,
        ]);
        if (!row) return undefined;
        const fix = toFix(row);
        if (fix.status === 'approved') {
          await tx.query(fix.field === 'name' ? 'update centers set name = $2 where code = $1' : 'update centers set phone = $2 where code = $1', [fix.centerCode, fix.to]);
        }
        return fix;
      }),
  };
}

/** Lays the latest approved fix of each center's name and phone over the catalog just upserted (run in the upsert's transaction). */
export const APPLY_CATALOG_FIXES = `
  update centers c set
    name = coalesce((select f.to_value from catalog_fixes f where f.center_code = c.code and f.field = 'name' and f.status = 'approved' order by f.reviewed_at desc, f.id desc limit 1), c.name),
    phone = coalesce((select f.to_value from catalog_fixes f where f.center_code = c.code and f.field = 'phone' and f.status = 'approved' order by f.reviewed_at desc, f.id desc limit 1), c.phone)
  where exists (select 1 from catalog_fixes f where f.center_code = c.code and f.status = 'approved')`;
