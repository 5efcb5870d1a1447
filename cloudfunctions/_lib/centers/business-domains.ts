import { getDomain } from 'tldts';
import {
  BUSINESS_DOMAIN_LIMIT,
  BUSINESS_DOMAIN_STATE_LABELS,
  coveringDomain,
  coveringParent,
  domainOf,
  type BusinessDomainState,
  type BusinessDomainsAnswer,
  type BusinessDomainView,
  type CenterDomainView,
  type VerificationFile,
} from '../../../src/core/business-domains';
import type { ChangeView } from '../../../src/core/center-portal';
import { AppError } from '../../../src/core/errors';
import type { ItemId } from '../../../src/core/items';
import { provinceOfCenter } from '../../../src/core/supervision';
import { hostPort, outboundAgents, outboundFailure, type OutboundAgents } from '../delivery/http';
import { requireStaffCenter, type Caller, type ServiceContext } from '../runtime/define';
import type { BusinessDomainRecord, Store } from '../store/port';
import { isNationalSupervisor, supervisedProvinces } from '../supervision/scope';
import { beforeDeadline, readHead } from './probe';
import { urlRefusal } from './url-rules';

/**
 * The mini-program's business domains (业务域名, issue 16 point 1; docs/decisions/014). WeChat opens a page in the
 * web-view only on one of at most 200 domains, each proven by a verification file at its root and added by hand in
 * WeChat's console (no API sets them for an ordinary mini-program). This registry follows each domain registered links
 * use: supervisors request it with the file WeChat issued, the center places the file, the daily check finds it,
 * supervisors add it in WeChat's console and mark it configured; only then does the jump open it in the web-view.
 */

/** How long an instance reuses the configured domains it read: the jump runs on every tap, a change is rare. */
export const BUSINESS_DOMAINS_CACHE_MS = 60_000;
/** The daily check's whole fetch of one file, name resolution included. */
export const FILE_CHECK_TIMEOUT_MS = 10_000;
/** A verification file is a few dozen bytes: no more is read. */
const FILE_READ_BYTES = 4096;
/** Files fetched at once by the daily check. */
const FILE_CHECK_CONCURRENCY = 8;
/** Who the audit log and the record name for what the daily check found. */
const DAILY_CHECK = 'centers-daily';

const cache = new WeakMap<Store, { at: number; configured: ReadonlySet<string> }>();

/**
 * The configured business domains, read at most BUSINESS_DOMAINS_CACHE_MS ago by this instance (like the catalog); a
 * public suffix stored before it was refused opens nothing, while its record waits for a supervisor to remove it.
 */
export async function configuredDomains(store: Store, now: Date): Promise<ReadonlySet<string>> {
  const hit = cache.get(store);
  if (hit && now.getTime() - hit.at < BUSINESS_DOMAINS_CACHE_MS) return hit.configured;
  const configured = new Set((await store.businessDomains.list()).filter((d) => d.state === 'configured' && !publicSuffixRefusal(d.domain)).map((d) => d.domain));
  cache.set(store, { at: now.getTime(), configured });
  return configured;
}

/** A registered web link: live, or in a change waiting for review or for its date. */
interface WebLinkUse {
  centerCode: string;
  item: ItemId;
  url: string;
}

/** Every registered web link (live ones and pending or approved changes) of the centers `inScope` accepts, by domain. */
async function webLinksByDomain(store: Store, inScope: (centerCode: string) => boolean): Promise<Map<string, WebLinkUse[]>> {
  const [live, pending, approved] = await Promise.all([store.links.listAll(), store.linkChanges.listByStatus('pending'), store.linkChanges.listByStatus('approved')]);
  const uses: WebLinkUse[] = [
    ...live.flatMap(({ centerCode, link }) => (link.kind === 'web' ? [{ centerCode, item: link.item, url: link.url }] : [])),
    ...[...pending, ...approved].flatMap(({ centerCode, target }) =>
      target.kind === 'link' && target.link.kind === 'web' ? [{ centerCode, item: target.item, url: target.link.url }] : [],
    ),
  ];
  const byDomain = new Map<string, WebLinkUse[]>();
  const seen = new Set<string>();
  for (const use of uses) {
    const domain = domainOf(use.url);
    const key = `${use.centerCode}:${use.item}:${use.url}`;
    if (domain === undefined || !inScope(use.centerCode) || seen.has(key)) continue;
    seen.add(key);
    byDomain.set(domain, [...(byDomain.get(domain) ?? []), use]);
  }
  return byDomain;
}

