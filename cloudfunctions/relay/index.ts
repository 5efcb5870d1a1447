import { z } from 'zod';
import { AppError } from '../../src/core/errors';
import { relayDue } from '../_lib/delivery/relay';
import { defineFunction } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';

/** Fired by its one-minute timer (the event is CloudBase's timer event) and by a nudge after a submission. */
const RelayEventSchema = z.object({}).loose();

/** Sends the deliveries that are due to the centers' endpoints. Nobody calls it as a person. */
export const handler = defineFunction('relay', RelayEventSchema, async (_event, ctx) => {
  if (ctx.caller) throw new AppError('FORBIDDEN', '这个云函数只由定时器和系统调用');
  return relayDue(ctx);
});

export const main = deployed(handler);
