import * as z from 'zod';
import { MonthlyFiguresSchema } from '../../../../src/core/supervision';
import type { MonthlyFiguresRecord, MonthlySubmissionRecord } from '../port';
import { lazySchema, orNull, storedDate } from './read';

/** The monthly statistics of annex 2: the centers' figures and the provinces' submitted (frozen) tables. */

export const monthlyFiguresRow = lazySchema<MonthlyFiguresRecord>(() =>
  z.object({
    centerCode: z.string(),
    period: z.string(),
    figures: MonthlyFiguresSchema,
    enteredBy: z.string(),
    enteredAt: storedDate(),
  }),
);

const count = () => z.number().int().min(0);
const amountWan = () => z.number().min(0);
const perItem = () => z.object({ '4': count(), '5': count(), '6': count() });

const monthlyRow = () =>
  z.object({
    centerCode: z.string(),
    centerName: z.string(),
    province: z.string(),
    items: z.object({
      '4': z.object({ online: z.boolean(), volume: count() }),
      '5': z.object({ online: z.boolean(), volume: count() }),
      '6': z.object({ online: z.boolean(), volume: count() }),
      '7': z.object({ count: count(), amountWan: amountWan() }),
      '8': z.object({ count: count() }),
    }),
    windows: count(),
    zones: count(),
    training: count(),
    reference: z.object({ jumps: perItem(), inApp: perItem(), joint: z.object({ count: count(), amountWan: amountWan() }), certificates: count() }),
    filledAt: orNull(z.string()),
  });

const monthlyTotals = () =>
  z.object({
    items: z.object({
      '4': z.object({ online: count(), volume: count() }),
      '5': z.object({ online: count(), volume: count() }),
      '6': z.object({ online: count(), volume: count() }),
      '7': z.object({ count: count(), amountWan: amountWan() }),
      '8': z.object({ count: count() }),
    }),
    windows: count(),
    zones: count(),
    training: count(),
  });

export const monthlySubmissionRow = lazySchema<MonthlySubmissionRecord>(() =>
  z.object({
    province: z.string(),
    period: z.string(),
    version: z.number().int().min(1),
    submittedBy: z.string(),
    submittedAt: storedDate(),
    sha256: z.string(),
    fileName: z.string(),
    reason: orNull(z.string()),
    rows: z.array(monthlyRow()),
    totals: monthlyTotals(),
  }),
);
