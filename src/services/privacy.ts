import Taro from '@tarojs/taro';
import type { Fail } from '../core/errors';
import type { DeletionView } from '../core/privacy';
import { callFunction } from './cloud';
import type { MadeFileLink } from '../core/files';
import { saveMadeFile } from './documents';

/** The typed calls of the person's rights over their account: 解除绑定, 注销账号 and a copy of their data. */
export const privacyCalls = {
  unbind: () => callFunction<{ unbound: true }>('identity', { action: 'unbind' }),
  deletionStatus: () => callFunction<DeletionView>('session', { action: 'deletionStatus' }),
  requestDeletion: () => callFunction<DeletionView>('session', { action: 'requestDeletion' }),
  cancelDeletion: () => callFunction<DeletionView>('session', { action: 'cancelDeletion' }),
  myData: () => callFunction<MadeFileLink>('session', { action: 'myData' }),
};

/**
 * Asks for a copy of the person's data and saves it (H5 downloads it; WeChat offers to send the file to a chat). A
 * refusal keeps its code: IDENTITY_REQUIRED when the identity was not checked within 24 hours, TOO_MANY_ATTEMPTS.
 */
export async function downloadMyData(): Promise<{ ok: true } | Fail | { ok: false; message: string }> {
  const link = await privacyCalls.myData();
  if (!link.ok) return link;
  const saved = await saveMadeFile(link.data);
  return saved.ok ? { ok: true } : saved;
}

export const openPage = (url: string) => void Taro.navigateTo({ url });
