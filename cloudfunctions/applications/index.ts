import { applicationsEventSchema } from '../../src/core/contracts/applications';
import { getDocument } from '../_lib/applications/documents';
import { rateApplication } from '../_lib/applications/rating';
import { responsibleCenterOf, submitApplication } from '../_lib/applications/submit';
import { getApplication, listApplications } from '../_lib/applications/views';
import { withdrawApplication } from '../_lib/applications/withdraw';
import { defineActions } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';

/** The employee's in-app applications: submit, list, get (masked, with the timeline), withdraw, rate. */
export const handler = defineActions(
  'applications',
  applicationsEventSchema,
  {
    submit: (event, ctx) => submitApplication(ctx, ctx.caller.openid, event),
    list: (_event, ctx) => listApplications(ctx, ctx.caller.openid),
    get: (event, ctx) => getApplication(ctx, ctx.caller.openid, event.id),
    withdraw: (event, ctx) => withdrawApplication(ctx, ctx.caller.openid, event.id),
    document: (event, ctx) => getDocument(ctx, ctx.caller.openid, event.id, event.documentId),
    rate: (event, ctx) => rateApplication(ctx, ctx.caller.openid, event.id, event.score, event.comment),
  },
  // before launch only for the centers of open provinces: a submission by the center it goes to; the others name none
  { centerOf: (event) => (event.action === 'submit' ? responsibleCenterOf(event) : undefined) },
);

export const main = deployed(handler);
