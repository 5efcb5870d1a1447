import { z } from 'zod';
import { defineFunction, requireTimerOrInternal } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { runCentersDaily } from '../_lib/services/portal';

/** Fired by its daily timer (the event is CloudBase's timer event; the timer itself is known from ctx.trigger). */
const DailyEventSchema = z.object({}).loose();

/** Switches centers' approved changes on their effective date, then checks the health of every live link and endpoint. */
export const handler = defineFunction('centers-daily', DailyEventSchema, async (_event, ctx) => {
  requireTimerOrInternal(ctx, '定时器');
  return runCentersDaily({ ...ctx, now: ctx.now() });
});

export const main = deployed(handler);
