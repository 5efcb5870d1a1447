import { switchedLink, targetKey, withoutHealth, type PreviousValue } from '../../../../src/core/center-portal';
import type {
  ChannelHealth,
  ConformanceCallbackRepository,
  ConformanceRun,
  ConformanceRunRepository,
  HealthRepository,
  LinkChange,
  LinkChangeRepository,
  RunStartOutcome,
  StaffInvite,
  StaffInviteRepository,
} from '../port';
import { changeRow, healthRow, inviteRow, receivedCallbackRow, runRow, stepRow } from '../rows/portal';
import { readRow } from '../rows/read';
import { putEndpointAddress } from './application-tables';
import type { SqlDriver } from './driver';
import { putLink, toLink } from './link-rows';
import { lockPerson } from './role-tables';
import { camelCased } from './row-names';

/** The center portal's tables (migration 8): staff invites, work orders, channel health, conformance runs. */

const toInvite = (row: object): StaffInvite => readRow(inviteRow(), 'SQL staff_invites', camelCased(row));

export function sqlStaffInvites(driver: SqlDriver): StaffInviteRepository {
  return {
    async create(i) {
      await driver.query(
        'insert into staff_invites (code, center_code, created_by, created_at, expires_at, used_by, used_at) values ($1, $2, $3, $4, $5, $6, $7)',
        [i.code, i.centerCode, i.createdBy, i.createdAt, i.expiresAt, i.usedBy, i.usedAt],
      );
    },
    redeem: (code, openid, at) =>
      driver.transaction(async (tx) => {
        // one redemption per person at a time, so two invites cannot make them staff of two centers
        // (the partial unique index on roles stands behind this); the invite row is locked against a second user
        await lockPerson(tx, openid);
        const [row] = await tx.query('select * from staff_invites where code = $1 for update', [code]);
        if (!row) return { kind: 'unknown' } as const;
        const invite = toInvite(row);
        if (invite.usedBy !== null) return { kind: 'used' } as const;
        if (invite.expiresAt.getTime() <= at.getTime()) return { kind: 'expired' } as const;
        const [staff] = await tx.query<{ scope: string }>("select scope from roles where openid = $1 and role = 'center-staff' and revoked_at is null", [openid]);
        if (staff) return { kind: 'already-staff', centerCode: staff.scope } as const;
        await tx.query('update staff_invites set used_by = $2, used_at = $3 where code = $1', [code, openid, at]);
        // a new invite from a supervisor grants a revoked role of the same center again
        await tx.query(
          `insert into roles (openid, role, scope, granted_at, granted_by) values ($1, 'center-staff', $2, $3, $4)
           on conflict (openid, role, scope) do update set granted_at = excluded.granted_at, granted_by = excluded.granted_by, revoked_at = null, revoked_by = null`,
          [openid, invite.centerCode, at, `invite:${invite.createdBy}`],
        );
        return { kind: 'joined', centerCode: invite.centerCode } as const;
      }),
    async cancelOpenBy(createdBy, at) {
      // one statement: a redemption racing it either ran first (the invite is used, left alone) or meets the expiry
      const rows = await driver.query(
        `update staff_invites i set expires_at = $2 from staff_invites old
         where i.code = old.code and i.created_by = $1 and i.used_by is null and i.expires_at > $2
         returning i.code, i.center_code, i.created_by, i.created_at, old.expires_at, i.used_by, i.used_at`,
        [createdBy, at],
      );
      return rows
        .map(toInvite)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.code < b.code ? -1 : 1));
    },
  };
}

const toChange = (row: object): LinkChange => readRow(changeRow(), 'SQL link_changes', camelCased(row));

/** Takes the lock of a change's target (its center and link, endpoint or hall) until the transaction ends. */
async function lockTarget(tx: SqlDriver, change: Pick<LinkChange, 'centerCode' | 'target'>): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext('change:' || $1 || ':' || $2))", [change.centerCode, targetKey(change.target)]);
}

/**
 * The change `id`, read after taking its target's lock: every review and switch of one center's target runs
 * one at a time, so "one approved change per target" is kept, not just checked. The lock comes before any
 * row lock (a change's target never changes), so a review superseding a change another run is switching
 * waits for it instead of deadlocking with it.
 */
async function lockedChange(tx: SqlDriver, id: string): Promise<LinkChange | undefined> {
  const [found] = await tx.query('select * from link_changes where id = $1', [id]);
  if (!found) return undefined;
  await lockTarget(tx, toChange(found));
  const [row] = await tx.query('select * from link_changes where id = $1 for update', [id]);
  return row ? toChange(row) : undefined;
}

