import { z } from 'zod';
import { defineFunction, requireCaller } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';

// a union of one, like every other function's event, so an event that is not an object is named by its `action`
const SessionEventSchema = z.discriminatedUnion('action', [z.object({ action: z.literal('whoami') })], { error: '不支持的操作（action 应为 whoami）' });

/** Who the platform says the caller is, and what they may do. */
export const handler = defineFunction('session', SessionEventSchema, async (_event, ctx) => {
  const caller = requireCaller(ctx);
  return { roles: caller.roles };
});

export const main = deployed(handler);
