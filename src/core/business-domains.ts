import * as z from 'zod';
import type { CenterWithLinks } from './centers';
import { textField } from './validation';

/**
 * The mini-program's business domains (业务域名, issue 16 point 1): a web page opens in the web-view only on one of
 * them, at most 200, each proven by a verification file WeChat issues, placed at the domain's root. Centers' halls
 * on other domains are reached another way (the center's own mini-program, or the link copied with its explanation).
 */
export const BUSINESS_DOMAIN_LIMIT = 200;

/**
 * unlisted: used by a registered link, not yet requested; requested: a supervisor entered the verification file
 * WeChat issued, the center is to place it; file-placed: the daily check found the file at the domain's root;
 * configured: a supervisor added it to the mini-program's business domains (only then does the web-view open it).
 */
export const BUSINESS_DOMAIN_STATES = ['unlisted', 'requested', 'file-placed', 'configured'] as const;
export type BusinessDomainState = (typeof BUSINESS_DOMAIN_STATES)[number];

export const BUSINESS_DOMAIN_STATE_LABELS: Record<BusinessDomainState, string> = {
  unlisted: '未申请',
  requested: '待放置校验文件',
  'file-placed': '校验文件已放置，待配置',
  configured: '已配置为业务域名',
};

/**
 * A host name as registered links use it: lower case, no port, no trailing dot. `localhost` too: the local host's
 * demo halls are there (a registered link can never be, outside the local host and tests: the URL rules).
 */
export const BusinessDomainSchema = z
  .string({ error: '请填写域名' })
  .trim()
  .toLowerCase()
  .max(253, '域名不超过 253 个字符')
  .regex(/^(?:localhost|(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+)$/, '域名格式不正确，例如 www.gjj.example.gov.cn');

/** The verification file WeChat issues for a domain: a name like `AbCd1234.txt` and its short text content. */
export const VerificationFileSchema = z.object({
  name: z.string({ error: '请填写校验文件名' }).regex(/^[A-Za-z0-9_-]{1,64}\.txt$/, '校验文件名应为字母或数字加 .txt，例如 a1b2c3d4.txt'),
  content: textField('校验文件内容').min(1, '请填写校验文件内容').max(256, '校验文件内容不超过 256 个字符'),
});
export type VerificationFile = z.infer<typeof VerificationFileSchema>;

/** The domain of an https link, or undefined when the text is not a URL. */
export function domainOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.$/, '') || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The configured business domain that lets pages on `domain` open in the web-view: the domain itself or a parent of
 * it (WeChat opens any subdomain of a business domain), or undefined.
 */
export function coveringDomain(domain: string, configured: ReadonlySet<string>): string | undefined {
  const labels = domain.split('.');
  // a bare top-level label is never a business domain, save a single-label host (localhost) itself
  for (let i = 0; i < Math.max(1, labels.length - 1); i++) {
    const candidate = labels.slice(i).join('.');
    if (configured.has(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The configured parent domain that already opens `domain` in the web-view (WeChat opens a business domain's
 * subdomains), or undefined: such a subdomain needs no state of its own.
 */
export function coveringParent(domain: string, configured: ReadonlySet<string>): string | undefined {
  const labels = domain.split('.');
  return labels.length > 2 ? coveringDomain(labels.slice(1).join('.'), configured) : undefined;
}

/** One domain as supervisors see it (`admin businessDomains`). */
export interface BusinessDomainView {
  domain: string;
  state: BusinessDomainState;
  /** The configured parent domain that opens this one too: then it is configured through it, and nothing is to be set on it. */
  coveredBy?: string;
  /**
   * The state a covered domain still has of its own (set before its parent was configured), when it is not
   * `unlisted`: a configured one still counts against the 200, so a national supervisor can clear it.
   */
  ownState?: Exclude<BusinessDomainState, 'unlisted'>;
  /** The centers whose registered (live or pending) web links use the domain. */
  centers: { code: string; name: string }[];
  /** How many registered web links use it. */
  links: number;
  /** Only its name: the content is shown to the centers that place it. */
  verificationFile?: string;
  /** The daily check's last look at the file, and what was wrong when it was not found. */
  checkedAt?: string;
  problem?: string;
  updatedAt?: string;
}

export interface BusinessDomainsAnswer {
  limit: typeof BUSINESS_DOMAIN_LIMIT;
  configured: number;
  domains: BusinessDomainView[];
}

/** What a center's staff see of the domains their own web links use (`portal businessDomains`). */
export interface CenterDomainView {
  domain: string;
  state: BusinessDomainState;
  /** The items whose link uses it. */
  items: number[];
  /** Given while the file is to be placed: where it goes and what it holds. */
  verificationFile?: { name: string; content: string; url: string };
  checkedAt?: string;
  problem?: string;
}

/** `centers get`'s center: its links, and which of their domains are business domains (what resolveJump needs in the app). */
export type CenterWithDomains = CenterWithLinks & { businessDomains: string[] };
