import type { TransferCode } from '../../src/core/applications/state-machine';
import { WorkbenchEventSchema } from '../../src/core/contracts/workbench';
import { defineFunction, requireCaller } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import {
  workbenchAdvance,
  workbenchAttachment,
  workbenchCloseFollowUp,
  workbenchFollowUps,
  workbenchGet,
  workbenchList,
  workbenchReject,
  workbenchRequestMaterial,
  workbenchSetStatus,
} from '../_lib/services/workbench';

/** Center staff answer forwarded applications here (centers without an API work only here). */
export const handler = defineFunction('workbench', WorkbenchEventSchema, async (event, ctx) => {
  const staff = requireCaller(ctx);
  const service = { ...ctx, now: ctx.now() };
  switch (event.action) {
    case 'list':
      return workbenchList(service, staff);
    case 'get':
      return workbenchGet(service, staff, event.id);
    case 'advance':
      return workbenchAdvance(service, staff, event.id, event.code as TransferCode, event.message);
    case 'reject':
      return workbenchReject(service, staff, event.id, event.reason);
    case 'requestMaterial':
      return workbenchRequestMaterial(service, staff, event.id, event.message);
    case 'setStatus':
      return workbenchSetStatus(service, staff, event.id, event.status, event.message, event.document, event.payment);
    case 'attachment':
      return workbenchAttachment(service, staff, event.id, event.attachmentId);
    case 'followUps':
      return workbenchFollowUps(service, staff);
    case 'closeFollowUp':
      return workbenchCloseFollowUp(service, staff, event.id, event.note);
  }
});

export const main = deployed(handler);
