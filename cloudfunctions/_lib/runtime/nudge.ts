import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an event is the relay nudge of another function of this platform: `{ nudge: <INTERNAL_NUDGE_SECRET> }`,
 * compared in constant time (digests of equal length, so the secret's length is not told either). No secret
 * configured proves nothing.
 */
export function provesNudge(event: unknown, secret: string | undefined): boolean {
  if (!secret || typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const given = (event as { nudge?: unknown }).nudge;
  if (typeof given !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(secret));
}
