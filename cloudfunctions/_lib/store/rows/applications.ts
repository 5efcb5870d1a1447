import * as z from 'zod';
import { FIX_SCORES, FOLLOW_UP_STATUSES } from '../../../../src/core/applications/follow-up-clock';
import { isTransferCode, type TransferCode } from '../../../../src/core/applications/state-machine';
import { APPLICATION_STATUSES, APPLICATION_TYPES, CENTER_ROLES, RATING_SCORES } from '../../../../src/core/applications/status';
import { DOC_TYPE_CODES } from '../../../../src/core/identity';
import { FULL_ONLINE_ITEMS } from '../../../../src/core/supervision';
import {
  OUTBOX_TYPES,
  type ApplicationEventRecord,
  type ApplicationRecord,
  type CenterEndpoint,
  type DeliveryAttempt,
  type DocumentRecord,
  type OutboxRecord,
  type RatingRecord,
} from '../port';
import type { KeptHolder } from '../secret-holders';
import { lazySchema, orNull, storedDate } from './read';

/** A platform code (01, 02, ...), or null before any. */
const platformCode = () => orNull(z.custom<TransferCode>(isTransferCode, 'is not a platform code'));

export const applicationRow = lazySchema<ApplicationRecord>(() =>
  z.object({
    id: z.string(),
    type: z.enum(APPLICATION_TYPES),
    openid: z.string(),
    requestId: z.string(),
    status: z.enum(APPLICATION_STATUSES),
    platformCode: platformCode(),
    responsibleCenter: z.string(),
    centers: z.array(z.object({ code: z.string(), role: z.enum(CENTER_ROLES) })),
    inFlightKey: orNull(z.string()),
    letterNumber: orNull(z.string()),
    applicant: z.object({ docType: z.enum(DOC_TYPE_CODES), nameSealed: z.string(), docNumberSealed: z.string() }),
    payloadSealed: z.string(),
    acceptBy: z.string(),
    // CloudBase documents from before these were stored (issue 12) have none: not an estimate, no target, until
    // the nightly recompute sets them
    acceptByProvisional: z.boolean().default(false),
    targetBy: orNull(z.string()),
    targetProvisional: z.boolean().default(false),
    payment: orNull(z.object({ amount: z.number(), paidOn: z.string() })),
    // the item of an in-app request (4-6), absent for other types
    serviceItem: z
      .literal(FULL_ONLINE_ITEMS)
      .nullish()
      .transform((v) => v ?? undefined),
    // a purchase withdrawal's contract lookup (migration 23), absent for other types and older rows
    contractLookup: z
      .string()
      .nullish()
      .transform((v) => v ?? undefined),
    // CloudBase documents from before the trial (issue 15) have none: not a test
    test: z.boolean().default(false),
    createdAt: storedDate(),
    updatedAt: storedDate(),
  }),
);

export const EVENT_ACTORS = ['employee', 'relay', 'center', 'staff', 'platform'] as const;

export const eventRow = lazySchema<ApplicationEventRecord>(() =>
  z.object({
    applicationId: z.string(),
    at: storedDate(),
    actor: z.enum(EVENT_ACTORS),
    actorId: z.string(),
    from: orNull(z.enum(APPLICATION_STATUSES)),
    to: z.enum(APPLICATION_STATUSES),
    platformCode: platformCode(),
    centerCode: orNull(z.string()),
    message: z.string(),
    // events from before migration 41 (and those without) have none
    reason: z
      .string()
      .nullish()
      .transform((v) => v ?? undefined),
    contact: z
      .object({ name: z.string(), phone: z.string() })
      .nullish()
      .transform((v) => v ?? undefined),
  }),
);

export const documentRow = lazySchema<DocumentRecord>(() =>
  z.object({
    id: z.string(),
    applicationId: z.string(),
    centerCode: z.string(),
    name: z.string(),
    contentType: z.string(),
    sha256: z.string(),
    size: z.number(),
    storageKey: z.string(),
    at: storedDate(),
  }),
);

export const outboxRow = lazySchema<OutboxRecord>(() =>
  z.object({
    id: z.string(),
    applicationId: z.string(),
    centerCode: z.string(),
    type: z.enum(OUTBOX_TYPES),
    createdAt: storedDate(),
    dueAt: storedDate(),
    attempts: z.number(),
    state: z.enum(['pending', 'delivered', 'dead']),
    lastError: orNull(z.string()),
    deliveredAt: orNull(storedDate()),
  }),
);

export const deliveryAttemptRow = lazySchema<DeliveryAttempt>(() =>
  z.object({ outboxId: z.string(), at: storedDate(), durationMs: z.number(), httpStatus: orNull(z.number()), error: orNull(z.string()) }),
);

export const endpointRow = lazySchema<CenterEndpoint>(() =>
  z.object({ centerCode: z.string(), mode: z.enum(['api', 'manual']), url: orNull(z.string()), secretsSealed: z.array(z.string()), updatedAt: storedDate() }),
);

/** An endpoint's secrets and who was shown each (none kept before holders were recorded): what secret-holders.ts reads. */
export const secretHoldersRow = lazySchema<{ secretsSealed: string[]; secretHolders: KeptHolder[] }>(() =>
  z.object({
    secretsSealed: z.array(z.string()),
    secretHolders: z
      .array(z.object({ secretSealed: z.string(), shownTo: orNull(z.string()), retiresAt: orNull(z.string()) }))
      .nullish()
      .transform((v) => v ?? []),
  }),
);

/** 1 to 5, as SQL's check constraint keeps it. */
const ratingScore = () => z.literal(RATING_SCORES);

export const ratingRow = lazySchema<RatingRecord>(() =>
  z.object({
    applicationId: z.string(),
    openid: z.string(),
    centerCode: z.string(),
    score: ratingScore(),
    comment: orNull(z.string()),
    at: storedDate(),
    followUp: orNull(z.enum(FOLLOW_UP_STATUSES)),
    followUpNote: orNull(z.string()),
    followUpBy: orNull(z.string()),
    followUpAt: orNull(storedDate()),
    // absent (read as null) on a CloudBase rating stored before them
    fixNote: orNull(z.string()),
    fixedBy: orNull(z.string()),
    fixedAt: orNull(storedDate()),
    fixScore: orNull(z.enum(FIX_SCORES)),
    fixRatedAt: orNull(storedDate()),
  }),
);

/** What satisfaction counts of a rating: its center and score. */
export const ratedScoreRow = lazySchema<Pick<RatingRecord, 'centerCode' | 'score'>>(() => z.object({ centerCode: z.string(), score: ratingScore() }));
