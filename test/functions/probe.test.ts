import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { nextHealth, probeLinks, type ProbeOptions, type ProbeResult } from '../../cloudfunctions/_lib/centers/probe';
import type { HostLookup } from '../../cloudfunctions/_lib/delivery/http';

/**
 * The daily health check (issue 6, part 5) against real HTTPS servers on 127.0.0.1: one with a certificate
 * from a test CA the probe is told to trust, one whose certificate from that CA has expired, and one with a
 * self-signed certificate nobody trusts. Loopback is reachable only through the `allow` list.
 */
jest.setTimeout(30_000);

const GBK_TITLE = Buffer.from([0xd1, 0xef, 0xd6, 0xdd, 0xca, 0xd0, 0xd7, 0xa1, 0xb7, 0xbf, 0xb9, 0xab, 0xbb, 0xfd, 0xbd, 0xf0]); // 扬州市住房公积金 in GBK
const html = (title: string) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>ok</body></html>`;

let inFlight = 0;
let peakInFlight = 0;

const routes: Record<string, (res: ServerResponse) => void> = {
  '/title': (res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html('\n  扬州市住房公积金 &amp; 网上办事大厅 &#x2014; 首页\n'));
  },
  '/gbk': (res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=GBK' });
    res.end(Buffer.concat([Buffer.from('<html><head><title>'), GBK_TITLE, Buffer.from('</title></head></html>')]));
  },
  '/meta-gbk': (res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(Buffer.concat([Buffer.from('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><TITLE>'), GBK_TITLE, Buffer.from('</TITLE></head></html>')]));
  },
  '/late-title': (res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<html><head><!-- ${'x'.repeat(70 * 1024)} --><title>太靠后</title></head></html>`);
  },
  '/json': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"title":"<title>不是网页</title>"}');
  },
  '/500': (res) => {
    res.writeHead(500, { 'content-type': 'text/html' });
    res.end(html('服务器错误'));
  },
  '/hang': () => undefined,
  '/to-loopback': (res) => {
    res.writeHead(302, { location: 'https://127.0.0.1/' });
    res.end();
  },
  '/to-private-name': (res) => {
    res.writeHead(302, { location: 'https://evil.example/login' });
    res.end();
  },
  '/to-same-server': (res) => {
    res.writeHead(302, { location: '/title' });
    res.end();
  },
  '/to-public': (res) => {
    res.writeHead(301, { location: 'https://gjj.yangzhou.gov.cn/wx/' });
    res.end();
  },
  '/slow': (res) => {
    peakInFlight = Math.max(peakInFlight, ++inFlight);
    setTimeout(() => {
      inFlight -= 1;
      res.writeHead(204);
      res.end();
    }, 100);
  },
};

const lookup: HostLookup = async (hostname) => {
  const table: Record<string, string[]> = { 'gjj.yangzhou.gov.cn': ['36.112.10.20'], 'evil.example': ['127.0.0.1'], localhost: ['36.112.10.21'] };
  if (!table[hostname]) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return table[hostname];
};

