import * as z from 'zod';
import type { BusinessDomainState } from './business-domains';
import { CenterLinkSchema, ItemIdSchema, type CenterLink } from './centers';
import { ONLINE_ITEM_IDS, type ItemId } from './items';
import type { OnlineReasonRow } from './supervision';
import { FindingIdSchema } from './trial';
import { calendarDate, textField } from './validation';

/**
 * The center portal (issue 6): centers' staff register the links the directory jumps to and the endpoint
 * that takes forwarded applications, as work orders a supervisor reviews and a daily timer switches on
 * their effective date. The effective-date rule itself (10 working days on the official calendar) is
 * computed on the server (cloudfunctions/_lib/services/portal.ts), so the calendar stays out of the pages.
 */

/** Working days between submitting a change and the earliest day it may take effect (notice 建司局函金〔2021〕30号). */
export const CHANGE_NOTICE_WORKING_DAYS = 10;

/** Invite codes are hand codes (codes.ts), valid this long. */
export const INVITE_VALID_DAYS = 7;
/** Invite codes a person may try per China day (a wrong one, unknown, used or expired, counts) before joining is refused until the next. */
export const INVITE_FAILURES_PER_DAY = 5;

/** Interface-testing runs a center may start per China day. */
export const CONFORMANCE_RUNS_PER_DAY = 10;
/**
 * The longest a run can take: it goes on in the background (the relay's nudge and its one-minute timer resume it
 * step by step, issue 16), two passes when two secrets are valid, each waiting up to 30 s for callbacks. A run
 * started longer ago and never finished is abandoned: no longer resumed, nor holding the center's one run at a time.
 */
export const CONFORMANCE_RUN_MAX_MS = 10 * 60_000;

/** Interface-testing run ids: `run` and 20 hex digits, made by the server. */
export const CONFORMANCE_RUN_ID_PATTERN = /^run[0-9a-f]{20}$/;

/** Work-order ids: `chg` and 20 characters of [a-z0-9], made by the server. */
export const CHANGE_ID_PATTERN = /^chg[a-z0-9]{20}$/;
export const ChangeIdSchema = z.string({ error: '缺少变更单编号' }).regex(CHANGE_ID_PATTERN, '变更单编号格式不正确');

/** A channel a center registers for an item: an https H5 page, or a page of another mini-program. */
export type LinkValue = { kind: 'web'; url: string } | { kind: 'miniprogram'; appId: string; path: string };
/** Where a center takes its deliveries: its API endpoint, or the portal workbench ("manual"). */
export type EndpointValue = { kind: 'api'; url: string } | { kind: 'manual' };
/** What an item has: a channel, or (while it offers none fully online) an in-app request or its service hall. */
export type ItemChannel = LinkValue | { kind: 'in-app' } | { kind: 'counter' };
/** A center's service hall (服务大厅) as a work order sets it: its address and opening hours. */
export type HallValue = { kind: 'hall'; address: string; hours: string };
/**
 * What a work order changes, and to what. Centers propose links (web or mini-program) and endpoints; supervisors
 * also set an item's route (in-app request or service hall only) and the service hall at once (immediate orders).
 */
export type ChangeTarget = { kind: 'link'; item: ItemId; link: ItemChannel } | { kind: 'endpoint'; endpoint: EndpointValue } | { kind: 'hall'; hall: HallValue };
/** What was live before a change switched; null for nothing. */
export type PreviousValue = ItemChannel | EndpointValue | HallValue | null;

/** An item's current link or route without its health: what the center registered, as work orders record it. */
export function withoutHealth(link: CenterLink): ItemChannel {
  if (link.kind === 'web') return { kind: 'web', url: link.url };
  if (link.kind === 'miniprogram') return { kind: 'miniprogram', appId: link.appId, path: link.path };
  return { kind: link.kind };
}

/** The link a work order switches an item to: a channel starts healthy, a route has no health. */
export function switchedLink(item: ItemId, channel: ItemChannel): CenterLink {
  return channel.kind === 'web' || channel.kind === 'miniprogram' ? { item, ...channel, healthy: true } : { item, kind: channel.kind };
}

/** pending -> approved | rejected; approved -> live (switched on its date) | superseded (a later approval for the same target). */
export const CHANGE_STATUSES = ['pending', 'approved', 'rejected', 'live', 'superseded'] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];
export const CHANGE_STATUS_LABELS: Record<ChangeStatus, string> = {
  pending: '待审核',
  approved: '已通过，待生效',
  rejected: '未通过',
  live: '已生效',
  superseded: '已被后来通过的变更取代',
};

/** Per target, at most one approved change waits for its date: the key that says which target a change is for. */
export function targetKey(target: ChangeTarget): string {
  return target.kind === 'link' ? `link:${target.item}` : target.kind;
}

const { appId: AppIdSchema, path: PagePathSchema } = CenterLinkSchema.options[1].shape;
/** An address as typed: the URL rules (https, port 443, a public name) are checked by the server, which resolves it. */
const address = (label: string) =>
  textField(label, { missing: `${label}应为文字` })
    .min(1, `请填写${label}`)
    .pipe(CenterLinkSchema.options[0].shape.url);

