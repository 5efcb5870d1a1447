import * as z from 'zod';
import { DOC_TYPE_CODES } from '../../../../src/core/identity';
import type { AuditEntry, ConsentRecord, CounterRequest, IdentityRecord, VerificationSession } from '../port';
import { lazySchema, orNull, storedDate } from './read';

/** The sealed identity fields that identities, verification sessions and counter requests all carry. */
const sealedPerson = () => ({
  docType: z.enum(DOC_TYPE_CODES),
  nameSealed: z.string(),
  docNumberSealed: z.string(),
  docLookup: z.string(),
});

export const identityRow = lazySchema<IdentityRecord>(() =>
  z.object({
    openid: z.string(),
    method: z.enum(['face', 'counter']),
    ...sealedPerson(),
    phoneSealed: orNull(z.string()),
    verifiedAt: storedDate(),
    expiresAt: storedDate(),
  }),
);

export const verificationRow = lazySchema<VerificationSession>(() =>
  z.object({ verifyId: z.string(), outSeqNo: z.string(), openid: z.string(), ...sealedPerson(), createdAt: storedDate() }),
);

export const counterRequestRow = lazySchema<CounterRequest>(() =>
  z.object({
    code: z.string(),
    openid: z.string(),
    ...sealedPerson(),
    createdAt: storedDate(),
    expiresAt: storedDate(),
    status: z.enum(['pending', 'awaiting-second', 'confirmed']),
    confirmedBy: orNull(z.string()),
    centerCode: orNull(z.string()),
    // requests confirmed before the first confirmer's key was kept, or made before two-staff confirmations, have none
    confirmedByLookup: orNull(z.string()),
    secondConfirmedBy: orNull(z.string()),
  }),
);

export const consentRow = lazySchema<ConsentRecord>(() => z.object({ openid: z.string(), version: z.string(), at: storedDate() }));

export const auditRow = lazySchema<AuditEntry>(() =>
  z.object({ at: storedDate(), actor: z.string(), action: z.string(), subject: z.string(), detail: z.string() }),
);
