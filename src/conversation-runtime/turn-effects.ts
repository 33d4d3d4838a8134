// What one turn's effects have done so far, in one Redis hash per turn (inbound-effects:<turn>):
// effect index -> outcome, and the sends' ledgers. A retried turn decides alike (from its
// snapshot) and skips what is recorded here; the hash is deleted when the turn finishes.
//
// The turn holds its sender's lock, so nobody else writes the hash while it runs: once load() has
// read it (alongside the snapshot, in the same round trip), reads are answered from memory and
// only writes go to Redis. A first run's snapshot needs saving only before its first effect can
// be seen, so it travels with the first write (a reply's send-attempt stamp) when it can. A
// reply's SID goes with the turn's next write: before the next effect's, or with the finish
// (src/jobs/sender-lane.ts finishTurn), which only needs it among the sender's recent SIDs as the
// effects hash goes anyway. A crash before that write is what the send-attempt stamp covers.
import type { RedisClient } from '../redis';
import type { RedisKeys } from '../jobs/redis-keys';
import { recordEffectScript } from '../jobs/redis-scripts';
import { rememberSent, type SendLedger } from '../outbound/send-once';

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
  /** The replies sent and not yet written, for the finish to remember; none are kept after. */
  takeUnwrittenSends(): Array<{ at: number; sid: string }>;
  /** Writes the replies sent and not yet written (before the turn stops without finishing). */
  writeSends(): Promise<void>;
};

/** `loaded`: the hash as read already, by the take-turn script (src/jobs/sender-lane.ts takeTurn). */
export function turnEffects(
  redis: RedisClient,
  keys: RedisKeys,
  phone: string,
  turnId: string,
  loaded?: Record<string, string>,
): TurnEffects {
  const key = keys.inboundEffects(phone, turnId);
  const snapshotKey = keys.inboundSnapshot(phone, turnId);
  const ttl = keys.ttl.unfinishedMessage;
  let known: Map<string, string> | undefined;
  let unsavedSnapshot: string | undefined;
  let unwritten: Array<{ field: string; at: number; sid: string }> = [];

  const record = (field: string, value: string, snapshotJson: string | undefined) =>
    recordEffectScript(redis, { effects: key, snapshot: snapshotKey }, { field, value, ttlSeconds: ttl, snapshotJson });
  const takeUnwritten = () => {
    const sends = unwritten;
    unwritten = [];
    return sends;
  };
  // Sent in the order taken, ahead of what follows on the same connection.
  const writeUnwritten = () =>
    takeUnwritten().flatMap(({ field, at, sid }) => [
      record(field, sid, undefined),
      // A turn's replies go to its sender: the recent SIDs they join are the sender's.
      rememberSent({ redis, keys }, phone, sid, at),
    ]);
  const get = async (field: string) => (known ? known.get(field) : ((await redis.hget(key, field)) ?? undefined));
  const set = async (field: string, value: string) => {
    const snapshotJson = unsavedSnapshot;
    await Promise.all([...writeUnwritten(), record(field, value, snapshotJson)]);
    if (unsavedSnapshot === snapshotJson) unsavedSnapshot = undefined;
    known?.set(field, value);
  };
  return {
    async load() {
      known = new Map(Object.entries(loaded ?? (await redis.hgetall(key))));
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
      recordSent: async (sid) => {
        unwritten.push({ field: String(i), at: Date.now(), sid });
        known?.set(String(i), sid);
      },
    }),
    async countOutage() {
      const [[, count]] = (await redis.multi().hincrby(key, 'outages', 1).expire(key, ttl).exec()) as [
        [Error | null, number],
      ];
      return count;
    },
    takeUnwrittenSends: () => takeUnwritten().map(({ at, sid }) => ({ at, sid })),
    async writeSends() {
      await Promise.all(writeUnwritten());
    },
  };
}