async function insertChange(driver: SqlDriver, c: LinkChange): Promise<void> {
  await driver.query(
    `insert into link_changes (id, center_code, target_key, target, effective_date, status, proposed_by, proposed_at, reviewed_by, reviewed_at,
       reason, applied_at, previous, held_reason, held_at, trial_finding_id, immediate)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      c.id, c.centerCode, targetKey(c.target), JSON.stringify(c.target), c.effectiveDate, c.status, c.proposedBy, c.proposedAt, c.reviewedBy,
      c.reviewedAt, c.reason, c.appliedAt, c.previous === null ? null : JSON.stringify(c.previous), c.heldReason, c.heldAt, c.trialFindingId ?? null,
      c.immediate ?? false,
    ],
  );
}

/**
 * Switches the approved change `row`, its target locked, live: the link, the endpoint (with `secrets`, its secrets
 * replaced in the same statement) or the center's service hall, recording what it replaced.
 */
async function switchLive(tx: SqlDriver, row: LinkChange, at: Date, secrets?: { sealed: readonly string[]; shownTo: string }): Promise<LinkChange> {
  const { target } = row;
  let previous: PreviousValue;
  if (target.kind === 'link') {
    const [current] = await tx.query('select * from links where center_code = $1 and item = $2 for update', [row.centerCode, target.item]);
    previous = current ? withoutHealth(toLink(current)) : null;
    await putLink(tx, row.centerCode, switchedLink(target.item, target.link));
  } else if (target.kind === 'hall') {
    const [current] = await tx.query<{ counter_address: string | null; counter_hours: string | null }>(
      'select counter_address, counter_hours from centers where code = $1 for update',
      [row.centerCode],
    );
    previous = current && current.counter_address !== null && current.counter_hours !== null ? { kind: 'hall', address: current.counter_address, hours: current.counter_hours } : null;
    await tx.query('update centers set counter_address = $2, counter_hours = $3 where code = $1', [row.centerCode, target.hall.address, target.hall.hours]);
  } else {
    const [current] = await tx.query<{ mode: 'api' | 'manual'; url: string | null }>('select mode, url from endpoints where center_code = $1 for update', [row.centerCode]);
    previous = !current ? null : current.mode === 'api' && current.url !== null ? { kind: 'api', url: current.url } : { kind: 'manual' };
    await putEndpointAddress(tx, row.centerCode, target.endpoint, at, secrets);
  }
  const [applied] = await tx.query(
    "update link_changes set status = 'live', applied_at = $2, previous = $3, held_reason = null, held_at = null where id = $1 returning *",
    [row.id, at, previous === null ? null : JSON.stringify(previous)],
  );
  return toChange(applied);
}

export function sqlLinkChanges(driver: SqlDriver): LinkChangeRepository {
  return {
    create: (c) => insertChange(driver, c),
    async get(id) {
      const [row] = await driver.query('select * from link_changes where id = $1', [id]);
      return row ? toChange(row) : undefined;
    },
    async listForCenter(centerCode) {
      return (await driver.query('select * from link_changes where center_code = $1 order by proposed_at desc, id', [centerCode])).map(toChange);
    },
    async listByStatus(status) {
      return (await driver.query('select * from link_changes where status = $1 order by proposed_at, id', [status])).map(toChange);
    },
    review: (id, d) =>
      driver.transaction(async (tx) => {
        const row = await lockedChange(tx, id);
        if (!row) return { kind: 'unknown' } as const;
        if (row.status !== 'pending') return { kind: 'not-pending', status: row.status } as const;
        const superseded = d.approve
          ? await tx.query<{ id: string }>(
              "update link_changes set status = 'superseded' where center_code = $1 and target_key = $2 and status = 'approved' returning id",
              [row.centerCode, targetKey(row.target)],
            )
          : [];
        const [reviewed] = await tx.query('update link_changes set status = $2, reviewed_by = $3, reviewed_at = $4, reason = $5 where id = $1 returning *', [
          id,
          d.approve ? 'approved' : 'rejected',
          d.by,
          d.at,
          d.reason,
        ]);
        return { kind: 'reviewed', change: toChange(reviewed), superseded: superseded.map((s) => s.id) } as const;
      }),
    apply: (id, at) =>
      driver.transaction(async (tx) => {
        const row = await lockedChange(tx, id);
        return row?.status === 'approved' ? switchLive(tx, row, at) : undefined;
      }),
    createApplied: (c, secretsSealed) =>
      driver.transaction(async (tx) => {
        // the target's lock first, as lockedChange takes it: a review or switch of the same target waits for this one
        await lockTarget(tx, c);
        const superseded = await tx.query<{ id: string }>(
          "update link_changes set status = 'superseded' where center_code = $1 and target_key = $2 and status = 'approved' returning id",
          [c.centerCode, targetKey(c.target)],
        );
        const approved: LinkChange = { ...c, status: 'approved', reviewedBy: c.proposedBy, reviewedAt: c.proposedAt };
        await insertChange(tx, approved);
        const secrets = secretsSealed === undefined ? undefined : { sealed: secretsSealed, shownTo: c.proposedBy };
        return { change: await switchLive(tx, approved, c.proposedAt, secrets), superseded: superseded.map((s) => s.id) };
      }),
    async hold(id, reason, at) {
      const rows = await driver.query("update link_changes set held_reason = $2, held_at = $3 where id = $1 and status = 'approved' returning id", [id, reason, at]);
      return rows.length === 1;
    },
    async reschedule(id, expected, date) {
      const rows = await driver.query(
        "update link_changes set effective_date = $3 where id = $1 and effective_date = $2 and status in ('pending', 'approved') returning id",
        [id, expected, date],
      );
      return rows.length === 1;
    },
  };
}

const toHealth = (row: object): ChannelHealth => {
  const r = camelCased(row);
  return readRow(healthRow(), 'SQL channel_health', { ...r, status: r.lastStatus });
};

export function sqlHealth(driver: SqlDriver): HealthRepository {
  return {
    async record(findings) {
      if (findings.length === 0) return;
      const rows = JSON.stringify(
        findings.map((f) => ({
          center_code: f.centerCode,
          channel: f.channel,
          item: f.channel === 'endpoint' ? null : Number(f.channel.slice('link:'.length)),
          url: f.url,
          consecutive_failures: f.consecutiveFailures,
          healthy: f.healthy,
          checked_at: f.checkedAt,
          last_status: f.status,
          title: f.title,
          error: f.error,
        })),
      );
      const columns = `center_code text, channel text, item smallint, url text, consecutive_failures integer, healthy boolean, checked_at timestamptz,
        last_status integer, title text, error text`;
      // a day's findings in three set-based statements, whatever their number
      await driver.transaction(async (tx) => {
        // each change of a channel's health is kept (the access progress as of a date), before the finding replaces it
        await tx.query(
          `insert into channel_health_log (center_code, channel, healthy, checked_at)
           select x.center_code, x.channel, x.healthy, x.checked_at from jsonb_to_recordset($1::jsonb) as x(${columns})
           where not exists (select 1 from channel_health h where h.center_code = x.center_code and h.channel = x.channel and h.healthy = x.healthy)
           on conflict do nothing`,
          [rows],
        );
        await tx.query(
          `insert into channel_health (center_code, channel, url, consecutive_failures, healthy, checked_at, last_status, title, error)
           select x.center_code, x.channel, x.url, x.consecutive_failures, x.healthy, x.checked_at, x.last_status, x.title, x.error
           from jsonb_to_recordset($1::jsonb) as x(${columns})
           on conflict (center_code, channel) do update set url = excluded.url, consecutive_failures = excluded.consecutive_failures,
             healthy = excluded.healthy, checked_at = excluded.checked_at, last_status = excluded.last_status, title = excluded.title, error = excluded.error`,
          [rows],
        );
        // a link switched to another address since it was checked keeps the health it was switched with
        await tx.query(
          `update links l set healthy = x.healthy from jsonb_to_recordset($1::jsonb) as x(${columns})
           where x.item is not null and l.center_code = x.center_code and l.item = x.item and l.kind = 'web' and l.url = x.url`,
          [rows],
        );
      });
    },
    async listForCenter(centerCode) {
      return (await driver.query('select * from channel_health where center_code = $1 order by channel', [centerCode])).map(toHealth);
    },
    async list() {
      return (await driver.query('select * from channel_health order by center_code, channel')).map(toHealth);
    },
  };
}

const toRun = (row: object): ConformanceRun => readRow(runRow(), 'SQL conformance_runs', camelCased(row));

export function sqlConformanceRuns(driver: SqlDriver): ConformanceRunRepository {
  return {
    async start(run) {
      await driver.query('insert into conformance_runs (id, center_code, url, started_by, started_at, report, secrets_sealed, passes, seed) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
        run.id,
        run.centerCode,
        run.url,
        run.startedBy,
        run.startedAt,
        run.report === null ? null : JSON.stringify(run.report),
        JSON.stringify(run.secretsSealed),
        run.passes,
        run.seed,
      ]);
    },
    startIfFree: (run, limits) =>
      driver.transaction(async (tx): Promise<RunStartOutcome> => {
        // one starter per center at a time across connections, held until commit
        await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`conformance:${run.centerCode}`]);
        const [open] = await tx.query(
          'select * from conformance_runs where center_code = $1 and report is null and started_at > $2 order by started_at desc limit 1',
          [run.centerCode, limits.busySince],
        );
        if (open) return { kind: 'running', run: toRun(open) };
        const [row] = await tx.query<{ n: string | number }>('select count(*) as n from conformance_runs where center_code = $1 and started_at >= $2', [run.centerCode, limits.daySince]);
        const count = Number(row?.n ?? 0);
        if (count >= limits.dailyCap) return { kind: 'daily-cap', count };
        await tx.query('insert into conformance_runs (id, center_code, url, started_by, started_at, report, secrets_sealed, passes, seed) values ($1, $2, $3, $4, $5, null, $6, $7, $8)', [
          run.id,
          run.centerCode,
          run.url,
          run.startedBy,
          run.startedAt,
          JSON.stringify(run.secretsSealed),
          run.passes,
          run.seed,
        ]);
        return { kind: 'started' };
      }),
    async finish(id, report) {
      await driver.query(`update conformance_runs set report = $2, secrets_sealed = '[]' where id = $1`, [id, JSON.stringify(report)]);
    },
    async forgetSecrets(startedBefore) {
      await driver.query(`update conformance_runs set secrets_sealed = '[]' where report is null and started_at < $1 and secrets_sealed <> '[]'`, [startedBefore]);
    },
    async latest(centerCode) {
      const [row] = await driver.query('select * from conformance_runs where center_code = $1 order by started_at desc, id desc limit 1', [centerCode]);
      return row ? toRun(row) : undefined;
    },
    async get(id) {
      const [row] = await driver.query('select * from conformance_runs where id = $1', [id]);
      return row ? toRun(row) : undefined;
    },
    async unfinished(since) {
      return (await driver.query('select * from conformance_runs where report is null and started_at > $1 order by started_at, id', [since])).map(toRun);
    },
    async lease(id, holder, now, until) {
      // one conditional update: of two resumers only one finds the lease free (or its own)
      const rows = await driver.query(
        'update conformance_runs set lease_holder = $2, lease_until = $4 where id = $1 and (lease_until is null or lease_until <= $3 or lease_holder = $2) returning id',
        [id, holder, now, until],
      );
      return rows.length > 0;
    },
    async recordStep(runId, step) {
      const rows = await driver.query(
        'insert into conformance_steps (run_id, step, checks, posts, done_at) values ($1, $2, $3, $4, $5) on conflict (run_id, step) do nothing returning step',
        [runId, step.index, JSON.stringify(step.checks), JSON.stringify(step.posts), step.doneAt],
      );
      return rows.length > 0;
    },
    async steps(runId) {
      const rows = await driver.query('select step as index, checks, posts, done_at from conformance_steps where run_id = $1 order by step', [runId]);
      return rows.map((r) => readRow(stepRow(), 'SQL conformance_steps', camelCased(r)));
    },
  };
}

export function sqlConformanceCallbacks(driver: SqlDriver): ConformanceCallbackRepository {
  return {
    async record(centerCode, applicationId, c) {
      await driver.query(
        'insert into conformance_callbacks (center_code, application_id, webhook_id, status, at, signature_valid, problems) values ($1, $2, $3, $4, $5, $6, $7)',
        [centerCode, applicationId, c.webhookId, c.status, new Date(c.at), c.signatureValid, JSON.stringify(c.problems)],
      );
    },
    async listFor(centerCode, applicationId) {
      const rows = await driver.query(
        'select webhook_id, status, at, signature_valid, problems from conformance_callbacks where center_code = $1 and application_id = $2 order by id',
        [centerCode, applicationId],
      );
      return rows.map((r) => readRow(receivedCallbackRow(), 'SQL conformance_callbacks', camelCased(r)));
    },
  };
}
