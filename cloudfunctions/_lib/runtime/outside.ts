import * as z from 'zod';
import { parseCodeKey, parseCodePublicKey, type CodeKey, type CodePublicKey } from '../crypto/code-signing';
import { parseKeyring, type Keyring } from '../crypto/personal-data';
import ipaddr from 'ipaddr.js';
import { createOutboundClient, hostsLookup, type HostsMap, type OutboundClient } from '../delivery/http';
import type { FileStore } from '../files/port';
import { openWechat } from '../wechat';
import type { Outside } from './define';

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const HOST_ADDRESS = /^[A-Za-z0-9.-]+=[0-9A-Fa-f.:]+$/;

/** Built by createOutside (once per instance, on its first invocation), not when a function loads. */
const settingsSchema = () =>
  z.object({
    IDENTITY_VALID_DAYS: z.coerce.number({ error: 'IDENTITY_VALID_DAYS 应为天数' }).int().min(1).max(365).default(30),
    PLATFORM_CALLBACK_BASE: z.string().url('PLATFORM_CALLBACK_BASE 应为网址，如 https://gjj.example.cn').optional(),
    RELAY_LEASE_SECONDS: z.coerce.number({ error: 'RELAY_LEASE_SECONDS 应为秒数' }).int().min(20).max(3600).default(120),
    SUBSCRIBE_TEMPLATE_STATUS: z.string().min(1).optional(),
    DEV_ALLOW_ENDPOINTS: z
      .string()
      .default('')
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(HOST_PORT, 'DEV_ALLOW_ENDPOINTS 每项应为 主机:端口'))),
    DEV_HOSTS: z
      .string()
      .default('')
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(HOST_ADDRESS, 'DEV_HOSTS 每项应为 域名=IP 地址，如 gjj.example.cn=36.112.10.20').refine((x) => ipaddr.isValid(x.split('=')[1]), 'DEV_HOSTS 的 IP 地址无效')))
      .transform(hostsMap),
  });

/** DEV_HOSTS entries `name=address` as a map of lower-case names to their addresses (a name given twice has both). */
function hostsMap(entries: readonly string[]): HostsMap {
  const map = new Map<string, string[]>();
  for (const entry of entries) {
    const [name, address] = entry.split('=');
    map.set(name.toLowerCase(), [...(map.get(name.toLowerCase()) ?? []), address]);
  }
  return map;
}

/**
 * The variables read: WECHAT_MODE, WECHAT_APPID, WECHAT_APPSECRET, WECHAT_CODE_VERSION, PII_KEYS, PII_LOOKUP_KEY, CODE_SIGNING_KEY, CODE_PUBLIC_KEY, IDENTITY_VALID_DAYS,
 * PLATFORM_CALLBACK_BASE, RELAY_LEASE_SECONDS, SUBSCRIBE_TEMPLATE_STATUS, DEV_ALLOW_ENDPOINTS, DEV_HOSTS.
 */
export type OutsideEnv = Readonly<Record<string, string | undefined>>;

export interface OutsideParts {
  productionBuild: boolean;
  /** Where result documents go (CloudBase storage when deployed, a folder locally). */
  files: () => FileStore;
  /** Asks the relay to run soon; the one-minute timer is the backstop when this is lost. */
  nudgeRelay: () => void;
  /** Local host only: its simulator's certificate and those of NODE_EXTRA_CA_CERTS (PEM), trusted for DEV_ALLOW_ENDPOINTS only. */
  devCa?: string;
  /** Local host only: its own origin, known once it listens (instead of PLATFORM_CALLBACK_BASE). */
  callbackBase?: () => string;
}

/**
 * The world outside the store, from the environment, each part made on first use so a function that
 * needs none starts without them. A production build refuses the WeChat simulator and DEV_ALLOW_ENDPOINTS.
 */
export function createOutside(env: OutsideEnv, parts: OutsideParts): Outside {
  const parsed = settingsSchema().safeParse(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v])));
  if (!parsed.success) throw new Error(`环境变量有误：${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const settings = parsed.data;
  if (parts.productionBuild && (settings.DEV_ALLOW_ENDPOINTS.length > 0 || parts.devCa || parts.callbackBase)) throw new Error('DEV_ALLOW_ENDPOINTS is refused in a production build');
  if (parts.productionBuild && settings.DEV_HOSTS.size > 0) throw new Error('DEV_HOSTS is refused in a production build');
  // the local host has no public DNS: the names DEV_HOSTS maps resolve from it, for the URL rules and the connections alike
  const hosts = settings.DEV_HOSTS.size > 0 ? settings.DEV_HOSTS : undefined;
  const configured = settings.PLATFORM_CALLBACK_BASE?.replace(/\/$/, '');
  /** Asked only by the relay: centers must call back at the platform's public https address, never at a default. */
  const callbackBase = () => {
    if (!parts.productionBuild) return configured ?? 'http://127.0.0.1:8080';
    if (!configured?.startsWith('https://')) throw new Error("PLATFORM_CALLBACK_BASE must be set to the platform's public https origin");
    return configured;
  };
  let wechat: ReturnType<Outside['wechat']> | undefined;
  let keyring: Keyring | undefined;
  // checked at start: a signing key that is not the checking key's pair stops the function at once, naming both
  let codeKey: CodeKey | undefined = env.CODE_SIGNING_KEY ? parseCodeKey(env) : undefined;
  let codePublicKey: CodePublicKey | undefined;
  let outbound: OutboundClient | undefined;
  let files: FileStore | undefined;
  return {
    wechat: () => (wechat ??= openWechat(env, { productionBuild: parts.productionBuild })),
    keyring: () => (keyring ??= parseKeyring(env)),
    codeKey: () => (codeKey ??= parseCodeKey(env)),
    codePublicKey: () => (codePublicKey ??= parseCodePublicKey(env)),
    outbound: () => (outbound ??= createOutboundClient({ allow: new Set(settings.DEV_ALLOW_ENDPOINTS), allowCa: parts.devCa, hosts })),
    files: () => (files ??= parts.files()),
    nudgeRelay: parts.nudgeRelay,
    identityValidDays: settings.IDENTITY_VALID_DAYS,
    callbackBase: parts.callbackBase ?? callbackBase,
    relayLeaseMs: settings.RELAY_LEASE_SECONDS * 1000,
    statusTemplateId: settings.SUBSCRIBE_TEMPLATE_STATUS,
    // the same exemptions as deliveries: the local host's own center simulator, never in a production build
    urlChecks: { allow: new Set(settings.DEV_ALLOW_ENDPOINTS), allowCa: parts.devCa, ...(hosts ? { hosts, lookup: hostsLookup(hosts) } : {}) },
  };
}
