import { z } from 'zod';
import { ProposeEndpointSchema, ProposeLinkSchema } from '../center-portal';
import { HAND_CODE_LENGTH, HAND_CODE_PATTERN } from '../codes';

/** Function `portal`: a signed-in person joins a center with an invite; its staff then act for that center only. */
export const PortalEventSchema = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('joinCenter'),
      code: z
        .string({ error: '请填写邀请码' })
        .trim()
        .toUpperCase()
        .regex(HAND_CODE_PATTERN, `邀请码应为 ${HAND_CODE_LENGTH} 位字母或数字`),
    }),
    z.object({ action: z.literal('overview') }),
    ProposeLinkSchema,
    ProposeEndpointSchema,
    z.object({ action: z.literal('rotateSecret') }),
    z.object({ action: z.literal('runConformance') }),
  ],
  { error: '不支持的操作' },
);
export type PortalEvent = z.infer<typeof PortalEventSchema>;
