// Postgres closing a pooled connection must not crash the process: the pool drops the connection
// and the next query gets a fresh one.
import { makePool } from '../../src/db/pool';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => (db = await createTestDatabase()));
afterAll(() => db.drop());

async function terminate(applicationName: string): Promise<number> {
  const { rows } = await db.pool.query<{ pid: number }>(
    `select pg_terminate_backend(pid), pid from pg_stat_activity
      where application_name = $1 and datname = current_database()`,
    [applicationName],
  );
  return rows.length;
}

test('an idle connection closed by Postgres is dropped, and the pool serves the next query', async () => {
  const pool = makePool(db.url, { applicationName: 'pool-test-idle' });
  try {
    await pool.query('select 1');
    expect(pool.idleCount).toBe(1);
    const removed = new Promise((resolve) => pool.once('remove', resolve));

    expect(await terminate('pool-test-idle')).toBe(1);
    await removed;

    expect(pool.totalCount).toBe(0);
    expect((await pool.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
  } finally {
    await pool.end();
  }
});

test('a checked-out connection closed between queries fails its next query, and nothing crashes', async () => {
  const pool = makePool(db.url, { applicationName: 'pool-test-busy' });
  try {
    const client = await pool.connect();
    await client.query('select 1');
    const ended = new Promise((resolve) => client.once('end', resolve));
    expect(await terminate('pool-test-busy')).toBe(1);
    await ended;

    await expect(client.query('select 1')).rejects.toThrow();
    client.release(true);
    expect((await pool.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
  } finally {
    await pool.end();
  }
});
