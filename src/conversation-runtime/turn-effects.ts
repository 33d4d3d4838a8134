// What one turn's effects have done so far, in one Redis hash per turn (inbound-effects:<turn>):
// effect index -> outcome, and the sends' ledgers. A retried turn decides alike (from its
// snapshot) and skips what is recorded here; the hash is deleted when the turn finishes.
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../jobs/redis-keys';
import type { SendLedger } from '../outbound/send-once';

export type TurnEffects = {
  /** The recorded outcome of effect i, if it was applied. */
  outcome(i: number): Promise<string | undefined>;
  record(i: number, outcome: string): Promise<void>;
  /** The ledger of the reply sent by effect i. */
  ledger(i: number): SendLedger;
  /** Counts an outage met by this turn; returns how many in a row. */
  countOutage(): Promise<number>;
};

export function turnEffects(redis: Redis, keys: RedisKeys, turnId: string): TurnEffects {
  const key = keys.inboundEffects(turnId);
  const ttl = keys.ttl.unfinishedMessage;
  const get = async (field: string) => (await redis.hget(key, field)) ?? undefined;
  const set = async (field: string, value: string) => {
    await redis.multi().hset(key, field, value).expire(key, ttl).exec();
  };
  return {
    outcome: (i) => get(String(i)),
    record: (i, outcome) => set(String(i), outcome),
    ledger: (i) => ({
      sentSid: () => get(String(i)),
      attemptStartedAt: async () => {
        const stamp = await get(`${i}:attempt`);
        return stamp === undefined ? undefined : Number(stamp);
      },
      markAttempt: (at) => set(`${i}:attempt`, String(at)),
      recordSent: (sid) => set(String(i), sid),
    }),
    async countOutage() {
      const [[, count]] = (await redis.multi().hincrby(key, 'outages', 1).expire(key, ttl).exec()) as [
        [Error | null, number],
      ];
      return count;
    },
  };
}
