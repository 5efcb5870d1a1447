import type { BusinessDomainPut, BusinessDomainRecord, BusinessDomainRepository } from '../port';
import { businessDomainRow } from '../rows/business-domains';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** The mini-program's business domains (migration 24): one row per domain a supervisor set. */

function toBusinessDomain(row: object): BusinessDomainRecord {
  const { fileName, fileContent, ...rest } = camelCased(row);
  const verificationFile = typeof fileName === 'string' && typeof fileContent === 'string' ? { name: fileName, content: fileContent } : null;
  return readRow(businessDomainRow(), 'SQL business_domains', { ...rest, verificationFile });
}

export function sqlBusinessDomains(driver: SqlDriver): BusinessDomainRepository {
  return {
    async get(domain) {
      const [row] = await driver.query('select * from business_domains where domain = $1', [domain]);
      return row ? toBusinessDomain(row) : undefined;
    },
    async list() {
      return (await driver.query('select * from business_domains order by domain')).map(toBusinessDomain);
    },
    put: (r, configuredLimit) =>
      driver.transaction(async (tx): Promise<BusinessDomainPut> => {
        // configuring writers take turns, so each counts the others' configured domains as committed
        if (r.state === 'configured' && configuredLimit !== undefined) await tx.query("select pg_advisory_xact_lock(hashtext('business-domains:configured'))");
        const [before] = await tx.query('select * from business_domains where domain = $1 for update', [r.domain]);
        if (r.state === 'configured' && configuredLimit !== undefined && before?.state !== 'configured') {
          const [{ n }] = await tx.query("select count(*)::int as n from business_domains where state = 'configured' and domain <> $1", [r.domain]);
          if (Number(n) >= configuredLimit) return { written: false, configured: Number(n) };
        }
        await tx.query(
          `insert into business_domains (domain, state, file_name, file_content, checked_at, problem, updated_at, updated_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (domain) do update set state = excluded.state, file_name = excluded.file_name, file_content = excluded.file_content,
             checked_at = excluded.checked_at, problem = excluded.problem, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
          [r.domain, r.state, r.verificationFile?.name ?? null, r.verificationFile?.content ?? null, r.checkedAt, r.problem, r.updatedAt, r.updatedBy],
        );
        return { written: true, replaced: before ? toBusinessDomain(before) : undefined };
      }),
    async recordCheck(domain, setAt, check) {
      const placed = check.problem === null;
      const [row] = await driver.query(
        `update business_domains set checked_at = $3, problem = $4,
           state = case when $5 then 'file-placed' else state end,
           updated_at = case when $5 then $3 else updated_at end,
           updated_by = case when $5 then $6 else updated_by end
         where domain = $1 and state = 'requested' and updated_at = $2 returning *`,
        [domain, setAt, check.at, check.problem, placed, check.by],
      );
      return row ? toBusinessDomain(row) : undefined;
    },
  };
}
