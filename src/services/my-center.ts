import Taro from '@tarojs/taro';
import type { CenterSummary } from '../core/centers';

/** The employee's own center, kept on the device (no personal data in it). */
const KEY = 'my-center';

export function myCenter(): CenterSummary | undefined {
  const stored: unknown = Taro.getStorageSync(KEY);
  return stored && typeof stored === 'object' && 'code' in stored ? (stored as CenterSummary) : undefined;
}

export function setMyCenter(center: CenterSummary): void {
  Taro.setStorageSync(KEY, center);
}
