import * as z from 'zod';
import { FOLLOW_UP_PERIOD_MAX } from '../applications/follow-up-clock';
import { SERVICE_REQUEST_ITEMS } from '../applications/payloads';
import { BUSINESS_DOMAIN_STATES, BusinessDomainSchema, VerificationFileSchema } from '../business-domains';
import { CalendarStatusEventSchema, CalendarYearEventSchema, LoadCalendarYearSchema, ReplaceCalendarYearSchema } from '../calendar';
import { ChangeIdSchema } from '../center-portal';
import { CenterCodeSchema, CenterCounterSchema, ITEM_ROUTES } from '../centers';
import { DisplayNameSchema, roleTargetIssue, roleTargetShape } from '../roles';
import { ProvinceCodeSchema } from '../supervision';
import { CATALOG_FIELDS, CATALOG_FIX_ID_PATTERN, FINDING_STATUSES, FindingIdSchema, TESTER_HANDLE_PATTERN, TRIAL_INVITE_DAYS_MAX, TRIAL_INVITE_USES_MAX } from '../trial';
import { textField } from '../validation';
import { reasonField as reason } from './fields';

const period = (field: string) =>
  z
    .number({ error: `请填写${field}（工作日）` })
    .int(`${field}应为整数个工作日`)
    .min(1, `${field}至少 1 个工作日`)
    .max(FOLLOW_UP_PERIOD_MAX, `${field}不超过 ${FOLLOW_UP_PERIOD_MAX} 个工作日`);
/** The 差评 clock's two periods as a supervisor sets them. */
export const FollowUpPeriodsSchema = z.object({ callBackWorkingDays: period('回访时限'), fixWorkingDays: period('整改时限') });