/** Only the fully online items jump to a center's channel; the others are handled in the app. */
const onlineItem = ItemIdSchema.refine((n) => ONLINE_ITEM_IDS.includes(n), `只有全程网办事项（${ONLINE_ITEM_IDS.join('、')}）登记跳转链接，其他事项在小程序内办理`);

/** The link a checked proposal names (the refinement saw to it that exactly one kind is complete). */
function linkOf(e: { url?: string; appId?: string; path?: string }): LinkValue {
  if (e.url !== undefined) return { kind: 'web', url: e.url };
  return { kind: 'miniprogram', appId: e.appId ?? '', path: e.path ?? '' };
}

export const ProposeLinkSchema = z
  .object({
    action: z.literal('proposeLink'),
    item: onlineItem,
    url: address('链接地址').optional(),
    appId: AppIdSchema.optional(),
    path: PagePathSchema.optional(),
    /** Left out only for a trial correction (the finding named), which goes live when approved. */
    effectiveDate: calendarDate('生效日期').optional(),
    /**
     * The internal trial (issue 15): the open finding of this item's link the change corrects. While the center's
     * province is not launched, it needs no notice and goes live as soon as a supervisor approves it.
     */
    findingId: FindingIdSchema.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.effectiveDate === undefined && e.findingId === undefined) ctx.addIssue({ code: 'custom', path: ['effectiveDate'], message: '请选择生效日期' });
    if (e.url !== undefined && (e.appId !== undefined || e.path !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: '网页链接与小程序只能登记一种' });
    } else if (e.url === undefined && e.appId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: '请填写 https 链接地址，或小程序 AppID 和页面路径' });
    } else if (e.url === undefined && !e.path) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: '请填写小程序页面路径' });
    }
  })
  .transform((e) => ({ action: e.action, item: e.item, link: linkOf(e), effectiveDate: e.effectiveDate, findingId: e.findingId }));

const endpointOf = (url: string | undefined): EndpointValue => (url !== undefined ? { kind: 'api', url } : { kind: 'manual' });

export const ProposeEndpointSchema = z
  .object({
    action: z.literal('proposeEndpoint'),
    url: address('接口地址').optional(),
    manual: z.literal(true, { error: 'manual 只能为 true（改为在工作台人工办理）' }).optional(),
    /** Left out: the earliest allowed date. */
    effectiveDate: calendarDate('生效日期').optional(),
  })
  .superRefine((e, ctx) => {
    if ((e.url === undefined) === (e.manual === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: '请填写接口地址，或选择在工作台人工办理（二选一）' });
    }
  })
  .transform((e) => ({ action: e.action, endpoint: endpointOf(e.url), effectiveDate: e.effectiveDate }));


/** One work order as the center and supervisors see it: who, what, when, old -> new. */
export interface ChangeView {
  id: string;
  centerCode: string;
  centerName: string;
  target: ChangeTarget;
  /** 事项 3 退休提取 / 接口地址, for lists. */
  targetLabel: string;
  effectiveDate: string;
  status: ChangeStatus;
  statusLabel: string;
  /**
   * Who proposed and who decided, never by openid: 本人 for the viewer, else the person's display name with the role
   * they acted in (张三（监管人员）), or the role alone (中心工作人员) when they have no display name.
   */
  proposedBy: string;
  proposedAt: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reason: string | null;
  /** When it went live, and what it replaced. */
  appliedAt: string | null;
  previous: PreviousValue;
  /** Set at once by a supervisor (admin setEndpoint, setManual, setItemRoute, setCounter): proposed, approved and live together. */
  immediate: boolean;
  /** In a supervisor's list of orders to review: what is live now, shown beside what the order proposes. */
  current?: PreviousValue;
  /** Why an approved change could not be switched on its date (its address failed the rules then, or the center had no signing secret for its endpoint); tried again daily. */
  held: { reason: string; at: string } | null;
  /**
   * Said by the review only, when it decided otherwise than asked: a trial correction (issue 15) whose province was
   * launched before the review takes effect on its date, at least 10 working days later, instead of at once.
   */
  notice?: string;
  /** A web link's change waiting for review (`admin pendingChanges`): its domain and that domain's state among the mini-program's business domains. */
  domain?: { name: string; state: BusinessDomainState };
}

/**
 * What `portal.proposeEndpoint` answers: the work order and, when it is for an API endpoint of a center that
 * had no signing secret yet, the first one, generated with it and shown this once (the endpoint signs with it).
 */
export interface EndpointProposalAnswer {
  change: ChangeView;
  secret?: string;
}

/** The daily check's findings for one link or endpoint. */
export interface HealthView {
  url: string;
  healthy: boolean;
  consecutiveFailures: number;
  checkedAt: string;
  status: number | null;
  title: string | null;
  error: string | null;
}

