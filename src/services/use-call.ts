import { useCallback, useEffect, useState } from 'react';
import type { ErrorCode, Result } from '../core/errors';

export type CallState<T> =
  | { status: 'loading' }
  | { status: 'error'; code: ErrorCode; message: string }
  | { status: 'ready'; data: T };

/** Runs a function call when `deps` change and keeps its loading, error and data states for a page. */
export function useCall<T>(call: () => Promise<Result<T>>, deps: readonly unknown[]): CallState<T> & { reload: () => void } {
  const [state, setState] = useState<CallState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    void call().then((result) => {
      if (!current) return;
      setState(result.ok ? { status: 'ready', data: result.data } : { status: 'error', code: result.code, message: result.message });
    });
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}
