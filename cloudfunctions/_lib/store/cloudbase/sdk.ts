import { createHash, randomBytes } from 'node:crypto';
import type tcb from '@cloudbase/node-sdk';
import { isTransferCode, type TransferCode } from '../../../../src/core/applications/state-machine';

/** What the CloudBase adapter's files share: the SDK's types, the collections, reading replies and documents, transactions. */

export type CloudbaseApp = ReturnType<typeof tcb.init>;

export type Db = ReturnType<CloudbaseApp['database']>;

export type Collection = ReturnType<Db['collection']>;

export type Query = ReturnType<Collection['where']>;

export const COLLECTIONS = {
  centers: 'centers',
  links: 'links',
  jumps: 'jumps',
  roles: 'roles',
  meta: 'meta',
  identities: 'identities',
  verifications: 'verifications',
  counterRequests: 'counterRequests',
  attempts: 'attempts',
  consents: 'consents',
  audit: 'audit',
  applications: 'applications',
  endpoints: 'endpoints',
  ratings: 'ratings',
  staffInvites: 'staffInvites',
  linkChanges: 'linkChanges',
  changeTargets: 'changeTargets',
  channelHealth: 'channelHealth',
  conformanceRuns: 'conformanceRuns',
  conformanceCallbacks: 'conformanceCallbacks',
  attemptCounters: 'attemptCounters',
  conformanceGates: 'conformanceGates',
  // interface testing as a background run (migration 26 in SQL): each finished step of a run
  conformanceSteps: 'conformanceSteps',
  calendarYears: 'calendarYears',
  // supervision (migration 15 in SQL): each change of a channel's health, centers' reasons, liaisons, 三个一百
  channelHealthLog: 'channelHealthLog',
  onlineReasons: 'onlineReasons',
  liaisons: 'liaisons',
  recommendations: 'recommendations',
  // monthly statistics (migration 16 in SQL): centers' own figures, provinces' submitted versions, reminders sent
  monthlyFigures: 'monthlyFigures',
  monthlySubmissions: 'monthlySubmissions',
  monthlyReminders: 'monthlyReminders',
  // the internal trial (migration 22 in SQL): findings, the one not closed per center and check, catalog fixes
  findings: 'findings',
  activeFindings: 'activeFindings',
  catalogFixes: 'catalogFixes',
  // the internal trial (migration 20 in SQL): testers' check results, every record kept
  trialChecks: 'trialChecks',
  // the internal trial (migration 19 in SQL): invites for testers, scans of centers' poster codes per person and per day
  trialInvites: 'trialInvites',
  centerScans: 'centerScans',
  centerScanDays: 'centerScanDays',
  // the mini-program's business domains (migration 24 in SQL): the domains a supervisor set, by the domain
  businessDomains: 'businessDomains',
  // attachments by signed link (migration 25 in SQL): every fetch of a delivery's attachment, served or refused
  attachmentFetches: 'attachmentFetches',
  // certificate codes (migration 40 in SQL): the codes holders showed, and every read of them by centers
  certificateCodes: 'certificateCodes',
  certificateCodeReads: 'certificateCodeReads',
  // one a case, id = the application's id (migration 46 in SQL): its latest code, so at most one is open
  certificateCodeSlots: 'certificateCodeSlots',
  // unbinding and account deletion (migration 39 in SQL): deletion requests the daily run carries out
  accountDeletions: 'accountDeletions',
  // held co-buyers' withdrawals (migration 42 in SQL): staff's 已核实, by the application
  contractChecks: 'contractChecks',
} as const;

/** The most documents one `get()` returns on CloudBase. */
export const PAGE_SIZE = 1000;

/** How many single-document writes upsertCatalog keeps in flight. */
export const WRITE_CONCURRENCY = 10;

export type Doc = Record<string, unknown>;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A field to order by: ascending when named alone, descending as `{ desc: field }`. */
type OrderKey = string | { desc: string };

/**
 * Every document of a query, PAGE_SIZE at a time, ordered by `order` (one field or several) so that pages
 * do not overlap: the fields together must be unique.
 */
export async function fetchAll(collection: string, query: Collection | Query, order: OrderKey | readonly OrderKey[]): Promise<Doc[]> {
  const all: Doc[] = [];
  const fields: readonly OrderKey[] = typeof order === 'string' || 'desc' in order ? [order] : order;
  const ordered = fields.reduce<Collection | Query>(
    (q, field) => (typeof field === 'string' ? q.orderBy(field, 'asc') : q.orderBy(field.desc, 'desc')),
    query,
  );
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = docList(await ordered.skip(offset).limit(PAGE_SIZE).get(), collection);
    all.push(...page);
    if (page.length < PAGE_SIZE) return all;
  }
}

export async function getById(collection: Collection, id: string): Promise<Doc | undefined> {
  const [doc] = docList(await collection.doc(id).get(), collection.name);
  return doc;
}

/**
 * The `{ data: [...] }` of a get(). The SDK throws on an error reply unless someone switched
 * `setThrowOnCode(false)`; then the reply carries `code` instead of `data`, and this throws it.
 */
export function docList(reply: unknown, collection: string): Doc[] {
  const data = isDoc(reply) ? reply.data : undefined;
  if (!Array.isArray(data)) throw replyError(reply, collection);
  return data.map((d) => {
    if (!isDoc(d)) throw new Error(`CloudBase ${collection}: document is not an object`);
    return d;
  });
}

