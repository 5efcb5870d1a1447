import { portalEventSchema } from '../../src/core/contracts/portal';
import { readCode } from '../_lib/applications/certificate-code';
import { portalBusinessDomains } from '../_lib/centers/business-domains';
import { readConformanceRun } from '../_lib/centers/conformance-runs';
import { posterCode } from '../_lib/centers/poster';
import { defineActions } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { joinCenter, overview, proposeEndpoint, proposeLink, rotateSecret, runCenterConformance } from '../_lib/services/portal';
import { monthlyFigures, setMonthlyFigures } from '../_lib/supervision/monthly';
import { setOnlineReason } from '../_lib/supervision/online-completion';
import { portalFindings, resolveFinding } from '../_lib/trial/findings';

/**
 * The center portal: a signed-in person joins a center with an invite; its staff register links and the endpoint.
 * Staff join before launch: joinCenter is open however closed (the launch gate), the rest is for people with a role.
 */
export const handler = defineActions('portal', portalEventSchema, {
  joinCenter: (event, ctx) => joinCenter(ctx, ctx.caller, event.code),
  overview: (_event, ctx) => overview(ctx, ctx.caller),
  proposeLink: (event, ctx) => proposeLink(ctx, ctx.caller, event.item, event.link, event.effectiveDate, event.findingId),
  proposeEndpoint: (event, ctx) => proposeEndpoint(ctx, ctx.caller, event.endpoint, event.effectiveDate),
  rotateSecret: (_event, ctx) => rotateSecret(ctx, ctx.caller),
  runConformance: (_event, ctx) => runCenterConformance(ctx, ctx.caller),
  conformanceRun: (event, ctx) => readConformanceRun(ctx, ctx.caller, event.runId),
  setOnlineReason: (event, ctx) => setOnlineReason(ctx, ctx.caller, event.item, event.reason, event.expectedDate),
  monthlyFigures: (event, ctx) => monthlyFigures(ctx, ctx.caller, event.period),
  setMonthlyFigures: (event, ctx) => setMonthlyFigures(ctx, ctx.caller, event.period, { volumes: event.volumes, outside: event.outside, windows: event.windows, zones: event.zones, training: event.training }, event.reason),
  trialFindings: (event, ctx) => portalFindings(ctx, ctx.caller, event.status),
  resolveFinding: (event, ctx) => resolveFinding(ctx, ctx.caller, event.id, event.note),
  posterCode: (_event, ctx) => posterCode(ctx, ctx.caller),
  businessDomains: (_event, ctx) => portalBusinessDomains(ctx, ctx.caller),
  readCode: (event, ctx) => readCode(ctx, ctx.caller, event.token),
}, { exempt: ['joinCenter'] });

export const main = deployed(handler);
