import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { DOCUMENT_MAX_BYTES, DOCUMENTS_MAX } from '../../src/core/center-api';
import { fail, ok } from '../../src/core/errors';
import type { RoleGrant } from '../../src/core/roles';
import { callerOf, type CloudFunction, type FunctionContext, type Outside, type Trigger } from '../../cloudfunctions/_lib/runtime/define';
import { DOWNLOAD_PATH, type LocalFileStore } from '../../cloudfunctions/_lib/files/local';
import type { Logger } from '../../cloudfunctions/_lib/log';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { CODE_KEY_PATH, handleCallbackHttp } from '../../cloudfunctions/callbacks';
import { signedHeadersProblem } from '../../cloudfunctions/_lib/delivery/signing';
import { provesNudge } from '../../cloudfunctions/_lib/runtime/nudge';

export interface LocalCloudOptions {
  store: Store;
  functions: Readonly<Record<string, CloudFunction>>;
  /**
   * Roles granted by the local host's environment (SUPERVISOR_OPENIDS, TESTER_OPENIDS, CENTER_STAFF), seeded
   * into the store at start so supervisors can revoke them like any other: a role revoked since is not granted
   * again on the next start. Callers' roles come from the store only, read on every call.
   */
  envRoles: ReadonlyMap<string, RoleGrant[]>;
  log: Logger;
  outside: Outside;
  /** The H5 build to serve at /, when there is one. */
  h5Dir?: string;
  /** The local file store whose links GET /downloads/<token> serves (supervisors' exports), to the person each names. */
  downloads?: Pick<LocalFileStore, 'download'>;
  /** INTERNAL_NUDGE_SECRET: an event `{ nudge: <it> }` at POST /api/<fn> runs as an internal nudge, as deployed. */
  nudgeSecret?: string;
  now?: () => Date;
}

const OPENID_PATTERN = /^[\w-]{1,64}$/;
/** One document as base64 (a workbench upload), or as many as a callback may carry, plus the JSON around them. */
const BASE64_DOCUMENT = Math.ceil(DOCUMENT_MAX_BYTES / 3) * 4;
const FUNCTION_BODY_LIMIT = BASE64_DOCUMENT + 1024 * 1024;
const CALLBACK_BODY_LIMIT = BASE64_DOCUMENT * DOCUMENTS_MAX + 1024 * 1024;
/** What a refused callback may still send after its answer (discarded, never kept) before its connection is cut. */
const LINGER_BYTES = 8 * 1024 * 1024;

/** Who the store names as the granter of the roles the local host seeds from its environment. */
export const LOCAL_ENV_GRANTER = 'local-env';

/** Puts the environment's roles into the store, each unless the person ever held it (a revoked one stays revoked). */
export async function seedEnvRoles(store: Store, envRoles: ReadonlyMap<string, RoleGrant[]>, at: Date): Promise<void> {
  for (const [openid, grants] of envRoles) {
    for (const grant of grants) await store.roles.seed(openid, grant, at, LOCAL_ENV_GRANTER);
  }
}

/** What a function runs with on this host: its store and outside world, the caller with their roles, how it was started. */
async function contextFor(options: LocalCloudOptions, openid: string | undefined, trigger: Trigger, fn?: CloudFunction, event?: unknown): Promise<FunctionContext> {
  const now = options.now ?? (() => new Date());
  // the roles and the launch state in one round trip, with what the event will read first, as deployed (runtime/deployed.ts)
  const read = await callerOf(options.store, openid, options.outside, now(), fn, event);
  return { ...read, trigger, store: options.store, log: options.log, now, outside: options.outside };
}

/** The function of that name: an own property only (`__proto__`, `constructor` and the like are no function). */
function functionNamed(options: LocalCloudOptions, name: string): CloudFunction | undefined {
  return Object.hasOwn(options.functions, name) ? options.functions[name] : undefined;
}

/**
 * Runs a function for a caller as CloudBase would, with this host's store. `trigger` is this host's own
 * marker of how it was started: its timer scheduler passes 'timer', its relay runner 'internal'; HTTP callers
 * always run as 'call' (nothing in a request sets it).
 */
