import { SessionEventSchema } from '../../src/core/contracts/session';
import { defineFunction, requireCaller } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';

/** Who the platform says the caller is, and what they may do. */
export const handler = defineFunction('session', SessionEventSchema, async (_event, ctx) => {
  const caller = requireCaller(ctx);
  return { roles: caller.roles };
});

export const main = deployed(handler);
