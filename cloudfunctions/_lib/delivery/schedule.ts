/**
 * When a failed delivery is tried again (ARCHITECTURE.md, center interface): 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 14 h, 20 h, 24 h after each failure, with ±10% jitter so a center that comes back is not hit by
 * every retry at once; after the last one the delivery is dead-lettered.
 */
const S = 1000;
const M = 60 * S;
const H = 60 * M;
export const RETRY_DELAYS_MS: readonly number[] = [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H];
/** The longest a Retry-After is honoured for. */
export const MAX_RETRY_AFTER_MS = 24 * H;

/**
 * When to try again after `failedAttempts` failures (this one included), or null to dead-letter.
 * A center's Retry-After (429/503) replaces the schedule's wait for that attempt.
 */
export function nextAttemptAt(failedAttempts: number, now: Date, retryAfterSeconds?: number, random: () => number = Math.random): Date | null {
  if (failedAttempts < 1 || failedAttempts > RETRY_DELAYS_MS.length) return null;
  const wait =
    retryAfterSeconds !== undefined ? Math.min(retryAfterSeconds * S, MAX_RETRY_AFTER_MS) : RETRY_DELAYS_MS[failedAttempts - 1] * (0.9 + 0.2 * random());
  return new Date(now.getTime() + wait);
}
