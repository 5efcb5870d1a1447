import type { DeadLetterView, SatisfactionView } from '../core/applications/views';
import type { BusinessDomainsAnswer, BusinessDomainState, CenterDomainView, VerificationFile } from '../core/business-domains';
import type { CalendarArrangement, CalendarNotice, CalendarReplaceView, CalendarStatusView, CalendarYearView } from '../core/calendar';
import type { ChangeTarget, ChangeView, ConformanceReport, ConformanceRunView, EndpointProposalAnswer, PortalOverview, PreviousValue, UnhealthyView } from '../core/center-portal';
import type { CodeReadResult } from '../core/certificate-code';
import type { Fail } from '../core/errors';
import type { ItemId } from '../core/items';
import type { Role, RoleView } from '../core/roles';
import type { FullOnlineItem, MonthlyFigures, MonthlyFiguresAnswer, SetOnlineReasonAnswer } from '../core/supervision';
import type { CatalogField, CatalogFixView, CodeImage, CreatedTrialInvite, FindingStatus, FindingsAnswer, FindingView, LaunchStateAnswer, TesterView, TrialInviteView } from '../core/trial';
// a type only, erased from the bundle: the answer of `portal.runConformance` is declared beside the suite
import { callFunction } from './cloud';

export type { ConformanceReport, ConformanceRunView };

/**
 * An item's channel as proposed: an https H5 page, or a page of another mini-program; `findingId` names the trial
 * finding it corrects, which may leave out the date (it then goes live when approved).
 */
export type LinkProposal = { item: ItemId; effectiveDate?: string; findingId?: string } & ({ url: string } | { appId: string; path: string });
/** Where deliveries go: the center's API endpoint, or the workbench (`manual`); without a date, the earliest allowed. */
export type EndpointProposal = { effectiveDate?: string } & ({ url: string } | { manual: true });

/**
 * The typed calls of the `portal` function. `joinCenter` is for anyone signed in; the others are for the
 * center's own staff (FORBIDDEN otherwise). A refused address answers UNSAFE_URL, a date before the
 * earliest allowed EFFECTIVE_DATE_TOO_EARLY, each with the reason in `message`.
 */
export const portalCalls = {
  /**
   * Redeems a supervisor's invite: the caller becomes staff of its center. INVITE_NOT_FOUND for an unknown,
   * used or expired code, TOO_MANY_ATTEMPTS after too many of them in a day, ALREADY_STAFF.
   */
  joinCenter: (code: string) => callFunction<{ centerCode: string; centerName: string }>('portal', { action: 'joinCenter', code }),
  /** A holder's certificate code (扫码核验): the certificate, or the refusal with its reason; TOO_MANY_ATTEMPTS past 60 reads an hour. */
  readCode: (token: string) => callFunction<CodeReadResult>('portal', { action: 'readCode', token }),
  overview: () => callFunction<PortalOverview>('portal', { action: 'overview' }),
  proposeLink: (proposal: LinkProposal) => callFunction<ChangeView>('portal', { action: 'proposeLink', ...proposal }),
  /** For an API endpoint of a center without a signing secret, the answer carries its first one, to be shown this once. */
  proposeEndpoint: (proposal: EndpointProposal) => callFunction<EndpointProposalAnswer>('portal', { action: 'proposeEndpoint', ...proposal }),
  /** A new signing secret, answered this once; the one before stays valid until the next rotation. */
  rotateSecret: () => callFunction<{ secret: string; valid: number }>('portal', { action: 'rotateSecret' }),
  /** Starts the conformance suite against the center's endpoint (or answers the run going on) at once; ENDPOINT_NOT_SET without one. */
  runConformance: () => callFunction<ConformanceRunView>('portal', { action: 'runConformance' }),
  /** A run's progress step by step, and its report once finished (the page polls it). */
  conformanceRun: (runId: string) => callFunction<ConformanceRunView>('portal', { action: 'conformanceRun', runId }),
  /** The center's line of annex 2 for a period (YYYY-MM), with the product's own figures, and what it entered. */
  monthlyFigures: (period: string) => callFunction<MonthlyFiguresAnswer>('portal', { action: 'monthlyFigures', period }),
  /** What only the center knows of a period; after its province submitted, a correction with the reason. */
  setMonthlyFigures: (period: string, figures: MonthlyFigures, reason?: string) =>
    callFunction<MonthlyFiguresAnswer>('portal', { action: 'setMonthlyFigures', period, ...figures, ...(reason === undefined ? {} : { reason }) }),
  /** Why an item (4-6) is not fully online yet and by when it will be: the line of annex 3's attachment as stored. */
  setOnlineReason: (item: FullOnlineItem, reason: string, expectedDate: string) => callFunction<SetOnlineReasonAnswer>('portal', { action: 'setOnlineReason', item, reason, expectedDate }),
  /** 试用问题: the trial's findings on the center's links, poster and endpoint, of one status or all. */
  trialFindings: (status?: FindingStatus) => callFunction<FindingsAnswer>('portal', { action: 'trialFindings', ...(status ? { status } : {}) }),
  /** Marks a finding fixed with what was done, for the tester to check again: the finding as it now stands. */
  resolveFinding: (id: string, note: string) => callFunction<FindingView>('portal', { action: 'resolveFinding', id, note }),
  /** The center's mini-program code for its halls and website (opens the center's page; WECHAT_UNAVAILABLE when WeChat fails). */
  posterCode: () => callFunction<CodeImage>('portal', { action: 'posterCode' }),
  /** The domains of the center's own web links, each with its state and, while it is to be placed, the verification file. */
  businessDomains: () => callFunction<CenterDomainView[]>('portal', { action: 'businessDomains' }),
};

