import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import type { AddressInfo } from 'node:net';
import { certHash, type CertInfo } from '../../../cloudfunctions/_lib/wechat/cert-hash';
import { createWechatClient, WechatApiError, type WechatClientOptions } from '../../../cloudfunctions/_lib/wechat/client';

const APPID = 'wx-test-app';
const SECRET = 'top-secret-value';
const cert: CertInfo = { certType: 'IDENTITY_CARD', certName: '张三', certNo: '310101199801011234' };

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
}

/** What a fake endpoint answers: a JSON value, a raw string, an image, or nothing at all ('hang'). */
type Reply = { json: unknown; delayMs?: number } | { raw: string; status?: number } | { bytes: Uint8Array; contentType: string } | 'hang';
type Handler = (seen: Seen, token: string | undefined) => Reply;

const TOKEN_PATH = '/cgi-bin/token';
const VERIFY_ID_PATH = '/cityservice/face/identify/getverifyid';
const VERIFY_INFO_PATH = '/cityservice/face/identify/queryverifyinfo';
const PHONE_PATH = '/wxa/business/getuserphonenumber';
const CODE_PATH = '/wxa/getwxacodeunlimit';

/** A local stand-in for api.weixin.qq.com that records every request. */
class FakeWechat {
  readonly seen: Seen[] = [];
  private server: Server | undefined;
  private tokenCount = 0;
  tokenDelayMs = 0;
  tokenExpiresIn = 7200;
  tokenRefusal: { errcode: number; errmsg: string } | undefined;
  handlers: Record<string, Handler> = {
    [VERIFY_ID_PATH]: () => ({ json: { errcode: 0, errmsg: 'ok', verify_id: 'vid-1', expires_in: 3600 } }),
    [VERIFY_INFO_PATH]: () => ({ json: { errcode: 0, errmsg: 'ok', verify_ret: 10000 } }),
    [PHONE_PATH]: () => ({
      json: { errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: '+86 13800138000', purePhoneNumber: '13800138000', countryCode: '86', watermark: { timestamp: 1700000000, appid: APPID } } },
    }),
  };

  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  requests(path: string): Seen[] {
    return this.seen.filter((s) => s.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const text = Buffer.concat(chunks).toString('utf8');
    const seen: Seen = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    this.seen.push(seen);
    let reply: Reply;
    if (seen.path === TOKEN_PATH) {
      this.tokenCount += 1;
      reply = this.tokenRefusal ? { json: this.tokenRefusal } : { json: { access_token: `tok-${this.tokenCount}`, expires_in: this.tokenExpiresIn }, delayMs: this.tokenDelayMs };
    } else {
      const handler = this.handlers[seen.path];
      reply = handler ? handler(seen, seen.query.access_token) : { raw: 'not found', status: 404 };
    }
    if (reply === 'hang') return;
    if ('bytes' in reply) {
      res.writeHead(200, { 'content-type': reply.contentType }).end(Buffer.from(reply.bytes));
      return;
    }
    if ('raw' in reply) {
      res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain' }).end(reply.raw);
      return;
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
  }
}

describe('the WeChat HTTPS client', () => {
  let wx: FakeWechat;
  let clock: number;
  const client = (extra: Partial<WechatClientOptions> = {}) => createWechatClient({ appId: APPID, appSecret: SECRET, baseUrl: wx.url, now: () => clock, ...extra });

  beforeEach(async () => {
    clock = 1_700_000_000_000;
    wx = new FakeWechat();
    await wx.start();
  });
  afterEach(async () => {
    await wx.stop();
  });

  it('fetches the token with client_credential, appid and secret, then posts getverifyid with cert_info, out_seq_no and openid', async () => {
    await expect(client().getVerifyId({ outSeqNo: 'gjj-0001', cert, openid: 'o-1' })).resolves.toEqual({ verifyId: 'vid-1', expiresIn: 3600 });
    expect(wx.seen).toEqual([
      { method: 'GET', path: TOKEN_PATH, query: { grant_type: 'client_credential', appid: APPID, secret: SECRET }, contentType: undefined, body: undefined },
      {
        method: 'POST',
        path: VERIFY_ID_PATH,
        query: { access_token: 'tok-1' },
        contentType: 'application/json',
        body: { out_seq_no: 'gjj-0001', cert_info: { cert_type: 'IDENTITY_CARD', cert_name: '张三', cert_no: '310101199801011234' }, openid: 'o-1' },
      },
    ]);
  });

  it("defaults getVerifyId's expires_in to 3600 when WeChat omits it", async () => {
    wx.handlers[VERIFY_ID_PATH] = () => ({ json: { errcode: 0, errmsg: 'ok', verify_id: 'vid-2' } });
    await expect(client().getVerifyId({ outSeqNo: 'gjj-0001', cert, openid: 'o-1' })).resolves.toEqual({ verifyId: 'vid-2', expiresIn: 3600 });
  });

  it('refuses an out_seq_no WeChat would refuse without sending anything', async () => {
    await expect(client().getVerifyId({ outSeqNo: 'ab', cert, openid: 'o-1' })).rejects.toBeInstanceOf(WechatApiError);
    await expect(client().getVerifyId({ outSeqNo: 'x'.repeat(33), cert, openid: 'o-1' })).rejects.toBeInstanceOf(WechatApiError);
    expect(wx.seen).toEqual([]);
  });

  it('throws WechatApiError with the errcode when getverifyid is refused, never quoting the cert_no or name', async () => {
    wx.handlers[VERIFY_ID_PATH] = () => ({ json: { errcode: 40097, errmsg: 'invalid args cert_no 310101199801011234 name 张三' } });
    const error = await client()
      .getVerifyId({ outSeqNo: 'gjj-0001', cert, openid: 'o-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ errcode: 40097 });
    expect((error as Error).message).not.toContain('310101199801011234');
    expect((error as Error).message).not.toContain('张三');
  });

  it('posts queryverifyinfo with verify_id, out_seq_no, cert_hash and openid, and returns errcode and verify_ret as given', async () => {
    const hash = certHash(cert);
    await expect(client().queryVerifyInfo({ verifyId: 'vid-1', outSeqNo: 'gjj-0001', certHash: hash, openid: 'o-1' })).resolves.toEqual({ errcode: 0, errmsg: 'ok', verifyRet: 10000 });
    expect(wx.requests(VERIFY_INFO_PATH)).toEqual([
      { method: 'POST', path: VERIFY_INFO_PATH, query: { access_token: 'tok-1' }, contentType: 'application/json', body: { verify_id: 'vid-1', out_seq_no: 'gjj-0001', cert_hash: hash, openid: 'o-1' } },
    ]);

    wx.handlers[VERIFY_INFO_PATH] = () => ({ json: { errcode: 0, errmsg: 'ok', verify_ret: 90017 } });
    await expect(client().queryVerifyInfo({ verifyId: 'vid-1', outSeqNo: 'gjj-0001', certHash: hash, openid: 'o-1' })).resolves.toMatchObject({ errcode: 0, verifyRet: 90017 });
    wx.handlers[VERIFY_INFO_PATH] = () => ({ json: { errcode: 84001, errmsg: 'invalid verify_id' } });
    await expect(client().queryVerifyInfo({ verifyId: 'vid-x', outSeqNo: 'gjj-0001', certHash: hash, openid: 'o-1' })).resolves.toEqual({ errcode: 84001, errmsg: 'invalid verify_id', verifyRet: undefined });
  });

  it('fetches the token once for several calls', async () => {
    const api = client();
    await api.getVerifyId({ outSeqNo: 'gjj-0001', cert, openid: 'o-1' });
    await api.queryVerifyInfo({ verifyId: 'vid-1', outSeqNo: 'gjj-0001', certHash: certHash(cert), openid: 'o-1' });
    await api.getPhoneNumber('code-1');
    expect(wx.requests(TOKEN_PATH)).toHaveLength(1);
    expect(wx.seen.filter((s) => s.path !== TOKEN_PATH).map((s) => s.query.access_token)).toEqual(['tok-1', 'tok-1', 'tok-1']);
  });

  it('refreshes the token shortly before expires_in runs out', async () => {
    const api = client();
    await api.getPhoneNumber('code-1');
    clock += (7200 - 300 - 1) * 1000;
    await api.getPhoneNumber('code-2');
    expect(wx.requests(TOKEN_PATH)).toHaveLength(1);
    clock += 2 * 1000;
    await api.getPhoneNumber('code-3');
    expect(wx.requests(TOKEN_PATH)).toHaveLength(2);
    expect(wx.requests(PHONE_PATH).map((s) => s.query.access_token)).toEqual(['tok-1', 'tok-1', 'tok-2']);
  });

  it('drops the token after an errcode 40001 reply and retries the call once with a fresh one', async () => {
    wx.handlers[VERIFY_INFO_PATH] = (_seen, token) => ({ json: token === 'tok-1' ? { errcode: 40001, errmsg: 'invalid credential' } : { errcode: 0, errmsg: 'ok', verify_ret: 10000 } });
    const api = client();
    await expect(api.queryVerifyInfo({ verifyId: 'vid-1', outSeqNo: 'gjj-0001', certHash: certHash(cert), openid: 'o-1' })).resolves.toMatchObject({ errcode: 0, verifyRet: 10000 });
    expect(wx.requests(TOKEN_PATH)).toHaveLength(2);
    expect(wx.requests(VERIFY_INFO_PATH).map((s) => s.query.access_token)).toEqual(['tok-1', 'tok-2']);
  });

  it('retries a 42001 only once, then throws', async () => {
    wx.handlers[VERIFY_ID_PATH] = () => ({ json: { errcode: 42001, errmsg: 'access_token expired' } });
    await expect(client().getVerifyId({ outSeqNo: 'gjj-0001', cert, openid: 'o-1' })).rejects.toMatchObject({ errcode: 42001 });
    expect(wx.requests(VERIFY_ID_PATH)).toHaveLength(2);
    expect(wx.requests(TOKEN_PATH)).toHaveLength(2);
  });

  it('lets concurrent first calls share one token request', async () => {
    wx.tokenDelayMs = 100;
    const api = client();
    await Promise.all([api.getPhoneNumber('a'), api.getPhoneNumber('b'), api.getVerifyId({ outSeqNo: 'gjj-0001', cert, openid: 'o-1' })]);
    expect(wx.requests(TOKEN_PATH)).toHaveLength(1);
  });

  it('throws WechatApiError when the token endpoint refuses, without quoting the secret', async () => {
    wx.tokenRefusal = { errcode: 40125, errmsg: `invalid appsecret ${SECRET}` };
    const error = await client()
      .getPhoneNumber('code-1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ errcode: 40125 });
    expect((error as Error).message).not.toContain(SECRET);
    expect(wx.requests(PHONE_PATH)).toEqual([]);
  });

  it('turns a malformed or non-JSON response into WechatApiError', async () => {
    const api = client();
    wx.handlers[VERIFY_ID_PATH] = () => ({ json: { errcode: 0, errmsg: 'ok', verify_id: 123 } });
    await expect(api.getVerifyId({ outSeqNo: 'gjj-0001', cert, openid: 'o-1' })).rejects.toBeInstanceOf(WechatApiError);
    wx.handlers[VERIFY_INFO_PATH] = () => ({ json: { errmsg: 'ok', verify_ret: 10000 } });
    await expect(api.queryVerifyInfo({ verifyId: 'vid-1', outSeqNo: 'gjj-0001', certHash: certHash(cert), openid: 'o-1' })).rejects.toBeInstanceOf(WechatApiError);
    wx.handlers[PHONE_PATH] = () => ({ json: { errcode: 0, errmsg: 'ok', phone_info: { countryCode: '86' } } });
    await expect(api.getPhoneNumber('code-1')).rejects.toBeInstanceOf(WechatApiError);
    wx.handlers[PHONE_PATH] = () => ({ raw: '<html>busy</html>' });
    await expect(api.getPhoneNumber('code-1')).rejects.toMatchObject({ errcode: -2 });
  });

  it('gives up with WechatApiError errcode -1 within timeoutMs when the server never answers', async () => {
    wx.handlers[VERIFY_INFO_PATH] = () => 'hang';
    const started = Date.now();
    const error = await client({ timeoutMs: 200 })
      .queryVerifyInfo({ verifyId: 'vid-1', outSeqNo: 'gjj-0001', certHash: certHash(cert), openid: 'o-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ errcode: -1 });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports a refused connection as WechatApiError errcode -1', async () => {
    const url = wx.url;
    await wx.stop();
    await expect(createWechatClient({ appId: APPID, appSecret: SECRET, baseUrl: url, timeoutMs: 1000 }).getPhoneNumber('c')).rejects.toMatchObject({ errcode: -1 });
  });

  it('maps phone_info of getuserphonenumber, posting the code', async () => {
    await expect(client().getPhoneNumber('code-9')).resolves.toEqual({ phoneNumber: '+86 13800138000', purePhoneNumber: '13800138000', countryCode: '86' });
    expect(wx.requests(PHONE_PATH)[0]).toMatchObject({ method: 'POST', query: { access_token: 'tok-1' }, body: { code: 'code-9' } });
  });

  it('throws WechatApiError 40029 for an invalid phone code and refuses a number watermarked for another app', async () => {
    wx.handlers[PHONE_PATH] = () => ({ json: { errcode: 40029, errmsg: 'invalid code' } });
    await expect(client().getPhoneNumber('bad')).rejects.toMatchObject({ errcode: 40029 });
    wx.handlers[PHONE_PATH] = () => ({
      json: { errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86', watermark: { timestamp: 1, appid: 'wx-other' } } },
    });
    await expect(client().getPhoneNumber('other')).rejects.toBeInstanceOf(WechatApiError);
  });

  describe('wxacode.getUnlimited', () => {
    const png = () => {
      const image = new PNG({ width: 4, height: 4 });
      image.data.fill(255);
      return new Uint8Array(PNG.sync.write(image));
    };

    it('posts scene, page, check_path false and the release version with the token, and answers the PNG WeChat sends', async () => {
      const sent = png();
      wx.handlers[CODE_PATH] = () => ({ bytes: sent, contentType: 'image/png' });
      await expect(client().getUnlimitedCode({ scene: 't=ABCD2345', page: 'packages/trial/join/index', width: 430 })).resolves.toEqual(sent);
      expect(wx.requests(CODE_PATH)).toEqual([
        { method: 'POST', path: CODE_PATH, query: { access_token: 'tok-1' }, contentType: 'application/json', body: { scene: 't=ABCD2345', page: 'packages/trial/join/index', check_path: false, env_version: 'release', width: 430 } },
      ]);
    });

    it('asks for the version it is told to, and writes a JPEG answer again as a PNG of the same size', async () => {
      const jpeg = encodeJpeg({ data: Buffer.alloc(16 * 8 * 4, 255), width: 16, height: 8 }, 90).data;
      wx.handlers[CODE_PATH] = () => ({ bytes: new Uint8Array(jpeg), contentType: 'image/jpeg' });
      const answer = await client({ envVersion: 'trial' }).getUnlimitedCode({ scene: 'c=321000', page: 'pages/center/index' });
      const decoded = PNG.sync.read(Buffer.from(answer));
      expect([decoded.width, decoded.height]).toEqual([16, 8]);
      expect(wx.requests(CODE_PATH)[0]?.body).toEqual({ scene: 'c=321000', page: 'pages/center/index', check_path: false, env_version: 'trial' });
    });

    it('throws WechatApiError with the errcode when WeChat answers JSON instead of an image, and retries a stale token once', async () => {
      let calls = 0;
      wx.handlers[CODE_PATH] = () => (++calls === 1 ? { json: { errcode: 40001, errmsg: 'invalid credential' } } : { json: { errcode: 41030, errmsg: 'invalid page rid: 1' } });
      const error = await client().getUnlimitedCode({ scene: 'c=321000', page: 'pages/nope/index' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WechatApiError);
      expect(error).toMatchObject({ errcode: 41030 });
      expect(wx.requests(TOKEN_PATH)).toHaveLength(2);
    });

    it('refuses an image that is neither PNG nor JPEG as a bad response', async () => {
      wx.handlers[CODE_PATH] = () => ({ bytes: new TextEncoder().encode('GIF89a...'), contentType: 'image/gif' });
      await expect(client().getUnlimitedCode({ scene: 'c=321000', page: 'pages/center/index' })).rejects.toMatchObject({ name: 'WechatApiError', errcode: -2 });
    });
  });
});
