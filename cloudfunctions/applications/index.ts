import type { RatingScore } from '../../src/core/applications/status';
import { ApplicationsEventSchema } from '../../src/core/contracts/applications';
import { defineFunction, requireCaller } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { getApplication, getDocument, listApplications, rateApplication, submitApplication, withdrawApplication } from '../_lib/services/applications';

/** The employee's in-app applications: submit, list, get (masked, with the timeline), withdraw, rate. */
export const handler = defineFunction('applications', ApplicationsEventSchema, async (event, ctx) => {
  const { openid } = requireCaller(ctx);
  const service = { ...ctx, now: ctx.now() };
  switch (event.action) {
    case 'submit':
      return submitApplication(service, openid, event);
    case 'list':
      return listApplications(service, openid);
    case 'get':
      return getApplication(service, openid, event.id);
    case 'withdraw':
      return withdrawApplication(service, openid, event.id);
    case 'document':
      return getDocument(service, openid, event.id, event.documentId);
    case 'rate':
      return rateApplication(service, openid, event.id, event.score as RatingScore, event.comment);
  }
});

export const main = deployed(handler);
