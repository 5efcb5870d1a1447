import * as z from 'zod';
import { ACCEPTED_STATUSES, AWAITING_ACCEPTANCE_STATUSES, FINAL_STATUSES, isFinal } from '../../../../src/core/applications/status';
import type { EndpointValue } from '../../../../src/core/center-portal';
import type {
  ApplicationEventRecord,
  ApplicationRecord,
  ApplicationRepository,
  CenterEndpoint,
  CreateOutcome,
  DocumentRecord,
  EndpointRepository,
  OutboxRecord,
  OutboxRepository,
  RatingRecord,
  RatingRepository,
  Satisfaction,
  Transition,
  TransitionOutcome,
} from '../port';
import {
  applicationRow,
  deliveryAttemptRow,
  documentRow,
  endpointRow,
  eventRow,
  outboxRow,
  ratedScoreRow,
  ratingRow,
  secretHoldersRow,
} from '../rows/applications';
import { lazySchema, readRow } from '../rows/read';
import { holdersOf, keptHolder, rotatedHolders, withRetired } from '../secret-holders';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

export const toApplication = (row: object): ApplicationRecord => readRow(applicationRow(), 'SQL applications', camelCased(row));

const toEvent = (row: object): ApplicationEventRecord => {
  const r = camelCased(row);
  return readRow(eventRow(), 'SQL application_events', { ...r, from: r.fromStatus, to: r.toStatus });
};

const toDocument = (row: object): DocumentRecord => readRow(documentRow(), 'SQL documents', camelCased(row));

const toOutbox = (row: object): OutboxRecord => readRow(outboxRow(), 'SQL outbox', camelCased(row));

/** What submit_application answers. */
const createOutcomeRow = lazySchema<CreateOutcome>(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('created'), letterNumber: z.string().nullable() }),
    z.object({ kind: z.enum(['duplicate', 'in-flight']), id: z.string() }),
    z.object({ kind: z.literal('no-identity') }),
  ]),
);

/** Events as the statements take them (JSON rows, column names as keys), in order. */
const eventRows = (events: readonly ApplicationEventRecord[]) =>
  events.map((e) => ({
    application_id: e.applicationId,
    at: e.at,
    actor: e.actor,
    actor_id: e.actorId,
    from_status: e.from,
    to_status: e.to,
    platform_code: e.platformCode,
    center_code: e.centerCode,
    message: e.message,
    reason: e.reason ?? null,
    contact: e.contact ?? null,
  }));

const outboxRows = (records: readonly OutboxRecord[]) =>
  records.map((o) => ({
    id: o.id,
    application_id: o.applicationId,
    center_code: o.centerCode,
    type: o.type,
    created_at: o.createdAt,
    due_at: o.dueAt,
    attempts: o.attempts,
    state: o.state,
    last_error: o.lastError,
    delivered_at: o.deliveredAt,
  }));

const documentRows = (documents: readonly DocumentRecord[]) =>
  documents.map((d) => ({
    id: d.id,
    application_id: d.applicationId,
    center_code: d.centerCode,
    name: d.name,
    content_type: d.contentType,
    sha256: d.sha256,
    size: d.size,
    storage_key: d.storageKey,
    at: d.at,
  }));

async function insertEvents(tx: SqlDriver, events: readonly ApplicationEventRecord[]) {
  if (events.length === 0) return;
  // one statement (migration 29's insert_moves): a function scan yields the array in order, so ids follow it
  await tx.query('select insert_moves($1::jsonb, null, null)', [JSON.stringify(eventRows(events))]);
}

/**
 * A transition in one statement (migration 29's apply_transition): one round trip, atomic as any statement; a
 * stale move is undone inside it, receipt included.
 */
async function transitionIn(driver: SqlDriver, c: Transition): Promise<TransitionOutcome> {
  const [row] = await driver.query<{ outcome: TransitionOutcome }>('select apply_transition($1::jsonb) as outcome', [
    JSON.stringify({
      id: c.id,
      expected_status: c.expected.status,
      expected_code: c.expected.platformCode,
      expected_responsible: c.expected.responsibleCenter ?? null,
      next_status: c.next.status,
      next_code: c.next.platformCode,
      at: c.event.at,
      final: isFinal(c.next.status),
      hand_over: c.handOver ?? null,
      payment: c.payment ?? null,
      receipt_center: c.receipt?.centerCode ?? null,
      receipt_webhook: c.receipt?.webhookId ?? null,
      events: eventRows([c.event]),
      outbox: outboxRows(c.outbox ?? []),
      documents: documentRows(c.documents ?? []),
    }),
  ]);
  return row.outcome;
}

