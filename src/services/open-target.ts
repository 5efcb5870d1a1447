import Taro from '@tarojs/taro';
import type { OpenableTarget } from '../core/jump';
import { ask } from './notice';
import { isWeapp } from './platform';
import { REPORT_PARAM } from './webview-report';

/**
 * Whether a failed navigateToMiniProgram was the person declining WeChat's confirmation (`fail cancel`): nothing was
 * tried, so nothing is to be recorded of it.
 */
export function declinedOpen(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'errMsg' in error && typeof error.errMsg === 'string' && /fail cancel$/.test(error.errMsg);
}

/**
 * Opens a resolved jump: an https page in the web-view page, or another mini-program; the center's mini-program offered
 * instead of a web link (its `message` says why) opens only after the person has read that and agreed. `report`: the
 * key under which the web-view page tells a tester's checklist whether the page loaded (services/webview-report.ts).
 * Answers whether anything was opened (false: declined, or no other mini-program outside WeChat).
 */
export async function openTarget(target: OpenableTarget, report?: string): Promise<boolean> {
  if (target.kind === 'web') {
    const reporting = report === undefined ? '' : `&${REPORT_PARAM}=${report}`;
    await Taro.navigateTo({ url: `/pages/webview/index?url=${encodeURIComponent(target.url)}${reporting}` });
    return true;
  }
  if (!isWeapp) {
    await ask({ title: '请在微信中打开', message: `${target.message ?? ''}该事项在中心的微信小程序中办理，请在微信中使用本小程序。`, confirmText: '知道了' });
    return false;
  }
  if (target.message !== undefined) {
    if (!(await ask({ title: '前往中心的小程序', message: target.message, confirmText: '前往', cancelText: '取消' }))) return false;
  }
  await Taro.navigateToMiniProgram({ appId: target.appId, path: target.path });
  return true;
}
