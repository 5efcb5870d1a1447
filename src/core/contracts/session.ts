import * as z from 'zod';

/** The contract of function `session`: who the caller is. A union of one, like every other function's event, so an event that is not an object is named by its `action`. */
export const SessionEventSchema = z.discriminatedUnion('action', [z.object({ action: z.literal('whoami') })], { error: '不支持的操作（action 应为 whoami）' });
