import type { StoredPayload } from '../../../src/core/applications/payloads';
import type { ServiceContext } from '../runtime/define';
import { attachmentLink } from '../delivery/file-links';
import type { AttachmentLinkOf } from '../delivery/messages';
import { newWebhookId } from '../delivery/signing';
import type { ApplicationRecord, OutboxRecord, OutboxType } from '../store/port';
import { openPayload } from './payload';

/** The deliveries an application owes the centers, written in the same transaction as what causes them. */

/** A delivery to `centerCode`, due now. */
export function outboxRecord(app: ApplicationRecord, centerCode: string, type: OutboxType, at: Date): OutboxRecord {
  return { id: newWebhookId(), applicationId: app.id, centerCode, type, createdAt: at, dueAt: at, attempts: 0, state: 'pending', lastError: null, deliveredAt: null };
}

/** Whether the center takes deliveries by API; otherwise it works in the portal workbench. */
export async function takesApi(ctx: Pick<ServiceContext, 'store'>, centerCode: string): Promise<boolean> {
  return (await ctx.store.endpoints.get(centerCode))?.mode === 'api';
}

/**
 * What completing an application owes the other centers that took part (the accepting center of a
 * certificate, the purchase-locale center of a purchase withdrawal): an `application.completed` to each
 * that has an API. Nothing for a test case: it involves the center under test only (docs/center-api.md 4.9).
 */
export async function completionNotices(ctx: ServiceContext, app: ApplicationRecord, apiCenters?: ReadonlySet<string>): Promise<OutboxRecord[]> {
  if (app.test) return [];
  const informed = app.centers.filter((c) => c.role === 'accepting' || c.role === 'purchase').map((c) => c.code);
  const notices: OutboxRecord[] = [];
  for (const code of informed) if (apiCenters ? apiCenters.has(code) : await takesApi(ctx, code)) notices.push(outboxRecord(app, code, 'application.completed', ctx.now));
  return notices;
}

/**
 * What a delivery of the application itself (application.submitted, application.copy) carries besides the
 * record: its form, opened once, and for each file kept with it a link for the receiving center, made at `at` and
 * expiring FILE_LINK_DAYS later (deliveryBody). The files themselves are never read here: the center fetches
 * them (services/attachment-downloads.ts). Nothing for the others.
 */
export function deliveryForm(ctx: Pick<ServiceContext, 'outside'>, record: OutboxRecord, app: ApplicationRecord, at: Date): { stored: StoredPayload; linkOf: AttachmentLinkOf } | undefined {
  if (record.type !== 'application.submitted' && record.type !== 'application.copy') return undefined;
  const keyring = ctx.outside.keyring();
  const base = ctx.outside.callbackBase();
  const linkOf: AttachmentLinkOf = (attachment) => attachmentLink(keyring, base, { applicationId: app.id, attachmentId: attachment.id, centerCode: record.centerCode }, at);
  return { stored: openPayload(keyring, app), linkOf };
}
