import { createHash } from 'node:crypto';
import * as z from 'zod';
import { centerMove, statusNeed, TRANSFER_CODES } from '../../../src/core/applications/state-machine';
import { STATUS_LABELS, type ApplicationType } from '../../../src/core/applications/status';
import { centerCallbackSchema, DOCUMENT_MAX_BYTES, type AttachmentType, type CenterCallback } from '../../../src/core/center-api';
import { ApplicationIdSchema } from '../../../src/core/contracts/fields';
import { TYPE_NAME_OF } from '../../../src/core/files';
import { AppError, fail, ok, type Result } from '../../../src/core/errors';
import { parseInput } from '../../../src/core/validation';
import { CONFORMANCE_ID_PREFIX, readCallback } from '../centers/conformance-callbacks';
import { isWebhookId, verifySigned } from '../delivery/signing';
import { inspectFile } from '../files/inspect';
import type { ServiceContext } from '../runtime/define';
import type { DocumentRecord } from '../store/port';
import { servingSecretsOf } from './secrets';
import { completionNotices } from '../applications/deliveries';
import { discardUnrecorded, storeDocument } from '../applications/documents';
import { hasReached, moveApplication, moveWouldApply, NOT_RESPONSIBLE, paymentProblems, statusMessage } from '../applications/move';
import { awaitsCheck, contractHoldOf, HELD_UNCHECKED } from '../applications/contract-hold';
import { openPayload } from '../applications/payload';

export interface HttpAnswer {
  statusCode: number;
  body: Result<{ changed: boolean }>;
}

const answer = (statusCode: number, body: HttpAnswer['body']): HttpAnswer => ({ statusCode, body });

function statusHint(type: ApplicationType): string {
  if (type === 'transfer') return 'status 应为 01、02、08、06、13、00、05、20、40 之一';
  if (type === 'purchase-withdrawal') return 'status 应为 accepted、verified、processing、completed、failed、rejected 之一';
  return 'status 应为 accepted、processing、completed、failed、rejected 之一';
}

/** A document a center sent, decoded and checked: its bytes and the type its content was found to be. */
interface CheckedDocument {
  name: string;
  contentType: AttachmentType;
  bytes: Buffer;
}

/**
 * Decodes and checks the documents a center sent, each by parsing it (inspectFile): a bad one is named by its
 * index, and one whose content is not the type it declares (an SVG sent as image/png) is refused naming its
 * contentType. Nothing is written here.
 */
async function checkDocuments(documents: NonNullable<CenterCallback['data']['documents']>): Promise<CheckedDocument[] | HttpAnswer> {
  const checked: CheckedDocument[] = [];
  for (const [i, doc] of documents.entries()) {
    const bytes = Buffer.from(doc.contentBase64, 'base64');
    const field = `data.documents.${i}`;
    if (bytes.length === 0 || bytes.length > DOCUMENT_MAX_BYTES) return answer(400, fail('VALIDATION_FAILED', '文件为空或超过 10 MB', { [field]: '文件为空或超过 10 MB' }));
    if (createHash('sha256').update(bytes).digest('hex') !== doc.sha256) {
      return answer(400, fail('VALIDATION_FAILED', '文件内容与 sha256 不符', { [`${field}.sha256`]: '文件内容与 sha256 不符' }));
    }
    const inspected = await inspectFile(bytes);
    if (!inspected.ok) return answer(400, fail('VALIDATION_FAILED', `文件“${doc.name}”：${inspected.problem}`, { [field]: inspected.problem }));
    if (inspected.contentType !== doc.contentType) {
      const problem = `文件内容是 ${TYPE_NAME_OF[inspected.contentType]}，与 contentType ${doc.contentType} 不符`;
      return answer(400, fail('VALIDATION_FAILED', problem, { [`${field}.contentType`]: problem }));
    }
    checked.push({ name: doc.name, contentType: inspected.contentType, bytes });
  }
  return checked;
}

/** What of a body is read before its signature is checked: `data.applicationId`, when it has an application id's form. */
const namesApplication = z.object({ data: z.object({ applicationId: ApplicationIdSchema }) });

