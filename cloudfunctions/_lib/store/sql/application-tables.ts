import { ACCEPTED_STATUSES, AWAITING_ACCEPTANCE_STATUSES, FINAL_STATUSES, isFinal } from '../../../../src/core/applications/status';
import type { EndpointValue } from '../../../../src/core/center-portal';
import type {
  ApplicationEventRecord,
  ApplicationRecord,
  ApplicationRepository,
  CenterEndpoint,
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
import { readRow } from '../rows/read';
import { holdersOf, keptHolder, rotatedHolders, withRetired } from '../secret-holders';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

const toApplication = (row: object): ApplicationRecord => readRow(applicationRow(), 'SQL applications', camelCased(row));

const toEvent = (row: object): ApplicationEventRecord => {
  const r = camelCased(row);
  return readRow(eventRow(), 'SQL application_events', { ...r, from: r.fromStatus, to: r.toStatus });
};

const toDocument = (row: object): DocumentRecord => readRow(documentRow(), 'SQL documents', camelCased(row));

const toOutbox = (row: object): OutboxRecord => readRow(outboxRow(), 'SQL outbox', camelCased(row));

async function insertEvents(tx: SqlDriver, events: readonly ApplicationEventRecord[]) {
  if (events.length === 0) return;
  // one statement: a function scan yields the array in order, so ids follow it
  await tx.query(
    `insert into application_events (application_id, at, actor, actor_id, from_status, to_status, platform_code, center_code, message)
     select x.application_id, x.at, x.actor, x.actor_id, x.from_status, x.to_status, x.platform_code, x.center_code, x.message
     from jsonb_to_recordset($1::jsonb) as x(application_id text, at timestamptz, actor text, actor_id text, from_status text,
       to_status text, platform_code text, center_code text, message text)`,
    [
      JSON.stringify(
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
        })),
      ),
    ],
  );
}

