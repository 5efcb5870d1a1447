import ipaddr from 'ipaddr.js';
import { addressProblem, hostPort, systemLookup, urlProblem, type HostLookup } from '../delivery/http';

/**
 * The rules a center's link or delivery endpoint must meet (DOMAIN "Centers", issue 6): https, no user
 * name or password, port 443, a domain name rather than an IP address, and every address that name
 * resolves to public. Checked at proposal (so a misspelt or unregistered name is refused while the person is
 * there), at review and at every probe; the agents check the address again at connect time, since DNS may answer
 * differently later.
 */

export interface UrlRuleOptions {
  /** Name resolution; node:dns lookup with every address unless given (tests give their own names). */
  lookup?: HostLookup;
  /**
   * Local host and tests only, as createOutboundClient's `allow`: host:port pairs exempt from the port,
   * IP-address and public-address rules, so loopback test servers can be reached. Never set in production.
   */
  allow?: ReadonlySet<string>;
}


/** Resolver failures that mean the name does not exist (or has no address), rather than that DNS could not be asked. */
const NO_SUCH_NAME = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', '']);

/**
 * Why `url` may not be registered or called, in Chinese for the person (the `message` of UNSAFE_URL), or
 * undefined when it may. Judges the URL as WHATWG parsing normalises it, which is also how it is called.
 */
export async function urlRefusal(url: string, options: UrlRuleOptions = {}): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '不是有效的网址';
  }
  const basic = urlProblem(parsed);
  if (basic) return basic;
  if (options.allow?.has(hostPort(parsed))) return undefined;
  // an explicit :443 is dropped by the parser, so any port left is another one
  if (parsed.port) return `只允许默认的 443 端口，不能使用 ${parsed.port} 端口`;
  const host = parsed.hostname;
  // the parser has already turned decimal, octal, hex and short IPv4 forms into dotted quads, and IPv6 is bracketed
  if (host.startsWith('[') || ipaddr.isValid(host)) return `不能直接使用 IP 地址（${host}），请填写域名`;

  let addresses: readonly string[] = [];
  let failure = '';
  try {
    addresses = await (options.lookup ?? systemLookup)(host);
  } catch (error) {
    failure = (error as { code?: string }).code ?? '';
  }
  if (addresses.length === 0) {
    return NO_SUCH_NAME.has(failure) ? `域名 ${host} 无法解析，请检查拼写或确认域名已生效` : `暂时无法解析域名 ${host}（${failure}），请稍后再试`;
  }
  const problem = addresses.map(addressProblem).find(Boolean);
  return problem && `域名 ${host} 解析到的${problem}`;
}
