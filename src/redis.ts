import { Redis } from 'ioredis';

export type RedisPurpose =
  /** The web process: commands fail fast (a quick 503 lets Twilio retry), auto-pipelined. */
  | 'web'
  /** A worker's own commands (lanes, effects, state): they wait for Redis, auto-pipelined. */
  | 'worker'
  /** BullMQ's Queues and Workers in a worker process: they wait for Redis, one command per write. */
  | 'worker-queues';

/**
 * A Redis connection. BullMQ workers need maxRetriesPerRequest: null (they block on Redis); the
 * web process wants commands to fail fast instead, so a dead Redis becomes a quick 503.
 *
 * Auto-pipelining sends every command issued in one tick in one write. On this machine a socket
 * write costs more than the command, and a turn's commands come from many jobs at once, so it
 * pays. BullMQ's worker connections go without it: they duplicate themselves for blocking
 * commands, and a blocking command must not share a write with others.
 */
export function makeRedis(url: string, purpose: RedisPurpose): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: purpose === 'web' ? 1 : null,
    enableOfflineQueue: purpose !== 'web',
    connectTimeout: 2_000,
    lazyConnect: false,
    enableAutoPipelining: purpose !== 'worker-queues',
  });
}
