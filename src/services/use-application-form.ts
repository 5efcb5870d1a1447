import Taro, { useDidShow } from '@tarojs/taro';
import { useRef, useState } from 'react';
import type { z } from 'zod';
import type { ErrorCode, Result } from '../core/errors';
import { identityCalls } from './identity';
import { newRequestId, requestStatusNotice } from './applications';
import { useCall } from './use-call';

/** A reviewed form: the payload checked by its schema, and the requestId made once when the review opened. */
export interface Review<P> {
  payload: P;
  /** A double tap, or a retry after a lost answer, makes one application. */
  requestId: string;
}

export interface SubmitError {
  code: ErrorCode;
  message: string;
}

/**
 * What every application form does the same way: the identity status (asked again on return from
 * 实名核验), field messages from the schema or the function's `fields` (keyed `payload.<field>`), a masked
 * review holding one requestId, one submission however often it is tapped, and the detail page after it.
 */
export function useApplicationForm<P, F extends string>(options: {
  schema: z.ZodType<P>;
  isField: (key: string) => key is F;
  send: (requestId: string, payload: P) => Promise<Result<{ id: string }>>;
}) {
  const identity = useCall(identityCalls.status, []);
  const shown = useRef(false);
  useDidShow(() => {
    // the first show is the mount, which useCall already loads; later ones follow a return from 实名核验
    if (shown.current) identity.reload();
    shown.current = true;
  });

  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});
  const [review, setReview] = useState<Review<P> | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [submitError, setSubmitError] = useState<SubmitError | undefined>(undefined);
  // state updates are not synchronous: a second tap in the same tick must not send again
  const sending = useRef(false);

  const fieldErrors = (entries: Iterable<[string, string]>) => {
    const found: Partial<Record<F, string>> = {};
    for (const [path, message] of entries) {
      const key = path.replace(/^payload\./, '');
      if (options.isField(key)) found[key] ??= message;
    }
    return found;
  };

  return {
    identity,
    errors,
    review,
    busy,
    submitError,
    clearError: (field: F) => setErrors((e) => ({ ...e, [field]: undefined })),
    /** Checks the form; opens the review (true) or shows the messages under the fields (false). */
    check(input: unknown): boolean {
      const parsed = options.schema.safeParse(input);
      if (!parsed.success) {
        setErrors(fieldErrors(parsed.error.issues.map((issue): [string, string] => [issue.path.map(String).join('.'), issue.message])));
        return false;
      }
      setErrors({});
      setSubmitError(undefined);
      setReview({ payload: parsed.data, requestId: newRequestId() });
      return true;
    },
    backToForm() {
      setReview(undefined);
      setSubmitError(undefined);
    },
    async submit() {
      if (!review || sending.current) return;
      sending.current = true;
      setBusy(true);
      setSubmitError(undefined);
      await requestStatusNotice();
      const result = await options.send(review.requestId, review.payload);
      if (result.ok) {
        // the detail takes this page's place: back from there is not the form again
        void Taro.redirectTo({ url: `/pages/application/index?id=${encodeURIComponent(result.data.id)}` });
        return;
      }
      sending.current = false;
      setBusy(false);
      // a field the person can fix goes back under that field; an application in flight is not fixed by editing
      const fields = (result.code === 'VALIDATION_FAILED' || result.code === 'CENTER_NOT_FOUND') && result.fields ? fieldErrors(Object.entries(result.fields)) : {};
      if (Object.keys(fields).length > 0) {
        setErrors(fields);
        setReview(undefined);
        return;
      }
      setSubmitError({ code: result.code, message: result.message });
    },
  };
}
