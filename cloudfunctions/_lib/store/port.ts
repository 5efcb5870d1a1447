import type { ApplicationState } from '../../../src/core/applications/state-machine';
import type { FixScore, FollowUpStatus } from '../../../src/core/applications/follow-up-clock';
import type { ApplicationStatus, ApplicationType, CenterRole } from '../../../src/core/applications/status';
import type { BusinessDomainState, VerificationFile } from '../../../src/core/business-domains';
import type { CalendarHoliday, CalendarNotice } from '../../../src/core/calendar';
import type { ChangeStatus, ChangeTarget, ConformanceCheck, ConformanceReport, PreviousValue, ReceivedCallback } from '../../../src/core/center-portal';
import type { Payment } from '../../../src/core/money';
import type { Center, CenterCounter, CenterLink, StoredCenter } from '../../../src/core/centers';
import type { DocType } from '../../../src/core/identity';
import type { ItemId } from '../../../src/core/items';
import type { JumpTarget } from '../../../src/core/jump';
import type { Role, RoleGrant } from '../../../src/core/roles';
import type { FullOnlineItem, MonthlyFigures, MonthlyRow, MonthlyTotals, RecommendationKind } from '../../../src/core/supervision';
import type { CatalogField, CheckKind, FindingEvent, FindingOwner, FindingStatus, LinkObservation } from '../../../src/core/trial';

/**
 * The storage port: one repository per aggregate. Adapters: sql/ (PGlite or PostgreSQL) and
 * cloudbase/ (CloudBase document database). test/store/contract.test.ts runs against each.
 */
export interface CenterRepository {
  /**
   * Inserts new centers (with no service hall) and refreshes the catalog fields of known ones; never touches
   * `live` or `counter` of a known center. A name or phone with an approved catalog fix (CatalogFixRepository)
   * keeps its corrected value.
   */
  upsertCatalog(centers: readonly Center[]): Promise<void>;
  get(code: string): Promise<StoredCenter | undefined>;
  /** Every center, ordered by code. */
  list(): Promise<StoredCenter[]>;
  setLive(code: string, live: boolean): Promise<void>;
  /** Records the center's service hall, replacing the one before; an unknown code changes nothing. */
  setCounter(code: string, counter: CenterCounter): Promise<void>;
}

export interface LinkRepository {
  /** The center's current link per item, ordered by item. */
  listForCenter(centerCode: string): Promise<CenterLink[]>;
  /** Sets the current link of (center, item), replacing the one before. */
  put(centerCode: string, link: CenterLink): Promise<void>;
  /** Every center's links, by center then item (the daily health check). */
  listAll(): Promise<{ centerCode: string; link: CenterLink }[]>;
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

/** One role of one person with its history: who granted it when, and whether (and by whom) it was revoked. */
export interface RoleRecord {
  openid: string;
  grant: RoleGrant;
  /** How the person is shown to others who may not see openids (staff); null: by their role. */
  displayName: string | null;
  grantedAt: Date;
  grantedBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
}

/** Who granted a role, when, and (optionally) the person's display name. */
export interface GrantBy {
  at: Date;
  by: string;
  displayName?: string;
}

export type GrantOutcome =
  | { kind: 'granted' }
  /** Held and not revoked already: nothing changes (a display name given replaces the one before). */
  | { kind: 'held' }
  /** The person is staff of another center now: one person, one center. */
  | { kind: 'staff-elsewhere'; centerCode: string };

export interface RoleRepository {
  /** The person's roles in force (never revoked ones), by role then center: read on every invocation. */
  rolesOf(openid: string): Promise<RoleGrant[]>;
  /** Grants a role, or grants a revoked one again (clearing its revocation); `by` defaults to now and "system". */
  grant(openid: string, grant: RoleGrant, by?: GrantBy): Promise<GrantOutcome>;
  /**
   * Grants a role only if the person never held it (the local host's roles from its environment): a role
   * revoked since stays revoked. Answers whether it was written.
   */
  seed(openid: string, grant: RoleGrant, at: Date, by: string): Promise<boolean>;
  /** Revokes a role in force, in one step; false when the person does not hold it (never, or revoked already). */
  revoke(openid: string, grant: RoleGrant, at: Date, by: string): Promise<boolean>;
  /** Every role ever granted, revoked ones included, by openid then role then center. */
  list(): Promise<RoleRecord[]>;
  /** One person's roles ever granted, revoked ones included. */
  recordsOf(openid: string): Promise<RoleRecord[]>;
  /** The roles ever granted to any of `openids`, revoked ones included, in one read, by openid then role then center. */
  recordsOfMany(openids: readonly string[]): Promise<RoleRecord[]>;
}

export interface MetaRepository {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /**
   * In one step: sets `key` to `next` when it holds `expected` (absent when undefined); false, changing nothing, when
   * it holds anything else (another writer came first: read it again and retry).
   */
  compareAndSet(key: string, expected: string | undefined, next: string): Promise<boolean>;
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

/**
 * One face verification in flight: what was sent to WeChat, to be checked again at confirmation. It lives
 * until it is used (verified or failed) or an hour has passed; no hash of the name or number is kept (WeChat's
 * cert_hash is computed again from the sealed fields when confirming).
 */
export interface VerificationSession {
  verifyId: string;
  outSeqNo: string;
  openid: string;
  docType: DocType;
  nameSealed: string;
  docNumberSealed: string;
  docLookup: string;
  createdAt: Date;
}

export interface VerificationRepository {
  create(session: VerificationSession): Promise<void>;
  get(verifyId: string): Promise<VerificationSession | undefined>;
  /** Deletes a session once used; false when it was gone already (a replay, or a concurrent confirmation won). */
  remove(verifyId: string): Promise<boolean>;
  /** Deletes every session created before `cutoff` (the hourly life of a verify_id); answers how many. */
  removeOlderThan(cutoff: Date): Promise<number>;
}

/**
 * A request to verify at a center's window instead of by face: the person shows `code` at the counter,
 * staff compare the document and confirm. Personal fields sealed as in IdentityRecord. A confirmation that
 * moves the document from another openid takes two staff members of one center: the first leaves it
 * 'awaiting-second', a second one confirms it.
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
  status: 'pending' | 'awaiting-second' | 'confirmed';
  /** The staff member and center that confirmed it (first, when two were needed). */
  confirmedBy: string | null;
  centerCode: string | null;
  /**
   * The identity lookup key of the first confirmer's own identity (docLookup), so the same person on a second
   * staff account cannot give the second confirmation; null when pending or confirmed before it was kept.
   */
  confirmedByLookup: string | null;
  /** The second staff member, when two were needed. */
  secondConfirmedBy: string | null;
}

export interface CounterRequestRepository {
  create(request: CounterRequest): Promise<void>;
  get(code: string): Promise<CounterRequest | undefined>;
  /**
   * Marks a pending request `next` ('confirmed', or 'awaiting-second' when a second staff member must confirm),
   * by `confirmedBy` of `centerCode` whose own identity has the lookup key `confirmerLookup`; false when it was not pending.
   */
  confirm(code: string, confirmedBy: string, centerCode: string, next?: 'confirmed' | 'awaiting-second', confirmerLookup?: string | null): Promise<boolean>;
  /**
   * Confirms a request awaiting a second staff member, by someone other than the first: another openid and, when
   * both are known, another identity lookup key (`secondLookup`); false otherwise.
   */
  confirmSecond(code: string, secondBy: string, secondLookup?: string | null): Promise<boolean>;
  /**
   * Takes back a first confirmation whose staff member no longer holds the role: a request awaiting a second
   * staff member and first confirmed by `firstBy` becomes pending again (no confirmer, no center, no key); false otherwise.
   */
  reopen(code: string, firstBy: string): Promise<boolean>;
}

export interface AttemptRepository {
  /**
   * `subject` names who tried or failed: "try:…"/"ok:…" of identity checks (services/identity.ts takeTries: face per
   * openid, per (docLookup, openid) and per docLookup; counter mismatches per staff and per request), "invite:<openid>",
   * "copy:openid:<openid>" (services/privacy.ts: copies of one's data a day), "file-refusals:<application>:<attachment>:
   * <center>" (services/attachment-downloads.ts: refusals of one link's center kept an hour).
   * `openid` is whose attempt it was (null for someone not signed in): when they unbind or are deleted, the privacy
   * repository removes those naming them (rows/privacy.ts) and clears it on the others, which protect someone else
   * and keep counting.
   */
  recordFailure(subject: string, at: Date, openid: string | null): Promise<void>;
  failuresSince(subject: string, since: Date): Promise<number>;
  /**
   * Checks and records in one step: records an attempt at `at` and answers true while fewer than `limit` are
   * recorded for `subject` since `since`, else records nothing and answers false. Concurrent calls (several
   * connections or function instances) never let more than `limit` through. `since` should be a fixed window
   * start (a China day's start), the same for every call in that window.
   */
  recordIfUnder(subject: string, since: Date, limit: number, at: Date, openid: string | null): Promise<boolean>;
  /** Removes the attempts made before `cutoff` (and windows that started before it); answers how many attempts went. */
  removeOlderThan(cutoff: Date): Promise<number>;
}

export interface ConsentRecord {
  openid: string;
  version: string;
  at: Date;
}

export interface ConsentRepository {
  record(consent: ConsentRecord): Promise<void>;
  latest(openid: string): Promise<ConsentRecord | undefined>;
  /** Every consent the person recorded, oldest first (the copy of their data). */
  listOf(openid: string): Promise<ConsentRecord[]>;
}

/** Who did what to whom; never personal data in clear. */
export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  subject: string;
  detail: string;
}

