import { SessionEventSchema } from '../../src/core/contracts/session';
import { defineActions } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';

/** Who the platform says the caller is, and what they may do. */
export const handler = defineActions('session', SessionEventSchema, {
  whoami: async (_event, { caller }) => ({ roles: caller.roles }),
});

export const main = deployed(handler);