export function sqlApplications(driver: SqlDriver): ApplicationRepository {
  return {
    // one statement (migration 47's submit_application): one round trip, atomic as any statement; it holds the
    // applicant's identity row until it commits, and the erasure (privacy-tables.ts) locks that row first
    async create(app, events, outbox, letterPrefix) {
      const [row] = await driver.query<{ outcome: unknown }>('select submit_application($1::jsonb) as outcome', [
        JSON.stringify({
          app: {
            id: app.id, type: app.type, openid: app.openid, request_id: app.requestId, status: app.status, platform_code: app.platformCode,
            responsible_center: app.responsibleCenter, centers: app.centers, in_flight_key: app.inFlightKey, applicant: app.applicant,
            payload_sealed: app.payloadSealed, accept_by: app.acceptBy, created_at: app.createdAt, updated_at: app.updatedAt,
            accept_by_provisional: app.acceptByProvisional, target_by: app.targetBy, target_provisional: app.targetProvisional,
            service_item: app.serviceItem ?? null, test: app.test, contract_lookup: app.contractLookup ?? null,
          },
          letter_prefix: letterPrefix,
          events: eventRows(events),
          outbox: outboxRows(outbox),
        }),
      ]);
      return readRow(createOutcomeRow(), 'SQL submit_application', row.outcome);
    },
    async get(id) {
      const [row] = await driver.query('select * from applications where id = $1', [id]);
      return row ? toApplication(row) : undefined;
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      return (await driver.query('select * from applications where id = any($1::text[])', [[...ids]])).map(toApplication);
    },
    async listByApplicant(openid) {
      return (await driver.query('select * from applications where openid = $1 order by created_at desc, id', [openid])).map(toApplication);
    },
    async listByContract(contractLookup) {
      return (await driver.query('select * from applications where contract_lookup = $1 order by created_at, id', [contractLookup])).map(toApplication);
    },
    async listForCenter(centerCode) {
      const rows = await driver.query('select * from applications where centers @> $1::jsonb order by created_at desc, id', [
        JSON.stringify([{ code: centerCode }]),
      ]);
      return rows.map(toApplication);
    },
    async testCases(centerCodes) {
      if (centerCodes.length === 0) return [];
      // the few test cases (partial index applications_tests) whose centers include one of the codes, each with
      // its first move to an accepted status
      const rows = await driver.query<{ accepted_at: Date | string | null }>(
        `select a.*, (select min(e.at) from application_events e where e.application_id = a.id and e.to_status = any($2::text[])) as accepted_at
         from applications a
         where a.test and exists (select 1 from jsonb_array_elements(a.centers) c where c->>'code' = any($1::text[]))
         order by a.created_at desc, a.id`,
        [[...centerCodes], [...ACCEPTED_STATUSES]],
      );
      return rows.map(({ accepted_at, ...row }) => ({ application: toApplication(row), acceptedAt: accepted_at === null ? null : new Date(accepted_at) }));
    },
    async events(id) {
      return (await driver.query('select * from application_events where application_id = $1 order by id', [id])).map(toEvent);
    },
    async documents(id) {
      return (await driver.query('select * from documents where application_id = $1 order by at, id', [id])).map(toDocument);
    },
    async hasReceipt(centerCode, webhookId) {
      return (await driver.query('select 1 from callback_receipts where center_code = $1 and webhook_id = $2', [centerCode, webhookId])).length > 0;
    },
    transition: (change) => transitionIn(driver, change),
    async listOpen() {
      // the final statuses written out, as in the partial index applications_open (migration 11)
      const rows = await driver.query(`select * from applications where status not in (${FINAL_STATUSES.map((f) => `'${f}'`).join(', ')}) order by created_at, id`);
      return rows.map(toApplication);
    },
    reschedule: (id, change) =>
      driver.transaction(async (tx) => {
        // the acceptance limit moves only while the application awaits acceptance; the target while it is not final
        const moved =
          change.limit === 'acceptBy'
            ? await tx.query(
                `update applications set accept_by = $4, accept_by_provisional = $5
                 where id = $1 and accept_by = $2 and accept_by_provisional = $3 and status = any($6::text[]) returning id`,
                [id, change.expected.date, change.expected.provisional, change.next.date, change.next.provisional, [...AWAITING_ACCEPTANCE_STATUSES]],
              )
            : await tx.query(
                `update applications set target_by = $4, target_provisional = $5
                 where id = $1 and target_by is not distinct from $2 and target_provisional = $3 and not (status = any($6::text[])) returning id`,
                [id, change.expected.date, change.expected.provisional, change.next.date, change.next.provisional, [...FINAL_STATUSES]],
              );
        if (moved.length === 0) return false;
        if (change.event) await insertEvents(tx, [change.event]);
        return true;
      }),
  };
}

