import { randomBytes } from 'node:crypto';
import {
  CHANGE_NOTICE_WORKING_DAYS,
  CHANGE_STATUS_LABELS,
  CONFORMANCE_LABELS,
  INVITE_FAILURES_PER_DAY,
  withoutHealth,
  type ChangeTarget,
  type ChangeView,
  type ConformanceRunView,
  type ConformanceStatus,
  type EndpointProposalAnswer,
  type EndpointValue,
  type HealthView,
  type LinkValue,
  type PortalOverview,
  type PreviousValue,
  describeValue,
  targetValue,
} from '../../../src/core/center-portal';
import { handCode, HAND_CODE_LENGTH } from '../../../src/core/codes';
import { AppError } from '../../../src/core/errors';
import { isItemId, itemById, ONLINE_ITEM_IDS, type ItemId } from '../../../src/core/items';
import { formatShanghai, shanghaiDate, shanghaiDay } from '../../../src/core/time';
import type { WorkingDate } from '../../../src/core/working-days';
import { checkVerificationFiles } from '../centers/business-domains';
import { startConformanceRun } from '../centers/conformance-runs';
import { nextHealth, probeLinks, UNHEALTHY_AFTER_FAILURES, type ProbeTarget } from '../centers/probe';
import { urlRefusal } from '../centers/url-rules';
import { seal, sealedAs } from '../crypto/personal-data';
import { newSecret } from '../delivery/signing';
import { requireStaffCenter, type Caller, type ServiceContext } from '../runtime/define';
import type { ChannelHealth, ConformanceRun, HealthChannel, LinkChange } from '../store/port';
import { centersByCode } from './centers';
import { peopleLabels } from './roles';
import { secretsState, servingSealed } from './secrets';
import { centerSubject, maskedInvite } from './audit-names';
import { calendarOf } from './calendar';
import { recompute } from './calendar-admin';
import { removeOldAttempts, removeStaleVerifications } from './identity';
import { remindMonthly } from '../supervision/monthly';
import { TRIAL_OVER, trialCorrection } from '../trial/link-corrections';
import { centerOnlineReasons } from '../supervision/online-completion';
import { openLateTestFindings, openRefusedTestFindings } from '../trial/test-applications';
import { removeStaleUploads } from '../applications/attachments';
import { removeExpiredDownloads } from '../files/downloads';
import { removeOldAttachmentFetches } from './attachment-downloads';
import { carryOutDeletions } from './privacy';

/**
 * Centers register their links and delivery endpoint (issue 6): staff propose changes as work orders with an
 * effective date at least 10 working days ahead, supervisors review them (admin.ts), and the daily run
 * switches the approved ones on their date and checks the health of everything live.
 */

/** Who the daily run is in the audit log. */
export const DAILY_ACTOR = 'centers-daily';

/**
 * The earliest effective date of a change submitted on `submittedOn` (a China date): 10 working days after
 * it on the official calendar, make-up working weekends included, the day itself not counted.
 */
export function earliestEffectiveDate(ctx: Pick<ServiceContext, 'store'>, submittedOn: string): Promise<WorkingDate> {
  return calendarOf(ctx.store).addWorkingDays(submittedOn, CHANGE_NOTICE_WORKING_DAYS);
}

/** Refuses a date before the earliest allowed for a change submitted now, naming that date (and saying when it is an estimate). */
async function checkEffectiveDate(ctx: ServiceContext, effectiveDate: string): Promise<void> {
  const { date: earliest, provisional } = await earliestEffectiveDate(ctx, shanghaiDate(ctx.now));
  if (effectiveDate < earliest) {
    const estimate = provisional ? '；该年国务院节假日安排尚未载入，此日期按周末估算' : '';
    const message = `生效日期最早为 ${earliest}：变更须提前 ${CHANGE_NOTICE_WORKING_DAYS} 个工作日提交（按国家法定节假日和调休安排计算${estimate}）`;
    throw new AppError('EFFECTIVE_DATE_TOO_EARLY', message, { effectiveDate: message });
  }
}

/**
 * Why a center's address may not be registered or used, by the URL rules, or undefined: at proposal, at review and
 * at the switch alike, it must resolve, to public addresses only (the local host resolves DEV_HOSTS' names itself).
 */
