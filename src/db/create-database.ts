// Creates a database on the server of a URL when it does not exist yet: `npm run dev` gives each
// checkout a database of its own (decision 0025) and makes it on first start.
import { Client } from 'pg';
import { PG_DUPLICATE_DATABASE, pgErrorCode } from './pg-errors';

// A name this service chose: plain lower-case letters, digits and "_", so it needs no quoting rules.
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates `name` next to the database of `serverUrl` (connecting to that one); true when it was created. */
export async function createDatabaseIfMissing(serverUrl: string, name: string): Promise<boolean> {
  if (!DATABASE_NAME.test(name)) throw new Error(`not a database name this service creates: ${name}`);
  // Connected to the maintenance database: the one to create cannot be connected to yet.
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), application_name: 'whatsapp-handler-dev' });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1::name', [name]);
    if (rowCount === 1) return false;
    await client.query(`create database "${name}"`);
    return true;
  } catch (error) {
    // Another process created it meanwhile.
    if (pgErrorCode(error) === PG_DUPLICATE_DATABASE) return false;
    throw error;
  } finally {
    await client.end();
  }
}
