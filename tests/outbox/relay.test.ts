import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { makePool } from '../../src/db/pool';
import { userPreferencesUpdated } from '../../src/events';
import { makeLogger } from '../../src/logger';
import { makeOutboxMetrics } from '../../src/outbox/outbox-metrics';
import { runRelay, relayBatch, type RelayDeps } from '../../src/outbox/relay';
import { makeRedisStreamTransport } from '../../src/outbox/redis-stream-transport';
import type { OutboxTransport, PublishOutcome } from '../../src/outbox/transport';
import { appendEvent, unparkEvent } from '../../src/repos/outbox';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { deletePrefix, makeTestRedis, testPrefix } from '../support/redis';
import { orderPerAggregate, readStream } from './stream-helpers';
import { registeredEvent } from '../support/events';

let db: TestDatabase;
let redis: Redis;
let prefix: string;
let stream: string;

beforeEach(async () => {
  db = await createTestDatabase();
  redis = makeTestRedis();
  prefix = testPrefix();
  stream = `${prefix}:events`;
});
afterEach(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await db.drop();
});

/** Makes every backoff of these events pass at once, as if its delay had gone by. */
async function backoffPasses(ids: string[]): Promise<void> {
  await db.pool.query(`update whatsapp_handler.outbox_events set next_attempt_at = now() where id = any($1::uuid[])`, [
    ids,
  ]);
}

function relayDeps(overrides: Partial<RelayDeps> = {}): RelayDeps {
  return {
    db: db.pool,
    logger: makeLogger('silent'),
    transport: makeRedisStreamTransport(redis, { stream }),
    maxAttempts: 3,
    ...overrides,
  };
}

async function appendFor(aggregateId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const event = userPreferencesUpdated({ userId: aggregateId, key: 'notifications', value: i % 2 === 0 });
    ids.push((await appendEvent(db.pool, event)).id);
  }
  return ids;
}

async function rowState(id: string) {
  const { rows } = await db.pool.query<{
    published_at: Date | null;
    parked_at: Date | null;
    attempts: number;
    last_error: string | null;
  }>(`select published_at, parked_at, attempts, last_error from whatsapp_handler.outbox_events where id = $1::uuid`, [
    id,
  ]);
  return rows[0]!;
}

/** Fails every event of the given aggregates; publishes the rest through `inner`. */
function failingFor(inner: OutboxTransport, aggregates: Set<string>, permanent = false): OutboxTransport {
  return {
    name: 'failing',
    async publish(envelopes) {
      const pass = envelopes.filter((e) => !aggregates.has(e.aggregate_id));
      const passed = await inner.publish(pass);
      return envelopes.map((e): PublishOutcome =>
        aggregates.has(e.aggregate_id)
          ? { ok: false, error: 'consumer unavailable', permanent }
          : passed[pass.indexOf(e)]!,
      );
    },
    close: async () => undefined,
  };
}

test('published events reach the stream in the PRODUCT.md envelope and are marked published', async () => {
  const userId = randomUUID();
  const { id } = await appendEvent(db.pool, registeredEvent({ userId, correlationId: 'SM1' }));

  const result = await runRelay(relayDeps());

  expect(result).toMatchObject({ published: 1, failed: 0, more: false });
  const [envelope] = await readStream(redis, stream);
  expect(envelope).toEqual({
    event_id: id,
    event_type: 'user.registered',
    aggregate_type: 'user',
    aggregate_id: userId,
    occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    correlation_id: 'SM1',
    payload: { user_id: userId, terms_version: '2026-11', terms_accepted_at: '2026-11-25T09:14:03.512Z' },
  });
  expect((await rowState(id)).published_at).not.toBeNull();
});

test('an aggregate with several pending events is drained in order across batches', async () => {
  const userId = randomUUID();
  const ids = await appendFor(userId, 7);

  const result = await runRelay(relayDeps(), { batchSize: 1 });

  expect(result.published).toBe(7);
  expect((await readStream(redis, stream)).map((e) => e.event_id)).toEqual(ids);
});

