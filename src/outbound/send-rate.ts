// The global send rate to Twilio (OUTBOUND_MESSAGES_PER_SECOND), shared by every worker process
// through one Redis key: each send reserves the next slot and sleeps until it comes. A caller
// holds no database connection while it waits (no transaction is open around a send).
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from '../redis';
import type { RedisKeys } from '../jobs/redis-keys';
import { reserveSendScript } from '../jobs/redis-scripts';

// A small burst lets an idle service answer the first few senders at once; 5% of a second's
// sends keeps any one-second window within 5% of the rate (the bench checks 10%).
const BURST_SHARE = 0.05;

export type SendRate = { waitForSlot(): Promise<void> };

export function makeSendRate(redis: RedisClient, keys: RedisKeys, perSecond: number): SendRate {
  const intervalMs = 1000 / perSecond;
  const burstMs = Math.floor(perSecond * BURST_SHARE) * intervalMs;
  return {
    async waitForSlot() {
      const waitMs = await reserveSendScript(redis, keys.sendRate(), { intervalMs, burstMs });
      if (waitMs > 0) await sleep(waitMs);
    },
  };
}
