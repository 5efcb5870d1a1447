import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { Caller, FunctionContext } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';

/** A fresh in-memory embedded store with the center catalog loaded. */
export async function catalogStore(): Promise<Store> {
  const store = await openPgliteStore(undefined);
  await ensureCatalog(store);
  return store;
}

/** What the runtime hands a function: the store, a silent logger, a clock, and the caller if any. */
export function contextFor(store: Store, caller?: Caller, now: Date = new Date('2026-11-20T10:00:00+08:00')): FunctionContext {
  return { store, caller, log: createLogger({ level: 'silent' }), now: () => now };
}
