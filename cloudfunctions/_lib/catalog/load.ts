import { createHash } from 'node:crypto';
import type { Center } from '../../../src/core/centers';
import type { Store } from '../store/port';

const VERSION_KEY = 'catalog.version';

let read: Promise<{ catalog: readonly Center[]; version: string }> | undefined;

/** The catalog and its version, read on first use rather than when a function loads (100 KB to build and hash). */
const catalogOnce = () =>
  (read ??= import('./catalog').then(({ catalogCenters }) => {
    const catalog = catalogCenters();
    return { catalog, version: createHash('sha256').update(JSON.stringify(catalog)).digest('hex').slice(0, 16) };
  }));

/**
 * Loads the center catalog into the store once per catalog version: a second start, or a second
 * container, finds the version recorded and does nothing. Centers' `live` flags are never reset.
 */
export async function ensureCatalog(store: Store): Promise<{ loaded: boolean; version: string }> {
  const { catalog, version } = await catalogOnce();
  if ((await store.meta.get(VERSION_KEY)) === version) return { loaded: false, version };
  await store.centers.upsertCatalog(catalog);
  await store.meta.set(VERSION_KEY, version);
  return { loaded: true, version };
}