test('when the relay dies after publishing and before marking, the event is published again later', async () => {
  const userId = randomUUID();
  const { id } = await appendEvent(db.pool, registeredEvent({ userId }));
  const relayPool = makePool(db.url, { max: 2, applicationName: 'outbox-relay-doomed' });
  const inner = makeRedisStreamTransport(redis, { stream });
  // The "crash": once the XADD has succeeded, the relay's database connection is killed, so its
  // transaction (with the claim and the markPublished to come) never commits.
  const dying: OutboxTransport = {
    name: 'dying',
    async publish(envelopes) {
      const outcomes = await inner.publish(envelopes);
      await db.pool.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'outbox-relay-doomed' and datname = current_database()`,
      );
      return outcomes;
    },
    close: async () => undefined,
  };
  relayPool.on('error', () => undefined);

  await expect(relayBatch(relayDeps({ db: relayPool, transport: dying }), 10)).rejects.toThrow();
  await relayPool.end();
  expect((await rowState(id)).published_at).toBeNull();

  await runRelay(relayDeps());

  const delivered = (await readStream(redis, stream)).map((e) => e.event_id);
  expect(delivered).toEqual([id, id]);
  expect((await rowState(id)).published_at).not.toBeNull();
});

test('two relays running at once keep every aggregate in order and lose nothing', async () => {
  const expected = new Map<string, string[]>();
  for (let a = 0; a < 12; a++) {
    const aggregateId = randomUUID();
    expected.set(aggregateId, await appendFor(aggregateId, 15));
  }
  const inner = makeRedisStreamTransport(redis, { stream });
  // Random delays interleave the two relays' batches.
  const slow: OutboxTransport = {
    name: 'slow',
    async publish(envelopes) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
      return inner.publish(envelopes);
    },
    close: async () => undefined,
  };
  const poolA = makePool(db.url, { max: 2 });
  const poolB = makePool(db.url, { max: 2 });
  const drain = async (deps: RelayDeps) => {
    let published = 0;
    await eventually(
      async () => {
        // Batches until one claims nothing; events the other relay holds right now are its own.
        let batch;
        do {
          batch = await relayBatch(deps, 4);
          published += batch.published;
        } while (batch.claimed > 0);
        const { rows } = await db.pool.query<{ n: string }>(
          `select count(*)::text as n from whatsapp_handler.outbox_events where published_at is null`,
        );
        expect(rows[0]!.n).toBe('0');
      },
      { timeoutMs: 20_000, what: 'the outbox drained' },
    );
    return published;
  };

  try {
    const [a, b] = await Promise.all([
      drain(relayDeps({ db: poolA, transport: slow })),
      drain(relayDeps({ db: poolB, transport: slow })),
    ]);

    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a + b).toBe(12 * 15);
    const delivered = await readStream(redis, stream);
    expect(delivered).toHaveLength(12 * 15);
    expect(orderPerAggregate(delivered)).toEqual(expected);
  } finally {
    await Promise.all([poolA.end(), poolB.end()]);
  }
});

test('a failing event backs off, is not overtaken by its aggregate, and is parked after the last attempt', async () => {
  const stuck = randomUUID();
  const healthy = randomUUID();
  const [first, second] = await appendFor(stuck, 2);
  const [other] = await appendFor(healthy, 1);
  const deps = relayDeps({
    transport: failingFor(makeRedisStreamTransport(redis, { stream }), new Set([stuck])),
  });

  await runRelay(deps);
  const afterFirst = await rowState(first!);
  await runRelay(deps); // still backing off: nothing is due for the stuck aggregate
  const stillOne = await rowState(first!);
  await backoffPasses([first!]);
  await runRelay(deps);
  await backoffPasses([first!]);
  await runRelay(deps);

  expect(afterFirst).toMatchObject({ attempts: 1, parked_at: null, last_error: 'consumer unavailable' });
  expect(stillOne.attempts).toBe(1);
  expect(await rowState(first!)).toMatchObject({ attempts: 3, published_at: null, parked_at: expect.any(Date) });
  expect(await rowState(second!)).toMatchObject({ attempts: 0, published_at: null, parked_at: null });
  expect((await readStream(redis, stream)).map((e) => e.event_id)).toEqual([other]);
});

test('after an operator retries a parked event, it and the events behind it are published in order', async () => {
  const aggregate = randomUUID();
  const ids = await appendFor(aggregate, 3);
  const inner = makeRedisStreamTransport(redis, { stream });
  const parked: string[] = [];
  await runRelay(
    relayDeps({
      transport: failingFor(inner, new Set([aggregate]), true),
      onParked: async ({ event }) => void parked.push(event.id),
    }),
  );
  expect(parked).toEqual([ids[0]]);
  expect(await rowState(ids[0]!)).toMatchObject({ attempts: 1, parked_at: expect.any(Date) });

  expect(await unparkEvent(db.pool, ids[0]!)).toBe(true);
  await runRelay(relayDeps());

  expect((await readStream(redis, stream)).map((e) => e.event_id)).toEqual(ids);
});

test('the relay never hands a transport more events at once than it accepts', async () => {
  for (let i = 0; i < 5; i++) await appendEvent(db.pool, registeredEvent({ userId: randomUUID() }));
  const inner = makeRedisStreamTransport(redis, { stream });
  const sizes: number[] = [];
  const small: OutboxTransport = {
    name: 'small',
    maxBatchSize: 2,
    publish: async (envelopes) => (sizes.push(envelopes.length), inner.publish(envelopes)),
    close: async () => undefined,
  };

  const result = await runRelay(relayDeps({ transport: small }));

  expect(result.published).toBe(5);
  expect(sizes).toEqual([2, 2, 1]);
});

test('when the relay process is killed after publishing and before committing, the events are published again', async () => {
  const ids = [
    (await appendEvent(db.pool, registeredEvent({ userId: randomUUID() }))).id,
    (await appendEvent(db.pool, registeredEvent({ userId: randomUUID() }))).id,
  ];
  const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'kill-after-publish.js')], {
    env: { ...process.env, DATABASE_URL: db.url, STREAM: stream },
    stdio: 'inherit',
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
  expect(signal).toBe('SIGKILL');
  expect((await readStream(redis, stream)).map((e) => e.event_id).sort()).toEqual([...ids].sort());

  // Postgres notices the dead connection, aborts its transaction and frees the row locks.
  let published = 0;
  await eventually(
    async () => {
      published += (await runRelay(relayDeps())).published;
      expect(published).toBeGreaterThanOrEqual(2);
    },
    { what: 'both events published again' },
  );

  const delivered = (await readStream(redis, stream)).map((e) => e.event_id);
  expect(published).toBe(2);
  expect(delivered).toHaveLength(4);
  expect(new Set(delivered)).toEqual(new Set(ids));
  for (const id of ids) expect((await rowState(id)).published_at).not.toBeNull();
});

test('the relay counts published, failed and parked events by type', async () => {
  const registry = new Registry();
  const outboxMetrics = makeOutboxMetrics(registry, { db: db.pool });
  const failing = randomUUID();
  await appendEvent(db.pool, registeredEvent({ userId: failing }));
  await appendEvent(db.pool, registeredEvent({ userId: randomUUID() }));
  const transport = failingFor(makeRedisStreamTransport(redis, { stream }), new Set([failing]), true);

  await runRelay(relayDeps({ transport, outboxMetrics }));

  const value = async (name: string) =>
    (await registry.getSingleMetric(name)!.get()).values.find((v) => v.labels.event_type === 'user.registered')?.value;
  expect(await value('outbox_events_published_total')).toBe(1);
  expect(await value('outbox_publish_failures_total')).toBe(1);
  expect(await value('outbox_events_parked_total')).toBe(1);
});
