import { CentersEventSchema } from '../../src/core/contracts/centers';
import { defineFunction } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { findCenters, getCenter, jumpToItem, listCenters } from '../_lib/services/centers';

/** Center directory: search, list, one center with its links, and the jump to an item's online channel. */
export const handler = defineFunction('centers', CentersEventSchema, async (event, { store, now }) => {
  switch (event.action) {
    case 'search':
      return { items: await findCenters(store, event.query, now()) };
    case 'list':
      return { items: await listCenters(store, now()) };
    case 'get':
      return { center: await getCenter(store, event.code) };
    case 'jump':
      return jumpToItem(store, event.code, event.item, now());
  }
});

export const main = deployed(handler);
