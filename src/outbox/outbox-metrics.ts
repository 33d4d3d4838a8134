// Outbox metrics in the registry the process exposes. Counters are counted where the work happens
// (worker processes); the gauges read the table when scraped, so any process exposing them (web
// included) reports the same backlog.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Queryable } from '../db/pool';
import { outboxStats } from '../repos/outbox';

export type OutboxMetrics = {
  published: Counter<'event_type'>;
  publishFailures: Counter<'event_type'>;
  parked: Counter<'event_type'>;
  purged: Counter;
};

/**
 * Registers the outbox metrics once per registry and returns them; a second call (the dev process
 * runs web and worker together) gets the same ones instead of a duplicate-name error.
 */
export function makeOutboxMetrics(registry: Registry, deps: { db: Queryable }): OutboxMetrics {
  const existing = registry.getSingleMetric('outbox_events_published_total');
  if (existing) {
    return {
      published: existing as Counter<'event_type'>,
      publishFailures: registry.getSingleMetric('outbox_publish_failures_total') as Counter<'event_type'>,
      parked: registry.getSingleMetric('outbox_events_parked_total') as Counter<'event_type'>,
      purged: registry.getSingleMetric('outbox_events_purged_total') as Counter,
    };
  }
  const published = new Counter({
    name: 'outbox_events_published_total',
    help: 'Outbox events handed to the transport and marked published',
    labelNames: ['event_type'],
    registers: [registry],
  });
  const publishFailures = new Counter({
    name: 'outbox_publish_failures_total',
    help: 'Failed publish attempts (each is retried with backoff until parked)',
    labelNames: ['event_type'],
    registers: [registry],
  });
  const parked = new Counter({
    name: 'outbox_events_parked_total',
    help: 'Events parked after the last allowed attempt (or a permanent failure)',
    labelNames: ['event_type'],
    registers: [registry],
  });
  const purged = new Counter({
    name: 'outbox_events_purged_total',
    help: 'Published events deleted by the retention job',
    registers: [registry],
  });

  // One query serves the three gauges; a scrape reads it once.
  let pendingStats: ReturnType<typeof outboxStats> | undefined;
  const stats = () => {
    pendingStats ??= outboxStats(deps.db).finally(() => setImmediate(() => (pendingStats = undefined)));
    return pendingStats;
  };
  new Gauge({
    name: 'outbox_events_parked',
    help: 'Events parked until an operator retries them (POST /api/v1/outbox/:id/retry or Bull Board)',
    registers: [registry],
    async collect() {
      this.set((await stats()).parked);
    },
  });
  new Gauge({
    name: 'outbox_events_pending',
    help: 'Events waiting to be published, not parked',
    registers: [registry],
    async collect() {
      this.set((await stats()).pending);
    },
  });
  new Gauge({
    name: 'outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest event not yet published (parked included); 0 when none',
    registers: [registry],
    async collect() {
      this.set((await stats()).oldestUnpublishedAgeSeconds);
    },
  });

  return { published, publishFailures, parked, purged };
}
