import Taro from '@tarojs/taro';
import { fail, FailSchema, type Result } from '../core/errors';
import { devOpenid } from './dev-identity';
import { isWeapp } from './platform';

export type FunctionName = 'centers' | 'identity' | 'session' | 'applications' | 'workbench' | 'admin' | 'portal' | 'supervise' | 'trial';

const NETWORK_MESSAGE = '网络不太顺畅，请检查网络后重试';
const DOWNLOAD_MESSAGE = '文件下载失败，请稍后重试';

/** What a person without a role sees before launch (issue 15), in the main package. */
export const CLOSED_PAGE = '/pages/closed/index';

/**
 * The ONE place that calls a cloud function: Taro.cloud.callFunction in WeChat, HTTP to the local
 * host in H5. Network trouble comes back as a failure, never as a thrown error. A call answering that the app
 * is not open yet (NOT_LAUNCHED, not a staged opening's refusal of one province) leads to 内部试用中 instead.
 */
export async function callFunction<T>(name: FunctionName, data: Record<string, unknown>): Promise<Result<T>> {
  const result = await invoke<T>(name, data);
  // a staged opening's refusal names the center it refused (`fields.centerCode`): that page shows it instead
  if (!result.ok && result.code === 'NOT_LAUNCHED' && result.fields?.centerCode === undefined) void Taro.reLaunch({ url: CLOSED_PAGE });
  return result;
}

async function invoke<T>(name: FunctionName, data: Record<string, unknown>): Promise<Result<T>> {
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

/**
 * H5 only: the bytes behind a download link a function answered (on the local host a path under its own origin,
 * which checks the caller as the functions do). WeChat downloads with `Taro.downloadFile` instead.
 */
export async function fetchDownload(url: string): Promise<Result<Uint8Array<ArrayBuffer>>> {
  try {
    const res = await fetch(url, { headers: { 'x-wx-openid': devOpenid() } });
    // a refusal answers as the functions do, with its reason in `message`
    if (!res.ok) {
      const refused = FailSchema.safeParse(await res.json());
      return refused.success ? refused.data : fail('INTERNAL', DOWNLOAD_MESSAGE);
    }
    return { ok: true, data: new Uint8Array(await res.arrayBuffer()) };
  } catch {
    return fail('INTERNAL', NETWORK_MESSAGE);
  }
}
