import tcb from '@cloudbase/node-sdk';
import type { Store } from '../port';
import { cloudbaseApplications, cloudbaseOutbox } from './application-docs';
import { cloudbaseCalendarYears } from './calendar-docs';
import { cloudbaseCenters, cloudbaseJumps, cloudbaseLinks, cloudbaseMeta } from './catalog-docs';
import {
  cloudbaseConformanceCallbacks,
  cloudbaseConformanceRuns,
  cloudbaseHealth,
  cloudbaseLinkChanges,
  cloudbaseStaffInvites,
} from './center-docs';
import { cloudbaseEndpoints } from './endpoint-docs';
import { cloudbaseHotReads } from './hot-reads';
import {
  cloudbaseAttempts,
  cloudbaseAudit,
  cloudbaseConsents,
  cloudbaseCounterRequests,
  cloudbaseIdentities,
  cloudbaseVerifications,
} from './person-docs';
import { cloudbaseRatings } from './rating-docs';
import { cloudbasePrivacy } from './privacy-docs';
import { cloudbaseContractChecks } from './contract-check-docs';
import { cloudbaseRoles, type StoreWarning } from './role-docs';
import type { CloudbaseApp } from './sdk';
import { cloudbaseDashboard } from './dashboard-docs';
import { cloudbaseMonthly } from './monthly-docs';
import { cloudbaseSupervision } from './supervision';
import { cloudbaseCatalogFixes, cloudbaseFindings } from './finding-docs';
import { cloudbaseTrialChecks } from './trial-docs';
import { cloudbaseBusinessDomains } from './business-domain-docs';
import { cloudbaseAttachmentFetches } from './attachment-fetch-docs';
import { cloudbaseCertificateCodes } from './certificate-code-docs';
import { cloudbaseScans, cloudbaseTrialInvites } from './trial-invite-docs';

