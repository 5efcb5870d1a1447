import { workbenchEventSchema } from '../../src/core/contracts/workbench';
import { defineActions } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import {
  workbenchAdvance,
  workbenchAttachment,
  workbenchCheckContract,
  workbenchCloseFollowUp,
  workbenchFixFollowUp,
  workbenchFollowUpPhone,
  workbenchFollowUps,
  workbenchGet,
  workbenchList,
  workbenchReject,
  workbenchRequestMaterial,
  workbenchSetStatus,
} from '../_lib/services/workbench';

/** Center staff answer forwarded applications here (centers without an API work only here). */
export const handler = defineActions('workbench', workbenchEventSchema, {
  list: (_event, ctx) => workbenchList(ctx, ctx.caller),
  get: (event, ctx) => workbenchGet(ctx, ctx.caller, event.id),
  advance: (event, ctx) => workbenchAdvance(ctx, ctx.caller, event.id, event.code, event.message, { reason: event.reason, contact: event.contact }),
  reject: (event, ctx) => workbenchReject(ctx, ctx.caller, event.id, event.reason),
  requestMaterial: (event, ctx) => workbenchRequestMaterial(ctx, ctx.caller, event.id, event.message),
  setStatus: (event, ctx) => workbenchSetStatus(ctx, ctx.caller, event.id, event.status, event.message, event.document, event.payment, { reason: event.reason, contact: event.contact }),
  attachment: (event, ctx) => workbenchAttachment(ctx, ctx.caller, event.id, event.attachmentId),
  followUps: (_event, ctx) => workbenchFollowUps(ctx, ctx.caller),
  closeFollowUp: (event, ctx) => workbenchCloseFollowUp(ctx, ctx.caller, event.id, event.note),
  checkContract: (event, ctx) => workbenchCheckContract(ctx, ctx.caller, event.id, event.note),
  fixFollowUp: (event, ctx) => workbenchFixFollowUp(ctx, ctx.caller, event.id, event.note),
  followUpPhone: (event, ctx) => workbenchFollowUpPhone(ctx, ctx.caller, event.id),
});

export const main = deployed(handler);
