import { STATUS_LABELS, TYPE_LABELS } from '../../../src/core/applications/status';
import { formatShanghai } from '../../../src/core/time';
import type { FunctionContext } from '../runtime/define';
import type { ApplicationRecord } from '../store/port';

/** WeChat's limits on template values: `thing` 20 characters, `phrase` 5. */
const THING_MAX = 20;

/**
 * Tells the employee their application moved, by the subscribe message they agreed to at submission
 * (SUBSCRIBE_TEMPLATE_STATUS; fields thing1 item, phrase2 status, time3 time, thing4 note). A message
 * that cannot be sent (no subscription left, WeChat down) is logged: the timeline still has the step.
 */
export async function notifyApplicant(ctx: Pick<FunctionContext, 'outside' | 'log'>, app: ApplicationRecord, message: string): Promise<void> {
  const templateId = ctx.outside.statusTemplateId;
  if (!templateId) return;
  try {
    await ctx.outside.wechat().sendSubscribeMessage({
      touser: app.openid,
      templateId,
      page: `pages/application/index?id=${app.id}`,
      data: {
        thing1: TYPE_LABELS[app.type],
        phrase2: STATUS_LABELS[app.status],
        time3: formatShanghai(app.updatedAt),
        thing4: message.slice(0, THING_MAX),
      },
    });
  } catch (error) {
    ctx.log.warn({ err: error, applicationId: app.id }, 'status notification not sent');
  }
}

/**
 * Tells a person their document was bound to another WeChat account (their own binding ended), by the same
 * template (thing1 what, phrase2 outcome, time3 when, thing4 where: the center, or 人脸核身), opening 我的
 * where the notice stays.
 */
export async function notifyBindingMoved(ctx: Pick<FunctionContext, 'outside' | 'log'>, openid: string, at: Date, where: string): Promise<void> {
  const templateId = ctx.outside.statusTemplateId;
  if (!templateId) return;
  try {
    await ctx.outside.wechat().sendSubscribeMessage({
      touser: openid,
      templateId,
      page: 'pages/mine/index',
      data: { thing1: '证件已绑定到其他微信账号', phrase2: '已解除', time3: formatShanghai(at), thing4: where.slice(0, THING_MAX) },
    });
  } catch (error) {
    ctx.log.warn({ err: error }, 'binding notice not sent');
  }
}
