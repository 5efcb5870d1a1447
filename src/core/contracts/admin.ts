import * as z from 'zod';
import { SERVICE_REQUEST_ITEMS } from '../applications/payloads';
import { CalendarStatusEventSchema, CalendarYearEventSchema, LoadCalendarYearSchema, ReplaceCalendarYearSchema } from '../calendar';
import { ChangeIdSchema } from '../center-portal';
import { CenterCodeSchema, CenterCounterSchema, ITEM_ROUTES } from '../centers';
import { DisplayNameSchema, roleTargetIssue, roleTargetShape } from '../roles';
import { textField } from '../validation';
import { reasonField as reason } from './fields';

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
    // the official calendar (issue 12): each year's State Council arrangement, loaded and replaced by supervisors
    CalendarStatusEventSchema,
    CalendarYearEventSchema,
    LoadCalendarYearSchema,
    ReplaceCalendarYearSchema,
  ],
  { error: '不支持的操作' },
);
export type AdminEvent = z.infer<typeof AdminEventSchema>;