export function addressRefusal(ctx: ServiceContext, url: string): Promise<string | undefined> {
  const checks = ctx.outside.urlChecks;
  return urlRefusal(url, { lookup: checks?.lookup, allow: checks?.allow });
}

/** The address as it will be called (WHATWG-normalised), or UNSAFE_URL with the reason, naming the field. */
export async function checkedAddress(ctx: ServiceContext, url: string, label: string): Promise<string> {
  const refusal = await addressRefusal(ctx, url);
  if (refusal) throw new AppError('UNSAFE_URL', `${label}不可用：${refusal}`, { url: refusal });
  return new URL(url).href;
}

/** The address a change would call, if it is a web link or an API endpoint. */
export function addressOf(target: ChangeTarget): string | undefined {
  if (target.kind === 'link') return target.link.kind === 'web' ? target.link.url : undefined;
  return target.kind === 'endpoint' && target.endpoint.kind === 'api' ? target.endpoint.url : undefined;
}

/** 事项 1 缴存贷款信息查询, the endpoint, or the service hall. */
export function targetLabel(target: { kind: 'link'; item: ItemId } | { kind: 'endpoint' | 'hall' }): string {
  if (target.kind === 'link') return `事项 ${target.item} ${itemById(target.item)?.short ?? ''}`;
  return target.kind === 'endpoint' ? '接收推送的接口' : '服务大厅地址和办公时间';
}

/** Work orders as the center and supervisors see them, with their centers' names and people named (peopleLabels). */
export async function changeViews(ctx: ServiceContext, changes: readonly LinkChange[], viewer: Caller): Promise<ChangeView[]> {
  const [centers, people] = await Promise.all([
    centersByCode(ctx, changes.map((c) => c.centerCode)),
    peopleLabels(ctx, viewer, changes.flatMap((c) => (c.reviewedBy === null ? [c.proposedBy] : [c.proposedBy, c.reviewedBy]))),
  ]);
  return changes.map((c) => ({
    id: c.id,
    centerCode: c.centerCode,
    centerName: centers.get(c.centerCode)?.name ?? c.centerCode,
    target: c.target,
    targetLabel: targetLabel(c.target),
    effectiveDate: c.effectiveDate,
    status: c.status,
    statusLabel: CHANGE_STATUS_LABELS[c.status],
    // a supervisor proposes (and approves) an immediate order; staff propose the others; only supervisors review
    proposedBy: people.acting(c.proposedBy, c.immediate ? 'supervisor' : 'center-staff'),
    proposedAt: c.proposedAt.toISOString(),
    reviewedBy: c.reviewedBy === null ? null : people.acting(c.reviewedBy, 'supervisor'),
    reviewedAt: c.reviewedAt?.toISOString() ?? null,
    reason: c.reason,
    appliedAt: c.appliedAt?.toISOString() ?? null,
    previous: c.previous,
    immediate: c.immediate === true,
    held: c.heldReason !== null && c.heldAt !== null ? { reason: c.heldReason, at: c.heldAt.toISOString() } : null,
  }));
}

/**
 * What is live now for each work order's target at its center (the item's link or route, the endpoint, the service
 * hall), in their order: one listing read per kind of target among them, however many orders and centers.
 */
export async function liveValues(ctx: ServiceContext, changes: readonly LinkChange[]): Promise<PreviousValue[]> {
  const kinds = new Set(changes.map((c) => c.target.kind));
  const [links, endpoints, centers] = await Promise.all([
    kinds.has('link') ? ctx.store.links.listAll() : [],
    kinds.has('endpoint') ? ctx.store.endpoints.list() : [],
    kinds.has('hall') ? ctx.store.centers.list() : [],
  ]);
  const linkOf = new Map(links.map(({ centerCode, link }) => [`${centerCode}:${link.item}`, link]));
  const endpointOf = new Map(endpoints.map((e) => [e.centerCode, e]));
  const counterOf = new Map(centers.map((c) => [c.code, c.counter]));
  return changes.map(({ centerCode, target }): PreviousValue => {
    if (target.kind === 'link') {
      const link = linkOf.get(`${centerCode}:${target.item}`);
      return link ? withoutHealth(link) : null;
    }
    if (target.kind === 'hall') {
      const counter = counterOf.get(centerCode);
      return counter ? { kind: 'hall', ...counter } : null;
    }
    const endpoint = endpointOf.get(centerCode);
    if (!endpoint) return null;
    return endpoint.mode === 'api' && endpoint.url !== null ? { kind: 'api', url: endpoint.url } : { kind: 'manual' };
  });
}

