import * as z from 'zod';
import type { TrialInvite } from '../port';
import { lazySchema, orNull, storedDate } from './read';

/** A trial invite as stored (migration 19; CloudBase `trialInvites`). */
export const trialInviteRow = lazySchema<TrialInvite>(() =>
  z.object({
    id: z.string(),
    code: z.string(),
    province: z.string(),
    uses: z.number().int().positive(),
    used: z.number().int().nonnegative(),
    createdBy: z.string(),
    createdAt: storedDate(),
    expiresAt: storedDate(),
    revokedAt: orNull(storedDate()),
  }),
);

/** Whether people may still join with `invite` at `at`. */
export const isRedeemable = (invite: TrialInvite, at: Date) => invite.revokedAt === null && invite.expiresAt.getTime() > at.getTime() && invite.used < invite.uses;