/** The application a body names, if it names one of an application id's form, before the body is checked. */
function applicationIdOf(json: unknown): string | undefined {
  const named = namesApplication.safeParse(json);
  return named.success ? named.data.data.applicationId : undefined;
}

/** The application a callback is about, when it is one of the conformance suite's test applications. */
function conformanceApplicationId(json: unknown): string | undefined {
  const id = applicationIdOf(json);
  return id !== undefined && id.startsWith(CONFORMANCE_ID_PREFIX) ? id : undefined;
}

/**
 * A signed callback about a conformance test application: the suite's in-platform inbox. Recorded as it
 * arrived (read by the suite's own readCallback, with the secret that signed it), answered as a real one
 * would be (400 for a body off the contract, 200 `changed: false` for a repeated webhook-id, else 200
 * `changed: true`), and never applied to anything.
 */
async function conformanceCallback(
  ctx: ServiceContext,
  centerCode: string,
  applicationId: string,
  secrets: readonly string[],
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
): Promise<HttpAnswer> {
  const reads = await Promise.all(secrets.map(async (secret) => (await readCallback(secret, rawBody, headers, ctx.now)).callback));
  const callback = reads.find((c) => c.signatureValid) ?? reads[0];
  const repeat = (await ctx.store.conformanceCallbacks.listFor(centerCode, applicationId)).some((c) => c.webhookId === callback.webhookId && c.problems.length === 0);
  await ctx.store.conformanceCallbacks.record(centerCode, applicationId, callback);
  if (callback.problems.length > 0) return answer(400, fail('VALIDATION_FAILED', callback.problems.join('；')));
  return answer(200, ok({ changed: !repeat }));
}

/**
 * A center's signed status callback (POST /callbacks/<centerCode>). Checked in this order, each refusal
 * changing nothing: the center and its secret (404), the signature and 5-minute timestamp (401), a
 * webhook-id already applied (200, unchanged), the body (400), the application (404), the move (422).
 * A callback about a conformance test application goes to the suite's inbox instead (conformanceCallback).
 */
