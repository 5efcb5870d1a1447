import { createHash } from 'node:crypto';
import type { Center } from '../../../src/core/centers';
import type { Store } from '../store/port';
import catalog from './centers.json';

export const CATALOG: readonly Center[] = catalog as Center[];

const VERSION_KEY = 'catalog.version';
const catalogVersion = createHash('sha256').update(JSON.stringify(CATALOG)).digest('hex').slice(0, 16);

/**
 * Loads the center catalog into the store once per catalog version: a second start, or a second
 * container, finds the version recorded and does nothing. Centers' `live` flags are never reset.
 */
export async function ensureCatalog(store: Store): Promise<{ loaded: boolean; version: string }> {
  if ((await store.meta.get(VERSION_KEY)) === catalogVersion) return { loaded: false, version: catalogVersion };
  await store.centers.upsertCatalog(CATALOG);
  await store.meta.set(VERSION_KEY, catalogVersion);
  return { loaded: true, version: catalogVersion };
}
