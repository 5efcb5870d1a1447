import { readFileSync } from 'node:fs';
import { Cron } from 'croner';
import * as z from 'zod';

const CloudbaseRcSchema = z.object({
  functions: z.array(
    z.object({
      name: z.string(),
      triggers: z.array(z.object({ name: z.string(), type: z.literal('timer'), config: z.string() })).optional(),
    }),
  ),
});

export interface TimerTrigger {
  functionName: string;
  triggerName: string;
  /** CloudBase's 7-field cron: second minute hour day month weekday year. */
  config: string;
}

export function readTimerTriggers(cloudbasercPath: string): TimerTrigger[] {
  const rc = CloudbaseRcSchema.parse(JSON.parse(readFileSync(cloudbasercPath, 'utf8')));
  return rc.functions.flatMap((fn) => (fn.triggers ?? []).map((t) => ({ functionName: fn.name, triggerName: t.name, config: t.config })));
}

/** CloudBase cron has a year field croner lacks; only "*" is meaningful for a running service. */
export function toCronerPattern(config: string): string {
  const fields = config.trim().split(/\s+/);
  if (fields.length !== 7) throw new Error(`定时触发器应为 7 段 cron：${config}`);
  if (fields[6] !== '*') throw new Error(`本地运行不支持指定年份的定时触发器：${config}`);
  return fields.slice(0, 6).join(' ');
}

/** The event CloudBase passes a function fired by a timer. */
export interface TimerEvent {
  Type: 'Timer';
  TriggerName: string;
  Time: string;
}

/**
 * Fires each timer trigger on its cron in Asia/Shanghai (as CloudBase does, UTC+8). A run still going
 * when the next is due is not started twice. Returns a function that stops them all.
 */
export function scheduleTimers(triggers: readonly TimerTrigger[], fire: (functionName: string, event: TimerEvent) => Promise<unknown>): () => void {
  const jobs = triggers.map(
    (t) =>
      new Cron(toCronerPattern(t.config), { timezone: 'Asia/Shanghai', protect: true }, async (self: Cron) => {
        await fire(t.functionName, { Type: 'Timer', TriggerName: t.triggerName, Time: (self.currentRun() ?? new Date()).toISOString() });
      }),
  );
  return () => jobs.forEach((j) => j.stop());
}
