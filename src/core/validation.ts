import type { z } from 'zod';
import { fail, ok, type FieldErrors, type Result } from './errors';

/**
 * Parse untrusted input (a function event, a form, data read back from a center) with its schema.
 * A failure names every bad field with the schema's own Chinese message and changes nothing.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): Result<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const fields: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '_';
    fields[key] ??= issue.message;
  }
  const summary = Object.entries(fields)
    .map(([field, message]) => (field === '_' ? message : `${field}：${message}`))
    .join('；');
  return fail('VALIDATION_FAILED', `填写有误：${summary}`, fields);
}
