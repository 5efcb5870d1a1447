import { AppError } from '../../../src/core/errors';
import { seal, sealedAs } from '../crypto/personal-data';
import { requireSupervisor, type Caller, type ServiceContext } from '../runtime/define';
import type { ChannelHealth, HealthChannel, LinkChange } from '../store/port';
import type { SERVICE_REQUEST_ITEMS } from '../../../src/core/applications/payloads';
import type { DeadLetterView, SatisfactionView } from '../../../src/core/applications/views';
import { CHANGE_STATUS_LABELS, INVITE_VALID_DAYS, type ChangeTarget, type ChangeView, type UnhealthyView } from '../../../src/core/center-portal';
import type { CenterCounter, ItemRoute } from '../../../src/core/centers';
import { withDomains } from '../centers/business-domains';
import { centersByCode } from './centers';
import {
  addressOf,
  addressRefusal,
  changeViews,
  channelLabel,
  checkedAddress,
  healthView,
  lacksSecret,
  linkChannel,
  liveValues,
  newChange,
  newInviteCode,
  SECRET_MISSING,
  earliestEffectiveDate,
  targetLabel,
  unsignedEndpoint,
} from './portal';
import { centerSubject, maskedInvite } from './audit-names';
import { correctionLive, launchedBeforeReview, launchedFor } from '../trial/link-corrections';
import { shanghaiDate } from '../../../src/core/time';
import { describeValue, targetValue, withoutHealth } from '../../../src/core/center-portal';

/** The items a center may route to an in-app request or its service hall. */
type RoutedItem = (typeof SERVICE_REQUEST_ITEMS)[number];

async function knownCenter(ctx: ServiceContext, centerCode: string): Promise<void> {
  if (!(await ctx.store.centers.get(centerCode))) throw new AppError('CENTER_NOT_FOUND', '没有找到这个中心', { centerCode: '没有找到这个中心' });
}

/**
 * A supervisor's change made at once, as a work order in the center's one history (portal and centerHistory): proposed
 * and approved by them, effective today, switched now with what it replaced, in one store step (with `secretsSealed`,
 * an endpoint's secrets replaced in the same write), then audited under `action` (old -> new). Like an approval, it
 * supersedes an approved order of the same target still waiting for its date. `note` says what went with it (a secret
 * replaced: never the secret itself).
 */
async function changeNow(
  ctx: ServiceContext,
  caller: Caller,
  centerCode: string,
  target: ChangeTarget,
  action: string,
  secret?: { sealed: string[]; note: string },
): Promise<LinkChange> {
  const change: LinkChange = { ...newChange(ctx, caller, centerCode, target, shanghaiDate(ctx.now)), reason: secret?.note ?? null, immediate: true };
  const { change: applied, superseded } = await ctx.store.linkChanges.createApplied(change, secret?.sealed);
  const subject = centerSubject(centerCode);
  for (const older of superseded) {
    await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'change.supersede', subject, detail: `${older} 由 ${change.id} 取代` });
  }
  await ctx.store.audit.append({
    at: ctx.now,
    actor: caller.openid,
    action,
    subject,
    detail: `${change.id} ${targetLabel(target)}：${describeValue(applied.previous)} → ${describeValue(targetValue(target))}${secret ? `（${secret.note}）` : ''}`,
  });
  return applied;
}

/**
 * A supervisor points a center at its API endpoint at once, as an immediate work order. The address must pass
 * the URL rules, resolving now (the local host's DEV_ALLOW_ENDPOINTS exempts its simulator, as for
 * proposals), and is stored as it will be called. A secret given replaces the center's secrets (sealed at
 * rest) in the same step as the address; without one the center's own stay, and it must have one: deliveries are signed.
 */