/**
 * A request to delete an account (注销账号, PIPL art. 47): carried out by the daily run once `dueAt` has passed (the
 * 30 days the consent names), unless the person cancels it before. `id` is random: the audit names it, never the openid.
 */
export interface AccountDeletion {
  id: string;
  openid: string;
  requestedAt: Date;
  dueAt: Date;
  /**
   * CloudBase only: the request was carried out by the run of this time and is kept, no longer the person's pending
   * request (deletionOf no longer answers it), until a later run finds no case a submission could have stored on the
   * openid after the run listed them (PrivacyRepository.erase, closeErasure). SQL removes the request as it erases.
   */
  erasedAt?: Date;
}

/** What an erasure removed or detached, counted for the audit (numbers only). */
export interface ErasedCounts {
  identities: number;
  verifications: number;
  counterRequests: number;
  /** The person's own recorded attempts removed (identity checks, invite codes, code reads): those naming their openid or their own ID's lookup. */
  attempts: number;
  consents: number;
  roles: number;
  /** Applications kept for the centers, no longer linked to the account (`openid` replaced by the tombstone). */
  applicationsDetached: number;
  ratingComments: number;
}

/**
 * What became of a deletion the daily run carried out: erased (and audited in the same step), cancelled (the request
 * no longer there: nothing erased), or waiting (a case of the person in progress, or one the run did not seal again:
 * nothing erased, the request kept for the next run).
 */
export type Erasure = { outcome: 'erased'; counts: ErasedCounts } | { outcome: 'cancelled' } | { outcome: 'waiting' };

/** What asking to cancel a deletion did (PrivacyRepository.cancelDeletion). */
export type DeletionCancel = 'cancelled' | 'none' | 'erasing';

export interface PrivacyRepository {
  /** Records a deletion request; answers the one already recorded for this openid if any (a second request changes nothing). */
  requestDeletion(deletion: AccountDeletion): Promise<AccountDeletion>;
  /** The openid's pending request (never one kept after its erasure). */
  deletionOf(openid: string): Promise<AccountDeletion | undefined>;
  /**
   * Cancels the openid's pending deletion: 'none' when there was none, 'erasing' (nothing changed) once the daily run
   * has begun carrying it out (CloudBase marks the request first; SQL's cancel waits for the run's transaction instead,
   * then finds the request gone, or there still when the run erased nothing).
   */
  cancelDeletion(openid: string): Promise<DeletionCancel>;
  /**
   * Whether the daily run has begun carrying out the openid's deletion, so that a cancel now answers 'erasing'
   * (CloudBase's mark). Never in SQL: its erasure is one transaction, which a cancel waits for.
   */
  erasing(openid: string): Promise<boolean>;
  /** Deletion requests due at `now` (dueAt <= now), oldest first; on CloudBase also those kept after their erasure (`erasedAt`). */
  dueDeletions(now: Date): Promise<AccountDeletion[]>;
  /**
   * 解除绑定: removes the openid's verified identity (sealed name, number, phone and the ID's lookup), its verification
   * sessions and counter requests, and revokes its certificate codes (at `at`); with an identity to remove, also the
   * openid's own attempts (AttemptRepository: never for someone unbound, whose limits would start afresh). Answers whether
   * anything was removed, so an unbinding cut off half way is finished by asking again.
   */
  unbind(openid: string, at: Date): Promise<boolean>;
  /**
   * Carries a deletion out, checking again as it writes: the request still there (else cancelled), and the person's
   * applications exactly those in `resealed`, none in flight (else waiting). Then unbinds, removes the person's
   * attempts, consents and role records, replaces the openid of the applications, their events and ratings by
   * `tombstone` (the cases stay for the centers), each application's applicant copy by its copy sealed again for the
   * tombstone (`resealed`, by application id), clears ratings' comments, revokes the person's certificate codes (at
   * `at`) and gives them the tombstone, appends the audit entry `audited` makes of the counts, and removes the
   * request, all in one transaction where the store has them (a case that came in meanwhile undoes it all: waiting).
   * SQL locks the person's identity row before it lists the cases: a person's case being created holds it (create), so
   * it is waited for and found, and one created after finds no identity and is refused.
   * Where it has not (CloudBase), the request is first marked as being erased (a cancel is then refused), the audit
   * comes before the request goes, and only this request is removed (checked by id), so a run cut off is finished by
   * the next one; a case that came in meanwhile stays the person's and keeps the request for the next run. Each run
   * that removed or detached something appends its own entry with what it did (counted as written: two runs at once
   * count nothing twice), and the request's first run always one, so a run that finds nothing left adds none.
   * CloudBase cannot refuse a case whose submission read the identity before the run removed it: the request is not
   * removed but kept as erased (`erasedAt` = `at`), and for a kept request `erase` only detaches the cases in
   * `resealed` (waiting while one is in flight) with their ratings, as the first run did, touching nothing else of the
   * openid (its person may have come back as someone new).
   */
  erase(deletion: AccountDeletion, tombstone: string, resealed: readonly ResealedApplicant[], at: Date, audited: (counts: ErasedCounts) => AuditEntry): Promise<Erasure>;
  /** Removes a request kept after its erasure (`erasedAt`), once a later run found no case left to detach. */
  closeErasure(deletion: AccountDeletion): Promise<void>;
}

/**
 * A center's staff confirming a held purchase withdrawal (issue 17): its contract was used before by another
 * person's withdrawal that may pay (a co-buyer's), so the deposit-locale center pays it only once staff have recorded
 * 已核实 with a note of what they checked.
 */
export interface ContractCheck {
  applicationId: string;
  at: Date;
  staffOpenid: string;
  centerCode: string;
  note: string;
}

export interface ContractCheckRepository {
  /** Records the check; answers the one recorded before for the application if any (the first stands). */
  record(check: ContractCheck): Promise<ContractCheck>;
  get(applicationId: string): Promise<ContractCheck | undefined>;
}

/** An application's applicant copy sealed again for the tombstone that replaces the openid (the sealing binds the owner). */
export interface ResealedApplicant {
  applicationId: string;
  nameSealed: string;
  docNumberSealed: string;
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>;
  /** Entries about a subject, oldest first. */
  listFor(subject: string): Promise<AuditEntry[]>;
}

/**
 * An in-app application. The applicant is copied from their verified identity at submission (sealed as in
 * IdentityRecord); the payload is the type's form as JSON, sealed whole (it holds accounts and a phone).
 */
