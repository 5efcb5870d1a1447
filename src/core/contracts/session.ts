import * as z from 'zod';

/**
 * The contract of function `session`: who the caller is, and the person's rights over their account (PIPL arts. 45
 * and 47): the pending deletion, asking for it and cancelling it, and a copy of their own data.
 */
export const SessionEventSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('whoami') }),
    z.object({ action: z.literal('deletionStatus') }),
    z.object({ action: z.literal('requestDeletion') }),
    z.object({ action: z.literal('cancelDeletion') }),
    z.object({ action: z.literal('myData') }),
  ],
  { error: '不支持的操作（action 应为 whoami、deletionStatus、requestDeletion、cancelDeletion 或 myData）' },
);
