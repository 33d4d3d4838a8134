// What one turn's effects have done so far, in one Redis hash per turn (inbound-effects:<turn>):
// effect index -> outcome, and the sends' ledgers. A retried turn decides alike (from its
// snapshot) and skips what is recorded here; the hash is deleted when the turn finishes.
//
// The turn holds its sender's lock, so nobody else writes the hash while it runs: once load() has
// read it (alongside the snapshot, in the same round trip), reads are answered from memory and
// only writes go to Redis. A first run's snapshot needs saving only before its first effect can
// be seen, so it travels with the first write (a reply's send-attempt stamp) when it can. A
// reply's record is confirmed with the turn's next write (the next stamp, or the finish), so it
// shares that write instead of costing a round trip of its own.
import type { RedisClient } from '../redis';
import type { RedisKeys } from '../jobs/redis-keys';
import { recordEffectScript } from '../jobs/redis-scripts';
import type { SendLedger } from '../outbound/send-once';

export type TurnEffects = {
  /** Reads what earlier runs of this turn recorded; later reads need no round trip. */
  load(): Promise<void>;
  /** Holds a first run's snapshot until the first write, or saveSnapshot(), saves it. */
  keepSnapshot(json: string): void;
  /** Saves a held snapshot now: before an effect that starts with something other than a write here. */
  saveSnapshot(): Promise<void>;
  /** The recorded outcome of effect i, if it was applied. */
  outcome(i: number): Promise<string | undefined>;
  record(i: number, outcome: string): Promise<void>;
  /** The ledger of the reply sent by effect i. */
  ledger(i: number): SendLedger;
  /** Counts an outage met by this turn; returns how many in a row. */
  countOutage(): Promise<number>;
  /** Waits for the writes still to be confirmed; call it with the turn's last write. */
  settle(): Promise<void>;
};

/** `loaded`: the hash as read already, with the take-turn script (src/jobs/sender-lane.ts openTurn). */
export function turnEffects(
  redis: RedisClient,
  keys: RedisKeys,
  phone: string,
  turnId: string,
  loaded?: Promise<Record<string, string>>,
): TurnEffects {
  const key = keys.inboundEffects(phone, turnId);
  const snapshotKey = keys.inboundSnapshot(phone, turnId);
  const ttl = keys.ttl.unfinishedMessage;
  let known: Map<string, string> | undefined;
  let unsavedSnapshot: string | undefined;
  let unconfirmed: Array<Promise<unknown>> = [];

  const settle = async () => {
    const pending = unconfirmed;
    unconfirmed = [];
    await Promise.all(pending);
  };
  const get = async (field: string) => (known ? known.get(field) : ((await redis.hget(key, field)) ?? undefined));
  const set = async (field: string, value: string) => {
    const snapshotJson = unsavedSnapshot;
    await Promise.all([
      recordEffectScript(
        redis,
        { effects: key, snapshot: snapshotKey },
        { field, value, ttlSeconds: ttl, snapshotJson },
      ),
      settle(),
    ]);
    if (unsavedSnapshot === snapshotJson) unsavedSnapshot = undefined;
    known?.set(field, value);
  };
  return {
    async load() {
      known = new Map(Object.entries(await (loaded ?? redis.hgetall(key))));
    },
    keepSnapshot(json) {
      unsavedSnapshot = json;
    },
    async saveSnapshot() {
      const json = unsavedSnapshot;
      if (json === undefined) return;
      await redis.set(snapshotKey, json, 'EX', ttl);
      if (unsavedSnapshot === json) unsavedSnapshot = undefined;
    },
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
      confirmWithNextWrite: (written) => {
        written.catch(() => undefined); // seen by settle(); a turn that stops before it must not crash
        unconfirmed.push(written);
      },
    }),
    async countOutage() {
      const [[, count]] = (await redis.multi().hincrby(key, 'outages', 1).expire(key, ttl).exec()) as [
        [Error | null, number],
      ];
      return count;
    },
    settle,
  };
}
