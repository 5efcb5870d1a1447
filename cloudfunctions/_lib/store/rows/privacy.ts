import * as z from 'zod';
import type { AccountDeletion } from '../port';
import { lazySchema, storedDate } from './read';

export const accountDeletionRow = lazySchema<AccountDeletion>(() =>
  z.object({ id: z.string(), openid: z.string(), requestedAt: storedDate(), dueAt: storedDate(), erasedAt: storedDate().optional() }),
);

/*
 * The attempts (AttemptRepository) that name a person, by how their subjects end: their openid (`…openid:<openid>`,
 * `staff:<openid>`, `invite:<openid>` …, recorded only by them) and their own ID's lookup (`…doc:<lookup>`) in those
 * they recorded. 解除绑定 and 注销 remove these. The others they recorded protect someone else (another ID's lookup
 * across accounts, a counter code's `request:<code>`): they stay, naming no account, and count until the daily run
 * removes them, so unbinding never gives anyone more tries against another person.
 */
export const ownSubjectEnding = (openid: string) => `:${openid}`;
export const ownLookupEnding = (docLookup: string) => `:doc:${docLookup}`;
