import { createHash, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import type { CallbackDocument, StatusCallback } from './contract';

/** One status a simulated center reports, after `delayMs` (default: the simulator's callbackDelayMs). */
export interface ScriptStep {
  status: string;
  message?: string;
  documents?: { name: string; contentType: string; content: string | Uint8Array }[];
  delayMs?: number;
}
/** What the center does after accepting an application: a code alone or a step, one after another. */
export type Script = readonly (string | ScriptStep)[];

/** A transfer that goes through without a hitch. */
export const DEFAULT_SCRIPTS: Readonly<Record<string, Script>> = { transfer: ['01', '02', '08', '00'] };

/** One attempt at one callback, as the simulator sent it. */
export interface SentCallback {
  /** Same on every attempt of one callback. */
  webhookId: string;
  status: string;
  attempt: number;
  at: string;
  /** The platform's HTTP status, or null when there was none (network error, timeout, stopped). */
  httpStatus: number | null;
  /** The platform's answer when it was JSON. */
  response?: unknown;
  error?: string;
}

/** Like the platform's own outbound timeout. */
const CALLBACK_TIMEOUT_MS = 15_000;

class Job {
  stopped = false;
  readonly abort = new AbortController();
  private timer?: NodeJS.Timeout;
  private wake?: () => void;

  /** Resolves true after `ms`, or false at once when the job is (or gets) stopped. */
  sleep(ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.wake = () => resolve(false);
      this.timer = setTimeout(() => resolve(!this.stopped), ms);
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    this.wake?.();
  }
}

export interface ScriptRun {
  url: string;
  secret: string;
  applicationId: string;
  script: Script;
  /** Where each attempt is recorded. */
  log: SentCallback[];
}

/**
 * Runs each accepted application's script: signs every callback (Standard Webhooks, the center's secret)
 * and POSTs it. Network errors, 5xx and 429 are retried (same webhook-id) up to `retries` times; any other
 * refusal (401, 404, 422, ...) ends the script, since what follows would be refused as well.
 */
export class CallbackRunner {
  private readonly jobs = new Map<string, Job>();
  private closed = false;

  constructor(private readonly options: { delayMs: number; retries: number }) {}

  has(key: string): boolean {
    return this.jobs.has(key);
  }

  start(key: string, run: ScriptRun): void {
    if (this.closed || this.jobs.has(key)) return;
    const job = new Job();
    this.jobs.set(key, job);
    void this.run(job, run).finally(() => {
      if (this.jobs.get(key) === job) this.jobs.delete(key);
    });
  }

  stop(key: string): void {
    this.jobs.get(key)?.stop();
    this.jobs.delete(key);
  }

  /** Stops every script for good (the simulator is closing). */
  stopAll(): void {
    this.closed = true;
    for (const job of this.jobs.values()) job.stop();
    this.jobs.clear();
  }

  private async run(job: Job, run: ScriptRun): Promise<void> {
    for (const entry of run.script) {
      const step = typeof entry === 'string' ? { status: entry } : entry;
      if (!(await job.sleep(step.delayMs ?? this.options.delayMs))) return;
      const webhookId = `msg_${randomUUID().replace(/-/g, '')}`;
      const body = JSON.stringify(callbackBody(run.applicationId, step));
      for (let attempt = 1; ; attempt++) {
        const sent = await post(job, run, webhookId, step.status, body, attempt);
        run.log.push(sent);
        if (job.stopped) return;
        if (sent.httpStatus !== null && sent.httpStatus < 300) break;
        const retryable = sent.httpStatus === null || sent.httpStatus >= 500 || sent.httpStatus === 429;
        if (!retryable || attempt > this.options.retries) return;
        if (!(await job.sleep(this.options.delayMs))) return;
      }
    }
  }
}

function callbackBody(applicationId: string, step: ScriptStep): StatusCallback {
  const documents: CallbackDocument[] | undefined = step.documents?.map((d) => {
    const content = Buffer.from(d.content);
    return { name: d.name, contentType: d.contentType, sha256: createHash('sha256').update(content).digest('hex'), contentBase64: content.toString('base64') };
  });
  return {
    type: 'application.status',
    timestamp: new Date().toISOString(),
    data: { applicationId, status: step.status, ...(step.message ? { message: step.message } : {}), ...(documents ? { documents } : {}) },
  };
}

/** Signs `body` for this attempt (a fresh webhook-timestamp each time) and POSTs it. */
async function post(job: Job, run: ScriptRun, webhookId: string, status: string, body: string, attempt: number): Promise<SentCallback> {
  const now = new Date();
  const sent: SentCallback = { webhookId, status, attempt, at: now.toISOString(), httpStatus: null };
  try {
    const res = await request(run.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': webhookId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(run.secret).sign(webhookId, now, body),
      },
      body,
      signal: AbortSignal.any([job.abort.signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]),
    });
    sent.httpStatus = res.statusCode;
    const text = await res.body.text();
    try {
      sent.response = JSON.parse(text);
    } catch {
      // not JSON: the status says enough
    }
  } catch (error) {
    sent.error = job.stopped ? 'stopped' : error instanceof Error ? error.message : String(error);
  }
  return sent;
}
