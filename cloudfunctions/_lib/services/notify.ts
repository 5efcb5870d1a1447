import { TRANSFER_CODES } from '../../../src/core/applications/state-machine';
import { STATUS_LABELS, TYPE_LABELS, type ApplicationStatus } from '../../../src/core/applications/status';
import { stepOf } from '../../../src/core/applications/steps';
import { REFUSAL_STATUSES } from '../../../src/core/center-api';
import { formatShanghai } from '../../../src/core/time';
import type { FunctionContext } from '../runtime/define';
import type { ApplicationRecord } from '../store/port';
import type { SubscribeMessage } from '../wechat';

/** WeChat's limits on template values: `thing` 20 characters, `phrase` 5. */
const THING_MAX = 20;
const PHRASE_MAX = 5;

/** `text` within `max` characters (as WeChat counts them), its end replaced by … when cut. */
function within(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A status in at most PHRASE_MAX characters (a `phrase` value): STATUS_LABELS where they fit. */
const STATUS_PHRASES: Record<ApplicationStatus, string> = { ...STATUS_LABELS, verified: '核验通过' };

/**
 * The status template's values for a move (thing1 the item and the step reached, phrase2 the state, time3 when,
 * thing4 the note): on a refusal (13, 40, failed, rejected) the note is the center's reason, else its words.
 */
export function statusNotice(app: ApplicationRecord, words: { message: string; reason?: string }): Record<'thing1' | 'phrase2' | 'time3' | 'thing4', string> {
  const step = app.platformCode ? TRANSFER_CODES[app.platformCode].name : stepOf(app.type, app);
  const refused = REFUSAL_STATUSES.includes(app.platformCode ?? app.status);
  const note = refused ? `原因：${words.reason ?? words.message}` : words.message;
  return {
    thing1: within(`${TYPE_LABELS[app.type]}：${step}`, THING_MAX),
    phrase2: within(app.platformCode === '13' ? '未通过' : STATUS_PHRASES[app.status], PHRASE_MAX),
    time3: formatShanghai(app.updatedAt),
    thing4: within(note, THING_MAX),
  };
}

/**
 * Sends one subscribe message by the status template (SUBSCRIBE_TEMPLATE_STATUS; fields thing1 what, phrase2
 * state, time3 time, thing4 note), when it is configured. A message that cannot be sent (no subscription left,
 * WeChat down) is logged as `unsent` with `logged` beside the error: what it tells stays where the person sees it.
 */
async function sendTemplate(ctx: Pick<FunctionContext, 'outside' | 'log'>, message: Omit<SubscribeMessage, 'templateId'>, unsent: string, logged: Record<string, string> = {}): Promise<void> {
  const templateId = ctx.outside.statusTemplateId;
  if (!templateId) return;
  try {
    await ctx.outside.wechat().sendSubscribeMessage({ ...message, templateId });
  } catch (error) {
    ctx.log.warn({ err: error, ...logged }, unsent);
  }
}

/**
 * Tells the employee their application moved, by the subscribe message they agreed to at submission; the timeline still has the step.
 * A test case's applicant is synthetic: no message (the tester follows it on the checklist and 我的申请).
 */
export async function notifyApplicant(ctx: Pick<FunctionContext, 'outside' | 'log'>, app: ApplicationRecord, words: { message: string; reason?: string }): Promise<void> {
  if (app.test) return;
  const data = statusNotice(app, words);
  await sendTemplate(ctx, { touser: app.openid, page: `pages/application/index?id=${app.id}`, data }, 'status notification not sent', { applicationId: app.id });
}

/**
 * Tells a person their document was bound to another WeChat account (their own binding ended), by the same
 * template (thing1 what, phrase2 outcome, time3 when, thing4 where: the center, or 人脸核身), opening 我的
 * where the notice stays.
 */
export async function notifyBindingMoved(ctx: Pick<FunctionContext, 'outside' | 'log'>, openid: string, at: Date, where: string): Promise<void> {
  const data = { thing1: '证件已绑定到其他微信账号', phrase2: '已解除', time3: formatShanghai(at), thing4: where.slice(0, THING_MAX) };
  await sendTemplate(ctx, { touser: openid, page: 'pages/mine/index', data }, 'binding notice not sent');
}

/**
 * Reminds a center's staff member to fill the monthly figures of a period (from the 16th, once per center and
 * period), by the same template (thing1 what, phrase2 state, time3 the due date, thing4 where), opening the portal's
 * monthly figures.
 */
export async function notifyMonthlyDue(ctx: Pick<FunctionContext, 'outside' | 'log'>, openid: string, month: string, due: string): Promise<void> {
  const data = { thing1: `${month} 月度统计数据`, phrase2: '待填报', time3: `${due} 23:59`, thing4: '请在报送截止前填报本中心数据' };
  await sendTemplate(ctx, { touser: openid, page: 'packages/portal/figures/index', data }, 'monthly reminder not sent');
}
