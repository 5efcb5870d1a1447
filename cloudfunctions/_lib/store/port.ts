import type { Center, CenterLink } from '../../../src/core/centers';
import type { ItemId } from '../../../src/core/items';
import type { JumpTarget } from '../../../src/core/jump';
import type { RoleGrant } from '../../../src/core/roles';

/**
 * The storage port: one repository per aggregate. Adapters: sql/ (PGlite or PostgreSQL) and
 * cloudbase/ (CloudBase document database). test/store/contract.test.ts runs against each.
 */
export interface CenterRepository {
  /** Inserts new centers and refreshes the catalog fields of known ones; never touches `live` of a known center. */
  upsertCatalog(centers: readonly Center[]): Promise<void>;
  get(code: string): Promise<Center | undefined>;
  /** Every center, ordered by code. */
  list(): Promise<Center[]>;
  setLive(code: string, live: boolean): Promise<void>;
}

export interface LinkRepository {
  /** The center's current link per item, ordered by item. */
  listForCenter(centerCode: string): Promise<CenterLink[]>;
  /** Sets the current link of (center, item), replacing the one before. */
  put(centerCode: string, link: CenterLink): Promise<void>;
}

export interface JumpRecord {
  centerCode: string;
  item: ItemId;
  /** What the employee was sent to, or why not. */
  outcome: JumpTarget['kind'];
  at: Date;
}

export interface JumpCountFilter {
  centerCode?: string;
  item?: ItemId;
  /** Inclusive lower bound. */
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
}

export interface JumpRepository {
  record(jump: JumpRecord): Promise<void>;
  count(filter: JumpCountFilter): Promise<number>;
}

export interface RoleRepository {
  rolesOf(openid: string): Promise<RoleGrant[]>;
  grant(openid: string, grant: RoleGrant): Promise<void>;
}

export interface MetaRepository {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export type StoreKind = 'pglite' | 'postgres' | 'cloudbase';

export interface Store {
  readonly kind: StoreKind;
  readonly centers: CenterRepository;
  readonly links: LinkRepository;
  readonly jumps: JumpRepository;
  readonly roles: RoleRepository;
  readonly meta: MetaRepository;
  close(): Promise<void>;
}
