import { performance } from 'node:perf_hooks';
import { hostPort, outboundAgents, outboundFailure, type AddressChecks, type OutboundAgents } from '../delivery/http';
import { urlRefusal } from './url-rules';

/**
 * The daily health check of centers' live links and endpoints (issue 6): each URL must still meet the URL
 * rules (resolving now), answer a GET with 2xx or 3xx within 10 s over TLS valid against the system roots,
 * and any redirect must point somewhere the rules allow. Redirects are not followed. An endpoint need only
 * answer (ProbeTarget.endpoint).
 */
export const PROBE_TIMEOUT_MS = 10_000;
export const PROBE_CONCURRENCY = 16;
/** How much of an HTML answer is read looking for its <title>. */
export const TITLE_READ_BYTES = 64 * 1024;
const TITLE_MAX_CHARS = 200;
/** Failures in a row after which a link is shown as unhealthy (and the directory falls back). */
export const UNHEALTHY_AFTER_FAILURES = 2;

const PROBE_HEADERS = { 'user-agent': 'gjj-miniprogram-link-check/1.0', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

export interface ProbeTarget {
  id: string;
  url: string;
  /**
   * A delivery endpoint rather than a page: it takes POSTs only, so a GET is answered 401, 404 or 405. Any
   * HTTP answer over valid TLS within the timeout counts as up; the URL rules still apply.
   */
  endpoint?: boolean;
}

export interface ProbeResult {
  id: string;
  /** Answered 2xx, or 3xx to a place the URL rules allow, within the timeout. */
  ok: boolean;
  /** The HTTP status, or null when there was no answer. */
  status: number | null;
  /** The <title> of a 2xx HTML answer, when it has one in its first 64 KB. */
  title: string | null;
  /** Why it failed, in Chinese; null when ok. */
  error: string | null;
  /** Milliseconds from the start of the check (name resolution included) to its outcome. */
  ms: number;
}

export interface ProbeOptions extends AddressChecks {
  /** Links probed at once; PROBE_CONCURRENCY unless given. */
  concurrency?: number;
  /** The whole check of one link, name resolution included; PROBE_TIMEOUT_MS unless given. */
  timeoutMs?: number;
}

/** Probes every target, `concurrency` at a time; the results are in the order of the targets. */
export async function probeLinks(targets: readonly ProbeTarget[], options: ProbeOptions = {}): Promise<ProbeResult[]> {
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const agents = await outboundAgents(options, timeoutMs);
  const results: ProbeResult[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      results[index] = await probeOne(targets[index], agents, options, timeoutMs);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(Math.max(1, options.concurrency ?? PROBE_CONCURRENCY), targets.length) }, worker));
  } finally {
    await agents.close();
  }
  return results;
}

async function probeOne(target: ProbeTarget, agents: OutboundAgents, options: ProbeOptions, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const done = (outcome: Omit<ProbeResult, 'id' | 'ms'>): ProbeResult => ({ id: target.id, ...outcome, ms: Math.round(performance.now() - started) });
  const failed = (error: string, status: number | null = null) => done({ ok: false, status, title: null, error });
  const rules = { lookup: options.lookup, allow: options.allow };
  try {
    const refused = await beforeDeadline(urlRefusal(target.url, rules), signal);
    if (refused) return failed(refused);
    const url = new URL(target.url);
    const response = await agents.request(url, { method: 'GET', headers: PROBE_HEADERS, dispatcher: options.allow?.has(hostPort(url)) ? agents.trusted : agents.guarded, signal });
    const status = response.statusCode;
    if (target.endpoint) {
      await response.body.dump();
      return done({ ok: true, status, title: null, error: null });
    }
    if (status >= 200 && status < 300) {
      const contentType = String(response.headers['content-type'] ?? '');
      if (!/^\s*(text\/html|application\/xhtml\+xml)/i.test(contentType)) {
        await response.body.dump();
        return done({ ok: true, status, title: null, error: null });
      }
      return done({ ok: true, status, title: titleOf(await readHead(response.body), contentType), error: null });
    }
    await response.body.dump();
    if (status < 300 || status >= 400) return failed(`答复状态 ${status}，应为 2xx 或 3xx`, status);
    const location = response.headers.location;
    if (typeof location !== 'string') return done({ ok: true, status, title: null, error: null });
    let to: string;
    try {
      to = new URL(location, url).href;
    } catch {
      return failed(`跳转地址 ${location} 不是有效的网址`, status);
    }
    const redirectRefused = await beforeDeadline(urlRefusal(to, rules), signal);
    return redirectRefused ? failed(`跳转到 ${to}，该地址不允许：${redirectRefused}`, status) : done({ ok: true, status, title: null, error: null });
  } catch (error) {
    return failed(outboundFailure(error, timeoutMs));
  }
}

/** `work`, or the signal's reason when the deadline comes first (a name lookup can take longer than the probe may). */
export function beforeDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** At most the first `limit` bytes of a body (TITLE_READ_BYTES unless given); the rest is not downloaded. */
export async function readHead(body: AsyncIterable<Buffer>, limit = TITLE_READ_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  // leaving the loop early destroys the body, which closes that connection
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks, size).subarray(0, limit);
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The page's <title>, decoded by the charset of the header or the page's own <meta> (many center sites are GBK). */
function titleOf(head: Buffer, contentType: string): string | null {
  const charset = /charset\s*=\s*["']?([\w-]+)/i.exec(contentType)?.[1] ?? /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head.toString('latin1'))?.[1] ?? 'utf-8';
  let text: string;
  try {
    text = new TextDecoder(charset).decode(head);
  } catch {
    text = new TextDecoder().decode(head);
  }
  const raw = /<title[^>]*>([\s\S]*?)<\/title\s*>/i.exec(text)?.[1];
  if (raw === undefined) return null;
  const title = raw
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    })
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, TITLE_MAX_CHARS);
  return title || null;
}

export interface LinkHealth {
  consecutiveFailures: number;
  healthy: boolean;
}

/** A link's health after one more probe: unhealthy after UNHEALTHY_AFTER_FAILURES failures in a row, healthy again after one success. */
export function nextHealth(previous: { consecutiveFailures: number }, result: { ok: boolean }): LinkHealth {
  const consecutiveFailures = result.ok ? 0 : previous.consecutiveFailures + 1;
  return { consecutiveFailures, healthy: consecutiveFailures < UNHEALTHY_AFTER_FAILURES };
}
