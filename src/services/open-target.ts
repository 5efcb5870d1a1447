import Taro from '@tarojs/taro';
import type { OpenableTarget } from '../core/jump';
import { isWeapp } from './platform';

/** Opens a resolved jump: an https page in the web-view page, or another mini-program. */
export async function openTarget(target: OpenableTarget): Promise<void> {
  if (target.kind === 'web') {
    await Taro.navigateTo({ url: `/pages/webview/index?url=${encodeURIComponent(target.url)}` });
    return;
  }
  if (!isWeapp) {
    await Taro.showModal({ title: '请在微信中打开', content: '该事项在中心的微信小程序中办理，请在微信中使用本小程序。', showCancel: false });
    return;
  }
  await Taro.navigateToMiniProgram({ appId: target.appId, path: target.path });
}
