import Taro from '@tarojs/taro';
import type { CenterSummary } from '../core/centers';
import type { Result } from '../core/errors';
import type { ItemId } from '../core/items';
import type { JumpTarget } from '../core/jump';
import { callFunction } from './cloud';
import { openTarget } from './open-target';

export interface JumpAnswer {
  target: JumpTarget;
  center: CenterSummary;
  counter: string;
}

/**
 * Asks the server where to go for an item at a center (it records the jump), then goes there.
 * Returns the answer so the page can show the fallback when there is nowhere to go.
 */
export async function jumpTo(code: string, item: ItemId): Promise<Result<JumpAnswer>> {
  const result = await callFunction<JumpAnswer>('centers', { action: 'jump', code, item });
  if (!result.ok) {
    await Taro.showToast({ title: result.message, icon: 'none' });
    return result;
  }
  if (result.data.target.kind !== 'unavailable') await openTarget(result.data.target);
  return result;
}
