import type { TransferPayload } from '../../../src/core/applications';
import { open, SEALED_FIELDS, type Keyring } from '../crypto/personal-data';
import type { ApplicationRecord, OutboxRecord } from '../store/port';

/**
 * The bodies the platform sends centers (docs/center-api.md). Built at send time from the sealed
 * application, so the outbox itself never holds personal data in clear.
 */
export function deliveryBody(record: OutboxRecord, app: ApplicationRecord, keyring: Keyring, callbackBase: string): string {
  const common = { applicationId: app.id, applicationType: app.type, letterNumber: app.letterNumber };
  if (record.type === 'application.withdrawn') {
    return JSON.stringify({ type: record.type, timestamp: record.createdAt.toISOString(), data: { ...common, withdrawnAt: record.createdAt.toISOString(), reason: '职工撤销申请' } });
  }
  const form = JSON.parse(open(keyring, SEALED_FIELDS.applicationPayload, app.payloadSealed)) as TransferPayload;
  const role = app.centers.find((c) => c.code === record.centerCode)?.role;
  return JSON.stringify({
    type: record.type,
    timestamp: app.createdAt.toISOString(),
    data: {
      ...common,
      role,
      centers: app.centers,
      applicant: {
        name: open(keyring, SEALED_FIELDS.name, app.applicant.nameSealed),
        docType: app.applicant.docType,
        docNumber: open(keyring, SEALED_FIELDS.docNumber, app.applicant.docNumberSealed),
      },
      form,
      submittedAt: app.createdAt.toISOString(),
      acceptBy: app.acceptBy,
      callbackUrl: `${callbackBase}/callbacks/${record.centerCode}`,
    },
  });
}
