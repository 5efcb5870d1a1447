import * as z from 'zod';
import { CodeTokenSchema } from '../certificate-code';
import { CONFORMANCE_RUN_ID_PATTERN, ProposeEndpointSchema, ProposeLinkSchema } from '../center-portal';
import { calendarDate } from '../validation';
import { handCodeSchema } from '../codes';
import { CorrectionReasonSchema, FULL_ONLINE_ITEMS, MonthlyFiguresSchema, ONLINE_REASON_MAX } from '../supervision';
import { ReportMonthSchema } from './supervise';
import { shanghaiDate } from '../time';
import { FINDING_STATUSES, FindingIdSchema } from '../trial';
import { textField } from '../validation';
import { reasonField } from './fields';

/**
 * Function `portal`: a signed-in person joins a center with an invite; its staff then act for that center only.
 * Checked as of `now` (the call's own time): an expected date before that day is refused.
 */
export const portalEventSchema = (now: Date) => z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('joinCenter'),
      code: handCodeSchema('邀请码'),
    }),
    z.object({ action: z.literal('overview') }),
    ProposeLinkSchema,
    ProposeEndpointSchema,
    z.object({ action: z.literal('rotateSecret') }),
    // interface testing goes on in the background (issue 16 point 5): started at once, then polled by its id
    z.object({ action: z.literal('runConformance') }),
    z.object({ action: z.literal('conformanceRun'), runId: z.string({ error: '缺少测试编号' }).regex(CONFORMANCE_RUN_ID_PATTERN, '测试编号格式不正确') }),
    // supervision (issue 14): why an item (4-6) is not fully online yet, and by when it will be (annex 3's attachment)
    z.object({
      action: z.literal('setOnlineReason'),
      item: z.literal(FULL_ONLINE_ITEMS, { error: '事项应为 4（单位登记开户）、5（缴存信息变更）或 6（提前还清贷款）' }),
      reason: textField('未实现原因', { multiline: true }).min(2, '请填写未实现原因').max(ONLINE_REASON_MAX, `未实现原因不超过 ${ONLINE_REASON_MAX} 个字`),
      // "today" is the call's own day (`now`)
      expectedDate: calendarDate('预计完成日期').refine((d) => d >= shanghaiDate(now), '预计完成日期不能早于今天'),
    }),
    // monthly statistics (issue 14, annex 2): the center's line of a period, and what only the center knows of it;
    // after its province submitted the table a change is a correction and names its reason
    z.object({ action: z.literal('monthlyFigures'), period: ReportMonthSchema }),
    z.object({ action: z.literal('setMonthlyFigures'), period: ReportMonthSchema, ...MonthlyFiguresSchema.shape, reason: CorrectionReasonSchema.optional() }),
    // the internal trial (issue 15): the findings on the center's links, poster and endpoint (试用问题), marked fixed
    // with a note for the tester to check again; the center's poster code (WeChat build; H5 draws the page's URL)
    z.object({ action: z.literal('trialFindings'), status: z.enum(FINDING_STATUSES, { error: '问题状态应为 open、fixed 或 closed' }).optional() }),
    z.object({ action: z.literal('resolveFinding'), id: FindingIdSchema, note: reasonField('整改说明') }),
    z.object({ action: z.literal('posterCode') }),
    // the domains of the center's own web links, with the verification file to place where one is asked for (issue 16 point 1)
    z.object({ action: z.literal('businessDomains') }),
    // a holder's certificate code read by the center's staff (issue 18 point 1, 扫码核验): scanned, or typed on H5
    z.object({ action: z.literal('readCode'), token: CodeTokenSchema }),
  ],
  { error: '不支持的操作' },
);
export type PortalEvent = z.infer<ReturnType<typeof portalEventSchema>>;
