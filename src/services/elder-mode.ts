import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';

/**
 * 长辈版 (elderly mode, MIIT's 适老化 rules): larger text and tap targets, the home reduced to the frequent items, no
 * pop-ups. The person's choice is kept on the device (Taro storage) and read by every page: the page shell puts
 * ELDER_CLASS on the page, whose styles live in src/styles/elder.scss.
 */
const KEY = 'elder-mode';
export const ELDER_CLASS = 'elder-mode';
/** On H5's body while 长辈版 is on: Taro's tab bar lies outside the pages (src/styles/elder.scss). */
export const ELDER_TAB_BAR_CLASS = 'elder-tab-bar';

/** Whether 长辈版 is on, as last chosen on this device (标准版 until chosen). */
export function elderMode(): boolean {
  try {
    return Taro.getStorageSync(KEY) === true;
  } catch {
    return false;
  }
}

// the pages still open (Taro keeps earlier pages mounted) follow a change at once
const listeners = new Set<(on: boolean) => void>();

/** Switches 长辈版 on or off, remembered on this device; open pages follow. */
export function setElderMode(on: boolean): void {
  Taro.setStorageSync(KEY, on);
  for (const listener of listeners) listener(on);
}

/** 长辈版 on or off, for a page or component to render by; follows setElderMode. */
export function useElderMode(): boolean {
  const [on, setOn] = useState(elderMode);
  useEffect(() => {
    listeners.add(setOn);
    setOn(elderMode());
    return () => {
      listeners.delete(setOn);
    };
  }, []);
  return on;
}
