import type { RedisClient } from '../redis';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { makeHttpTransport } from './http-transport';
import { eventStreamKey, makeRedisStreamTransport } from './redis-stream-transport';
import type { OutboxTransport } from './transport';

/** The transport OUTBOX_TRANSPORT names (config has already checked the http settings). */
export function makeOutboxTransport(deps: { config: Config; redis: RedisClient; clock: Clock }): OutboxTransport {
  const { outbox, redisKeyPrefix } = deps.config;
  if (outbox.transport === 'http') {
    return makeHttpTransport({ url: outbox.httpUrl!, secret: outbox.httpSecret!, clock: deps.clock });
  }
  return makeRedisStreamTransport(deps.redis, { stream: eventStreamKey(redisKeyPrefix) });
}
