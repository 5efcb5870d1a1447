import type { Center, CenterLink } from './centers';
import { isHttpsUrl } from './jump';
import { MODE_LABELS, type HandlingMode, type ItemInfo } from './items';

/** How an item is done at one center, as its tag on the home grid says it. */
export type ItemTagKind = HandlingMode | 'in-app' | 'counter';

export const ITEM_TAG_LABELS: Record<ItemTagKind, string> = {
  ...MODE_LABELS,
  'in-app': '在线申请',
  counter: '柜台办理',
};

export interface ItemTag {
  /** Also the tag's class: `tag-${kind}`. */
  kind: ItemTagKind;
  label: string;
}

const tag = (kind: ItemTagKind): ItemTag => ({ kind, label: ITEM_TAG_LABELS[kind] });

/**
 * The tag of an item on the home grid, from the person's own center (`live` and its `links`, as `centers get`
 * answers): 代收代办 and 两地联办 items keep their mode; an item the notice makes fully online is 全程网办 only where
 * that center has a working https page or mini-program for it, 在线申请 where it takes an in-app request, and
 * 柜台办理 otherwise (no channel, a channel that does not open now, or a center not yet live), as the item page then
 * offers. Without a center nothing is known of the local mode: no tag (undefined).
 */
export function itemTag(item: Pick<ItemInfo, 'id' | 'mode'>, center: (Pick<Center, 'live'> & { links: readonly CenterLink[] }) | undefined): ItemTag | undefined {
  if (item.mode !== 'online') return tag(item.mode);
  if (!center) return undefined;
  const link = center.live ? center.links.find((l) => l.item === item.id) : undefined;
  if (!link) return tag('counter');
  if (link.kind === 'in-app' || link.kind === 'counter') return tag(link.kind);
  const works = link.healthy && (link.kind === 'miniprogram' || isHttpsUrl(link.url));
  return tag(works ? 'online' : 'counter');
}
