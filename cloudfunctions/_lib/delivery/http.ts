import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { createSecureContext, rootCertificates } from 'node:tls';
import ipaddr from 'ipaddr.js';
import type { Agent } from 'undici';

/**
 * The only way the platform calls out to a center: HTTPS to public addresses, checked at connect time
 * (after DNS resolution, so a name that resolves to 127.0.0.1 is refused too), no redirects followed,
 * 15 s for the whole exchange. Extra CAs come from Node's NODE_EXTRA_CA_CERTS.
 */
export const DELIVERY_TIMEOUT_MS = 15_000;

/** Why an address may not be called, or undefined for a public unicast address. */
export function addressProblem(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} 不是有效的 IP 地址`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // ::ffff:a.b.c.d (mapped) and the deprecated ::a.b.c.d (compatible) both reach an IPv4 address
    const compatible = v6.parts.slice(0, 6).every((p) => p === 0) && (v6.parts[6] !== 0 || v6.parts[7] > 1);
    if (v6.isIPv4MappedAddress() || compatible) parsed = ipaddr.fromByteArray(v6.toByteArray().slice(12));
  }
  const range = parsed.range();
  return range === 'unicast' ? undefined : `地址 ${address} 不是公网地址（${range}），不允许访问`;
}

/** Why a URL may not be called before any connection is tried, or undefined. */
export function urlProblem(url: URL): string | undefined {
  if (url.protocol !== 'https:') return '只允许 https 地址';
  if (url.username || url.password) return '地址中不能含用户名或密码';
  return undefined;
}

export class UnsafeAddressError extends Error {
  readonly code = 'UNSAFE_ADDRESS';
}

/** dns.lookup that refuses when any resolved address is not public. */
function guardedLookup(hostname: string, options: object, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const bad = addresses.map((a) => addressProblem(a.address)).find(Boolean);
    if (bad) return callback(new UnsafeAddressError(bad), []);
    const all = (options as { all?: boolean }).all;
    return all ? callback(null, addresses) : callback(null, addresses[0].address, addresses[0].family);
  });
}

export type PostOutcome = { kind: 'answered'; status: number; retryAfterSeconds: number | undefined } | { kind: 'failed'; error: string };

export interface OutboundClient {
  postJson(url: string, body: string, headers: Record<string, string>): Promise<PostOutcome>;
  close(): Promise<void>;
}

function retryAfter(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * `allow` lists host:port pairs let through without the public-address check: the local host's own
 * center simulator (DEV_ALLOW_ENDPOINTS), refused in a production build by the caller; `allowCa` is a
 * certificate those pairs are also trusted with.
 */
export function createOutboundClient(options: { allow?: ReadonlySet<string>; allowCa?: string; timeoutMs?: number } = {}): OutboundClient {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const common = { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs } };
  // undici is loaded on the first delivery, not when a function starts
  let loaded: Promise<{ request: typeof import('undici').request; guarded: Agent; trusted: Agent }> | undefined;
  const undici = () =>
    (loaded ??= import('undici').then(({ Agent, request }) => ({
      request,
      guarded: new Agent({ ...common, connect: { ...common.connect, lookup: guardedLookup } }),
      // the local host's simulator makes its certificate in the same process, after Node read NODE_EXTRA_CA_CERTS;
      // one secure context for every connection (a `ca` list would be parsed again for each, ~40 ms)
      trusted: new Agent({ ...common, connect: { ...common.connect, ...(options.allowCa ? { secureContext: createSecureContext({ ca: [...rootCertificates, options.allowCa] }) } : {}) } }),
    })));
  return {
    async postJson(url, body, headers) {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return { kind: 'failed', error: '接口地址不是有效的网址' };
      }
      const refused = urlProblem(target);
      if (refused) return { kind: 'failed', error: refused };
      const host = target.hostname.replace(/^\[|\]$/g, '');
      const allowed = options.allow?.has(`${target.hostname}:${target.port || '443'}`) ?? false;
      // an IP literal never reaches the lookup hook, so it is checked here
      if (!allowed && ipaddr.isValid(host)) {
        const bad = addressProblem(host);
        if (bad) return { kind: 'failed', error: bad };
      }
      const { request, guarded, trusted } = await undici();
      try {
        const response = await request(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
          dispatcher: allowed ? trusted : guarded,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body.dump();
        return { kind: 'answered', status: response.statusCode, retryAfterSeconds: retryAfter(response.headers['retry-after']) };
      } catch (error) {
        const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
        if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') return { kind: 'failed', error: `超时（${timeoutMs / 1000} 秒未答复）` };
        const cause = e.cause ?? e;
        if (cause instanceof UnsafeAddressError || (e as Error) instanceof UnsafeAddressError) return { kind: 'failed', error: (cause as Error).message };
        return { kind: 'failed', error: `连接失败：${cause.code ?? cause.message ?? String(error)}` };
      }
    },
    async close() {
      if (!loaded) return;
      const { guarded, trusted } = await loaded;
      await Promise.all([guarded.close(), trusted.close()]);
    },
  };
}
