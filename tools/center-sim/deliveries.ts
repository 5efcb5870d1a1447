import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { maskAccount, maskDocNumber, maskName, maskPhone } from '../../src/core/identity';
import { DEMO_REFUSAL_WORD, TRANSFER_REFUSED_SCRIPT, type CallbackRunner, type Script, type SentCallback } from './callbacks';
import { fetchAttachments, type FetchedAttachment, type LinkedAttachment } from './attachments';
import { DELIVERY_FORMAT, deliveryProblems, type AttachmentMeta, type DocumentMeta } from './contract';
import { DEFAULT_RETRY_AFTER_SECONDS, DEFAULT_SLOW_MS, type FaultMode, type Faults } from './faults';

/** One attempt the platform made at the delivery endpoint, whatever became of it. */
export interface ReceivedDelivery {
  /** The webhook-id header ('' when there was none). */
  id: string;
  centerCode: string;
  /** From the body when it was JSON (even unverified, to help find out why). */
  type: string | null;
  applicationId: string | null;
  /** `transfer`, `certificate-loan-cleared`, ... from the body. */
  applicationType: string | null;
  /** The receiving center's part (`purchase`, `deposit`, ...), from the body. */
  role: string | null;
  letterNumber: string | null;
  /** Only masked: the simulator never keeps the applicant's full name, number, phone or bank account. */
  applicantMasked: string | null;
  docNumberMasked: string | null;
  phoneMasked: string | null;
  /** The account a purchase withdrawal is paid into. */
  bankAccountMasked: string | null;
  /** What a purchase withdrawal asks for, in yuan (`form.amount`). */
  requestedAmount: number | null;
  /** The cross-province item a service request is for (`form.item`). */
  serviceItem: number | null;
  /** Whether the body says it is a test case (`data.test` true: the trial's test applications, the conformance suite's). */
  test: boolean;
  verified: boolean;
  /** Where the body departs from docs/center-api.md (the simulator accepts it anyway when it can). */
  problems: string[];
  fault: FaultMode | null;
  /** A webhook-id already accepted (answered 200) or an application already held (answered 409). */
  duplicate: boolean;
  /** What the simulator answered; null while it is hanging, or never answered. */
  answer: number | null;
  at: string;
  /** The script's callbacks for this delivery, each attempt with the platform's answer. */
  callbacks: SentCallback[];
  /** What an `application.completed` says of the certificate (name, type, sha256, size), as sent. */
  documents?: DocumentMeta[];
  /** A purchase withdrawal's attachments as described (id, kind, name, type, sha256, size), never their content. */
  attachments?: AttachmentMeta[];
  /** The webhook-format header ('' when there was none): the delivery format the platform says it wrote. */
  format: string;
  /**
   * Format 2: each attachment as the center fetched it by its link, signed, and checked against its sha256 (filled
   * in after the answer, before the script's callbacks start: a center does not act on files it could not check).
   */
  fetched?: FetchedAttachment[];
}

export interface DeliveryContext {
  received: ReceivedDelivery[];
  faults: Faults;
  runner: CallbackRunner;
  secretFor: (code: string) => string | undefined;
  /** false: signatures are not checked and every one is taken, recorded unverified (a center that does not verify). */
  verifySignatures: () => boolean;
  /** Where a center's callbacks go, given the delivery's own callbackUrl. */
  callbackUrlFor: (code: string, fromDelivery: unknown) => string | undefined;
  /** What the center does with an application of this type when it plays this role in it. */
  scriptFor: (applicationType: string, role: string | null) => Script | undefined;
  /** false: the center takes its deliveries (200) but never calls back, as one that leaves its cases unanswered. */
  answers: (code: string) => boolean;
  /** Set: the case goes on at once and the attachments are fetched this many ms later (CenterSimOptions.fetchAfterCallbacksMs). */
  fetchAfterCallbacksMs: number | undefined;
  pending: Pending;
}

/** Slow-fault timers and hanging responses, ended at close so nothing keeps the process alive. */
export class Pending {
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly hanging = new Set<ServerResponse>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => (this.timers.delete(entry), resolve()), ms), resolve };
      this.timers.add(entry);
    });
  }

  hang(reply: FastifyReply): void {
    reply.hijack();
    const res = reply.raw;
    this.hanging.add(res);
    res.on('close', () => this.hanging.delete(res));
  }

  closeAll(): void {
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.timers.clear();
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }
}

