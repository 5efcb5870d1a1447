import type { CenterLink } from '../../src/core/centers';
import { itemTag } from '../../src/core/item-tags';
import { itemById, type ItemId } from '../../src/core/items';

const item = (id: ItemId) => {
  const found = itemById(id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
};
const web = (itemId: ItemId, healthy = true, url = 'https://gjj.example.cn/hall'): CenterLink => ({ item: itemId, kind: 'web', url, healthy });

describe('the tag of an item on the home grid', () => {
  it('tags items 5 and 6 by how my center takes them: in the app or at the counter, not 全程网办', () => {
    const mine = { live: true, links: [{ item: 5, kind: 'in-app' }, { item: 6, kind: 'counter' }] satisfies CenterLink[] };
    expect(itemTag(item(5), mine)).toEqual({ kind: 'in-app', label: '在线申请' });
    expect(itemTag(item(6), mine)).toEqual({ kind: 'counter', label: '柜台办理' });
  });

  it('says 全程网办 only where my center has a working online channel for the item', () => {
    const mine = { live: true, links: [web(5), { item: 6, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: '', healthy: true }] satisfies CenterLink[] };
    expect(itemTag(item(5), mine)).toEqual({ kind: 'online', label: '全程网办' });
    expect(itemTag(item(6), mine)).toEqual({ kind: 'online', label: '全程网办' });
  });

  it.each([
    ['has no channel for the item', { live: true, links: [] }],
    ['has a channel that does not open now', { live: true, links: [web(5, false)] }],
    ['has only a plain http page', { live: true, links: [web(5, true, 'http://gjj.example.cn/hall')] }],
    ['is not yet live', { live: false, links: [web(5)] }],
  ])('sends the person to the counter when my center %s', (_case, mine) => {
    expect(itemTag(item(5), mine)).toEqual({ kind: 'counter', label: '柜台办理' });
  });

  it('keeps 代收代办 and 两地联办 for the certificate and purchase items whatever the center', () => {
    expect(itemTag(item(2), undefined)).toEqual({ kind: 'relay', label: '代收代办' });
    expect(itemTag(item(8), { live: true, links: [] })).toEqual({ kind: 'relay', label: '代收代办' });
    expect(itemTag(item(7), undefined)).toEqual({ kind: 'joint', label: '两地联办' });
  });

  it('claims no mode for an online item while no center is chosen', () => {
    expect(itemTag(item(5), undefined)).toBeUndefined();
  });
});
