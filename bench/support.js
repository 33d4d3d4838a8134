// What the benchmarks share: a migrated database of their own and Redis key clean-up.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { Client } = require('pg');

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function urlFor(database) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(sql) {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates the database, runs every migration on it, and returns its URL. `root` is the checkout
 * whose migrations run (this one unless a bench measures another commit's build).
 */
async function createMigratedDatabase(name, root = path.join(__dirname, '..')) {
  await admin(`create database "${name}"`);
  const url = urlFor(name);
  const migrate = spawnSync(process.execPath, [path.join(root, 'scripts', 'migrate.mjs'), 'up'], {
    env: { ...process.env, DATABASE_URL: url, MIGRATE_QUIET: '1' },
    stdio: 'inherit',
  });
  if (migrate.status !== 0) throw new Error('migrations failed');
  return url;
}

function dropDatabase(name) {
  return admin(`drop database if exists "${name}" with (force)`);
}

async function deletePrefix(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

module.exports = { createMigratedDatabase, dropDatabase, deletePrefix };
