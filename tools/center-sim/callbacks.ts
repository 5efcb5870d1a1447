import { createHash, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import { shanghaiDate } from '../../src/core/time';
import { APPLICATION_TYPE_LABELS, type CallbackDocument, type CallbackPayment, type DocumentMeta, type StatusCallback } from './contract';
import { certificatePdf } from './pdf';

/** One status a simulated center reports, after `delayMs` (default: the simulator's callbackDelayMs). */
export interface ScriptStep {
  status: string;
  message?: string;
  /** Why the center set the status (a refusal's cause), and whom the person can call (docs/center-api.md 5.1). */
  reason?: string;
  contact?: { name: string; phone: string };
  documents?: { name: string; contentType: string; content: string | Uint8Array }[];
  /** Attach the certificate the simulator issues for this application: a one-page PDF (pdf.ts), named after its type. */
  generatedPdf?: boolean;
  /**
   * Report a payment (the deposit-locale center completing a purchase withdrawal). `{}` pays what was asked
   * (the delivery's `form.amount`) today in China; `amount` or `paidOn` report something else instead, for
   * tests of the platform's refusals (more than was asked, a date ahead).
   */
  payment?: { amount?: number; paidOn?: string };
  delayMs?: number;
}
/** What the center does after accepting an application: a code alone or a step, one after another. */
export type Script = readonly (string | ScriptStep)[];

/** A certificate issued without a hitch: accepted, in progress, completed with the PDF. */
const CERTIFICATE_SCRIPT: Script = ['accepted', 'processing', { status: 'completed', generatedPdf: true }];

/**
 * The refusals people meet most (the national platform's reasons, DOMAIN.md), in the words a transfer-out center
 * sends, and the desk the simulator names to call: for tests and the demo (POST /_control/script).
 */
export const COMMON_REFUSALS = {
  notSealed: '原单位未办理封存：原单位尚未为您办理住房公积金账户封存，账户仍在正常缴存，暂不能转出。请联系原单位办理封存后，转出地中心重新审核。',
  shortHistory: '转入地缴存时间不足：新单位为您缴存住房公积金的时间不满转入地规定的期限，暂不能转入。',
  loanOutstanding: '有未结清的住房公积金贷款：您在转出地有尚未还清的住房公积金贷款，须还清或办理相关手续后才能转出。',
  identityMismatch: '姓名或证件号码与原账户不一致：申请中的姓名、证件号码与转出地的个人账户信息不符，请核对后联系转出地中心更正。',
} as const;
export const SIM_CONTACT = { name: '转出业务科 王敏', phone: '025-83512329' } as const;

/** A transfer the transfer-out center refuses because the old account is not sealed: 13, then 40, each with the reason and its contact. */
export const TRANSFER_REFUSED_SCRIPT: Script = [
  '01',
  '02',
  { status: '13', reason: COMMON_REFUSALS.notSealed, contact: SIM_CONTACT },
  { status: '40', message: '转出地中心审核不通过，转移接续失败办结', reason: COMMON_REFUSALS.notSealed, contact: SIM_CONTACT },
];

/** A transfer whose former employer's name holds this word is refused by TRANSFER_REFUSED_SCRIPT (to show a refusal in the demo). */
export const DEMO_REFUSAL_WORD = '未封存';

/** Where scripts are kept: by application type, or by `type/role` for one role of a type (`purchase-withdrawal/deposit`). */
export const scriptKey = (applicationType: string, role?: string | null) => (role ? `${applicationType}/${role}` : applicationType);

/**
 * What each type's center does when nobody said otherwise: an application that goes through. A purchase
 * withdrawal has two: the purchase-locale center verifies (the platform then hands it over), the
 * deposit-locale center pays what was asked.
 */
export const DEFAULT_SCRIPTS: Readonly<Record<string, Script>> = {
  transfer: ['01', '02', '08', '00'],
  'certificate-loan-cleared': CERTIFICATE_SCRIPT,
  'certificate-deposit-use': CERTIFICATE_SCRIPT,
  [scriptKey('purchase-withdrawal', 'purchase')]: ['accepted', 'verified'],
  [scriptKey('purchase-withdrawal', 'deposit')]: ['processing', { status: 'completed', payment: {} }],
  'service-request': ['accepted', 'processing', 'completed'],
};

/**
 * The script for a delivery: from the first source (most specific first: tests' overrides, the start
 * options, the defaults) that has one for the type and role, or for the type whatever the role.
 */
export function resolveScript(sources: readonly ReadonlyMap<string, Script>[], applicationType: string, role: string | null): Script | undefined {
  for (const source of sources) {
    const script = (role ? source.get(scriptKey(applicationType, role)) : undefined) ?? source.get(applicationType);
    if (script) return script;
  }
  return undefined;
}

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
  /** The documents the callback carried, without their content (the same on every attempt). */
  documents?: DocumentMeta[];
  /** The payment the callback reported (the same on every attempt). */
  payment?: CallbackPayment;
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
  applicationType: string;
  /** The center calling back (named in a generated certificate). */
  centerCode: string;
  /** The delivery's `form.amount` (purchase withdrawals): what a `payment: {}` step pays. */
  requestedAmount?: number;
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
      const callback = callbackBody(run, step);
      const body = JSON.stringify(callback);
      const documents = callback.data.documents?.map(({ name, contentType, sha256, contentBase64 }) => ({ name, contentType, sha256, size: Buffer.from(contentBase64, 'base64').length }));
      const { payment } = callback.data;
      for (let attempt = 1; ; attempt++) {
        const sent = await post(job, run, webhookId, step.status, body, attempt);
        if (documents) sent.documents = documents;
        if (payment) sent.payment = payment;
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

function callbackBody(run: ScriptRun, step: ScriptStep): StatusCallback {
  const now = new Date();
  const files = [...(step.documents ?? [])];
  if (step.generatedPdf) {
    const label = APPLICATION_TYPE_LABELS[run.applicationType];
    files.push({ name: label ? `${label}.pdf` : `certificate-${run.applicationId}.pdf`, contentType: 'application/pdf', content: certificatePdf(run.applicationId, run.applicationType, run.centerCode, now) });
  }
  const documents: CallbackDocument[] | undefined = files.length
    ? files.map((d) => {
        const content = Buffer.from(d.content);
        return { name: d.name, contentType: d.contentType, sha256: createHash('sha256').update(content).digest('hex'), contentBase64: content.toString('base64') };
      })
    : undefined;
  const amount = step.payment?.amount ?? run.requestedAmount;
  const payment: CallbackPayment | undefined = step.payment && { ...(amount === undefined ? {} : { amount }), paidOn: step.payment.paidOn ?? shanghaiDate(now) };
  return {
    type: 'application.status',
    timestamp: now.toISOString(),
    data: {
      applicationId: run.applicationId,
      status: step.status,
      ...(step.message ? { message: step.message } : {}),
      ...(step.reason ? { reason: step.reason } : {}),
      ...(step.contact ? { contact: step.contact } : {}),
      ...(documents ? { documents } : {}),
      ...(payment ? { payment } : {}),
    },
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
