import * as z from 'zod';

/**
 * Every function answers `{ ok: true, data }` or `{ ok: false, code, message, fields? }`.
 * `code` comes only from ERROR_CODES; `message` is plain Chinese for the person.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'CENTER_NOT_FOUND',
  'IDENTITY_REQUIRED',
  'FACE_UNSUPPORTED',
  'VERIFICATION_NOT_FOUND',
  'VERIFICATION_USED',
  'VERIFICATION_EXPIRED',
  'VERIFICATION_FAILED',
  'TOO_MANY_ATTEMPTS',
  'CONSENT_REQUIRED',
  'WECHAT_UNAVAILABLE',
  'APPLICATION_NOT_FOUND',
  'APPLICATION_IN_FLIGHT',
  'ILLEGAL_TRANSITION',
  'BAD_SIGNATURE',
  'UNSAFE_URL',
  'EFFECTIVE_DATE_TOO_EARLY',
  'INVITE_NOT_FOUND',
  'ALREADY_STAFF',
  'CHANGE_NOT_FOUND',
  'CHANGE_NOT_PENDING',
  'ENDPOINT_NOT_SET',
  'SECRET_NOT_SET',
  'ROLE_NOT_FOUND',
  'CONFORMANCE_RUN_NOT_FOUND',
  'CALENDAR_YEAR_NOT_LOADED',
  'CALENDAR_YEAR_LOADED',
  'NOT_LAUNCHED',
  'FINDING_NOT_FOUND',
  'UNKNOWN_FUNCTION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Failures that trying again can mend (the network, a service busy for a moment); for the others 重试 would only fail again. */
const RETRYABLE: readonly ErrorCode[] = ['INTERNAL', 'WECHAT_UNAVAILABLE'];
export const retryCanHelp = (code: ErrorCode): boolean => RETRYABLE.includes(code);

/** Field path (dot-joined) -> what is wrong with it, in Chinese. */
export type FieldErrors = Record<string, string>;

export type Ok<T> = { ok: true; data: T };
export type Fail = { ok: false; code: ErrorCode; message: string; fields?: FieldErrors };
export type Result<T> = Ok<T> | Fail;

/** A `Fail` as it arrives over the wire (an answer not made here is parsed, never taken on trust). */
export const FailSchema = z.object({
  ok: z.literal(false),
  code: z.enum(ERROR_CODES),
  message: z.string(),
  fields: z.record(z.string(), z.string()).optional(),
});

export function ok<T>(data: T): Ok<T> {
  return { ok: true, data };
}

export function fail(code: ErrorCode, message: string, fields?: FieldErrors): Fail {
  return fields ? { ok: false, code, message, fields } : { ok: false, code, message };
}

/** A failure a service raises on purpose; the function runtime turns it into a `Fail`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
