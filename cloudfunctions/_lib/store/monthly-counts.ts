import type { FullOnlineItem } from '../../../src/core/supervision';
import type { MonthlyCounts } from './port';

/**
 * The monthly counts as both adapters get them from the database: one group per source (jumps per center and
 * item; applications per center taking part, type and service item; payments per deposit center), folded here
 * into one record per center.
 */

export type CountKind = 'jump' | 'service-request' | 'purchase-withdrawal' | 'certificate-loan-cleared' | 'paid';

/** One group the database answered: what, for which center and item (0: none), how many, and fen paid as the deposit center ('paid': only those). */
export interface CountGroup {
  centerCode: string;
  kind: CountKind;
  item: number;
  n: number;
  fen: number;
}

/** A center's counts with nothing counted (a center the database found nothing for). */
export const emptyCounts = (centerCode: string): MonthlyCounts => ({
  centerCode,
  jumps: { '4': 0, '5': 0, '6': 0 },
  inApp: { '4': 0, '5': 0, '6': 0 },
  joint: 0,
  paidFen: 0,
  certificates: 0,
});

const itemKey = (item: number): `${FullOnlineItem}` | undefined => (item === 4 ? '4' : item === 5 ? '5' : item === 6 ? '6' : undefined);

/** Folds the groups of one source each into one record per center (the SQL and CloudBase adapters both answer these). */
export function foldCounts(rows: readonly CountGroup[]): MonthlyCounts[] {
  const byCenter = new Map<string, MonthlyCounts>();
  for (const r of rows) {
    const counts = byCenter.get(r.centerCode) ?? emptyCounts(r.centerCode);
    byCenter.set(r.centerCode, counts);
    const key = itemKey(r.item);
    if (r.kind === 'jump' && key) counts.jumps[key] += r.n;
    else if (r.kind === 'service-request' && key) counts.inApp[key] += r.n;
    else if (r.kind === 'purchase-withdrawal') counts.joint += r.n;
    else if (r.kind === 'certificate-loan-cleared') counts.certificates += r.n;
    // fen paid come with the purchase withdrawals' groups (SQL) or in groups of their own ('paid', CloudBase)
    counts.paidFen += r.fen;
  }
  return [...byCenter.values()].sort((a, b) => (a.centerCode < b.centerCode ? -1 : a.centerCode > b.centerCode ? 1 : 0));
}
