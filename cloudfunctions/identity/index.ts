import { identityEventSchema } from '../../src/core/contracts/identity';
import { defineActions } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { unbindIdentity } from '../_lib/services/privacy';
import {
  bindPhone,
  confirmCounterRequest,
  confirmFaceVerification,
  formPrefill,
  identityStatus,
  recordConsent,
  requestCounterVerification,
  startFaceVerification,
  viewCounterRequest,
} from '../_lib/services/identity';

/**
 * Real-name verification: WeChat face verification 2.0, or at a center's window confirmed by its staff;
 * the caller's masked status, consent, phone. The real-name form is checked by the contract as of the call's time.
 */
export const handler = defineActions(
  'identity',
  identityEventSchema,
  {
    start: ({ name, docType, docNumber, consentVersion }, ctx) => startFaceVerification(ctx, ctx.caller.openid, { name, docType, docNumber }, consentVersion),
    requestCounter: ({ name, docType, docNumber, consentVersion }, ctx) => requestCounterVerification(ctx, ctx.caller, { name, docType, docNumber }, consentVersion),
    viewCounter: (event, ctx) => viewCounterRequest(ctx, ctx.caller, event.code),
    confirmCounter: (event, ctx) => confirmCounterRequest(ctx, ctx.caller, event.code, event.docNumber),
    confirm: (event, ctx) => confirmFaceVerification(ctx, ctx.caller.openid, event.verifyId),
    status: (_event, ctx) => identityStatus(ctx, ctx.caller.openid),
    prefill: (_event, ctx) => formPrefill(ctx, ctx.caller.openid),
    consent: (event, ctx) => recordConsent(ctx, ctx.caller.openid, event.version),
    bindPhone: (event, ctx) => bindPhone(ctx, ctx.caller.openid, event.code),
    unbind: (_event, ctx) => unbindIdentity(ctx, ctx.caller.openid),
  },
  // unbinding is a right over one's data, which closing the app before launch never takes away
  { exempt: ['unbind'] },
);

export const main = deployed(handler);
