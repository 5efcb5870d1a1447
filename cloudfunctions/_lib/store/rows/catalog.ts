import * as z from 'zod';
import type { CenterLink, StoredCenter } from '../../../../src/core/centers';
import { ITEM_IDS } from '../../../../src/core/items';
import { lazySchema, orNull } from './read';

/** A catalog center with its service hall (null while none is recorded). */
export const centerRow = lazySchema<StoredCenter>(() =>
  z.object({
    code: z.string(),
    name: z.string(),
    province: z.string(),
    city: z.string(),
    phone: z.string(),
    live: z.boolean(),
    pinyin: z.string(),
    initials: z.string(),
    provincePinyin: z.string(),
    provinceInitials: z.string(),
    counter: orNull(z.object({ address: z.string(), hours: z.string() })),
  }),
);

export const itemId = () => z.literal(ITEM_IDS);

/** An item's current link (a channel with its health) or route (in-app request, counter: no channel). */
export const linkRow = lazySchema<CenterLink>(() =>
  z.discriminatedUnion('kind', [
    z.object({ item: itemId(), kind: z.literal('web'), url: z.string(), healthy: z.boolean() }),
    z.object({ item: itemId(), kind: z.literal('miniprogram'), appId: z.string(), path: z.string(), healthy: z.boolean() }),
    z.object({ item: itemId(), kind: z.literal(['in-app', 'counter']) }),
  ]),
);
