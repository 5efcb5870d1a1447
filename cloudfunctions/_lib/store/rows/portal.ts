import * as z from 'zod';
import { CHANGE_STATUSES, type ReceivedCallback } from '../../../../src/core/center-portal';
import { isItemId } from '../../../../src/core/items';
import type { ChannelHealth, ConformanceRun, ConformanceStepRecord, HealthChannel, LinkChange, StaffInvite } from '../port';
import { itemId } from './catalog';
import { lazySchema, orNull, storedDate } from './read';

/** The center portal's records: staff invites, work orders, channel health, interface-testing runs and callbacks. */

export const inviteRow = lazySchema<StaffInvite>(() =>
  z.object({
    code: z.string(),
    centerCode: z.string(),
    createdBy: z.string(),
    createdAt: storedDate(),
    expiresAt: storedDate(),
    usedBy: orNull(z.string()),
    usedAt: orNull(storedDate()),
  }),
);

const linkValue = () =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('web'), url: z.string() }),
    z.object({ kind: z.literal('miniprogram'), appId: z.string(), path: z.string() }),
  ]);

const endpointValue = () => z.discriminatedUnion('kind', [z.object({ kind: z.literal('api'), url: z.string() }), z.object({ kind: z.literal('manual') })]);

const routeValue = () => z.object({ kind: z.literal(['in-app', 'counter']) });
const hallValue = () => z.object({ kind: z.literal('hall'), address: z.string(), hours: z.string() });

export const changeRow = lazySchema<LinkChange>(() =>
  z.object({
    id: z.string(),
    centerCode: z.string(),
    target: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('link'), item: itemId(), link: z.union([linkValue(), routeValue()]) }),
      z.object({ kind: z.literal('endpoint'), endpoint: endpointValue() }),
      z.object({ kind: z.literal('hall'), hall: hallValue() }),
    ]),
    effectiveDate: z.string(),
    status: z.enum(CHANGE_STATUSES),
    proposedBy: z.string(),
    proposedAt: storedDate(),
    reviewedBy: orNull(z.string()),
    reviewedAt: orNull(storedDate()),
    reason: orNull(z.string()),
    appliedAt: orNull(storedDate()),
    // what was live before the switch: a link, a route without a channel, an endpoint, a service hall; null for nothing
    previous: orNull(z.union([linkValue(), routeValue(), endpointValue(), hallValue()])),
    heldReason: orNull(z.string()),
    heldAt: orNull(storedDate()),
    trialFindingId: z
      .string()
      .nullish()
      .transform((v) => v ?? undefined),
    // false (SQL's default) or left out (CloudBase): a center's proposal
    immediate: z
      .boolean()
      .nullish()
      .transform((v) => (v ? (true as const) : undefined)),
  }),
);

const healthChannel = () =>
  z.custom<HealthChannel>((v) => v === 'endpoint' || (typeof v === 'string' && v.startsWith('link:') && isItemId(Number(v.slice('link:'.length)))), 'is not a link or the endpoint');

export const healthRow = lazySchema<ChannelHealth>(() =>
  z.object({
    centerCode: z.string(),
    channel: healthChannel(),
    url: z.string(),
    consecutiveFailures: z.number(),
    healthy: z.boolean(),
    checkedAt: storedDate(),
    status: orNull(z.number()),
    title: orNull(z.string()),
    error: orNull(z.string()),
  }),
);

export const runRow = lazySchema<ConformanceRun>(() =>
  z.object({
    id: z.string(),
    centerCode: z.string(),
    url: z.string(),
    startedBy: z.string(),
    startedAt: storedDate(),
    report: orNull(
      z.object({
        passed: z.boolean(),
        checks: z.array(z.object({ id: z.string(), name: z.string(), passed: z.boolean(), detail: z.string() })),
        startedAt: z.string(),
        finishedAt: z.string(),
      }),
    ),
    // runs from before the background runs (issue 16) have neither
    secretsSealed: z.array(z.string()).nullish().transform((v) => v ?? []),
    passes: z.number().int().nonnegative().nullish().transform((v) => v ?? 0),
    seed: z.string().nullish().transform((v) => v ?? ''),
  }),
);

export const stepRow = lazySchema<ConformanceStepRecord>(() =>
  z.object({
    index: z.number().int(),
    checks: z.array(z.object({ id: z.string(), name: z.string(), passed: z.boolean(), detail: z.string() })),
    posts: z.array(z.object({ accepted: z.boolean(), answer: z.string() })),
    doneAt: storedDate(),
  }),
);

/** A callback of a test application as it arrived; its time answered as ISO text. */
export const receivedCallbackRow = lazySchema<ReceivedCallback>(() =>
  z.object({
    webhookId: z.string(),
    status: z.string(),
    at: storedDate().transform((d) => d.toISOString()),
    signatureValid: z.boolean(),
    problems: z.array(z.string()),
  }),
);
