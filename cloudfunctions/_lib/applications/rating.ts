import { FOLLOW_UP_AT_OR_BELOW, RATABLE, type RatingScore } from '../../../src/core/applications/status';
import type { ApplicationView } from '../../../src/core/applications/views';
import { AppError } from '../../../src/core/errors';
import type { ServiceContext } from '../runtime/define';
import { applicationView, ownApplication } from './views';

/**
 * 好差评: the employee rates a case that ended with the center's answer, once. A rating of
 * FOLLOW_UP_AT_OR_BELOW or less carries a reason (checked by the event schema) and opens a follow-up in the
 * responsible center's workbench. A test case cannot be rated.
 */
export async function rateApplication(ctx: ServiceContext, openid: string, id: string, score: RatingScore, comment: string | undefined): Promise<ApplicationView> {
  const app = await ownApplication(ctx, openid, id);
  // a test case (the internal trial) is never rated: satisfaction and 差评 follow-ups count real cases only
  if (app.test) throw new AppError('ILLEGAL_TRANSITION', '测试申请不参与好差评');
  if (!RATABLE.includes(app.status)) throw new AppError('ILLEGAL_TRANSITION', '申请办结后才能评价');
  const low = score <= FOLLOW_UP_AT_OR_BELOW;
  const created = await ctx.store.ratings.create({
    applicationId: id,
    openid,
    centerCode: app.responsibleCenter,
    score,
    comment: comment || null,
    at: ctx.now,
    followUp: low ? 'open' : null,
    followUpNote: null,
    followUpBy: null,
    followUpAt: null,
  });
  if (!created) throw new AppError('ILLEGAL_TRANSITION', '这笔申请已经评价过了');
  return applicationView(ctx, app);
}
