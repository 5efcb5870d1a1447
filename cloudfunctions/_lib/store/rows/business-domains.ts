import * as z from 'zod';
import { BUSINESS_DOMAIN_STATES } from '../../../../src/core/business-domains';
import type { BusinessDomainRecord } from '../port';
import { lazySchema, orNull, storedDate } from './read';

/** A business domain as stored (migration 24; CloudBase `businessDomains`). */
export const businessDomainRow = lazySchema<BusinessDomainRecord>(() =>
  z.object({
    domain: z.string(),
    state: z.enum(BUSINESS_DOMAIN_STATES),
    verificationFile: orNull(z.object({ name: z.string(), content: z.string() })),
    checkedAt: orNull(storedDate()),
    problem: orNull(z.string()),
    updatedAt: storedDate(),
    updatedBy: z.string(),
  }),
);