/** A delivery in format 2 is a few KB (attachments go by link): Fastify's 1 MiB default is ample. */
const DELIVERY_BODY_LIMIT = 1024 * 1024;

/** The header naming the delivery format (docs/center-api.md 4.10). */
const FORMAT_HEADER = 'webhook-format';
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(' ') : (value ?? ''));
const str = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' ? v : null);
const obj = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const masked = (v: unknown, mask: (s: string) => string) => (typeof v === 'string' ? mask(v) : null);
const documentMeta = (d: unknown): DocumentMeta => {
  const o = obj(d);
  return { name: String(o.name ?? ''), contentType: String(o.contentType ?? ''), sha256: String(o.sha256 ?? ''), size: typeof o.size === 'number' ? o.size : 0 };
};
const attachmentMeta = (a: unknown): AttachmentMeta => {
  const o = obj(a);
  return { id: String(o.id ?? ''), kind: String(o.kind ?? ''), ...documentMeta(a) };
};
/** The attachments a delivery links to, as far as they can be fetched (a malformed one is in `problems` already). */
const linked = (list: unknown[]): LinkedAttachment[] =>
  list.map(obj).flatMap((o) => (typeof o.url === 'string' && typeof o.sha256 === 'string' && typeof o.size === 'number' ? [{ id: String(o.id ?? ''), url: o.url, sha256: o.sha256, size: o.size }] : []));

/**
 * POST /centers/:code/applications: the center's endpoint. Faults first (a center that is down answers the
 * same whatever it is sent), then 404 for a center without a secret, 401 for a bad signature (unless told not
 * to check signatures), 200 again for a webhook-id already accepted, 409 for an application already held under
 * another id, else 200 and the script starts after the answer. The raw body is kept: the signature is over the
 * exact bytes sent.
 */
