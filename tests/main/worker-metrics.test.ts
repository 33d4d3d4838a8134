// The worker's /metrics server as startWorkerProcess builds it from config: on loopback unless
// WORKER_METRICS_HOST opens it, and behind METRICS_TOKEN as the web's /metrics is.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { ShutdownStep } from '../../src/main/shutdown';
import { startWorkerProcess } from '../../src/main/worker';
import { makeFakeTwilio } from '../jobs/fake-twilio';
import { makeTestDeps, type TestDeps } from '../jobs/test-deps';

const TOKEN = 'a-metrics-token-for-the-tests';
let t: TestDeps | undefined;
let stop: ShutdownStep[] = [];
let stream: string;

async function startWorker(env: NodeJS.ProcessEnv = {}): Promise<AddressInfo> {
  // A stream of this test's own, so its consumer takes no other test's claim events.
  stream = `wh-test-worker-metrics-${randomUUID()}`;
  t = await makeTestDeps(makeFakeTwilio(), {
    env: { WORKER_METRICS_PORT: '0', INBOUND_EVENTS_STREAM: stream, ...env },
  });
  const started = await startWorkerProcess({ ...t.deps, close: async () => undefined });
  stop = started.stop;
  return started.metricsAddress!;
}

afterEach(async () => {
  for (const step of stop) await step.run();
  stop = [];
  if (t) {
    await t.redis.del(stream);
    await t.close();
    t = undefined;
  }
});

/** An address of this machine other than loopback, if it has one. */
function otherInterfaceAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
}

test('by default the worker serves /metrics on 127.0.0.1 only', async () => {
  const address = await startWorker();

  const response = await fetch(`http://127.0.0.1:${address.port}/metrics`);

  expect(address.address).toBe('127.0.0.1');
  expect(response.status).toBe(200);
  expect(await response.text()).toContain('whatsapp_job_duration_seconds');
  const other = otherInterfaceAddress();
  if (other !== undefined) {
    await expect(fetch(`http://${other}:${address.port}/metrics`)).rejects.toThrow();
  }
});

test('with METRICS_TOKEN set, /metrics answers 401 without the bearer token or with a wrong one', async () => {
  const address = await startWorker({ METRICS_TOKEN: TOKEN });
  const metrics = `http://127.0.0.1:${address.port}/metrics`;

  const anonymous = await fetch(metrics);
  const wrong = await fetch(metrics, { headers: { authorization: `Bearer ${TOKEN}x` } });
  const basic = await fetch(metrics, { headers: { authorization: `Basic ${TOKEN}` } });
  const right = await fetch(metrics, { headers: { authorization: `Bearer ${TOKEN}` } });

  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  expect(await anonymous.json()).toEqual({ code: 'UNAUTHORIZED', message: 'a valid bearer token is required' });
  expect(wrong.status).toBe(401);
  expect(basic.status).toBe(401);
  expect(right.status).toBe(200);
  expect(await right.text()).toContain('whatsapp_job_duration_seconds');
  for (const response of [wrong, basic]) await response.arrayBuffer();
});

test('WORKER_METRICS_HOST=0.0.0.0 opens it on every interface', async () => {
  const address = await startWorker({ WORKER_METRICS_HOST: '0.0.0.0' });

  expect(address.address).toBe('0.0.0.0');
  for (const host of ['127.0.0.1', otherInterfaceAddress()].filter((h) => h !== undefined)) {
    const response = await fetch(`http://${host}:${address.port}/metrics`);
    expect({ host, status: response.status }).toEqual({ host, status: 200 });
    await response.arrayBuffer();
  }
});

test('any other path is 404, with or without the token', async () => {
  const address = await startWorker({ METRICS_TOKEN: TOKEN });

  const response = await fetch(`http://127.0.0.1:${address.port}/`, { headers: { authorization: `Bearer ${TOKEN}` } });

  expect(response.status).toBe(404);
  await response.arrayBuffer();
});
