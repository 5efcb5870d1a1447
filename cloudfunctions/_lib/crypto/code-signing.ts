import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { CODE_TOKEN_PATTERN, CODE_TOKEN_PREFIX, CodePayloadSchema, type CodePayload } from '../../../src/core/certificate-code';

/**
 * The certificate code's signature (docs/certificate-code.md, decision 018): Ed25519 over the ASCII text
 * `GJJC1.<payload>`, the payload being the JSON of CodePayload in base64url. The private key is CODE_SIGNING_KEY
 * (the PKCS#8 DER of an Ed25519 key in base64), given to `applications` alone, which signs; the functions that check
 * (`portal`, `centers`, `callbacks`) get its public half, CODE_PUBLIC_KEY (the SPKI DER in base64). The public key is
 * published at /.well-known/gjj-code-key (local host) and GET <PLATFORM_CALLBACK_BASE>/callbacks/code-key (deployed),
 * and is all an offline check needs.
 */

export interface CodeKey {
  /** The first 8 hex of the sha256 of the raw 32-byte public key: carried in each token. */
  id: string;
  privateKey: KeyObject;
}

/** The published key: what /.well-known/gjj-code-key answers. */
export interface PublishedCodeKey {
  alg: 'Ed25519';
  kid: string;
  /** The SubjectPublicKeyInfo in PEM. */
  publicKeyPem: string;
  /** The same key as a JWK (OKP, Ed25519). */
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string };
  tokenForm: string;
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('CODE_SIGNING_KEY 应为 Ed25519 密钥');
  return Buffer.from(jwk.x, 'base64url');
}

/** The key id of a public key. */
export const codeKeyId = (publicKey: KeyObject) => createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 8);

/**
 * CODE_SIGNING_KEY parsed; a missing or wrong key stops the function with the variable named, and so does one that is
 * not the pair of CODE_PUBLIC_KEY (every code it signs would check as forged).
 */
export function parseCodeKey(env: { CODE_SIGNING_KEY?: string; CODE_PUBLIC_KEY?: string }): CodeKey {
  if (!env.CODE_SIGNING_KEY) throw new Error('缺少环境变量 CODE_SIGNING_KEY（亮码签名私钥）');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(env.CODE_SIGNING_KEY, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error('CODE_SIGNING_KEY 应为 Ed25519 私钥的 PKCS#8 DER（base64）');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('CODE_SIGNING_KEY 应为 Ed25519 私钥');
  const id = codeKeyId(createPublicKey(privateKey));
  if (parseCodePublicKey(env).id !== id) {
    throw new Error('CODE_SIGNING_KEY 与 CODE_PUBLIC_KEY 不是同一对密钥：用它签的码都会被核验为伪造，请按 docs/certificate-code.md 成对配置');
  }
  return { id, privateKey };
}

/** The public key that checks codes: CODE_PUBLIC_KEY parsed (a missing or wrong key stops the function with the variable named). */
export interface CodePublicKey {
  id: string;
  publicKey: KeyObject;
}

export function parseCodePublicKey(env: { CODE_PUBLIC_KEY?: string }): CodePublicKey {
  if (!env.CODE_PUBLIC_KEY) throw new Error('缺少环境变量 CODE_PUBLIC_KEY（亮码核验公钥）');
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.from(env.CODE_PUBLIC_KEY, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new Error('CODE_PUBLIC_KEY 应为 Ed25519 公钥的 SPKI DER（base64）');
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('CODE_PUBLIC_KEY 应为 Ed25519 公钥');
  return { id: codeKeyId(publicKey), publicKey };
}

/** A fresh key pair in environment form (the local host's own, tests; deployed, see docs/certificate-code.md). */
export function generateCodeKeyEnv(): { CODE_SIGNING_KEY: string; CODE_PUBLIC_KEY: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    CODE_SIGNING_KEY: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    CODE_PUBLIC_KEY: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

export function publishedKey(key: CodePublicKey): PublishedCodeKey {
  return {
    alg: 'Ed25519',
    kid: key.id,
    publicKeyPem: key.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    jwk: { kty: 'OKP', crv: 'Ed25519', x: rawPublicKey(key.publicKey).toString('base64url'), kid: key.id },
    tokenForm: `${CODE_TOKEN_PREFIX}.<base64url(JSON payload)>.<base64url(Ed25519 signature of "${CODE_TOKEN_PREFIX}.<payload>")>`,
  };
}

/** Signs a payload (Ed25519 is deterministic: the same payload gives the same token, so a code can be shown again). */
export function signCode(key: CodeKey, payload: Omit<CodePayload, 'k'>): string {
  const body = Buffer.from(JSON.stringify({ k: key.id, ...payload })).toString('base64url');
  const signed = `${CODE_TOKEN_PREFIX}.${body}`;
  return `${signed}.${sign(null, Buffer.from(signed), key.privateKey).toString('base64url')}`;
}

/**
 * What a token says, if it can be read at all (its form and payload), whatever its signature: used to tell an
 * altered real code (its id exists) from a forged one.
 */
export function readPayload(token: string): CodePayload | undefined {
  if (!CODE_TOKEN_PATTERN.test(token)) return undefined;
  try {
    const parsed = CodePayloadSchema.safeParse(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export type CheckedToken = { ok: true; payload: CodePayload } | { ok: false; payload: CodePayload | undefined };

/**
 * The signature under `publicKey` (a PEM, or a KeyObject): the offline check, with the expiry in `payload.e`. Needs
 * nothing but the public key; whether the code expired, was read or revoked the platform answers from its record.
 */
export function checkToken(token: string, publicKey: KeyObject | string): CheckedToken {
  const payload = readPayload(token);
  if (!payload) return { ok: false, payload: undefined };
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const [prefix, body, signature] = token.split('.');
  const signed = Buffer.from(`${prefix}.${body}`);
  if (payload.k !== codeKeyId(key) || !verify(null, signed, key, Buffer.from(signature, 'base64url'))) return { ok: false, payload };
  return { ok: true, payload };
}
