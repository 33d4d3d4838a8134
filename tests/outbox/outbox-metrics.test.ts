import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { makeOutboxMetrics } from '../../src/outbox/outbox-metrics';
import { appendEvent, recordPublishFailure } from '../../src/repos/outbox';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { registeredEvent } from '../support/events';

let db: TestDatabase;
beforeEach(async () => (db = await createTestDatabase()));
afterEach(() => db.drop());

async function gauge(registry: Registry, name: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return Number(metric?.values[0]?.value);
}

test('the gauges show pending and parked events and the age of the oldest unpublished one', async () => {
  const registry = new Registry();
  const { id: oldest } = await appendEvent(db.pool, registeredEvent({ userId: randomUUID() }));
  await appendEvent(db.pool, registeredEvent({ userId: randomUUID() }));
  await db.pool.query(
    `update whatsapp_handler.outbox_events set created_at = now() - interval '90 seconds' where id = $1::uuid`,
    [oldest],
  );
  await recordPublishFailure(db.pool, { id: oldest, error: 'HTTP 400', retryDelayMs: 0, park: true });
  makeOutboxMetrics(registry, { db: db.pool });

  expect(await gauge(registry, 'outbox_events_parked')).toBe(1);
  expect(await gauge(registry, 'outbox_events_pending')).toBe(1);
  const age = await gauge(registry, 'outbox_oldest_unpublished_age_seconds');
  expect(age).toBeGreaterThanOrEqual(89);
  expect(age).toBeLessThan(120);
});

test('with nothing unpublished the oldest-age gauge is zero', async () => {
  const registry = new Registry();
  makeOutboxMetrics(registry, { db: db.pool });

  expect(await gauge(registry, 'outbox_oldest_unpublished_age_seconds')).toBe(0);
  expect(await gauge(registry, 'outbox_events_parked')).toBe(0);
});

test('registering the outbox metrics twice in one registry returns the same counters', async () => {
  const registry = new Registry();
  const deps = { db: db.pool };

  const first = makeOutboxMetrics(registry, deps);
  const second = makeOutboxMetrics(registry, deps);
  second.purged.inc(3);

  expect(second.purged).toBe(first.purged);
  expect(await gauge(registry, 'outbox_events_purged_total')).toBe(3);
});
