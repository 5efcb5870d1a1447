/** The little the SQL store needs from a PostgreSQL connection, met by both `pg` and PGlite. */
export interface SqlDriver {
  /** Runs several statements with no parameters (migrations). */
  exec(text: string): Promise<void>;
  query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