export async function setEndpoint(ctx: ServiceContext, caller: Caller, centerCode: string, url: string, secret: string | undefined): Promise<{ centerCode: string; mode: 'api'; url: string }> {
  requireSupervisor(caller);
  await knownCenter(ctx, centerCode);
  const address = await checkedAddress(ctx, url, '接口地址');
  if (secret === undefined && (await lacksSecret(ctx, centerCode))) {
    throw new AppError('SECRET_NOT_SET', `${SECRET_MISSING}，或在此提供签名密钥`, { secret: '中心尚无签名密钥，请提供' });
  }
  // the supervisor knows the secret they set: it is theirs, and retires when they lose the role (services/secrets.ts)
  const sealed = secret === undefined ? undefined : { sealed: [seal(ctx.outside.keyring(), sealedAs.endpointSecret(centerCode), secret)], note: SECRET_REPLACED };
  await changeNow(ctx, caller, centerCode, { kind: 'endpoint', endpoint: { kind: 'api', url: address } }, 'endpoint.set', sealed);
  return { centerCode, mode: 'api', url: address };
}

/** What the history says of a secret a supervisor set with the endpoint: that it was replaced, never the secret. */
const SECRET_REPLACED = '同时更换了签名密钥';

/** A supervisor sets a center to work in the portal workbench only (no API) at once, as a work order; its secrets stay, for when it returns to its API. */
export async function setManual(ctx: ServiceContext, caller: Caller, centerCode: string): Promise<{ centerCode: string; mode: 'manual' }> {
  requireSupervisor(caller);
  await knownCenter(ctx, centerCode);
  await changeNow(ctx, caller, centerCode, { kind: 'endpoint', endpoint: { kind: 'manual' } }, 'endpoint.manual');
  return { centerCode, mode: 'manual' };
}

/**
 * A supervisor records a center's service hall (服务大厅) at once, as a work order: its address and opening hours,
 * shown to people wherever the counter is their way.
 */
export async function setCounter(ctx: ServiceContext, caller: Caller, centerCode: string, counter: CenterCounter): Promise<{ centerCode: string; counter: CenterCounter }> {
  requireSupervisor(caller);
  await knownCenter(ctx, centerCode);
  await changeNow(ctx, caller, centerCode, { kind: 'hall', hall: { kind: 'hall', address: counter.address, hours: counter.hours } }, 'counter.set');
  return { centerCode, counter };
}

/**
 * A supervisor declares at once, as a work order, how a center takes an item it does not yet offer fully online: an
 * in-app request its staff take up, or its service hall only. This replaces the center's link for the item, if any.
 */
export async function setItemRoute(ctx: ServiceContext, caller: Caller, centerCode: string, item: RoutedItem, route: ItemRoute): Promise<{ centerCode: string; item: RoutedItem; route: ItemRoute }> {
  requireSupervisor(caller);
  await knownCenter(ctx, centerCode);
  await changeNow(ctx, caller, centerCode, { kind: 'link', item, link: { kind: route } }, 'item-route.set');
  return { centerCode, item, route };
}

/** Deliveries the relay gave up on (410, or every retry failed), oldest first: supervisors follow them up with the center. */
export async function deadLetters(ctx: ServiceContext, caller: Caller): Promise<DeadLetterView[]> {
  requireSupervisor(caller);
  const dead = await ctx.store.outbox.listDead();
  const centers = await centersByCode(ctx, dead.map((d) => d.centerCode));
  return dead.map((d) => ({
    outboxId: d.id,
    applicationId: d.applicationId,
    centerCode: d.centerCode,
    centerName: centers.get(d.centerCode)?.name ?? d.centerCode,
    type: d.type,
    attempts: d.attempts,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
  }));
}

/** Satisfaction per rated center, for the supervisors' statistics. */
export async function satisfaction(ctx: ServiceContext, caller: Caller): Promise<SatisfactionView[]> {
  requireSupervisor(caller);
  const rows = await ctx.store.ratings.satisfaction();
  const centers = await centersByCode(ctx, rows.map((r) => r.centerCode));
  return rows.map((r) => ({
    ...r,
    centerName: centers.get(r.centerCode)?.name ?? r.centerCode,
    satisfiedPercent: Math.round(((r.byScore[4] + r.byScore[5]) / r.count) * 1000) / 10,
  }));
}

