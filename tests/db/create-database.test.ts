// `npm run dev` creates its checkout's database on first start, and finds it there afterwards.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDatabaseIfMissing } from '../../src/db/create-database';

// The harness's stale-database sweep knows wh_test_<seconds>_ names.
const name = `wh_test_${Math.floor(Date.now() / 1000)}_${randomBytes(6).toString('hex')}`;

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

afterAll(() => admin((client) => client.query(`drop database if exists "${name}" with (force)`)));

test('creates a missing database once; the second call finds it', async () => {
  // Any database on the server will do as the URL: the new one is made beside it.
  const serverUrl = new URL(process.env.DATABASE_URL!);
  serverUrl.pathname = `/${name}`;

  expect(await createDatabaseIfMissing(serverUrl.toString(), name)).toBe(true);
  expect(await createDatabaseIfMissing(serverUrl.toString(), name)).toBe(false);
  const { rowCount } = await admin((client) => client.query('select 1 from pg_database where datname = $1', [name]));
  expect(rowCount).toBe(1);
});

test('refuses a name it would have to quote', async () => {
  await expect(createDatabaseIfMissing(process.env.DATABASE_URL!, 'bad"name')).rejects.toThrow(/not a database name/);
});
