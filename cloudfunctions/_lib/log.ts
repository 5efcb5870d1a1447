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

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): pino.Logger {
  return pino({ level: options.level ?? process.env.LOG_LEVEL ?? 'info', redact: { paths: REDACTED_PATHS, censor: '[已隐藏]' } }, options.destination);
}

export type Logger = pino.Logger;
