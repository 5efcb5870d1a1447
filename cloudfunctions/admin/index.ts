import { AdminEventSchema } from '../../src/core/contracts/admin';
import { defineFunction, requireCaller } from '../_lib/runtime/define';
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
import { grantRole, listRoles, revokeRole } from '../_lib/services/roles';
import { grantOf } from '../../src/core/roles';

/** Supervisors' actions on centers, on people's roles, and on the official calendar. */
export const handler = defineFunction('admin', AdminEventSchema, async (event, ctx) => {
  const caller = requireCaller(ctx);
  const service = { ...ctx, now: ctx.now() };
  switch (event.action) {
    case 'setEndpoint':
      return setEndpoint(service, caller, event.centerCode, event.url, event.secret);
    case 'setManual':
      return setManual(service, caller, event.centerCode);
    case 'deadLetters':
      return deadLetters(service, caller);
    case 'satisfaction':
      return satisfaction(service, caller);
    case 'setCounter':
      return setCounter(service, caller, event.centerCode, { address: event.address, hours: event.hours });
    case 'setItemRoute':
      return setItemRoute(service, caller, event.centerCode, event.item, event.route);
    case 'inviteStaff':
      return inviteStaff(service, caller, event.centerCode);
    case 'pendingChanges':
      return pendingChanges(service, caller);
    case 'reviewChange':
      return reviewChange(service, caller, event.id, event.approve, event.reason);
    case 'centerHistory':
      return centerHistory(service, caller, event.centerCode);
    case 'linkHealth':
      return linkHealth(service, caller);
    case 'roles':
      return listRoles(service, caller);
    case 'revokeRole':
      return revokeRole(service, caller, event.openid, grantOf(event));
    case 'grantRole':
      return grantRole(service, caller, event.openid, grantOf(event), event.displayName);
    case 'calendarStatus':
      return calendarStatus(service, caller);
    case 'calendarYear':
      return calendarYear(service, caller, event.year);
    case 'loadCalendarYear':
      return loadCalendarYear(service, caller, event);
    case 'replaceCalendarYear':
      return replaceCalendarYear(service, caller, event);
  }
});

export const main = deployed(handler);
