import type { CenterLink } from '../../../../src/core/centers';
import { linkRow } from '../rows/catalog';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** The links table's rows, shared by the centers' store and the work orders that switch links. */
export const toLink = (row: object): CenterLink => readRow(linkRow(), 'SQL links', camelCased(row));

/** A link's url, app_id, path and healthy columns: all null for a route without a channel. */
function linkColumns(link: CenterLink): [string | null, string | null, string | null, boolean | null] {
  switch (link.kind) {
    case 'web':
      return [link.url, null, null, link.healthy];
    case 'miniprogram':
      return [null, link.appId, link.path, link.healthy];
    default:
      return [null, null, null, null];
  }
}

/** Sets the current link of (center, item), replacing the one before. */
export async function putLink(driver: SqlDriver, centerCode: string, link: CenterLink): Promise<void> {
  const [url, appId, path, healthy] = linkColumns(link);
  await driver.query(
    `insert into links (center_code, item, kind, url, app_id, path, healthy, updated_at) values ($1, $2, $3, $4, $5, $6, $7, now())
     on conflict (center_code, item) do update set kind = excluded.kind, url = excluded.url, app_id = excluded.app_id,
       path = excluded.path, healthy = excluded.healthy, updated_at = now()`,
    [centerCode, link.item, link.kind, url, appId, path, healthy],
  );
}
