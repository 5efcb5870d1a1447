import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAll } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { Agent } from 'undici';

/**
 * The only way the platform calls out to a center: HTTPS to public addresses, checked at connect time
 * (after DNS resolution, so a name that resolves to 127.0.0.1 is refused too), no redirects followed,
 * 15 s for the whole exchange. Public addresses trust the system roots (with Node's NODE_EXTRA_CA_CERTS);
 * allow-listed dev endpoints trust `allowCa` besides the system roots.
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

/** `host:port` as allow lists name a URL's endpoint (443 when the URL leaves the port out). */
export function hostPort(url: URL): string {
  return `${url.hostname}:${url.port || '443'}`;
}

/**
 * Local host only (DEV_HOSTS, runtime/outside.ts): host names (lower case) answered from this map instead of DNS, by the
 * URL rules and the guarded connector alike, since the local host has no public DNS. A production build refuses it.
 */
export type HostsMap = ReadonlyMap<string, readonly string[]>;

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * dns.lookup (or the `hosts` map, for a name it has) that refuses when any resolved address is not public: the
 * connect-time guard of every outbound agent.
 */
export function guardedLookup(hosts?: HostsMap) {
  return (hostname: string, options: object, callback: LookupCallback) => {
    const settle = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => {
      if (error) return callback(error, []);
      const bad = addresses.map((a) => addressProblem(a.address)).find(Boolean);
      if (bad) return callback(new UnsafeAddressError(bad), []);
      const all = (options as { all?: boolean }).all;
      return all ? callback(null, addresses) : callback(null, addresses[0].address, addresses[0].family);
    };
    const mapped = hosts?.get(hostname.toLowerCase());
    if (mapped) return settle(null, mapped.map((address) => ({ address, family: ipaddr.parse(address).kind() === 'ipv6' ? 6 : 4 })));
    dnsLookup(hostname, { ...options, all: true }, settle);
  };
}

/** Every address a host name resolves to; none (or a throw) when it does not resolve. */
export type HostLookup = (hostname: string) => Promise<readonly string[]>;

/** node:dns lookup (the resolver connections use), every address of the name. */
export const systemLookup: HostLookup = async (hostname) => (await dnsLookupAll(hostname, { all: true })).map((a) => a.address);

/** Local host only (DEV_HOSTS): the names `hosts` maps answered from it, as the guarded connector does, others by `fallback`. */
export function hostsLookup(hosts: HostsMap, fallback: HostLookup = systemLookup): HostLookup {
  return async (hostname) => hosts.get(hostname.toLowerCase()) ?? fallback(hostname);
}

/** How centers' addresses are checked and probed (the URL rules, health checks), beyond the system resolver. */
export interface AddressChecks {
  /** Name resolution for the URL rules (see urlRefusal); connections use the system resolver (or `hosts`), guarded. */
  lookup?: HostLookup;
  /**
   * Local host and tests only, as createOutboundClient's: host:port pairs reached without the address
   * rules, trusting `allowCa` (one or more PEM certificates, concatenated) besides the system roots. The
   * caller refuses both in a production build.
   */
  allow?: ReadonlySet<string>;
  allowCa?: string;
  /** Local host only: names the connections resolve from a fixed map (the URL rules' `lookup` answers the same). */
  hosts?: HostsMap;
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

/** The undici request function and the two agents every outbound caller sends through. */
export interface OutboundAgents {
  request: typeof import('undici').request;
  /** For any address: the public-address guard at connect time, system roots (and NODE_EXTRA_CA_CERTS). */
  guarded: Agent;
  /** Only for allow-listed host:port pairs: no address guard, and `allowCa` trusted besides the system roots. */
  trusted: Agent;
  close(): Promise<void>;
}

/**
 * Loads undici (on first use, not when a function starts) and builds the agents from the caller's address checks
 * whole (so none forgets the local host's `hosts` map, or `allowCa`), `timeoutMs` for connect, headers and body.
 */
export async function outboundAgents(checks: AddressChecks | undefined, timeoutMs: number): Promise<OutboundAgents> {
  const { Agent, request } = await import('undici');
  // node:tls here too (undici loads it anyway): a function that never calls out does not load it at start (~4 ms)
  const { createSecureContext, rootCertificates } = await import('node:tls');
  const options = checks ?? {};
  const common = { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs } };
  const guarded = new Agent({ ...common, connect: { ...common.connect, lookup: guardedLookup(options.hosts) } });
  // the local host's simulator makes its certificate in the same process, after Node read NODE_EXTRA_CA_CERTS;
  // one secure context for every connection (a `ca` list would be parsed again for each, ~40 ms)
  const trusted = new Agent({ ...common, connect: { ...common.connect, ...(options.allowCa ? { secureContext: createSecureContext({ ca: [...rootCertificates, options.allowCa] }) } : {}) } });
  return {
    request,
    guarded,
    trusted,
    close: async () => {
      await Promise.all([guarded.close(), trusted.close()]);
    },
  };
}

/** TLS verification failures a person can act on, by OpenSSL / Node error code. */
const TLS_PROBLEMS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: '证书已过期',
  CERT_NOT_YET_VALID: '证书尚未生效',
  DEPTH_ZERO_SELF_SIGNED_CERT: '证书是自签名的，不受信任',
  SELF_SIGNED_CERT_IN_CHAIN: '证书链中有自签名证书，不受信任',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: '证书的颁发机构不受信任或证书链不完整',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: '证书的颁发机构不受信任或证书链不完整',
  ERR_TLS_CERT_ALTNAME_INVALID: '证书与域名不符',
};

/** Why an undici request threw, in words for the person: timeout, refused address, TLS, or the connection error's code. */
export function outboundFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') return `超时（${timeoutMs / 1000} 秒未答复）`;
  const cause = e.cause ?? e;
  if (cause instanceof UnsafeAddressError || (e as Error) instanceof UnsafeAddressError) return (cause as Error).message;
  const tls = cause.code ? TLS_PROBLEMS[cause.code] : undefined;
  if (tls) return `连接失败：${tls}（${cause.code}）`;
  return `连接失败：${cause.code ?? cause.message ?? String(error)}`;
}

/**
 * `allow` lists host:port pairs let through without the public-address check: the local host's own
 * center simulator and the endpoints DEV_ALLOW_ENDPOINTS adds, refused in a production build by the caller;
 * `allowCa` holds the certificates (PEM, concatenated) those pairs are also trusted with.
 */
export function createOutboundClient(options: { allow?: ReadonlySet<string>; allowCa?: string; hosts?: HostsMap; timeoutMs?: number } = {}): OutboundClient {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  // undici is loaded on the first delivery, not when a function starts
  let loaded: Promise<OutboundAgents> | undefined;
  const undici = () => (loaded ??= outboundAgents(options, timeoutMs));
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
      const allowed = options.allow?.has(hostPort(target)) ?? false;
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
        return { kind: 'failed', error: outboundFailure(error, timeoutMs) };
      }
    },
    async close() {
      if (loaded) await (await loaded).close();
    },
  };
}
