import type { CenterEndpoint, HotReadRepository, Store } from '../port';
import { requestHolder } from './application-docs';
import { holdersIn, toEndpoint } from './endpoint-docs';
import { COLLECTIONS, docList, getById, str, type Db } from './sdk';

/**
 * The hot paths' reads (issue 16, point 9) as requests sent at once: documents read by id (and one query) that do
 * not depend on each other go out together, so they cost one round trip. The callback's endpoints of the
 * application's centers need the application first: a second round trip, made only when asked for.
 */
export function cloudbaseHotReads(db: Db, repos: Pick<Store, 'roles' | 'meta' | 'identities' | 'applications' | 'endpoints'>): HotReadRepository {
  const endpointsOf = async (codes: readonly string[]) =>
    (await Promise.all([...new Set(codes)].map((code) => repos.endpoints.get(code)))).filter((e) => e !== undefined);
  /** Which of `codes` take deliveries by API: one query that brings back their ids alone (never the sealed secrets). */
  const apiCentersOf = async (codes: readonly string[]): Promise<string[]> => {
    const asked = [...new Set(codes)];
    if (asked.length === 0) return [];
    const E = COLLECTIONS.endpoints;
    const docs = docList(await db.collection(E).where({ _id: db.command.in(asked), mode: 'api' }).limit(asked.length).field({ _id: true }).get(), E);
    return docs.map((d) => str(d, '_id', E)).sort();
  };
  async function submission(openid: string, centerCodes: readonly string[], requestId: string, contractLookup: string | undefined) {
    const [identity, apiCenters, same, sameContract] = await Promise.all([
      repos.identities.get(openid),
      apiCentersOf(centerCodes),
      requestHolder(db, openid, requestId),
      contractLookup === undefined ? [] : repos.applications.listByContract(contractLookup),
    ]);
    return { identity, apiCenters, sameRequest: same, sameContract };
  }
  return {
    async caller(openid, metaKey, key) {
      // with a submission's key, its reads go out with the caller's
      const [roles, meta, reads] = await Promise.all([
        repos.roles.rolesOf(openid),
        repos.meta.get(metaKey),
        key ? submission(openid, key.centerCodes, key.requestId, key.contractLookup) : undefined,
      ]);
      return reads ? { roles, meta, submission: reads } : { roles, meta };
    },
    submission,
    async callback(centerCode, webhookId, applicationId) {
      const [endpointDoc, receipt, application] = await Promise.all([
        getById(db.collection(COLLECTIONS.endpoints), centerCode),
        repos.applications.hasReceipt(centerCode, webhookId),
        applicationId === undefined ? undefined : repos.applications.get(applicationId),
      ]);
      let centersEndpoints: Promise<CenterEndpoint[]> | undefined;
      return {
        endpoint: endpointDoc ? toEndpoint(endpointDoc) : undefined,
        holders: endpointDoc ? holdersIn(endpointDoc) : [],
        receipt,
        application,
        endpoints: () => (centersEndpoints ??= application ? endpointsOf(application.centers.map((c) => c.code)) : Promise.resolve([])),
      };
    },
  };
}