/** The typed calls of the `admin` function the review, roles, calendar and supervision overview pages use: supervisors only (FORBIDDEN otherwise). */
export const adminCalls = {
  /** A single-use invite code for the center's staff, valid until `expiresAt`. */
  inviteStaff: (centerCode: string) => callFunction<{ code: string; centerCode: string; expiresAt: string }>('admin', { action: 'inviteStaff', centerCode }),
  /** Centers' work orders waiting for review, oldest first, each with what is live now (`current`) and a web link's domain. */
  pendingChanges: () => callFunction<ChangeView[]>('admin', { action: 'pendingChanges' }),
  /** One center's work orders, newest first: proposals and supervisors' immediate changes, old -> new, who and when. */
  centerHistory: (centerCode: string) => callFunction<ChangeView[]>('admin', { action: 'centerHistory', centerCode }),
  /** Approving checks the address again (UNSAFE_URL leaves the order pending); rejecting needs a reason. */
  reviewChange: (id: string, approve: boolean, reason?: string) =>
    callFunction<ChangeView>('admin', reason ? { action: 'reviewChange', id, approve, reason } : { action: 'reviewChange', id, approve }),
  /** Unhealthy links and endpoints found by the daily run, and approved changes it could not switch. */
  linkHealth: () => callFunction<{ unhealthy: UnhealthyView[]; held: ChangeView[] }>('admin', { action: 'linkHealth' }),
  /** 好差评 per rated center: the count of each grade and the share of 满意 and 非常满意. */
  satisfaction: () => callFunction<SatisfactionView[]>('admin', { action: 'satisfaction' }),
  /** Deliveries the relay gave up on. */
  deadLetters: () => callFunction<DeadLetterView[]>('admin', { action: 'deadLetters' }),
  /** Every role ever granted, in force first, revoked ones after. */
  roles: () => callFunction<RoleView[]>('admin', { action: 'roles' }),
  /** Revokes a role in force: it stops working on the person's next call. FORBIDDEN for one's own supervisor role; ROLE_NOT_FOUND. */
  revokeRole: (target: RoleTarget) => callFunction<RoleView>('admin', { action: 'revokeRole', ...target }),
  /** Grants a role, or a revoked one again; ALREADY_STAFF when the person serves another center. */
  grantRole: (target: RoleTarget & { displayName?: string }) => callFunction<RoleView>('admin', { action: 'grantRole', ...target }),
  /** The years around now with where each one's arrangement comes from, and the warning while this year or (from 1 October) next year is not loaded. */
  calendarStatus: () => callFunction<CalendarStatusView>('admin', { action: 'calendarStatus' }),
  /** A year's holidays and make-up working days as in use, where they come from, and both arrangements when they differ. */
  calendarYear: (year: number) => callFunction<CalendarYearView>('admin', { action: 'calendarYear', year }),
  /** Loads a year from the State Council's notice; VALIDATION_FAILED naming the field, CALENDAR_YEAR_LOADED for a year loaded before. */
  loadCalendarYear: (load: CalendarLoad) => callFunction<CalendarYearView>('admin', { action: 'loadCalendarYear', ...calendarBody(load) }),
  /** Replaces a loaded year, with the reason (audited): the year before and after. */
  replaceCalendarYear: (load: CalendarLoad & { reason: string }) => callFunction<CalendarReplaceView>('admin', { action: 'replaceCalendarYear', ...calendarBody(load) }),
  /** The launch state: national, and each province in the caller's scope with its readiness. */
  launchState: () => callFunction<LaunchStateAnswer>('admin', { action: 'launchState' }),
  /** National supervisors open or close the whole country (no province) or one province: the state after it. */
  setLaunch: (open: boolean, province?: string) => callFunction<LaunchStateAnswer>('admin', { action: 'setLaunch', open, ...(province ? { province } : {}) }),
  /** An invite for testers of a province, its code answered this once; `image` asks for WeChat's mini-program code too. */
  createTrialInvite: (invite: TrialInviteRequest) => callFunction<CreatedTrialInvite & { image?: CodeImage }>('admin', { action: 'createTrialInvite', ...invite }),
  revokeTrialInvite: (id: string) => callFunction<TrialInviteView>('admin', { action: 'revokeTrialInvite', id }),
  /** The trial invites of the caller's scope, newest first. */
  trialInvites: () => callFunction<TrialInviteView[]>('admin', { action: 'trialInvites' }),
  /** The testers of the caller's scope, each by an opaque handle (never an openid). */
  testers: () => callFunction<TesterView[]>('admin', { action: 'testers' }),
  /** Revokes the tester role in force of the tester with this handle: the tester as it now stands. */
  revokeTester: (tester: string) => callFunction<TesterView>('admin', { action: 'revokeTester', tester }),
  /** The trial's findings on catalog fields (name, phone), of a province or every one in scope, of one status or all. */
  trialFindings: (status?: FindingStatus) => callFunction<FindingsAnswer>('admin', { action: 'trialFindings', ...(status ? { status } : {}) }),
  /** Marks fixed, with a note, a finding supervisors own or one of a center with no staff in force. */
  resolveFinding: (id: string, note: string) => callFunction<FindingView>('admin', { action: 'resolveFinding', id, note }),
  /** Proposes a correction of a center's name or phone, for another supervisor to review. */
  proposeCatalogFix: (fix: { centerCode: string; field: CatalogField; value: string; findingId?: string }) => callFunction<CatalogFixView>('admin', { action: 'proposeCatalogFix', ...fix }),
  /** Approving applies it to the catalog; rejecting needs a reason. FORBIDDEN for one's own proposal. */
  reviewCatalogFix: (id: string, approve: boolean, reason?: string) => callFunction<CatalogFixView>('admin', { action: 'reviewCatalogFix', id, approve, ...(reason ? { reason } : {}) }),
  catalogFixes: () => callFunction<{ items: CatalogFixView[] }>('admin', { action: 'catalogFixes' }),
  /** Every domain registered web links use, with its state, against WeChat's limit of 200 business domains. */
  businessDomains: () => callFunction<BusinessDomainsAnswer>('admin', { action: 'businessDomains' }),
  /** National supervisors set a domain's state (`requested` with the verification file WeChat issued): the list as it now stands. */
  setBusinessDomain: (change: BusinessDomainChange) => callFunction<BusinessDomainsAnswer>('admin', { action: 'setBusinessDomain', ...change }),
};

