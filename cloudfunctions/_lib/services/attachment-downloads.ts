import { createHash } from 'node:crypto';
import { storedAttachments } from '../../../src/core/applications/payloads';
import { attachmentBytes } from '../applications/attachments';
import { openPayload } from '../applications/payload';
import { fileLinkUrl, FILE_LINK_DAYS, readFileLink, type FileLink } from '../delivery/file-links';
import { signedHeadersProblem, verifySigned } from '../delivery/signing';
import type { ServiceContext } from '../runtime/define';
import { servingSecrets } from './secrets';
import { CONFORMANCE_ATTACHMENTS, CONFORMANCE_ID_PREFIX } from '../centers/conformance-callbacks';

/**
 * A center fetching a delivery's attachment by its link (GET <callback base>/callbacks/files/<token>,
 * docs/center-api.md 4.10): signed as its callbacks are (Standard Webhooks, the signed content being the link's
 * URL exactly as delivered, any of its serving secrets during a rotation), by the one center the link was made for,
 * before the link expires, for an attachment the application still has. Every request is recorded, served or
 * refused with why.
 */
export type AttachmentDownload =
  | { status: 200; bytes: Buffer; name: string; contentType: string; sha256: string }
  | { status: 401 | 404 | 410; reason: string };

const NOT_A_LINK = '下载链接无效：不是平台发出的链接，或已被改动';
const GONE = '附件已不存在';

export async function downloadAttachment(ctx: ServiceContext, token: string, headers: Record<string, string | string[] | undefined>): Promise<AttachmentDownload> {
  const link = readFileLink(ctx.outside.keyring(), token);
  const answer = link ? await answerFor(ctx, link, token, headers) : { status: 404 as const, reason: NOT_A_LINK };
  const webhookId = headers['webhook-id'];
  await ctx.store.attachmentFetches.record({
    at: ctx.now,
    applicationId: link?.applicationId ?? null,
    attachmentId: link?.attachmentId ?? null,
    centerCode: link?.centerCode ?? null,
    webhookId: typeof webhookId === 'string' && webhookId.length <= 256 ? webhookId : null,
    httpStatus: answer.status,
    refusal: answer.status === 200 ? null : answer.reason,
  });
  return answer;
}

/** Signature first (an unsigned request learns nothing of the link), then expiry, then the file. */
async function answerFor(ctx: ServiceContext, link: FileLink, token: string, headers: Record<string, string | string[] | undefined>): Promise<AttachmentDownload> {
  const malformed = signedHeadersProblem(headers, ctx.now);
  if (malformed) return { status: 401, reason: malformed };
  const endpoint = await ctx.store.endpoints.get(link.centerCode);
  const secrets = endpoint ? await servingSecrets(ctx.store, ctx.outside.keyring(), endpoint, ctx.now) : [];
  const signed = verifySigned(secrets, fileLinkUrl(ctx.outside.callbackBase(), token), headers);
  if (!signed.ok) return { status: 401, reason: `签名无效：应由链接所发给的中心（${link.centerCode}）用其密钥对链接地址签名` };
  if (ctx.now.getTime() >= link.expiresAt.getTime()) return { status: 410, reason: `下载链接已于 ${link.expiresAt.toISOString()} 过期（有效 ${FILE_LINK_DAYS} 天），请在门户的申请工作台查看附件` };

  if (link.applicationId.startsWith(CONFORMANCE_ID_PREFIX)) {
    // the interface test's synthetic files (never stored), linked for the center under test like a real delivery's
    const file = CONFORMANCE_ATTACHMENTS.find((a) => a.id === link.attachmentId);
    return file ? served(file.bytes, file.name, file.contentType) : { status: 404, reason: GONE };
  }
  const app = await ctx.store.applications.get(link.applicationId);
  if (!app || !app.centers.some((c) => c.code === link.centerCode)) return { status: 404, reason: GONE };
  const attachment = storedAttachments(openPayload(ctx.outside.keyring(), app)).find((a) => a.id === link.attachmentId);
  if (!attachment) return { status: 404, reason: GONE };
  let bytes: Buffer;
  try {
    bytes = await attachmentBytes(ctx, app.id, attachment);
  } catch (error) {
    ctx.log.warn({ err: error, applicationId: app.id, attachmentId: attachment.id }, 'a linked attachment could not be read');
    return { status: 404, reason: GONE };
  }
  return served(bytes, attachment.name, attachment.contentType);
}

const served = (bytes: Buffer, name: string, contentType: string): AttachmentDownload => ({ status: 200, bytes, name, contentType, sha256: createHash('sha256').update(bytes).digest('hex') });
