import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';

/** A pool or a client inside a transaction: repository functions accept either. */
export type Queryable = {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
};

export function makePool(databaseUrl: string, options: { max?: number; applicationName?: string } = {}): Pool {
  return new Pool({
    connectionString: databaseUrl,
    // Small by default: each worker process holds its own pool and Postgres has ~100 slots.
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'whatsapp-handler',
    // Fail fast when Postgres is unreachable so jobs are retried instead of hanging.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
}

export type { Pool, PoolClient };
