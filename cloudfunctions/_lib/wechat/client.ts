import * as z from 'zod';
import type { CertInfo } from './cert-hash';

export type { CertInfo } from './cert-hash';

/**
 * What the functions need from WeChat's server API: face verification 2.0 (getVerifyId, then the
 * mini-program runs wx.requestFacialVerify, then queryVerifyInfo) and the phone-number exchange.
 * Two implementations: createWechatClient (HTTPS, this file) and createWechatSimulator (local/test).
 */
export interface WechatApi {
  /** Opens a verification session; throws WechatApiError when WeChat refuses (errcode != 0). */
  getVerifyId(input: { outSeqNo: string; cert: CertInfo; openid: string }): Promise<{ verifyId: string; expiresIn: number }>;
  /**
   * WeChat's answer as given: verified ONLY when errcode === 0 && verifyRet === 10000 (see isVerified).
   * Throws WechatApiError only for network failures, malformed responses and token errors that
   * persist after one refresh.
   */
  queryVerifyInfo(input: { verifyId: string; outSeqNo: string; certHash: string; openid: string }): Promise<{ errcode: number; errmsg: string; verifyRet: number | undefined }>;
  /** Exchanges the code from the mini-program's getPhoneNumber button; throws WechatApiError on errcode != 0. */
  getPhoneNumber(code: string): Promise<{ phoneNumber: string; purePhoneNumber: string; countryCode: string }>;
  /** Sends a subscribe message (subscribeMessage.send) the person agreed to receive; throws WechatApiError on errcode != 0. */
  sendSubscribeMessage(message: SubscribeMessage): Promise<void>;
  /**
   * A mini-program code (wxacode.getUnlimited) opening `page` with `scene` (at most 32 characters): PNG bytes on a
   * white background. Throws WechatApiError when WeChat answers an errcode instead of an image.
   */
  getUnlimitedCode(input: UnlimitedCodeInput): Promise<Uint8Array>;
}

export interface UnlimitedCodeInput {
  scene: string;
  /** A page of the released mini-program, without a leading slash (pages/center/index). */
  page: string;
  /** The code's width in pixels, 280 to 1280 (WeChat's default 430). */
  width?: number;
}

/** A subscribe message: `data` maps the template's keys (thing1, time2, ...) to their values. */
export interface SubscribeMessage {
  touser: string;
  templateId: string;
  /** The mini-program page the message opens, with its query. */
  page: string;
  data: Record<string, string>;
}

/** A timeout, a connection failure or a non-2xx HTTP status. */
export const ERRCODE_NETWORK = -1;
/** A response that is not JSON or does not have the documented shape. */
export const ERRCODE_BAD_RESPONSE = -2;
/** WeChat's "invalid args"; also raised locally, before any request, for an out_seq_no WeChat would refuse. */
export const ERRCODE_INVALID_ARGS = 40097;
/** verify_ret of a successful face verification. */
export const VERIFY_RET_OK = 10000;
/** Token errors after which the token is dropped and the call retried once: 40001 invalid credential, 40014 invalid access_token, 42001 access_token expired. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/**
 * A refusal by WeChat (its errcode), or a local failure: ERRCODE_NETWORK (-1, timeouts included),
 * ERRCODE_BAD_RESPONSE (-2). Messages never carry the cert_no, the name, the phone, the secret or a token.
 */
export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    message: string,
  ) {
    super(message);
    this.name = 'WechatApiError';
  }
}

/** The only verdict that counts as a passed face verification. */
export function isVerified(result: { errcode: number; verifyRet: number | undefined }): boolean {
  return result.errcode === 0 && result.verifyRet === VERIFY_RET_OK;
}

const OUT_SEQ_NO = /^[A-Za-z0-9_-]{5,32}$/;

/** WeChat's rule for out_seq_no: 5-32 characters of [A-Za-z0-9_-] (uniqueness per appid is WeChat's to check). */
export function assertOutSeqNo(outSeqNo: string): void {
  if (!OUT_SEQ_NO.test(outSeqNo)) throw new WechatApiError(ERRCODE_INVALID_ARGS, 'out_seq_no must be 5-32 characters of [A-Za-z0-9_-]');
}

export interface WechatClientOptions {
  appId: string;
  appSecret: string;
  /** Default https://api.weixin.qq.com; tests point it at a local server. */
  baseUrl?: string;
  /** Per request, connection to last body byte. Default 5000 ms. */
  timeoutMs?: number;
  /** Clock for the token cache. Default Date.now. */
  now?: () => number;
  /** Which version of the mini-program codes open: 'release' (default), 'trial' or 'develop'. */
  envVersion?: 'release' | 'trial' | 'develop';
}

