import type { CenterLink } from '../../../../src/core/centers';
import { linkRow } from '../rows/catalog';
import { readRow } from '../rows/read';
import type { Doc } from './sdk';

/** The `links` documents, shared by the centers' links and the work orders that switch them. */

export function linkDocId(centerCode: string, item: number): string {
  return `${centerCode}:${item}`;
}

/** The fields of a link beside its center, item and kind: the channel and its health; none for a route. */
export function channelFields(link: CenterLink): Doc {
  switch (link.kind) {
    case 'web':
      return { url: link.url, healthy: link.healthy };
    case 'miniprogram':
      return { appId: link.appId, path: link.path, healthy: link.healthy };
    default:
      return {};
  }
}

export const toLink = (doc: Doc): CenterLink => readRow(linkRow(), 'CloudBase links', doc);
