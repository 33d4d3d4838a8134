// /readyz is public: it says which dependency is down and nothing more. The reason, which names
// the database's host and port, goes to the log for operators.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import { makePool } from '../../src/db/pool';
import { makeRequestListener } from '../../src/http/app';
import { makeMetrics } from '../../src/observability/metrics';
import { makeRedis } from '../../src/redis';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';
import { captureLogs, type LogLines } from '../support/log-lines';

// Ports where nothing listens: what a web process sees while Postgres or Redis is down.
const DEAD_POSTGRES = 'postgres://postgres@127.0.0.1:1/postgres';
const DEAD_REDIS = 'redis://127.0.0.1:1';

let t: TestDeps;
let logs: LogLines;
let server: Server;
let url: string;
let deadPool: Pool;
const deadRedis = makeRedis(DEAD_REDIS, 'web');
deadRedis.on('error', () => undefined);

async function serve(overrides: Partial<TestDeps['deps']>): Promise<void> {
  // A registry per app: the metrics router registers its gauges once per registry.
  const deps = { ...t.deps, logger: logs.logger, metrics: makeMetrics(), ...overrides };
  server = createServer(makeRequestListener(deps));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  t = await makeTestDeps(makeFakeTwilio());
  deadPool = makePool(DEAD_POSTGRES);
});
beforeEach(() => {
  logs = captureLogs('info');
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterAll(async () => {
  deadRedis.disconnect();
  await deadPool.end();
  await t.close();
});

test('with Postgres and Redis down, readyz says only that they are down; the log says why', async () => {
  await serve({ db: deadPool, redis: deadRedis });

  const response = await fetch(`${url}/readyz`);
  const text = await response.text();

  expect(response.status).toBe(503);
  expect(JSON.parse(text)).toEqual({ status: 'not ready', checks: { postgres: 'down', redis: 'down' } });
  expect(text).not.toContain('127.0.0.1');
  const failures = logs.lines().filter((line) => line.msg === 'readiness check failed');
  expect(failures.map((line) => line.check).sort()).toEqual(['postgres', 'redis']);
  expect(failures.find((line) => line.check === 'postgres')!.err).toMatch(/127\.0\.0\.1:1\b/);
});

test('with only Postgres down, readyz names it and keeps Redis ok', async () => {
  await serve({ db: deadPool });

  const response = await fetch(`${url}/readyz`);

  expect(response.status).toBe(503);
  expect(await response.json()).toEqual({ status: 'not ready', checks: { postgres: 'down', redis: 'ok' } });
});

test('with both up, readyz is 200 and logs no failure', async () => {
  await serve({});

  const response = await fetch(`${url}/readyz`);

  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  expect(logs.lines().filter((line) => line.msg === 'readiness check failed')).toEqual([]);
});
