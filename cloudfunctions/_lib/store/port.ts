import type { Center, CenterLink } from '../../../src/core/centers';
import type { DocType } from '../../../src/core/identity';
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

/**
 * A person's verified identity, bound to one openid. Personal fields are sealed
 * (_lib/crypto/personal-data.ts); `docLookup` is the keyed hash used to find the holder of a document.
 */
export interface IdentityRecord {
  openid: string;
  method: 'face' | 'counter';
  docType: DocType;
  nameSealed: string;
  docNumberSealed: string;
  docLookup: string;
  phoneSealed: string | null;
  verifiedAt: Date;
  expiresAt: Date;
}

export interface IdentityRepository {
  get(openid: string): Promise<IdentityRecord | undefined>;
  /** The openid whose identity holds this document now, if any. */
  holderOf(docLookup: string): Promise<string | undefined>;
  /**
   * Makes `record` the identity of its openid, in one step ending any binding of the same document to
   * another openid; answers which openid lost it.
   */
  bind(record: IdentityRecord): Promise<{ endedOpenid: string | undefined }>;
  setPhone(openid: string, phoneSealed: string): Promise<void>;
}

/** One face verification in flight: what was sent to WeChat, to be checked again at confirmation. */
export interface VerificationSession {
  verifyId: string;
  outSeqNo: string;
  openid: string;
  certHash: string;
  docType: DocType;
  nameSealed: string;
  docNumberSealed: string;
  docLookup: string;
  createdAt: Date;
  status: 'pending' | 'verified' | 'failed';
}

export interface VerificationRepository {
  create(session: VerificationSession): Promise<void>;
  get(verifyId: string): Promise<VerificationSession | undefined>;
  /** Moves a pending session to its outcome; false when it was already settled (a replay). */
  settle(verifyId: string, status: 'verified' | 'failed'): Promise<boolean>;
}

/**
 * A request to verify at a center's window instead of by face: the person shows `code` at the counter,
 * staff compare the document and confirm. Personal fields sealed as in IdentityRecord.
 */
export interface CounterRequest {
  code: string;
  openid: string;
  docType: DocType;
  nameSealed: string;
  docNumberSealed: string;
  docLookup: string;
  createdAt: Date;
  expiresAt: Date;
  status: 'pending' | 'confirmed';
  /** The staff member and center that confirmed it. */
  confirmedBy: string | null;
  centerCode: string | null;
}

export interface CounterRequestRepository {
  create(request: CounterRequest): Promise<void>;
  get(code: string): Promise<CounterRequest | undefined>;
  /** Marks a pending request confirmed; false when it was not pending (confirmed already). */
  confirm(code: string, confirmedBy: string, centerCode: string): Promise<boolean>;
}

export interface AttemptRepository {
  /** `subject` names who failed: "openid:<openid>" or "doc:<docLookup>". */
  recordFailure(subject: string, at: Date): Promise<void>;
  failuresSince(subject: string, since: Date): Promise<number>;
}

export interface ConsentRecord {
  openid: string;
  version: string;
  at: Date;
}

export interface ConsentRepository {
  record(consent: ConsentRecord): Promise<void>;
  latest(openid: string): Promise<ConsentRecord | undefined>;
}

/** Who did what to whom; never personal data in clear. */
export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  subject: string;
  detail: string;
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>;
  /** Entries about a subject, oldest first. */
  listFor(subject: string): Promise<AuditEntry[]>;
}

export type StoreKind = 'pglite' | 'postgres' | 'cloudbase';

export interface Store {
  readonly kind: StoreKind;
  readonly centers: CenterRepository;
  readonly links: LinkRepository;
  readonly jumps: JumpRepository;
  readonly roles: RoleRepository;
  readonly meta: MetaRepository;
  readonly identities: IdentityRepository;
  readonly verifications: VerificationRepository;
  readonly counterRequests: CounterRequestRepository;
  readonly attempts: AttemptRepository;
  readonly consents: ConsentRepository;
  readonly audit: AuditRepository;
  close(): Promise<void>;
}
