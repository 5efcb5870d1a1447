import * as z from 'zod';
import { UPLOAD_ID_PATTERN } from '../applications/payloads';
import { CenterCodeSchema } from '../centers';
import { handCodeSchema } from '../codes';
import { CheckKindSchema, FINDING_STATUSES, FINDING_TEXT_MAX, FindingIdSchema, LINK_OBSERVATIONS, OPTIONAL_TEST_TYPES } from '../trial';
import { textField } from '../validation';

const findingText = (label: string) => textField(label, { multiline: true }).min(1, `请填写${label}`).max(FINDING_TEXT_MAX, `${label}不超过 ${FINDING_TEXT_MAX} 个字`);

/** A screenshot uploaded like an attachment (uploads/<random>), kept with the finding. */
export const ScreenshotRefSchema = z.object({
  fileId: z.string({ error: '截图未上传成功，请重新选择' }).regex(UPLOAD_ID_PATTERN, '截图未上传成功，请重新选择'),
  name: textField('截图文件名').min(1, '请填写截图文件名').max(100, '截图文件名不超过 100 个字'),
});

/** The code of a trial invite, as typed or carried by the QR code's scene (case and spaces forgiven). */
export const TrialInviteCodeSchema = handCodeSchema('邀请码');

/**
 * Function `trial` (issue 15): testers of one province join with an invite, check each center of the province
 * (name, phone, poster code, every link and route, a test transfer the center must accept, optional test
 * applications), open findings on what is wrong, and check them again once fixed. `join` is open to anyone signed
 * in (it is how a tester gets in before launch); every other action is for testers of the center's province.
 */
export const TrialEventSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('join'), code: TrialInviteCodeSchema }),
    z.object({ action: z.literal('centers') }),
    z.object({ action: z.literal('checklist'), centerCode: CenterCodeSchema }),
    z
      .object({
        action: z.literal('record'),
        centerCode: CenterCodeSchema,
        check: CheckKindSchema,
        ok: z.boolean({ error: '请选择检查结果（正确或有误）' }),
        // what is right (the correct name or phone, the page that should have opened); asked for when ok is false
        expected: findingText('正确内容').optional(),
        note: findingText('说明').optional(),
        // link checks: what the app saw by itself when the tester tapped the link
        observed: z.enum(LINK_OBSERVATIONS, { error: '打开结果应为 loaded、load-failed、opened、open-failed 或 fallback' }).optional(),
        screenshot: ScreenshotRefSchema.optional(),
      })
      .superRefine((e, ctx) => {
        if (e.check === 'transfer' || e.check.startsWith('test:')) {
          ctx.addIssue({ code: 'custom', path: ['check'], message: '测试申请的结果由中心受理情况自动记录，请发送测试申请' });
        } else if (!e.ok && (e.check === 'name' || e.check === 'phone') && e.expected === undefined) {
          ctx.addIssue({ code: 'custom', path: ['expected'], message: e.check === 'name' ? '请填写正确的中心名称' : '请填写正确的服务电话' });
        } else if (!e.ok && e.expected === undefined && e.note === undefined) {
          ctx.addIssue({ code: 'custom', path: ['note'], message: '请说明看到的问题' });
        }
        if (e.observed !== undefined && !e.check.startsWith('link:')) {
          ctx.addIssue({ code: 'custom', path: ['observed'], message: '打开结果只用于链接检查' });
        }
      }),
    z.object({ action: z.literal('testTransfer'), centerCode: CenterCodeSchema }),
    z.object({
      action: z.literal('testApplication'),
      centerCode: CenterCodeSchema,
      type: z.enum(OPTIONAL_TEST_TYPES, { error: '测试申请类型应为 certificate-loan-cleared、certificate-deposit-use 或 purchase-withdrawal' }),
    }),
    z.object({ action: z.literal('findings'), status: z.enum(FINDING_STATUSES, { error: '问题状态应为 open、fixed 或 closed' }).optional() }),
    z
      .object({ action: z.literal('recheck'), findingId: FindingIdSchema, ok: z.boolean({ error: '请选择复核结果（已解决或仍有问题）' }), note: findingText('复核说明').optional() })
      .refine((e) => e.ok || e.note !== undefined, { path: ['note'], message: '仍有问题时请写明看到的情况' }),
  ],
  { error: '不支持的操作' },
);
export type TrialEvent = z.infer<typeof TrialEventSchema>;
