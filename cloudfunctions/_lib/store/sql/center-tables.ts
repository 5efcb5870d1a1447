import {
  targetKey,
  withoutHealth,
  type ChangeStatus,
  type ChangeTarget,
  type ConformanceReport,
  type PreviousValue,
  type ReceivedCallback,
} from '../../../../src/core/center-portal';
import type {
  ChannelHealth,
  ConformanceCallbackRepository,
  ConformanceRun,
  ConformanceRunRepository,
  HealthRepository,
  LinkChange,
  LinkChangeRepository,
  RunStartOutcome,
  StaffInviteRepository,
} from '../port';
import { putEndpointAddress } from './application-tables';
import type { SqlDriver } from './driver';
import { putLink, toLink, type LinkRow } from './link-rows';
import { lockPerson } from './role-tables';

/** The center portal's tables (migration 8): staff invites, work orders, channel health, conformance runs. */

/** What redeeming reads of an invite. */
interface InviteRow {
  center_code: string;
  created_by: string;
  expires_at: Date;
  used_by: string | null;
}

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
        const [invite] = await tx.query<InviteRow>('select center_code, created_by, expires_at, used_by from staff_invites where code = $1 for update', [code]);
        if (!invite) return { kind: 'unknown' } as const;
        if (invite.used_by !== null) return { kind: 'used' } as const;
        if (new Date(invite.expires_at).getTime() <= at.getTime()) return { kind: 'expired' } as const;
        const [staff] = await tx.query<{ center_code: string }>("select center_code from roles where openid = $1 and role = 'center-staff' and revoked_at is null", [openid]);
        if (staff) return { kind: 'already-staff', centerCode: staff.center_code } as const;
        await tx.query('update staff_invites set used_by = $2, used_at = $3 where code = $1', [code, openid, at]);
        // a new invite from a supervisor grants a revoked role of the same center again
        await tx.query(
          `insert into roles (openid, role, center_code, granted_at, granted_by) values ($1, 'center-staff', $2, $3, $4)
           on conflict (openid, role, center_code) do update set granted_at = excluded.granted_at, granted_by = excluded.granted_by, revoked_at = null, revoked_by = null`,
          [openid, invite.center_code, at, `invite:${invite.created_by}`],
        );
        return { kind: 'joined', centerCode: invite.center_code } as const;
      }),
    async cancelOpenBy(createdBy, at) {
      // one statement: a redemption racing it either ran first (the invite is used, left alone) or meets the expiry
      const rows = await driver.query<{ code: string; center_code: string; created_at: Date; expires_at: Date }>(
        `update staff_invites i set expires_at = $2 from staff_invites old
         where i.code = old.code and i.created_by = $1 and i.used_by is null and i.expires_at > $2
         returning i.code, i.center_code, i.created_at, old.expires_at`,
        [createdBy, at],
      );
      return rows
        .map((r) => ({ code: r.code, centerCode: r.center_code, createdBy, createdAt: new Date(r.created_at), expiresAt: new Date(r.expires_at), usedBy: null, usedAt: null }))
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.code < b.code ? -1 : 1));
    },
  };
}

interface ChangeRow {
  id: string;
  center_code: string;
  target: ChangeTarget;
  effective_date: string;
  status: ChangeStatus;
  proposed_by: string;
  proposed_at: Date;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  reason: string | null;
  applied_at: Date | null;
  previous: PreviousValue;
  held_reason: string | null;
  held_at: Date | null;
}

const toChange = (r: ChangeRow): LinkChange => ({
  id: r.id,
  centerCode: r.center_code,
  target: r.target,
  effectiveDate: r.effective_date,
  status: r.status,
  proposedBy: r.proposed_by,
  proposedAt: new Date(r.proposed_at),
  reviewedBy: r.reviewed_by,
  reviewedAt: r.reviewed_at ? new Date(r.reviewed_at) : null,
  reason: r.reason,
  appliedAt: r.applied_at ? new Date(r.applied_at) : null,
  previous: r.previous,
  heldReason: r.held_reason,
  heldAt: r.held_at ? new Date(r.held_at) : null,
});

