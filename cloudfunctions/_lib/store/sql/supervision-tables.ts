import type { LiaisonRecord, OnlineReasonRecord, RecommendationRecord, SupervisionRepository } from '../port';
import { readRow } from '../rows/read';
import { interfaceTestRow, liaisonRow, linkHealthRow, onlineReasonRow, recommendationRow } from '../rows/supervision';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** The supervision tables' own data and the histories they read (migration 15). */

const toReason = (row: object): OnlineReasonRecord => readRow(onlineReasonRow(), 'SQL online_reasons', camelCased(row));
const toLiaison = (row: object): LiaisonRecord => readRow(liaisonRow(), 'SQL liaisons', camelCased(row));
const toRecommendation = (row: object): RecommendationRecord => readRow(recommendationRow(), 'SQL recommendations', camelCased(row));

export function sqlSupervision(driver: SqlDriver): SupervisionRepository {
  return {
    async linkHealthAt(before) {
      const rows = await driver.query(
        `select distinct on (center_code, channel) center_code, channel, healthy, checked_at from channel_health_log
         where checked_at < $1 and channel like 'link:%' order by center_code, channel, checked_at desc`,
        [before],
      );
      return rows
        .map((r) => readRow(linkHealthRow(), 'SQL channel_health_log', camelCased(r)))
        .sort((a, b) => a.centerCode.localeCompare(b.centerCode) || a.item - b.item);
    },
    async interfaceTestsAt(before) {
      const rows = await driver.query(
        `select center_code, max(started_at) as last_run_at,
           coalesce(bool_or((report ->> 'passed')::boolean and (report ->> 'finishedAt')::timestamptz < $1), false) as passed
         from conformance_runs where started_at < $1 group by center_code order by center_code`,
        [before],
      );
      return rows.map((r) => readRow(interfaceTestRow(), 'SQL conformance_runs', camelCased(r)));
    },
    async onlineReasons() {
      return (await driver.query('select * from online_reasons order by center_code, item')).map(toReason);
    },
    putOnlineReason: (record) =>
      driver.transaction(async (tx) => {
        const [before] = await tx.query('select * from online_reasons where center_code = $1 and item = $2 for update', [record.centerCode, record.item]);
        await tx.query(
          `insert into online_reasons (center_code, item, reason, expected_date, given_by, given_at) values ($1, $2, $3, $4, $5, $6)
           on conflict (center_code, item) do update set reason = excluded.reason, expected_date = excluded.expected_date,
             given_by = excluded.given_by, given_at = excluded.given_at`,
          [record.centerCode, record.item, record.reason, record.expectedDate, record.givenBy, record.givenAt],
        );
        return before ? toReason(before) : undefined;
      }),
    async liaisons() {
      return (await driver.query('select * from liaisons order by province')).map(toLiaison);
    },
    putLiaison: (record) =>
      driver.transaction(async (tx) => {
        const [before] = await tx.query('select * from liaisons where province = $1 for update', [record.province]);
        await tx.query(
          `insert into liaisons (province, contact_sealed, position, landline, updated_by, updated_at) values ($1, $2, $3, $4, $5, $6)
           on conflict (province) do update set contact_sealed = excluded.contact_sealed, position = excluded.position,
             landline = excluded.landline, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
          [record.province, record.contactSealed, record.position, record.landline, record.updatedBy, record.updatedAt],
        );
        return before ? toLiaison(before) : undefined;
      }),
    async recommendations(provinces) {
      const rows =
        provinces === undefined
          ? await driver.query('select * from recommendations order by province, added_at desc, id')
          : await driver.query('select * from recommendations where province = any($1::text[]) order by province, added_at desc, id', [[...provinces]]);
      return rows.map(toRecommendation);
    },
    async addRecommendation(r) {
      await driver.query(
        'insert into recommendations (id, province, kind, center_code, title, summary, added_by, added_at) values ($1, $2, $3, $4, $5, $6, $7, $8)',
        [r.id, r.province, r.kind, r.centerCode, r.title, r.summary, r.addedBy, r.addedAt],
      );
    },
    async removeRecommendation(id) {
      const [row] = await driver.query('delete from recommendations where id = $1 returning *', [id]);
      return row ? toRecommendation(row) : undefined;
    },
    async getRecommendation(id) {
      const [row] = await driver.query('select * from recommendations where id = $1', [id]);
      return row ? toRecommendation(row) : undefined;
    },
  };
}
