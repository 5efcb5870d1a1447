import { PortalEventSchema } from '../../src/core/contracts/portal';
import { defineFunction, requireCaller } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { joinCenter, overview, proposeEndpoint, proposeLink, rotateSecret, runCenterConformance } from '../_lib/services/portal';

/** The center portal: a signed-in person joins a center with an invite; its staff register links and the endpoint. */
export const handler = defineFunction('portal', PortalEventSchema, async (event, ctx) => {
  const caller = requireCaller(ctx);
  const service = { ...ctx, now: ctx.now() };
  switch (event.action) {
    case 'joinCenter':
      return joinCenter(service, caller, event.code);
    case 'overview':
      return overview(service, caller);
    case 'proposeLink':
      return proposeLink(service, caller, event.item, event.link, event.effectiveDate);
    case 'proposeEndpoint':
      return proposeEndpoint(service, caller, event.endpoint, event.effectiveDate);
    case 'rotateSecret':
      return rotateSecret(service, caller);
    case 'runConformance':
      return runCenterConformance(service, caller);
  }
});

export const main = deployed(handler);
