import * as z from 'zod';
import type { CertificateCodeRecord, CodeReadRecord } from '../port';
import { lazySchema, orNull, storedDate } from './read';

/** A certificate code as stored (migration 40; CloudBase `certificateCodes`). */
export const certificateCodeRow = lazySchema<CertificateCodeRecord>(() =>
  z.object({
    id: z.string(),
    applicationId: z.string(),
    openid: z.string(),
    documentId: z.string(),
    issuedAt: storedDate(),
    expiresAt: storedDate(),
    readsAllowed: z.number().int(),
    readsUsed: z.number().int(),
    revokedAt: orNull(storedDate()),
  }),
);

/** A read of a code as stored (migration 40; CloudBase `certificateCodeReads`). */
export const codeReadRow = lazySchema<CodeReadRecord>(() =>
  z.object({
    codeId: z.string(),
    applicationId: z.string(),
    at: storedDate(),
    readerOpenid: z.string(),
    centerCode: z.string(),
    outcome: z.enum(['valid', 'expired', 'used', 'revoked', 'altered']),
  }),
);

/** Why a code cannot be read at `at` now, or 'valid'. */
export function readOutcome(code: CertificateCodeRecord, at: Date): CodeReadRecord['outcome'] {
  if (code.revokedAt !== null) return 'revoked';
  if (code.expiresAt <= at) return 'expired';
  if (code.readsUsed >= code.readsAllowed) return 'used';
  return 'valid';
}
