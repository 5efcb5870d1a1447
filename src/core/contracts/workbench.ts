import * as z from 'zod';
import { UPLOAD_ID_PATTERN } from '../applications/payloads';
import { StatusContactSchema, statusReasonField } from '../center-api';
import { paymentSchema } from '../money';
import { CENTER_STATUSES, TRANSFER_CODE_LIST } from '../applications/state-machine';
import { textField } from '../validation';
import { ApplicationIdSchema as applicationId, reasonField as reason } from './fields';


/** What staff may give with a status, as a center's callback may (docs/center-api.md 5.1): the reason and whom to call. */
const STATUS_DETAIL = { reason: statusReasonField('原因').optional(), contact: StatusContactSchema.optional() };

/** What center staff do in the workbench; the same state machine as the center API. Checked as of `now` (the call's own time). */
export const workbenchEventSchema = (now: Date) => z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('list') }),
    z.object({ action: z.literal('get'), id: applicationId }),
    z.object({
      action: z.literal('advance'),
      id: applicationId,
      code: z.literal(TRANSFER_CODE_LIST, { error: (issue) => (typeof issue.input === 'string' ? '不是有效的办理状态代码' : '请选择办理状态') }),
      message: reason('办理说明').optional(),
      ...STATUS_DETAIL,
    }),
    z.object({ action: z.literal('reject'), id: applicationId, reason: reason('不予受理的理由') }),
    z.object({ action: z.literal('requestMaterial'), id: applicationId, message: reason('需补充的材料') }),
    z.object({
      action: z.literal('setStatus'),
      id: applicationId,
      status: z.enum(CENTER_STATUSES, { error: '请选择办理状态' }),
      message: reason('办理说明').optional(),
      ...STATUS_DETAIL,
      /**
       * The certificate, required to complete a certificate application: a PDF the portal uploaded first (under
       * `uploads/`, as employees' attachments are), so the call never carries the file.
       */
      document: z
        .object({
          name: textField('文件名', { missing: '缺少文件名' }).min(1, '缺少文件名').max(100, '文件名不超过 100 个字符'),
          fileId: z.string({ error: '证明文件未上传成功，请重新选择' }).regex(UPLOAD_ID_PATTERN, '证明文件未上传成功，请重新选择'),
        })
        .optional(),
      /** What the deposit-locale center paid, required to complete a purchase withdrawal. */
      payment: paymentSchema(now).optional(),
    }),
    /** An attachment of the application, opened by staff of a center taking part (each opening is logged). */
    z.object({ action: z.literal('attachment'), id: applicationId, attachmentId: z.string({ error: '缺少附件编号' }).regex(/^[a-f0-9]{20}$/, '附件编号格式不正确') }),
    z.object({ action: z.literal('followUps') }),
    z.object({ action: z.literal('closeFollowUp'), id: applicationId, note: reason('回访处理情况') }),
    /** 已核实 on a co-buyer's withdrawal held for the centers, with what staff checked. */
    z.object({ action: z.literal('checkContract'), id: applicationId, note: reason('核实情况') }),
    z.object({ action: z.literal('fixFollowUp'), id: applicationId, note: reason('整改情况') }),
    z.object({ action: z.literal('followUpPhone'), id: applicationId }),
  ],
  { error: '不支持的操作' },
);
export type WorkbenchEvent = z.infer<ReturnType<typeof workbenchEventSchema>>;
