import * as z from 'zod';
import { CertificatePayloadSchema, purchaseWithdrawalPayloadSchema, REQUEST_ID_PATTERN, ServiceRequestPayloadSchema, TransferPayloadSchema } from '../applications/payloads';
import { FIX_SCORES } from '../applications/follow-up-clock';
import { CERTIFICATE_TYPES, COMMENT_MAX, FOLLOW_UP_AT_OR_BELOW, RATING_SCORES } from '../applications/status';
import { textField } from '../validation';
import { ApplicationIdSchema as applicationId } from './fields';

/** The contract of function `applications`: what the employee does with their own applications. */
const requestId = z.string({ error: '缺少请求编号' }).regex(REQUEST_ID_PATTERN, '请求编号应为 8 至 64 位字母、数字、下划线或连字符');
const RateEventSchema = z
  .object({
    action: z.literal('rate'),
    id: applicationId,
    score: z.literal(RATING_SCORES, { error: (issue) => (typeof issue.input === 'number' ? '评价等级应为 1 至 5' : '请选择评价等级') }),
    comment: textField('评价内容', { missing: '评价内容应为文字', multiline: true }).max(COMMENT_MAX, `评价内容不超过 ${COMMENT_MAX} 个字`).optional(),
  })
  .refine((e) => e.score > FOLLOW_UP_AT_OR_BELOW || (e.comment ?? '').length >= 2, {
    path: ['comment'],
    message: '评价为不满意时，请写明原因，中心将回访处理',
  });

/** The contract as of the call's own time (`now`): a purchase date after that day is refused. */
export const applicationsEventSchema = (now: Date) => z.discriminatedUnion(
  'action',
  [
    z.discriminatedUnion(
      'type',
      [
        z.object({ action: z.literal('submit'), type: z.literal('transfer'), requestId, payload: TransferPayloadSchema }),
        z.object({ action: z.literal('submit'), type: z.enum(CERTIFICATE_TYPES), requestId, payload: CertificatePayloadSchema }),
        z.object({ action: z.literal('submit'), type: z.literal('purchase-withdrawal'), requestId, payload: purchaseWithdrawalPayloadSchema(now) }),
        z.object({ action: z.literal('submit'), type: z.literal('service-request'), requestId, payload: ServiceRequestPayloadSchema }),
      ],
      { error: '不支持的申请类型' },
    ),
    z.object({ action: z.literal('list') }),
    z.object({ action: z.literal('get'), id: applicationId }),
    z.object({ action: z.literal('withdraw'), id: applicationId }),
    /** The form of one's own transfer, to apply again from it (a refused one). */
    z.object({ action: z.literal('formValues'), id: applicationId }),
    RateEventSchema,
    // the person's rating of the center's fix of their 差评 (issue 18 point 3), once it is 已整改
    z.object({ action: z.literal('rateFix'), id: applicationId, score: z.enum(FIX_SCORES, { error: '请选择对整改结果的评价：满意、基本满意或不满意' }) }),
    z.object({ action: z.literal('document'), id: applicationId, documentId: z.string({ error: '缺少文件编号' }).regex(/^[a-f0-9]{20}$/, '文件编号格式不正确') }),
    // the certificate code (issue 18 point 1, 亮码): show it, its reads, void it, let it be read once more
    z.object({ action: z.literal('showCode'), id: applicationId }),
    z.object({ action: z.literal('codeReads'), id: applicationId }),
    z.object({ action: z.literal('revokeCode'), id: applicationId }),
    z.object({ action: z.literal('allowCodeRead'), id: applicationId }),
  ],
  { error: '不支持的操作' },
);
export type ApplicationsEvent = z.infer<ReturnType<typeof applicationsEventSchema>>;
