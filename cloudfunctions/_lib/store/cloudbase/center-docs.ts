import { switchedLink, targetKey, withoutHealth, type PreviousValue, type ReceivedCallback } from '../../../../src/core/center-portal';
import type {
  ChannelHealth,
  ConformanceCallbackRepository,
  ConformanceRun,
  ConformanceRunRepository,
  HealthChannel,
  HealthRepository,
  LinkChange,
  LinkChangeRepository,
  RedeemOutcome,
  ReviewOutcome,
  RoleRecord,
  RunStartOutcome,
  StaffInvite,
  StaffInviteRepository,
} from '../port';
import { changeRow, healthRow, inviteRow, receivedCallbackRow, runRow, stepRow } from '../rows/portal';
import { readRow } from '../rows/read';
import { toCenter } from './catalog-docs';
import { toEndpoint, writeEndpointAddress } from './endpoint-docs';
import { channelFields, linkDocId, toLink } from './link-docs';
import { sameGrant } from '../../../../src/core/roles';
import { grantCenter, normalizeGrant, rolesDoc, rolesDocFields, toGrants, withRecord } from './role-docs';
import {
  COLLECTIONS,
  docList,
  fetchAll,
  forEachLimited,
  getById,
  nextSeq,
  nullableStr,
  num,
  retryConflicts,
  runTransaction,
  transactionDoc,
  WRITE_CONCURRENCY,
  type Db,
  type Doc,
  type Transaction,
} from './sdk';

/** The center portal: staff invites, work orders of links and endpoints, channel health, interface testing. */

export function cloudbaseStaffInvites(db: Db): StaffInviteRepository {
  const _ = db.command;
  const staffInvites = () => db.collection(COLLECTIONS.staffInvites);
  return {
    async create(invite) {
      // add with the id, not set: like SQL's insert, a second invite with the same code is refused
      await staffInvites().add({ _id: invite.code, ...invite });
    },
    redeem: (code, openid, at) =>
      runTransaction(db, async (tx): Promise<RedeemOutcome> => {
        const inviteRef = tx.collection(COLLECTIONS.staffInvites).doc(code);
        const found = transactionDoc(await inviteRef.get(), COLLECTIONS.staffInvites);
        if (!found) return { kind: 'unknown' };
        const invite = toInvite(found);
        if (invite.usedBy !== null) return { kind: 'used' };
        if (invite.expiresAt.getTime() <= at.getTime()) return { kind: 'expired' };
        const rolesRef = tx.collection(COLLECTIONS.roles).doc(openid);
        const current = transactionDoc(await rolesRef.get(), COLLECTIONS.roles);
        const grants = current ? toGrants(current) : [];
        const staff = grants.find((g) => g.role === 'center-staff');
        if (staff) return { kind: 'already-staff', centerCode: grantCenter(staff) };
        await inviteRef.update({ usedBy: openid, usedAt: at });
        const wanted = normalizeGrant({ role: 'center-staff', centerCode: invite.centerCode });
        const person = rolesDoc(openid, current);
        const before = person.records.find((r) => sameGrant(r.grant, wanted));
        const record: RoleRecord = { openid, grant: wanted, displayName: before?.displayName ?? null, grantedAt: at, grantedBy: `invite:${invite.createdBy}`, revokedAt: null, revokedBy: null };
        await rolesRef.set(rolesDocFields([...grants, wanted], withRecord(person.records, record)));
        return { kind: 'joined', centerCode: invite.centerCode };
      }),
    // each open invite expired in a transaction of its own that reads it again: a redemption racing it either
    // committed first (the invite is used, left alone) or meets a write conflict and then the expiry
    async cancelOpenBy(createdBy, at) {
      const open = (await fetchAll(COLLECTIONS.staffInvites, staffInvites().where({ createdBy, usedBy: null, expiresAt: _.gt(at) }), ['createdAt', '_id'])).map(toInvite);
      const cancelled: StaffInvite[] = [];
      for (const invite of open) {
        const still = await runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.staffInvites).doc(invite.code);
          const found = transactionDoc(await ref.get(), COLLECTIONS.staffInvites);
          const current = found ? toInvite(found) : undefined;
          if (!current || current.usedBy !== null || current.expiresAt.getTime() <= at.getTime()) return undefined;
          await ref.update({ expiresAt: at });
          return current;
        });
        if (still) cancelled.push(still);
      }
      return cancelled;
    },
  };
}

