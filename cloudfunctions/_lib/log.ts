import pino from 'pino';

/**
 * The one logger of the functions and the local host. Personal data never reaches a log line:
 * the listed paths are censored wherever they appear in a logged object.
 */
const PERSONAL_KEYS = ['docNumber', 'idNumber', 'phone', 'bankAccount', 'accountNumber', 'certNo', 'cert_no'];
export const REDACTED_PATHS = [
  ...PERSONAL_KEYS,
  ...PERSONAL_KEYS.map((key) => `*.${key}`),
  'event.name',
  'event.payload',
  'event.code',
  'headers["x-wx-openid"]',
];

/**
 * What database drivers attach to an error that carries the values of the failed query: PGlite `params`
 * (and `queryOptions`), pg's `detail` ("Key (doc_lookup)=(...) already exists") and `where` (the context, which
 * may quote a parameter). The query text itself has only placeholders and stays, as do the code and message.
 */
const VALUE_KEYS = ['params', 'parameters', 'values', 'queryOptions', 'detail', 'where', 'input'];

type SerializedError = ReturnType<typeof pino.stdSerializers.err>;

/** pino's error serializer without the values above, in the error, its aggregated errors and nested errors. */
export function errorWithoutValues(error: unknown): unknown {
  const serialized: unknown = pino.stdSerializers.err(error as Error);
  const scrub = (value: unknown, depth: number): void => {
    if (depth > 4 || typeof value !== 'object' || value === null) return;
    for (const key of VALUE_KEYS) delete (value as Record<string, unknown>)[key];
    const nested = value as Partial<SerializedError>;
    for (const child of [...(nested.aggregateErrors ?? []), ...Object.values(value)]) scrub(child, depth + 1);
  };
  scrub(serialized, 0);
  return serialized;
}

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): pino.Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[已隐藏]' },
      // never a failed query's parameters (a NUL in a name once printed the whole row, personal data and all)
      serializers: { err: errorWithoutValues, error: errorWithoutValues },
    },
    options.destination,
  );
}

export type Logger = pino.Logger;