export function sqlOutbox(driver: SqlDriver): OutboxRepository {
  return {
    async claimDue(now, limit, leaseMs) {
      // skip locked: relays in other processes pass over the rows this one is claiming
      const rows = await driver.query(
        `update outbox set lease_until = $2 where id in (
           select id from outbox where state = 'pending' and due_at <= $1 and (lease_until is null or lease_until <= $1)
           order by due_at, id limit $3 for update skip locked)
         returning *`,
        [now, new Date(now.getTime() + leaseMs), limit],
      );
      return rows.map(toOutbox).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id.localeCompare(b.id));
    },
    async settle(results) {
      if (results.length === 0) return;
      // a run's worth in ONE statement whatever its size (one round trip, atomic as any statement): the attempts,
      // the records settled or rescheduled, and the applications still where the relay found them moved with their
      // events (the others moved on by a callback)
      const advances = results.flatMap((r) => (r.outcome === 'delivered' && r.advance ? [r.advance] : []));
      await driver.query(
        `with x as (
           select * from jsonb_to_recordset($1::jsonb) as x(id text, at timestamptz, duration_ms integer, http_status integer, error text,
             delivered boolean, retry_at timestamptz)),
         attempts as (
           insert into delivery_attempts (outbox_id, at, duration_ms, http_status, error) select id, at, duration_ms, http_status, error from x),
         settled as (
           update outbox o set attempts = o.attempts + 1, lease_until = null,
             state = case when x.delivered then 'delivered' when x.retry_at is null then 'dead' else 'pending' end,
             delivered_at = case when x.delivered then x.at else o.delivered_at end,
             last_error = case when x.delivered then null else coalesce(x.error, 'HTTP ' || x.http_status) end,
             due_at = case when x.delivered then o.due_at else coalesce(x.retry_at, o.due_at) end
           from x where o.id = any($4::text[]) and o.id = x.id and o.state = 'pending'),
         moved as (
           update applications a set status = m.next_status, platform_code = m.next_code, updated_at = m.at,
             in_flight_key = case when m.final then null else a.in_flight_key end
           from jsonb_to_recordset($2::jsonb) as m(id text, expected_status text, expected_code text, next_status text, next_code text, at timestamptz, final boolean)
           where a.id = any($5::text[]) and a.id = m.id and a.status = m.expected_status and a.platform_code is not distinct from m.expected_code
           returning a.id)
         insert into application_events (application_id, at, actor, actor_id, from_status, to_status, platform_code, center_code, message)
           select e.application_id, e.at, e.actor, e.actor_id, e.from_status, e.to_status, e.platform_code, e.center_code, e.message
           from jsonb_to_recordset($3::jsonb) as e(application_id text, at timestamptz, actor text, actor_id text, from_status text,
             to_status text, platform_code text, center_code text, message text)
           where e.application_id in (select id from moved)`,
        [
          JSON.stringify(
            results.map((r) => ({
              id: r.id,
              at: r.attempt.at,
              duration_ms: Math.round(r.attempt.durationMs),
              http_status: r.attempt.httpStatus,
              error: r.attempt.error,
              delivered: r.outcome === 'delivered',
              retry_at: r.outcome === 'failed' ? r.retryAt : null,
            })),
          ),
          JSON.stringify(advances.map((c) => ({ id: c.id, expected_status: c.expected.status, expected_code: c.expected.platformCode, next_status: c.next.status, next_code: c.next.platformCode, at: c.event.at, final: isFinal(c.next.status) }))),
          JSON.stringify(eventRows(advances.map((c) => c.event))),
          // the ids again as arrays: the planner cannot see how few rows jsonb_to_recordset gives, and joined with it
          // alone it scanned the whole applications table for every settle (14 ms at 3,000 cases, growing with them)
          results.map((r) => r.id),
          advances.map((c) => c.id),
        ],
      );
    },
    async get(id) {
      const [row] = await driver.query('select * from outbox where id = $1', [id]);
      return row ? toOutbox(row) : undefined;
    },
    async listForApplication(applicationId) {
      return (await driver.query('select * from outbox where application_id = $1 order by created_at, id', [applicationId])).map(toOutbox);
    },
    async listDead() {
      return (await driver.query("select * from outbox where state = 'dead' order by created_at, id")).map(toOutbox);
    },
    async attempts(outboxId) {
      const rows = await driver.query('select * from delivery_attempts where outbox_id = $1 order by id', [outboxId]);
      return rows.map((r) => readRow(deliveryAttemptRow(), 'SQL delivery_attempts', camelCased(r)));
    },
  };
}

