import { AdminEventSchema } from '../../src/core/applications';
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

/** Supervisors' actions on centers. */
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
  }
});

export const main = deployed(handler);