async function insertOutbox(tx: SqlDriver, records: readonly OutboxRecord[]) {
  for (const o of records) {
    await tx.query(
      `insert into outbox (id, application_id, center_code, type, created_at, due_at, attempts, state, last_error, delivered_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [o.id, o.applicationId, o.centerCode, o.type, o.createdAt, o.dueAt, o.attempts, o.state, o.lastError, o.deliveredAt],
    );
  }
}

async function insertDocuments(tx: SqlDriver, documents: readonly DocumentRecord[]) {
  for (const d of documents) {
    await tx.query(
      `insert into documents (id, application_id, center_code, name, content_type, sha256, size, storage_key, at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [d.id, d.applicationId, d.centerCode, d.name, d.contentType, d.sha256, d.size, d.storageKey, d.at],
    );
  }
}

/** Signals a rollback that is an answer, not an error. */
class Outcome extends Error {
  constructor(readonly outcome: TransitionOutcome) {
    super(outcome);
  }
}

/** Applies a transition inside `tx`; throws Outcome to roll back a duplicate or a stale move. */
async function applyTransition(tx: SqlDriver, c: Transition): Promise<void> {
  if (c.receipt) {
    const fresh = await tx.query('insert into callback_receipts (center_code, webhook_id, at) values ($1, $2, $3) on conflict do nothing returning webhook_id', [
      c.receipt.centerCode,
      c.receipt.webhookId,
      c.event.at,
    ]);
    if (fresh.length === 0) throw new Outcome('duplicate');
  }
  const moved = await tx.query(
    `update applications set status = $4, platform_code = $5, updated_at = $6,
       in_flight_key = case when $7::boolean then null else in_flight_key end,
       responsible_center = coalesce($8, responsible_center), payment = coalesce($9::jsonb, payment)
     where id = $1 and status = $2 and platform_code is not distinct from $3
       and ($10::text is null or responsible_center = $10) returning id`,
    [
      c.id, c.expected.status, c.expected.platformCode, c.next.status, c.next.platformCode, c.event.at, isFinal(c.next.status),
      c.handOver ?? null, c.payment ? JSON.stringify(c.payment) : null, c.expected.responsibleCenter ?? null,
    ],
  );
  if (moved.length === 0) throw new Outcome('stale');
  await insertEvents(tx, [c.event]);
  await insertOutbox(tx, c.outbox ?? []);
  await insertDocuments(tx, c.documents ?? []);
}

async function transitionIn(driver: SqlDriver, c: Transition): Promise<TransitionOutcome> {
  try {
    await driver.transaction(async (tx) => {
      await applyTransition(tx, c);
    });
    return 'applied';
  } catch (error) {
    if (error instanceof Outcome) return error.outcome;
    throw error;
  }
}

export function sqlApplications(driver: SqlDriver): ApplicationRepository {
  return {
    create: (app, events, outbox, letterPrefix) =>
      driver.transaction(async (tx) => {
        const inserted = await tx.query(
          `insert into applications (id, type, openid, request_id, status, platform_code, responsible_center, centers, in_flight_key,
             letter_number, applicant, payload_sealed, accept_by, created_at, updated_at, accept_by_provisional, target_by, target_provisional, service_item, test, contract_lookup)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, null, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) on conflict do nothing returning id`,
          [
            app.id, app.type, app.openid, app.requestId, app.status, app.platformCode, app.responsibleCenter, JSON.stringify(app.centers),
            app.inFlightKey, JSON.stringify(app.applicant), app.payloadSealed, app.acceptBy, app.createdAt, app.updatedAt,
            app.acceptByProvisional, app.targetBy, app.targetProvisional, app.serviceItem ?? null, app.test, app.contractLookup ?? null,
          ],
        );
        if (inserted.length === 0) {
          const [same] = await tx.query<{ id: string }>('select id from applications where openid = $1 and request_id = $2', [app.openid, app.requestId]);
          if (same) return { kind: 'duplicate', id: same.id } as const;
          const [holder] = await tx.query<{ id: string }>('select id from applications where in_flight_key = $1', [app.inFlightKey]);
          if (holder) return { kind: 'in-flight', id: holder.id } as const;
          throw new Error(`application ${app.id} conflicts with an existing one`);
        }
        let letterNumber: string | null = null;
        if (letterPrefix !== null) {
          // the prefix's next number, given to the application in the same statement
          const [numbered] = await tx.query<{ letter_number: string }>(
            `with seq as (
               insert into sequences (key, value) values ($2, 1) on conflict (key) do update set value = sequences.value + 1 returning value)
             update applications set letter_number = $2 || lpad(seq.value::text, greatest(4, length(seq.value::text)), '0') from seq where id = $1 returning letter_number`,
            [app.id, letterPrefix],
          );
          letterNumber = numbered.letter_number;
        }
        await insertEvents(tx, events);
        await insertOutbox(tx, outbox);
        return { kind: 'created', letterNumber } as const;
      }),
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
      const delivered = results.filter((r) => r.outcome === 'delivered');
      const failed = results.flatMap((r) => (r.outcome === 'failed' ? [r] : []));
      const advances = delivered.flatMap((r) => (r.advance ? [r.advance] : []));
      // a run's worth in a handful of set-based statements, whatever its size
      await driver.transaction(async (tx) => {
        await tx.query(
          `insert into delivery_attempts (outbox_id, at, duration_ms, http_status, error)
           select x.outbox_id, x.at, x.duration_ms, x.http_status, x.error
           from jsonb_to_recordset($1::jsonb) as x(outbox_id text, at timestamptz, duration_ms integer, http_status integer, error text)`,
          [JSON.stringify(results.map((r) => ({ ...r.attempt, outbox_id: r.attempt.outboxId, duration_ms: Math.round(r.attempt.durationMs), http_status: r.attempt.httpStatus })))],
        );
        if (delivered.length > 0) {
          await tx.query(
            `update outbox o set state = 'delivered', attempts = o.attempts + 1, delivered_at = x.at, lease_until = null, last_error = null
             from jsonb_to_recordset($1::jsonb) as x(id text, at timestamptz) where o.id = x.id and o.state = 'pending'`,
            [JSON.stringify(delivered.map((r) => ({ id: r.id, at: r.attempt.at })))],
          );
        }
        if (failed.length > 0) {
          await tx.query(
            `update outbox o set attempts = o.attempts + 1, last_error = x.error, lease_until = null,
               state = case when x.retry_at is null then 'dead' else 'pending' end, due_at = coalesce(x.retry_at, o.due_at)
             from jsonb_to_recordset($1::jsonb) as x(id text, error text, retry_at timestamptz) where o.id = x.id and o.state = 'pending'`,
            [JSON.stringify(failed.map((r) => ({ id: r.id, error: r.attempt.error ?? `HTTP ${r.attempt.httpStatus}`, retry_at: r.retryAt })))],
          );
        }
        if (advances.length > 0) {
          // only applications still where the relay found them move; the others moved on by a callback
          const moved = await tx.query<{ id: string }>(
            `update applications a set status = x.next_status, platform_code = x.next_code, updated_at = x.at,
               in_flight_key = case when x.final then null else a.in_flight_key end
             from jsonb_to_recordset($1::jsonb) as x(id text, expected_status text, expected_code text, next_status text, next_code text, at timestamptz, final boolean)
             where a.id = x.id and a.status = x.expected_status and a.platform_code is not distinct from x.expected_code
             returning a.id`,
            [
              JSON.stringify(
                advances.map((c) => ({
                  id: c.id,
                  expected_status: c.expected.status,
                  expected_code: c.expected.platformCode,
                  next_status: c.next.status,
                  next_code: c.next.platformCode,
                  at: c.event.at,
                  final: isFinal(c.next.status),
                })),
              ),
            ],
          );
          const movedIds = new Set(moved.map((m) => m.id));
          await insertEvents(tx, advances.filter((c) => movedIds.has(c.id)).map((c) => c.event));
        }
      });
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

const toEndpoint = (row: object): CenterEndpoint => readRow(endpointRow(), 'SQL endpoints', camelCased(row));

/**
 * Points a center's deliveries at its API endpoint or its workbench, keeping its secrets (they are the
 * center's, rotated in the portal, whatever the address); a center without an endpoint gets one with none.
 */
export async function putEndpointAddress(driver: SqlDriver, centerCode: string, endpoint: EndpointValue, at: Date): Promise<void> {
  await driver.query(
    `insert into endpoints (center_code, mode, url, secrets_sealed, updated_at) values ($1, $2, $3, '[]'::jsonb, $4)
     on conflict (center_code) do update set mode = excluded.mode, url = excluded.url, updated_at = excluded.updated_at`,
    [centerCode, endpoint.kind, endpoint.kind === 'api' ? endpoint.url : null, at],
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
    setAddress: (centerCode, endpoint, at) => putEndpointAddress(driver, centerCode, endpoint, at),
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
const holdersIn = (row: object) => {
  const { secretsSealed, secretHolders } = readRow(secretHoldersRow(), 'SQL endpoints', camelCased(row));
  return holdersOf(secretsSealed, secretHolders);
};

const toRating = (row: object): RatingRecord => readRow(ratingRow(), 'SQL ratings', camelCased(row));

export function sqlRatings(driver: SqlDriver): RatingRepository {
  return {
    async create(r) {
      const rows = await driver.query(
        `insert into ratings (application_id, openid, center_code, score, comment, at, follow_up, follow_up_note, follow_up_by, follow_up_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (application_id) do nothing returning application_id`,
        [r.applicationId, r.openid, r.centerCode, r.score, r.comment, r.at, r.followUp, r.followUpNote, r.followUpBy, r.followUpAt],
      );
      return rows.length === 1;
    },
    async get(applicationId) {
      const [row] = await driver.query('select * from ratings where application_id = $1', [applicationId]);
      return row ? toRating(row) : undefined;
    },
    async listFollowUps(centerCode) {
      const rows = await driver.query(
        "select * from ratings where center_code = $1 and follow_up is not null order by follow_up = 'closed', at desc, application_id",
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
