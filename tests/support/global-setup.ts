// Once per run: find Postgres and Redis, then build a migrated template database that every
// test file clones (CREATE DATABASE ... TEMPLATE is far faster than migrating per file). Unless
// TEST_REDIS_CLUSTER_NODES names one, also start a local Redis Cluster for the run and set it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { dockerEngineReachable, LOCAL_DATABASE_URL, LOCAL_REDIS_URL } from './services';

// Names carry their creation time so that a run only clears databases left behind by runs
// that ended long ago, never those of a run going on beside it.
const STALE_AFTER_SECONDS = 2 * 3600;
const now = Math.floor(Date.now() / 1000);
const TEMPLATE_DATABASE = `wh_tmpl_${now}_${process.pid}`;

type Stoppable = { stop(): Promise<unknown> };
declare global {
  var __TEST_CONTAINERS__: Stoppable[] | undefined;
  var __TEST_REDIS_CLUSTER__: Stoppable | undefined;
}

// A Redis Cluster for this run (scripts/redis-cluster.mjs), in a directory named for this
// process: a run that crashed before its teardown leaves its cluster running, and the next run
// stops it once the pid in the name is gone.
const CLUSTER_DIR = /^wh-cluster-(\d+)$/;

async function startRedisCluster(): Promise<Stoppable & { nodes: string[] }> {
  const { assertRedisInstalled, isAlive, startCluster, stopCluster } = await import('../../scripts/redis-cluster.mjs');
  assertRedisInstalled();
  for (const entry of fs.readdirSync(os.tmpdir())) {
    const owner = CLUSTER_DIR.exec(entry)?.[1];
    if (owner && !isAlive(Number(owner))) await stopCluster(path.join(os.tmpdir(), entry));
  }
  return startCluster({ dir: path.join(os.tmpdir(), `wh-cluster-${process.pid}`) });
}

async function startContainers(): Promise<{ databaseUrl: string; redisUrl: string }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const postgres = await new GenericContainer('postgres:15-alpine')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const redis = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
  globalThis.__TEST_CONTAINERS__ = [postgres, redis];
  return {
    databaseUrl: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
    redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
  };
}

export default async function globalSetup(): Promise<void> {
  // Unless one is given, the cluster starts now and comes up while the template database is built.
  const startingCluster = process.env.TEST_REDIS_CLUSTER_NODES ? undefined : startRedisCluster();
  startingCluster?.catch(() => undefined);
  try {
    await setUpDatabases();
  } catch (error) {
    await startingCluster?.then((cluster) => cluster.stop()).catch(() => undefined);
    throw error;
  }
  if (startingCluster) {
    const cluster = await startingCluster;
    globalThis.__TEST_REDIS_CLUSTER__ = cluster;
    process.env.TEST_REDIS_CLUSTER_NODES = cluster.nodes.join(',');
  }
}

async function setUpDatabases(): Promise<void> {
  if (!process.env.DATABASE_URL && !process.env.REDIS_URL && dockerEngineReachable()) {
    const urls = await startContainers();
    process.env.DATABASE_URL = urls.databaseUrl;
    process.env.REDIS_URL = urls.redisUrl;
  }
  process.env.DATABASE_URL ??= LOCAL_DATABASE_URL;
  process.env.REDIS_URL ??= LOCAL_REDIS_URL;

  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname ~ '^wh_(test|tmpl)_[0-9]+_'`,
    );
    for (const { datname } of rows) {
      const createdAt = Number(datname.split('_')[2]);
      if (now - createdAt > STALE_AFTER_SECONDS) await admin.query(`drop database if exists "${datname}" with (force)`);
    }
    await admin.query(`create database "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }

  const templateUrl = new URL(process.env.DATABASE_URL);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  execFileSync(process.execPath, [path.join(__dirname, '../../scripts/migrate.mjs'), 'up'], {
    env: { ...process.env, DATABASE_URL: templateUrl.toString(), MIGRATE_QUIET: '1' },
    stdio: 'inherit',
  });
  process.env.TEST_TEMPLATE_DATABASE = TEMPLATE_DATABASE;
}
