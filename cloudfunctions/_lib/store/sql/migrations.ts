/**
 * Versioned schema migrations, applied in order at start inside one transaction each.
 * Never edit a released migration: add the next version.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'centers, links, jumps, roles, meta',
    sql: `
      create table centers (
        code text primary key,
        name text not null,
        province text not null,
        city text not null,
        phone text not null,
        live boolean not null,
        pinyin text not null,
        initials text not null,
        province_pinyin text not null,
        province_initials text not null
      );
      create table links (
        center_code text not null references centers (code),
        item smallint not null check (item between 1 and 8),
        kind text not null check (kind in ('web', 'miniprogram')),
        url text,
        app_id text,
        path text,
        healthy boolean not null,
        updated_at timestamptz not null default now(),
        primary key (center_code, item)
      );
      create table jumps (
        id bigserial primary key,
        center_code text not null,
        item smallint not null,
        outcome text not null,
        at timestamptz not null
      );
      create index jumps_center_at on jumps (center_code, at);
      create table roles (
        openid text not null,
        role text not null,
        center_code text not null default '',
        primary key (openid, role, center_code)
      );
      create table meta (
        key text primary key,
        value text not null
      );
    `,
  },
];