export async function receiveCenterCallback(ctx: ServiceContext, centerCode: string, rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<HttpAnswer> {
  if (!/^\d{6}$/.test(centerCode)) return answer(404, fail('CENTER_NOT_FOUND', '没有登记这个中心的接口'));
  // parsed once, here, only to name the application read below; nothing of it is acted on before the signature is
  // checked, and a body that is not JSON is answered after the webhook-id, as before
  let json: unknown;
  let isJson = true;
  try {
    json = JSON.parse(rawBody);
  } catch {
    isJson = false;
  }
  // one round trip (issue 16, point 9): the center's endpoint and secrets, the webhook-id's receipt and the application named;
  // nothing unverified of another form reaches the store (PostgreSQL refuses a NUL, CloudBase an odd document id)
  const webhookId = isWebhookId(headers['webhook-id']) ? headers['webhook-id'] : '';
  const reads = await ctx.store.reads.callback(centerCode, webhookId, isJson ? applicationIdOf(json) : undefined);
  const { endpoint } = reads;
  if (!endpoint || endpoint.secretsSealed.length === 0) return answer(404, fail('CENTER_NOT_FOUND', '没有登记这个中心的接口'));
  // a retired secret (someone who saw it lost their role, services/secrets.ts) verifies nothing
  const secrets = servingSecretsOf(ctx.outside.keyring(), endpoint, reads.holders, ctx.now);
  const verified = secrets.length > 0 ? verifySigned(secrets, rawBody, headers) : ({ ok: false, reason: '中心的签名密钥均已停用，请中心在门户更换密钥' } as const);
  if (!verified.ok) return answer(401, fail('BAD_SIGNATURE', verified.reason));
  // signed, yet not of the Standard Webhooks form: never read or recorded (the read above was given '')
  if (verified.id !== webhookId) return answer(400, fail('VALIDATION_FAILED', 'webhook-id 格式不正确', { 'webhook-id': '应为 1–256 个可打印 ASCII 字符' }));

  const testId = isJson ? conformanceApplicationId(json) : undefined;
  if (testId !== undefined) return conformanceCallback(ctx, centerCode, testId, secrets, rawBody, headers);
  if (reads.receipt) return answer(200, ok({ changed: false }));
  if (!isJson) return answer(400, fail('VALIDATION_FAILED', '请求体不是有效的 JSON', { _: '请求体不是有效的 JSON' }));
  const parsed = parseInput(centerCallbackSchema(ctx.now), json);
  if (!parsed.ok) return answer(400, parsed);
  const { data } = parsed.data;
  const app = reads.application?.id === data.applicationId ? reads.application : await ctx.store.applications.get(data.applicationId);
  // which of its centers take deliveries by API, read with it (a completion notice, a hand-over)
  const apiCenters = async () => new Set((await reads.endpoints()).filter((e) => e.mode === 'api').map((e) => e.centerCode));
  const read = app && app === reads.application ? { app, apiCenters } : undefined;
  if (!app || !hasReached(app, centerCode)) return answer(404, fail('APPLICATION_NOT_FOUND', '本中心没有这笔申请'));
  if (app.responsibleCenter !== centerCode) return answer(409, fail('ILLEGAL_TRANSITION', NOT_RESPONSIBLE));
  const move = centerMove(app.type, data.status, data.payment);
  if (!move) return answer(400, fail('VALIDATION_FAILED', 'status 不是这类申请的办理状态', { 'data.status': statusHint(app.type) }));
  const need = move.kind === 'status' ? statusNeed(app.type, move.status) : null;
  if (need === 'payment' && !data.payment) {
    return answer(400, fail('VALIDATION_FAILED', '办结购房提取须附实际提取金额和支付日期', { 'data.payment': '办结时须附 payment：amount（元）和 paidOn（YYYY-MM-DD）' }));
  }
  if (data.payment && app.type === 'purchase-withdrawal') {
    if (awaitsCheck(await contractHoldOf(ctx, app))) return answer(409, fail('ILLEGAL_TRANSITION', HELD_UNCHECKED));
    const problems = Object.entries(paymentProblems(app, openPayload(ctx.outside.keyring(), app), data.payment));
    if (problems.length > 0) return answer(400, fail('VALIDATION_FAILED', problems[0][1], Object.fromEntries(problems.map(([k, v]) => [`data.payment.${k}`, v]))));
  }
  const checked = data.documents ? await checkDocuments(data.documents) : [];
  if (!Array.isArray(checked)) return checked;
  if (need === 'certificate' && !checked.some((d) => d.contentType === 'application/pdf')) {
    return answer(400, fail('VALIDATION_FAILED', '办结证明类申请须附证明文件（PDF）', { 'data.documents': '办结时须附至少一份 PDF 证明文件' }));
  }

  // checked first, written after: a move that is refused or changes nothing leaves no file behind
  const documents: DocumentRecord[] = [];
  try {
    if (!moveWouldApply(app, move)) return answer(200, ok({ changed: false }));
    for (const doc of checked) documents.push(await storeDocument(ctx, app.id, centerCode, doc.name, doc.contentType, doc.bytes));
    const notices = move.kind === 'status' && move.status === 'completed' ? await completionNotices(ctx, app, read && (await read.apiCenters())) : [];
    const message = data.message || (move.kind === 'code' ? `${move.code} ${TRANSFER_CODES[move.code].name}` : move.kind === 'status' ? statusMessage(move.status, move.payment) : STATUS_LABELS.rejected);
    const moved = await moveApplication(ctx, app.id, { actor: 'center', actorId: centerCode, centerCode }, move, { message, reason: data.reason, contact: data.contact }, () => ({
      documents,
      outbox: notices,
      receipt: { centerCode, webhookId: verified.id },
    }), read);
    // the move may have been made by another writer in between (unchanged, or this webhook-id taken twice)
    if (moved.kind !== 'applied') await discardUnrecorded(ctx, app.id, documents);
    if (moved.kind === 'applied' && notices.length > 0) ctx.outside.nudgeRelay();
    return answer(200, ok({ changed: moved.kind === 'applied' }));
  } catch (error) {
    await discardUnrecorded(ctx, app.id, documents);
    if (error instanceof AppError && error.code === 'ILLEGAL_TRANSITION') return answer(422, fail(error.code, error.message));
    throw error;
  }
}
