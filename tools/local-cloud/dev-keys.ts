import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateCodeKeyEnv } from '../../cloudfunctions/_lib/crypto/code-signing';
import { generateKeyringEnv } from '../../cloudfunctions/_lib/crypto/personal-data';
import { newSecret } from '../../cloudfunctions/_lib/delivery/signing';

/**
 * Local host only: the personal-data keys for its own data directory, made on first start and kept
 * beside the data (readable by the owner only). Deployed functions take PII_KEYS from their environment.
 */
export function devKeyringEnv(dataDir: string): { PII_KEYS: string; PII_LOOKUP_KEY: string } {
  const file = path.join(dataDir, 'dev-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { PII_KEYS: string; PII_LOOKUP_KEY: string };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const keys = generateKeyringEnv('dev1');
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

/** Local host only: the signing secret its center simulator shares with every demo center, made on first start. */
export function devCenterSecret(dataDir: string): string {
  const file = path.join(dataDir, 'dev-center-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = newSecret();
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Local host only: the certificate code's Ed25519 key pair (CODE_SIGNING_KEY, CODE_PUBLIC_KEY) for its own data
 * directory, made on first start in a file of its own (a data directory made before it keeps its dev-keys.json).
 */
export function devCodeKeyEnv(dataDir: string): { CODE_SIGNING_KEY: string; CODE_PUBLIC_KEY: string } {
  const file = path.join(dataDir, 'dev-code-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { CODE_SIGNING_KEY: string; CODE_PUBLIC_KEY: string };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const keys = generateCodeKeyEnv();
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}