export function healthView(h: ChannelHealth): HealthView {
  return { url: h.url, healthy: h.healthy, consecutiveFailures: h.consecutiveFailures, checkedAt: h.checkedAt.toISOString(), status: h.status, title: h.title, error: h.error };
}

export const linkChannel = (item: ItemId): HealthChannel => `link:${item}`;

/** 事项 1 缴存贷款信息查询 or the endpoint, for a health finding. */
export function channelLabel(channel: HealthChannel): string {
  const item = Number(channel.slice('link:'.length));
  return isItemId(item) ? targetLabel({ kind: 'link', item }) : targetLabel({ kind: 'endpoint' });
}

/** A fresh invite code, read out and typed by hand. */
export const newInviteCode = (): string => handCode(randomBytes(HAND_CODE_LENGTH));

/**
 * A person joins a center's staff with a supervisor's invite: single use, within its 7 days, one center per
 * person. Unknown, used and expired codes are answered alike; every try is counted: after INVITE_FAILURES_PER_DAY
 * of them in a China day, joining is refused until the next, so codes cannot be guessed.
 */
export async function joinCenter(ctx: ServiceContext, caller: Caller, code: string): Promise<{ centerCode: string; centerName: string }> {
  const { start, end } = shanghaiDay(ctx.now);
  // the try is counted before the code is looked at, in one step with the check: parallel guesses cannot all
  // pass a check made before any of them was recorded
  if (!(await ctx.store.attempts.recordIfUnder(`invite:${caller.openid}`, start, INVITE_FAILURES_PER_DAY, ctx.now, caller.openid))) {
    throw new AppError('TOO_MANY_ATTEMPTS', `今日已输入邀请码 ${INVITE_FAILURES_PER_DAY} 次，已达上限，请于 ${formatShanghai(end)} 后再试`, { code: '邀请码输入次数过多' });
  }
  const outcome = await ctx.store.staffInvites.redeem(code, caller.openid, ctx.now);
  const field = (message: string) => ({ code: message });
  switch (outcome.kind) {
    case 'unknown':
    case 'used':
    case 'expired':
      throw new AppError('INVITE_NOT_FOUND', '邀请码无效或已过期，请向监管部门重新索取', field('邀请码无效或已过期'));
    case 'already-staff': {
      const name = (await centersByCode(ctx, [outcome.centerCode])).get(outcome.centerCode)?.name ?? outcome.centerCode;
      throw new AppError('ALREADY_STAFF', `您已是${name}的工作人员，一人只能为一个中心工作；如需调整，请联系监管人员。邀请码未使用。`, field('您已是中心工作人员'));
    }
    case 'joined': {
      await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'staff.join', subject: centerSubject(outcome.centerCode), detail: `邀请码 ${maskedInvite(code)}` });
      const name = (await centersByCode(ctx, [outcome.centerCode])).get(outcome.centerCode)?.name ?? outcome.centerCode;
      return { centerCode: outcome.centerCode, centerName: name };
    }
  }
}

/** A new work order of the caller's, pending. */
export function newChange(ctx: ServiceContext, caller: Caller, centerCode: string, target: ChangeTarget, effectiveDate: string): LinkChange {
  return {
    id: `chg${randomBytes(10).toString('hex')}`,
    centerCode,
    target,
    effectiveDate,
    status: 'pending',
    proposedBy: caller.openid,
    proposedAt: ctx.now,
    reviewedBy: null,
    reviewedAt: null,
    reason: null,
    appliedAt: null,
    previous: null,
    heldReason: null,
    heldAt: null,
  };
}

