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
  {
    version: 4,
    name: 'applications, events, documents, outbox, delivery attempts, callback receipts, endpoints, sequences',
    sql: `
      create table applications (
        id text primary key,
        type text not null,
        openid text not null,
        request_id text not null,
        status text not null,
        platform_code text,
        responsible_center text not null,
        centers jsonb not null,
        in_flight_key text unique,
        letter_number text unique,
        applicant jsonb not null,
        payload_sealed text not null,
        accept_by text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        unique (openid, request_id)
      );
      create index applications_openid on applications (openid, created_at desc);
      create index applications_centers on applications using gin (centers jsonb_path_ops);
      create table application_events (
        id bigserial primary key,
        application_id text not null references applications (id),
        at timestamptz not null,
        actor text not null,
        actor_id text not null,
        from_status text,
        to_status text not null,
        platform_code text,
        center_code text,
        message text not null
      );
      create index application_events_app on application_events (application_id, id);
      create table documents (
        id text primary key,
        application_id text not null references applications (id),
        center_code text not null,
        name text not null,
        content_type text not null,
        sha256 text not null,
        size integer not null,
        storage_key text not null,
        at timestamptz not null
      );
      create index documents_app on documents (application_id);
      create table outbox (
        id text primary key,
        application_id text not null references applications (id),
        center_code text not null,
        type text not null,
        created_at timestamptz not null,
        due_at timestamptz not null,
        attempts integer not null default 0,
        state text not null check (state in ('pending', 'delivered', 'dead')),
        last_error text,
        lease_until timestamptz,
        delivered_at timestamptz
      );
      create index outbox_due on outbox (due_at) where state = 'pending';
      create table delivery_attempts (
        id bigserial primary key,
        outbox_id text not null references outbox (id),
        at timestamptz not null,
        duration_ms integer not null,
        http_status integer,
        error text
      );
      create index delivery_attempts_outbox on delivery_attempts (outbox_id, id);
      create table callback_receipts (
        center_code text not null,
        webhook_id text not null,
        at timestamptz not null,
        primary key (center_code, webhook_id)
      );
      create table endpoints (
        center_code text primary key,
        mode text not null check (mode in ('api', 'manual')),
        url text,
        secrets_sealed jsonb not null,
        updated_at timestamptz not null
      );
      create table sequences (
        key text primary key,
        value integer not null
      );
    `,
  },
  {
    version: 5,
    name: 'ratings (好差评) and their follow-ups',
    sql: `
      create table ratings (
        application_id text primary key references applications (id),
        openid text not null,
        center_code text not null,
        score smallint not null check (score between 1 and 5),
        comment text,
        at timestamptz not null,
        follow_up text check (follow_up in ('open', 'closed')),
        follow_up_note text,
        follow_up_by text,
        follow_up_at timestamptz
      );
      create index ratings_center on ratings (center_code, at);
    `,
  },
  {
    version: 6,
    name: 'purchase withdrawals: the payment the deposit-locale center records',
    sql: `
      alter table applications add column payment jsonb;
    `,
  },
  {
    version: 7,
    name: 'service halls of centers; in-app and counter routes of items',
    sql: `
      alter table centers add column counter_address text, add column counter_hours text,
        add constraint centers_counter_whole check ((counter_address is null) = (counter_hours is null));
      alter table links drop constraint links_kind_check,
        add constraint links_kind_check check (kind in ('web', 'miniprogram', 'in-app', 'counter')),
        alter column healthy drop not null,
        add constraint links_channel_health check ((kind in ('web', 'miniprogram')) = (healthy is not null));
    `,
  },
  {
    version: 8,
    name: 'center portal: staff invites, link and endpoint work orders, channel health, conformance runs and callbacks',
    sql: `
      create table staff_invites (
        code text primary key,
        center_code text not null references centers (code),
        created_by text not null,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        used_by text,
        used_at timestamptz,
        constraint staff_invites_use_whole check ((used_by is null) = (used_at is null))
      );
      -- one person is staff of one center
      create unique index roles_one_center on roles (openid) where role = 'center-staff';
      create table link_changes (
        id text primary key,
        center_code text not null references centers (code),
        target_key text not null,
        target jsonb not null,
        effective_date text not null,
        status text not null check (status in ('pending', 'approved', 'rejected', 'live', 'superseded')),
        proposed_by text not null,
        proposed_at timestamptz not null,
        reviewed_by text,
        reviewed_at timestamptz,
        reason text,
        applied_at timestamptz,
        previous jsonb,
        held_reason text,
        held_at timestamptz
      );
      create index link_changes_center on link_changes (center_code, proposed_at desc);
      create index link_changes_status on link_changes (status, proposed_at);
      -- one approved change per target waits for its date
      create unique index link_changes_one_approved on link_changes (center_code, target_key) where status = 'approved';
      create table channel_health (
        center_code text not null,
        channel text not null,
        url text not null,
        consecutive_failures integer not null,
        healthy boolean not null,
        checked_at timestamptz not null,
        last_status integer,
        title text,
        error text,
        primary key (center_code, channel)
      );
      create index channel_health_unhealthy on channel_health (center_code, channel) where not healthy;
      create table conformance_runs (
        id text primary key,
        center_code text not null references centers (code),
        url text not null,
        started_by text not null,
        started_at timestamptz not null,
        report jsonb
      );
      create index conformance_runs_center on conformance_runs (center_code, started_at desc);
      create table conformance_callbacks (
        id bigserial primary key,
        center_code text not null,
        application_id text not null,
        webhook_id text not null,
        status text not null,
        at timestamptz not null,
        signature_valid boolean not null,
        problems jsonb not null
      );
      create index conformance_callbacks_app on conformance_callbacks (center_code, application_id, id);
    `,
  },
  {
    version: 9,
    name: 'identity: no unkeyed hash of name and ID, sessions deleted once used, two staff to move a binding at the counter',
    sql: `
      -- cert_hash was an unkeyed sha256 of name + ID number: gone, with every session already used
      delete from verifications where status <> 'pending';
      alter table verifications drop column cert_hash, drop column status;
      alter table counter_requests drop constraint counter_requests_status_check,
        add constraint counter_requests_status_check check (status in ('pending', 'awaiting-second', 'confirmed')),
        add column second_confirmed_by text;
    `,
  },
  {
    version: 10,
    name: 'roles revoked and granted again by supervisors, with who and when; display names',
    sql: `
      alter table roles add column display_name text,
        add column granted_at timestamptz not null default now(),
        add column granted_by text not null default '',
        add column revoked_at timestamptz,
        add column revoked_by text,
        add constraint roles_revoked_whole check ((revoked_at is null) = (revoked_by is null));
      -- one person is staff of one center at a time: a revoked role no longer counts
      drop index roles_one_center;
      create unique index roles_one_center on roles (openid) where role = 'center-staff' and revoked_at is null;
      create index conformance_runs_open on conformance_runs (center_code, started_at) where report is null;
    `,
  },
  {
    version: 11,
    name: 'the official calendar: State Council arrangements loaded by supervisors, one row a year',
    sql: `
      create table calendar_years (
        year integer primary key,
        notice jsonb not null,
        holidays jsonb not null,
        workdays jsonb not null,
        loaded_by text not null,
        loaded_at timestamptz not null
      );
      -- the calendar recomputes the time limits of applications still open
      create index applications_open on applications (created_at) where status not in ('completed', 'rejected', 'withdrawn', 'failed');
    `,
  },
  {
    version: 12,
    name: 'signing secrets: who was shown each, and when it retires after that person lost their role',
    sql: `
      -- [{ secretSealed, shownTo, retiresAt }] for the secrets in secrets_sealed; secrets from before have none (shown to nobody recorded)
      alter table endpoints add column secret_holders jsonb not null default '[]'::jsonb;
      create index staff_invites_open on staff_invites (created_by) where used_by is null;
    `,
  },
  {
    version: 13,
    name: 'time limits stored with whether they are estimates: acceptance limit flag, purchase withdrawal completion target',
    sql: `
      -- rows from before: false and no target; the nightly recompute (centers-daily) sets both for open applications
      alter table applications add column accept_by_provisional boolean not null default false,
        add column target_by text,
        add column target_provisional boolean not null default false;
    `,
  },
  {
    version: 14,
    name: 'counter requests keep the first confirmer’s identity lookup key, so one person cannot confirm twice from two staff accounts',
    sql: `
      -- requests confirmed before: null (only the openid is compared for them)
      alter table counter_requests add column confirmed_by_lookup text;
    `,
  },
  {
    version: 15,
    name: 'supervision: role scopes (provincial supervisors), health changes kept, centers’ reasons for items not fully online, liaisons, 三个一百',
    sql: `
      -- a role's scope: its center (staff), its province (provincial supervisors), '' for the others
      alter table roles rename column center_code to scope;
      -- each change of a channel's health (a first finding included), for the access progress as of a date
      create table channel_health_log (
        center_code text not null,
        channel text not null,
        healthy boolean not null,
        checked_at timestamptz not null,
        primary key (center_code, channel, checked_at)
      );
      insert into channel_health_log (center_code, channel, healthy, checked_at) select center_code, channel, healthy, checked_at from channel_health;
      create table online_reasons (
        center_code text not null references centers (code),
        item smallint not null check (item between 4 and 6),
        reason text not null,
        expected_date text not null,
        given_by text not null,
        given_at timestamptz not null,
        primary key (center_code, item)
      );
      create table liaisons (
        province text primary key,
        contact_sealed text not null,
        position text not null,
        landline text not null,
        updated_by text not null,
        updated_at timestamptz not null
      );
      create table recommendations (
        id text primary key,
        province text not null,
        kind text not null check (kind in ('window', 'story', 'director')),
        center_code text not null references centers (code),
        title text not null,
        summary text not null,
        added_by text not null,
        added_at timestamptz not null
      );
      create index recommendations_province on recommendations (province, added_at desc);
    `,
  },
  {
    version: 16,
    name: 'monthly statistics (annex 2): service requests keep their item in clear, centers’ own figures, provinces’ submitted versions, reminders',
    sql: `
      -- the item of a service request is sealed in its payload; those still in flight carry it in their in-flight key
      alter table applications add column service_item smallint check (service_item between 4 and 6);
      update applications set service_item = split_part(in_flight_key, ':', 4)::smallint
        where type = 'service-request' and in_flight_key is not null;
      -- a period's figures are counted over a range of submission (and jump) times
      create index applications_created on applications (created_at);
      create index jumps_at on jumps (at);
      create table monthly_figures (
        center_code text not null references centers (code),
        period text not null,
        figures jsonb not null,
        entered_by text not null,
        entered_at timestamptz not null,
        primary key (center_code, period)
      );
      create table monthly_submissions (
        province text not null,
        period text not null,
        version integer not null check (version >= 1),
        submitted_by text not null,
        submitted_at timestamptz not null,
        sha256 text not null,
        file_name text not null,
        reason text,
        rows jsonb not null,
        totals jsonb not null,
        primary key (province, period, version)
      );
      create table monthly_reminders (
        center_code text not null,
        period text not null,
        at timestamptz not null,
        primary key (center_code, period)
      );
    `,
  },
  {
    version: 17,
    name: 'supervisors’ overview: indexes for completed transfers, applications awaiting acceptance and open follow-ups',
    sql: `
      create index applications_completed_transfers on applications (updated_at) where type = 'transfer' and status = 'completed';
      create index applications_awaiting_acceptance on applications (accept_by) where status in ('submitted', 'delivered');
      create index ratings_open_follow_ups on ratings (center_code) where follow_up = 'open';
    `,
  },
  {
    version: 18,
    name: 'monthly statistics: purchase withdrawals by the date they were paid',
    sql: `
      -- a period's payments are summed over a range of paid dates, whenever the case was submitted
      create index applications_paid_on on applications ((payment->>'paidOn')) where type = 'purchase-withdrawal';
    `,
  },
  {
    version: 19,
    name: 'internal trial: testers scoped to a province, invites for testers, scans of centers’ poster codes',
    sql: `
      -- testers are now testers of one province; the role did nothing before (issue 15), so unscoped grants go
      delete from roles where role = 'tester' and scope = '';
      create table trial_invites (
        id text primary key,
        code text not null unique,
        province text not null,
        uses integer not null check (uses > 0),
        used integer not null default 0,
        created_by text not null,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        revoked_at timestamptz,
        constraint trial_invites_uses check (used between 0 and uses)
      );
      create index trial_invites_province on trial_invites (province, created_at desc);
      -- one row per scan: a signed-in person counts once per center and China day, anyone else every time
      create table center_scans (
        id bigint generated always as identity primary key,
        center_code text not null references centers (code),
        day text not null,
        openid text,
        at timestamptz not null
      );
      create unique index center_scans_once on center_scans (center_code, day, openid) where openid is not null;
      create index center_scans_day on center_scans (day, center_code);
    `,
  },
  {
    version: 20,
    name: 'internal trial: testers’ check results per center, every record kept, the latest of each check read in one query',
    sql: `
      create table trial_checks (
        id bigint generated always as identity primary key,
        center_code text not null references centers (code),
        check_kind text not null,
        ok boolean not null,
        note text,
        expected text,
        observed text,
        checked_by text not null,
        checked_at timestamptz not null
      );
      create index trial_checks_latest on trial_checks (center_code, check_kind, checked_at desc, id desc);
    `,
  },
  {
    version: 21,
    name: 'internal trial: test applications marked as such (never counted), found per center in one read',
    sql: `
      alter table applications add column test boolean not null default false;
      create index applications_tests on applications (created_at desc) where test;
    `,
  },
  {
    version: 22,
    name: 'the internal trial: findings that go back and forth until fixed, and reviewed corrections of the catalog',
    sql: `
      create table findings (
        id text primary key,
        province text not null,
        center_code text not null references centers (code),
        check_kind text not null,
        owner text not null check (owner in ('supervisor', 'center')),
        status text not null check (status in ('open', 'fixed', 'closed')),
        expected text,
        seen text,
        observed text,
        screenshot jsonb,
        opened_by text not null,
        opened_at timestamptz not null,
        updated_at timestamptz not null,
        history jsonb not null
      );
      -- at most one finding of a center's check is not closed: a new observation is added to it
      create unique index findings_active on findings (center_code, check_kind) where status <> 'closed';
      create index findings_province on findings (province, opened_at);
      create table catalog_fixes (
        id text primary key,
        center_code text not null references centers (code),
        field text not null check (field in ('name', 'phone')),
        from_value text not null,
        to_value text not null,
        finding_id text references findings (id),
        status text not null check (status in ('pending', 'approved', 'rejected')),
        proposed_by text not null,
        proposed_at timestamptz not null,
        reviewed_by text,
        reviewed_at timestamptz,
        reason text
      );
      create index catalog_fixes_center on catalog_fixes (center_code, proposed_at desc);
      -- a broken link corrected in the trial: the work order names the finding and goes live when approved
      alter table link_changes add column trial_finding_id text references findings (id);
    `,
  },
  {
    version: 23,
    name: 'purchase withdrawals: a keyed lookup of the purchase contract, so one contract is not withdrawn twice by one person',
    sql: `
      -- HMAC of the purchase center's code and the normalized contract number (never the number itself)
      -- read among the person's own applications (by openid, already indexed)
      alter table applications add column contract_lookup text;
    `,
  },
  {
    version: 24,
    name: 'the mini-program’s business domains: the state of each domain registered links use, its verification file and the daily check',
    sql: `
      -- a domain nobody set is unlisted and has no row
      create table business_domains (
        domain text primary key,
        state text not null check (state in ('unlisted', 'requested', 'file-placed', 'configured')),
        file_name text,
        file_content text,
        checked_at timestamptz,
        problem text,
        updated_at timestamptz not null,
        updated_by text not null,
        check ((file_name is null) = (file_content is null))
      );
    `,
  },
  {
    version: 25,
    name: 'attachments by signed link: every fetch of a delivery’s attachment, served or refused with why',
    sql: `
      -- no foreign keys: a refused request may name nothing (a token that does not open), and the record outlives what it names
      create table attachment_fetches (
        id bigint generated always as identity primary key,
        at timestamptz not null,
        application_id text,
        attachment_id text,
        center_code text,
        webhook_id text,
        http_status integer not null,
        refusal text
      );
      create index attachment_fetches_application on attachment_fetches (application_id, at);
      create index attachment_fetches_at on attachment_fetches (at desc);
    `,
  },
  {
    version: 26,
    name: 'interface testing as a background run: the secrets it signs with, its lease, each step as it finishes',
    sql: `
      alter table conformance_runs add column secrets_sealed jsonb not null default '[]',
        add column seed text not null default '',
        add column lease_holder text,
        add column lease_until timestamptz;
      -- a step is recorded once: a second resumer's record of the same step changes nothing
      create table conformance_steps (
        run_id text not null references conformance_runs (id),
        step integer not null,
        checks jsonb not null,
        posts jsonb not null,
        done_at timestamptz not null,
        primary key (run_id, step)
      );
      create index conformance_runs_unfinished on conformance_runs (started_at) where report is null;
    `,
  },
  {
    version: 27,
    name: 'one history of channel changes: immediate work orders of supervisors (endpoint, manual, item route, service hall)',
    sql: `
      -- set at once by a supervisor, proposed and approved by them; false for centers' proposals
      alter table link_changes add column immediate boolean not null default false;
    `,
  },
  {
    version: 29,
    name: 'a submission and a move each one statement: the create and the transition as functions (one round trip each)',
    sql: `
      -- the rows as the adapter sends them (JSON, column names as keys); events keep the array's order, so ids follow it
      create function insert_moves(events jsonb, outbox jsonb, documents jsonb) returns void language sql as $f$
        insert into application_events (application_id, at, actor, actor_id, from_status, to_status, platform_code, center_code, message)
          select x.application_id, x.at, x.actor, x.actor_id, x.from_status, x.to_status, x.platform_code, x.center_code, x.message
          from jsonb_to_recordset(coalesce(events, '[]')) as x(application_id text, at timestamptz, actor text, actor_id text, from_status text,
            to_status text, platform_code text, center_code text, message text);
        insert into outbox (id, application_id, center_code, type, created_at, due_at, attempts, state, last_error, delivered_at)
          select x.id, x.application_id, x.center_code, x.type, x.created_at, x.due_at, x.attempts, x.state, x.last_error, x.delivered_at
          from jsonb_to_recordset(coalesce(outbox, '[]')) as x(id text, application_id text, center_code text, type text, created_at timestamptz,
            due_at timestamptz, attempts integer, state text, last_error text, delivered_at timestamptz);
        insert into documents (id, application_id, center_code, name, content_type, sha256, size, storage_key, at)
          select x.id, x.application_id, x.center_code, x.name, x.content_type, x.sha256, x.size, x.storage_key, x.at
          from jsonb_to_recordset(coalesce(documents, '[]')) as x(id text, application_id text, center_code text, name text, content_type text,
            sha256 text, size integer, storage_key text, at timestamptz);
      $f$;

      -- ApplicationRepository.create: the application, its letter number, first events and deliveries, or the
      -- application already holding the requestId (duplicate) or the in-flight key (in-flight), writing nothing
      create function submit_application(c jsonb) returns jsonb language plpgsql as $f$
      declare
        created text;
        held text;
        n integer;
        letter text;
      begin
        insert into applications (id, type, openid, request_id, status, platform_code, responsible_center, centers, in_flight_key,
            letter_number, applicant, payload_sealed, accept_by, created_at, updated_at, accept_by_provisional, target_by, target_provisional,
            service_item, test, contract_lookup)
          select r.id, r.type, r.openid, r.request_id, r.status, r.platform_code, r.responsible_center, r.centers, r.in_flight_key,
            null, r.applicant, r.payload_sealed, r.accept_by, r.created_at, r.updated_at, r.accept_by_provisional, r.target_by, r.target_provisional,
            r.service_item, r.test, r.contract_lookup
          from jsonb_populate_record(null::applications, c->'app') as r
          on conflict do nothing returning id into created;
        if created is null then
          select a.id into held from applications a where a.openid = c->'app'->>'openid' and a.request_id = c->'app'->>'request_id';
          if held is not null then return jsonb_build_object('kind', 'duplicate', 'id', held); end if;
          select a.id into held from applications a where a.in_flight_key = c->'app'->>'in_flight_key';
          if held is not null then return jsonb_build_object('kind', 'in-flight', 'id', held); end if;
          raise exception 'application % conflicts with an existing one', c->'app'->>'id';
        end if;
        if c->>'letter_prefix' is not null then
          insert into sequences (key, value) values (c->>'letter_prefix', 1)
            on conflict (key) do update set value = sequences.value + 1 returning value into n;
          letter := (c->>'letter_prefix') || lpad(n::text, greatest(4, length(n::text)), '0');
          update applications set letter_number = letter where id = created;
        end if;
        perform insert_moves(c->'events', c->'outbox', null);
        return jsonb_build_object('kind', 'created', 'letterNumber', letter);
      end
      $f$;

      -- ApplicationRepository.transition: 'duplicate' for a webhook-id applied already, 'stale' when the application
      -- is no longer as expected (everything undone), else the move with its event, deliveries, documents, receipt
      create function apply_transition(c jsonb) returns text language plpgsql as $f$
      declare
        hit text;
      begin
        if c->>'receipt_center' is not null then
          insert into callback_receipts (center_code, webhook_id, at) values (c->>'receipt_center', c->>'receipt_webhook', (c->>'at')::timestamptz)
            on conflict do nothing returning webhook_id into hit;
          if hit is null then return 'duplicate'; end if;
        end if;
        update applications set status = c->>'next_status', platform_code = c->>'next_code', updated_at = (c->>'at')::timestamptz,
            in_flight_key = case when (c->>'final')::boolean then null else in_flight_key end,
            responsible_center = coalesce(c->>'hand_over', responsible_center), payment = coalesce(nullif(c->'payment', 'null'::jsonb), payment)
          where id = c->>'id' and status = c->>'expected_status' and platform_code is not distinct from c->>'expected_code'
            and (c->>'expected_responsible' is null or responsible_center = c->>'expected_responsible')
          returning id into hit;
        if hit is null then raise exception 'stale' using errcode = 'GJ409'; end if;
        perform insert_moves(c->'events', c->'outbox', c->'documents');
        return 'applied';
      exception when sqlstate 'GJ409' then
        -- the receipt written above goes with the rest: a stale move records nothing
        return 'stale';
      end
      $f$;
    `,
  },
  {
    version: 32,
    name: 'attachments in ranges of at most 4 MiB: the part served or the range refused, kept with each fetch',
    sql: `
      alter table attachment_fetches add column byte_range text;
      -- the refusals of one link's center an hour are counted on (application, attachment, center, time)
      create index attachment_fetches_link on attachment_fetches (application_id, attachment_id, center_code, at);
    `,
  },
  {
    version: 36,
    name: 'interface test runs keep how many passes they make, and no copy of the secrets once they have finished',
    sql: `
      alter table conformance_runs add column passes integer not null default 0;
      update conformance_runs set passes = jsonb_array_length(secrets_sealed);
      update conformance_runs set secrets_sealed = '[]' where report is not null;
    `,
  },
  {
    version: 38,
    name: 'purchase withdrawals of one contract found whoever submitted them, so a co-buyer’s repeat is held for the centers',
    sql: `
      create index applications_contract_lookup on applications (contract_lookup) where contract_lookup is not null;
    `,
  },
  {
    version: 39,
    name: 'unbinding and account deletion (issue 17): deletion requests carried out by the daily run; look-ups by openid for the erasure',
    sql: `
      create table account_deletions (
        openid text primary key,
        id text not null unique,
        requested_at timestamptz not null,
        due_at timestamptz not null
      );
      create index account_deletions_due on account_deletions (due_at);
      create index verifications_openid on verifications (openid);
      create index ratings_openid on ratings (openid);
    `,
  },
  {
    version: 40,
    name: 'certificate codes (亮码) the holders showed, and every read of them by centers',
    sql: `
      create table certificate_codes (
        seq bigserial unique,
        id text primary key,
        application_id text not null references applications (id),
        openid text not null,
        document_id text not null,
        issued_at timestamptz not null,
        expires_at timestamptz not null,
        reads_allowed integer not null,
        reads_used integer not null default 0,
        revoked_at timestamptz
      );
      create index certificate_codes_application on certificate_codes (application_id, issued_at);
      create table certificate_code_reads (
        seq bigserial primary key,
        code_id text not null references certificate_codes (id),
        application_id text not null,
        at timestamptz not null,
        reader_openid text not null,
        center_code text not null,
        outcome text not null
      );
      create index certificate_code_reads_application on certificate_code_reads (application_id, at);
    `,
  },
  {
    version: 41,
    name: 'a status keeps the reason and the contact the center gave with it (issue 18 point 2)',
    sql: `
      alter table application_events add column reason text, add column contact jsonb;
      -- as in 29, with the two new columns
      create or replace function insert_moves(events jsonb, outbox jsonb, documents jsonb) returns void language sql as $f$
        insert into application_events (application_id, at, actor, actor_id, from_status, to_status, platform_code, center_code, message, reason, contact)
          select x.application_id, x.at, x.actor, x.actor_id, x.from_status, x.to_status, x.platform_code, x.center_code, x.message, x.reason, x.contact
          from jsonb_to_recordset(coalesce(events, '[]')) as x(application_id text, at timestamptz, actor text, actor_id text, from_status text,
            to_status text, platform_code text, center_code text, message text, reason text, contact jsonb);
        insert into outbox (id, application_id, center_code, type, created_at, due_at, attempts, state, last_error, delivered_at)
          select x.id, x.application_id, x.center_code, x.type, x.created_at, x.due_at, x.attempts, x.state, x.last_error, x.delivered_at
          from jsonb_to_recordset(coalesce(outbox, '[]')) as x(id text, application_id text, center_code text, type text, created_at timestamptz,
            due_at timestamptz, attempts integer, state text, last_error text, delivered_at timestamptz);
        insert into documents (id, application_id, center_code, name, content_type, sha256, size, storage_key, at)
          select x.id, x.application_id, x.center_code, x.name, x.content_type, x.sha256, x.size, x.storage_key, x.at
          from jsonb_to_recordset(coalesce(documents, '[]')) as x(id text, application_id text, center_code text, name text, content_type text,
            sha256 text, size integer, storage_key text, at timestamptz);
      $f$;
    `,
  },
  {
    version: 42,
    name: 'a co-buyer’s purchase withdrawal held for the centers is paid only after staff recorded 已核实 with a note (issue 17)',
    sql: `
      create table contract_checks (
        application_id text primary key references applications (id),
        at timestamptz not null,
        staff_openid text not null,
        center_code text not null,
        note text not null
      );
    `,
  },
  {
    version: 43,
    name: 'a 差评 follow-up goes on after the call-back: 整改完成 with the center’s note, then the person’s rating of the fix (issue 18 point 3)',
    sql: `
      alter table ratings drop constraint ratings_follow_up_check;
      alter table ratings add constraint ratings_follow_up_check check (follow_up in ('open', 'closed', 'fixed'));
      alter table ratings add column fix_note text, add column fixed_by text, add column fixed_at timestamptz,
        add column fix_score text check (fix_score in ('satisfied', 'fair', 'unsatisfied')), add column fix_rated_at timestamptz;
      create index ratings_unfixed_follow_ups on ratings (center_code) where follow_up in ('open', 'closed');
    `,
  },
  {
    version: 44,
    name: 'a person’s certificate codes found by their openid, to revoke and detach them when they unbind or are deleted (review 1)',
    sql: `
      create index certificate_codes_openid on certificate_codes (openid);
    `,
  },
  {
    version: 45,
    name: 'whose attempt each is, so unbinding and deletion remove a person’s with the ID’s lookup they name, and the daily run removes old ones (review 1, finding 5)',
    sql: `
      alter table attempts add column openid text;
      update attempts set openid = coalesce(
          substring(subject from '(?:^|:)openid:(.+)$'),
          substring(subject from '^(?:try:|ok:)?(?:staff|invite|code-read|code-check|trial-join):(.+)$'))
        where subject <> 'code-check:anonymous';
      create index attempts_openid on attempts (openid);
      create index attempts_at on attempts (at);
    `,
  },
  {
    version: 46,
    name: 'one open certificate code a case: two 亮码 at once can no longer leave two readable codes (review 1, finding 10)',
    sql: `
      update certificate_codes c set revoked_at = now()
        where revoked_at is null
          and exists (select 1 from certificate_codes n where n.application_id = c.application_id and n.revoked_at is null and (n.issued_at, n.seq) > (c.issued_at, c.seq));
      create unique index certificate_codes_one_open on certificate_codes (application_id) where revoked_at is null;
    `,
  },
  {
    version: 47,
    name: 'a submission and an erasure take turns on the person’s identity row: no case is left on an erased account (review 1 of session 9, finding 6)',
    sql: `
      -- as in 29, first holding the applicant's identity row (for share) until the statement's transaction ends: an
      -- erasure or an unbinding (for update) waits for the case, or the case, after waiting, finds no identity and is
      -- refused, writing nothing. A test case is for the synthetic applicant: its tester needs no identity.
      create or replace function submit_application(c jsonb) returns jsonb language plpgsql as $f$
      declare
        created text;
        held text;
        n integer;
        letter text;
      begin
        if not coalesce((c->'app'->>'test')::boolean, false) then
          perform 1 from identities i where i.openid = c->'app'->>'openid' for share;
          if not found then return jsonb_build_object('kind', 'no-identity'); end if;
        end if;
        insert into applications (id, type, openid, request_id, status, platform_code, responsible_center, centers, in_flight_key,
            letter_number, applicant, payload_sealed, accept_by, created_at, updated_at, accept_by_provisional, target_by, target_provisional,
            service_item, test, contract_lookup)
          select r.id, r.type, r.openid, r.request_id, r.status, r.platform_code, r.responsible_center, r.centers, r.in_flight_key,
            null, r.applicant, r.payload_sealed, r.accept_by, r.created_at, r.updated_at, r.accept_by_provisional, r.target_by, r.target_provisional,
            r.service_item, r.test, r.contract_lookup
          from jsonb_populate_record(null::applications, c->'app') as r
          on conflict do nothing returning id into created;
        if created is null then
          select a.id into held from applications a where a.openid = c->'app'->>'openid' and a.request_id = c->'app'->>'request_id';
          if held is not null then return jsonb_build_object('kind', 'duplicate', 'id', held); end if;
          select a.id into held from applications a where a.in_flight_key = c->'app'->>'in_flight_key';
          if held is not null then return jsonb_build_object('kind', 'in-flight', 'id', held); end if;
          raise exception 'application % conflicts with an existing one', c->'app'->>'id';
        end if;
        if c->>'letter_prefix' is not null then
          insert into sequences (key, value) values (c->>'letter_prefix', 1)
            on conflict (key) do update set value = sequences.value + 1 returning value into n;
          letter := (c->>'letter_prefix') || lpad(n::text, greatest(4, length(n::text)), '0');
          update applications set letter_number = letter where id = created;
        end if;
        perform insert_moves(c->'events', c->'outbox', null);
        return jsonb_build_object('kind', 'created', 'letterNumber', letter);
      end
      $f$;
    `,
  },
  {
    version: 48,
    name: 'refusals of an attachment link counted where they are taken, in attempts (one step): their own index goes',
    sql: `
      drop index attachment_fetches_link;
    `,
  },
];
