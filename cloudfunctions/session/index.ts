import { SessionEventSchema } from '../../src/core/contracts/session';
import { launchFor } from '../../src/core/trial';
import { defineActions } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { readLaunch } from '../_lib/runtime/launch-state';

/** Who the platform says the caller is, what they may do, and whether the app is open to them (answered however closed). */
export const handler = defineActions(
  'session',
  SessionEventSchema,
  {
    whoami: async (_event, { caller, store }) => ({ roles: caller.roles, launch: launchFor(await readLaunch(store), caller.roles.length > 0) }),
  },
  { exempt: ['whoami'] },
);

export const main = deployed(handler);