async function proposeChange(
  ctx: ServiceContext,
  caller: Caller,
  centerCode: string,
  target: ChangeTarget,
  effectiveDate: string,
  trialFindingId?: string,
): Promise<ChangeView> {
  const change: LinkChange = { ...newChange(ctx, caller, centerCode, target, effectiveDate), ...(trialFindingId === undefined ? {} : { trialFindingId }) };
  await ctx.store.linkChanges.create(change);
  await ctx.store.audit.append({
    at: ctx.now,
    actor: caller.openid,
    action: trialFindingId === undefined ? 'change.propose' : 'change.propose-trial-correction',
    subject: centerSubject(centerCode),
    detail: `${change.id} ${targetLabel(target)}：${describeValue(targetValue(target))}，${trialFindingId === undefined ? `生效日期 ${effectiveDate}` : `试用问题 ${trialFindingId} 的更正，审核通过即生效`}`,
  });
  const [view] = await changeViews(ctx, [change], caller);
  return view;
}

/**
 * Staff propose an item's link: an https H5 page (checked by the URL rules, stored as it will be called) or a
 * mini-program page. Naming an open trial finding of that link while the center's province is not launched, it
 * is a trial correction (trial/link-corrections.ts): no notice, live as soon as a supervisor approves it.
 */
export async function proposeLink(ctx: ServiceContext, caller: Caller, item: ItemId, link: LinkValue, effectiveDate: string | undefined, findingId?: string): Promise<ChangeView> {
  const centerCode = requireStaffCenter(caller, '登记办理链接');
  const trial = findingId === undefined ? undefined : await trialCorrection(ctx, centerCode, item, findingId);
  const date = trial ? shanghaiDate(ctx.now) : effectiveDate;
  if (date === undefined) throw new AppError('VALIDATION_FAILED', TRIAL_OVER, { effectiveDate: TRIAL_OVER });
  if (!trial) await checkEffectiveDate(ctx, date);
  const value: LinkValue = link.kind === 'web' ? { kind: 'web', url: await checkedAddress(ctx, link.url, '链接地址') } : link;
  return proposeChange(ctx, caller, centerCode, { kind: 'link', item, link: value }, date, trial?.id);
}

/**
 * Staff propose where deliveries go: their API endpoint, or the workbench. Without a date, the earliest allowed.
 * An API endpoint needs a signing secret to go live: a center without one gets its first with the proposal,
 * answered this once beside the work order.
 */
export async function proposeEndpoint(ctx: ServiceContext, caller: Caller, endpoint: EndpointValue, effectiveDate: string | undefined): Promise<EndpointProposalAnswer> {
  const centerCode = requireStaffCenter(caller, '登记接口地址');
  const date = effectiveDate ?? (await earliestEffectiveDate(ctx, shanghaiDate(ctx.now))).date;
  await checkEffectiveDate(ctx, date);
  const value: EndpointValue = endpoint.kind === 'api' ? { kind: 'api', url: await checkedAddress(ctx, endpoint.url, '接口地址') } : endpoint;
  const change = await proposeChange(ctx, caller, centerCode, { kind: 'endpoint', endpoint: value }, date);
  if (value.kind === 'manual' || !(await lacksSecret(ctx, centerCode))) return { change };
  return { change, secret: (await issueSecret(ctx, caller, centerCode)).secret };
}

/** A new signing secret put first for the center (the one before it stays valid), logged; the secret in clear, to be shown once. */
async function issueSecret(ctx: ServiceContext, caller: Caller, centerCode: string): Promise<{ secret: string; valid: number }> {
  const secret = newSecret();
  // who sees it is recorded: should their role be revoked, the secret retires (services/secrets.ts)
  const valid = await ctx.store.endpoints.rotateSecret(centerCode, seal(ctx.outside.keyring(), sealedAs.endpointSecret(centerCode), secret), ctx.now, caller.openid);
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'secret.rotate', subject: centerSubject(centerCode), detail: `有效密钥 ${valid} 个` });
  return { secret, valid };
}

/**
 * A new signing secret for the center, shown this once: it signs from now on beside the one before it (both
 * are valid until the next rotation, which drops the older), so the center can switch without a gap.
 */
export async function rotateSecret(ctx: ServiceContext, caller: Caller): Promise<{ secret: string; valid: number }> {
  return issueSecret(ctx, caller, requireStaffCenter(caller, '更换签名密钥'));
}

/** Why an API endpoint may not go live: deliveries would go out unsigned, and fail, until the center has a secret. */
export const SECRET_MISSING = '尚未生成签名密钥，请中心先在门户生成密钥';

