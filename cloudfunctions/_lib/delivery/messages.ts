import type { StoredAttachment, StoredPayload } from '../../../src/core/applications/payloads';
import { open, sealedAs, type Keyring } from '../crypto/personal-data';
import type { ApplicationRecord, DocumentRecord, OutboxRecord } from '../store/port';
import { DELIVERY_FORMAT_VERSION, FORMAT_HEADER } from './file-links';
import { signHeaders, type SignedHeaders } from './signing';

/** Where a center downloads one attachment of the delivery it was sent, and until when (file-links.ts). */
export type AttachmentLinkOf = (attachment: StoredAttachment) => { url: string; expiresAt: string };

/**
 * The headers of a delivery: the Standard Webhooks signature of the body and the format it is written in, so a
 * center knows before parsing which form it receives (2: attachments by link).
 */
export function deliveryHeaders(secrets: readonly string[], id: string, at: Date, body: string): SignedHeaders & { [FORMAT_HEADER]: string } {
  return { ...signHeaders(secrets, id, at, body), [FORMAT_HEADER]: String(DELIVERY_FORMAT_VERSION) };
}

/**
 * The bodies the platform sends centers (docs/center-api.md), in delivery format 2: `formatVersion` beside the type
 * in every body, and each attachment a link rather than its bytes. Built at send time from the sealed
 * application, so the outbox itself never holds personal data in clear.
 */
export function deliveryBody(
  record: OutboxRecord,
  app: ApplicationRecord,
  keyring: Keyring,
  callbackBase: string,
  documents: readonly DocumentRecord[],
  /**
   * What a submission (or its copy) carries: the application's form as opened (openPayload), and for a purchase
   * withdrawal the link to each attachment made for the receiving center (the relay never loads the files).
   */
  form: { stored: StoredPayload; linkOf?: AttachmentLinkOf } | undefined,
  /** Whether `acceptBy` is an estimate (counted on weekends only into a year not known): as stored with it. */
  acceptByProvisional = app.acceptByProvisional,
): string {
  // a test case (the internal trial, issue 15) says so in every body, for the center to route it to its test
  // system; a real case has no `test` at all
  const test = app.test ? { test: true } : {};
  const common = { applicationId: app.id, applicationType: app.type, letterNumber: app.letterNumber, ...test };
  const at = record.createdAt.toISOString();
  if (record.type === 'application.withdrawn') {
    return JSON.stringify({ type: record.type, formatVersion: DELIVERY_FORMAT_VERSION, timestamp: at, data: { ...common, withdrawnAt: at, reason: '职工撤销申请' } });
  }
  if (record.type === 'application.completed') {
    // the other center learns the result: a certificate's description (the file itself goes only to the
    // person), or what the deposit-locale center paid for a purchase the purchase-locale center verified
    const listed = documents.map((d) => ({ name: d.name, contentType: d.contentType, sha256: d.sha256, size: d.size }));
    const paid = app.payment ? { payment: app.payment } : {};
    return JSON.stringify({ type: record.type, formatVersion: DELIVERY_FORMAT_VERSION, timestamp: at, data: { applicationId: app.id, applicationType: app.type, ...test, completedAt: at, documents: listed, ...paid } });
  }
  // application.submitted to the responsible center, application.copy to a center taking the request on its behalf
  if (!form) throw new Error(`the form of application ${app.id} was not opened for its ${record.type}`);
  const role = app.centers.find((c) => c.code === record.centerCode)?.role;
  const sent = sentForm(form.stored, role, form.linkOf, app.id);
  return JSON.stringify({
    type: record.type,
    formatVersion: DELIVERY_FORMAT_VERSION,
    timestamp: app.createdAt.toISOString(),
    data: {
      ...common,
      role,
      centers: app.centers,
      applicant: {
        name: open(keyring, sealedAs.name(app.openid), app.applicant.nameSealed),
        docType: app.applicant.docType,
        docNumber: open(keyring, sealedAs.docNumber(app.openid), app.applicant.docNumberSealed),
      },
      form: sent,
      submittedAt: app.createdAt.toISOString(),
      acceptBy: app.acceptBy,
      // only when it is an estimate: a center reads its absence as a date on the official calendar
      ...(acceptByProvisional ? { acceptByProvisional: true } : {}),
      callbackUrl: `${callbackBase}/callbacks/${record.centerCode}`,
    },
  });
}

/** The form as a center receives it: a purchase withdrawal's attachments as links, its bank account only to the center that pays. */
function sentForm(stored: StoredPayload, role: string | undefined, linkOf: AttachmentLinkOf | undefined, applicationId: string): object {
  if (stored.type !== 'purchase-withdrawal') return stored.payload;
  // never a delivery without its files: a body that cannot name them is not sent (the relay records the attempt as failed)
  if (!linkOf) throw new Error(`no links were made for the attachments of application ${applicationId}`);
  const files = stored.payload.attachments.map((a) => ({ id: a.id, kind: a.kind, name: a.name, contentType: a.contentType, sha256: a.sha256, size: a.size, ...linkOf(a) }));
  const sent = { ...stored.payload, attachments: files };
  if (role === 'deposit') return sent;
  // the bank account goes only to the deposit-locale center, which pays; the purchase-locale center verifies the purchase
  const { bank: _paidInto, ...withoutBank } = sent;
  return withoutBank;
}
