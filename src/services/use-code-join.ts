import { useState } from 'react';
import type { Fail, Result } from '../core/errors';
import { messageFor } from './portal';

/**
 * Joining with an invite code typed or scanned (a center's staff, a province's testers): the code as typed (trimmed,
 * upper-case), checked by the contract before anything is sent (`check`: the contract's parse), then sent; the refusal
 * of either is shown on the code field, and the answer once joined.
 */
export function useCodeJoin<T>(initial: string, check: (code: string) => Result<unknown>, send: (code: string) => Promise<Result<T>>) {
  const [code, setCode] = useState(initial);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [joined, setJoined] = useState<T | undefined>(undefined);
  const refuse = (failure: Fail) => setError(messageFor(failure, 'code') ?? failure.message);

  const join = async () => {
    const checked = check(code);
    if (!checked.ok) return refuse(checked);
    setBusy(true);
    const result = await send(code);
    setBusy(false);
    if (result.ok) setJoined(result.data);
    else refuse(result);
  };
  const type = (value: string) => {
    setCode(value.trim().toUpperCase());
    setError(undefined);
  };
  return { code, type, error, busy, joined, join };
}