/** A supervisor invites staff to a center: a code its first user redeems in the portal, within INVITE_VALID_DAYS days. */
export async function inviteStaff(ctx: ServiceContext, caller: Caller, centerCode: string): Promise<{ code: string; centerCode: string; expiresAt: string }> {
  requireSupervisor(caller);
  await knownCenter(ctx, centerCode);
  const code = newInviteCode();
  const expiresAt = new Date(ctx.now.getTime() + INVITE_VALID_DAYS * 86_400_000);
  await ctx.store.staffInvites.create({ code, centerCode, createdBy: caller.openid, createdAt: ctx.now, expiresAt, usedBy: null, usedAt: null });
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'staff.invite', subject: centerSubject(centerCode), detail: `邀请码 ${maskedInvite(code)}，有效至 ${expiresAt.toISOString()}` });
  return { code, centerCode, expiresAt: expiresAt.toISOString() };
}

/** Centers' work orders waiting for review, oldest first, each with what is live now beside what it proposes. */
export async function pendingChanges(ctx: ServiceContext, caller: Caller): Promise<ChangeView[]> {
  requireSupervisor(caller);
  const pending = await ctx.store.linkChanges.listByStatus('pending');
  const [views, current] = await Promise.all([changeViews(ctx, pending, caller), liveValues(ctx, pending)]);
  return withDomains(ctx, views.map((view, i) => ({ ...view, current: current[i] })));
}

/**
 * A supervisor approves or rejects (with a reason) a pending work order; one they proposed themselves (serving a center
 * too) is approved by another, and may only be rejected by them. An address must pass the URL rules
 * again, resolving now, and an API endpoint needs a signing secret of the center, to be approved; a refusal
 * leaves the order pending. Approving supersedes an earlier approved order for the same link or endpoint
 * that has not gone live.
 */
export async function reviewChange(ctx: ServiceContext, caller: Caller, id: string, approve: boolean, reason: string | undefined): Promise<ChangeView> {
  requireSupervisor(caller);
  const change = await ctx.store.linkChanges.get(id);
  if (!change) throw new AppError('CHANGE_NOT_FOUND', '没有找到这张变更单', { id: '没有找到这张变更单' });
  const notPending = (status: keyof typeof CHANGE_STATUS_LABELS) => new AppError('CHANGE_NOT_PENDING', `这张变更单${CHANGE_STATUS_LABELS[status]}，不能再审核`, { id: '变更单已审核' });
  if (change.status !== 'pending') throw notPending(change.status);
  // four eyes, as for a catalog correction: a supervisor who also serves a center may propose, but another approves
  if (approve && change.proposedBy === caller.openid) throw new AppError('FORBIDDEN', '变更单须由提出人以外的另一位监管人员审核通过', { id: '请由另一位监管人员审核' });
  const address = addressOf(change.target);
  if (approve && address !== undefined) {
    const refusal = await addressRefusal(ctx, address);
    if (refusal) throw new AppError('UNSAFE_URL', `${targetLabel(change.target)}地址不可用，不能通过：${refusal}`, { id: refusal });
  }
  if (approve && (await unsignedEndpoint(ctx, change))) {
    throw new AppError('SECRET_NOT_SET', `${targetLabel(change.target)}不能通过：${SECRET_MISSING}`, { id: SECRET_MISSING });
  }
  // a trial correction (issue 15) whose province was launched after it was proposed follows the normal rule: its
  // effective date moves, while it is still pending (the daily run never switches it on the date proposed), to at
  // least 10 working days after the review
  const afterLaunch = approve && change.trialFindingId !== undefined && (await launchedFor(ctx, change.centerCode));
  if (afterLaunch) {
    const { date: earliest } = await earliestEffectiveDate(ctx, shanghaiDate(ctx.now));
    // changed meanwhile (reviewed, or its date moved by a calendar update): reviewed as it is now
    if (change.effectiveDate < earliest && !(await ctx.store.linkChanges.reschedule(id, change.effectiveDate, earliest))) return reviewChange(ctx, caller, id, approve, reason);
  }
  const outcome = await ctx.store.linkChanges.review(id, { approve, by: caller.openid, at: ctx.now, reason: reason ?? null });
  if (outcome.kind === 'unknown') throw new AppError('CHANGE_NOT_FOUND', '没有找到这张变更单', { id: '没有找到这张变更单' });
  if (outcome.kind === 'not-pending') throw notPending(outcome.status);
  const subject = centerSubject(change.centerCode);
  const what = `${targetLabel(change.target)}：${describeValue(targetValue(change.target))}`;
  await ctx.store.audit.append({
    at: ctx.now,
    actor: caller.openid,
    action: approve ? 'change.approve' : 'change.reject',
    subject,
    detail: `${id} ${what}${reason ? `；${reason}` : ''}`,
  });
  for (const older of outcome.superseded) {
    await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'change.supersede', subject, detail: `${older} 由 ${id} 取代` });
  }
  // a trial correction (issue 15) goes live now rather than on its effective date, while its province is not launched
  const applied = approve && change.trialFindingId !== undefined && !afterLaunch ? await ctx.store.linkChanges.apply(id, ctx.now) : undefined;
  if (applied?.trialFindingId !== undefined) {
    await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'change.trial-correction', subject, detail: `${id} ${targetLabel(change.target)}：${describeValue(applied.previous)} → ${describeValue(targetValue(change.target))}（试用期间更正，审核通过即生效）` });
    await correctionLive(ctx, caller, applied.trialFindingId, what);
  }
  const notice = afterLaunch ? launchedBeforeReview(outcome.change.effectiveDate) : undefined;
  if (notice) await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'change.trial-correction-launched', subject, detail: `${id} ${what}；${notice}` });
  const [view] = await changeViews(ctx, [applied ?? outcome.change], caller);
  return notice ? { ...view, notice } : view;
}