/** Whether the center has no signing secret (an API endpoint of it may not go live). */
export async function lacksSecret(ctx: ServiceContext, centerCode: string): Promise<boolean> {
  return !(await ctx.store.endpoints.get(centerCode))?.secretsSealed.length;
}

/** Whether a change would put live an API endpoint its center has no secret to sign deliveries for. */
export async function unsignedEndpoint(ctx: ServiceContext, change: LinkChange): Promise<boolean> {
  return change.target.kind === 'endpoint' && change.target.endpoint.kind === 'api' && (await lacksSecret(ctx, change.centerCode));
}

function conformanceOf(run: ConformanceRun | undefined): PortalOverview['conformance'] {
  const status: ConformanceStatus = !run ? 'none' : run.report?.passed ? 'passed' : 'started';
  const at = run?.report?.passed ? run.report.finishedAt : (run?.startedAt.toISOString() ?? null);
  return { status, label: CONFORMANCE_LABELS[status], at, runId: run?.id ?? null };
}

/** The staff's own center: its links and endpoint with their health, the secrets' state, its work orders, its interface testing. */
export async function overview(ctx: ServiceContext, caller: Caller): Promise<PortalOverview> {
  const centerCode = requireStaffCenter(caller, '查看本中心的登记情况');
  const [center, links, endpoint, health, changes, audit, run] = await Promise.all([
    ctx.store.centers.get(centerCode),
    ctx.store.links.listForCenter(centerCode),
    ctx.store.endpoints.get(centerCode),
    ctx.store.health.listForCenter(centerCode),
    ctx.store.linkChanges.listForCenter(centerCode),
    ctx.store.audit.listFor(centerSubject(centerCode)),
    ctx.store.conformanceRuns.latest(centerCode),
  ]);
  if (!center) throw new AppError('CENTER_NOT_FOUND', `未找到代码为 ${centerCode} 的住房公积金管理中心`);
  const healthOf = (channel: HealthChannel, url: string | null) => {
    const found = health.find((h) => h.channel === channel && h.url === url);
    return found ? healthView(found) : null;
  };
  const itemLinks = ONLINE_ITEM_IDS.map((item) => {
    const link = links.find((l) => l.item === item);
    return {
      item,
      itemName: itemById(item)?.name ?? String(item),
      link: link ? withoutHealth(link) : null,
      healthy: link && (link.kind === 'web' || link.kind === 'miniprogram') ? link.healthy : null,
      health: link?.kind === 'web' ? healthOf(linkChannel(item), link.url) : null,
    };
  });
  const rotations = audit.filter((e) => e.action === 'secret.rotate');
  const earliest = await earliestEffectiveDate(ctx, shanghaiDate(ctx.now));
  const mode = endpoint?.mode === 'api' && endpoint.url !== null ? 'api' : endpoint ? 'manual' : 'none';
  return {
    center: { code: center.code, name: center.name, phone: center.phone },
    links: itemLinks,
    endpoint: { mode, url: mode === 'api' ? (endpoint?.url ?? null) : null, health: mode === 'api' ? healthOf('endpoint', endpoint?.url ?? null) : null },
    secrets: { ...(await secretsState(ctx.store, endpoint, ctx.now)), rotatedAt: rotations.at(-1)?.at.toISOString() ?? null },
    changes: await changeViews(ctx, changes, caller),
    earliestEffectiveDate: earliest.date,
    earliestProvisional: earliest.provisional,
    conformance: conformanceOf(run),
    onlineReasons: await centerOnlineReasons(ctx, center, links),
  };
}

/**
 * The address interface testing runs against: the endpoint the center is moving to (its newest pending or
 * approved API change), so it can test before the switch; else its live API endpoint.
 */
async function conformanceAddress(ctx: ServiceContext, centerCode: string, live: string | null): Promise<string | undefined> {
  const upcoming = (await ctx.store.linkChanges.listForCenter(centerCode)).find(
    (c) => (c.status === 'pending' || c.status === 'approved') && c.target.kind === 'endpoint' && c.target.endpoint.kind === 'api',
  );
  return (upcoming && addressOf(upcoming.target)) ?? live ?? undefined;
}

