// Builds the one deps object every composition root passes down.
import type { Config } from '../config';
import { systemClock } from '../clock';
import { makePool } from '../db/pool';
import { closeQueues, makeQueues } from '../jobs/make-queues';
import { redisKeys } from '../jobs/redis-keys';
import { makeLogger, type Logger } from '../logger';
import { makeMetrics } from '../observability/metrics';
import { makeOutboxMetrics } from '../outbox/outbox-metrics';
import { makeRedis } from '../redis';
import type { TwilioGateway } from '../twilio/gateway';
import { traceTwilioGateway } from '../twilio/traced-gateway';
import { makeTwilioGateway } from '../twilio/twilio-client';
import type { Deps } from '../deps';

export type BuiltDeps = Deps & { close(): Promise<void> };

export function buildDeps(
  config: Config,
  options: { role: 'web' | 'worker'; logger?: Logger; twilio?: TwilioGateway },
): BuiltDeps {
  const logger = options.logger ?? makeLogger(config.logLevel);
  // The web process wants Redis commands to fail fast (a quick 503 lets Twilio retry); workers
  // want them to wait for Redis to come back.
  const redis = makeRedis(config, options.role);
  redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
  // In a worker, BullMQ gets a connection of its own (src/redis.ts). The web process's webhook
  // sends Queue.add and its own arrival numbering in one write on one connection: the add goes
  // with its script's whole text then (ioredis, auto-pipelined), which still costs less than a
  // second write (bench/ingest.js: 169 against 191 µs of web CPU per webhook).
  const queueRedis = options.role === 'web' ? redis : makeRedis(config, 'worker-queues');
  if (queueRedis !== redis) {
    queueRedis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error (queues)'));
  }
  const db = makePool(config.databaseUrl, { applicationName: `whatsapp-handler-${options.role}` });
  db.on('error', (error) => logger.warn({ err: error.message }, 'idle postgres client error'));
  const queues = makeQueues(queueRedis, config.redisKeyPrefix);
  for (const queue of Object.values(queues)) {
    queue.on('error', (error) => logger.warn({ queue: queue.name, err: error.message }, 'queue error'));
  }
  const metrics = makeMetrics();
  // Outbox gauges read the table at scrape time, so the web process's /metrics shows them too.
  makeOutboxMetrics(metrics.registry, { db });
  return {
    config,
    db,
    redis,
    queues,
    keys: redisKeys(config.redisKeyPrefix, {
      finishedMessageTtlSeconds: config.finishedMessageTtlSeconds,
      senderKeySecret: config.senderKeySecret,
    }),
    // Each call a span of the turn that made it (a no-op unless tracing is on).
    twilio: traceTwilioGateway(options.twilio ?? makeTwilioGateway(config.twilio)),
    logger,
    clock: systemClock,
    metrics,
    async close() {
      await closeQueues(queues).catch(() => undefined);
      await db.end().catch(() => undefined);
      redis.disconnect();
      queueRedis.disconnect();
    },
  };
}
