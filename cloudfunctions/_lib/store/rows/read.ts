import * as z from 'zod';

/**
 * Reading rows back: both adapters read every record through the schemas of this folder (the record's shape,
 * field names as the port names them), so a malformed row or document fails loudly, naming the field, instead
 * of travelling on. Each adapter first lays its row out under those names (SQL's snake_case columns, CloudBase's
 * documents); the schemas are built on first use, so loading the store builds none.
 */

/** A schema built the first time it is asked for, then kept. */
export function lazySchema<T>(build: () => z.ZodType<T>): () => z.ZodType<T> {
  let built: z.ZodType<T> | undefined;
  return () => (built ??= build());
}

/**
 * The record read from `row` by `schema`; throws `<where>: field <path> of <id> is <value> (<problem>)` when it
 * does not fit.
 * `where` names the adapter and table or collection ("CloudBase applications", "SQL applications").
 */
export function readRow<T>(schema: z.ZodType<T>, where: string, row: unknown): T {
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const path = issue?.path ?? [];
  const field = path.length > 0 ? path.join('.') : '(the row)';
  throw new Error(`${where}: field ${field} of ${rowId(row)} is ${shown(valueAt(row, path))} (${issue?.message ?? 'malformed'})`);
}

function valueAt(row: unknown, path: readonly PropertyKey[]): unknown {
  let value = row;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = new Map(Object.entries(value)).get(String(key));
  }
  return value;
}

/** A value as a message shows it: short, and never more than 40 characters of it (stored values may be sealed). */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = value instanceof Date ? value.toISOString() : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** The id a message names: CloudBase's `_id`, else the row's own id or code, else nothing. */
function rowId(row: unknown): string {
  if (typeof row !== 'object' || row === null) return 'a row';
  const fields = new Map(Object.entries(row));
  for (const key of ['_id', 'id', 'code', 'verifyId', 'applicationId', 'outboxId', 'openid', 'centerCode', 'year']) {
    const v = fields.get(key);
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return 'a row';
}

/** Null when the value is null or missing (a CloudBase document written before the field existed). */
export const orNull = <T>(schema: z.ZodType<T>) => schema.nullish().transform((v): T | null => v ?? null);

/** A stored time: a Date from either driver or the CloudBase SDK (which decodes `{ $date }`). */
export const storedDate = () => z.date();
