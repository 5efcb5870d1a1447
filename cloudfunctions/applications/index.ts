import { applicationsEventSchema } from '../../src/core/contracts/applications';
import { allowCodeRead, codeReads, revokeCode, showCode } from '../_lib/applications/certificate-code';
import { getDocument } from '../_lib/applications/documents';
import { transferFormValues } from '../_lib/applications/form-values';
import { rateApplication, rateFix } from '../_lib/applications/rating';
import { responsibleCenterOf, submissionKey, submitApplication } from '../_lib/applications/submit';
import { getApplication, listApplications } from '../_lib/applications/views';
import { withdrawApplication } from '../_lib/applications/withdraw';
import { defineActions } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';

/** The employee's in-app applications: submit, list, get (masked, with the timeline), withdraw, rate, and the certificate code (亮码). */
export const handler = defineActions(
  'applications',
  applicationsEventSchema,
  {
    submit: (event, ctx) => submitApplication(ctx, ctx.caller.openid, event),
    list: (_event, ctx) => listApplications(ctx, ctx.caller.openid),
    get: (event, ctx) => getApplication(ctx, ctx.caller.openid, event.id),
    withdraw: (event, ctx) => withdrawApplication(ctx, ctx.caller.openid, event.id),
    formValues: (event, ctx) => transferFormValues(ctx, ctx.caller.openid, event.id),
    document: (event, ctx) => getDocument(ctx, ctx.caller.openid, event.id, event.documentId),
    rate: (event, ctx) => rateApplication(ctx, ctx.caller.openid, event.id, event.score, event.comment),
    rateFix: (event, ctx) => rateFix(ctx, ctx.caller.openid, event.id, event.score),
    showCode: (event, ctx) => showCode(ctx, ctx.caller.openid, event.id),
    codeReads: (event, ctx) => codeReads(ctx, ctx.caller.openid, event.id),
    revokeCode: (event, ctx) => revokeCode(ctx, ctx.caller.openid, event.id),
    allowCodeRead: (event, ctx) => allowCodeRead(ctx, ctx.caller.openid, event.id),
  },
  // before launch only for the centers of open provinces: a submission by the center it goes to; the others name none
  { centerOf: (event) => (event.action === 'submit' ? responsibleCenterOf(event) : undefined) },
  // a submission's reads go with the caller's roles: one round trip fewer
  (event, outside) => (event.action === 'submit' ? submissionKey(outside.keyring(), event, false) : undefined),
);

export const main = deployed(handler);