export interface ApplicationRecord extends ApplicationState {
  id: string;
  type: ApplicationType;
  openid: string;
  /** The client's idempotency key: one application per (openid, requestId). */
  requestId: string;
  /**
   * The center whose turn it is: it receives the delivery and answers. A purchase withdrawal is handed from
   * the purchase-locale to the deposit-locale center when the purchase is verified (Transition.handOver).
   */
  responsibleCenter: string;
  centers: { code: string; role: CenterRole }[];
  /** Unique among applications in flight (one per person per item and center); cleared when final. */
  inFlightKey: string | null;
  /** Given at creation from `letterPrefix` and that prefix's next sequence number. */
  letterNumber: string | null;
  applicant: { docType: DocType; nameSealed: string; docNumberSealed: string };
  payloadSealed: string;
  /** China date by which the responsible center must accept. */
  acceptBy: string;
  /**
   * Whether `acceptBy` is an estimate: computing it stepped into a year whose State Council arrangement was not
   * known (weekends only). Stored with the date (issue 12): shown as 预计 and sent to centers as it was computed.
   */
  acceptByProvisional: boolean;
  /** The completion target of a purchase withdrawal (PURCHASE_TARGET_WORKING_DAYS after submission); null for other types and rows from before migration 13. */
  targetBy: string | null;
  /** Whether `targetBy` is an estimate (as acceptByProvisional); false without a target. */
  targetProvisional: boolean;
  /** What the deposit-locale center paid (purchase withdrawals), set by the move that completes it. */
  payment: Payment | null;
  /**
   * The item (4-6) of a service request, kept in clear beside the sealed payload for the monthly figures (migration
   * 16); absent for other types and for service requests stored before it that were final by then.
   */
  serviceItem?: FullOnlineItem;
  /**
   * A purchase withdrawal's keyed lookup of its contract (migration 23): an HMAC of the purchase center's code and
   * the normalized contract number, so a second withdrawal of one contract by the same person is found; absent for
   * other types, test cases and rows stored before it.
   */
  contractLookup?: string;
  /**
   * A test case a tester sent the center in the internal trial (issue 15, migration 21): a synthetic applicant,
   * `test: true` in every delivery body, never counted in statistics, reports, dashboards or satisfaction.
   */
  test: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A test case with the time of the first event moving it to ACCEPTED_STATUSES (the center accepted it), or null. */
export interface TestCaseRecord {
  application: ApplicationRecord;
  acceptedAt: Date | null;
}

/** One line of an application's append-only log: who moved it, when, from which state to which, and why. */
export interface ApplicationEventRecord {
  applicationId: string;
  at: Date;
  actor: 'employee' | 'relay' | 'center' | 'staff' | 'platform';
  /** The employee's or staff member's openid, the center code, "relay", or what the platform did ("calendar"). */
  actorId: string;
  from: ApplicationStatus | null;
  to: ApplicationStatus;
  platformCode: ApplicationState['platformCode'];
  centerCode: string | null;
  message: string;
  /** Why the center set this status (a refusal's cause), when it said (migration 41). */
  reason?: string;
  /** Whom the person can call about this step, when the center gave one: a center's staff, kept in clear (migration 41). */
  contact?: { name: string; phone: string };
}

/** A result document a center sent; the bytes live in the file store under `storageKey`. */
export interface DocumentRecord {
  id: string;
  applicationId: string;
  centerCode: string;
  name: string;
  contentType: string;
  sha256: string;
  size: number;
  storageKey: string;
  at: Date;
}

export const OUTBOX_TYPES = ['application.submitted', 'application.withdrawn', 'application.copy', 'application.completed'] as const;
export type OutboxType = (typeof OUTBOX_TYPES)[number];

/** A delivery owed to a center. `id` is the webhook-id, the same on every retry. */
export interface OutboxRecord {
  id: string;
  applicationId: string;
  centerCode: string;
  type: OutboxType;
  createdAt: Date;
  dueAt: Date;
  attempts: number;
  state: 'pending' | 'delivered' | 'dead';
  lastError: string | null;
  deliveredAt: Date | null;
}

/** One try at a delivery, kept for the center and supervisors to see. */
export interface DeliveryAttempt {
  outboxId: string;
  at: Date;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
}

/** A move of an application, applied only if it is still in `expected`, with everything it brings, in one transaction. */
export interface Transition {
  id: string;
  /** The state to move from; with `responsibleCenter`, also only while that center still answers for it. */
  expected: ApplicationState & { responsibleCenter?: string };
  next: ApplicationState;
  event: ApplicationEventRecord;
  outbox?: OutboxRecord[];
  documents?: DocumentRecord[];
  /** The center the application passes to with this move (it becomes the responsible center). */
  handOver?: string;
  /** The payment this move records (only the completion of a purchase withdrawal carries one). */
  payment?: Payment;
  /** A center's webhook-id: recorded with the move so a repeated callback is known and changes nothing. */
  receipt?: { centerCode: string; webhookId: string };
}

export type TransitionOutcome = 'applied' | 'stale' | 'duplicate';

/** The outcome of one delivery attempt, as the relay settles it. */
export type Settlement =
  | { id: string; attempt: DeliveryAttempt; outcome: 'delivered'; advance?: Pick<Transition, 'id' | 'expected' | 'next' | 'event'> }
  | { id: string; attempt: DeliveryAttempt; outcome: 'failed'; retryAt: Date | null };

export type CreateOutcome = { kind: 'created'; letterNumber: string | null } | { kind: 'duplicate'; id: string } | { kind: 'in-flight'; id: string } | { kind: 'no-identity' };

export interface ApplicationRepository {
  /**
   * Stores a new application with its first events and outbox records in one transaction, giving it the
   * letter number `letterPrefix` + the prefix's next 4-digit sequence. A repeated (openid, requestId) answers
   * the existing id; a taken in-flight key answers the application holding it. Either way nothing is written.
   * SQL: a person's application (not `test`) holds the applicant's identity row until it commits, so an erasure
   * (PrivacyRepository.erase) either waits for it and finds the case, or comes first and the create, finding no
   * identity row, answers 'no-identity' and writes nothing. CloudBase does not check the identity here.
   */
  create(app: ApplicationRecord, events: ApplicationEventRecord[], outbox: OutboxRecord[], letterPrefix: string | null): Promise<CreateOutcome>;
  get(id: string): Promise<ApplicationRecord | undefined>;
  /** Several applications at once, in no particular order; unknown ids are left out. */
  getMany(ids: readonly string[]): Promise<ApplicationRecord[]>;
  /** The applicant's applications, newest first. */
  listByApplicant(openid: string): Promise<ApplicationRecord[]>;
  /** Every person's purchase withdrawals of one contract (ApplicationRecord.contractLookup), oldest first. */
  listByContract(contractLookup: string): Promise<ApplicationRecord[]>;
  /** Applications a center takes part in, newest first. */
  listForCenter(centerCode: string): Promise<ApplicationRecord[]>;
  /**
   * The test cases (`test`) any of these centers takes part in, newest first, each with when its responsible
   * center accepted it: the trial's test states in one batched read, however many centers.
   */
  testCases(centerCodes: readonly string[]): Promise<TestCaseRecord[]>;
  /** The log, oldest first. */
  events(id: string): Promise<ApplicationEventRecord[]>;
  documents(id: string): Promise<DocumentRecord[]>;
  /** Whether a center's webhook-id has been applied already. */
  hasReceipt(centerCode: string, webhookId: string): Promise<boolean>;
  transition(change: Transition): Promise<TransitionOutcome>;
  /** Applications not final yet (their time limits still run), oldest first. */
  listOpen(): Promise<ApplicationRecord[]>;
  /**
   * A time limit recomputed on the official calendar, in one transaction: sets the date and its provisional flag
   * of `limit` ('acceptBy': acceptBy + acceptByProvisional; 'target': targetBy + targetProvisional) and appends
   * `event` when given (a flag-only change writes no line). Only while both are still as `expected` (compare-and-set),
   * and for 'acceptBy' only while the application awaits acceptance (submitted or delivered), for 'target' only
   * while it is not final; else nothing is written and it answers false.
   */
  reschedule(id: string, change: RescheduleChange): Promise<boolean>;
}

/** A time limit's date and whether it is an estimate; `date` null only for a target never stored. */
export interface StoredLimit {
  date: string | null;
  provisional: boolean;
}

/** What ApplicationRepository.reschedule writes. */
export interface RescheduleChange {
  limit: 'acceptBy' | 'target';
  expected: StoredLimit;
  next: { date: string; provisional: boolean };
  event: ApplicationEventRecord | null;
}

export interface OutboxRepository {
  /**
   * Leases up to `limit` pending records due by `now` for `leaseMs`: two relays never send one record at
   * the same time, and a record whose relay died is claimed again once its lease runs out. Fewer than `limit`
   * (at most 1,000) means nothing more was due to this claimer, and the relay stops claiming on it: records another
   * relay holds are passed over. On CloudBase a lease whose write lost a race leaves room and the claim queries
   * again, up to three times; only after three queries that each lost can it come back short while more is due.
   */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxRecord[]>;
  /**
   * Records a relay run's attempts: a delivered record is settled, moving its application by `advance` in the
   * same transaction while the application is still in `advance.expected` (else the record settles alone);
   * a failed one is rescheduled to `retryAt`, or dead-lettered when that is null. A record no longer pending
   * (settled by another run that claimed it after this one's lease ran out) keeps the state it has.
   */
  settle(results: readonly Settlement[]): Promise<void>;
  get(id: string): Promise<OutboxRecord | undefined>;
  listForApplication(applicationId: string): Promise<OutboxRecord[]>;
  /** Dead letters, oldest first, for supervisors and centers. */
  listDead(): Promise<OutboxRecord[]>;
  attempts(outboxId: string): Promise<DeliveryAttempt[]>;
}

/** A person's rating of a finished case (好差评); a low one opens a follow-up for the responsible center. */
export interface RatingRecord {
  applicationId: string;
  openid: string;
  centerCode: string;
  score: 1 | 2 | 3 | 4 | 5;
  comment: string | null;
  at: Date;
  /** open (待回访), closed (called back: 已回访, 整改中), fixed (已整改); null for a rating above a 差评. */
  followUp: FollowUpStatus | null;
  followUpNote: string | null;
  followUpBy: string | null;
  followUpAt: Date | null;
  /** What the center put right (整改完成), by whom and when; null until fixed. */
  fixNote: string | null;
  fixedBy: string | null;
  fixedAt: Date | null;
  /** The person's rating of the fix, once, after it is fixed. */
  fixScore: FixScore | null;
  fixRatedAt: Date | null;
}

/** How satisfied people were with a center: how many ratings of each score. */
export interface Satisfaction {
  centerCode: string;
  count: number;
  byScore: Record<1 | 2 | 3 | 4 | 5, number>;
}

export interface RatingRepository {
  /** Stores a rating; false (and nothing written) when the application was rated already. */
  create(rating: RatingRecord): Promise<boolean>;
  get(applicationId: string): Promise<RatingRecord | undefined>;
  /** The center's ratings that opened a follow-up, open ones first, newest first within each. */
  listFollowUps(centerCode: string): Promise<RatingRecord[]>;
  /** Closes an open follow-up with what the center did; false when it was not open. */
  closeFollowUp(applicationId: string, note: string, by: string, at: Date): Promise<boolean>;
  /** Records a called-back (closed) follow-up as fixed with what the center did; false when it was not closed. */
  fixFollowUp(applicationId: string, note: string, by: string, at: Date): Promise<boolean>;
  /** Records the person's rating of a fixed follow-up's fix; false when it is not fixed or was rated already. */
  rateFix(applicationId: string, score: FixScore, at: Date): Promise<boolean>;
  /** Ratings per score for each center rated at least once, by center code. */
  satisfaction(): Promise<Satisfaction[]>;
}

/** Where a center takes its deliveries: an API endpoint with its signing secret (sealed), or its workbench. */
export interface CenterEndpoint {
  centerCode: string;
  mode: 'api' | 'manual';
  url: string | null;
  /** whsec_... secrets, sealed; the first signs, all are accepted on callbacks (rotation). */
  secretsSealed: string[];
  updatedAt: Date;
}

export interface EndpointRepository {
  get(centerCode: string): Promise<CenterEndpoint | undefined>;
  /** Stores the endpoint; with `shownTo`, records that person as who was shown every one of its secrets (a supervisor setting one). */
  put(endpoint: CenterEndpoint, shownTo?: string): Promise<void>;
  /** Every center's endpoint, by center (the daily health check). */
  list(): Promise<CenterEndpoint[]>;
  /**
   * Puts a new signing secret first and keeps the newest of the others that still serves at `at`, dropping the
   * rest (two are valid during a rotation; a retired one is never kept over a serving one), in one step; a center without an endpoint gets a manual one holding the secret.
   * Answers how many secrets are valid now. Records that the secret was shown (in clear, once) to `shownTo`.
   */
  rotateSecret(centerCode: string, secretSealed: string, at: Date, shownTo: string): Promise<number>;
  /** Who was shown each secret of the center's current set and when it retires: one entry per secret, in the set's order. */
  secretHolders(centerCode: string): Promise<SecretHolder[]>;
  /**
   * Retires, from `retiresAt`, those of `secretsSealed` still in the center's set and not retiring already (an
   * earlier date stays), in one step; answers how many now retire.
   */
  retireSecrets(centerCode: string, secretsSealed: readonly string[], retiresAt: Date): Promise<number>;
}

/** Who was shown one of a center's signing secrets (in clear, once, when it was issued) and when it retires. */
export interface SecretHolder {
  /** The secret, sealed, as in CenterEndpoint.secretsSealed. */
  secretSealed: string;
  /** The staff member it was shown to; null for a secret issued before viewers were recorded. */
  shownTo: string | null;
  /** From when it neither signs deliveries nor verifies callbacks (someone who saw it lost their role); null while it serves. */
  retiresAt: Date | null;
}

/** An invite that makes its first user staff of a center (single use, until it expires). */
export interface StaffInvite {
  code: string;
  centerCode: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  usedBy: string | null;
  usedAt: Date | null;
}

export type RedeemOutcome =
  | { kind: 'joined'; centerCode: string }
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'used' }
  /** The person is staff of a center already (this one or another): one person, one center; the invite stays unused. */
  | { kind: 'already-staff'; centerCode: string };

