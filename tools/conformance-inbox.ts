import { createHash, randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import type { CallbackInbox } from '../cloudfunctions/_lib/centers/conformance';
import { CONFORMANCE_ATTACHMENTS, readCallback } from '../cloudfunctions/_lib/centers/conformance-callbacks';
import { contentRange, FILE_LINK_DAYS, fileLinkUrl, servedRange, SHA256_HEADER } from '../cloudfunctions/_lib/delivery/file-links';
import { verifySigned } from '../cloudfunctions/_lib/delivery/signing';
import type { ReceivedCallback } from '../src/core/center-portal';
import { DOCUMENT_MAX_BYTES, DOCUMENTS_MAX } from '../src/core/center-api';
import { fail, ok } from '../src/core/errors';

/**
 * The callback inbox of `npm run center:conformance`: stands in for the platform's callback endpoint
 * (POST /callbacks/<centerCode>) and its attachment downloads (GET /callbacks/files/<token>) during a run, answering as the platform does (docs/center-api.md 5.4: 401 for a
 * bad signature or stale timestamp, 400 for a body off the contract, 200 `changed: false` for a repeated
 * webhook-id, else 200 `changed: true`) and keeping every callback, refused ones too, for the suite to read.
 */
export interface InboxServer extends CallbackInbox {
  /** Where it listens, e.g. http://127.0.0.1:54321. */
  address: string;
  close(): Promise<void>;
}

export interface InboxOptions {
  /** The center's whsec_ secret, which its callbacks are signed with. */
  secret: string;
  /** The one center whose callbacks it takes; any other code answers 404. */
  centerCode: string;
  /** Default 127.0.0.1 and a free port. */
  host?: string;
  port?: number;
  /** The public origin the center reaches this inbox at (behind a proxy or tunnel); its own address unless given. */
  callbackBase?: string;
}

/** Up to five documents of 10 MB each as base64, and the rest of the body. */
const CALLBACK_BODY_LIMIT = DOCUMENTS_MAX * Math.ceil(DOCUMENT_MAX_BYTES / 3) * 4 + 1024 * 1024;

export async function startCallbackInbox(options: InboxOptions): Promise<InboxServer> {
  const byApplication = new Map<string, ReceivedCallback[]>();
  const applied = new Set<string>(); // webhook-ids taken
  const app = Fastify({ forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  // the signature is over the exact bytes sent
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post<{ Params: { centerCode: string }; Body: string | undefined }>('/callbacks/:centerCode', { bodyLimit: CALLBACK_BODY_LIMIT }, async (request, reply) => {
    if (request.params.centerCode !== options.centerCode) return reply.code(404).send(fail('CENTER_NOT_FOUND', `本次联调测试只接收中心 ${options.centerCode} 的回调`));
    const { applicationId, callback } = await readCallback(options.secret, request.body ?? '', request.headers, new Date());
    if (applicationId) byApplication.set(applicationId, [...(byApplication.get(applicationId) ?? []), callback]);
    if (!callback.signatureValid) return reply.code(401).send(fail('BAD_SIGNATURE', callback.problems[0]));
    if (callback.problems.length > 0) return reply.code(400).send(fail('VALIDATION_FAILED', callback.problems.join('；')));
    const repeat = applied.has(callback.webhookId);
    applied.add(callback.webhookId);
    return reply.send(ok({ changed: !repeat }));
  });

  // the test purchase withdrawal's attachments (delivery format 2), each at its own random link, served as the
  // platform serves a delivery's: to a GET signed with the center's secret over the link's URL, in ranges of at most
  // 4 MiB (206) or whole up to 4 MiB (200)
  const links = new Map<string, { applicationId: string; file: (typeof CONFORMANCE_ATTACHMENTS)[number] }>();
  const fetched = new Map<string, Awaited<ReturnType<CallbackInbox['fetches']>>>();
  let base = '';
  app.get<{ Params: { token: string } }>('/callbacks/files/:token', async (request, reply) => {
    const link = links.get(request.params.token);
    if (!link) return reply.code(404).send(fail('VALIDATION_FAILED', '下载链接无效'));
    const { applicationId, file } = link;
    const signed = verifySigned([options.secret], fileLinkUrl(base, request.params.token), request.headers);
    const record = (httpStatus: number, refusal: string | null, byteRange: string | null) =>
      fetched.set(applicationId, [...(fetched.get(applicationId) ?? []), { attachmentId: file.id, httpStatus, refusal, byteRange }]);
    if (!signed.ok) {
      record(401, signed.reason, null);
      return reply.code(401).send(fail('BAD_SIGNATURE', signed.reason));
    }
    const range = servedRange(request.headers.range, file.bytes.length);
    if (range.kind === 'refused') {
      record(416, range.reason, request.headers.range ?? null);
      return reply.code(416).header('content-range', `bytes */${file.bytes.length}`).send(fail('VALIDATION_FAILED', range.reason));
    }
    reply.header('content-type', file.contentType).header(SHA256_HEADER, createHash('sha256').update(file.bytes).digest('hex')).header('accept-ranges', 'bytes');
    if (range.kind === 'whole') {
      record(200, null, null);
      return reply.send(file.bytes);
    }
    const part = contentRange(range.start, range.end, file.bytes.length);
    record(206, null, part);
    return reply.code(206).header('content-range', part).send(file.bytes.subarray(range.start, range.end + 1));
  });

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  base = (options.callbackBase ?? address).replace(/\/+$/, '');
  return {
    address,
    callbackBase: base,
    received: async (applicationId) => [...(byApplication.get(applicationId) ?? [])],
    fetches: async (applicationId) => [...(fetched.get(applicationId) ?? [])],
    linkOf(applicationId, attachment) {
      const file = CONFORMANCE_ATTACHMENTS.find((a) => a.id === attachment.id);
      if (!file) throw new Error(`not a test attachment: ${attachment.id}`);
      const token = randomBytes(24).toString('base64url');
      links.set(token, { applicationId, file });
      return { url: fileLinkUrl(base, token), expiresAt: new Date(Date.now() + FILE_LINK_DAYS * 86_400_000).toISOString() };
    },
    close: () => app.close(),
  };
}