/**
 * The store over the CloudBase document database (deployed functions without DATABASE_URL).
 *
 * Collections and document ids:
 * - `centers`: id = center code; the Center fields (code included, for ordering), and `counter`
 *              ({ address, hours }) once the center's service hall is recorded (missing or null before).
 * - `links`:   id = `${centerCode}:${item}`; centerCode, item, kind, url | appId + path, healthy, updatedAt;
 *              a route without a channel (kind in-app or counter) has no url, appId, path or healthy.
 * - `jumps`:   generated id; centerCode, item, outcome, at (Date).
 * - `roles`:   id = openid; grants: RoleGrant[].
 * - `meta`:    id = key; value. `business-domains:configured` lists the configured business domains (business-domain-docs.ts).
 * - `identities`:    id = openid; the IdentityRecord fields (openid included, for the "other holder" query),
 *                    verifiedAt and expiresAt as dates, phoneSealed string or null.
 * - `verifications`: id = verifyId; the VerificationSession fields (verifyId included), createdAt as a date;
 *                    removed once used or an hour old (documents of older versions also carry certHash and
 *                    status: the first removeOlderThan deletes them).
 * - `counterRequests`: id = code; the CounterRequest fields (code included), createdAt and expiresAt as dates,
 *                    confirmedBy, centerCode, confirmedByLookup and secondConfirmedBy string or null.
 * - `attempts`:      generated id (or the window's counter id and a seq); subject, at (Date), openid (whose attempt, or
 *                    null; older documents lack it and go by age).
 * - `attemptCounters`: id = hash of subject and window start; subject, since (Date), count, openid (the latest writer).
 * - `consents`:      generated id; openid, version, at (Date), seq.
 * - `audit`:         generated id; at (Date), actor, action, subject, detail, seq.
 *
 * Applications, their outbox and the centers' endpoints (the port's applications, outbox, endpoints):
 * - `applications`:  id = application id; one document per application holding what moves with it (decision 017,
 *                    application-docs.ts): the ApplicationRecord fields (id included), createdAt and updatedAt as
 *                    dates, `centerCodes` (for listForCenter's array-contains query), the unique slots
 *                    `inFlightSlot` and `letterSlot` (with `letterPrefix`, `letterSeq`), and `events`, `receipts`,
 *                    `documents`, `outbox` (each record with its lease and `attemptLog`), `outboxIds`, `relayAt`,
 *                    `outboxDead` and `rev`. A document from before issue 12's stored flags lacks
 *                    acceptByProvisional, targetBy and targetProvisional: read as false, null, false.
 * - `endpoints`:     id = center code; the CenterEndpoint fields (centerCode included), updatedAt as a date.
 *
 * Ratings (the port's ratings):
 * - `ratings`:       id = application id (one rating per application, as SQL's primary key); the RatingRecord
 *                    fields (applicationId included), at and followUpAt (or null) as dates. create and
 *                    closeFollowUp are each one single-document transaction on it: read, then write or not.
 *
 * The center portal (the port's staffInvites, linkChanges, health, conformanceRuns, conformanceCallbacks):
 * - `staffInvites`:  id = invite code; the StaffInvite fields (code included), createdAt, expiresAt and usedAt (or
 *                    null) as dates. redeem is one transaction over the invite and the person's `roles` document:
 *                    two redemptions of one invite both write the invite, two by one person both write their
 *                    roles document, so the loser meets a write conflict and, run again, reads the winner's.
 * - `linkChanges`:   id = change id; the LinkChange fields (id included), dates as dates, target and previous as
 *                    objects (previous null for nothing), plus `targetKey` (targetKey of the target).
 * - `changeTargets`: id = `${centerCode}:${targetKey}`; approvedId (the change approved for it and not yet live,
 *                    or null). SQL's partial unique index: review and apply read and write it in their
 *                    transaction, so two reviews, or a review and a switch, of one target meet a write conflict.
 * - `channelHealth`: id = `${centerCode}:${channel}`; the ChannelHealth fields, checkedAt as a date.
 * - `conformanceRuns`: id = run id; the ConformanceRun fields (id included), startedAt as a date, report an
 *                    object or null, secretsSealed an array (emptied when the run ends), passes a number,
 *                    and the lease (leaseHolder, leaseUntil as a date, or null): taken in a single-document transaction that reads the run again first.
 * - `conformanceSteps`: id = `${runId}:${index}`; runId and the ConformanceStepRecord fields, doneAt as a date.
 *                    recordStep is set-if-absent in a single-document transaction, so a step is recorded once.
 * - `conformanceCallbacks`: generated id; centerCode, applicationId, the ReceivedCallback fields with `at` as a
 *                    date, and `seq` (arrival order).
 * - `calendarYears`: id = the year as text; the CalendarYearRecord fields (year a number), notice an object,
 *                    holidays and workdays arrays, loadedAt a date. create is set-if-absent and replace a
 *                    read-then-write, each one single-document transaction.
 * - `businessDomains`: id = the domain; the BusinessDomainRecord fields (domain included, for ordering),
 *                    verificationFile an object { name, content } or null, checkedAt (or null) and updatedAt dates.
 *                    put and recordCheck each read, then write, the one document in a transaction.
 * Indexes these want: applications (status, createdAt) for listOpen, linkChanges (centerCode, proposedAt desc), linkChanges (status, proposedAt),
 * channelHealth (healthy), conformanceRuns (centerCode, startedAt desc), conformanceRuns (report, startedAt),
 * conformanceSteps (runId, index), conformanceCallbacks (centerCode, applicationId, seq).
 *
 * applications.create is one insert and applications.transition one conditional update; the relay's lease and
 * settlement and a reschedule write the document only while its `rev` is the one read (decision 017).
 *
 * Indexes: collections.ts declares every one (unique ones included) and `npm run cloud:setup` creates them.
 *
 * `seq` (see nextSeq) stands in for SQL's bigserial id, which CloudBase has not: a client-generated string
 * that sorts by the time of the write, then by a counter within this function instance, then by random bits.
 * Audit entries are listed by `at`, then `seq`; the latest consent is the one with the greatest `at`, then
 * `seq`. Within one instance that is append order for equal `at`; across instances, equal `at` is ordered by
 * the instances' clocks, which is as good as it gets without a central counter.
 *
 * What SQL enforces and CloudBase only can with indexes made in the console: identities.docLookup unique
 * (without it two concurrent binds of one document to two openids can both stand, see identities.bind),
 * verifications.outSeqNo unique. Queries want indexes on identities.docLookup, attempts (subject, at),
 * consents (openid, at), audit (subject, at, seq).
 *
 * CloudBase limits this works within: `get()` returns at most 1000 documents (100 unless told), so every
 * listing pages with skip/limit; transactions may only touch single documents by id. Database security
 * rules deny client access, so only cloud functions (this adapter) read or write these collections.
 */

