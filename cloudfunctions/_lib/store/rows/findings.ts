import * as z from 'zod';
import { ROLES } from '../../../../src/core/roles';
import { CATALOG_FIELDS, FINDING_STATUSES, isCheckKind, LINK_OBSERVATIONS, type CheckKind } from '../../../../src/core/trial';
import type { CatalogFixRecord, FindingEventRecord, FindingRecord } from '../port';
import { lazySchema, orNull, storedDate } from './read';

/**
 * The trial's findings and catalog fixes (migration 22). A finding's history is kept as JSON in both adapters (a
 * jsonb column, an array in the document), its times as ISO strings, read back here as dates.
 */

const checkKind = () => z.string().refine((v): v is CheckKind => isCheckKind(v), 'is not a check');
const isoDate = () => z.iso.datetime().transform((v) => new Date(v));

const findingEventRow = () =>
  z.object({
    kind: z.enum(['opened', 'fixed', 'reopened', 'closed']),
    by: z.string(),
    byRole: z.enum(ROLES),
    at: isoDate(),
    note: orNull(z.string()),
  });

export const findingRow = lazySchema<FindingRecord>(() =>
  z.object({
    id: z.string(),
    province: z.string(),
    centerCode: z.string(),
    check: checkKind(),
    owner: z.enum(['supervisor', 'center']),
    status: z.enum(FINDING_STATUSES),
    expected: orNull(z.string()),
    seen: orNull(z.string()),
    observed: orNull(z.enum(LINK_OBSERVATIONS)),
    screenshot: orNull(z.object({ fileId: z.string(), name: z.string() })),
    openedBy: z.string(),
    openedAt: storedDate(),
    updatedAt: storedDate(),
    history: z.array(findingEventRow()).min(1),
  }),
);

/** A history as both adapters keep it: times as ISO strings. */
export const storedHistory = (history: readonly FindingEventRecord[]) => history.map((e) => ({ ...e, at: e.at.toISOString() }));

/** The screenshot of `before` that an observation with a screenshot of its own replaces (null when none, or the same file). */
export const replacedScreenshot = (before: FindingRecord, observation: FindingRecord): FindingRecord['screenshot'] =>
  observation.screenshot && before.screenshot && before.screenshot.fileId !== observation.screenshot.fileId ? before.screenshot : null;

export const catalogFixRow = lazySchema<CatalogFixRecord>(() =>
  z.object({
    id: z.string(),
    centerCode: z.string(),
    field: z.enum(CATALOG_FIELDS),
    from: z.string(),
    to: z.string(),
    findingId: orNull(z.string()),
    status: z.enum(['pending', 'approved', 'rejected']),
    proposedBy: z.string(),
    proposedAt: storedDate(),
    reviewedBy: orNull(z.string()),
    reviewedAt: orNull(storedDate()),
    reason: orNull(z.string()),
  }),
);
