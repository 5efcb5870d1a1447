import { createHash } from 'node:crypto';
import { storedAttachments } from '../../../src/core/applications/payloads';
import { hourStart } from '../../../src/core/time';
import { attachmentBytes } from '../applications/attachments';
import { hasReached } from '../applications/move';
import { openPayload } from '../applications/payload';
import { contentRange, fileLinkUrl, FILE_LINK_DAYS, readFileLink, servedRange, type FileLink } from '../delivery/file-links';
import { isWebhookId, signedHeadersProblem, verifySigned } from '../delivery/signing';
import type { ServiceContext } from '../runtime/define';
import { servingSecrets } from './secrets';
import { CONFORMANCE_ATTACHMENTS, CONFORMANCE_ID_PREFIX } from '../centers/conformance-callbacks';

/**
 * A center fetching a delivery's attachment by its link (GET <callback base>/callbacks/files/<token>,
 * docs/center-api.md 4.10): signed as its callbacks are (Standard Webhooks, the signed content being the link's
 * URL exactly as delivered, any of its serving secrets during a rotation), by the one center the link was made for,
 * before the link expires, for an attachment the application still has; in ranges of at most 4 MiB (206), a file of
 * at most 4 MiB also whole (200), `sha256` always the whole file's. Every request for a link that opens is recorded,
 * served or refused with why, but at most REFUSALS_KEPT_PER_HOUR refusals per link's attachment and center in a clock
 * hour, counted and taken in one step (attempts.recordIfUnder), so a burst of parallel requests keeps no more: a center
 * retrying a bad signature in a loop, or anyone replaying a link it saw, grows the table by that much at most; the rest
 * is logged. A token that does not open names nothing to record against and anyone can make one:
 * it is logged only. Records are kept ATTACHMENT_FETCH_KEEP_DAYS (the daily run removes older ones).
 */
export type AttachmentDownload =
  | { status: 200 | 206; bytes: Buffer; name: string; contentType: string; sha256: string; range: { start: number; end: number; size: number } | null }
  | { status: 401 | 404 | 410; reason: string }
  | { status: 416; reason: string; size: number };

export type ServedAttachment = Extract<AttachmentDownload, { bytes: Buffer }>;
export const isServed = (answer: AttachmentDownload): answer is ServedAttachment => answer.status === 200 || answer.status === 206;

/** Refusals kept per link's attachment and center in a clock hour; beyond, only logged. */
export const REFUSALS_KEPT_PER_HOUR = 20;
/** How long fetch records are kept: the links last 7 days; 90 covers a quarter's questions about what a center took. */
export const ATTACHMENT_FETCH_KEEP_DAYS = 90;

const NOT_A_LINK = '下载链接无效：不是平台发出的链接，或已被改动';
const GONE = '附件已不存在';

export async function downloadAttachment(ctx: ServiceContext, token: string, headers: Record<string, string | string[] | undefined>): Promise<AttachmentDownload> {
  const link = readFileLink(ctx.outside.keyring(), token);
  if (!link) {
    ctx.log.warn({ tokenLength: token.length }, 'attachment link refused: the token does not open');
    return { status: 404, reason: NOT_A_LINK };
  }
  const answer = await answerFor(ctx, link, token, headers);
  const { applicationId, attachmentId, centerCode } = link;
  if (!isServed(answer) && !(await ctx.store.attempts.recordIfUnder(`file-refusals:${applicationId}:${attachmentId}:${centerCode}`, hourStart(ctx.now), REFUSALS_KEPT_PER_HOUR, ctx.now, null))) {
    ctx.log.warn({ applicationId, attachmentId, centerCode, httpStatus: answer.status }, 'attachment fetch refused (not recorded: this hour’s refusals of the link are kept already)');
    return answer;
  }
  const webhookId = headers['webhook-id'];
  await ctx.store.attachmentFetches.record({
    at: ctx.now,
    applicationId,
    attachmentId,
    centerCode,
    webhookId: isWebhookId(webhookId) ? webhookId : null,
    httpStatus: answer.status,
    refusal: isServed(answer) ? null : answer.reason,
    byteRange: byteRangeOf(answer, headers.range),
  });
  return answer;
}

