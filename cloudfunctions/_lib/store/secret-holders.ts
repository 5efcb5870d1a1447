import type { SecretHolder } from './port';

/** What both adapters keep of a secret's holder: retiresAt as an ISO string (JSON in SQL, a nested field in CloudBase). */
export interface KeptHolder {
  secretSealed: string;
  shownTo: string | null;
  retiresAt: string | null;
}

export const keptHolder = (h: SecretHolder): KeptHolder => ({ secretSealed: h.secretSealed, shownTo: h.shownTo, retiresAt: h.retiresAt?.toISOString() ?? null });

/** One entry per secret of `secretsSealed`, in its order, from what the store kept about them (unknown ones: shown to nobody recorded, serving). */
export function holdersOf(secretsSealed: readonly string[], kept: readonly KeptHolder[]): SecretHolder[] {
  return secretsSealed.map((secretSealed) => {
    const h = kept.find((k) => k.secretSealed === secretSealed);
    return { secretSealed, shownTo: h?.shownTo ?? null, retiresAt: h?.retiresAt ? new Date(h.retiresAt) : null };
  });
}

/** The holders with `wanted` (not retiring yet) retiring from `retiresAt`, and how many that is. */
export function withRetired(holders: readonly SecretHolder[], wanted: readonly string[], retiresAt: Date): { holders: SecretHolder[]; retired: number } {
  let retired = 0;
  const next = holders.map((h) => {
    if (!wanted.includes(h.secretSealed) || h.retiresAt !== null) return h;
    retired += 1;
    return { ...h, retiresAt };
  });
  return { holders: next, retired };
}

/**
 * A rotation: the new secret first, shown to `shownTo`, then the newest of the old ones that still serves at `at`
 * (a retired one is dropped even when it signed first: keeping it would drop the one still serving).
 */
export function rotatedHolders(holders: readonly SecretHolder[], secretSealed: string, shownTo: string, at: Date): SecretHolder[] {
  const kept = holders.find((h) => h.secretSealed !== secretSealed && (h.retiresAt === null || h.retiresAt.getTime() > at.getTime()));
  return [{ secretSealed, shownTo, retiresAt: null }, ...(kept ? [kept] : [])];
}
