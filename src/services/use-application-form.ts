import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import type { ErrorCode, Result } from '../core/errors';
import type { FormPrefill } from '../core/identity';
import { identityCalls } from './identity';
import { newRequestId, requestStatusNotice } from './applications';
import { isH5 } from './platform';
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

/** A field of a form, in the form's order: its key in the payload, its name for the person, its element `#<prefix>-<slug>`. */
export interface FormFieldRef<F extends string> {
  field: F;
  label: string;
  slug: string;
}

/** A line of the error summary: the field's name and message, and where the field is. */
export interface SummaryLine {
  slug: string;
  label: string;
  message: string;
}

/**
 * Brings a field into view and focus: on H5 the element is scrolled to the middle of the screen and its input (or the
 * field itself) focused; in WeChat the page scrolls to it (a WeChat input takes focus by its own property only).
 */
export function showField(id: string): void {
  if (!isH5) {
    void Taro.pageScrollTo({ selector: `#${id}`, duration: 200 }).catch(() => undefined);
    return;
  }
  const element = document.getElementById(id);
  if (!element) return;
  element.scrollIntoView?.({ block: 'center' });
  focusInside(element, FOCUS_TRIES);
}

/** How often focusing waits for a Taro input to draw its own `<input>` (50 ms apart). */
const FOCUS_TRIES = 10;
const TARO_FIELDS = 'taro-input-core, taro-textarea-core';

/**
 * Focuses the field's input, or the field itself when it has none. A Taro input draws its `<input>` a moment after
 * it is attached, and focusing it before then throws: it is waited for.
 */
function focusInside(element: HTMLElement, tries: number): void {
  const control = element.querySelector<HTMLElement>('input, textarea');
  if (control) {
    control.focus({ preventScroll: true });
    return;
  }
  const drawing = element.matches(TARO_FIELDS) || element.querySelector(TARO_FIELDS) !== null;
  if (drawing) {
    if (tries > 0) setTimeout(() => focusInside(element, tries - 1), 50);
    return;
  }
  if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
  element.focus({ preventScroll: true });
}

/**
 * What every application form does the same way: the identity status (asked again on return from
 * 实名核验) and the person's own verified name and bound phone to fill in (`onPrefill`, once), field messages from
 * the schema or the function's `fields` (keyed `payload.<field>`) beside their fields and all together in a summary
 * at the top, the first of them brought into view and focus; a masked review holding one requestId, one submission
 * however often it is tapped, and the detail page after it.
 */
export function useApplicationForm<P, F extends string>(options: {
  /** The page's id prefix: a field is `#<prefix>-<slug>`. */
  prefix: string;
  schema: z.ZodType<P>;
  /** Every field a message may be about, in the form's order (the summary's order). */
  fields: readonly FormFieldRef<F>[];
  send: (requestId: string, payload: P) => Promise<Result<{ id: string }>>;
  onPrefill?: (prefill: FormPrefill) => void;
}) {
  const identity = useCall(identityCalls.status, []);
  const prefill = useCall(identityCalls.prefill, []);
  const prefilled = useRef(false);
  const onPrefill = useRef(options.onPrefill);
  useEffect(() => {
    if (prefill.status !== 'ready' || prefilled.current) return;
    prefilled.current = true;
    onPrefill.current?.(prefill.data);
  }, [prefill]);
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

  // bumped each time messages are shown, so the first one is brought into view after the render that shows it
  const [revealed, setRevealed] = useState(0);
  const fieldOf = (key: string) => options.fields.find((f) => f.field === key);
  const fieldErrors = (entries: Iterable<[string, string]>) => {
    const found: Partial<Record<F, string>> = {};
    for (const [path, message] of entries) {
      const ref = fieldOf(path.replace(/^payload\./, ''));
      if (ref) found[ref.field] ??= message;
    }
    return found;
  };
  const showErrors = (found: Partial<Record<F, string>>) => {
    setErrors(found);
    setRevealed((n) => n + 1);
  };
  const summary: SummaryLine[] = options.fields.flatMap(({ field, label, slug }) => {
    const message = errors[field];
    return message ? [{ slug, label, message }] : [];
  });
  const first = summary[0]?.slug;
  useEffect(() => {
    if (revealed > 0 && first) showField(`${options.prefix}-${first}`);
    // only when messages are shown anew, not as each is cleared by typing
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [revealed]);

  return {
    identity,
    errors,
    /** Every message in the form's order, for the summary at the top. */
    summary,
    review,
    busy,
    submitError,
    clearError: (field: F) => setErrors((e) => ({ ...e, [field]: undefined })),
    /**
     * Checks the form; opens the review (true) or shows the messages beside the fields and in the summary (false).
     * `more`: the page's own messages on fields the schema cannot judge alone (the account name against the verified name).
     */
    check(input: unknown, more: Partial<Record<F, string>> = {}): boolean {
      const parsed = options.schema.safeParse(input);
      const found = { ...more, ...(parsed.success ? {} : fieldErrors(parsed.error.issues.map((issue): [string, string] => [issue.path.map(String).join('.'), issue.message]))) };
      if (!parsed.success || Object.values(found).some(Boolean)) {
        showErrors(found);
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
        // every refusal of the function at once, back on the form: beside the fields, in the summary, the first in view
        showErrors(fields);
        setReview(undefined);
        return;
      }
      setSubmitError({ code: result.code, message: result.message });
    },
  };
}
