import { CHANGE_NOTICE_WORKING_DAYS } from '../../../src/core/center-portal';
import { AppError } from '../../../src/core/errors';
import type { ItemId } from '../../../src/core/items';
import { provinceOfCenter } from '../../../src/core/supervision';
import { isOpenFor } from '../../../src/core/trial';
import type { Caller, ServiceContext } from '../runtime/define';
import { readLaunch } from '../runtime/launch-state';
import type { FindingRecord } from '../store/port';
import { markFixed } from './findings';

/**
 * Trial link corrections (issue 15): while a center's province is not launched, staff correcting a link a tester
 * found broken name the finding in their proposal (portal proposeLink { findingId }); the work order needs no
 * 10 working days' notice and goes live as soon as a supervisor approves it (admin reviewChange), audited as a
 * trial correction, and the finding becomes fixed for the tester to check again. After launch the normal rule holds,
 * also for a correction proposed before launch but reviewed after: approved, it takes effect on a date at least
 * 10 working days after the review (admin reviewChange).
 */

/** Why a proposal naming a finding still needs an effective date: the province is launched. */
export const TRIAL_OVER = '该中心所在省份已正式上线，链接变更须提前 10 个工作日提交，请选择生效日期';

/** What the review answers (and audits) of a trial correction whose province was launched after it was proposed. */
export const launchedBeforeReview = (date: string) =>
  `该中心所在省份已正式上线，这项试用期间更正按常规变更处理：须提前 ${CHANGE_NOTICE_WORKING_DAYS} 个工作日，于 ${date} 生效`;

/** Whether the center's province is launched now: a trial correction then follows the normal rule. */
export async function launchedFor(ctx: ServiceContext, centerCode: string): Promise<boolean> {
  return isOpenFor(await readLaunch(ctx.store), provinceOfCenter(centerCode));
}

/**
 * The open finding a proposal of the item's link corrects, or undefined when the center's province is launched
 * (the normal rule holds). A finding of another center is not found; one of another check or not open is refused.
 */
export async function trialCorrection(ctx: ServiceContext, centerCode: string, item: ItemId, findingId: string): Promise<FindingRecord | undefined> {
  const finding = await ctx.store.findings.get(findingId);
  if (!finding || finding.centerCode !== centerCode || finding.owner !== 'center') throw new AppError('FINDING_NOT_FOUND', '没有找到本中心的这个试用问题');
  if (finding.check !== `link:${item}`) throw new AppError('VALIDATION_FAILED', `这个试用问题不是事项 ${item} 的链接问题`, { findingId: `请选择事项 ${item} 链接的试用问题` });
  if (finding.status !== 'open') throw new AppError('VALIDATION_FAILED', '这个试用问题已不在待处理状态', { findingId: '请选择待处理的试用问题' });
  return (await launchedFor(ctx, centerCode)) ? undefined : finding;
}

/** Once a trial correction is live: its finding, if still open, becomes fixed with what went live as the note. */
export async function correctionLive(ctx: ServiceContext, caller: Caller, findingId: string, what: string): Promise<void> {
  const finding = await ctx.store.findings.get(findingId);
  if (finding?.status === 'open') await markFixed(ctx, finding, { by: caller.openid, byRole: 'supervisor', note: `试用期间更正已生效：${what}` });
}