export const toEndpoint = (row: object): CenterEndpoint => readRow(endpointRow(), 'SQL endpoints', camelCased(row));

/**
 * Points a center's deliveries at its API endpoint or its workbench, keeping its secrets (they are the
 * center's, rotated in the portal, whatever the address); a center without an endpoint gets one with none.
 * With `secrets`, its secrets are replaced by them in the same statement, each recorded as shown to `shownTo`.
 */
export async function putEndpointAddress(
  driver: SqlDriver,
  centerCode: string,
  endpoint: EndpointValue,
  at: Date,
  secrets?: { sealed: readonly string[]; shownTo: string },
): Promise<void> {
  const url = endpoint.kind === 'api' ? endpoint.url : null;
  if (!secrets) {
    await driver.query(
      `insert into endpoints (center_code, mode, url, secrets_sealed, updated_at) values ($1, $2, $3, '[]'::jsonb, $4)
       on conflict (center_code) do update set mode = excluded.mode, url = excluded.url, updated_at = excluded.updated_at`,
      [centerCode, endpoint.kind, url, at],
    );
    return;
  }
  const holders = secrets.sealed.map((secretSealed) => ({ secretSealed, shownTo: secrets.shownTo, retiresAt: null }));
  await driver.query(
    `insert into endpoints (center_code, mode, url, secrets_sealed, secret_holders, updated_at) values ($1, $2, $3, $4, $5, $6)
     on conflict (center_code) do update set mode = excluded.mode, url = excluded.url, secrets_sealed = excluded.secrets_sealed,
       secret_holders = excluded.secret_holders, updated_at = excluded.updated_at`,
    [centerCode, endpoint.kind, url, JSON.stringify(secrets.sealed), JSON.stringify(holders), at],
  );
}

export function sqlEndpoints(driver: SqlDriver): EndpointRepository {
  return {
    async get(centerCode) {
      const [row] = await driver.query('select * from endpoints where center_code = $1', [centerCode]);
      return row ? toEndpoint(row) : undefined;
    },
    async list() {
      return (await driver.query('select * from endpoints order by center_code')).map(toEndpoint);
    },
    async put(e, shownTo) {
      const holders = shownTo === undefined ? null : JSON.stringify(e.secretsSealed.map((secretSealed) => ({ secretSealed, shownTo, retiresAt: null })));
      await driver.query(
        `insert into endpoints (center_code, mode, url, secrets_sealed, updated_at, secret_holders) values ($1, $2, $3, $4, $5, coalesce($6::jsonb, '[]'::jsonb))
         on conflict (center_code) do update set mode = excluded.mode, url = excluded.url, secrets_sealed = excluded.secrets_sealed, updated_at = excluded.updated_at,
           secret_holders = coalesce($6::jsonb, endpoints.secret_holders)`,
        [e.centerCode, e.mode, e.url, JSON.stringify(e.secretsSealed), e.updatedAt, holders],
      );
    },
    rotateSecret: (centerCode, secretSealed, at, shownTo) =>
      // one transaction on the locked row (a center without one gets a manual endpoint first): the new secret
      // first, then the newest other one still serving (rotatedHolders), any other gone, the holders following
      driver.transaction(async (tx) => {
        await tx.query(
          `insert into endpoints (center_code, mode, url, secrets_sealed, secret_holders, updated_at) values ($1, 'manual', null, '[]'::jsonb, '[]'::jsonb, $2)
           on conflict (center_code) do nothing`,
          [centerCode, at],
        );
        const [row] = await tx.query('select secrets_sealed, secret_holders from endpoints where center_code = $1 for update', [centerCode]);
        const holders = rotatedHolders(holdersIn(row), secretSealed, shownTo, at);
        await tx.query('update endpoints set secrets_sealed = $2, secret_holders = $3, updated_at = $4 where center_code = $1', [
          centerCode,
          JSON.stringify(holders.map((h) => h.secretSealed)),
          JSON.stringify(holders.map(keptHolder)),
          at,
        ]);
        return holders.length;
      }),
    async secretHolders(centerCode) {
      const [row] = await driver.query('select secrets_sealed, secret_holders from endpoints where center_code = $1', [centerCode]);
      return row ? holdersIn(row) : [];
    },
    retireSecrets: (centerCode, secretsSealed, retiresAt) =>
      driver.transaction(async (tx) => {
        const [row] = await tx.query('select secrets_sealed, secret_holders from endpoints where center_code = $1 for update', [centerCode]);
        if (!row) return 0;
        const { holders, retired } = withRetired(holdersIn(row), secretsSealed, retiresAt);
        if (retired > 0) await tx.query('update endpoints set secret_holders = $2 where center_code = $1', [centerCode, JSON.stringify(holders.map(keptHolder))]);
        return retired;
      }),
  };
}

