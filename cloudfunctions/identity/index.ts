import { AppError } from '../../src/core/errors';
import { IdentityEventSchema, realNameSchema } from '../../src/core/identity';
import { parseInput } from '../../src/core/validation';
import { defineFunction, requireCaller } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { bindPhone, confirmFaceVerification, identityStatus, recordConsent, startFaceVerification } from '../_lib/services/identity';

/** Real-name verification: WeChat face verification 2.0, the caller's masked status, consent, phone. */
export const handler = defineFunction('identity', IdentityEventSchema, async (event, ctx) => {
  const { openid } = requireCaller(ctx);
  const service = { ...ctx, now: ctx.now() };
  switch (event.action) {
    case 'start': {
      const form = parseInput(realNameSchema(service.now), event);
      if (!form.ok) throw new AppError(form.code, form.message, form.fields);
      return startFaceVerification(service, openid, form.data);
    }
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