/**
 * What switching `change` live replaces, read in the transaction, and the write that switches it: the link, the
 * endpoint (with `secrets`, its secrets replaced in the same write) or the center's service hall.
 */
async function switchOf(
  db: Db,
  tx: Transaction,
  change: LinkChange,
  at: Date,
  secrets?: { sealed: readonly string[]; shownTo: string },
): Promise<{ previous: PreviousValue; write: () => Promise<unknown> }> {
  const { target, centerCode } = change;
  if (target.kind === 'link') {
    const linkRef = tx.collection(COLLECTIONS.links).doc(linkDocId(centerCode, target.item));
    const current = transactionDoc(await linkRef.get(), COLLECTIONS.links);
    const link = switchedLink(target.item, target.link);
    return {
      previous: current ? withoutHealth(toLink(current)) : null,
      write: () => linkRef.set({ centerCode, item: link.item, kind: link.kind, ...channelFields(link), updatedAt: at }),
    };
  }
  if (target.kind === 'hall') {
    const centerRef = tx.collection(COLLECTIONS.centers).doc(centerCode);
    const center = transactionDoc(await centerRef.get(), COLLECTIONS.centers);
    const counter = center ? toCenter(center).counter : null;
    // _.set replaces the object whole, as centers.setCounter
    return { previous: counter ? { kind: 'hall', ...counter } : null, write: () => centerRef.update({ counter: db.command.set({ address: target.hall.address, hours: target.hall.hours }) }) };
  }
  const endpointRef = tx.collection(COLLECTIONS.endpoints).doc(centerCode);
  const current = transactionDoc(await endpointRef.get(), COLLECTIONS.endpoints);
  const endpoint = current ? toEndpoint(current) : undefined;
  return {
    previous: !endpoint ? null : endpoint.mode === 'api' && endpoint.url !== null ? { kind: 'api', url: endpoint.url } : { kind: 'manual' },
    write: () => writeEndpointAddress(endpointRef, current, centerCode, target.endpoint, at, secrets),
  };
}

