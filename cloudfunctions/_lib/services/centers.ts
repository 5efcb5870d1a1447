import { coveringDomain, domainOf, type CenterWithDomains } from '../../../src/core/business-domains';
import { searchCenters } from '../../../src/core/center-search';
import { toSummary, type Center, type CenterSummary, type StoredCenter } from '../../../src/core/centers';
import { AppError } from '../../../src/core/errors';
import type { ItemId } from '../../../src/core/items';
import { counterRoute, resolveJump, type JumpTarget } from '../../../src/core/jump';
import { configuredDomains } from '../centers/business-domains';
import type { Store } from '../store/port';

/** The catalog changes rarely; search runs on every keystroke, so it reads a copy at most this old. */
export const CATALOG_CACHE_MS = 60_000;
interface CatalogCopy {
  centers: Center[];
  byCode: Map<string, Center>;
}
/** The copy being read or read last, as a promise: calls that miss together share one read of the catalog. */
const cache = new WeakMap<Store, { at: number; copy: Promise<CatalogCopy> }>();

function cachedCatalog(store: Store, now: Date): Promise<CatalogCopy> {
  const hit = cache.get(store);
  if (hit && now.getTime() - hit.at < CATALOG_CACHE_MS) return hit.copy;
  const copy = store.centers.list().then((centers) => ({ centers, byCode: new Map(centers.map((c) => [c.code, c])) }));
  const entry = { at: now.getTime(), copy };
  cache.set(store, entry);
  // a failed read is not kept: the next call reads again
  copy.catch(() => cache.get(store) === entry && cache.delete(store));
  return copy;
}

const allCenters = async (store: Store, now: Date): Promise<Center[]> => (await cachedCatalog(store, now)).centers;

/** A center by code from the cached catalog (names, phones, roles in applications), or undefined. */
export async function catalogCenter(store: Store, code: string, now: Date): Promise<Center | undefined> {
  return (await cachedCatalog(store, now)).byCode.get(code);
}

/** The centers of `codes` found in the cached catalog, by code (names for views; unknown codes left out). */
export async function centersByCode(ctx: { store: Store; now: Date }, codes: readonly string[]): Promise<Map<string, Center>> {
  // one read of the catalog however many codes (each code's own read would each miss an empty cache)
  const { byCode } = await cachedCatalog(ctx.store, ctx.now);
  return new Map([...new Set(codes)].flatMap((code) => {
    const center = byCode.get(code);
    return center ? [[code, center] as const] : [];
  }));
}

export async function findCenters(store: Store, query: string, now: Date): Promise<CenterSummary[]> {
  return searchCenters(await allCenters(store, now), query).map(toSummary);
}

export async function listCenters(store: Store, now: Date): Promise<CenterSummary[]> {
  return (await allCenters(store, now)).map(toSummary);
}

async function mustGet(store: Store, code: string): Promise<StoredCenter> {
  const center = await store.centers.get(code);
  if (!center) throw new AppError('CENTER_NOT_FOUND', `未找到代码为 ${code} 的住房公积金管理中心`);
  return center;
}

/** One center with its links, and which of their domains are business domains (the app resolves its jumps with them). */
export async function getCenter(store: Store, code: string, now: Date): Promise<CenterWithDomains> {
  const center = await mustGet(store, code);
  const [links, configured] = await Promise.all([store.links.listForCenter(code), configuredDomains(store, now)]);
  const domains = links.flatMap((l) => {
    const covering = l.kind === 'web' ? coveringDomain(domainOf(l.url) ?? '', configured) : undefined;
    return covering === undefined ? [] : [covering];
  });
  return { ...center, links, businessDomains: [...new Set(domains)].sort() };
}

export interface JumpAnswer {
  target: JumpTarget;
  center: CenterSummary;
  /** Always given (with the service hall's address when known), so a failed jump still leaves a way forward. */
  counter: string;
}

/** Resolves where the employee goes for an item and records the attempt (center, item, time, outcome). */
export async function jumpToItem(store: Store, code: string, item: ItemId, now: Date): Promise<JumpAnswer> {
  const center = await mustGet(store, code);
  const [links, configured] = await Promise.all([store.links.listForCenter(code), configuredDomains(store, now)]);
  const target = resolveJump(center, links, item, configured);
  await store.jumps.record({ centerCode: code, item, outcome: target.kind, at: now });
  return { target, center: toSummary(center), counter: counterRoute(center) };
}