/**
 * Staff start the conformance suite against their center's endpoint, signed with each secret valid now in turn;
 * it goes on in the background (centers/conformance-runs.ts) and the page polls it. The center's callbacks come
 * back to the platform's own callback endpoint (callbacks.ts records those of test applications).
 */
export async function runCenterConformance(ctx: ServiceContext, caller: Caller): Promise<ConformanceRunView> {
  const centerCode = requireStaffCenter(caller, '进行接口测试');
  const endpoint = await ctx.store.endpoints.get(centerCode);
  // signed with every secret that signs or verifies now (a retired one signs nothing), the one that signs first first
  const secretsSealed = endpoint ? await servingSealed(ctx.store, endpoint, ctx.now) : [];
  if (secretsSealed.length === 0) throw new AppError('ENDPOINT_NOT_SET', '请先生成签名密钥并配置到中心的接口，再进行接口测试');
  const url = await conformanceAddress(ctx, centerCode, endpoint?.mode === 'api' ? endpoint.url : null);
  if (url === undefined) throw new AppError('ENDPOINT_NOT_SET', '请先登记接收推送的接口地址，再进行接口测试');
  await checkedAddress(ctx, url, '接口地址');
  return startConformanceRun(ctx, caller, { centerCode, url, secretsSealed });
}

// ---------------------------------------------------------------------------------------------------------
// the daily run

export interface SwitchOutcome {
  switched: string[];
  held: { id: string; reason: string }[];
}

/** Why a due change may not be switched now, or undefined: its address fails the URL rules, or it is an API endpoint of a center without a signing secret. */
async function switchRefusal(ctx: ServiceContext, change: LinkChange): Promise<string | undefined> {
  const address = addressOf(change.target);
  const refusal = address === undefined ? undefined : await addressRefusal(ctx, address);
  if (refusal) return `${targetLabel(change.target)}地址不可用：${refusal}`;
  return (await unsignedEndpoint(ctx, change)) ? `${targetLabel(change.target)}暂不能启用：${SECRET_MISSING}` : undefined;
}

/**
 * Every approved change whose effective date has come (China) goes live, the link or endpoint replaced and
 * the change recording what it replaced. An address is checked again first, and an API endpoint needs a
 * signing secret of the center: a change failing either is not switched (the old one stays live) but held
 * with the reason, for supervisors, and tried again next day.
 */
export async function switchDueChanges(ctx: ServiceContext): Promise<SwitchOutcome> {
  const today = shanghaiDate(ctx.now);
  const due = (await ctx.store.linkChanges.listByStatus('approved')).filter((c) => c.effectiveDate <= today);
  const outcome: SwitchOutcome = { switched: [], held: [] };
  for (const change of due) {
    const subject = centerSubject(change.centerCode);
    const reason = await switchRefusal(ctx, change);
    if (reason) {
      if ((await ctx.store.linkChanges.hold(change.id, reason, ctx.now)) && change.heldReason !== reason) {
        await ctx.store.audit.append({ at: ctx.now, actor: DAILY_ACTOR, action: 'change.hold', subject, detail: `${change.id} ${reason}` });
      }
      outcome.held.push({ id: change.id, reason });
      continue;
    }
    const applied = await ctx.store.linkChanges.apply(change.id, ctx.now);
    if (!applied) continue; // switched or superseded in the meantime
    await ctx.store.audit.append({
      at: ctx.now,
      actor: DAILY_ACTOR,
      action: 'change.live',
      subject,
      detail: `${change.id} ${targetLabel(change.target)}：${describeValue(applied.previous)} → ${describeValue(targetValue(change.target))}（提交 ${change.proposedBy}，审核 ${change.reviewedBy ?? ''}）`,
    });
    outcome.switched.push(change.id);
  }
  return outcome;
}

export interface HealthOutcome {
  probed: number;
  unhealthy: number;
  /** Live links and endpoints left for the next day's run, which starts with them, when this one ran out of time. */
  deferred: number;
}

/** Findings recorded together as probes end, so a run that dies keeps what it found. */
export const HEALTH_BATCH_SIZE = 50;
/**
 * No batch of probes starts once the run is this old: a batch of 50, 16 at a time, ends within 4 probe
 * timeouts (40 s), so the run ends cleanly within the function's 900 s.
 */
export const PROBE_START_BUDGET_MS = 780_000;

