import { CONSENT_VERSION } from '../../src/core/consent';
import { idCheckChar } from '../../src/core/identity';
import { handler as identity } from '../../cloudfunctions/identity';
import type { Outside } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { contextFor } from './function-context';

let serial = 0;

/** A fresh valid resident ID per call (born 1949-12-31 in Beijing 110105). */
export function freshResidentId(): string {
  const first17 = `11010519491231${String(++serial % 1000).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

/** Verifies `openid` by face through the identity function (WeChat simulator passing), with a fresh ID unless given; answers the ID used. */
export async function verifiedPerson(store: Store, outside: Outside, openid: string, now: Date, name = '张三', docNumber = freshResidentId()): Promise<string> {
  const ctx = contextFor(store, { openid, roles: [] }, now, outside);
  const consented = await identity.handle({ action: 'consent', version: CONSENT_VERSION }, ctx);
  if (!consented.ok) throw new Error(consented.message);
  const started = await identity.handle({ action: 'start', name, docType: '01', docNumber, consentVersion: CONSENT_VERSION }, ctx);
  if (!started.ok) throw new Error(started.message);
  const confirmed = await identity.handle({ action: 'confirm', verifyId: (started.data as { verifyId: string }).verifyId }, ctx);
  if (!confirmed.ok) throw new Error(confirmed.message);
  return docNumber;
}