/** A domain's new state; the verification file WeChat issued goes with `requested`. */
export type BusinessDomainChange = { domain: string; state: BusinessDomainState; file?: VerificationFile };

/** A trial invite as a supervisor asks for it: the province, how many may join, for how many days. */
export type TrialInviteRequest = { province: string; uses: number; days: number; image?: boolean };

/** A year's arrangement as the notice gives it, to load or to replace one loaded before. */
export type CalendarLoad = { year: number; notice: CalendarNotice } & CalendarArrangement;

/** A load as the function takes it: `workdays` left out when the notice has no make-up working day (the function refuses an empty list, like any empty value). */
export function calendarBody<T extends { workdays: string[] }>(load: T): Omit<T, 'workdays'> & { workdays?: string[] } {
  const { workdays, ...rest } = load;
  return workdays.length > 0 ? { ...rest, workdays } : rest;
}

/** Whose role, which, and for staff the center. */
export type RoleTarget = { openid: string; role: Role; centerCode?: string; province?: string };

/**
 * What to show under a form field after a failure: the field's own message when the input was malformed,
 * else the function's whole message (UNSAFE_URL and EFFECTIVE_DATE_TOO_EARLY say why in full there);
 * undefined when the failure is not about that field.
 */
export function messageFor(failure: Fail, field: string): string | undefined {
  const own = failure.fields?.[field];
  if (own === undefined) return undefined;
  return failure.code === 'VALIDATION_FAILED' ? own : failure.message;
}

/** What an overview says is live for a work order's target now: the value an open order would replace. */
export function currentValue(overview: PortalOverview, target: ChangeTarget): PreviousValue {
  if (target.kind === 'link') return overview.links.find((l) => l.item === target.item)?.link ?? null;
  // a service hall is set by supervisors at once (live when made), so no open order of it asks what is live now
  if (target.kind === 'hall') return null;
  const { mode, url } = overview.endpoint;
  if (mode === 'api' && url !== null) return { kind: 'api', url };
  return mode === 'manual' ? { kind: 'manual' } : null;
}
