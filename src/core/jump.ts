import { coveringDomain, domainOf } from './business-domains';
import type { Center, CenterLink, StoredCenter } from './centers';
import { itemShortName, type ItemId } from './items';

export type JumpTarget =
  | { kind: 'web'; url: string }
  /**
   * `message` and `url`: the center's own mini-program offered instead of its web link (its domain is not a business
   * domain): why, naming the item to look for there; the web link, to copy instead when the person declines.
   */
  | { kind: 'miniprogram'; appId: string; path: string; message?: string; url?: string }
  /** A web link whose domain is not one of the mini-program's business domains: copied, to open in a browser, never in the web-view. */
  | { kind: 'copy'; url: string; message: string }
  | { kind: 'in-app'; message: string }
  | { kind: 'counter'; message: string }
  | { kind: 'unavailable'; reason: UnavailableReason; message: string };

/** The targets the app opens itself: a page in the web-view, or another mini-program. */
export type OpenableTarget = Extract<JumpTarget, { kind: 'web' | 'miniprogram' }>;

export function isOpenable(target: JumpTarget): target is OpenableTarget {
  return target.kind === 'web' || target.kind === 'miniprogram';
}

export const UNAVAILABLE_REASONS = ['not-live', 'missing', 'insecure', 'unhealthy'] as const;
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number];

const UNAVAILABLE_MESSAGES: Record<UnavailableReason, string> = {
  'not-live': '该中心尚未接入全国住房公积金小程序，暂不能在线跳转办理。',
  missing: '该中心尚未登记此事项的线上办理渠道。',
  insecure: '该中心登记的链接不是安全的 https 链接，已暂停跳转。',
  unhealthy: '该中心的线上办理渠道暂时无法访问，已暂停跳转。',
};

const ROUTE_MESSAGES = {
  'in-app': '该中心暂未开通此事项的全程网办，您可以在小程序内在线申请，由中心工作人员联系您办理。',
  counter: '该中心暂未开通此事项的全程网办，请到中心服务大厅办理。',
} as const;

/** https only: a plain http page would leak the employee's data on the way. */
export function isHttpsUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Why the center's own mini-program is offered instead of its web page (the page's domain is not a business domain),
 * and what to look for there: it opens at its home page, registered perhaps for another item.
 */
export const ownMiniprogramMessage = (item: ItemId) =>
  `该中心的网上办事大厅暂不能在本小程序内打开，将为您打开该中心的微信小程序，请在其中找到“${itemShortName(item)}”办理。`;

/** What a person is told with a link to copy: the page cannot open here, how to open it, and whom to call. */
export const copyMessage = (phone: string) =>
  `该中心的网上办事大厅暂不能在本小程序内打开。请复制下面的链接，粘贴到手机浏览器中打开办理；也可以拨打中心服务电话 ${phone} 咨询。`;

/**
 * Where an employee goes for an item at a center, or why they cannot go there now.
 * Never yields a dead jump: a missing, non-https or unhealthy link is "unavailable". A center without a
 * full online channel for the item may route it to an in-app request or to its service hall instead.
 * A web page opens in the web-view only on one of the mini-program's `businessDomains` or a subdomain of one (WeChat
 * shows a blank page elsewhere): otherwise the center's own mini-program is offered when it registered one (a healthy mini-program link
 * of any item, opened at its home page, carrying the web link to copy if the person declines), else the link to copy
 * and open in a browser, with the center's phone.
 */
export function resolveJump(center: Pick<Center, 'live' | 'phone'>, links: readonly CenterLink[], item: ItemId, businessDomains: ReadonlySet<string>): JumpTarget {
  const unavailable = (reason: UnavailableReason): JumpTarget => ({ kind: 'unavailable', reason, message: UNAVAILABLE_MESSAGES[reason] });
  if (!center.live) return unavailable('not-live');
  const link = links.find((l) => l.item === item);
  if (!link) return unavailable('missing');
  if (link.kind === 'in-app' || link.kind === 'counter') return { kind: link.kind, message: ROUTE_MESSAGES[link.kind] };
  if (!link.healthy) return unavailable('unhealthy');
  if (link.kind === 'miniprogram') return { kind: 'miniprogram', appId: link.appId, path: link.path };
  if (!isHttpsUrl(link.url)) return unavailable('insecure');
  const domain = domainOf(link.url);
  if (domain !== undefined && coveringDomain(domain, businessDomains) !== undefined) return { kind: 'web', url: link.url };
  const own = links.find((l): l is Extract<CenterLink, { kind: 'miniprogram' }> => l.kind === 'miniprogram' && l.healthy);
  if (own) return { kind: 'miniprogram', appId: own.appId, path: '', message: ownMiniprogramMessage(item), url: link.url };
  return { kind: 'copy', url: link.url, message: copyMessage(center.phone) };
}

/**
 * What the counter route says when there is no working online channel: the service hall's address and
 * hours when the center has given them, else to ask for them on the service phone.
 */
export function counterRoute(center: Pick<StoredCenter, 'name' | 'phone' | 'counter'>): string {
  if (!center.counter) return `请携带本人有效身份证件到${center.name}服务大厅办理，服务大厅地址和办公时间请拨打 ${center.phone} 咨询。`;
  return `请携带本人有效身份证件到${center.name}服务大厅办理（地址：${center.counter.address}；办公时间：${center.counter.hours}），或拨打 ${center.phone} 咨询。`;
}