/** An endpoint row's secrets with who was shown each. */
export const holdersIn = (row: object) => {
  const { secretsSealed, secretHolders } = readRow(secretHoldersRow(), 'SQL endpoints', camelCased(row));
  return holdersOf(secretsSealed, secretHolders);
};

const toRating = (row: object): RatingRecord => readRow(ratingRow(), 'SQL ratings', camelCased(row));

export function sqlRatings(driver: SqlDriver): RatingRepository {
  return {
    async create(r) {
      const rows = await driver.query(
        `insert into ratings (application_id, openid, center_code, score, comment, at, follow_up, follow_up_note, follow_up_by, follow_up_at,
           fix_note, fixed_by, fixed_at, fix_score, fix_rated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) on conflict (application_id) do nothing returning application_id`,
        [r.applicationId, r.openid, r.centerCode, r.score, r.comment, r.at, r.followUp, r.followUpNote, r.followUpBy, r.followUpAt, r.fixNote, r.fixedBy, r.fixedAt, r.fixScore, r.fixRatedAt],
      );
      return rows.length === 1;
    },
    async get(applicationId) {
      const [row] = await driver.query('select * from ratings where application_id = $1', [applicationId]);
      return row ? toRating(row) : undefined;
    },
    async listFollowUps(centerCode) {
      const rows = await driver.query(
        "select * from ratings where center_code = $1 and follow_up is not null order by follow_up <> 'open', at desc, application_id",
        [centerCode],
      );
      return rows.map(toRating);
    },
    async closeFollowUp(applicationId, note, by, at) {
      const rows = await driver.query(
        "update ratings set follow_up = 'closed', follow_up_note = $2, follow_up_by = $3, follow_up_at = $4 where application_id = $1 and follow_up = 'open' returning application_id",
        [applicationId, note, by, at],
      );
      return rows.length === 1;
    },
    async fixFollowUp(applicationId, note, by, at) {
      const rows = await driver.query(
        "update ratings set follow_up = 'fixed', fix_note = $2, fixed_by = $3, fixed_at = $4 where application_id = $1 and follow_up = 'closed' returning application_id",
        [applicationId, note, by, at],
      );
      return rows.length === 1;
    },
    async rateFix(applicationId, score, at) {
      const rows = await driver.query(
        "update ratings set fix_score = $2, fix_rated_at = $3 where application_id = $1 and follow_up = 'fixed' and fix_score is null returning application_id",
        [applicationId, score, at],
      );
      return rows.length === 1;
    },
    async satisfaction() {
      const rows = await driver.query<{ n: string | number }>('select center_code, score, count(*) as n from ratings group by center_code, score order by center_code');
      const byCenter = new Map<string, Satisfaction>();
      for (const r of rows) {
        const { centerCode, score } = readRow(ratedScoreRow(), 'SQL ratings', camelCased(r));
        const entry = byCenter.get(centerCode) ?? { centerCode, count: 0, byScore: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } };
        entry.byScore[score] = Number(r.n);
        entry.count += Number(r.n);
        byCenter.set(centerCode, entry);
      }
      return [...byCenter.values()];
    },
  };
}
