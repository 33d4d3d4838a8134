import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';

/** A pool or a client inside a transaction: repository functions accept either. */
export type Queryable = {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
  /** A named query is parsed and planned once per connection (a prepared statement). */
  query<R extends QueryResultRow = QueryResultRow>(named: {
    name: string;
    text: string;
    values: unknown[];
  }): Promise<QueryResult<R>>;
};

export function makePool(databaseUrl: string, options: { max?: number; applicationName?: string } = {}): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    // Small by default: each worker process holds its own pool and Postgres has ~100 slots.
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'whatsapp-handler',
    // Fail fast when Postgres is unreachable so jobs are retried instead of hanging.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // Postgres may close a connection at any time (a restart, a failover, a dropped database, even
  // during pool.end()). The pool then emits 'error' for an idle connection, and the connection
  // itself emits one while checked out between queries; an 'error' nobody listens to crashes the
  // process. Both are dropped from the pool and queries in flight still reject, so nothing is
  // lost by listening here; composition roots add a listener that logs.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export type { Pool, PoolClient };