export const CONFORMANCE_LABELS = { none: '未开始接口测试', started: '已开始接口测试', passed: '已通过' } as const;
export type ConformanceStatus = keyof typeof CONFORMANCE_LABELS;

/** What `portal.overview` answers: the staff's own center, never a secret. */
export interface PortalOverview {
  center: { code: string; name: string; phone: string };
  /** Each fully online item: its current link or route, and its health when it is a web link. */
  links: { item: ItemId; itemName: string; link: ItemChannel | null; healthy: boolean | null; health: HealthView | null }[];
  endpoint: { mode: 'api' | 'manual' | 'none'; url: string | null; health: HealthView | null };
  /**
   * How many signing secrets are valid now (two during a rotation), when the last rotation was and, when a
   * staff member who saw the secret the center signs with lost their role, by when to rotate (`rotateBy`) and
   * what to do (`notice`).
   */
  secrets: { valid: number; rotatedAt: string | null; rotateBy: string | null; notice: string | null };
  /** Every work order of the center, newest first. */
  changes: ChangeView[];
  /** The earliest effective date a change submitted today may state. */
  earliestEffectiveDate: string;
  /** Whether that date falls in a year whose State Council arrangement is not loaded: counted on weekends only, shown as 预计. */
  earliestProvisional: boolean;
  /** The latest run (`runId`, polled with `portal conformanceRun`): running, or the last one. */
  conformance: { status: ConformanceStatus; label: string; at: string | null; runId: string | null };
  /**
   * Each item 4-6 the center has not made fully online (no web page or mini-program registered), with the reason and
   * expected date it gave (`portal setOnlineReason`; null until given): what supervisors' annex 3 attachment lists.
   */
  onlineReasons: OnlineReasonRow[];
}

/**
 * A link or endpoint unhealthy now, for supervisors. A link is so by its own `healthy`, the flag employees' jumps read
 * (线上办理渠道暂时无法访问), so the two never disagree; an endpoint by the daily check's finding.
 */
export interface UnhealthyView {
  centerCode: string;
  centerName: string;
  /** 事项 1 缴存贷款信息查询 / 接收推送的接口. */
  channelLabel: string;
  /** The web link's or endpoint's address, or the mini-program page in words. */
  url: string;
  /** The daily check's last finding about this address; null when it was marked unhealthy without one (never checked since). */
  health: HealthView | null;
}

/** A channel, route or endpoint in words, for the history, the audit log and the pages. */
export function describeValue(value: PreviousValue): string {
  if (value === null) return '未登记';
  switch (value.kind) {
    case 'web':
    case 'api':
      return value.url;
    case 'miniprogram':
      return `小程序 ${value.appId} ${value.path}`;
    case 'manual':
      return '在工作台人工办理';
    case 'in-app':
      return '小程序内在线申请';
    case 'counter':
      return '到服务大厅办理';
    case 'hall':
      return `${value.address}（${value.hours}）`;
  }
}

/** What a work order puts in place. */
export function targetValue(target: ChangeTarget): ItemChannel | EndpointValue | HallValue {
  if (target.kind === 'link') return target.link;
  return target.kind === 'endpoint' ? target.endpoint : target.hall;
}

/** The conformance suite's report (cloudfunctions/_lib/centers/conformance.ts), kept by the store and shown in the portal. */
export interface ConformanceCheck {
  id: string;
  /** What is checked, in Chinese. */
  name: string;
  passed: boolean;
  /** Why it passed or failed, in Chinese. */
  detail: string;
}

export interface ConformanceReport {
  /** True only when every check passed. */
  passed: boolean;
  checks: ConformanceCheck[];
  startedAt: string;
  finishedAt: string;
}

/** A step of a background run in words: what it does and, once done, what came of it (its checks). */
export interface ConformanceStepView {
  name: string;
  state: 'waiting' | 'passed' | 'failed';
  /** 等待中 / 通过 / 未通过. */
  label: string;
  checks: ConformanceCheck[];
}

export const CONFORMANCE_RUN_LABELS = { running: '正在测试', passed: '全部通过', failed: '未全部通过', abandoned: '未完成（已中止）' } as const;
export type ConformanceRunState = keyof typeof CONFORMANCE_RUN_LABELS;

/**
 * What `portal runConformance` (at once, the run it started or the one already going) and `portal conformanceRun`
 * answer: the run's progress, step by step, and its report once finished.
 */
export interface ConformanceRunView {
  runId: string;
  url: string;
  startedAt: string;
  state: ConformanceRunState;
  stateLabel: string;
  finished: boolean;
  /** Steps done of all; 步骤 done/total. */
  done: number;
  total: number;
  /** How many valid secrets the run signs with in turn (two during a rotation). */
  secrets: number;
  steps: ConformanceStepView[];
  report: ConformanceReport | null;
}

/** One callback as it arrived (every attempt, repeats included), read by readCallback. */
export interface ReceivedCallback {
  webhookId: string;
  status: string;
  at: string;
  signatureValid: boolean;
  /** Where it departs from the callback contract (the signature's failure included), in Chinese; empty when it conforms. */
  problems: string[];
}
