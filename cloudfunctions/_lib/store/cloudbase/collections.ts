/**
 * Every collection the CloudBase store uses, declared once: its indexes (fields in order, each ascending or
 * descending), which of them are unique, and its security rule. Read by `npm run cloud:setup` (tools/cloud-setup.ts),
 * which creates what is missing in an environment, and by the CloudBase test double (test/support/fake-cloudbase.ts),
 * which refuses a collection not declared here, enforces the unique indexes, and fails a query no index covers.
 *
 * A query is covered (the rule the double applies, docs/decisions/016-cloud-declared.md) when it
 * - filters on `_id` (the index every collection has), or narrows and sorts by nothing but `_id`;
 * - or filters by equality on every field of a unique index (one document at most, whatever the order);
 * - or an index's first field is filtered by a condition other than $ne / $nin (or, with no such filter, is the first
 *   sort field) and every sort field other than `_id` is a field of that index. Other filter fields are then checked
 *   on the documents the index found.
 * For an aggregation, the first `$match` stage is the query.
 *
 * To add a collection: an entry below (the document ids and fields are described in cloudbase-store.ts), then
 * `npm run cloud:setup -- --env <envId>` creates it where it is missing.
 */

export type IndexOrder = 'asc' | 'desc';

export interface CollectionIndex {
  /** The fields in the index's order; the object's key order is the index's order. */
  readonly fields: Readonly<Record<string, IndexOrder>>;
  /** Two documents with the same values of these fields are refused (DATABASE_DUPLICATE_WRITE). */
  readonly unique?: true;
}

/** A CloudBase security rule (安全规则): who may read and write from a client (the mini-program). */
export interface SecurityRule {
  readonly read: boolean | string;
  readonly write: boolean | string;
}

/** Nothing from a client: every read and write goes through the cloud functions, with admin rights. */
export const DENY_CLIENTS: SecurityRule = { read: false, write: false };

export interface CollectionDeclaration {
  readonly indexes: readonly CollectionIndex[];
  readonly rule: SecurityRule;
}

const byId: CollectionDeclaration = { indexes: [], rule: DENY_CLIENTS };

const indexed = (...indexes: CollectionIndex[]): CollectionDeclaration => ({ indexes, rule: DENY_CLIENTS });

