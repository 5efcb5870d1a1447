import * as z from 'zod';
import { resumeConformanceRuns } from '../_lib/centers/conformance-runs';
import { relayDue } from '../_lib/services/relay';
import { removeEndedCopies } from '../_lib/files/downloads';
import { atCallTime, defineFunction, requireTimerOrInternal } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';

/**
 * Fired by its one-minute timer (the event is CloudBase's timer event) and by a nudge after a submission
 * (`{ nudge: INTERNAL_NUDGE_SECRET }`); which of them it was is the runtime's to say (ctx.trigger), never the event's.
 */
const RelayEventSchema = z.object({}).loose();

/**
 * Sends the deliveries that are due to the centers' endpoints and, beside them, goes on with the centers' interface
 * tests (nudged when one starts, resumed by the timer) and removes the opened copies whose links have ended. Nobody calls it as a person: anyone else is FORBIDDEN.
 */
export const handler = defineFunction('relay', RelayEventSchema, async (_event, ctx) => {
  requireTimerOrInternal(ctx, '定时器和系统');
  const [run, conformance] = await Promise.all([relayDue(ctx), resumeConformanceRuns(ctx), removeEndedCopies(atCallTime(ctx))]);
  return { ...run, conformance };
});

export const main = deployed(handler);
