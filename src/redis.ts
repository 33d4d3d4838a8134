import { Redis } from 'ioredis';

/**
 * A Redis connection. BullMQ workers need maxRetriesPerRequest: null (they block on Redis);
 * the web process wants commands to fail fast instead, so a dead Redis becomes a quick 503.
 */
export function makeRedis(url: string, purpose: 'worker' | 'web'): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: purpose === 'worker' ? null : 1,
    enableOfflineQueue: purpose === 'worker',
    connectTimeout: 2_000,
    lazyConnect: false,
    // The webhook sends its two commands (queue the job, number the arrival) in one write.
    enableAutoPipelining: purpose === 'web',
  });
}
