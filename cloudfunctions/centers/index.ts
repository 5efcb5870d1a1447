import { CentersEventSchema } from '../../src/core/contracts/centers';
import { defineOpenActions } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { findCenters, getCenter, jumpToItem, listCenters } from '../_lib/services/centers';

/** Center directory: search, list, one center with its links, and the jump to an item's online channel. */
export const handler = defineOpenActions('centers', CentersEventSchema, {
  search: async (event, { store, now }) => ({ items: await findCenters(store, event.query, now) }),
  list: async (_event, { store, now }) => ({ items: await listCenters(store, now) }),
  get: async (event, { store }) => ({ center: await getCenter(store, event.code) }),
  jump: (event, { store, now }) => jumpToItem(store, event.code, event.item, now),
});

export const main = deployed(handler);
