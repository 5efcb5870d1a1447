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