export function cloudbaseLinkChanges(db: Db): LinkChangeRepository {
  const _ = db.command;
  const linkChanges = () => db.collection(COLLECTIONS.linkChanges);
  return {
    async create(change) {
      await linkChanges().add({ _id: change.id, ...changeDoc(change) });
    },
    async get(id) {
      const doc = await getById(linkChanges(), id);
      return doc ? toChange(doc) : undefined;
    },
    async listForCenter(centerCode) {
      return (await fetchAll(COLLECTIONS.linkChanges, linkChanges().where({ centerCode }), [{ desc: 'proposedAt' }, '_id'])).map(toChange);
    },
    async listByStatus(status) {
      return (await fetchAll(COLLECTIONS.linkChanges, linkChanges().where({ status }), ['proposedAt', '_id'])).map(toChange);
    },
    review: (id, d) =>
      runTransaction(db, async (tx): Promise<ReviewOutcome> => {
        const ref = tx.collection(COLLECTIONS.linkChanges).doc(id);
        const found = transactionDoc(await ref.get(), COLLECTIONS.linkChanges);
        if (!found) return { kind: 'unknown' };
        const change = toChange(found);
        if (change.status !== 'pending') return { kind: 'not-pending', status: change.status };
        const reviewed = { status: d.approve ? ('approved' as const) : ('rejected' as const), reviewedBy: d.by, reviewedAt: d.at, reason: d.reason };
        if (!d.approve) {
          await ref.update(reviewed);
          return { kind: 'reviewed', change: { ...change, ...reviewed }, superseded: [] };
        }
        const targetRef = tx.collection(COLLECTIONS.changeTargets).doc(changeTargetDocId(change));
        const waiting = approvedIdOf(transactionDoc(await targetRef.get(), COLLECTIONS.changeTargets));
        const superseded: string[] = [];
        if (waiting !== null && waiting !== id) {
          const olderRef = tx.collection(COLLECTIONS.linkChanges).doc(waiting);
          const older = transactionDoc(await olderRef.get(), COLLECTIONS.linkChanges);
          if (older?.status === 'approved') {
            await olderRef.update({ status: 'superseded' });
            superseded.push(waiting);
          }
        }
        await targetRef.set({ approvedId: id });
        await ref.update(reviewed);
        return { kind: 'reviewed', change: { ...change, ...reviewed }, superseded };
      }),
    apply: (id, at) =>
      runTransaction(db, async (tx): Promise<LinkChange | undefined> => {
        // reads first (the change, its target, what it replaces), then the writes, which include the change:
        // two switches of one change meet a write conflict, and the one run again reads it live
        const ref = tx.collection(COLLECTIONS.linkChanges).doc(id);
        const found = transactionDoc(await ref.get(), COLLECTIONS.linkChanges);
        if (found?.status !== 'approved') return undefined;
        const change = toChange(found);
        const targetRef = tx.collection(COLLECTIONS.changeTargets).doc(changeTargetDocId(change));
        const waiting = approvedIdOf(transactionDoc(await targetRef.get(), COLLECTIONS.changeTargets));
        const { previous, write } = await switchOf(db, tx, change, at);
        await write();
        if (waiting === id) await targetRef.set({ approvedId: null });
        const applied = { status: 'live' as const, appliedAt: at, previous, heldReason: null, heldAt: null };
        await ref.update({ ...applied, previous: previous === null ? null : _.set(previous) });
        return { ...change, ...applied };
      }),
    createApplied: (change, secretsSealed) =>
      runTransaction(db, async (tx) => {
        // reads first (the target's waiting change, what the change replaces), then the writes; the target's document
        // is always written, so two immediate changes of one target meet a write conflict and run one after the other
        const targetRef = tx.collection(COLLECTIONS.changeTargets).doc(changeTargetDocId(change));
        const waiting = approvedIdOf(transactionDoc(await targetRef.get(), COLLECTIONS.changeTargets));
        const olderRef = waiting === null ? undefined : tx.collection(COLLECTIONS.linkChanges).doc(waiting);
        const older = olderRef && transactionDoc(await olderRef.get(), COLLECTIONS.linkChanges);
        const secrets = secretsSealed === undefined ? undefined : { sealed: secretsSealed, shownTo: change.proposedBy };
        const { previous, write } = await switchOf(db, tx, change, change.proposedAt, secrets);
        const superseded = olderRef && waiting !== null && older?.status === 'approved' ? [waiting] : [];
        if (olderRef && superseded.length > 0) await olderRef.update({ status: 'superseded' });
        await targetRef.set({ approvedId: null });
        await write();
        const live: LinkChange = {
          ...change,
          status: 'live',
          reviewedBy: change.proposedBy,
          reviewedAt: change.proposedAt,
          appliedAt: change.proposedAt,
          previous,
          heldReason: null,
          heldAt: null,
        };
        await tx.collection(COLLECTIONS.linkChanges).doc(change.id).set(changeDoc(live));
        return { change: live, superseded };
      }),
    // compare-and-set in a single-document transaction, like verifications.settle
    hold: (id, reason, at) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.linkChanges).doc(id);
        const current = transactionDoc(await ref.get(), COLLECTIONS.linkChanges);
        if (current?.status !== 'approved') return false;
        await ref.update({ heldReason: reason, heldAt: at });
        return true;
      }),
    reschedule: (id, expected, date) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.linkChanges).doc(id);
        const current = transactionDoc(await ref.get(), COLLECTIONS.linkChanges);
        if ((current?.status !== 'pending' && current?.status !== 'approved') || current.effectiveDate !== expected) return false;
        await ref.update({ effectiveDate: date });
        return true;
      }),
  };
}

