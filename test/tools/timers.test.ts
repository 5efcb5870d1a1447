import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readTimerTriggers, scheduleTimers, toCronerPattern, type TimerEvent } from '../../tools/local-cloud/timers';

describe('timer triggers on the local host', () => {
  it('reads the timer triggers of every function from cloudbaserc.json', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gjj-rc-'));
    const file = path.join(dir, 'cloudbaserc.json');
    writeFileSync(
      file,
      JSON.stringify({
        functions: [
          { name: 'relay', triggers: [{ name: 'every-minute', type: 'timer', config: '0 */1 * * * * *' }] },
          { name: 'centers' },
        ],
      }),
    );
    expect(readTimerTriggers(file)).toEqual([{ functionName: 'relay', triggerName: 'every-minute', config: '0 */1 * * * * *' }]);
  });

  it('reads the project cloudbaserc.json, every trigger in 7-field form', () => {
    for (const t of readTimerTriggers(path.resolve(__dirname, '../../cloudbaserc.json'))) expect(() => toCronerPattern(t.config)).not.toThrow();
  });

  it('turns CloudBase 7-field cron into croner 6-field and refuses other shapes', () => {
    expect(toCronerPattern('0 */1 * * * * *')).toBe('0 */1 * * * *');
    expect(() => toCronerPattern('*/5 * * * *')).toThrow('7 段');
    expect(() => toCronerPattern('0 0 2 * * * 2027')).toThrow('年份');
  });

  it('fires a function on its cron with a Timer event', async () => {
    const fired: { fn: string; event: TimerEvent }[] = [];
    const stop = scheduleTimers([{ functionName: 'relay', triggerName: 'tick', config: '* * * * * * *' }], async (fn, event) => {
      fired.push({ fn, event });
    });
    await new Promise((r) => setTimeout(r, 2200));
    stop();
    expect(fired.length).toBeGreaterThanOrEqual(1);
    expect(fired[0]).toMatchObject({ fn: 'relay', event: { Type: 'Timer', TriggerName: 'tick' } });
    expect(Number.isNaN(Date.parse(fired[0].event.Time))).toBe(false);
    const count = fired.length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(fired.length).toBe(count); // stopped means stopped
  });
});
