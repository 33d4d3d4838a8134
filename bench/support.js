// What the benchmarks share: a migrated database of their own and Redis key clean-up, on one Redis
// or on a Redis Cluster (an ioredis Cluster: every master holds its own keys, SCAN walks one node).
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { Cluster } = require('ioredis');
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

/**
 * Calls onBatch(node, keys) for each SCAN batch of keys matching `pattern`: on one Redis the
 * client itself is the node; on a cluster every master is scanned, and each batch comes with the
 * master that holds it (its keys may still be in different slots).
 */
async function scanEach(redis, pattern, onBatch) {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await onBatch(node, keys);
      cursor = next;
    } while (cursor !== '0');
  }
}

/** Every key matching `pattern`, on one Redis or on every master of a cluster. */
async function scanKeys(redis, pattern) {
  const found = [];
  await scanEach(redis, pattern, (node, keys) => found.push(...keys));
  return found;
}

/** Deletes every key under `prefix`; on a cluster key by key, on the master that holds it. */
async function deletePrefix(redis, prefix) {
  await scanEach(redis, `${prefix}*`, async (node, keys) => {
    if (!(redis instanceof Cluster)) {
      await node.del(...keys);
      return;
    }
    const pipeline = node.pipeline();
    for (const key of keys) pipeline.del(key);
    await pipeline.exec();
  });
}

module.exports = { createMigratedDatabase, dropDatabase, scanEach, scanKeys, deletePrefix };