export interface DailyOptions {
  /** HEALTH_BATCH_SIZE unless given. */
  batchSize?: number;
  /** PROBE_START_BUDGET_MS unless given, counted from the start of the run. */
  probeStartBudgetMs?: number;
}

/**
 * Probes every live web link and API endpoint (probeLinks: URL rules, valid TLS, an answer within 10 s; a page
 * must answer 2xx or 3xx, an endpoint anything), and records each finding: a link failing twice in a row is
 * unhealthy (the directory falls back), one success heals it. Changes of health go to the audit log. Those
 * checked longest ago go first, `batchSize` at a time, each batch recorded as it ends; no batch starts after
 * `probeUntil` (a performance.now() instant), the rest waiting for the next day's run.
 */
async function checkHealth(ctx: ServiceContext, probeUntil: number, batchSize: number): Promise<HealthOutcome> {
  const [links, endpoints, before] = await Promise.all([ctx.store.links.listAll(), ctx.store.endpoints.list(), ctx.store.health.list()]);
  const previous = new Map(before.map((h) => [`${h.centerCode}:${h.channel}`, h]));
  const channels = new Map<string, { centerCode: string; channel: HealthChannel; url: string; healthyNow: boolean }>();
  const targets: ProbeTarget[] = [];
  for (const { centerCode, link } of links) {
    if (link.kind !== 'web') continue;
    const id = `${centerCode}:${linkChannel(link.item)}`;
    channels.set(id, { centerCode, channel: linkChannel(link.item), url: link.url, healthyNow: link.healthy });
    targets.push({ id, url: link.url });
  }
  for (const e of endpoints) {
    if (e.mode !== 'api' || e.url === null) continue;
    const id = `${e.centerCode}:endpoint`;
    channels.set(id, { centerCode: e.centerCode, channel: 'endpoint', url: e.url, healthyNow: previous.get(id)?.healthy ?? true });
    targets.push({ id, url: e.url, endpoint: true });
  }
  // never checked first, then the longest ago: what a run cut short left out goes first the next day
  const lastChecked = (t: ProbeTarget) => previous.get(t.id)?.checkedAt.getTime() ?? -Infinity;
  targets.sort((a, b) => lastChecked(a) - lastChecked(b));
  const checks = ctx.outside.urlChecks;
  const outcome: HealthOutcome = { probed: 0, unhealthy: 0, deferred: 0 };
  for (let from = 0; from < targets.length; from += batchSize) {
    if (performance.now() >= probeUntil) {
      outcome.deferred = targets.length - from;
      break;
    }
    const results = await probeLinks(targets.slice(from, from + batchSize), { lookup: checks?.lookup, allow: checks?.allow, allowCa: checks?.allowCa, hosts: checks?.hosts });
    const findings: ChannelHealth[] = results.map((r) => {
      const { centerCode, channel, url, healthyNow } = channels.get(r.id) ?? unknownTarget(r.id);
      const last = previous.get(r.id);
      // failures count for the address checked; one marked unhealthy without a finding (seeded) stays so until a success
      const failuresSoFar = last && last.url === url ? last.consecutiveFailures : healthyNow ? 0 : UNHEALTHY_AFTER_FAILURES;
      const health = nextHealth({ consecutiveFailures: failuresSoFar }, r);
      return { centerCode, channel, url, ...health, checkedAt: ctx.now, status: r.status, title: r.title, error: r.error };
    });
    await ctx.store.health.record(findings);
    for (const f of findings) {
      const was = channels.get(`${f.centerCode}:${f.channel}`)?.healthyNow;
      if (was === f.healthy) continue;
      await ctx.store.audit.append({
        at: ctx.now,
        actor: DAILY_ACTOR,
        action: f.healthy ? 'health.recovered' : 'health.unhealthy',
        subject: centerSubject(f.centerCode),
        detail: `${channelLabel(f.channel)} ${f.url}${f.error ? `：${f.error}` : ''}`,
      });
    }
    outcome.probed += findings.length;
    outcome.unhealthy += findings.filter((f) => !f.healthy).length;
  }
  return outcome;
}

function unknownTarget(id: string): never {
  throw new Error(`probe result for unknown target ${id}`);
}