const servers: Server[] = [];
async function serve(tls: { private: string; cert: string }): Promise<string> {
  const server = createServer({ key: tls.private, cert: tls.cert }, (req: IncomingMessage, res: ServerResponse) => {
    const route = routes[req.url ?? ''];
    if (route) return route(res);
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let good: string;
let expired: string;
let untrusted: string;
let options: ProbeOptions;

beforeAll(async () => {
  const san = { name: 'subjectAltName' as const, altNames: [{ type: 7 as const, ip: '127.0.0.1' }] };
  const base = { keyType: 'ec' as const, algorithm: 'sha256', extensions: [san] };
  const ca = await generate([{ name: 'commonName', value: 'probe test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true }],
  });
  const signedBy = { ca: { key: ca.private, cert: ca.cert } };
  const day = 24 * 3600 * 1000;
  good = await serve(await generate([{ name: 'commonName', value: '127.0.0.1' }], { ...base, ...signedBy }));
  expired = await serve(await generate([{ name: 'commonName', value: '127.0.0.1' }], { ...base, ...signedBy, notBeforeDate: new Date(Date.now() - 30 * day), notAfterDate: new Date(Date.now() - day) }));
  untrusted = await serve(await generate([{ name: 'commonName', value: '127.0.0.1' }], base));
  options = { lookup, allow: new Set([good, expired, untrusted]), allowCa: ca.cert, timeoutMs: 5_000 };
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function probe(url: string, overrides: ProbeOptions = {}): Promise<ProbeResult> {
  const [result] = await probeLinks([{ id: 'link', url }], { ...options, ...overrides });
  return result;
}

describe('probeLinks', () => {
  it('counts a 200 as up and records the page title, entities decoded and whitespace collapsed', async () => {
    const result = await probe(`https://${good}/title`);
    expect(result).toEqual({ id: 'link', ok: true, status: 200, title: '扬州市住房公积金 & 网上办事大厅 — 首页', error: null, ms: expect.any(Number) });
  });

  it('decodes a GBK title by the header charset or by the page meta', async () => {
    expect(await probe(`https://${good}/gbk`)).toMatchObject({ ok: true, title: '扬州市住房公积金' });
    expect(await probe(`https://${good}/meta-gbk`)).toMatchObject({ ok: true, title: '扬州市住房公积金' });
  });

  it('looks for the title only in the first 64 KB and only in HTML', async () => {
    expect(await probe(`https://${good}/late-title`)).toMatchObject({ ok: true, status: 200, title: null });
    expect(await probe(`https://${good}/json`)).toMatchObject({ ok: true, status: 200, title: null });
  });

  it('fails on an expired certificate', async () => {
    expect(await probe(`https://${expired}/title`)).toMatchObject({ ok: false, status: null, title: null, error: expect.stringContaining('证书已过期') });
  });

  it('fails on a self-signed certificate that is not trusted', async () => {
    expect(await probe(`https://${untrusted}/title`)).toMatchObject({ ok: false, status: null, error: expect.stringContaining('自签名') });
  });

  it('fails on a 500 and says which status came back', async () => {
    expect(await probe(`https://${good}/500`)).toMatchObject({ ok: false, status: 500, title: null, error: '答复状态 500，应为 2xx 或 3xx' });
  });

  it('fails on a server that does not answer within the timeout', async () => {
    expect(await probe(`https://${good}/hang`, { timeoutMs: 300 })).toMatchObject({ ok: false, status: null, error: '超时（0.3 秒未答复）' });
  });

  it('counts a name lookup that never answers against the same timeout', async () => {
    const silent: HostLookup = () => new Promise(() => undefined);
    expect(await probe('https://gjj.yangzhou.gov.cn/', { lookup: silent, timeoutMs: 300 })).toMatchObject({ ok: false, status: null, error: '超时（0.3 秒未答复）' });
  });

  it('does not follow a redirect, and fails one to an IP address or to a name resolving to loopback', async () => {
    expect(await probe(`https://${good}/to-loopback`)).toMatchObject({ ok: false, status: 302, error: expect.stringMatching(/^跳转到 https:\/\/127\.0\.0\.1\/，该地址不允许：不能直接使用 IP 地址/) });
    expect(await probe(`https://${good}/to-private-name`)).toMatchObject({ ok: false, status: 302, error: expect.stringMatching(/evil\.example.*不是公网地址/) });
  });

  it('counts a redirect to an allowed place as up without following it', async () => {
    expect(await probe(`https://${good}/to-same-server`)).toMatchObject({ ok: true, status: 302, title: null, error: null });
    expect(await probe(`https://${good}/to-public`)).toMatchObject({ ok: true, status: 301, error: null });
  });

  it('refuses a loopback server that is not allow-listed before connecting', async () => {
    expect(await probe(`https://${good}/title`, { allow: new Set() })).toMatchObject({ ok: false, status: null, error: expect.stringContaining('443 端口') });
    expect(await probe('https://127.0.0.1/title', { allow: new Set() })).toMatchObject({ ok: false, error: expect.stringContaining('不能直接使用 IP 地址') });
  });

  it('refuses at connect time a name that resolved to a public address at the check and to loopback when connecting', async () => {
    // the injected lookup says localhost is public; the system resolver used to connect says 127.0.0.1
    expect(await probe('https://localhost/')).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/地址 (127\.0\.0\.1|::1) 不是公网地址/) });
  });

  it('keeps the order of the targets and probes no more than `concurrency` at once', async () => {
    peakInFlight = 0;
    const targets = Array.from({ length: 12 }, (_, n) => ({ id: `slow-${n}`, url: `https://${good}/slow` }));
    const results = await probeLinks([{ id: 'broken', url: `https://${good}/500` }, ...targets], { ...options, concurrency: 3 });
    expect(results.map((r) => r.id)).toEqual(['broken', ...targets.map((t) => t.id)]);
    expect(results.map((r) => r.ok)).toEqual([false, ...targets.map(() => true)]);
    expect(peakInFlight).toBe(3);
  });
});

describe('nextHealth', () => {
  const ok = { ok: true };
  const failed = { ok: false };

  it('marks a link unhealthy after two failures in a row, and healthy again after one success', () => {
    let health = nextHealth({ consecutiveFailures: 0 }, failed);
    expect(health).toEqual({ consecutiveFailures: 1, healthy: true });
    health = nextHealth(health, failed);
    expect(health).toEqual({ consecutiveFailures: 2, healthy: false });
    health = nextHealth(health, failed);
    expect(health).toEqual({ consecutiveFailures: 3, healthy: false });
    expect(nextHealth(health, ok)).toEqual({ consecutiveFailures: 0, healthy: true });
  });

  it('keeps a link healthy when failures are not consecutive', () => {
    const afterOne = nextHealth({ consecutiveFailures: 0 }, failed);
    expect(nextHealth(nextHealth(afterOne, ok), failed)).toEqual({ consecutiveFailures: 1, healthy: true });
  });
});