export async function invoke(options: LocalCloudOptions, name: string, event: unknown, openid: string | undefined, trigger: Trigger = 'call') {
  const fn = functionNamed(options, name);
  if (!fn) return fail('UNKNOWN_FUNCTION', `没有名为 ${name} 的云函数`);
  return fn.handle(event, await contextFor(options, openid, trigger, fn, event));
}

/** `uploads/` and 24 random characters, as the WeChat build names its cloud-storage uploads (UPLOAD_ID_PATTERN). */
function newUploadKey(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `uploads/${Array.from(randomBytes(24), (b) => alphabet[b % alphabet.length]).join('')}`;
}

/**
 * The local host: the H5 app, the functions at POST /api/<fn> (caller from the x-wx-openid header,
 * here only), the employee's uploads at POST /upload (what wx.cloud.uploadFile is when deployed), centers'
 * callbacks at POST /callbacks/<centerCode>, and /healthz. Deployed functions never see that header.
 */
export async function createLocalCloud(options: LocalCloudOptions) {
  await seedEnvRoles(options.store, options.envRoles, (options.now ?? (() => new Date()))());
  const app = Fastify({ loggerInstance: options.log, bodyLimit: FUNCTION_BODY_LIMIT });

  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    if (error.statusCode && error.statusCode < 500) {
      return reply.code(400).send(fail('VALIDATION_FAILED', '请求格式不正确，应为 JSON 对象', { _: '请求体应为 JSON 对象' }));
    }
    options.log.error({ err: error }, 'local host error');
    return reply.code(500).send(fail('INTERNAL', '系统繁忙，请稍后再试'));
  });

  app.get('/healthz', async (_request, reply) => {
    await options.store.meta.get('catalog.version'); // answers only when the store does
    return reply.send({ ok: true, store: options.store.kind });
  });

  app.post<{ Params: { fn: string } }>('/api/:fn', async (request, reply) => {
    const header = request.headers['x-wx-openid'];
    const openid = typeof header === 'string' && OPENID_PATTERN.test(header) ? header : undefined;
    const event: unknown = request.body ?? {};
    // a request runs as a call; only the nudge secret (as deployed) makes it internal, never a timer
    const result = await invoke(options, request.params.fn, event, openid, provesNudge(event, options.nudgeSecret) ? 'internal' : 'call');
    return reply.code(!result.ok && result.code === 'UNKNOWN_FUNCTION' ? 404 : 200).send(result);
  });

  // a file a function stored and linked (an export): only to the person the link names, until it expires, as
  // CloudBase's temporary URL would serve it deployed; the caller is the x-wx-openid header, as for /api
  const { downloads } = options;
  if (downloads) {
    const refusals = {
      401: fail('UNAUTHENTICATED', '请先登录'),
      403: fail('FORBIDDEN', '这个下载链接不是给您的，请自行导出'),
      404: fail('VALIDATION_FAILED', '下载链接无效或文件已不存在，请重新导出', { token: '下载链接无效' }),
      410: fail('VALIDATION_FAILED', '下载链接已过期，请重新导出', { token: '下载链接已过期' }),
    };
    app.get<{ Params: { token: string } }>(`${DOWNLOAD_PATH}:token`, async (request, reply) => {
      const header = request.headers['x-wx-openid'];
      const openid = typeof header === 'string' && OPENID_PATTERN.test(header) ? header : undefined;
      const got = await downloads.download(request.params.token, openid, (options.now ?? (() => new Date()))());
      if (got.status !== 200) return reply.code(got.status).send(refusals[got.status]);
      return reply
        .header('content-type', got.contentType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(got.name)}`)
        .header('cache-control', 'no-store')
        .send(got.bytes);
    });
  }

  // an employee's file, stored as is: what it is, and whether it is whole, is checked when the application is submitted
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
      if (error.statusCode === 413) return reply.code(413).send(fail('VALIDATION_FAILED', '文件超过 10 MB', { file: '文件超过 10 MB' }));
      return reply.code(400).send(fail('VALIDATION_FAILED', '上传的文件无法读取', { file: '上传的文件无法读取' }));
    });
    scope.post('/upload', { bodyLimit: DOCUMENT_MAX_BYTES }, async (request, reply) => {
      const header = request.headers['x-wx-openid'];
      if (typeof header !== 'string' || !OPENID_PATTERN.test(header)) return reply.code(401).send(fail('UNAUTHENTICATED', '请先登录'));
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (bytes.length === 0) return reply.code(400).send(fail('VALIDATION_FAILED', '文件是空的', { file: '文件是空的' }));
      const fileId = await options.outside.files().put(newUploadKey(), bytes, 'application/octet-stream');
      return reply.send(ok({ fileId }));
    });
  });

  // a delivery's attachment, fetched by the center it was sent to (signed GET, in ranges of at most 4 MiB, the Range
  // header passed on): the `callbacks` function answers it as deployed, 206 with the part's bytes as base64 (a
  // wildcard: a sealed token is longer than a route parameter may be)
  app.get('/callbacks/files/*', async (request, reply) => {
    const headers = Object.fromEntries(Object.entries(request.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const event = { path: request.url.split('?')[0], httpMethod: 'GET', headers, body: '', isBase64Encoded: false };
    const response = await handleCallbackHttp(event, await contextFor(options, undefined, 'call'));
    return reply.code(response.statusCode).headers(response.headers).send(response.isBase64Encoded ? Buffer.from(response.body, 'base64') : response.body);
  });

  // the certificate code's public key (docs/certificate-code.md): at the well-known path here, and at the path the
  // deployed `callbacks` function answers it, both by that function
  for (const route of ['/.well-known/gjj-code-key', CODE_KEY_PATH]) {
    app.get(route, async (_request, reply) => {
      const response = await handleCallbackHttp({ path: CODE_KEY_PATH, httpMethod: 'GET', headers: {}, body: '', isBase64Encoded: false }, await contextFor(options, undefined, 'call'));
      return reply.code(response.statusCode).headers(response.headers).send(response.body);
    });
  }

  // centers' callbacks, as CloudBase's HTTP access service hands them to the `callbacks` function: the raw
  // body is kept for the signature check. Before a byte of the body is read, the center must have an endpoint
  // (404) and the request well-formed signature headers with a fresh timestamp (401): an unsigned upload of tens
  // of MB is answered at once and never read or kept.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    const beforeBody = async (request: FastifyRequest<{ Params: { centerCode: string } }>, reply: FastifyReply) => {
      const { centerCode } = request.params;
      const endpoint = /^\d{6}$/.test(centerCode) ? await options.store.endpoints.get(centerCode) : undefined;
      // answered before the body is read; what the client still sends after the answer is discarded (so it
      // reads the answer rather than a reset), and past LINGER_BYTES the connection is cut
      const refuse = (code: number, body: unknown) => {
        let discarded = 0;
        request.raw.on('data', (chunk: Buffer) => {
          discarded += chunk.length;
          if (discarded > LINGER_BYTES) request.raw.socket.destroy();
        });
        return reply.code(code).send(body);
      };
      if (!endpoint || endpoint.secretsSealed.length === 0) return refuse(404, fail('CENTER_NOT_FOUND', '没有登记这个中心的接口'));
      const problem = signedHeadersProblem(request.headers, (options.now ?? (() => new Date()))());
      if (problem) return refuse(401, fail('BAD_SIGNATURE', problem));
    };
    scope.post<{ Params: { centerCode: string } }>('/callbacks/:centerCode', { bodyLimit: CALLBACK_BODY_LIMIT, onRequest: beforeBody }, async (request, reply) => {
      const headers = Object.fromEntries(Object.entries(request.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const event = { path: request.url.split('?')[0], httpMethod: 'POST', headers, body: typeof request.body === 'string' ? request.body : '', isBase64Encoded: false };
      const response = await handleCallbackHttp(event, await contextFor(options, undefined, 'call'));
      return reply.code(response.statusCode).headers(response.headers).send(response.body);
    });
  });

  if (options.h5Dir && existsSync(options.h5Dir)) {
    await app.register(fastifyStatic, { root: options.h5Dir, prefix: '/' });
  }
  return app;
}