/** The collections, by name. */
export const CLOUDBASE_COLLECTIONS: Readonly<Record<string, CollectionDeclaration>> = {
  // the catalog
  centers: indexed({ fields: { code: 'asc' } }),
  links: indexed({ fields: { centerCode: 'asc', item: 'asc' } }),
  jumps: indexed({ fields: { centerCode: 'asc', item: 'asc', at: 'asc' } }, { fields: { item: 'asc', at: 'asc' } }, { fields: { at: 'asc' } }),
  roles: byId,
  meta: byId,
  // people
  identities: indexed({ fields: { docLookup: 'asc' }, unique: true }),
  verifications: indexed({ fields: { outSeqNo: 'asc' }, unique: true }, { fields: { createdAt: 'asc' } }, { fields: { openid: 'asc' } }),
  counterRequests: indexed({ fields: { openid: 'asc' } }),
  // a person's own removed by subject when they unbind or are deleted (the others' openid cleared), and every one past the longest window daily
  attempts: indexed({ fields: { subject: 'asc', at: 'asc' } }, { fields: { openid: 'asc' } }, { fields: { at: 'asc' } }),
  attemptCounters: indexed({ fields: { subject: 'asc' } }, { fields: { openid: 'asc' } }, { fields: { since: 'asc' } }),
  consents: indexed({ fields: { openid: 'asc', at: 'desc', seq: 'desc' } }),
  audit: indexed({ fields: { subject: 'asc', at: 'asc', seq: 'asc' } }),
  // applications, one document each with its events, receipts, documents and outbox (decision 017): the unique
  // indexes keep one application per (openid, requestId), per in-flight key and per letter number
  applications: indexed(
    { fields: { openid: 'asc', requestId: 'asc' }, unique: true },
    { fields: { inFlightSlot: 'asc' }, unique: true },
    { fields: { letterSlot: 'asc' }, unique: true },
    { fields: { letterPrefix: 'asc', letterSeq: 'desc' } },
    { fields: { openid: 'asc', createdAt: 'desc' } },
    // purchase withdrawals of one contract, whoever submitted them (a co-buyer's repeat is held for the centers)
    { fields: { contractLookup: 'asc', createdAt: 'asc' } },
    { fields: { centerCodes: 'asc', createdAt: 'desc' } },
    { fields: { test: 'asc', centerCodes: 'asc', createdAt: 'desc' } },
    { fields: { status: 'asc', createdAt: 'asc' } },
    { fields: { createdAt: 'asc' } },
    { fields: { type: 'asc', paymentPaidOn: 'asc' } },
    { fields: { type: 'asc', status: 'asc', updatedAt: 'asc' } },
    { fields: { status: 'asc', acceptBy: 'asc' } },
    // the relay: what is due (its earliest due time), a record by its id, the dead letters, a callback's receipt
    { fields: { relayAt: 'asc' } },
    { fields: { outboxIds: 'asc' } },
    { fields: { outboxDead: 'asc', createdAt: 'asc' } },
    { fields: { receipts: 'asc' } },
  ),
  endpoints: byId,
  ratings: indexed({ fields: { centerCode: 'asc', followUp: 'asc', at: 'desc' } }, { fields: { followUp: 'asc', centerCode: 'asc' } }, { fields: { openid: 'asc' } }),
  // the center portal
  staffInvites: indexed({ fields: { createdBy: 'asc', createdAt: 'asc' } }),
  linkChanges: indexed({ fields: { centerCode: 'asc', proposedAt: 'desc' } }, { fields: { status: 'asc', proposedAt: 'asc' } }),
  changeTargets: byId,
  channelHealth: indexed({ fields: { centerCode: 'asc' } }),
  conformanceRuns: indexed({ fields: { centerCode: 'asc', startedAt: 'desc' } }, { fields: { startedAt: 'asc' } }),
  conformanceCallbacks: indexed({ fields: { centerCode: 'asc', applicationId: 'asc', seq: 'asc' } }),
  conformanceGates: byId,
  // interface testing as a background run (issue 16 point 5): each finished step, id `${runId}:${index}`
  conformanceSteps: indexed({ fields: { runId: 'asc', index: 'asc' } }),
  calendarYears: indexed({ fields: { year: 'asc' } }),
  // supervision
  channelHealthLog: indexed({ fields: { checkedAt: 'asc' } }),
  onlineReasons: byId,
  liaisons: byId,
  recommendations: indexed({ fields: { province: 'asc', addedAt: 'desc' } }),
  // monthly statistics
  monthlyFigures: indexed({ fields: { period: 'asc', centerCode: 'asc' } }),
  monthlySubmissions: indexed({ fields: { period: 'asc' } }),
  monthlyReminders: byId,
  // the internal trial
  findings: indexed(
    { fields: { province: 'asc', openedAt: 'asc' } },
    { fields: { centerCode: 'asc', openedAt: 'asc' } },
    { fields: { owner: 'asc', openedAt: 'asc' } },
    { fields: { status: 'asc', openedAt: 'asc' } },
    { fields: { openedAt: 'asc' } },
  ),
  activeFindings: byId,
  catalogFixes: indexed({ fields: { centerCode: 'asc', proposedAt: 'desc' } }, { fields: { proposedAt: 'desc' } }, { fields: { status: 'asc', reviewedAt: 'asc' } }),
  trialChecks: indexed({ fields: { centerCode: 'asc', checkedAt: 'asc' } }),
  trialInvites: indexed({ fields: { code: 'asc' }, unique: true }, { fields: { province: 'asc', createdAt: 'desc' } }, { fields: { createdAt: 'desc' } }),
  centerScans: byId,
  centerScanDays: indexed({ fields: { day: 'asc', centerCode: 'asc' } }),
  // the mini-program's business domains (issue 16 point 1): listed by domain
  businessDomains: indexed({ fields: { domain: 'asc' } }),
  // every fetch of a delivery's attachment by its link (migration 25 in SQL)
  attachmentFetches: indexed({ fields: { applicationId: 'asc', at: 'asc' } }, { fields: { at: 'desc' } }),
  // certificate codes (issue 18 point 1, migration 40 in SQL): the holder's latest code, the reads of a case's codes;
  // a person's codes, revoked and detached when they unbind or are deleted
  certificateCodes: indexed({ fields: { applicationId: 'asc', issuedAt: 'desc' } }, { fields: { openid: 'asc' } }),
  certificateCodeReads: indexed({ fields: { applicationId: 'asc', at: 'asc' } }),
  // id = the application's id: its latest code, written in the transaction that creates a code (one open code a case)
  certificateCodeSlots: byId,
  // unbinding and account deletion (migration 39 in SQL): id = openid, the due ones read by the daily run
  accountDeletions: indexed({ fields: { dueAt: 'asc' } }),
  // staff's 已核实 of a held withdrawal (migration 42 in SQL): id = the application's id
  contractChecks: byId,
};

/**
 * Cloud storage has one rule for the whole bucket: no client reads a file (the functions answer short-lived links),
 * and a signed-in person writes only files of their own, which is how the mini-program uploads attachments under
 * `uploads/` (the functions, with admin rights, read them and remove them once the application is stored or a day
 * has passed). The rule's documented expressions compare whole values (no prefix of `resource.path`), so the folders
 * are the functions' to keep apart: they take a person's file only from `uploads/` (UPLOAD_ID_PATTERN).
 */
export const STORAGE_RULE: SecurityRule = { read: false, write: 'auth != null && resource.openid == auth.openid' };

/**
 * Storage folders whose files a lifecycle rule deletes after `days` (COS's shortest period is a day): attachments never
 * submitted (`uploads/`; submitted ones are removed at once), opened copies behind 10-minute links (`downloads/`) and
 * supervisors' exports (`exports/`). The functions sweep the first two themselves only where storage lists (the local
 * host); `monthly/` (submitted tables) is kept.
 */
export const STORAGE_EXPIRY: readonly { prefix: string; days: number }[] = [
  { prefix: 'uploads/', days: 1 },
  { prefix: 'downloads/', days: 1 },
  { prefix: 'exports/', days: 1 },
];

/** The index's name in CloudBase: each field and its direction, as `centerCode_1_item_-1`. */
export function indexName(index: CollectionIndex): string {
  return Object.entries(index.fields)
    .map(([field, order]) => `${field}_${order === 'asc' ? '1' : '-1'}`)
    .join('_');
}