/**
 * The change `id`, read after taking its target's lock: every review and switch of one center's target runs
 * one at a time, so "one approved change per target" is kept, not just checked. The lock comes before any
 * row lock (a change's target never changes), so a review superseding a change another run is switching
 * waits for it instead of deadlocking with it.
 */
async function lockedChange(tx: SqlDriver, id: string): Promise<ChangeRow | undefined> {
  const [found] = await tx.query<Pick<ChangeRow, 'center_code' | 'target'>>('select center_code, target from link_changes where id = $1', [id]);
  if (!found) return undefined;
  await tx.query("select pg_advisory_xact_lock(hashtext('change:' || $1 || ':' || $2))", [found.center_code, targetKey(found.target)]);
  const [row] = await tx.query<ChangeRow>('select * from link_changes where id = $1 for update', [id]);
  return row;
}

export function sqlLinkChanges(driver: SqlDriver): LinkChangeRepository {
  return {
    async create(c) {
      await driver.query(
        `insert into link_changes (id, center_code, target_key, target, effective_date, status, proposed_by, proposed_at, reviewed_by, reviewed_at,
           reason, applied_at, previous, held_reason, held_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          c.id, c.centerCode, targetKey(c.target), JSON.stringify(c.target), c.effectiveDate, c.status, c.proposedBy, c.proposedAt, c.reviewedBy,
          c.reviewedAt, c.reason, c.appliedAt, c.previous === null ? null : JSON.stringify(c.previous), c.heldReason, c.heldAt,
        ],
      );
    },
    async get(id) {
      const [row] = await driver.query<ChangeRow>('select * from link_changes where id = $1', [id]);
      return row ? toChange(row) : undefined;
    },
    async listForCenter(centerCode) {
      return (await driver.query<ChangeRow>('select * from link_changes where center_code = $1 order by proposed_at desc, id', [centerCode])).map(toChange);
    },
    async listByStatus(status) {
      return (await driver.query<ChangeRow>('select * from link_changes where status = $1 order by proposed_at, id', [status])).map(toChange);
    },
    review: (id, d) =>
      driver.transaction(async (tx) => {
        const row = await lockedChange(tx, id);
        if (!row) return { kind: 'unknown' } as const;
        if (row.status !== 'pending') return { kind: 'not-pending', status: row.status } as const;
        const superseded = d.approve
          ? await tx.query<{ id: string }>(
              "update link_changes set status = 'superseded' where center_code = $1 and target_key = $2 and status = 'approved' returning id",
              [row.center_code, targetKey(row.target)],
            )
          : [];
        const [reviewed] = await tx.query<ChangeRow>('update link_changes set status = $2, reviewed_by = $3, reviewed_at = $4, reason = $5 where id = $1 returning *', [
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
        if (row?.status !== 'approved') return undefined;
        const { target } = row;
        let previous: PreviousValue;
        if (target.kind === 'link') {
          const [current] = await tx.query<LinkRow>('select * from links where center_code = $1 and item = $2 for update', [row.center_code, target.item]);
          previous = current ? withoutHealth(toLink(current)) : null;
          await putLink(tx, row.center_code, { item: target.item, ...target.link, healthy: true });
        } else {
          const [current] = await tx.query<{ mode: 'api' | 'manual'; url: string | null }>('select mode, url from endpoints where center_code = $1 for update', [row.center_code]);
          previous = !current ? null : current.mode === 'api' && current.url !== null ? { kind: 'api', url: current.url } : { kind: 'manual' };
          await putEndpointAddress(tx, row.center_code, target.endpoint, at);
        }
        const [applied] = await tx.query<ChangeRow>(
          "update link_changes set status = 'live', applied_at = $2, previous = $3, held_reason = null, held_at = null where id = $1 returning *",
          [id, at, previous === null ? null : JSON.stringify(previous)],
        );
        return toChange(applied);
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

interface HealthRow {
  center_code: string;
  channel: ChannelHealth['channel'];
  url: string;
  consecutive_failures: number;
  healthy: boolean;
  checked_at: Date;
  last_status: number | null;
  title: string | null;
  error: string | null;
}

const toHealth = (r: HealthRow): ChannelHealth => ({
  centerCode: r.center_code,
  channel: r.channel,
  url: r.url,
  consecutiveFailures: r.consecutive_failures,
  healthy: r.healthy,
  checkedAt: new Date(r.checked_at),
  status: r.last_status,
  title: r.title,
  error: r.error,
});

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
      // a day's findings in two set-based statements, whatever their number
      await driver.transaction(async (tx) => {
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
      return (await driver.query<HealthRow>('select * from channel_health where center_code = $1 order by channel', [centerCode])).map(toHealth);
    },
    async listUnhealthy() {
      return (await driver.query<HealthRow>('select * from channel_health where not healthy order by center_code, channel')).map(toHealth);
    },
    async list() {
      return (await driver.query<HealthRow>('select * from channel_health order by center_code, channel')).map(toHealth);
    },
  };
}

interface RunRow {
  id: string;
  center_code: string;
  url: string;
  started_by: string;
  started_at: Date;
  report: ConformanceReport | null;
}

const toRun = (r: RunRow): ConformanceRun => ({
  id: r.id,
  centerCode: r.center_code,
  url: r.url,
  startedBy: r.started_by,
  startedAt: new Date(r.started_at),
  report: r.report,
});

export function sqlConformanceRuns(driver: SqlDriver): ConformanceRunRepository {
  return {
    async start(run) {
      await driver.query('insert into conformance_runs (id, center_code, url, started_by, started_at, report) values ($1, $2, $3, $4, $5, $6)', [
        run.id,
        run.centerCode,
        run.url,
        run.startedBy,
        run.startedAt,
        run.report === null ? null : JSON.stringify(run.report),
      ]);
    },
    startIfFree: (run, limits) =>
      driver.transaction(async (tx): Promise<RunStartOutcome> => {
        // one starter per center at a time across connections, held until commit
        await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`conformance:${run.centerCode}`]);
        const [open] = await tx.query<RunRow>(
          'select * from conformance_runs where center_code = $1 and report is null and started_at > $2 order by started_at desc limit 1',
          [run.centerCode, limits.busySince],
        );
        if (open) return { kind: 'running', run: toRun(open) };
        const [row] = await tx.query<{ n: string | number }>('select count(*) as n from conformance_runs where center_code = $1 and started_at >= $2', [run.centerCode, limits.daySince]);
        const count = Number(row?.n ?? 0);
        if (count >= limits.dailyCap) return { kind: 'daily-cap', count };
        await tx.query('insert into conformance_runs (id, center_code, url, started_by, started_at, report) values ($1, $2, $3, $4, $5, null)', [
          run.id,
          run.centerCode,
          run.url,
          run.startedBy,
          run.startedAt,
        ]);
        return { kind: 'started' };
      }),
    async finish(id, report) {
      await driver.query('update conformance_runs set report = $2 where id = $1', [id, JSON.stringify(report)]);
    },
    async latest(centerCode) {
      const [row] = await driver.query<RunRow>('select * from conformance_runs where center_code = $1 order by started_at desc, id desc limit 1', [centerCode]);
      return row ? toRun(row) : undefined;
    },
  };
}

interface CallbackRow {
  webhook_id: string;
  status: string;
  at: Date;
  signature_valid: boolean;
  problems: string[];
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
      const rows = await driver.query<CallbackRow>(
        'select webhook_id, status, at, signature_valid, problems from conformance_callbacks where center_code = $1 and application_id = $2 order by id',
        [centerCode, applicationId],
      );
      return rows.map((r): ReceivedCallback => ({ webhookId: r.webhook_id, status: r.status, at: new Date(r.at).toISOString(), signatureValid: r.signature_valid, problems: r.problems }));
    },
  };
}
