import type { Center, CenterLink } from '../../../../src/core/centers';
import type { ItemId } from '../../../../src/core/items';
import type { RoleGrant } from '../../../../src/core/roles';
import type { JumpCountFilter, Store, StoreKind } from '../port';
import type { SqlDriver } from './driver';
import { MIGRATIONS } from './migrations';

/** Brings the schema up to the newest migration; safe to run from several processes at once. */
export async function migrate(driver: SqlDriver): Promise<number[]> {
  const applied: number[] = [];
  await driver.transaction(async (tx) => {
    // one migrator at a time across connections (PostgreSQL); PGlite has one connection anyway
    await tx.query('select pg_advisory_xact_lock(20260415)');
    await tx.query('create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())');
    const done = new Set((await tx.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
  });
  return applied;
}

interface CenterRow {
  code: string;
  name: string;
  province: string;
  city: string;
  phone: string;
  live: boolean;
  pinyin: string;
  initials: string;
  province_pinyin: string;
  province_initials: string;
}

const toCenter = (r: CenterRow): Center => ({
  code: r.code,
  name: r.name,
  province: r.province,
  city: r.city,
  phone: r.phone,
  live: r.live,
  pinyin: r.pinyin,
  initials: r.initials,
  provincePinyin: r.province_pinyin,
  provinceInitials: r.province_initials,
});

interface LinkRow {
  item: number;
  kind: 'web' | 'miniprogram';
  url: string | null;
  app_id: string | null;
  path: string | null;
  healthy: boolean;
}

const toLink = (r: LinkRow): CenterLink =>
  r.kind === 'web'
    ? { item: r.item as ItemId, kind: 'web', url: r.url ?? '', healthy: r.healthy }
    : { item: r.item as ItemId, kind: 'miniprogram', appId: r.app_id ?? '', path: r.path ?? '', healthy: r.healthy };

const CENTER_COLUMNS = ['code', 'name', 'province', 'city', 'phone', 'live', 'pinyin', 'initials', 'province_pinyin', 'province_initials'] as const;

/** The store over any SQL driver; call `migrate` before first use. */
export function createSqlStore(driver: SqlDriver, kind: Extract<StoreKind, 'pglite' | 'postgres'>): Store {
  return {
    kind,
    centers: {
      async upsertCatalog(centers: readonly Center[]) {
        if (centers.length === 0) return;
        const values: unknown[] = [];
        const tuples = centers.map((c, i) => {
          values.push(c.code, c.name, c.province, c.city, c.phone, c.live, c.pinyin, c.initials, c.provincePinyin, c.provinceInitials);
          return `(${CENTER_COLUMNS.map((_, j) => `$${i * CENTER_COLUMNS.length + j + 1}`).join(', ')})`;
        });
        const refreshed = CENTER_COLUMNS.filter((c) => c !== 'code' && c !== 'live').map((c) => `${c} = excluded.${c}`);
        await driver.query(
          `insert into centers (${CENTER_COLUMNS.join(', ')}) values ${tuples.join(', ')} on conflict (code) do update set ${refreshed.join(', ')}`,
          values,
        );
      },
      async get(code) {
        const [row] = await driver.query<CenterRow>('select * from centers where code = $1', [code]);
        return row ? toCenter(row) : undefined;
      },
      async list() {
        return (await driver.query<CenterRow>('select * from centers order by code')).map(toCenter);
      },
      async setLive(code, live) {
        await driver.query('update centers set live = $2 where code = $1', [code, live]);
      },
    },
    links: {
      async listForCenter(centerCode) {
        return (await driver.query<LinkRow>('select * from links where center_code = $1 order by item', [centerCode])).map(toLink);
      },
      async put(centerCode, link) {
        const [url, appId, path] = link.kind === 'web' ? [link.url, null, null] : [null, link.appId, link.path];
        await driver.query(
          `insert into links (center_code, item, kind, url, app_id, path, healthy, updated_at) values ($1, $2, $3, $4, $5, $6, $7, now())
           on conflict (center_code, item) do update set kind = excluded.kind, url = excluded.url, app_id = excluded.app_id,
             path = excluded.path, healthy = excluded.healthy, updated_at = now()`,
          [centerCode, link.item, link.kind, url, appId, path, link.healthy],
        );
      },
    },
    jumps: {
      async record(jump) {
        await driver.query('insert into jumps (center_code, item, outcome, at) values ($1, $2, $3, $4)', [jump.centerCode, jump.item, jump.outcome, jump.at]);
      },
      async count(filter: JumpCountFilter) {
        const where: string[] = [];
        const params: unknown[] = [];
        const add = (clause: string, value: unknown) => {
          params.push(value);
          where.push(clause.replace('?', `$${params.length}`));
        };
        if (filter.centerCode !== undefined) add('center_code = ?', filter.centerCode);
        if (filter.item !== undefined) add('item = ?', filter.item);
        if (filter.from !== undefined) add('at >= ?', filter.from);
        if (filter.to !== undefined) add('at < ?', filter.to);
        const [row] = await driver.query<{ n: string | number }>(
          `select count(*) as n from jumps${where.length ? ` where ${where.join(' and ')}` : ''}`,
          params,
        );
        return Number(row?.n ?? 0);
      },
    },
    roles: {
      async rolesOf(openid) {
        const rows = await driver.query<{ role: RoleGrant['role']; center_code: string }>(
          'select role, center_code from roles where openid = $1 order by role, center_code',
          [openid],
        );
        return rows.map((r): RoleGrant => (r.role === 'center-staff' ? { role: r.role, centerCode: r.center_code } : { role: r.role }));
      },
      async grant(openid, grant) {
        await driver.query('insert into roles (openid, role, center_code) values ($1, $2, $3) on conflict do nothing', [
          openid,
          grant.role,
          grant.role === 'center-staff' ? grant.centerCode : '',
        ]);
      },
    },
    meta: {
      async get(key) {
        const [row] = await driver.query<{ value: string }>('select value from meta where key = $1', [key]);
        return row?.value;
      },
      async set(key, value) {
        await driver.query('insert into meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value', [key, value]);
      },
    },
    close: () => driver.close(),
  };
}
