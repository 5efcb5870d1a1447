import { CentersEventSchema } from '../../src/core/contracts/centers';
import { defineOpenActions } from '../_lib/runtime/define';
import { verifyCode } from '../_lib/applications/certificate-code';
import { recordScan } from '../_lib/centers/poster';
import { deployed } from '../_lib/runtime/deployed';
import { findCenters, getCenter, jumpToItem, listCenters } from '../_lib/services/centers';

/**
 * Center directory: search, list, one center with its links, the jump to an item's online channel, and a scan of a
 * center's poster code. Before launch
 * people without a role get NOT_LAUNCHED; in a staged opening they see and open only the centers of open provinces.
 */
export const handler = defineOpenActions(
  'centers',
  CentersEventSchema,
  {
    search: async (event, { store, now, openTo }) => ({ items: (await findCenters(store, event.query, now)).filter((c) => openTo(c.code)) }),
    list: async (_event, { store, now, openTo }) => ({ items: (await listCenters(store, now)).filter((c) => openTo(c.code)) }),
    get: async (event, { store, now }) => ({ center: await getCenter(store, event.code, now) }),
    jump: (event, { store, now }) => jumpToItem(store, event.code, event.item, now),
    scanned: (event, ctx) => recordScan(ctx, event.code, ctx.caller),
    verifyCode: (event, ctx) => verifyCode(ctx, ctx.caller?.openid, event.token),
  },
  // the public check of a certificate code answers anyone, before launch too: it tells nothing of whose it is
  { exempt: ['verifyCode'], centerOf: (event) => ('code' in event ? event.code : undefined) },
);

export const main = deployed(handler);
