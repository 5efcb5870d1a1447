import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Personal data at rest: AES-256-GCM with a key id in every sealed value, so keys can rotate while old
 * records stay readable, and an HMAC lookup hash to find "is this ID bound elsewhere" without decrypting.
 *
 * Environment: PII_KEYS = "<id>:<base64 32 bytes>[,<id>:<key>...]" (the first is the one new data is
 * sealed with; keep old ones listed until every record is re-sealed), PII_LOOKUP_KEY = base64 32 bytes.
 */
/** The context each kind of sealed value is bound to (AES-GCM additional data): a value cannot be opened as another kind. */
export const SEALED_FIELDS = {
  name: 'identity.name',
  docNumber: 'identity.docNumber',
  phone: 'identity.phone',
  docLookup: 'identity.doc',
  applicationPayload: 'application.payload',
  /** The bytes of a file the employee attached (a contract, an invoice: they carry names and ID numbers). */
  attachment: 'application.attachment',
  endpointSecret: 'endpoint.secret',
} as const;

export interface Keyring {
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
  lookupKey: Buffer;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;
const VERSION = 'v1';

function decodeKey(name: string, base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error(`${name} 应为 base64 编码的 32 字节密钥`);
  return key;
}

export function parseKeyring(env: { PII_KEYS?: string; PII_LOOKUP_KEY?: string }): Keyring {
  if (!env.PII_KEYS) throw new Error('缺少环境变量 PII_KEYS（个人信息加密密钥）');
  if (!env.PII_LOOKUP_KEY) throw new Error('缺少环境变量 PII_LOOKUP_KEY（个人信息检索密钥）');
  const keys = new Map<string, Buffer>();
  for (const entry of env.PII_KEYS.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [id, base64] = entry.split(':');
    if (!id || !KEY_ID.test(id) || !base64) throw new Error('PII_KEYS 每项应为 密钥编号:base64密钥');
    if (keys.has(id)) throw new Error(`PII_KEYS 中密钥编号 ${id} 重复`);
    keys.set(id, decodeKey(`PII_KEYS 的 ${id}`, base64));
  }
  const [currentId] = keys.keys();
  if (!currentId) throw new Error('PII_KEYS 至少需要一把密钥');
  return { currentId, keys, lookupKey: decodeKey('PII_LOOKUP_KEY', env.PII_LOOKUP_KEY) };
}

/** A fresh keyring in environment form (for the local host's own data directory, and tests). */
export function generateKeyringEnv(id = 'k1'): { PII_KEYS: string; PII_LOOKUP_KEY: string } {
  return { PII_KEYS: `${id}:${randomBytes(32).toString('base64')}`, PII_LOOKUP_KEY: randomBytes(32).toString('base64') };
}

/**
 * Seals `plaintext` for the field named by `context` (e.g. "identity.docNumber"): the context is
 * authenticated, so a value copied into another field does not open.
 */
export function seal(keyring: Keyring, context: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.keys.get(keyring.currentId)!, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, keyring.currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export function open(keyring: Keyring, context: string, sealed: string): string {
  const [version, keyId, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !keyId || iv === undefined || tag === undefined || body === undefined) throw new Error('加密数据格式不正确');
  const key = keyring.keys.get(keyId);
  if (!key) throw new Error(`加密数据使用的密钥 ${keyId} 不在 PII_KEYS 中`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

const BYTES_MAGIC = Buffer.from('PDv1');

/**
 * Seals a file's bytes: "PDv1", the key id's length and the key id, the 12-byte iv, the 16-byte tag, then the
 * ciphertext. Binary, so a 10 MB scan costs 10 MB at rest, not the 18 MB of a sealed string.
 */
export function sealBytes(keyring: Keyring, context: string, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.keys.get(keyring.currentId)!, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const keyId = Buffer.from(keyring.currentId);
  return Buffer.concat([BYTES_MAGIC, Buffer.from([keyId.length]), keyId, iv, cipher.getAuthTag(), body]);
}

export function openBytes(keyring: Keyring, context: string, sealed: Buffer): Buffer {
  if (sealed.length < 5 || !sealed.subarray(0, 4).equals(BYTES_MAGIC)) throw new Error('加密文件格式不正确');
  const idEnd = 5 + sealed[4];
  const keyId = sealed.subarray(5, idEnd).toString();
  const key = keyring.keys.get(keyId);
  if (!key) throw new Error(`加密文件使用的密钥 ${keyId} 不在 PII_KEYS 中`);
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(idEnd, idEnd + 12));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(sealed.subarray(idEnd + 12, idEnd + 28));
  return Buffer.concat([decipher.update(sealed.subarray(idEnd + 28)), decipher.final()]);
}

/** A stable, keyed hash for equality look-ups (same input, same keyring -> same hash). */
export function lookupHash(keyring: Keyring, context: string, value: string): string {
  return createHmac('sha256', keyring.lookupKey).update(`${context}\u0000${value}`).digest('hex');
}
