import { AppError } from '../../src/core/errors';
import { IdentityEventSchema } from '../../src/core/contracts/identity';
import { realNameSchema } from '../../src/core/identity';
import { parseInput } from '../../src/core/validation';
import { defineFunction, requireCaller } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import {
  bindPhone,
  confirmCounterRequest,
  confirmFaceVerification,
  identityStatus,
  recordConsent,
  requestCounterVerification,
  startFaceVerification,
  viewCounterRequest,
} from '../_lib/services/identity';

/** The real-name form of an event, checked as of now; a bad one fails naming its fields. */
function realName(event: unknown, now: Date) {
  const form = parseInput(realNameSchema(now), event);
  if (!form.ok) throw new AppError(form.code, form.message, form.fields);
  return form.data;
}

/**
 * Real-name verification: WeChat face verification 2.0, or at a center's window confirmed by its staff;
 * the caller's masked status, consent, phone.
 */
export const handler = defineFunction('identity', IdentityEventSchema, async (event, ctx) => {
  const caller = requireCaller(ctx);
  const { openid } = caller;
  const service = { ...ctx, now: ctx.now() };
  switch (event.action) {
    case 'start':
      return startFaceVerification(service, openid, realName(event, service.now), event.consentVersion);
    case 'requestCounter':
      return requestCounterVerification(service, caller, realName(event, service.now), event.consentVersion);
    case 'viewCounter':
      return viewCounterRequest(service, caller, event.code);
    case 'confirmCounter':
      return confirmCounterRequest(service, caller, event.code, event.docNumber);
    case 'confirm':
      return confirmFaceVerification(service, openid, event.verifyId);
    case 'status':
      return identityStatus(service, openid);
    case 'consent':
      return recordConsent(service, openid, event.version);
    case 'bindPhone':
      return bindPhone(service, openid, event.code);
  }
});

export const main = deployed(handler);
