import * as z from 'zod';
import type { AttachmentFetchRecord } from '../port';
import { lazySchema, orNull, storedDate } from './read';

/** A fetch of a delivery's attachment as stored (migration 25; CloudBase `attachmentFetches`). */
export const attachmentFetchRow = lazySchema<AttachmentFetchRecord>(() =>
  z.object({
    at: storedDate(),
    applicationId: orNull(z.string()),
    attachmentId: orNull(z.string()),
    centerCode: orNull(z.string()),
    webhookId: orNull(z.string()),
    httpStatus: z.number().int(),
    refusal: orNull(z.string()),
    // missing on CloudBase documents written before the ranges
    byteRange: orNull(z.string()).default(null),
  }),
);