export function openCloudbaseStore(options: { env: string; serviceUrl?: string; secretId?: string; secretKey?: string; warn?: StoreWarning }): Store {
  const { env, serviceUrl, secretId, secretKey, warn } = options;
  const app = tcb.init({
    env,
    ...(serviceUrl !== undefined ? { serviceUrl } : {}),
    // the SDK rejects a lone secretId or secretKey; without both it signs with the function's own credentials
    ...(secretId !== undefined || secretKey !== undefined ? { secretId, secretKey } : {}),
  });
  return createCloudbaseStore(app, warn);
}

/** The store over one CloudBase app: each aggregate's documents in a file of its own, like sql/; `warn` reports what it reads as absent. */
export function createCloudbaseStore(app: CloudbaseApp, warn: StoreWarning = () => undefined): Store {
  const db = app.database();
  return {
    kind: 'cloudbase',
    centers: cloudbaseCenters(db),
    links: cloudbaseLinks(db),
    jumps: cloudbaseJumps(db),
    roles: cloudbaseRoles(db, warn),
    meta: cloudbaseMeta(db),
    identities: cloudbaseIdentities(db),
    verifications: cloudbaseVerifications(db),
    counterRequests: cloudbaseCounterRequests(db),
    attempts: cloudbaseAttempts(db),
    consents: cloudbaseConsents(db),
    audit: cloudbaseAudit(db),
    privacy: cloudbasePrivacy(db),
    contractChecks: cloudbaseContractChecks(db),
    applications: cloudbaseApplications(db),
    outbox: cloudbaseOutbox(db),
    endpoints: cloudbaseEndpoints(db),
    ratings: cloudbaseRatings(db),
    staffInvites: cloudbaseStaffInvites(db),
    trialInvites: cloudbaseTrialInvites(db),
    scans: cloudbaseScans(db),
    linkChanges: cloudbaseLinkChanges(db),
    health: cloudbaseHealth(db),
    conformanceRuns: cloudbaseConformanceRuns(db),
    conformanceCallbacks: cloudbaseConformanceCallbacks(db),
    calendarYears: cloudbaseCalendarYears(db),
    supervision: cloudbaseSupervision(db),
    monthly: cloudbaseMonthly(db),
    dashboard: cloudbaseDashboard(db),
    findings: cloudbaseFindings(db),
    catalogFixes: cloudbaseCatalogFixes(db),
    trialChecks: cloudbaseTrialChecks(db),
    businessDomains: cloudbaseBusinessDomains(db),
    attachmentFetches: cloudbaseAttachmentFetches(db),
    certificateCodes: cloudbaseCertificateCodes(db),
    // repositories of their own over the same database: the reads send their requests at once
    reads: cloudbaseHotReads(db, { roles: cloudbaseRoles(db, warn), meta: cloudbaseMeta(db), identities: cloudbaseIdentities(db), applications: cloudbaseApplications(db), endpoints: cloudbaseEndpoints(db) }),
    close: async () => {
      // nothing to release: the SDK opens no session, every call is an independent signed HTTPS request
    },
  };
}
