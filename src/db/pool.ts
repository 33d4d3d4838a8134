import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';

/** A pool or a client inside a transaction: repository functions accept either. */
export type Queryable = {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
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
  // pool.end() resolves before its connections finish closing and drops the pool's listener on
  // them; Postgres ending such a connection (a restart, a dropped database) would then emit an
  // 'error' nobody hears, which crashes the process. Queries in flight still reject as usual.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export type { Pool, PoolClient };