/**
 * Where the domain's verification file is looked for: `https://<domain>/<name>`, as WeChat looks for it. Registered
 * links are on port 443; only the local host's and tests' allow-listed sites have a port of their own, and their root
 * is there.
 */
function fileUrl(domain: string, file: VerificationFile, uses: readonly WebLinkUse[]): string {
  const origin = uses.map((u) => new URL(u.url)).find((u) => u.port !== '')?.origin ?? `https://${domain}`;
  return `${origin}/${file.name}`;
}

const stateOf = (record: BusinessDomainRecord | undefined): BusinessDomainState => record?.state ?? 'unlisted';

/** The stored domains by name, and a domain's state as the jump sees it: configured also when a parent domain is (WeChat opens its subdomains). */
function registry(records: readonly BusinessDomainRecord[]) {
  const stored = new Map(records.map((r) => [r.domain, r]));
  const configured = new Set(records.filter((r) => r.state === 'configured').map((r) => r.domain));
  const effectiveState = (domain: string): BusinessDomainState => (coveringDomain(domain, configured) !== undefined ? 'configured' : stateOf(stored.get(domain)));
  return { stored, configured, effectiveState };
}

/**
 * `admin businessDomains`: every domain registered web links use (live and in changes not yet live), with its state,
 * the centers by name and the links; how many are configured against WeChat's 200. A provincial supervisor sees the
 * domains of their province's centers; a national one also the domains set but no longer used (they still count).
 */
export async function adminBusinessDomains(ctx: ServiceContext, caller: Caller): Promise<BusinessDomainsAnswer> {
  const provinces = new Set(supervisedProvinces(caller));
  const national = isNationalSupervisor(caller);
  const [records, uses, centers] = await Promise.all([
    ctx.store.businessDomains.list(),
    webLinksByDomain(ctx.store, (code) => provinces.has(provinceOfCenter(code))),
    ctx.store.centers.list(),
  ]);
  const { stored, configured, effectiveState } = registry(records);
  const names = new Map(centers.map((c) => [c.code, c.name]));
  const domains = [...new Set([...uses.keys(), ...(national ? stored.keys() : [])])].sort();
  return {
    limit: BUSINESS_DOMAIN_LIMIT,
    configured: configured.size,
    domains: domains.map((domain): BusinessDomainView => {
      const record = stored.get(domain);
      const links = uses.get(domain) ?? [];
      const codes = [...new Set(links.map((l) => l.centerCode))].sort();
      const parent = coveringParent(domain, configured);
      return {
        domain,
        state: effectiveState(domain),
        ...(parent !== undefined ? { coveredBy: parent } : {}),
        ...(parent !== undefined && record && record.state !== 'unlisted' ? { ownState: record.state } : {}),
        centers: codes.map((code) => ({ code, name: names.get(code) ?? code })),
        links: links.length,
        ...(record?.verificationFile ? { verificationFile: record.verificationFile.name } : {}),
        ...(record?.checkedAt ? { checkedAt: record.checkedAt.toISOString() } : {}),
        ...(record?.problem ? { problem: record.problem } : {}),
        ...(record ? { updatedAt: record.updatedAt.toISOString() } : {}),
      };
    }),
  };
}

const describeState = (record: BusinessDomainRecord | undefined) =>
  `${BUSINESS_DOMAIN_STATE_LABELS[stateOf(record)]}${record?.state === 'requested' && record.verificationFile ? `（校验文件 ${record.verificationFile.name}）` : ''}`;

const sameFile = (a: VerificationFile | null, b: VerificationFile | null) => a?.name === b?.name && a?.content === b?.content;

/**
 * Why `domain` cannot be a business domain of its own, or undefined: a public suffix (gov.cn, com.cn: WeChat gives
 * none, and marking one configured would open every hall under it in a blank web-view), by the Public Suffix List,
 * its private section too (github.io, blogspot.com: anyone may put pages under those). The local host's demo halls
 * are on `localhost`.
 */
function publicSuffixRefusal(domain: string): string | undefined {
  if (domain === 'localhost' || getDomain(domain, { allowPrivateDomains: true }) !== null) return undefined;
  return `${domain} 是公共后缀，不能作为业务域名；请填写中心自己的域名，如 gjj.yangzhou.gov.cn`;
}

