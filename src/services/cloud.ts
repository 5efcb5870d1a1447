import Taro from '@tarojs/taro';
import { fail, type Result } from '../core/errors';
import { devOpenid } from './dev-identity';
import { isWeapp } from './platform';

export type FunctionName = 'centers' | 'identity' | 'session' | 'applications' | 'workbench' | 'admin' | 'portal';

const NETWORK_MESSAGE = '网络不太顺畅，请检查网络后重试';

/**
 * The ONE place that calls a cloud function: Taro.cloud.callFunction in WeChat, HTTP to the local
 * host in H5. Network trouble comes back as a failure, never as a thrown error.
 */
export async function callFunction<T>(name: FunctionName, data: Record<string, unknown>): Promise<Result<T>> {
  try {
    if (isWeapp) {
      const res = await Taro.cloud.callFunction({ name, data });
      return res.result as Result<T>;
    }
    const res = await fetch(`/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': devOpenid() },
      body: JSON.stringify(data),
    });
    return (await res.json()) as Result<T>;
  } catch {
    return fail('INTERNAL', NETWORK_MESSAGE);
  }
}