/** A center's work orders, newest first: who proposed and reviewed what, when, and what each replaced. */
export async function centerHistory(ctx: ServiceContext, caller: Caller, centerCode: string): Promise<ChangeView[]> {
  requireSupervisor(caller);
  await knownCenter(ctx, centerCode);
  return changeViews(ctx, await ctx.store.linkChanges.listForCenter(centerCode), caller);
}

/**
 * What is wrong across centers: the links and endpoints unhealthy now, and approved changes the daily run could not
 * switch. A link is listed by its own `healthy`, the same record employees' jumps read (resolveJump), with the daily
 * check's finding about its current address when there is one; an API endpoint by the finding about its current address.
 */
export async function linkHealth(ctx: ServiceContext, caller: Caller): Promise<{ unhealthy: UnhealthyView[]; held: ChangeView[] }> {
  requireSupervisor(caller);
  const [links, findings, approved, endpoints] = await Promise.all([
    ctx.store.links.listAll(),
    ctx.store.health.list(),
    ctx.store.linkChanges.listByStatus('approved'),
    ctx.store.endpoints.list(),
  ]);
  const findingOf = new Map(findings.map((h) => [`${h.centerCode}:${h.channel}`, h]));
  const down: { centerCode: string; channel: HealthChannel; url: string; finding: ChannelHealth | undefined }[] = [];
  for (const { centerCode, link } of links) {
    if ((link.kind !== 'web' && link.kind !== 'miniprogram') || link.healthy) continue;
    const url = describeValue(withoutHealth(link));
    const finding = findingOf.get(`${centerCode}:${linkChannel(link.item)}`);
    down.push({ centerCode, channel: linkChannel(link.item), url, finding: finding?.url === url ? finding : undefined });
  }
  // an endpoint by the finding about the address it calls now: a replaced address's, or a workbench center's, no longer counts
  const liveEndpoint = new Map(endpoints.flatMap((e) => (e.mode === 'api' && e.url !== null ? [[e.centerCode, e.url] as const] : [])));
  for (const finding of findings) {
    if (finding.channel === 'endpoint' && !finding.healthy && liveEndpoint.get(finding.centerCode) === finding.url) down.push({ ...finding, finding });
  }
  down.sort((a, b) => a.centerCode.localeCompare(b.centerCode) || a.channel.localeCompare(b.channel));
  const centers = await centersByCode(ctx, down.map((d) => d.centerCode));
  return {
    unhealthy: down.map((d) => ({
      centerCode: d.centerCode,
      centerName: centers.get(d.centerCode)?.name ?? d.centerCode,
      channelLabel: channelLabel(d.channel),
      url: d.url,
      health: d.finding ? healthView(d.finding) : null,
    })),
    held: await changeViews(ctx, approved.filter((c) => c.heldReason !== null), caller),
  };
}
