import type { BusinessDomainPut, BusinessDomainRecord, BusinessDomainRepository } from '../port';
import { businessDomainRow } from '../rows/business-domains';
import { readRow } from '../rows/read';
import { COLLECTIONS, fetchAll, getById, retryConflicts, runTransaction, str, transactionDoc, type Db, type Doc } from './sdk';

/** The mini-program's business domains: one document per domain a supervisor set, by the domain as its id. */

/**
 * The `meta` document that lists the configured domains (its value a JSON array), kept by every put in the same
 * transaction as the domain's document: the count against the limit a transaction can read (it cannot query).
 */
const CONFIGURED_TALLY = 'business-domains:configured';

function tallyOf(doc: Doc): string[] {
  const parsed: unknown = JSON.parse(str(doc, 'value', COLLECTIONS.meta));
  if (!Array.isArray(parsed) || !parsed.every((d): d is string => typeof d === 'string')) throw new Error(`CloudBase meta ${CONFIGURED_TALLY}: not a list of domains`);
  return parsed;
}

export function cloudbaseBusinessDomains(db: Db): BusinessDomainRepository {
  const domains = () => db.collection(COLLECTIONS.businessDomains);
  const configuredNow = async () => (await fetchAll(COLLECTIONS.businessDomains, domains(), 'domain')).map(toBusinessDomain).filter((d) => d.state === 'configured').map((d) => d.domain);
  return {
    async get(domain) {
      const doc = await getById(domains(), domain);
      return doc ? toBusinessDomain(doc) : undefined;
    },
    async list() {
      return (await fetchAll(COLLECTIONS.businessDomains, domains(), 'domain')).map(toBusinessDomain);
    },
    put: async (record, configuredLimit) => {
      // first write since the tally existed: it starts from the configured domains as listed
      const seed = (await getById(db.collection(COLLECTIONS.meta), CONFIGURED_TALLY)) ? undefined : await configuredNow();
      return retryConflicts(() =>
        runTransaction(db, async (tx): Promise<BusinessDomainPut> => {
          const ref = tx.collection(COLLECTIONS.businessDomains).doc(record.domain);
          const tallyRef = tx.collection(COLLECTIONS.meta).doc(CONFIGURED_TALLY);
          const found = transactionDoc(await ref.get(), COLLECTIONS.businessDomains);
          const tallyDoc = transactionDoc(await tallyRef.get(), COLLECTIONS.meta);
          const configured = new Set(tallyDoc ? tallyOf(tallyDoc) : (seed ?? []));
          configured.delete(record.domain);
          if (record.state === 'configured' && configuredLimit !== undefined && found?.state !== 'configured' && configured.size >= configuredLimit) {
            return { written: false, configured: configured.size };
          }
          if (record.state === 'configured') configured.add(record.domain);
          await ref.set(businessDomainDoc(record));
          await tallyRef.set({ value: JSON.stringify([...configured].sort()) });
          return { written: true, replaced: found ? toBusinessDomain(found) : undefined };
        }),
      );
    },
    recordCheck: (domain, setAt, check) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.businessDomains).doc(domain);
        const found = transactionDoc(await ref.get(), COLLECTIONS.businessDomains);
        const before = found ? toBusinessDomain(found) : undefined;
        if (before?.state !== 'requested' || before.updatedAt.getTime() !== setAt.getTime()) return undefined;
        const placed = check.problem === null;
        const after: BusinessDomainRecord = {
          ...before,
          checkedAt: check.at,
          problem: check.problem,
          ...(placed ? { state: 'file-placed', updatedAt: check.at, updatedBy: check.by } : {}),
        };
        await ref.set(businessDomainDoc(after));
        return after;
      }),
  };
}

function businessDomainDoc(r: BusinessDomainRecord): Doc {
  return {
    domain: r.domain,
    state: r.state,
    verificationFile: r.verificationFile ? { ...r.verificationFile } : null,
    checkedAt: r.checkedAt,
    problem: r.problem,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
  };
}

const toBusinessDomain = (doc: Doc): BusinessDomainRecord => readRow(businessDomainRow(), 'CloudBase businessDomains', doc);
