/** The little the SQL store needs from a PostgreSQL connection, met by both `pg` and PGlite. */
export interface SqlDriver {
  /** Runs several statements with no parameters (migrations). */
  exec(text: string): Promise<void>;
  query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Prepared statements a connection keeps (decision 019): texts beyond it are closed (PGlite) or run unnamed (pg). */
export const PREPARED_LIMIT = 256;
/** SQLSTATE feature_not_supported: "cached plan must not change result type" after a migration changed a table. */
export const PLAN_CHANGED = '0A000';
