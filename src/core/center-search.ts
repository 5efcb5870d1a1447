import type { Center } from './centers';

type Searchable = Pick<Center, 'code' | 'name' | 'city' | 'province' | 'pinyin' | 'initials' | 'provincePinyin' | 'provinceInitials'>;

export const SEARCH_RESULT_LIMIT = 50;

/** Lower case, no spaces or apostrophes (yang'zhou, "Yang Zhou" -> yangzhou). */
export function normalizeQuery(query: string): string {
  return query.toLowerCase().replace(/[\s'’·]/g, '');
}

/**
 * Rank of one center for a normalized query, lower is better; undefined when it does not match.
 * City matches come before province matches so that "yz" finds 扬州 before every 云南 center.
 */
function rank(center: Searchable, q: string): number | undefined {
  const cityStem = center.city.replace(/市$/, '');
  if (center.city === q || cityStem === q || center.name === q) return 0;
  if (center.city.startsWith(q)) return 1;
  if (center.pinyin.startsWith(q) || center.initials.startsWith(q)) return 2;
  if (center.name.includes(q)) return 3;
  if (center.province.startsWith(q) || center.provincePinyin.startsWith(q) || center.provinceInitials === q) return 4;
  return undefined;
}

/** Search by Chinese name, full pinyin or initials; best matches first, then by code. */
export function searchCenters<T extends Searchable>(centers: readonly T[], query: string, limit = SEARCH_RESULT_LIMIT): T[] {
  const q = normalizeQuery(query);
  if (q === '') return [];
  const hits: { center: T; rank: number }[] = [];
  for (const center of centers) {
    const r = rank(center, q);
    if (r !== undefined) hits.push({ center, rank: r });
  }
  hits.sort((a, b) => a.rank - b.rank || a.center.code.localeCompare(b.center.code));
  return hits.slice(0, limit).map((h) => h.center);
}
