import * as z from 'zod';
import { LINK_OBSERVATIONS, isCheckKind, type CheckKind } from '../../../../src/core/trial';
import type { TrialCheckRecord } from '../port';
import { lazySchema, orNull, storedDate } from './read';

/** A tester's check result as stored (migration 20; CloudBase `trialChecks`). */
export const trialCheckRow = lazySchema<TrialCheckRecord>(() =>
  z.object({
    centerCode: z.string(),
    check: z.custom<CheckKind>(isCheckKind, 'is not a check kind'),
    ok: z.boolean(),
    note: orNull(z.string()),
    expected: orNull(z.string()),
    observed: orNull(z.enum(LINK_OBSERVATIONS)),
    checkedBy: z.string(),
    checkedAt: storedDate(),
  }),
);
