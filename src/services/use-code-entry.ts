import Taro from '@tarojs/taro';
import { useState } from 'react';
import { CodeTokenSchema } from '../core/certificate-code';
import type { Result } from '../core/errors';

/**
 * A certificate code scanned (WeChat) or typed (H5) and sent: checked first with the contract's own words
 * (请输入或扫描码的内容…), then `send` answers the result or a refusal shown beside the field. 扫码核验 (staff) and
 * 验证证明码 (anyone) differ only in what they send.
 */
export function useCodeEntry<T>(send: (token: string) => Promise<Result<T>>) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<T>();
  const [error, setError] = useState<string>();

  const submit = async (text: string) => {
    const parsed = CodeTokenSchema.safeParse(text);
    if (!parsed.success) return setError(parsed.error.issues[0]?.message);
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    const answer = await send(parsed.data);
    setBusy(false);
    if (answer.ok) setResult(answer.data);
    else setError(answer.message);
  };
  const scan = async () => {
    try {
      const scanned = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] });
      setToken(scanned.result);
      await submit(scanned.result);
    } catch {
      setError('没有扫到码，请再试一次');
    }
  };
  return { token, setToken, busy, result, error, submit, scan };
}
