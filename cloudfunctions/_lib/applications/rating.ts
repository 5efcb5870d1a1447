import { FOLLOW_UP_AT_OR_BELOW, RATABLE, type RatingScore } from '../../../src/core/applications/status';
import type { FixScore } from '../../../src/core/applications/follow-up-clock';
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
    fixNote: null,
    fixedBy: null,
    fixedAt: null,
    fixScore: null,
    fixRatedAt: null,
  });
  if (!created) throw new AppError('ILLEGAL_TRANSITION', '这笔申请已经评价过了');
  return applicationView(ctx, app);
}

/**
 * The person rates the center's fix of their 差评 (满意 / 基本满意 / 不满意), once, and only once the center recorded it
 * 已整改; audited with the score only.
 */
export async function rateFix(ctx: ServiceContext, openid: string, id: string, score: FixScore): Promise<ApplicationView> {
  const app = await ownApplication(ctx, openid, id);
  const rating = await ctx.store.ratings.get(id);
  if (rating?.followUp !== 'fixed') throw new AppError('ILLEGAL_TRANSITION', '中心整改完成后才能评价整改结果');
  if (!(await ctx.store.ratings.rateFix(id, score, ctx.now))) throw new AppError('ILLEGAL_TRANSITION', '整改结果已经评价过了');
  await ctx.store.audit.append({ at: ctx.now, actor: openid, action: 'rating.fix-rated', subject: `application:${id}`, detail: score });
  return applicationView(ctx, app);
}
