import type { ContractCheck, ContractCheckRepository } from '../port';
import { contractCheckRow } from '../rows/contract-checks';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** Staff's 已核实 of held purchase withdrawals (migration 42: contract_checks, one per application). */

const toCheck = (row: object): ContractCheck => readRow(contractCheckRow(), 'SQL contract_checks', camelCased(row));

export function sqlContractChecks(driver: SqlDriver): ContractCheckRepository {
  const get = async (applicationId: string) => {
    const [row] = await driver.query('select * from contract_checks where application_id = $1', [applicationId]);
    return row ? toCheck(row) : undefined;
  };
  return {
    async record(c) {
      const [row] = await driver.query(
        `insert into contract_checks (application_id, at, staff_openid, center_code, note) values ($1, $2, $3, $4, $5)
           on conflict (application_id) do nothing returning *`,
        [c.applicationId, c.at, c.staffOpenid, c.centerCode, c.note],
      );
      if (row) return toCheck(row);
      const held = await get(c.applicationId);
      if (!held) throw new Error(`contract check of ${c.applicationId} neither recorded nor found`);
      return held;
    },
    get,
  };
}
