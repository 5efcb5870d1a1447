import * as z from 'zod';
import { FULL_ONLINE_ITEMS, RECOMMENDATION_KINDS } from '../../../../src/core/supervision';
import type { InterfaceTestAt, LiaisonRecord, LinkHealthAt, OnlineReasonRecord, RecommendationRecord } from '../port';
import { itemId } from './catalog';
import { lazySchema, storedDate } from './read';

/** The supervision tables' own records (migration 15) and what progress reads of the histories as of a date. */

export const onlineReasonRow = lazySchema<OnlineReasonRecord>(() =>
  z.object({
    centerCode: z.string(),
    item: z.literal(FULL_ONLINE_ITEMS),
    reason: z.string(),
    expectedDate: z.string(),
    givenBy: z.string(),
    givenAt: storedDate(),
  }),
);

export const liaisonRow = lazySchema<LiaisonRecord>(() =>
  z.object({
    province: z.string(),
    contactSealed: z.string(),
    position: z.string(),
    landline: z.string(),
    updatedBy: z.string(),
    updatedAt: storedDate(),
  }),
);

export const recommendationRow = lazySchema<RecommendationRecord>(() =>
  z.object({
    id: z.string(),
    province: z.string(),
    kind: z.enum(RECOMMENDATION_KINDS),
    centerCode: z.string(),
    title: z.string(),
    summary: z.string(),
    addedBy: z.string(),
    addedAt: storedDate(),
  }),
);

/** A change of a link's health as logged (channel `link:<item>`), read as the item it names. */
export const linkHealthRow = lazySchema<LinkHealthAt>(() =>
  z
    .object({
      centerCode: z.string(),
      channel: z
        .string()
        .regex(/^link:\d+$/, 'is not a link')
        .transform((channel) => Number(channel.slice('link:'.length)))
        .pipe(itemId()),
      healthy: z.boolean(),
      checkedAt: storedDate(),
    })
    .transform(({ channel, ...found }) => ({ ...found, item: channel })),
);

export const interfaceTestRow = lazySchema<InterfaceTestAt>(() => z.object({ centerCode: z.string(), lastRunAt: storedDate(), passed: z.boolean() }));
