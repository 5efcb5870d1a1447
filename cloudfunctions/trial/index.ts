import { TrialEventSchema } from '../../src/core/contracts/trial';
import { defineActions } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { recheckFinding, testerFindings } from '../_lib/trial/findings';
import { joinTrial } from '../_lib/trial/invites';
import { sendTestApplication } from '../_lib/trial/test-applications';
import { checklist, recordCheck, trialCenters } from '../_lib/trial/tester';

/**
 * The internal trial (issue 15): a signed-in person joins as a tester with an invite; testers check each center of
 * their province, send it test applications, and check its findings again once fixed. Joining is how a tester gets
 * in before launch: the launch gate lets `join` through however closed.
 */
export const handler = defineActions('trial', TrialEventSchema, {
  join: (event, ctx) => joinTrial(ctx, ctx.caller.openid, event.code),
  centers: (_event, ctx) => trialCenters(ctx, ctx.caller),
  checklist: (event, ctx) => checklist(ctx, ctx.caller, event.centerCode),
  record: (event, ctx) => recordCheck(ctx, ctx.caller, event),
  testTransfer: (event, ctx) => sendTestApplication(ctx, ctx.caller, event.centerCode, 'transfer'),
  testApplication: (event, ctx) => sendTestApplication(ctx, ctx.caller, event.centerCode, event.type),
  findings: (event, ctx) => testerFindings(ctx, ctx.caller, event.status),
  recheck: (event, ctx) => recheckFinding(ctx, ctx.caller, event.findingId, event.ok, event.note),
}, { exempt: ['join'] });

export const main = deployed(handler);