export function cloudbaseHealth(db: Db): HealthRepository {
  const links = () => db.collection(COLLECTIONS.links);
  const channelHealth = () => db.collection(COLLECTIONS.channelHealth);
  return {
    async record(findings) {
      await forEachLimited(findings, WRITE_CONCURRENCY, async (f) => {
        // each change of a channel's health is kept (the access progress as of a date), before the finding replaces it
        const before = await getById(channelHealth(), healthDocId(f.centerCode, f.channel));
        if (before?.healthy !== f.healthy) {
          await db.collection(COLLECTIONS.channelHealthLog).doc(healthLogDocId(f)).set({ centerCode: f.centerCode, channel: f.channel, healthy: f.healthy, checkedAt: f.checkedAt });
        }
        await channelHealth().doc(healthDocId(f.centerCode, f.channel)).set({ ...f });
        // by query, like SQL's UPDATE ... WHERE: a link switched to another address since it was checked keeps its health
        if (f.channel !== 'endpoint') {
          await links()
            .where({ _id: linkDocId(f.centerCode, Number(f.channel.slice('link:'.length))), kind: 'web', url: f.url })
            .update({ healthy: f.healthy });
        }
      });
    },
    async listForCenter(centerCode) {
      return (await fetchAll(COLLECTIONS.channelHealth, channelHealth().where({ centerCode }), '_id')).map(toHealth);
    },
    async list() {
      return (await fetchAll(COLLECTIONS.channelHealth, channelHealth(), '_id')).map(toHealth);
    },
  };
}

export function cloudbaseConformanceRuns(db: Db): ConformanceRunRepository {
  const _ = db.command;
  const conformanceRuns = () => db.collection(COLLECTIONS.conformanceRuns);
  return {
    async start(run) {
      await conformanceRuns().add({ _id: run.id, ...run });
    },
    startIfFree: (run, limits) =>
      // the center's gate document (the run in progress, and the day's count) and the run are written in one
      // transaction: of two racing starts one meets a write conflict and, run again, reads the other's run
      retryConflicts(() =>
        runTransaction(db, async (tx): Promise<RunStartOutcome> => {
          const gateRef = tx.collection(COLLECTIONS.conformanceGates).doc(run.centerCode);
          const gate = transactionDoc(await gateRef.get(), COLLECTIONS.conformanceGates);
          const runningId = gate && typeof gate.runningId === 'string' ? gate.runningId : null;
          if (runningId !== null) {
            const open = transactionDoc(await tx.collection(COLLECTIONS.conformanceRuns).doc(runningId).get(), COLLECTIONS.conformanceRuns);
            const running = open ? toRun(open) : undefined;
            if (running && running.report === null && running.startedAt.getTime() > limits.busySince.getTime()) return { kind: 'running', run: running };
          }
          const sameDay = gate !== undefined && gate.day instanceof Date && gate.day.getTime() === limits.daySince.getTime();
          const count = sameDay ? num(gate, 'count', COLLECTIONS.conformanceGates) : 0;
          if (count >= limits.dailyCap) return { kind: 'daily-cap', count };
          await gateRef.set({ day: limits.daySince, count: count + 1, runningId: run.id });
          await tx.collection(COLLECTIONS.conformanceRuns).doc(run.id).set({ ...run });
          return { kind: 'started' };
        }),
      ),
    async finish(id, report) {
      // _.set replaces the report whole: it is null until now, and dotted paths cannot be set inside null
      await conformanceRuns().doc(id).update({ report: _.set(report), secretsSealed: _.set([]) });
    },
    async forgetSecrets(startedBefore) {
      // finished runs have none left: the unfinished ones past their time, on the index that finds unfinished runs
      await conformanceRuns()
        .where({ report: _.eq(null), startedAt: _.lt(startedBefore) })
        .update({ secretsSealed: _.set([]) });
    },
    async latest(centerCode) {
      const [doc] = docList(
        await conformanceRuns().where({ centerCode }).orderBy('startedAt', 'desc').orderBy('_id', 'desc').limit(1).get(),
        COLLECTIONS.conformanceRuns,
      );
      return doc ? toRun(doc) : undefined;
    },
    async get(id) {
      const doc = await getById(conformanceRuns(), id);
      return doc ? toRun(doc) : undefined;
    },
    async unfinished(since) {
      return (await fetchAll(COLLECTIONS.conformanceRuns, conformanceRuns().where({ report: _.eq(null), startedAt: _.gt(since) }), ['startedAt', '_id'])).map(toRun);
    },
    lease: (id, holder, now, until) =>
      // read again and leased in one single-document transaction: two resumers meet a write conflict, and the
      // loser, run again, finds the winner's lease
      retryConflicts(() =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.conformanceRuns).doc(id);
          const current = transactionDoc(await ref.get(), COLLECTIONS.conformanceRuns);
          if (!current) return false;
          const leaseUntil = current.leaseUntil instanceof Date ? current.leaseUntil : null;
          const free = leaseUntil === null || leaseUntil.getTime() <= now.getTime() || current.leaseHolder === holder;
          if (!free) return false;
          await ref.update({ leaseHolder: holder, leaseUntil: until });
          return true;
        }),
      ),
    recordStep: (runId, step) =>
      retryConflicts(() =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.conformanceSteps).doc(`${runId}:${step.index}`);
          if (transactionDoc(await ref.get(), COLLECTIONS.conformanceSteps)) return false;
          await ref.set({ runId, index: step.index, checks: [...step.checks], posts: [...step.posts], doneAt: step.doneAt });
          return true;
        }),
      ),
    async steps(runId) {
      const steps = () => db.collection(COLLECTIONS.conformanceSteps);
      return (await fetchAll(COLLECTIONS.conformanceSteps, steps().where({ runId }), 'index')).map((doc) => readRow(stepRow(), 'CloudBase conformanceSteps', doc));
    },
  };
}

