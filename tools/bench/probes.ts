/**
 * Link health checks: probeLinks over 2,000 links on loopback HTTPS servers (most answer at once with a
 * page, some after 200 ms, some with 500, a few never), beside the same links fetched by plain sequential
 * undici GETs with the same timeout and trust; total time and peak memory of each, sampled as they run.
 * The servers run in this process, so both figures include them alike; no DNS is involved (allow-listed
 * loopback addresses).
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { probeLinks, PROBE_CONCURRENCY, type ProbeTarget } from '../../cloudfunctions/_lib/centers/probe';
import { selfSignedTls } from '../center-sim/tls';
import { fmt } from './fixtures';

export const PROBE_LINKS = 2_000;
const SERVERS = 10;
const SLOW_MS = 200;
const TIMEOUT_MS = 500;
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>某某市住房公积金管理中心 网上办事大厅</title></head><body>${'<p>办事指南</p>'.repeat(200)}</body></html>`;

/** The n-th link's behaviour: 1% hang, 5% answer 500, 5% answer after SLOW_MS, the rest at once. */
function routeOf(n: number): 'hang' | 'error' | 'slow' | 'fast' {
  const slot = n % 100;
  if (slot === 0) return 'hang';
  if (slot <= 5) return 'error';
  if (slot <= 10) return 'slow';
  return 'fast';
}

async function startServers(tls: { key: string; cert: string }): Promise<Server[]> {
  const answer = (res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  };
  return Promise.all(
    Array.from({ length: SERVERS }, async () => {
      const server = createServer(tls, (req, res) => {
        const route = req.url?.split('/')[1];
        if (route === 'fast') return answer(res);
        if (route === 'slow') return void setTimeout(() => answer(res), SLOW_MS);
        if (route === 'error') return void res.writeHead(500).end();
        // 'hang': never answered; the connection is closed with the server
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
}

/** Runs `work` while sampling RSS and heap every 10 ms; answers its seconds and the peaks. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; peakRss: number; peakHeap: number; startRss: number }> {
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  let peakHeap = 0;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
  };
  const sampler = setInterval(sample, 10);
  const started = performance.now();
  try {
    const value = await work();
    sample();
    return { value, seconds: (performance.now() - started) / 1000, peakRss, peakHeap, startRss };
  } finally {
    clearInterval(sampler);
  }
}

/** One GET after another, each with the timeout, the body read and dropped; answers how many were 2xx/3xx. */
async function plainSequentialGets(urls: readonly string[], agent: Agent): Promise<number> {
  let up = 0;
  for (const url of urls) {
    try {
      const response = await request(url, { dispatcher: agent, signal: AbortSignal.timeout(TIMEOUT_MS) });
      await response.body.dump();
      if (response.statusCode < 400) up += 1;
    } catch {
      // a timeout counts as down, like the probe's
    }
  }
  return up;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export async function benchProbes(): Promise<void> {
  const tls = await selfSignedTls();
  const servers = await startServers(tls);
  const hosts = servers.map((s) => `127.0.0.1:${(s.address() as AddressInfo).port}`);
  const targets: ProbeTarget[] = Array.from({ length: PROBE_LINKS }, (_, n) => ({ id: `link-${n}`, url: `https://${hosts[n % SERVERS]}/${routeOf(n)}/${n}` }));
  const expectedUp = targets.filter((_, n) => routeOf(n) === 'fast' || routeOf(n) === 'slow').length;
  const options = { allow: new Set(hosts), allowCa: tls.cert, timeoutMs: TIMEOUT_MS };
  const agent = new Agent({ headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS, connect: { timeout: TIMEOUT_MS, secureContext: createSecureContext({ ca: [...rootCertificates, tls.cert] }) } });
  try {
    // warm-up of both: the modules loaded, the servers' first handshakes done
    const warm = targets.filter((t) => t.url.includes('/fast/')).slice(0, 50);
    await probeLinks(warm, options);
    await plainSequentialGets(warm.map((t) => t.url), agent);

    const ours = await measured(() => probeLinks(targets, options));
    const base = await measured(() => plainSequentialGets(targets.map((t) => t.url), agent));
    const oursUp = ours.value.filter((r) => r.ok).length;
    const titled = ours.value.filter((r) => r.title).length;
    const counts = (route: string) => fmt(targets.filter((_, n) => routeOf(n) === route).length);

    console.log(
      `\nlink probes: ${fmt(PROBE_LINKS)} links on ${SERVERS} loopback HTTPS servers (${counts('fast')} at once, ${counts('slow')} after ${SLOW_MS} ms, ` +
        `${counts('error')} answer 500, ${counts('hang')} hang; timeout ${TIMEOUT_MS} ms)`,
    );
    console.log(
      `  probeLinks (${PROBE_CONCURRENCY} at once)   ${ours.seconds.toFixed(2).padStart(6)} s   peak RSS ${mb(ours.peakRss)} (+${mb(ours.peakRss - ours.startRss)})   peak heap ${mb(ours.peakHeap)}` +
        `   ${fmt(oursUp)} up of ${fmt(expectedUp)} expected, ${fmt(titled)} titles`,
    );
    console.log(
      `  baseline (sequential GETs) ${base.seconds.toFixed(2).padStart(6)} s   peak RSS ${mb(base.peakRss)} (+${mb(base.peakRss - base.startRss)})   peak heap ${mb(base.peakHeap)}` +
        `   ${fmt(base.value)} up (undici, body dropped, no URL rules, no title)`,
    );
    console.log(`  ratio time ${(ours.seconds / base.seconds).toFixed(3)}   peak RSS ${(ours.peakRss / base.peakRss).toFixed(2)}   peak heap ${(ours.peakHeap / base.peakHeap).toFixed(2)}`);
  } finally {
    await agent.close();
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
  }
}

if (require.main === module) {
  benchProbes().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
