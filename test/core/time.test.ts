import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import fc from 'fast-check';
import { shanghaiDate, shanghaiDay, TIME_ZONE } from '../../src/core/time';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * China's date and day at an instant are worked out without the time zone database from the end of China's last
 * summer time on (a fixed UTC+8): the same answers as the database gives, before that date and after it.
 */
const byDatabase = (at: Date) => {
  const start = dayjs(at).tz(TIME_ZONE).startOf('day');
  return { date: dayjs(at).tz(TIME_ZONE).format('YYYY-MM-DD'), day: { start: start.toDate(), end: start.add(1, 'day').toDate() } };
};

describe('China dates at an instant', () => {
  it('answer as the time zone database does, at any instant from 1980 to 2100', () => {
    const instant = fc.date({ min: new Date('1980-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, (at) => {
        expect({ date: shanghaiDate(at), day: shanghaiDay(at) }).toEqual(byDatabase(at));
      }),
      { numRuns: 2_000 },
    );
  });

  it('turn at midnight in China, and across the end of the last summer time (1991-09-15)', () => {
    for (const iso of ['2026-12-05T15:59:59.999Z', '2026-12-05T16:00:00Z', '1991-09-14T16:59:59Z', '1991-09-14T17:00:00Z', '1991-09-14T15:00:00Z', '1991-06-01T15:30:00Z']) {
      const at = new Date(iso);
      expect({ date: shanghaiDate(at), day: shanghaiDay(at) }).toEqual(byDatabase(at));
    }
    expect(shanghaiDate(new Date('2026-12-05T16:00:00Z'))).toBe('2026-12-06');
    expect(shanghaiDay(new Date('2026-12-06T05:00:00Z'))).toEqual({ start: new Date('2026-12-05T16:00:00Z'), end: new Date('2026-12-06T16:00:00Z') });
  });
});
