import { SessionEventSchema } from '../../src/core/contracts/session';
import { launchFor } from '../../src/core/trial';
import { defineActions } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { readLaunch } from '../_lib/runtime/launch-state';
import { cancelDeletion, copyOfMyData, deletionStatus, requestDeletion } from '../_lib/services/privacy';

/**
 * Who the platform says the caller is, what they may do, and whether the app is open to them (answered however
 * closed); and the person's rights over their account, which closing the app before launch never takes away.
 */
export const handler = defineActions(
  'session',
  SessionEventSchema,
  {
    whoami: async (_event, { caller, store }) => ({ roles: caller.roles, launch: launchFor(await readLaunch(store), caller.roles.length > 0) }),
    deletionStatus: (_event, ctx) => deletionStatus(ctx, ctx.caller.openid),
    requestDeletion: (_event, ctx) => requestDeletion(ctx, ctx.caller),
    cancelDeletion: (_event, ctx) => cancelDeletion(ctx, ctx.caller.openid),
    myData: (_event, ctx) => copyOfMyData(ctx, ctx.caller.openid),
  },
  { exempt: ['whoami', 'deletionStatus', 'requestDeletion', 'cancelDeletion', 'myData'] },
);

export const main = deployed(handler);
