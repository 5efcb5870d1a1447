import * as z from 'zod';
import type { CalendarYearRecord } from '../port';
import { lazySchema, storedDate } from './read';

/** A year of the official calendar as a supervisor loaded it. */
export const calendarYearRow = lazySchema<CalendarYearRecord>(() =>
  z.object({
    year: z.number(),
    notice: z.object({ title: z.string(), number: z.string(), date: z.string() }),
    holidays: z.array(z.object({ name: z.string(), from: z.string(), to: z.string() })),
    workdays: z.array(z.string()),
    loadedBy: z.string(),
    loadedAt: storedDate(),
  }),
);