export interface StaffInviteRepository {
  /** Stores a new invite; a code already there is refused (throws) and the first one stays. */
  create(invite: StaffInvite): Promise<void>;
  /**
   * In one step: refuses an unknown, expired or used invite, or a person who is staff already; else marks
   * the invite used by `openid` and grants them the center-staff role of its center. Of two concurrent
   * redemptions of one invite, or of two invites by one person, one wins.
   */
  redeem(code: string, openid: string, at: Date): Promise<RedeemOutcome>;
  /**
   * Cancels every invite `createdBy` made that is still open (unused, unexpired at `at`): each expires at `at`,
   * so redeeming it is refused as expired. Answers the invites cancelled, as they were.
   */
  cancelOpenBy(createdBy: string, at: Date): Promise<StaffInvite[]>;
}

/** An invite for testers of a province (issue 15, migration 19): up to `uses` people join with its code until it expires or is revoked. */
export interface TrialInvite {
  id: string;
  code: string;
  province: string;
  uses: number;
  used: number;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export type TrialRedeemOutcome =
  | { kind: 'joined'; province: string }
  /** The person is a tester of the invite's province already: nothing changed, no use counted. */
  | { kind: 'already'; province: string }
  /** The person's tester role of that province was revoked: an invite does not grant it again (a supervisor may). */
  | { kind: 'revoked'; province: string }
  /** The person is a tester in force of another province (`province`, theirs): nothing changed, no use counted. */
  | { kind: 'elsewhere'; province: string }
  /** Unknown, expired, revoked or used up: refused alike. */
  | { kind: 'refused' };

export interface TrialInviteRepository {
  /** Stores a new invite; a code or id already there is refused (throws). */
  create(invite: TrialInvite): Promise<void>;
  get(id: string): Promise<TrialInvite | undefined>;
  /** The invites of `provinces` (every province when left out), newest first. */
  list(provinces?: readonly string[]): Promise<TrialInvite[]>;
  /** Revokes an invite not revoked yet; answers it as it now stands (undefined when unknown). */
  revoke(id: string, at: Date): Promise<TrialInvite | undefined>;
  /**
   * In one step: refuses an unknown, expired, revoked or used-up code; else, unless the person is a tester of its
   * province already (or was and was revoked) or a tester in force of another province, counts one use and grants them the tester role of its province,
   * granted by `invite:<createdBy>`. Concurrent redemptions never count more than `uses`.
   */
  redeem(code: string, openid: string, at: Date): Promise<TrialRedeemOutcome>;
}

/** Scans of centers' poster codes (issue 15, migration 19), per center and China day. */
export interface ScanRepository {
  /**
   * Records a signed-in person's scan of `centerCode`'s code on China day `day` (YYYY-MM-DD): once per `openid`, center
   * and day (a repeat answers false).
   */
  record(centerCode: string, day: string, openid: string, at: Date): Promise<boolean>;
  /** Scans per center from day `from` (included) to `to` (excluded), of `centerCodes` (every center when left out). */
  countByCenter(from: string, to: string, centerCodes?: readonly string[]): Promise<Map<string, number>>;
}

/** A change of a center's link or endpoint as a work order: proposed by staff, reviewed by a supervisor, switched on its date. */
export interface LinkChange {
  id: string;
  centerCode: string;
  target: ChangeTarget;
  /** China date (YYYY-MM-DD) from which the change is live. */
  effectiveDate: string;
  status: ChangeStatus;
  proposedBy: string;
  proposedAt: Date;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  /** The supervisor's reason (required to reject). */
  reason: string | null;
  /** When it was switched live; `previous` is what it replaced (null: nothing), meaningful once applied. */
  appliedAt: Date | null;
  previous: PreviousValue;
  /** Why the switch was refused on the last try (the address failed the URL rules then, or an API endpoint's center had no secret), and when. */
  heldReason: string | null;
  heldAt: Date | null;
  /**
   * A trial correction (issue 15): the open link finding it fixes, while the center's province is not launched;
   * applied at once when approved instead of on its effective date. Absent for every other change.
   */
  trialFindingId?: string;
  /**
   * Set at once by a supervisor (admin setEndpoint, setManual, setItemRoute, setCounter; migration 27): proposed and
   * approved by them, applied when made. Absent for centers' proposals.
   */
  immediate?: true;
}

export type ReviewOutcome = { kind: 'reviewed'; change: LinkChange; superseded: string[] } | { kind: 'not-pending'; status: ChangeStatus } | { kind: 'unknown' };

export interface LinkChangeRepository {
  create(change: LinkChange): Promise<void>;
  get(id: string): Promise<LinkChange | undefined>;
  /** The center's work orders, newest proposal first. */
  listForCenter(centerCode: string): Promise<LinkChange[]>;
  /** Work orders in one status across centers, oldest proposal first. */
  listByStatus(status: ChangeStatus): Promise<LinkChange[]>;
  /**
   * Moves a pending change to approved or rejected, in one step. Approving supersedes any other approved
   * change of the same center and target that has not gone live: one approved change per target waits.
   */
  review(id: string, decision: { approve: boolean; by: string; at: Date; reason: string | null }): Promise<ReviewOutcome>;
  /**
   * Switches an approved change live in one step: the link (healthy; a route has no health), the endpoint (mode and
   * address; its secrets stay) or the center's service hall is replaced, and the change records what it replaced and when. Answers the change
   * as switched, or undefined when it is not approved (switched already, superseded): applied once.
   */
  apply(id: string, at: Date): Promise<LinkChange | undefined>;
  /**
   * A supervisor's immediate change, in one step: `change` (proposed by them) is stored approved by its proposer at
   * `proposedAt`, supersedes the approved change of its target still waiting, and is switched live as `apply` does;
   * with `secretsSealed`, an endpoint's secrets are replaced by them in the same write (shown to the proposer). Answers
   * the change as switched and the ids it superseded; on failure nothing is written.
   */
  createApplied(change: LinkChange, secretsSealed?: readonly string[]): Promise<{ change: LinkChange; superseded: string[] }>;
  /** Records why an approved change was not switched; false when it is no longer approved. */
  hold(id: string, reason: string, at: Date): Promise<boolean>;
  /**
   * Moves the effective date of a change not live yet (pending or approved) from `expected` to `date`, in one
   * step; false when it is neither any more or its date is no longer `expected`.
   */
  reschedule(id: string, expected: string, date: string): Promise<boolean>;
}

/** `link:<item>` for an item's web link, `endpoint` for the center's API endpoint. */
export type HealthChannel = `link:${ItemId}` | 'endpoint';

/** The daily check's findings for one link or endpoint of a center, about the address it checked. */
export interface ChannelHealth {
  centerCode: string;
  channel: HealthChannel;
  url: string;
  consecutiveFailures: number;
  healthy: boolean;
  checkedAt: Date;
  status: number | null;
  title: string | null;
  error: string | null;
}

export interface HealthRepository {
  /**
   * Stores each finding (replacing the one before for its center and channel) and, for a link whose current
   * address is still the one checked, sets the link's `healthy`: the directory falls back while it is false.
   */
  record(findings: readonly ChannelHealth[]): Promise<void>;
  listForCenter(centerCode: string): Promise<ChannelHealth[]>;
  /** Every finding, by center then channel (the daily check reads the failures so far). */
  list(): Promise<ChannelHealth[]>;
}

/** A center's run of the conformance suite against its endpoint; the report comes when the run ends. */
export interface ConformanceRun {
  id: string;
  centerCode: string;
  url: string;
  startedBy: string;
  startedAt: Date;
  /** Null while the run goes on (or if it never finished). */
  report: ConformanceReport | null;
  /**
   * The center's secrets serving when the run started, sealed as its endpoint keeps them: the suite runs once with
   * each, in turn (issue 16: both during a rotation). Emptied once the run finishes or is abandoned (no needless
   * copies of credentials); empty for runs from before.
   */
  secretsSealed: string[];
  /** How many passes the run makes (its secrets when it started): kept once the secrets are gone. 0 for runs from before. */
  passes: number;
  /** What the run's test applications' ids derive from, so a resumed step rebuilds the same applications. */
  seed: string;
}

/** A finished step of a background run: its checks (none until the last step of a pass) and what the center answered to each request it sent. */
export interface ConformanceStepRecord {
  index: number;
  checks: ConformanceCheck[];
  posts: { accepted: boolean; answer: string }[];
  doneAt: Date;
}

/** Why a run may not start: one at a time per center, and so many a day. */
export interface RunLimits {
  /** A run started before this and never finished is taken as dead (its function timed out). */
  busySince: Date;
  /** The start of the day the cap counts in. */
  daySince: Date;
  dailyCap: number;
}

export type RunStartOutcome = { kind: 'started' } | { kind: 'running'; run: ConformanceRun } | { kind: 'daily-cap'; count: number };

export interface ConformanceRunRepository {
  start(run: ConformanceRun): Promise<void>;
  /**
   * Records the start of a run in one step unless the center has a run started since `busySince` that has
   * not finished, or `dailyCap` runs started since `daySince`: two racing starts never both pass.
   */
  startIfFree(run: ConformanceRun, limits: RunLimits): Promise<RunStartOutcome>;
  /** Stores the report of a run and empties its secrets, in one write; an unknown id changes nothing. */
  finish(id: string, report: ConformanceReport): Promise<void>;
  /** Empties the secrets of every run started before `startedBefore` that has any: runs abandoned, no longer resumed. */
  forgetSecrets(startedBefore: Date): Promise<void>;
  /** The center's most recent run. */
  latest(centerCode: string): Promise<ConformanceRun | undefined>;
  get(id: string): Promise<ConformanceRun | undefined>;
  /** Every run not finished that started after `since`, oldest first: what the relay resumes. */
  unfinished(since: Date): Promise<ConformanceRun[]>;
  /**
   * Takes the run's lease until `until` in one step, or extends it when `holder` holds it already, unless another
   * holder's lease runs past `now`: answers whether `holder` holds it now. Two resumers never both hold one run.
   * A holder gives the lease up with `until` equal to `now`: another takes it at once.
   */
  lease(id: string, holder: string, now: Date, until: Date): Promise<boolean>;
  /** Records a finished step once: false (nothing changed) when the run has that step already. */
  recordStep(runId: string, step: ConformanceStepRecord): Promise<boolean>;
  /** The run's finished steps, by index. */
  steps(runId: string): Promise<ConformanceStepRecord[]>;
}

/** The platform's own callbacks about conformance test applications: the in-platform inbox of the suite. */
export interface ConformanceCallbackRepository {
  /** Keeps every arrival, repeats included. */
  record(centerCode: string, applicationId: string, callback: ReceivedCallback): Promise<void>;
  /** The center's callbacks about one test application, in the order they arrived. */
  listFor(centerCode: string, applicationId: string): Promise<ReceivedCallback[]>;
}

/** A year's State Council arrangement as a supervisor loaded it from the notice. */
export interface CalendarYearRecord {
  year: number;
  notice: CalendarNotice;
  holidays: CalendarHoliday[];
  /** Make-up working days (Saturdays or Sundays), ascending. */
  workdays: string[];
  loadedBy: string;
  loadedAt: Date;
}

export interface CalendarYearRepository {
  get(year: number): Promise<CalendarYearRecord | undefined>;
  /** Every loaded year, ascending. */
  list(): Promise<CalendarYearRecord[]>;
  /** Stores a year not loaded before; false, and nothing written, when it is loaded already (of two racing loads, one wins). */
  create(record: CalendarYearRecord): Promise<boolean>;
  /** Replaces a loaded year in one step, answering the arrangement it replaced; undefined, and nothing written, when none was loaded. */
  replace(record: CalendarYearRecord): Promise<CalendarYearRecord | undefined>;
}

/** A report period as the database counts it (supervise monthly). */
export interface MonthlyWindow {
  /** China midnight of the period's first day (included) and of its end (excluded). */
  from: Date;
  to: Date;
  /** The same as China dates (YYYY-MM-DD): a payment's `paidOn` is a date. */
  fromDate: string;
  toDate: string;
  /** Only these centers; every center when left out. */
  centerCodes?: readonly string[];
}

/** What the product recorded for one center in a period, counted in the database (SQL group by; CloudBase aggregate). */
export interface MonthlyCounts {
  centerCode: string;
  /** Jumps that opened the center's own channel (web page or mini-program), per item 4-6, in the period. */
  jumps: Record<`${FullOnlineItem}`, number>;
  /** Service requests (in-app requests) for items 4-6 submitted to the center in the period. */
  inApp: Record<`${FullOnlineItem}`, number>;
  /** Purchase withdrawals submitted in the period that the center takes part in (purchase or deposit locale). */
  joint: number;
  /** What the center paid as the deposit-locale center on purchase withdrawals paid (paidOn) in the period, in fen. */
  paidFen: number;
  /** Loan-cleared certificates (item 8) submitted in the period that the center takes part in (business or accepting). */
  certificates: number;
}

/** A center's own figures for a period (portal setMonthlyFigures), one record per center and period, replaced on change. */
export interface MonthlyFiguresRecord {
  centerCode: string;
  /** The report month, YYYY-MM. */
  period: string;
  figures: MonthlyFigures;
  enteredBy: string;
  enteredAt: Date;
}

/** One version of a province's submitted table: frozen as submitted (rows and totals), with the exported file's hash. */
export interface MonthlySubmissionRecord {
  province: string;
  period: string;
  /** 1 for the first submission; each correction submitted after is the next. */
  version: number;
  submittedBy: string;
  submittedAt: Date;
  sha256: string;
  fileName: string;
  reason: string | null;
  rows: MonthlyRow[];
  totals: MonthlyTotals;
}

export interface MonthlyRepository {
  /** The period's recorded figures per center, counted in the database; centers with nothing recorded are left out. By center code. */
  counts(window: MonthlyWindow): Promise<MonthlyCounts[]>;
  /** The centers' own figures for a period (only `centerCodes` when given), by center code. */
  figures(period: string, centerCodes?: readonly string[]): Promise<MonthlyFiguresRecord[]>;
  /** Stores a center's figures for a period, replacing the ones before, in one step; answers the ones replaced. */
  putFigures(record: MonthlyFiguresRecord): Promise<MonthlyFiguresRecord | undefined>;
  /** Every province's submissions of a period, every version, by province then version. */
  submissions(period: string): Promise<MonthlySubmissionRecord[]>;
  /** Stores a submission; false, and nothing written, when that version of the province's table exists (of two racing, one wins). */
  submit(record: MonthlySubmissionRecord): Promise<boolean>;
  /** Records that a center was reminded to fill a period; false, and nothing written, when it was already. */
  remind(centerCode: string, period: string, at: Date): Promise<boolean>;
}

/** A center's word on an item it has not made fully online (portal setOnlineReason): why, and by when. */
export interface OnlineReasonRecord {
  centerCode: string;
  item: FullOnlineItem;
  reason: string;
  /** China date, YYYY-MM-DD. */
  expectedDate: string;
  givenBy: string;
  givenAt: Date;
}

/** A province's liaison (plan 2021-50, annex 1); the name and mobile sealed together (sealedAs.liaisonContact). */
export interface LiaisonRecord {
  province: string;
  /** `{ name, mobile }` as JSON, sealed and bound to the province. */
  contactSealed: string;
  position: string;
  landline: string;
  updatedBy: string;
  updatedAt: Date;
}

/** One of a province's 三个一百 recommendations. */
export interface RecommendationRecord {
  id: string;
  province: string;
  kind: RecommendationKind;
  centerCode: string;
  title: string;
  summary: string;
  addedBy: string;
  addedAt: Date;
}

/** A link's health at an instant, from the daily checks' history. */
export interface LinkHealthAt {
  centerCode: string;
  item: ItemId;
  healthy: boolean;
  /** When the check that found this health ran. */
  checkedAt: Date;
}

/** A center's interface testing at an instant, from its conformance runs. */
export interface InterfaceTestAt {
  centerCode: string;
  /** Its latest run started before the instant. */
  lastRunAt: Date;
  /** A run started before the instant passed, and its report came before it too. */
  passed: boolean;
}

/** The supervision tables' own data (migration 15), and the histories progress reads as of a date. */
export interface SupervisionRepository {
  /**
   * Every center's link health as the daily checks found it last before `before`, per center and item with a
   * finding by then (HealthRepository.record keeps each change of a channel's health), by center then item.
   */
  linkHealthAt(before: Date): Promise<LinkHealthAt[]>;
  /** Every center that had started a conformance run before `before`, by center. */
  interfaceTestsAt(before: Date): Promise<InterfaceTestAt[]>;
  /** Every center's reasons, by center then item. */
  onlineReasons(): Promise<OnlineReasonRecord[]>;
  /** Stores the center's reason for an item, replacing the one before, in one step; answers the one replaced. */
  putOnlineReason(record: OnlineReasonRecord): Promise<OnlineReasonRecord | undefined>;
  /** Every province's liaison, by province. */
  liaisons(): Promise<LiaisonRecord[]>;
  /** Stores a province's liaison, replacing the one before, in one step; answers the one replaced. */
  putLiaison(record: LiaisonRecord): Promise<LiaisonRecord | undefined>;
  /** The recommendations of the provinces given (all when left out), by province then newest first. */
  recommendations(provinces?: readonly string[]): Promise<RecommendationRecord[]>;
  addRecommendation(record: RecommendationRecord): Promise<void>;
  /** Removes a recommendation in one step, answering it as it was; undefined when there is none with that id. */
  removeRecommendation(id: string): Promise<RecommendationRecord | undefined>;
  getRecommendation(id: string): Promise<RecommendationRecord | undefined>;
}

/** One step of a finding's history as stored: the person (openid, shown by display name or role label) and the role they acted in. */
export interface FindingEventRecord {
  kind: FindingEvent['kind'];
  by: string;
  byRole: Role;
  at: Date;
  note: string | null;
}

/**
 * A finding of the internal trial (issue 15, migration 22): a failed check of a center, owned by supervisors (name,
 * phone) or the center (links, poster, endpoint), open -> fixed -> closed (or open again). At most one finding of a
 * center's check is not closed. The screenshot's `fileId` is its key in the file store (under findings/).
 */
export interface FindingRecord {
  id: string;
  province: string;
  centerCode: string;
  check: CheckKind;
  owner: FindingOwner;
  status: FindingStatus;
  expected: string | null;
  seen: string | null;
  observed: LinkObservation | null;
  screenshot: { fileId: string; name: string } | null;
  openedBy: string;
  openedAt: Date;
  updatedAt: Date;
  /** Oldest first; the first is `opened`. */
  history: FindingEventRecord[];
}

/** Which findings to list; every field left out matches all. */
export interface FindingFilter {
  provinces?: readonly string[];
  centerCodes?: readonly string[];
  owner?: FindingOwner;
  statuses?: readonly FindingStatus[];
}

export interface FindingRepository {
  /**
   * Opens `finding` (status open, its history one `opened` event), or, when the center's check already has a
   * finding not closed, adds this observation to that one in one step: expected, seen and observed replaced (the
   * screenshot too when one is given), `finding.history[0]` appended (as `reopened` when it was fixed), open again.
   * Answers the finding as stored, whether it was one already there, and the screenshot the new one replaced (null
   * when none was), for the caller to remove from the file store.
   */
  open(finding: FindingRecord): Promise<{ finding: FindingRecord; reused: boolean; replaced: FindingRecord['screenshot'] }>;
  get(id: string): Promise<FindingRecord | undefined>;
  /** The findings matching `filter`, oldest opened first. */
  list(filter: FindingFilter): Promise<FindingRecord[]>;
  /** Moves a finding from status `from` to `to` in one step, appending `event`; undefined (nothing changed) when it is not in `from`. */
  move(id: string, from: FindingStatus, to: FindingStatus, event: FindingEventRecord): Promise<FindingRecord | undefined>;
}

/** A correction of a center's catalog name or phone (issue 15, migration 22): proposed, then approved or rejected by another supervisor. */
export interface CatalogFixRecord {
  id: string;
  centerCode: string;
  field: CatalogField;
  from: string;
  to: string;
  findingId: string | null;
  status: 'pending' | 'approved' | 'rejected';
  proposedBy: string;
  proposedAt: Date;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  reason: string | null;
}

export interface CatalogFixRepository {
  add(fix: CatalogFixRecord): Promise<void>;
  get(id: string): Promise<CatalogFixRecord | undefined>;
  /** The fixes of a center (every one when left out), newest proposed first. */
  list(centerCode?: string): Promise<CatalogFixRecord[]>;
  /**
   * Records the review of a pending fix in one step; an approved one is applied to the center's field at once,
   * and laid over the catalog by every later upsertCatalog (the latest approved fix of a field wins). Undefined
   * (nothing changed) when the fix is not pending.
   */
  review(id: string, review: { status: 'approved' | 'rejected'; reviewedBy: string; reviewedAt: Date; reason: string | null }): Promise<CatalogFixRecord | undefined>;
}

/** Completed transfers grouped by their transfer-in center, China date submitted and China date completed (办结). */
export interface TransferTimeGroup {
  centerCode: string;
  submittedOn: string;
  completedOn: string;
  count: number;
}

/** A count per center (overdue acceptances, open follow-ups). */
export interface CenterCount {
  centerCode: string;
  count: number;
}

/** The supervisors' overview figures (issue 14, "Dashboards"), each counted in the database (SQL group by; CloudBase aggregate). */
export interface DashboardRepository {
  /**
   * Transfers completed from `from` (included) to `to` (excluded), grouped by the responsible (transfer-in) center and
   * the China dates of submission and completion: a completed application never moves again, so its updatedAt is
   * when it was completed. By center, then dates.
   */
  transferTimes(from: Date, to: Date): Promise<TransferTimeGroup[]>;
  /** Applications still awaiting acceptance (submitted or delivered) whose acceptBy is before `today`, per responsible center, by center. */
  overdueAcceptance(today: string): Promise<CenterCount[]>;
  /** Open 差评: ratings whose follow-up is not fixed yet (open or called back), per center, by center. */
  openFollowUps(): Promise<CenterCount[]>;
  /** Ratings whose follow-up still awaits its call-back and that were given before `ratedBefore`, per center, by center. */
  awaitingCallBack(ratedBefore: Date): Promise<CenterCount[]>;
}

/** One result a tester recorded for a check of a center in the internal trial (issue 15, migration 20). */
export interface TrialCheckRecord {
  centerCode: string;
  check: CheckKind;
  ok: boolean;
  note: string | null;
  /** What is right, as the tester wrote it (the correct name or phone, the page that should open). */
  expected: string | null;
  /** For a link: what the app saw by itself when the tester tapped it. */
  observed: LinkObservation | null;
  /** The tester's openid (shown to others by display name or role label only). */
  checkedBy: string;
  checkedAt: Date;
}

/** The trial's check results: every record kept; what counts is each check's latest. */
export interface TrialCheckRepository {
  /** Appends a record (the ones before stay, as history). */
  record(record: TrialCheckRecord): Promise<void>;
  /**
   * Of the centers given, the latest record per center and check (recorded before `before` when given: the
   * results as of an earlier instant), in no particular order. One read however many centers.
   */
  latest(centerCodes: readonly string[], before?: Date): Promise<TrialCheckRecord[]>;
}

/**
 * A domain of the mini-program's business-domain registry as supervisors set it (issue 16 point 1, migration 24). A
 * domain registered links use but nobody set is `unlisted` and has no record.
 */
export interface BusinessDomainRecord {
  domain: string;
  state: BusinessDomainState;
  /** The verification file WeChat issued for it, given when it was requested; null before. */
  verificationFile: VerificationFile | null;
  /** The daily check's last look at the file, and what was wrong then (null: found as issued). */
  checkedAt: Date | null;
  problem: string | null;
  updatedAt: Date;
  /** Who set the state: a supervisor's openid, or the daily check that found the file. */
  updatedBy: string;
}

export type BusinessDomainPut = { written: true; replaced: BusinessDomainRecord | undefined } | { written: false; configured: number };

export interface BusinessDomainRepository {
  get(domain: string): Promise<BusinessDomainRecord | undefined>;
  /** Every domain set, by domain. */
  list(): Promise<BusinessDomainRecord[]>;
  /**
   * Stores a domain's record, replacing the one before, in one step; answers the one replaced. With
   * `configuredLimit`, a record that makes a domain configured is written only while fewer than that many other
   * domains are configured, counted in the same step (two writers at once never pass the limit); otherwise nothing
   * is written and the answer says how many are configured.
   */
  put(record: BusinessDomainRecord, configuredLimit?: number): Promise<BusinessDomainPut>;
  /**
   * Records the daily check of a requested domain in one step, only while it is still requested as last set at
   * `setAt` (a supervisor's change in between wins): checkedAt and the problem; with no problem the domain becomes
   * file-placed, set at `check.at` by `check.by`. Answers the record as written, or undefined when it changed.
   */
  recordCheck(domain: string, setAt: Date, check: { at: Date; problem: string | null; by: string }): Promise<BusinessDomainRecord | undefined>;
}

/**
 * One request for a delivery's attachment by its link (docs/center-api.md 4.10, migration 25): served or refused,
 * with why. The link names the application, the attachment and the one center it was sent to; a token that does
 * not open (altered, or not the platform's) names none of them.
 */
export interface AttachmentFetchRecord {
  at: Date;
  applicationId: string | null;
  attachmentId: string | null;
  /** The center the link was made for (not who asked: a refused request may be anyone's). */
  centerCode: string | null;
  /** The request's webhook-id header, when it had one. */
  webhookId: string | null;
  /**
   * What was answered: 200 the whole file, 206 one part of it; 401 unsigned or not signed by the link's center,
   * 404 no such file, 410 expired, 416 a range refused (over 4 MiB, malformed, or none for a file over 4 MiB).
   */
  httpStatus: number;
  /** Why it was refused, in words for the center's engineers; null when served. */
  refusal: string | null;
  /** The part served (its Content-Range, `bytes a-b/size`) or the Range header refused; null for none (migration 32). */
  byteRange: string | null;
}

/**
 * The fetches of deliveries' attachments (docs/center-api.md 4.10): what centers took, and why a link's center was
 * refused. Kept ATTACHMENT_FETCH_KEEP_DAYS (services/attachment-downloads.ts), at most a bounded number of refusals
 * per link an hour (counted in attempts, "file-refusals:…"); a token that does not open is logged, not kept.
 */
export interface AttachmentFetchRepository {
  record(fetch: AttachmentFetchRecord): Promise<void>;
  /** An application's fetches, oldest first. */
  ofApplication(applicationId: string): Promise<AttachmentFetchRecord[]>;
  /** Removes the fetches recorded before `cutoff`; how many. */
  removeOlderThan(cutoff: Date): Promise<number>;
}

/**
 * A certificate code a holder showed (issue 18 point 1, migration 40): the signed token carries its id; the rest is
 * here so a read can be counted, refused when used up, expired or revoked, and listed to the holder.
 */
export interface CertificateCodeRecord {
  /** 16 base64url characters, the token's `c`. */
  id: string;
  applicationId: string;
  openid: string;
  documentId: string;
  issuedAt: Date;
  /** 24:00 China time of the day it was shown. */
  expiresAt: Date;
  readsAllowed: number;
  readsUsed: number;
  revokedAt: Date | null;
}

/** One read of a code by a center's staff: valid (the certificate was shown) or why it was refused. */
export interface CodeReadRecord {
  codeId: string;
  applicationId: string;
  at: Date;
  readerOpenid: string;
  centerCode: string;
  outcome: 'valid' | 'expired' | 'used' | 'revoked' | 'altered';
}

export interface CertificateCodeRepository {
  /**
   * Makes `code` the application's one open (not revoked) code, in one step: the open code `replacing` (the latest
   * the caller saw, used up or expired) is revoked at `code.issuedAt` and `code` created. When the application's
   * open code is another one (a concurrent call created it since the caller looked), nothing is written and that
   * code is answered, so both callers show the one code a center can read (migration 46; CloudBase
   * `certificateCodeSlots`); an open code that can no longer be read (expired, used up) is revoked like `replacing`.
   * Answers the application's open code after, or undefined, writing nothing, when the application is no longer
   * `code.openid`'s or that openid's identity is gone (an unbinding or erasure meanwhile).
   */
  create(code: CertificateCodeRecord, replacing?: string): Promise<CertificateCodeRecord | undefined>;
  get(id: string): Promise<CertificateCodeRecord | undefined>;
  /** The application's latest code, if any. */
  latest(applicationId: string): Promise<CertificateCodeRecord | undefined>;
  /** Every code of the application, oldest first (the copy of the holder's data). */
  list(applicationId: string): Promise<CertificateCodeRecord[]>;
  /**
   * A center's read, checked and counted in one step: a code not revoked, not expired at `read.at` and with reads
   * left counts one more ('valid'); else nothing is counted and the reason is answered. The read is recorded either
   * way. Concurrent reads never count past `readsAllowed`. Undefined for an unknown code (nothing recorded).
   */
  read(id: string, read: Pick<CodeReadRecord, 'at' | 'readerOpenid' | 'centerCode'>): Promise<CodeReadRecord['outcome'] | undefined>;
  /** Records a read refused before the count (an altered token of a real code). */
  recordRead(read: CodeReadRecord): Promise<void>;
  /** Revokes every code of the application not revoked yet, at `at`; answers how many. */
  revokeAll(applicationId: string, at: Date): Promise<number>;
  /** One more read on a code not revoked, up to `max` allowed; the code as it is after, undefined when unknown. */
  allowAnother(id: string, max: number): Promise<CertificateCodeRecord | undefined>;
  /** Every read of the application's codes, oldest first. */
  reads(applicationId: string): Promise<CodeReadRecord[]>;
}

/**
 * The reads of the hot paths, each in ONE round trip to the database (issue 16, point 9): one statement in SQL,
 * requests sent at once on CloudBase. Each answers what the separate repositories would, read together.
 */
export interface HotReadRepository {
  /**
   * The caller's roles in force (RoleRepository.rolesOf) and one meta entry (the launch state): what every signed-in
   * call reads first; with `submission` (the caller's own submission's key), also what `submission` answers for it,
   * read in the same round trip.
   */
  caller(openid: string, metaKey: string, submission?: SubmissionKey): Promise<CallerReads>;
  /**
   * What a submission reads before its create: the applicant's identity, which of `centerCodes` take deliveries by
   * API (their endpoints' mode alone: a submission has no use for an address or the sealed secrets), the applicant's
   * application of `requestId` if any, and, with `contractLookup`, every person's applications of that purchase
   * contract (the applicant's own and co-buyers'), oldest first.
   */
  submission(openid: string, centerCodes: readonly string[], requestId: string, contractLookup: string | undefined): Promise<SubmissionReads>;
  /**
   * What a center's callback reads before its move: the center's endpoint with who holds its secrets, whether the
   * webhook-id was applied, and the application named (when it exists) with the endpoints of its centers.
   */
  callback(centerCode: string, webhookId: string, applicationId: string | undefined): Promise<CallbackReads>;
}

/** Which submission's reads: `submission`'s arguments after the openid. */
export interface SubmissionKey {
  centerCodes: readonly string[];
  requestId: string;
  contractLookup: string | undefined;
}

export interface CallerReads {
  roles: RoleGrant[];
  meta: string | undefined;
  /** With a submission's key: its reads. */
  submission?: SubmissionReads;
}

export interface SubmissionReads {
  identity: IdentityRecord | undefined;
  /** The centers asked for whose endpoint takes deliveries by API, in code order. */
  apiCenters: string[];
  sameRequest: string | undefined;
  sameContract: ApplicationRecord[];
}

export interface CallbackReads {
  endpoint: CenterEndpoint | undefined;
  holders: SecretHolder[];
  receipt: boolean;
  application: ApplicationRecord | undefined;
  /**
   * The endpoints of the application's centers (those with one), for a completion notice or a hand-over: read with
   * the rest in SQL; on CloudBase, which needs the application first, read when asked (one more round trip then).
   */
  endpoints(): Promise<CenterEndpoint[]>;
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
  readonly privacy: PrivacyRepository;
  readonly contractChecks: ContractCheckRepository;
  readonly applications: ApplicationRepository;
  readonly outbox: OutboxRepository;
  readonly endpoints: EndpointRepository;
  readonly ratings: RatingRepository;
  readonly staffInvites: StaffInviteRepository;
  readonly trialInvites: TrialInviteRepository;
  readonly scans: ScanRepository;
  readonly linkChanges: LinkChangeRepository;
  readonly health: HealthRepository;
  readonly conformanceRuns: ConformanceRunRepository;
  readonly conformanceCallbacks: ConformanceCallbackRepository;
  readonly calendarYears: CalendarYearRepository;
  readonly monthly: MonthlyRepository;
  readonly supervision: SupervisionRepository;
  readonly dashboard: DashboardRepository;
  readonly findings: FindingRepository;
  readonly catalogFixes: CatalogFixRepository;
  readonly trialChecks: TrialCheckRepository;
  readonly businessDomains: BusinessDomainRepository;
  readonly attachmentFetches: AttachmentFetchRepository;
  readonly certificateCodes: CertificateCodeRepository;
  readonly reads: HotReadRepository;
  close(): Promise<void>;
}
