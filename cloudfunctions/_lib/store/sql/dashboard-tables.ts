import type { CenterCount, DashboardRepository, TransferTimeGroup } from '../port';
import type { SqlDriver } from './driver';

/** The supervisors' overview figures (issue 14), each one GROUP BY over the rows behind it (indexes: migration 17); test cases never count. */

/** A China date (YYYY-MM-DD) of a timestamptz column: China keeps UTC+8 all year. */
const chinaDate = (column: string) => `to_char((${column} at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;

interface TransferRow {
  center_code: string;
  submitted_on: string;
  completed_on: string;
  n: string | number;
}

interface CountRow {
  center_code: string;
  n: string | number;
}

const toCount = (r: CountRow): CenterCount => ({ centerCode: r.center_code, count: Number(r.n) });

export function sqlDashboard(driver: SqlDriver): DashboardRepository {
  return {
    async transferTimes(from, to) {
      const rows = await driver.query<TransferRow>(
        `select responsible_center as center_code, ${chinaDate('created_at')} as submitted_on, ${chinaDate('updated_at')} as completed_on, count(*) as n
           from applications
          where type = 'transfer' and status = 'completed' and updated_at >= $1 and updated_at < $2 and not test
          group by 1, 2, 3 order by 1, 2, 3`,
        [from, to],
      );
      return rows.map((r): TransferTimeGroup => ({ centerCode: r.center_code, submittedOn: r.submitted_on, completedOn: r.completed_on, count: Number(r.n) }));
    },
    async overdueAcceptance(today) {
      const rows = await driver.query<CountRow>(
        `select responsible_center as center_code, count(*) as n from applications
          where status in ('submitted', 'delivered') and accept_by < $1 and not test group by 1 order by 1`,
        [today],
      );
      return rows.map(toCount);
    },
    async openFollowUps() {
      const rows = await driver.query<CountRow>("select center_code, count(*) as n from ratings where follow_up in ('open', 'closed') group by 1 order by 1");
      return rows.map(toCount);
    },
    async awaitingCallBack(ratedBefore) {
      const rows = await driver.query<CountRow>("select center_code, count(*) as n from ratings where follow_up = 'open' and at < $1 group by 1 order by 1", [ratedBefore]);
      return rows.map(toCount);
    },
  };
}
