import * as z from 'zod';
import { atCallTime, defineFunction, requireTimer } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { runCentersDaily } from '../_lib/services/portal';

/** Fired by its daily timer (the event is CloudBase's timer event; the timer itself is known from ctx.trigger). */
const DailyEventSchema = z.object({}).loose();

/**
 * Brings open time limits in line with the official calendar (recompute: a year loaded, replaced or added by a
 * chinese-days upgrade; a recompute cut short), switches centers' approved changes on their effective date, then
 * checks the health of every live link and endpoint. Its timer only: nothing nudges it, so a relay nudge (which every function holding
 * INTERNAL_NUDGE_SECRET could send) starts no link probe.
 */
export const handler = defineFunction('centers-daily', DailyEventSchema, async (_event, ctx) => {
  requireTimer(ctx, '定时器');
  return runCentersDaily(atCallTime(ctx));
});

export const main = deployed(handler);