export async function registerDeliveries(app: FastifyInstance, ctx: DeliveryContext): Promise<void> {
  const accepted = new Set<string>(); // code/webhook-id
  const held = new Map<string, ReceivedDelivery>(); // code/applicationId -> the delivery that brought it
  const withdrawn = new Set<string>(); // code/applicationId

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    scope.post<{ Params: { code: string }; Body: string | undefined }>('/centers/:code/applications', { bodyLimit: DELIVERY_BODY_LIMIT }, async (request, reply) => {
      const { code } = request.params;
      const raw = request.body ?? '';
      const secret = /^\d{6}$/.test(code) ? ctx.secretFor(code) : undefined;
      const checking = ctx.verifySignatures();
      let verified = false;
      if (secret && checking) {
        try {
          const headers = { 'webhook-id': header(request.headers['webhook-id']), 'webhook-timestamp': header(request.headers['webhook-timestamp']), 'webhook-signature': header(request.headers['webhook-signature']) };
          new Webhook(secret).verify(raw, headers, { jsonParse: false });
          verified = true;
        } catch {
          // unverified: still read below for the record
        }
      }
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const envelope = obj(body);
      const data = obj(envelope.data);
      const applicant = obj(data.applicant);
      const form = obj(data.form);
      const record: ReceivedDelivery = {
        id: header(request.headers['webhook-id']),
        centerCode: code,
        type: str(envelope.type),
        applicationId: str(data.applicationId),
        applicationType: str(data.applicationType),
        role: str(data.role),
        letterNumber: str(data.letterNumber),
        applicantMasked: masked(applicant.name, maskName),
        docNumberMasked: masked(applicant.docNumber, maskDocNumber),
        phoneMasked: masked(form.phone, maskPhone),
        bankAccountMasked: masked(obj(form.bank).accountNumber, maskAccount),
        requestedAmount: num(form.amount),
        serviceItem: num(form.item),
        test: data.test === true,
        verified,
        problems: [
          ...(body === undefined ? ['body is not JSON'] : deliveryProblems(body, { centerCode: code })),
          ...(header(request.headers[FORMAT_HEADER]) === String(DELIVERY_FORMAT) ? [] : [`${FORMAT_HEADER} 请求头应为 ${DELIVERY_FORMAT}`]),
        ],
        format: header(request.headers[FORMAT_HEADER]),
        fault: null,
        duplicate: false,
        answer: null,
        at: new Date().toISOString(),
        callbacks: [],
        ...(envelope.type === 'application.completed' && Array.isArray(data.documents) ? { documents: data.documents.map(documentMeta) } : {}),
        ...(Array.isArray(form.attachments) ? { attachments: form.attachments.map(attachmentMeta) } : {}),
      };
      ctx.received.push(record);
      const answer = (status: number, payload: object) => {
        record.answer = status;
        return reply.code(status).send(payload);
      };

      const fault = ctx.faults.take();
      record.fault = fault?.mode ?? null;
      if (fault?.mode === 'hang') return ctx.pending.hang(reply);
      if (fault?.mode === 'slow') await ctx.pending.sleep(fault.delayMs ?? DEFAULT_SLOW_MS);
      if (fault?.mode === '500' || fault?.mode === '410') return answer(Number(fault.mode), { error: `simulated fault ${fault.mode}` });
      if (fault?.mode === '429' || fault?.mode === '503') {
        const after = fault.retryAfterSeconds === undefined ? DEFAULT_RETRY_AFTER_SECONDS : fault.retryAfterSeconds;
        if (after !== null) reply.header('retry-after', String(after));
        return answer(Number(fault.mode), { error: `simulated fault ${fault.mode}` });
      }

      if (!secret) return answer(404, { error: 'unknown center' });
      if (!verified && checking) return answer(401, { error: 'bad signature' });
      if (typeof envelope.type !== 'string' || (envelope.type.startsWith('application.') && !record.applicationId)) {
        return answer(400, { error: 'malformed delivery', problems: record.problems });
      }
      if (accepted.has(`${code}/${record.id}`)) {
        record.duplicate = true;
        return answer(200, { received: true });
      }
      const appKey = `${code}/${record.applicationId}`;
      if (envelope.type === 'application.submitted') {
        const earlier = held.get(appKey);
        if (earlier) {
          record.duplicate = true;
          return answer(409, { error: 'already have this application', webhookId: earlier.id });
        }
        held.set(appKey, record);
        const applicationType = record.applicationType ?? '';
        // the demo's refusal: a transfer from an employer named with 未封存 is refused as not sealed (docs/center-api.md 8)
        const refused = applicationType === 'transfer' && typeof form.formerEmployer === 'string' && form.formerEmployer.includes(DEMO_REFUSAL_WORD);
        const script = refused ? TRANSFER_REFUSED_SCRIPT : ctx.scriptFor(applicationType, record.role);
        const url = ctx.callbackUrlFor(code, data.callbackUrl);
        const files = Array.isArray(form.attachments) ? linked(form.attachments) : [];
        const start = () => {
          if (!script || !url || !ctx.answers(code) || withdrawn.has(appKey)) return;
          // runs on timers: the answer goes out now, the platform does not wait for the center's work
          const requestedAmount = record.requestedAmount ?? undefined;
          ctx.runner.start(appKey, { url, secret, applicationId: record.applicationId as string, applicationType, centerCode: code, requestedAmount, script, log: record.callbacks });
        };
        if (files.length === 0) start();
        else if (ctx.fetchAfterCallbacksMs !== undefined) {
          // a center that calls back at once and downloads from a worker later
          start();
          void ctx.pending
            .sleep(ctx.fetchAfterCallbacksMs)
            .then(() => fetchAttachments(secret, files))
            .then((fetched) => void (record.fetched = fetched));
        } else {
          // after the answer: each file fetched with the center's signature and checked; the case goes on only
          // when every one is whole (a real center would retry a failed fetch until the link expires)
          setImmediate(() => {
            void fetchAttachments(secret, files).then((fetched) => {
              record.fetched = fetched;
              if (fetched.every((f) => f.matches)) start();
            });
          });
        }
      } else if (envelope.type === 'application.withdrawn') {
        withdrawn.add(appKey);
        ctx.runner.stop(appKey);
      }
      // application.copy (the accepting center's copy of a certificate application) and application.completed
      // (the certificate was issued) are recorded and answered; the accepting center does not call back.
      // Other types: accepted and ignored, as the contract asks of centers.
      accepted.add(`${code}/${record.id}`);
      return answer(200, { received: true });
    });
  });
}