/** Refresh the token this long before WeChat says it expires (capped at half its lifetime). */
const TOKEN_MARGIN_S = 300;
const DEFAULT_TIMEOUT_MS = 5000;

/**
 * WeChat's responses (zod strips unknown keys), built with the client on its first use: most invocations never call
 * WeChat, and a function's start should not pay for them.
 */
function responseSchemas() {
  const ApiRefusal = z.object({ errcode: z.number().int().refine((c) => c !== 0), errmsg: z.string().default('') });
  return {
    ApiRefusal,
    TokenResponse: z.union([ApiRefusal, z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() })]),
    VerifyIdResponse: z.union([
      ApiRefusal,
      z.object({ errcode: z.literal(0), errmsg: z.string().default(''), verify_id: z.string().min(1), expires_in: z.number().int().positive().default(3600) }),
    ]),
    VerifyInfoResponse: z.object({ errcode: z.number().int(), errmsg: z.string().default(''), verify_ret: z.number().int().optional() }),
    PhoneResponse: z.union([
      ApiRefusal,
      z.object({
        errcode: z.literal(0),
        errmsg: z.string().default(''),
        phone_info: z.object({
          phoneNumber: z.string().min(1),
          purePhoneNumber: z.string().min(1),
          countryCode: z.union([z.string().min(1), z.number().int()]).transform(String),
          watermark: z.object({ timestamp: z.number(), appid: z.string() }).optional(),
        }),
      }),
    ]),
    AnyErrcode: z.object({ errcode: z.number().int() }),
  };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const startsWith = (bytes: Uint8Array, signature: readonly number[]) => signature.every((b, i) => bytes[i] === b);

/** WeChat's code as PNG: it answers a JPEG unless asked for a transparent one, so a JPEG is decoded and written again as PNG. */
async function asPng(what: string, image: Uint8Array): Promise<Uint8Array> {
  if (startsWith(image, PNG_SIGNATURE)) return image;
  if (!startsWith(image, JPEG_SIGNATURE)) throw new WechatApiError(ERRCODE_BAD_RESPONSE, `${what}: the image is neither PNG nor JPEG`);
  const [{ decode }, { PNG }] = await Promise.all([import('jpeg-js'), import('pngjs')]);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = decode(image, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxResolutionInMP: 4 });
  } catch {
    throw new WechatApiError(ERRCODE_BAD_RESPONSE, `${what}: the JPEG does not decode`);
  }
  const png = new PNG({ width: decoded.width, height: decoded.height });
  png.data = Buffer.from(decoded.data);
  return new Uint8Array(PNG.sync.write(png));
}

/** Replaces each secret occurring in WeChat's errmsg (it may echo request fields) by ***. */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 2) out = out.split(s).join('***');
  return out;
}

function validate<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // paths only: zod messages may quote received values
  const paths = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
  throw new WechatApiError(ERRCODE_BAD_RESPONSE, `${what}: unexpected response (${paths})`);
}