/**
 * `admin setBusinessDomain`: a national supervisor records a domain's state. `requested` takes the verification file
 * WeChat issued (the contract requires it) and starts the daily check afresh; `configured` says it was added in
 * WeChat's console, refused (in the store's write) while BUSINESS_DOMAIN_LIMIT domains are configured already. A public
 * suffix is refused, and so is a subdomain a configured parent already covers (it needs no state; its stored state
 * may still be cleared). Each change is audited, before -> after as the write found it; setting what is already there
 * (or `unlisted` on a domain never set) changes nothing. Answers the list as the supervisor sees it.
 */
export async function setBusinessDomain(
  ctx: ServiceContext,
  caller: Caller,
  change: { domain: string; state: BusinessDomainState; file?: VerificationFile },
): Promise<BusinessDomainsAnswer> {
  if (!isNationalSupervisor(caller)) throw new AppError('FORBIDDEN', '仅监管司监管人员可以设置小程序的业务域名');
  const { domain, state } = change;
  // taking a domain off is always allowed, a public suffix stored before it was refused too
  const suffix = state === 'unlisted' ? undefined : publicSuffixRefusal(domain);
  if (suffix) throw new AppError('VALIDATION_FAILED', suffix, { domain: suffix });
  const records = await ctx.store.businessDomains.list();
  const before = records.find((r) => r.domain === domain);
  const parent = coveringParent(domain, registry(records).configured);
  if (parent !== undefined && state !== 'unlisted') {
    const message = `${domain} 已由业务域名 ${parent} 覆盖，在小程序内可以直接打开，无需单独设置`;
    throw new AppError('VALIDATION_FAILED', message, { domain: message });
  }
  const verificationFile = change.file ?? before?.verificationFile ?? null;
  if (stateOf(before) === state && sameFile(before?.verificationFile ?? null, verificationFile)) return adminBusinessDomains(ctx, caller);
  // a new request (or a new file) is checked afresh; otherwise the last check stays as it was
  const fresh = state === 'requested' && (before?.state !== 'requested' || !sameFile(before.verificationFile, verificationFile));
  const after: BusinessDomainRecord = {
    domain,
    state,
    verificationFile,
    checkedAt: fresh ? null : (before?.checkedAt ?? null),
    problem: fresh ? null : (before?.problem ?? null),
    updatedAt: ctx.now,
    updatedBy: caller.openid,
  };
  const written = await ctx.store.businessDomains.put(after, BUSINESS_DOMAIN_LIMIT);
  if (!written.written) {
    const message = `小程序已配置 ${written.configured} 个业务域名，达到微信的上限 ${BUSINESS_DOMAIN_LIMIT} 个，不能再配置 ${domain}。请先在微信公众平台移除不再使用的业务域名，并在这里把它改为其他状态`;
    throw new AppError('VALIDATION_FAILED', message, { state: `业务域名已达 ${BUSINESS_DOMAIN_LIMIT} 个上限` });
  }
  cache.delete(ctx.store);
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'business-domain.set', subject: domainSubject(domain), detail: `${describeState(written.replaced)} → ${describeState(after)}` });
  return adminBusinessDomains(ctx, caller);
}

/** The audit subject of everything done about a business domain. */
export const domainSubject = (domain: string) => `domain:${domain}`;

/**
 * `portal businessDomains`: the domains of the center's own web links (live and in changes not yet live), each with
 * its state and items; while it is requested, the verification file to place at the domain's root and where.
 */
export async function portalBusinessDomains(ctx: ServiceContext, caller: Caller): Promise<CenterDomainView[]> {
  const centerCode = requireStaffCenter(caller, '查看本中心链接的业务域名');
  const [uses, records] = await Promise.all([webLinksByDomain(ctx.store, (code) => code === centerCode), ctx.store.businessDomains.list()]);
  const { stored, effectiveState } = registry(records);
  return [...uses.keys()].sort().map((domain): CenterDomainView => {
    const record = stored.get(domain);
    const links = uses.get(domain) ?? [];
    const state = effectiveState(domain);
    const file = state === 'requested' ? (record?.verificationFile ?? null) : null;
    return {
      domain,
      state,
      items: [...new Set(links.map((l) => l.item))].sort((a, b) => a - b),
      ...(file ? { verificationFile: { name: file.name, content: file.content, url: fileUrl(domain, file, links) } } : {}),
      ...(record?.checkedAt ? { checkedAt: record.checkedAt.toISOString() } : {}),
      ...(record?.problem ? { problem: record.problem } : {}),
    };
  });
}

