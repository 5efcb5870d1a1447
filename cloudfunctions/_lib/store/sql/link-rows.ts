import type { CenterLink } from '../../../../src/core/centers';
import type { ItemId } from '../../../../src/core/items';
import type { SqlDriver } from './driver';

/** The links table's rows, shared by the centers' store and the work orders that switch links. */
export interface LinkRow {
  item: number;
  kind: CenterLink['kind'];
  url: string | null;
  app_id: string | null;
  path: string | null;
  /** Null exactly for the routes without a channel (in-app, counter): the table's check says so. */
  healthy: boolean | null;
}

export function toLink(r: LinkRow): CenterLink {
  const item = r.item as ItemId;
  switch (r.kind) {
    case 'web':
      return { item, kind: 'web', url: r.url ?? '', healthy: r.healthy ?? false };
    case 'miniprogram':
      return { item, kind: 'miniprogram', appId: r.app_id ?? '', path: r.path ?? '', healthy: r.healthy ?? false };
    default:
      return { item, kind: r.kind };
  }
}

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
