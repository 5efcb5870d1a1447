import Taro from '@tarojs/taro';
import type { LinkObservation } from '../core/trial';

/**
 * How the web-view page tells a tester's checklist whether the page it opened loaded (issue 15): the checklist
 * passes a key in the web-view page's URL (`report`) and listens on Taro's event center under it; the page
 * reports its load or error there. An employee's web-view has no key and reports nothing.
 */
export const REPORT_PARAM = 'report';
export type WebviewObservation = Extract<LinkObservation, 'loaded' | 'load-failed'>;

const KEY_PATTERN = /^trial-link-\d{6}-\d-\d{1,15}$/;

/** A key of its own for one tap on a center's link (center, item, time of the tap). */
export const reportKey = (centerCode: string, item: number, at: number) => `trial-link-${centerCode}-${item}-${at}`;

/** Called by the web-view page: tells the listener under `key` what happened; nothing without a key of the checklist's kind. */
export function reportWebview(key: string | undefined, observed: WebviewObservation): void {
  if (key !== undefined && KEY_PATTERN.test(key)) Taro.eventCenter.trigger(key, observed);
}

/** Listens for what the web-view page opened under `key` reports; answers how to stop listening. */
export function onWebviewReport(key: string, listener: (observed: WebviewObservation) => void): () => void {
  Taro.eventCenter.on(key, listener);
  return () => Taro.eventCenter.off(key, listener);
}