/**
 * The daily run: bring open time limits in line with the official calendar (a year loaded or replaced, one a
 * chinese-days upgrade added, a recompute cut short: see calendar-admin.ts recompute), so a change's date is
 * moved before it is switched; switch what is due, then check the health of what is live, as far as its time allows.
 */
export async function runCentersDaily(ctx: ServiceContext, options: DailyOptions = {}): Promise<SwitchOutcome & HealthOutcome> {
  const startedAt = performance.now();
  const probeUntil = startedAt + (options.probeStartBudgetMs ?? PROBE_START_BUDGET_MS);
  try {
    // at most a third of the run, so the switches and the health checks always get theirs; what is left waits a night
    const { remaining } = await recompute(ctx, startedAt + (options.probeStartBudgetMs ?? PROBE_START_BUDGET_MS) / 3);
    if (remaining > 0) ctx.log.warn({ remaining }, 'calendar recompute left applications for the next run');
  } catch (error) {
    // a failed recompute must not stop the day's switches and health checks; the next run tries again
    ctx.log.error({ err: error }, 'calendar recompute failed');
  }
  const switched = await switchDueChanges(ctx);
  await removeStaleVerifications(ctx);
  try {
    const removed = await removeOldAttempts(ctx);
    if (removed > 0) ctx.log.info({ removed }, 'attempts past the longest limit window removed');
  } catch (error) {
    // the next run removes what this one could not
    ctx.log.error({ err: error }, 'removal of old attempts failed');
  }
  try {
    const { reminded } = await remindMonthly(ctx);
    if (reminded > 0) ctx.log.info({ reminded }, 'centers reminded to fill the monthly figures');
  } catch (error) {
    // like the recompute: the switches and health checks still run; the next run reminds whom this one missed
    ctx.log.error({ err: error }, 'monthly reminders failed');
  }
  try {
    const opened = await openLateTestFindings(ctx);
    if (opened > 0) ctx.log.info({ opened }, 'findings opened for test applications not accepted in time');
    const refused = await openRefusedTestFindings(ctx);
    if (refused > 0) ctx.log.info({ refused }, 'findings opened for test applications the centers refused');
  } catch (error) {
    // like the reminders: the next run opens what this one missed (each once)
    ctx.log.error({ err: error }, 'findings of late or refused test applications failed');
  }
  try {
    const { removed, failed } = await removeStaleUploads(ctx);
    if (removed > 0 || failed > 0) ctx.log.info({ removed, failed }, 'uploads never submitted removed');
  } catch (error) {
    // the listing failed: the next run sweeps what this one could not
    ctx.log.error({ err: error }, 'sweep of uploads never submitted failed');
  }
  try {
    const { removed, failed } = await removeExpiredDownloads(ctx);
    if (removed > 0 || failed > 0) ctx.log.info({ removed, failed }, 'opened copies of expired download links removed');
  } catch (error) {
    // as for the uploads: the next run sweeps what this one could not
    ctx.log.error({ err: error }, 'sweep of expired downloads failed');
  }
  try {
    const removed = await removeOldAttachmentFetches(ctx);
    if (removed > 0) ctx.log.info({ removed }, 'attachment fetch records past their keeping removed');
  } catch (error) {
    // the next run removes what this one could not
    ctx.log.error({ err: error }, 'removal of old attachment fetch records failed');
  }
  try {
    const { erased, waiting, failed } = await carryOutDeletions(ctx);
    if (failed > 0) ctx.log.error({ erased, waiting, failed }, 'account deletions failed: tried again by the next run');
    else if (erased > 0 || waiting > 0) ctx.log.info({ erased, waiting }, 'account deletions carried out after their period');
  } catch (error) {
    // a deletion not finished stays recorded: the next run carries it out
    ctx.log.error({ err: error }, 'account deletions failed');
  }
  try {
    const { checked, placed } = await checkVerificationFiles(ctx);
    if (checked > 0) ctx.log.info({ checked, placed: placed.length }, 'business domains’ verification files checked');
  } catch (error) {
    // the switches and health checks still run; the next run checks the files again
    ctx.log.error({ err: error }, 'check of business domains’ verification files failed');
  }
  return { ...switched, ...(await checkHealth(ctx, probeUntil, options.batchSize ?? HEALTH_BATCH_SIZE)) };
}
