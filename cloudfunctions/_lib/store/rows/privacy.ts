import * as z from 'zod';
import type { AccountDeletion } from '../port';
import { lazySchema, storedDate } from './read';

export const accountDeletionRow = lazySchema<AccountDeletion>(() =>
  z.object({ id: z.string(), openid: z.string(), requestedAt: storedDate(), dueAt: storedDate() }),
);
