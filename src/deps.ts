// The one object every route and processor receives. Built only in src/main (composition roots);
// the type lives here so every layer may name it.
import type { Pool } from 'pg';
import type { RedisClient } from './redis';
import type { Config } from './config';
import type { Clock } from './clock';
import type { Logger } from './logger';
import type { Queues } from './jobs/make-queues';
import type { RedisKeys } from './jobs/redis-keys';
import type { TwilioGateway } from './twilio/gateway';
import type { Metrics } from './observability/metrics';

export type Deps = {
  config: Config;
  db: Pool;
  redis: RedisClient;
  queues: Queues;
  keys: RedisKeys;
  twilio: TwilioGateway;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
};