/** Supervisors' actions on centers: endpoints, service halls and routes, staff invites, review of centers' changes, health. */
export const AdminEventSchema = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('setEndpoint'),
      centerCode: z.string({ error: '请提供中心代码' }).regex(/^\d{6}$/, '中心代码应为 6 位数字'),
      url: textField('接口地址').url('接口地址不是有效的网址'),
      // left out: the center's secrets stay; given: it replaces them
      secret: z.string({ error: '签名密钥应为文字' }).regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, '签名密钥应为 whsec_ 开头的 base64 串').optional(),
    }),
    z.object({ action: z.literal('setManual'), centerCode: z.string({ error: '请提供中心代码' }).regex(/^\d{6}$/, '中心代码应为 6 位数字') }),
    z.object({ action: z.literal('deadLetters') }),
    z.object({ action: z.literal('satisfaction') }),
    // the center's service hall, shown wherever the counter is the way (until the center portal takes this over)
    z.object({ action: z.literal('setCounter'), centerCode: CenterCodeSchema, ...CenterCounterSchema.shape }),
    // the route of an item the center does not yet offer fully online; a registered link gives way to it
    z.object({
      action: z.literal('setItemRoute'),
      centerCode: CenterCodeSchema,
      item: z.literal(SERVICE_REQUEST_ITEMS, { error: '办理事项应为 4（单位登记开户）、5（缴存信息变更）或 6（提前还清贷款）' }),
      route: z.enum(ITEM_ROUTES, { error: '办理方式应为 in-app（小程序内在线申请）或 counter（到服务大厅办理）' }),
    }),
    // center onboarding (issue 6): an invite code that makes its first user staff of the center
    z.object({ action: z.literal('inviteStaff'), centerCode: CenterCodeSchema }),
    // the work orders of centers' links and endpoints
    z.object({ action: z.literal('pendingChanges') }),
    z
      .object({
        action: z.literal('reviewChange'),
        id: ChangeIdSchema,
        approve: z.boolean({ error: '请选择通过或不通过' }),
        reason: reason('审核意见').optional(),
      })
      .refine((e) => e.approve || e.reason !== undefined, { path: ['reason'], message: '不通过时请写明理由' }),
    z.object({ action: z.literal('centerHistory'), centerCode: CenterCodeSchema }),
    z.object({ action: z.literal('linkHealth') }),
    // roles (issue 11): supervisors list, revoke and grant again staff, testers and supervisors, each audited
    z.object({ action: z.literal('roles') }),
    z.object({ action: z.literal('revokeRole'), ...roleTargetShape }).superRefine((e, ctx) => {
      const issue = roleTargetIssue(e);
      if (issue) ctx.addIssue({ code: 'custom', ...issue });
    }),
    z.object({ action: z.literal('grantRole'), ...roleTargetShape, displayName: DisplayNameSchema.optional() }).superRefine((e, ctx) => {
      const issue = roleTargetIssue(e);
      if (issue) ctx.addIssue({ code: 'custom', ...issue });
    }),
    // the 差评 clock's periods (issue 18 point 3), counted on that calendar
    z.object({ action: z.literal('followUpPeriods') }),
    z.object({ action: z.literal('setFollowUpPeriods'), ...FollowUpPeriodsSchema.shape }).refine((e) => e.callBackWorkingDays <= e.fixWorkingDays, {
      path: ['callBackWorkingDays'],
      message: '回访时限不能长于整改时限',
    }),
    // the official calendar (issue 12): each year's State Council arrangement, loaded and replaced by supervisors
    CalendarStatusEventSchema,
    CalendarYearEventSchema,
    LoadCalendarYearSchema,
    ReplaceCalendarYearSchema,
    // the internal trial (issue 15): invites for testers of a province (national supervisors, or provincial ones for
    // their own province), the testers, the findings on catalog fields, their reviewed corrections, and the launch
    z.object({
      action: z.literal('createTrialInvite'),
      province: ProvinceCodeSchema,
      uses: z.number({ error: '请填写可使用人数' }).int('可使用人数应为整数').min(1, '可使用人数至少为 1').max(TRIAL_INVITE_USES_MAX, `可使用人数不超过 ${TRIAL_INVITE_USES_MAX}`),
      days: z.number({ error: '请填写有效天数' }).int('有效天数应为整数').min(1, '有效天数至少为 1 天').max(TRIAL_INVITE_DAYS_MAX, `有效天数不超过 ${TRIAL_INVITE_DAYS_MAX} 天`),
      // the WeChat build asks for the mini-program code (wxacode.getUnlimited); H5 draws a QR code of the join page itself
      image: z.boolean({ error: 'image 应为 true 或 false' }).optional(),
    }),
    z.object({ action: z.literal('revokeTrialInvite'), id: z.string({ error: '缺少邀请编号' }).regex(/^inv[a-z0-9]{20}$/, '邀请编号格式不正确') }),
    z.object({ action: z.literal('trialInvites') }),
    // testers of the caller's scope, named by an opaque handle (never an openid), and revoked by it
    z.object({ action: z.literal('testers') }),
    z.object({ action: z.literal('revokeTester'), tester: z.string({ error: '缺少测试人员编号' }).regex(TESTER_HANDLE_PATTERN, '测试人员编号格式不正确') }),
    z.object({
      action: z.literal('trialFindings'),
      province: ProvinceCodeSchema.optional(),
      status: z.enum(FINDING_STATUSES, { error: '问题状态应为 open、fixed 或 closed' }).optional(),
    }),
    // supervisors mark fixed a finding they own (name, phone) or one of a center without staff in force, with a note
    z.object({ action: z.literal('resolveFinding'), id: FindingIdSchema, note: reason('处理说明') }),
    z.object({
      action: z.literal('proposeCatalogFix'),
      centerCode: CenterCodeSchema,
      field: z.enum(CATALOG_FIELDS, { error: '更正项应为 name（中心名称）或 phone（服务电话）' }),
      value: textField('更正后的内容').min(2, '请填写更正后的内容').max(60, '更正后的内容不超过 60 个字'),
      findingId: FindingIdSchema.optional(),
    }),
    z
      .object({
        action: z.literal('reviewCatalogFix'),
        id: z.string({ error: '缺少更正编号' }).regex(CATALOG_FIX_ID_PATTERN, '更正编号格式不正确'),
        approve: z.boolean({ error: '请选择通过或不通过' }),
        reason: reason('审核意见').optional(),
      })
      .refine((e) => e.approve || e.reason !== undefined, { path: ['reason'], message: '不通过时请写明理由' }),
    z.object({ action: z.literal('catalogFixes'), centerCode: CenterCodeSchema.optional() }),
    z.object({ action: z.literal('launchState') }),
    // national supervisors only: open or close the whole country (no province) or one province; each switch audited
    z.object({ action: z.literal('setLaunch'), province: ProvinceCodeSchema.optional(), open: z.boolean({ error: '请选择开放或关闭' }) }),
    // the mini-program's business domains (issue 16 point 1): every domain registered links use, with its state
    z.object({ action: z.literal('businessDomains') }),
    // national supervisors: `requested` with the verification file WeChat issued, `configured` once added in WeChat's console
    z
      .object({
        action: z.literal('setBusinessDomain'),
        domain: BusinessDomainSchema,
        state: z.enum(BUSINESS_DOMAIN_STATES, { error: '域名状态应为 unlisted、requested、file-placed 或 configured' }),
        file: VerificationFileSchema.optional(),
      })
      .refine((e) => e.state !== 'requested' || e.file !== undefined, { path: ['file'], message: '申请业务域名时请填写微信下发的校验文件' }),
  ],
  { error: '不支持的操作' },
);
export type AdminEvent = z.infer<typeof AdminEventSchema>;
