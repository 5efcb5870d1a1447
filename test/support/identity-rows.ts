import type { ApplicationEventRecord, ApplicationRecord, IdentityRecord, OutboxRecord, Store } from '../../cloudfunctions/_lib/store/port';

/** A verified identity row of `openid` with placeholder sealed values, current until 2099: what a person's stored case needs. */
export const identityRow = (openid: string): IdentityRecord => ({
  openid,
  method: 'face',
  docType: '01',
  nameSealed: 'sealed-name',
  docNumberSealed: 'sealed-doc',
  docLookup: `lk-${openid}`,
  phoneSealed: null,
  verifiedAt: new Date('2026-01-01T00:00:00Z'),
  expiresAt: new Date('2099-01-01T00:00:00Z'),
});

/**
 * Stores `app` as a submission would: its applicant's identity bound first, since the SQL store refuses a person's case
 * without one (ApplicationRepository.create); a test case needs none.
 */
export async function createBound(store: Store, app: ApplicationRecord, events: ApplicationEventRecord[] = [], outbox: OutboxRecord[] = [], letterPrefix: string | null = null) {
  if (!app.test) await store.identities.bind(identityRow(app.openid));
  return store.applications.create(app, events, outbox, letterPrefix);
}
