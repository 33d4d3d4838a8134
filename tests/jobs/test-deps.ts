// Real Postgres, Redis and BullMQ queues for processor tests; Twilio is whatever gateway the test
// passes (an in-process fake or the official client pointed at the local stand-in).
import type { RedisClient } from '../../src/redis';
import { loadConfig, type Config } from '../../src/config';
import type { Clock } from '../../src/clock';
import { makeLogger } from '../../src/logger';
import { makeMetrics } from '../../src/observability/metrics';
import { closeQueues, makeQueues } from '../../src/jobs/make-queues';
import { redisKeys } from '../../src/jobs/redis-keys';
import type { Deps } from '../../src/deps';
import type { TwilioGateway } from '../../src/twilio/gateway';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deletePrefix, testPrefix } from '../support/redis';
import { makeRedisFor, redisEnvFor, type RedisMode } from '../support/redis-modes';

export type TestDeps = {
  deps: Deps;
  database: TestDatabase;
  redis: RedisClient;
  prefix: string;
  close(): Promise<void>;
};

export async function makeTestDeps(
  twilio: TwilioGateway,
  options: { env?: NodeJS.ProcessEnv; clock?: Clock; redis?: RedisMode } = {},
): Promise<TestDeps> {
  const redisMode = options.redis ?? 'single';
  const database = await createTestDatabase();
  const redis = makeRedisFor(redisMode);
  const prefix = testPrefix();
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    ...redisEnvFor(redisMode),
    REDIS_KEY_PREFIX: prefix,
    PUBLIC_BASE_URL: 'https://bot.example.test',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const queues = makeQueues(redis, prefix);
  const deps = {
    config,
    db: database.pool,
    redis,
    queues,
    keys: redisKeys(prefix, { senderKeySecret: config.senderKeySecret }),
    twilio,
    logger: makeLogger((process.env.TEST_LOG_LEVEL as 'warn') ?? 'silent'),
    clock: options.clock ?? { now: () => new Date() },
    metrics: makeMetrics(),
  } as Deps;
  return {
    deps,
    database,
    redis,
    prefix,
    async close() {
      await closeQueues(queues);
      await deletePrefix(redis, prefix);
      redis.disconnect();
      await database.drop();
    },
  };
}
