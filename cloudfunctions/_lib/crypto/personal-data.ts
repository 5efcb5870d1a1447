import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Personal data at rest: AES-256-GCM with a key id in every sealed value, so keys can rotate while old
 * records stay readable, and an HMAC lookup hash to find "is this ID bound elsewhere" without decrypting.
 *
 * Environment: PII_KEYS = "<id>:<base64 32 bytes>[,<id>:<key>...]" (the first is the one new data is
 * sealed with; keep old ones listed until every record is re-sealed), PII_LOOKUP_KEY = base64 32 bytes.
 */
/**
 * The kinds of sealed value. Each value is bound (AES-GCM additional data) to its kind AND to the record it
 * belongs to, so a value copied into another field or into another person's record does not open.
 */
export const SEALED_FIELDS = {
  name: 'identity.name',
  docNumber: 'identity.docNumber',
  phone: 'identity.phone',
  docLookup: 'identity.doc',
  applicationPayload: 'application.payload',
  /** The bytes of a file the employee attached (a contract, an invoice: they carry names and ID numbers). */
  attachment: 'application.attachment',
  /** The bytes of a result document a center issued (a certificate: it names the person and their accounts). */
  document: 'application.document',
  endpointSecret: 'endpoint.secret',
  /** A province's liaison's name and mobile (supervision, plan 2021-50 annex 1), as JSON. */
  liaisonContact: 'liaison.contact',
  /** What a delivery's download link names (application, attachment, center, expiry): sealed so it can be neither read nor altered. */
  attachmentLink: 'delivery.attachmentLink',
} as const;

export type SealedField = (typeof SEALED_FIELDS)[keyof typeof SEALED_FIELDS];

/**
 * What a sealed value belongs to: its field and its record (the owner's openid for identity fields, the
 * application id for a payload, `<applicationId>/<fileId>` for a file, the center code for a secret, the province for a liaison).
 */
export interface Binding {
  field: SealedField;
  record: string;
}

/** The binding of each kind of value, so every call site names the record it seals for. */
export const sealedAs = {
  name: (openid: string): Binding => ({ field: SEALED_FIELDS.name, record: openid }),
  docNumber: (openid: string): Binding => ({ field: SEALED_FIELDS.docNumber, record: openid }),
  phone: (openid: string): Binding => ({ field: SEALED_FIELDS.phone, record: openid }),
  payload: (applicationId: string): Binding => ({ field: SEALED_FIELDS.applicationPayload, record: applicationId }),
  attachment: (applicationId: string, fileId: string): Binding => ({ field: SEALED_FIELDS.attachment, record: `${applicationId}/${fileId}` }),
  document: (applicationId: string, documentId: string): Binding => ({ field: SEALED_FIELDS.document, record: `${applicationId}/${documentId}` }),
  endpointSecret: (centerCode: string): Binding => ({ field: SEALED_FIELDS.endpointSecret, record: centerCode }),
  liaisonContact: (province: string): Binding => ({ field: SEALED_FIELDS.liaisonContact, record: province }),
  /** A link stands alone (its token is all a request carries), so it is bound to its kind only. */
  attachmentLink: (): Binding => ({ field: SEALED_FIELDS.attachmentLink, record: 'link' }),
};

const IV_BYTES = 12;
const TAG_BYTES = 16;

function additionalData({ field, record }: Binding): Buffer {
  if (!record) throw new Error(`加密数据 ${field} 缺少所属记录`);
  return Buffer.from(`${field}\u0000${record}`, 'utf8');
}

function decipherOf(key: Buffer, binding: Binding, iv: Buffer, tag: Buffer) {
  // Node accepts 4- to 16-byte tags and any IV length unless told: a cut tag would be far easier to forge
  if (iv.length !== IV_BYTES) throw new Error('加密数据的 IV 长度不正确');
  if (tag.length !== TAG_BYTES) throw new Error('加密数据的认证标签长度不正确');
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(binding));
  decipher.setAuthTag(tag);
  return decipher;
}

function cipherOf(keyring: Keyring, binding: Binding) {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyring.keys.get(keyring.currentId)!, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(binding));
  return { iv, cipher };
}

export interface Keyring {
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
  lookupKey: Buffer;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;
const VERSION = 'v2';

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

/** Seals `plaintext` for its field and record (see Binding). */
export function seal(keyring: Keyring, binding: Binding, plaintext: string): string {
  const { iv, cipher } = cipherOf(keyring, binding);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, keyring.currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/**
 * A part of a sealed string as its bytes, only in the one form seal() writes: Node's decoder skips what is not base64url
 * and the unused bits of a last character, so another spelling of the same bytes would open too.
 */
function exactBase64url(part: string): Buffer {
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) throw new Error('加密数据格式不正确');
  return bytes;
}

/** Opens what seal() made, spelled exactly as it wrote it: a sealed string with a part added, or respelled, does not open. */
export function open(keyring: Keyring, binding: Binding, sealed: string): string {
  const parts = sealed.split('.');
  const [version, keyId, iv, tag, body] = parts;
  if (parts.length !== 5 || version !== VERSION || !keyId) throw new Error('加密数据格式不正确');
  const key = keyring.keys.get(keyId);
  if (!key) throw new Error(`加密数据使用的密钥 ${keyId} 不在 PII_KEYS 中`);
  const decipher = decipherOf(key, binding, exactBase64url(iv), exactBase64url(tag));
  return Buffer.concat([decipher.update(exactBase64url(body)), decipher.final()]).toString('utf8');
}

const BYTES_MAGIC = Buffer.from('PDv2');

/**
 * Seals a file's bytes: "PDv2", the key id's length and the key id, the 12-byte iv, the 16-byte tag, then the
 * ciphertext. Binary, so a 10 MB scan costs 10 MB at rest, not the 18 MB of a sealed string.
 */
export function sealBytes(keyring: Keyring, binding: Binding, plain: Buffer): Buffer {
  const { iv, cipher } = cipherOf(keyring, binding);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const keyId = Buffer.from(keyring.currentId);
  return Buffer.concat([BYTES_MAGIC, Buffer.from([keyId.length]), keyId, iv, cipher.getAuthTag(), body]);
}

/** A sealed file shorter than its header (key id, 12-byte IV and 16-byte tag): a cut tag is never read as a shorter one. */
export const SEALED_FILE_TOO_SHORT = '加密文件不完整：短于密钥编号、IV 和认证标签所需的长度';

export function openBytes(keyring: Keyring, binding: Binding, sealed: Buffer): Buffer {
  if (sealed.length < 5 || !sealed.subarray(0, 4).equals(BYTES_MAGIC)) throw new Error('加密文件格式不正确');
  const idEnd = 5 + sealed[4];
  const keyId = sealed.subarray(5, idEnd).toString();
  const key = keyring.keys.get(keyId);
  if (!key) throw new Error(`加密文件使用的密钥 ${keyId} 不在 PII_KEYS 中`);
  if (sealed.length < idEnd + IV_BYTES + TAG_BYTES) throw new Error(SEALED_FILE_TOO_SHORT);
  const decipher = decipherOf(key, binding, sealed.subarray(idEnd, idEnd + IV_BYTES), sealed.subarray(idEnd + IV_BYTES, idEnd + IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(idEnd + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** A stable, keyed hash for equality look-ups (same input, same keyring -> same hash). */
export function lookupHash(keyring: Keyring, context: string, value: string): string {
  return createHmac('sha256', keyring.lookupKey).update(`${context}\u0000${value}`).digest('hex');
}
