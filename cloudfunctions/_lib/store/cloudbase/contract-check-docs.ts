import type { ContractCheck, ContractCheckRepository } from '../port';
import { contractCheckRow } from '../rows/contract-checks';
import { readRow } from '../rows/read';
import { COLLECTIONS, getById, runTransaction, transactionDoc, type Db, type Doc } from './sdk';

/**
 * Staff's 已核实 of held purchase withdrawals (SQL migration 42):
 * - `contractChecks`: id = the application's id; the ContractCheck fields but applicationId, `at` as a date.
 */

const toCheck = (doc: Doc): ContractCheck => readRow(contractCheckRow(), `CloudBase ${COLLECTIONS.contractChecks}`, { ...doc, applicationId: doc._id });

export function cloudbaseContractChecks(db: Db): ContractCheckRepository {
  return {
    record: ({ applicationId, ...fields }) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.contractChecks).doc(applicationId);
        const held = transactionDoc(await ref.get(), COLLECTIONS.contractChecks);
        if (held) return toCheck({ ...held, _id: applicationId });
        await ref.set({ ...fields });
        return { applicationId, ...fields };
      }),
    async get(applicationId) {
      const doc = await getById(db.collection(COLLECTIONS.contractChecks), applicationId);
      return doc ? toCheck(doc) : undefined;
    },
  };
}