/** The part served, or the Range refused (printable, as asked, cut at 100 characters), for the record. */
function byteRangeOf(answer: AttachmentDownload, asked: string | string[] | undefined): string | null {
  if (isServed(answer)) return answer.range && contentRange(answer.range.start, answer.range.end, answer.range.size);
  return answer.status === 416 && typeof asked === 'string' && /^[\x20-\x7e]+$/.test(asked) ? asked.slice(0, 100) : null;
}

/** Removes the fetch records older than ATTACHMENT_FETCH_KEEP_DAYS (the daily run). */
export async function removeOldAttachmentFetches(ctx: ServiceContext): Promise<number> {
  return ctx.store.attachmentFetches.removeOlderThan(new Date(ctx.now.getTime() - ATTACHMENT_FETCH_KEEP_DAYS * 86_400_000));
}

/** Signature first (an unsigned request learns nothing of the link), then expiry, then the file. */
async function answerFor(ctx: ServiceContext, link: FileLink, token: string, headers: Record<string, string | string[] | undefined>): Promise<AttachmentDownload> {
  const malformed = signedHeadersProblem(headers, ctx.now);
  if (malformed) return { status: 401, reason: malformed };
  const endpoint = await ctx.store.endpoints.get(link.centerCode);
  const secrets = endpoint ? await servingSecrets(ctx.store, ctx.outside.keyring(), endpoint, ctx.now) : [];
  const signed = verifySigned(secrets, fileLinkUrl(ctx.outside.callbackBase(), token), headers);
  if (!signed.ok) return { status: 401, reason: '签名无效：应由链接所发给的中心用其密钥对链接地址签名' };
  if (ctx.now.getTime() >= link.expiresAt.getTime()) return { status: 410, reason: `下载链接已于 ${link.expiresAt.toISOString()} 过期（有效 ${FILE_LINK_DAYS} 天），请在门户的申请工作台查看附件` };

  if (link.applicationId.startsWith(CONFORMANCE_ID_PREFIX)) {
    // the interface test's synthetic files (never stored), linked for the center under test like a real delivery's
    const file = CONFORMANCE_ATTACHMENTS.find((a) => a.id === link.attachmentId);
    return file ? served(file.bytes, file.name, file.contentType, headers.range) : { status: 404, reason: GONE };
  }
  const app = await ctx.store.applications.get(link.applicationId);
  if (!app || !hasReached(app, link.centerCode)) return { status: 404, reason: GONE };
  const attachment = storedAttachments(openPayload(ctx.outside.keyring(), app)).find((a) => a.id === link.attachmentId);
  if (!attachment) return { status: 404, reason: GONE };
  let bytes: Buffer;
  try {
    bytes = await attachmentBytes(ctx, app.id, attachment);
  } catch (error) {
    ctx.log.warn({ err: error, applicationId: app.id, attachmentId: attachment.id }, 'a linked attachment could not be read');
    return { status: 404, reason: GONE };
  }
  return served(bytes, attachment.name, attachment.contentType, headers.range);
}

/** The whole file or the part asked for (the file is opened whole: it is sealed in one piece), its sha256 the whole file's. */
function served(bytes: Buffer, name: string, contentType: string, rangeHeader: string | string[] | undefined): AttachmentDownload {
  const range = servedRange(rangeHeader, bytes.length);
  if (range.kind === 'refused') return { status: 416, reason: range.reason, size: bytes.length };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (range.kind === 'whole') return { status: 200, bytes, name, contentType, sha256, range: null };
  return { status: 206, bytes: bytes.subarray(range.start, range.end + 1), name, contentType, sha256, range: { start: range.start, end: range.end, size: bytes.length } };
}
