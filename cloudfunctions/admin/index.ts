import { AdminEventSchema } from '../../src/core/contracts/admin';
import { adminBusinessDomains, setBusinessDomain } from '../_lib/centers/business-domains';
import { defineActions } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import {
  centerHistory,
  deadLetters,
  inviteStaff,
  linkHealth,
  pendingChanges,
  reviewChange,
  satisfaction,
  setCounter,
  setEndpoint,
  setItemRoute,
  setManual,
} from '../_lib/services/admin';
import { calendarStatus, calendarYear, loadCalendarYear, replaceCalendarYear } from '../_lib/services/calendar-admin';
import { setFollowUpPeriods, showFollowUpPeriods } from '../_lib/services/follow-up-periods';
import { grantRole, listRoles, revokeRole } from '../_lib/services/roles';
import { launchState, setLaunch } from '../_lib/trial/launch';
import { listCatalogFixes, proposeCatalogFix, reviewCatalogFix } from '../_lib/trial/catalog-fixes';
import { adminFindings, supervisorResolveFinding } from '../_lib/trial/findings';
import { createTrialInvite, listTesters, listTrialInvites, revokeTester, revokeTrialInvite } from '../_lib/trial/invites';
import { grantOf } from '../../src/core/roles';

/** Supervisors' actions on centers, on people's roles, and on the official calendar. */
export const handler = defineActions('admin', AdminEventSchema, {
  setEndpoint: (event, ctx) => setEndpoint(ctx, ctx.caller, event.centerCode, event.url, event.secret),
  setManual: (event, ctx) => setManual(ctx, ctx.caller, event.centerCode),
  deadLetters: (_event, ctx) => deadLetters(ctx, ctx.caller),
  satisfaction: (_event, ctx) => satisfaction(ctx, ctx.caller),
  setCounter: (event, ctx) => setCounter(ctx, ctx.caller, event.centerCode, { address: event.address, hours: event.hours }),
  setItemRoute: (event, ctx) => setItemRoute(ctx, ctx.caller, event.centerCode, event.item, event.route),
  inviteStaff: (event, ctx) => inviteStaff(ctx, ctx.caller, event.centerCode),
  pendingChanges: (_event, ctx) => pendingChanges(ctx, ctx.caller),
  reviewChange: (event, ctx) => reviewChange(ctx, ctx.caller, event.id, event.approve, event.reason),
  centerHistory: (event, ctx) => centerHistory(ctx, ctx.caller, event.centerCode),
  linkHealth: (_event, ctx) => linkHealth(ctx, ctx.caller),
  roles: (_event, ctx) => listRoles(ctx, ctx.caller),
  revokeRole: (event, ctx) => revokeRole(ctx, ctx.caller, event.openid, grantOf(event)),
  grantRole: (event, ctx) => grantRole(ctx, ctx.caller, event.openid, grantOf(event), event.displayName),
  followUpPeriods: (_event, ctx) => showFollowUpPeriods(ctx, ctx.caller),
  setFollowUpPeriods: (event, ctx) => setFollowUpPeriods(ctx, ctx.caller, event),
  calendarStatus: (_event, ctx) => calendarStatus(ctx, ctx.caller),
  calendarYear: (event, ctx) => calendarYear(ctx, ctx.caller, event.year),
  loadCalendarYear: (event, ctx) => loadCalendarYear(ctx, ctx.caller, event),
  replaceCalendarYear: (event, ctx) => replaceCalendarYear(ctx, ctx.caller, event),
  launchState: (_event, ctx) => launchState(ctx, ctx.caller),
  setLaunch: (event, ctx) => setLaunch(ctx, ctx.caller, event.province, event.open),
  trialFindings: (event, ctx) => adminFindings(ctx, ctx.caller, event.province, event.status),
  proposeCatalogFix: (event, ctx) => proposeCatalogFix(ctx, ctx.caller, event),
  reviewCatalogFix: (event, ctx) => reviewCatalogFix(ctx, ctx.caller, event),
  catalogFixes: (event, ctx) => listCatalogFixes(ctx, ctx.caller, event.centerCode),
  createTrialInvite: (event, ctx) => createTrialInvite(ctx, ctx.caller, event),
  revokeTrialInvite: (event, ctx) => revokeTrialInvite(ctx, ctx.caller, event.id),
  trialInvites: (_event, ctx) => listTrialInvites(ctx, ctx.caller),
  testers: (_event, ctx) => listTesters(ctx, ctx.caller),
  revokeTester: (event, ctx) => revokeTester(ctx, ctx.caller, event.tester),
  resolveFinding: (event, ctx) => supervisorResolveFinding(ctx, ctx.caller, event.id, event.note),
  businessDomains: (_event, ctx) => adminBusinessDomains(ctx, ctx.caller),
  setBusinessDomain: (event, ctx) => setBusinessDomain(ctx, ctx.caller, event),
});

export const main = deployed(handler);