/** Inside a transaction, doc().get() answers `{ data: document | null }` instead of a list. */
export function transactionDoc(reply: unknown, collection: string): Doc | undefined {
  if (!isDoc(reply) || !('data' in reply)) throw replyError(reply, collection);
  const { data } = reply;
  if (data === null || data === undefined) return undefined;
  if (Array.isArray(data)) return data.find(isDoc);
  if (!isDoc(data)) throw new Error(`CloudBase ${collection}: document is not an object`);
  return data;
}

export function total(reply: unknown, collection: string): number {
  const n = isDoc(reply) ? reply.total : undefined;
  if (typeof n !== 'number') throw replyError(reply, collection);
  return n;
}

/** The `deleted` of a remove(). */
export function deletedCount(reply: unknown, collection: string): number {
  const n = isDoc(reply) ? reply.deleted : undefined;
  if (typeof n === 'number') return n;
  if (typeof n === 'string' && /^\d+$/.test(n)) return Number(n);
  throw replyError(reply, collection);
}

/** The `updated` of an update's reply. */
export function updatedCount(reply: unknown, collection: string): number {
  const n = isDoc(reply) ? reply.updated : undefined;
  if (typeof n !== 'number') throw replyError(reply, collection);
  return n;
}

function replyError(reply: unknown, collection: string): Error {
  const code = isDoc(reply) && typeof reply.code === 'string' ? reply.code : 'unexpected reply';
  const message = isDoc(reply) && typeof reply.message === 'string' ? `: ${reply.message}` : '';
  return new Error(`CloudBase ${collection}: ${code}${message}`);
}

export function isDoc(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(doc: Doc, key: string, collection: string): string {
  const v = doc[key];
  if (typeof v !== 'string') throw new Error(`CloudBase ${collection}: field ${key} of ${String(doc._id)} is not a string`);
  return v;
}

/** A string, or null when the field is null or missing. */
export function nullableStr(doc: Doc, key: string, collection: string): string | null {
  return doc[key] === null || doc[key] === undefined ? null : str(doc, key, collection);
}

/** The SDK decodes stored dates ({ $date }) to Date. */
export function date(doc: Doc, key: string, collection: string): Date {
  const v = doc[key];
  if (!(v instanceof Date) || Number.isNaN(v.getTime())) throw new Error(`CloudBase ${collection}: field ${key} of ${String(doc._id)} is not a date`);
  return v;
}

export function num(doc: Doc, key: string, collection: string): number {
  const v = doc[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`CloudBase ${collection}: field ${key} of ${String(doc._id)} is not a number`);
  return v;
}

/** A date, or null when the field is null or missing. */
export function nullableDate(doc: Doc, key: string, collection: string): Date | null {
  return doc[key] === null || doc[key] === undefined ? null : date(doc, key, collection);
}

/** A platform code, or null when the field is null or missing. */
export function platformCode(doc: Doc, key: string, collection: string): TransferCode | null {
  const v = doc[key];
  if (v === null || v === undefined) return null;
  if (!isTransferCode(v)) throw new Error(`CloudBase ${collection}: field ${key} of ${String(doc._id)} is not a platform code`);
  return v;
}

/** A string field that must be one of `allowed`. */
export function oneOf<T extends string>(doc: Doc, key: string, collection: string, allowed: readonly T[]): T {
  const v = str(doc, key, collection);
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw new Error(`CloudBase ${collection}: field ${key} of ${String(doc._id)} is ${v}`);
  return found;
}

let lastSeqMillis = 0;

let seqCounter = 0;

/**
 * A string that sorts after every one this instance made before: the write time in ms (base 36, never
 * going back even if the clock does), a counter within that ms, and random bits that keep two instances
 * writing in the same ms apart.
 */
export function nextSeq(now: number = Date.now()): string {
  if (now > lastSeqMillis) {
    lastSeqMillis = now;
    seqCounter = 0;
  } else {
    seqCounter += 1;
  }
  return `${lastSeqMillis.toString(36).padStart(9, '0')}-${seqCounter.toString(36).padStart(4, '0')}-${randomBytes(4).toString('hex')}`;
}

/** What a transaction offers: collections whose documents are addressed by id (single-document operations). */
export interface Transaction {
  collection(name: string): Collection;
}

/**
 * `Db.runTransaction` is declared `any` in @cloudbase/database (it is assigned in the constructor);
 * its real shape is (callback: (tx) => Promise<T>, retries?: number) => Promise<T>.
 */
export async function runTransaction<T>(db: Db, body: (tx: Transaction) => Promise<T>): Promise<T> {
  const result: T = await db.runTransaction(body);
  return result;
}

export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  // one queue for all workers: each takes the next item from it
  const queue = items.values();
  const worker = async () => {
    for (const item of queue) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Runs a transaction again while it loses write conflicts beyond the SDK's own three tries (many callers on one
 * counter), after a short random wait.
 */
export async function retryConflicts<T>(work: () => Promise<T>, tries = 30): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = isDoc(error) ? error.code : undefined;
      if (code !== 'DATABASE_TRANSACTION_CONFLICT' || attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 20 * attempt)));
    }
  }
}
