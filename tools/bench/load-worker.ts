/**
 * Runs autocannon in a worker thread so the load generator does not share the event loop with the host
 * it measures. Every request is a distinct submission: person `i % persons`, transfer-out center
 * `transferOutCenters[floor(i / persons)]` (so one in-flight transfer per person and center), requestId
 * bench-<i>. Answers the figures as a LoadResult.
 */
import { parentPort, workerData } from 'node:worker_threads';
import autocannon, { type AutocannonOptions } from 'autocannon';

export interface LoadJob {
  url: string;
  connections: number;
  durationSeconds: number;
  /** openids of verified persons */
  persons: string[];
  /** transfer-out centers to go through once every person has one in flight from the previous one */
  transferOutCenters: string[];
  transferInCenter: string;
  /** first request number: runs in one store continue where the last one stopped */
  offset: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** responses received (2xx and others) */
  total: number;
  non2xx: number;
  /** 2xx answers whose body was not {"ok":true,...} */
  mismatches: number;
  errors: number;
  timeouts: number;
  /** request numbers used, for the next run's offset */
  used: number;
}

export async function runLoad(job: LoadJob): Promise<LoadResult> {
  let next = job.offset;
  const capacity = job.persons.length * job.transferOutCenters.length;
  const options: AutocannonOptions = {
    url: job.url,
    connections: job.connections,
    duration: job.durationSeconds,
    requests: [
      {
        method: 'POST',
        path: '/api/applications',
        setupRequest: (request) => {
          const i = next++;
          if (i >= capacity) throw new Error(`only ${capacity} distinct submissions prepared; verify more persons`);
          const transferOutCenter = job.transferOutCenters[Math.floor(i / job.persons.length)];
          const body = JSON.stringify({
            action: 'submit',
            type: 'transfer',
            requestId: `bench-${String(i).padStart(8, '0')}`,
            payload: {
              transferOutCenter,
              transferInCenter: job.transferInCenter,
              formerEmployer: '北京某某科技有限公司',
              newEmployer: '扬州某某制造有限公司',
              newAccount: '3210098765',
              phone: '13912345678',
            },
          });
          return { ...request, headers: { ...request.headers, 'content-type': 'application/json', 'x-wx-openid': job.persons[i % job.persons.length] }, body };
        },
      },
    ],
    verifyBody: (body: string) => body.startsWith('{"ok":true'),
  };
  // off the main thread autocannon answers its raw histograms; aggregated as it does on the main thread
  const result = autocannon.aggregateResult([await autocannon(options)], options);
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    errors: result.errors,
    timeouts: result.timeouts,
    used: next - job.offset,
  };
}

if (parentPort && workerData) {
  const port = parentPort;
  runLoad(workerData as LoadJob).then(
    (result) => port.postMessage({ result }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.stack : String(error) }),
  );
}