/** Each pending web link change with its domain and the domain's state, for the supervisor's review. */
export async function withDomains(ctx: ServiceContext, views: readonly ChangeView[]): Promise<ChangeView[]> {
  const { effectiveState } = registry(await ctx.store.businessDomains.list());
  return views.map((view) => {
    const name = view.target.kind === 'link' && view.target.link.kind === 'web' ? domainOf(view.target.link.url) : undefined;
    return name === undefined ? view : { ...view, domain: { name, state: effectiveState(name) } };
  });
}

/** What the fetch of a verification file found wrong, in Chinese for the center; undefined when the file is there as issued. */
async function fileProblem(url: string, file: VerificationFile, agents: OutboundAgents, ctx: ServiceContext): Promise<string | undefined> {
  const checks = ctx.outside.urlChecks;
  const signal = AbortSignal.timeout(FILE_CHECK_TIMEOUT_MS);
  try {
    const refused = await beforeDeadline(urlRefusal(url, { lookup: checks?.lookup, allow: checks?.allow }), signal);
    if (refused) return `无法检查 ${url}：${refused}`;
    const target = new URL(url);
    const response = await agents.request(target, { method: 'GET', dispatcher: checks?.allow?.has(hostPort(target)) ? agents.trusted : agents.guarded, signal });
    const status = response.statusCode;
    if (status < 200 || status >= 300) {
      await response.body.dump();
      if (status === 404) return `在 ${url} 没有找到校验文件（答复 404），请把文件放在域名根目录下`;
      if (status >= 300 && status < 400) return `${url} 被跳转到其他地址（答复 ${status}），微信要求校验文件直接放在域名根目录下，不能跳转`;
      return `打开 ${url} 时答复 ${status}，应为 200`;
    }
    const content = (await readHead(response.body, FILE_READ_BYTES)).toString('utf8');
    return content.trim() === file.content.trim() ? undefined : `${url} 的内容与微信下发的校验文件不一致，请原样放置文件，不要改动内容`;
  } catch (error) {
    return `无法打开 ${url}：${outboundFailure(error, FILE_CHECK_TIMEOUT_MS)}`;
  }
}

/**
 * The daily check (a step of centers-daily): for each requested domain, fetches `https://<domain>/<file name>` through
 * the URL rules and the guarded client. The file as issued makes the domain file-placed (audited); anything else keeps
 * it requested with the problem in words for the center. A supervisor's change meanwhile wins (recordCheck).
 */
export async function checkVerificationFiles(ctx: ServiceContext): Promise<{ checked: number; placed: string[] }> {
  const requested = (await ctx.store.businessDomains.list()).flatMap((r) => (r.state === 'requested' && r.verificationFile ? [{ record: r, file: r.verificationFile }] : []));
  if (requested.length === 0) return { checked: 0, placed: [] };
  const uses = await webLinksByDomain(ctx.store, () => true);
  const agents = await outboundAgents(ctx.outside.urlChecks, FILE_CHECK_TIMEOUT_MS);
  const placed: string[] = [];
  const queue = requested.values();
  const worker = async () => {
    for (const { record, file } of queue) {
      const url = fileUrl(record.domain, file, uses.get(record.domain) ?? []);
      const problem = (await fileProblem(url, file, agents, ctx)) ?? null;
      const written = await ctx.store.businessDomains.recordCheck(record.domain, record.updatedAt, { at: ctx.now, problem, by: DAILY_CHECK });
      if (written?.state !== 'file-placed') continue;
      placed.push(record.domain);
      await ctx.store.audit.append({ at: ctx.now, actor: DAILY_CHECK, action: 'business-domain.file-placed', subject: domainSubject(record.domain), detail: `${describeState(record)} → ${describeState(written)}（${url}）` });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(FILE_CHECK_CONCURRENCY, requested.length) }, worker));
  } finally {
    await agents.close();
  }
  return { checked: requested.length, placed: placed.sort() };
}