/** The HTTPS client. One instance per appid: it owns the access_token cache. */
export function createWechatClient(options: WechatClientOptions): WechatApi {
  const baseUrl = (options.baseUrl ?? 'https://api.weixin.qq.com').replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const secrets = [options.appSecret];
  const { ApiRefusal, TokenResponse, VerifyIdResponse, VerifyInfoResponse, PhoneResponse, AnyErrcode } = responseSchemas();

  let cached: { token: string; expiresAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  /** Sends one request and answers its body: JSON parsed, or an image's bytes; every failure is a WechatApiError. */
  async function send(what: string, url: URL, body?: unknown): Promise<unknown> {
    let bytes: Uint8Array;
    try {
      const res = await fetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      bytes = new Uint8Array(await res.arrayBuffer());
      if (!res.ok) throw new WechatApiError(ERRCODE_NETWORK, `${what}: HTTP ${res.status}`);
      // wxacode answers the image itself, or JSON with an errcode
      if (res.headers.get('content-type')?.startsWith('image/')) return bytes;
    } catch (error) {
      if (error instanceof WechatApiError) throw error;
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') throw new WechatApiError(ERRCODE_NETWORK, `${what}: timeout after ${timeoutMs} ms`);
      // the URL (token, secret) is never quoted; only the cause's code, e.g. ECONNREFUSED
      const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
      const code = typeof cause?.code === 'string' ? cause.code : name || 'unknown';
      throw new WechatApiError(ERRCODE_NETWORK, `${what}: network error (${code})`);
    }
    try {
      return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    } catch {
      throw new WechatApiError(ERRCODE_BAD_RESPONSE, `${what}: response is not JSON`);
    }
  }

  async function fetchToken(): Promise<string> {
    const url = new URL(`${baseUrl}/cgi-bin/token`);
    url.searchParams.set('grant_type', 'client_credential');
    url.searchParams.set('appid', options.appId);
    url.searchParams.set('secret', options.appSecret);
    const res = validate(TokenResponse, await send('token', url), 'token');
    if ('errcode' in res) throw new WechatApiError(res.errcode, `token: errcode ${res.errcode} ${scrub(res.errmsg, secrets)}`.trim());
    const margin = Math.min(TOKEN_MARGIN_S, res.expires_in / 2);
    cached = { token: res.access_token, expiresAt: now() + (res.expires_in - margin) * 1000 };
    return res.access_token;
  }

  /** The cached token, or the one request every concurrent caller waits on. */
  function token(): Promise<string> {
    if (cached && now() < cached.expiresAt) return Promise.resolve(cached.token);
    cached = undefined;
    if (!inflight) {
      inflight = fetchToken().finally(() => {
        inflight = undefined;
      });
    }
    return inflight;
  }

  /** POSTs with the access_token; on a token error drops that token and retries once with a fresh one. */
  async function call(what: string, path: string, body: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const used = await token();
      const url = new URL(`${baseUrl}${path}`);
      url.searchParams.set('access_token', used);
      const raw = await send(what, url, body);
      const errcode = AnyErrcode.safeParse(raw);
      if (errcode.success && TOKEN_ERRCODES.has(errcode.data.errcode)) {
        // drop only the token that failed: a concurrent caller may already have a newer one
        if (cached?.token === used) cached = undefined;
        if (attempt === 0) continue;
        throw new WechatApiError(errcode.data.errcode, `${what}: access_token refused after refresh (errcode ${errcode.data.errcode})`);
      }
      return raw;
    }
  }

  return {
    async getVerifyId({ outSeqNo, cert, openid }) {
      assertOutSeqNo(outSeqNo);
      const what = 'getverifyid';
      const raw = await call(what, '/cityservice/face/identify/getverifyid', {
        out_seq_no: outSeqNo,
        cert_info: { cert_type: cert.certType, cert_name: cert.certName, cert_no: cert.certNo },
        openid,
      });
      const res = validate(VerifyIdResponse, raw, what);
      if (!('verify_id' in res)) throw new WechatApiError(res.errcode, `${what}: errcode ${res.errcode} ${scrub(res.errmsg, [cert.certNo, cert.certName, ...secrets])}`.trim());
      return { verifyId: res.verify_id, expiresIn: res.expires_in };
    },

    async queryVerifyInfo({ verifyId, outSeqNo, certHash, openid }) {
      const what = 'queryverifyinfo';
      const raw = await call(what, '/cityservice/face/identify/queryverifyinfo', { verify_id: verifyId, out_seq_no: outSeqNo, cert_hash: certHash, openid });
      const res = validate(VerifyInfoResponse, raw, what);
      return { errcode: res.errcode, errmsg: scrub(res.errmsg, secrets), verifyRet: res.verify_ret };
    },

    async getPhoneNumber(code) {
      const what = 'getuserphonenumber';
      const res = validate(PhoneResponse, await call(what, '/wxa/business/getuserphonenumber', { code }), what);
      if (!('phone_info' in res)) throw new WechatApiError(res.errcode, `${what}: errcode ${res.errcode} ${scrub(res.errmsg, secrets)}`.trim());
      const info = res.phone_info;
      // a number watermarked for another mini-program is not ours to trust
      if (info.watermark && info.watermark.appid !== options.appId) throw new WechatApiError(ERRCODE_BAD_RESPONSE, `${what}: watermark appid does not match`);
      return { phoneNumber: info.phoneNumber, purePhoneNumber: info.purePhoneNumber, countryCode: info.countryCode };
    },

    async getUnlimitedCode({ scene, page, width }) {
      const what = 'getwxacodeunlimit';
      const raw = await call(what, '/wxa/getwxacodeunlimit', { scene, page, check_path: false, env_version: options.envVersion ?? 'release', ...(width !== undefined ? { width } : {}) });
      if (raw instanceof Uint8Array) return asPng(what, raw);
      const res = validate(ApiRefusal, raw, what);
      throw new WechatApiError(res.errcode, `${what}: errcode ${res.errcode} ${scrub(res.errmsg, secrets)}`.trim());
    },

    async sendSubscribeMessage(message) {
      const what = 'subscribeMessage.send';
      const data = Object.fromEntries(Object.entries(message.data).map(([key, value]) => [key, { value }]));
      const res = validate(ApiRefusal, await call(what, '/cgi-bin/message/subscribe/send', { touser: message.touser, template_id: message.templateId, page: message.page, data }), what);
      if (res.errcode !== 0) throw new WechatApiError(res.errcode, `${what}: errcode ${res.errcode} ${scrub(res.errmsg, secrets)}`.trim());
    },
  };
}
