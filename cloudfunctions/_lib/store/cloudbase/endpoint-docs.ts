import type { EndpointValue } from '../../../../src/core/center-portal';
import type { CenterEndpoint, EndpointRepository } from '../port';
import { endpointRow, secretHoldersRow } from '../rows/applications';
import { readRow } from '../rows/read';
import { holdersOf, keptHolder, rotatedHolders, withRetired, type KeptHolder } from '../secret-holders';
import { COLLECTIONS, fetchAll, getById, runTransaction, transactionDoc, type Collection, type Db, type Doc } from './sdk';

/** The centers' delivery endpoints and their signing secrets. */

export function cloudbaseEndpoints(db: Db): EndpointRepository {
  const _ = db.command;
  const endpoints = () => db.collection(COLLECTIONS.endpoints);
  return {
    async get(centerCode) {
      const doc = await getById(endpoints(), centerCode);
      return doc ? toEndpoint(doc) : undefined;
    },
    async list() {
      return (await fetchAll(COLLECTIONS.endpoints, endpoints(), '_id')).map(toEndpoint);
    },
    // the whole document, set in a single-document transaction that reads it first: without `shownTo` the
    // holders recorded before stay, as SQL's upsert keeps them
    put: (e, shownTo) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.endpoints).doc(e.centerCode);
        const current = transactionDoc(await ref.get(), COLLECTIONS.endpoints);
        const secretHolders: KeptHolder[] =
          shownTo !== undefined
            ? e.secretsSealed.map((secretSealed) => ({ secretSealed, shownTo, retiresAt: null }))
            : current
              ? readRow(secretHoldersRow(), 'CloudBase endpoints', current).secretHolders
              : [];
        await ref.set({ centerCode: e.centerCode, mode: e.mode, url: e.url, secretsSealed: [...e.secretsSealed], secretHolders, updatedAt: e.updatedAt });
      }),
    // read-modify-write of one document by id in a transaction, as roles.grant: a concurrent rotation or
    // switch of the endpoint meets a write conflict and is run again on what this one wrote
    rotateSecret: (centerCode, secretSealed, at, shownTo) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.endpoints).doc(centerCode);
        const current = transactionDoc(await ref.get(), COLLECTIONS.endpoints);
        const shown: KeptHolder = { secretSealed, shownTo, retiresAt: null };
        if (!current) {
          await ref.set({ centerCode, mode: 'manual', url: null, secretsSealed: [secretSealed], secretHolders: [shown], updatedAt: at });
          return 1;
        }
        // the new secret first, then the newest other one still serving (rotatedHolders)
        const holders = rotatedHolders(holdersIn(current), secretSealed, shownTo, at);
        const secretsSealed = holders.map((h) => h.secretSealed);
        // _.set replaces the list whole
        await ref.update({ secretsSealed, secretHolders: _.set(holders.map(keptHolder)), updatedAt: at });
        return secretsSealed.length;
      }),
    async secretHolders(centerCode) {
      const doc = await getById(endpoints(), centerCode);
      return doc ? holdersIn(doc) : [];
    },
    // read-modify-write of one document by id in a transaction, as rotateSecret
    retireSecrets: (centerCode, secretsSealed, retiresAt) =>
      runTransaction(db, async (tx) => {
        const ref = tx.collection(COLLECTIONS.endpoints).doc(centerCode);
        const current = transactionDoc(await ref.get(), COLLECTIONS.endpoints);
        if (!current) return 0;
        const { holders, retired } = withRetired(holdersIn(current), secretsSealed, retiresAt);
        if (retired > 0) await ref.update({ secretHolders: _.set(holders.map(keptHolder)) });
        return retired;
      }),
  };
}

/**
 * Points a center's endpoint document, read in the same transaction (`current`), at its API endpoint or its
 * workbench, keeping its secrets (they are the center's, rotated in the portal, whatever the address); a
 * center without an endpoint gets one with none. With `secrets`, its secrets are replaced by them in the same
 * write, each recorded as shown to `shownTo`.
 */
export function writeEndpointAddress(
  ref: ReturnType<Collection['doc']>,
  current: Doc | undefined,
  centerCode: string,
  endpoint: EndpointValue,
  at: Date,
  secrets?: { sealed: readonly string[]; shownTo: string },
): Promise<unknown> {
  const address = { mode: endpoint.kind, url: endpoint.kind === 'api' ? endpoint.url : null, updatedAt: at };
  if (!secrets) return current ? ref.update(address) : ref.set({ centerCode, ...address, secretsSealed: [] });
  const secretHolders: KeptHolder[] = secrets.sealed.map((secretSealed) => ({ secretSealed, shownTo: secrets.shownTo, retiresAt: null }));
  // the whole document, as put does with `shownTo`
  return ref.set({ centerCode, ...address, secretsSealed: [...secrets.sealed], secretHolders });
}


export const toEndpoint = (doc: Doc): CenterEndpoint => readRow(endpointRow(), 'CloudBase endpoints', doc);

/** The endpoint document's secrets with who was shown each. */
export const holdersIn = (doc: Doc) => {
  const { secretsSealed, secretHolders: kept } = readRow(secretHoldersRow(), 'CloudBase endpoints', doc);
  return holdersOf(secretsSealed, kept);
};
