import { isWeapp } from './platform';

/**
 * The one WeChat API of face verification 2.0 the mini-program calls (base library 3.8.12+). Taro 4.2.1
 * does not wrap it, so it is reached on the global `wx`, typed here as narrowly as it is used.
 */
interface FacialVerifyApi {
  requestFacialVerify?: (options: { verifyId: string; complete: () => void }) => void;
}
declare const wx: FacialVerifyApi | undefined;

export const FACE_NOT_SUPPORTED_MESSAGE = '当前微信版本不支持人脸核身，请升级微信后重试，或到住房公积金管理中心服务窗口当面核验';

/**
 * Runs WeChat's face step for a verify_id and resolves when it has ended, however it ended: what the
 * client reports is never trusted, the page asks the server (`confirm`) for the verdict. Rejects only
 * when this WeChat cannot run the step at all.
 *
 * H5 exists only on the local host, where there is no camera: it resolves at once and the WeChat
 * simulator behind `confirm` decides the outcome.
 */
export function requestFace(verifyId: string): Promise<void> {
  if (!isWeapp) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (typeof wx === 'undefined' || typeof wx.requestFacialVerify !== 'function') {
      reject(new Error(FACE_NOT_SUPPORTED_MESSAGE));
      return;
    }
    // success and fail alike: only queryVerifyInfo on the server decides
    wx.requestFacialVerify({ verifyId, complete: () => resolve() });
  });
}
