import type { HotReadRepository, SubmissionKey, SubmissionReads } from '../port';
import { identityRow } from '../rows/people';
import { readRow } from '../rows/read';
import { roleGrantRow } from '../rows/roles';
import { holdersIn, toApplication, toEndpoint } from './application-tables';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/**
 * The hot paths' reads, each one statement (issue 16, point 9): the rows of several tables come back as JSON
 * (to_jsonb) in one row and are read by the same row schemas as a plain select; their timestamps come back as
 * ISO text and are turned back into dates here.
 */

const TIMESTAMPS = ['created_at', 'updated_at', 'verified_at', 'expires_at'] as const;

/** A row read as JSON, its timestamp columns as dates again (what a plain select answers). */
function fromJson(row: Record<string, unknown>): Record<string, unknown> {
  const out = { ...row };
  for (const column of TIMESTAMPS) if (typeof out[column] === 'string') out[column] = new Date(out[column]);
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const rowsOf = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isRecord).map(fromJson) : []);
const rowOf = (value: unknown): Record<string, unknown> | undefined => (isRecord(value) ? fromJson(value) : undefined);

/** The caller's roles (jsonb) and one meta entry, as columns `roles` and `meta`: $1 the openid, $2 the meta key. */
const CALLER_COLUMNS = `coalesce((select jsonb_agg(jsonb_build_object('role', role, 'scope', scope) order by role, scope)
                            from roles where openid = $1 and revoked_at is null), '[]'::jsonb) as roles,
                (select value from meta where key = $2) as meta`;

/**
 * A submission's reads as columns (identity, api_centers, same_request, same_contract) of the openid `$1` and parameters
 * `$n`.. (`$n+2` the contract lookup, only for a purchase). Without a contract the statement has no same_contract query
 * at all rather than one that a null parameter switches off: the planner prices the generic plan of that query (every
 * application of one contract) above the custom plan of a null, so a prepared statement carrying it was planned again
 * at every call once the applications table had grown (about 0.3 ms a submission on PGlite, which has no autovacuum to
 * give the planner statistics).
 */
const submissionColumns = (n: number, withContract: boolean) => `(select to_jsonb(i) from identities i where openid = $1) as identity,
                array(select center_code from endpoints where center_code = any($${n}::text[]) and mode = 'api' order by center_code) as api_centers,
                (select id from applications where openid = $1 and request_id = $${n + 1}) as same_request,
                ${
                  withContract
                    ? `coalesce((select jsonb_agg(to_jsonb(a) order by created_at, id) from applications a where contract_lookup = $${n + 2}::text), '[]'::jsonb)`
                    : `'[]'::jsonb`
                } as same_contract`;

interface SubmissionRow {
  identity: unknown;
  api_centers: string[];
  same_request: string | null;
  same_contract: unknown;
}

function submissionReads(row: SubmissionRow): SubmissionReads {
  const identity = rowOf(row.identity);
  return {
    identity: identity ? readRow(identityRow(), 'SQL identities', camelCased(identity)) : undefined,
    apiCenters: row.api_centers,
    sameRequest: row.same_request ?? undefined,
    sameContract: rowsOf(row.same_contract).map(toApplication),
  };
}

/** The statement's columns and parameters for a submission's key (submissionColumns). */
function keyed(n: number, { centerCodes, requestId, contractLookup }: SubmissionKey) {
  const params = [[...centerCodes], requestId];
  return contractLookup === undefined
    ? { columns: submissionColumns(n, false), params }
    : { columns: submissionColumns(n, true), params: [...params, contractLookup] };
}

export function sqlHotReads(driver: SqlDriver): HotReadRepository {
  return {
    async caller(openid, metaKey, submission) {
      const roles = (row: { roles: unknown }) => rowsOf(row.roles).map((r) => readRow(roleGrantRow(), 'SQL roles', r));
      if (!submission) {
        const [row] = await driver.query<{ roles: unknown; meta: string | null }>(`select ${CALLER_COLUMNS}`, [openid, metaKey]);
        return { roles: roles(row), meta: row.meta ?? undefined };
      }
      const { columns, params } = keyed(3, submission);
      const [row] = await driver.query<{ roles: unknown; meta: string | null } & SubmissionRow>(`select ${CALLER_COLUMNS}, ${columns}`, [openid, metaKey, ...params]);
      return { roles: roles(row), meta: row.meta ?? undefined, submission: submissionReads(row) };
    },
    async submission(openid, centerCodes, requestId, contractLookup) {
      const { columns, params } = keyed(2, { centerCodes, requestId, contractLookup });
      const [row] = await driver.query<SubmissionRow>(`select ${columns}`, [openid, ...params]);
      return submissionReads(row);
    },
    async callback(centerCode, webhookId, applicationId) {
      const [row] = await driver.query<{ endpoint: unknown; receipt: boolean; application: unknown; endpoints: unknown }>(
        `select (select to_jsonb(e) from endpoints e where center_code = $1) as endpoint,
                exists (select 1 from callback_receipts where center_code = $1 and webhook_id = $2) as receipt,
                (select to_jsonb(a) from applications a where id = $3::text) as application,
                coalesce((select jsonb_agg(to_jsonb(e) order by center_code) from endpoints e
                          where center_code in (select c->>'code' from applications a, jsonb_array_elements(a.centers) c where a.id = $3::text)), '[]'::jsonb) as endpoints`,
        [centerCode, webhookId, applicationId ?? null],
      );
      const endpoint = rowOf(row.endpoint);
      const application = rowOf(row.application);
      const endpoints = rowsOf(row.endpoints).map(toEndpoint);
      return {
        endpoint: endpoint ? toEndpoint(endpoint) : undefined,
        holders: endpoint ? holdersIn(endpoint) : [],
        receipt: row.receipt,
        application: application ? toApplication(application) : undefined,
        endpoints: async () => endpoints,
      };
    },
  };
}
