import { z } from 'zod';
import { AppError } from '../../src/core/errors';
import { defineFunction } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { runCentersDaily } from '../_lib/services/portal';

/** Fired by its daily timer (the event is CloudBase's timer event). */
const DailyEventSchema = z.object({}).loose();

/** Switches centers' approved changes on their effective date, then checks the health of every live link and endpoint. */
export const handler = defineFunction('centers-daily', DailyEventSchema, async (_event, ctx) => {
  if (ctx.caller) throw new AppError('FORBIDDEN', '这个云函数只由定时器调用');
  return runCentersDaily({ ...ctx, now: ctx.now() });
});

export const main = deployed(handler);
