// A fresh database per test file, cloned from the migrated template built in global setup.
import { randomBytes } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { makePool } from '../../src/db/pool';

export type TestDatabase = { name: string; url: string; pool: Pool; drop(): Promise<void> };

function urlFor(database: string): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database (no migrations) for tests of the migrations themselves. */
export async function createEmptyDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `wh_test_${Math.floor(Date.now() / 1000)}_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`create database "${name}"`));
  return {
    name,
    url: urlFor(name),
    drop: () => admin((client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

/** Creates a migrated database for one test file; call drop() in afterAll. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `wh_test_${Math.floor(Date.now() / 1000)}_${randomBytes(6).toString('hex')}`;
  const template = process.env.TEST_TEMPLATE_DATABASE!;
  await admin((client) => client.query(`create database "${name}" template "${template}"`));
  const url = urlFor(name);
  const pool = makePool(url, { max: 5, applicationName: 'whatsapp-handler-test' });
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await admin((client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}
