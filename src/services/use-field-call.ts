import { useState } from 'react';
import type { Fail, Result } from '../core/errors';
import { messageFor } from './portal';

export interface FieldCall<T> {
  /** The value as it stands when the page opens (an invite code from the scanned scene); empty by default. */
  initial?: string;
  /** The contract's name of the field, under which its refusals come back. */
  field: string;
  /** The value as kept from what was typed (trimmed; an invite code also upper-cased). */
  normalize: (typed: string) => string;
  /** The contract's parse of the event, before anything is sent. */
  check: (value: string) => Result<unknown>;
  send: (value: string) => Promise<Result<T>>;
}

/**
 * One field and one call (joining with an invite code, a supervisor's action on a center's code): the value checked
 * by the contract, then sent; the refusal of either is shown on the field, and the answer kept until the next send.
 */
export function useFieldCall<T>({ initial = '', field, normalize, check, send }: FieldCall<T>) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<T | undefined>(undefined);
  const refuse = (failure: Fail) => setError(messageFor(failure, field) ?? failure.message);

  const submit = async () => {
    const checked = check(value);
    if (!checked.ok) return refuse(checked);
    setBusy(true);
    setError(undefined);
    setAnswer(undefined);
    const result = await send(value);
    setBusy(false);
    if (result.ok) setAnswer(result.data);
    else refuse(result);
  };
  const type = (typed: string) => {
    setValue(normalize(typed));
    setError(undefined);
  };
  return { value, type, error, busy, answer, submit };
}
