import Taro from '@tarojs/taro';
import type { CenterSummary } from '../core/centers';
import type { Result } from '../core/errors';
import type { ItemId } from '../core/items';
import { copyMessage, isOpenable, type JumpTarget } from '../core/jump';
import { callFunction } from './cloud';
import { say } from './notice';
import { openTarget } from './open-target';

export interface JumpAnswer {
  target: JumpTarget;
  center: CenterSummary;
  counter: string;
}

/**
 * Asks the server where to go for an item at a center (it records the jump), then goes there: the center's
 * channel, or, for an item the center takes by in-app request or at its service hall, the item page that
 * offers that route. Returns the answer so the page can show the fallback when there is nowhere to go, or the link
 * to copy when its domain is not a business domain (never opened in the web-view, where it would be blank), also
 * when the person declines the center's own mini-program offered instead.
 */
export async function jumpTo(code: string, item: ItemId): Promise<Result<JumpAnswer>> {
  const result = await callFunction<JumpAnswer>('centers', { action: 'jump', code, item });
  if (!result.ok) {
    say(result.message);
    return result;
  }
  const { target, center } = result.data;
  if (isOpenable(target)) {
    const opened = await openTarget(target);
    // the center's own mini-program offered for a web link, declined (or outside WeChat): the link to copy instead
    if (!opened && target.kind === 'miniprogram' && target.url !== undefined) return { ok: true, data: { ...result.data, target: { kind: 'copy', url: target.url, message: copyMessage(center.phone) } } };
  } else if (target.kind === 'in-app' || target.kind === 'counter') await Taro.navigateTo({ url: `/pages/item/index?item=${item}&code=${code}` });
  return result;
}

/** Tells the server the app was opened from the center's poster code (counted per center and day); nothing is shown either way. */
export const reportScan = (code: string) => callFunction<{ counted: boolean }>('centers', { action: 'scanned', code });
