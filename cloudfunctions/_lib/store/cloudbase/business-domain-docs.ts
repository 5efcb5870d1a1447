import type { BusinessDomainRecord, BusinessDomainRepository } from '../port';
import { businessDomainRow } from '../rows/business-domains';
import { readRow } from '../rows/read';
import { COLLECTIONS, fetchAll, getById, runTransaction, transactionDoc, type Db, type Doc } from './sdk';

/** The mini-program's business domains: one document per domain a supervisor set, by the domain as its id. */

export function cloudbaseBusinessDomains(db: Db): BusinessDomainRepository {
  const domains = () => db.collection(COLLECTIONS.businessDomains);
  return {
    async get(domain) {
      const doc = await getById(domains(), domain);
      return doc ? toBusinessDomain(doc) : undefined;
    },
    async list() {
      return (await fetchAll(COLLECTIONS.businessDomains, domains(), 'domain')).map(toBusinessDomain);
    },
    put: (record) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.businessDomains).doc(record.domain);
        const before = transactionDoc(await ref.get(), COLLECTIONS.businessDomains);
        await ref.set(businessDomainDoc(record));
        return before ? toBusinessDomain(before) : undefined;
      }),
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
