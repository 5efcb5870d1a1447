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
  {
    version: 2,
    name: 'identities, verifications, attempts, consents, audit',
    sql: `
      create table identities (
        openid text primary key,
        method text not null check (method in ('face', 'counter')),
        doc_type text not null,
        name_sealed text not null,
        doc_number_sealed text not null,
        doc_lookup text not null unique,
        phone_sealed text,
        verified_at timestamptz not null,
        expires_at timestamptz not null
      );
      create table verifications (
        verify_id text primary key,
        out_seq_no text not null unique,
        openid text not null,
        cert_hash text not null,
        doc_type text not null,
        name_sealed text not null,
        doc_number_sealed text not null,
        doc_lookup text not null,
        created_at timestamptz not null,
        status text not null check (status in ('pending', 'verified', 'failed'))
      );
      create table attempts (
        id bigserial primary key,
        subject text not null,
        at timestamptz not null
      );
      create index attempts_subject_at on attempts (subject, at);
      create table consents (
        id bigserial primary key,
        openid text not null,
        version text not null,
        at timestamptz not null
      );
      create index consents_openid_at on consents (openid, at);
      create table audit (
        id bigserial primary key,
        at timestamptz not null,
        actor text not null,
        action text not null,
        subject text not null,
        detail text not null
      );
      create index audit_subject on audit (subject, id);
    `,
  },
  {
    version: 3,
    name: 'counter verification requests',
    sql: `
      create table counter_requests (
        code text primary key,
        openid text not null,
        doc_type text not null,
        name_sealed text not null,
        doc_number_sealed text not null,
        doc_lookup text not null,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        status text not null check (status in ('pending', 'confirmed')),
        confirmed_by text,
        center_code text
      );
      create index counter_requests_openid on counter_requests (openid);
    `,
  },
];