export function cloudbaseConformanceCallbacks(db: Db): ConformanceCallbackRepository {
  const conformanceCallbacks = () => db.collection(COLLECTIONS.conformanceCallbacks);
  return {
    async record(centerCode, applicationId, c) {
      await conformanceCallbacks().add({
        centerCode,
        applicationId,
        webhookId: c.webhookId,
        status: c.status,
        at: new Date(c.at),
        signatureValid: c.signatureValid,
        problems: [...c.problems],
        seq: nextSeq(),
      });
    },
    async listFor(centerCode, applicationId) {
      return (await fetchAll(COLLECTIONS.conformanceCallbacks, conformanceCallbacks().where({ centerCode, applicationId }), 'seq')).map(toReceivedCallback);
    },
  };
}

const toInvite = (doc: Doc): StaffInvite => readRow(inviteRow(), 'CloudBase staffInvites', doc);

/** The `changeTargets` document of a change's target. */
export function changeTargetDocId(change: Pick<LinkChange, 'centerCode' | 'target'>): string {
  return `${change.centerCode}:${targetKey(change.target)}`;
}

/** The change a `changeTargets` document names as approved and waiting, or null. */
function approvedIdOf(doc: Doc | undefined): string | null {
  return doc ? nullableStr(doc, 'approvedId', COLLECTIONS.changeTargets) : null;
}

function changeDoc(change: LinkChange): Doc {
  return { ...change, targetKey: targetKey(change.target) };
}





const toChange = (doc: Doc): LinkChange => readRow(changeRow(), 'CloudBase linkChanges', doc);

/** The `channelHealthLog` document of one change of a channel's health: one per channel and check. */
export function healthLogDocId(f: Pick<ChannelHealth, 'centerCode' | 'channel' | 'checkedAt'>): string {
  return `${f.centerCode}:${f.channel}:${f.checkedAt.getTime()}`;
}

/** The `channelHealth` document of a center's link or endpoint. */
export function healthDocId(centerCode: string, channel: HealthChannel): string {
  return `${centerCode}:${channel}`;
}


const toHealth = (doc: Doc): ChannelHealth => readRow(healthRow(), 'CloudBase channelHealth', doc);


export const toRun = (doc: Doc): ConformanceRun => readRow(runRow(), 'CloudBase conformanceRuns', doc);

const toReceivedCallback = (doc: Doc): ReceivedCallback => readRow(receivedCallbackRow(), 'CloudBase conformanceCallbacks', doc);
