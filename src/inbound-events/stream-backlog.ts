// How far the consumer group `whatsapp-handler` is behind on the inbound events stream, for the
// metrics: entries not yet read (XINFO GROUPS lag), entries read and not acknowledged (pending),
// and the age of the oldest of either, taken from its entry id (XADD '*' ids start with the
// milliseconds at which Redis added the entry) and compared with Redis's own clock (TIME).
import type { RedisClient } from '../redis';
import { CONSUMER_GROUP } from './event-stream';

export type StreamBacklog = {
  /** Entries not yet delivered to the group; undefined when Redis cannot tell (entries deleted with XDEL). */
  lag: number | undefined;
  pending: number;
  /** Age of the oldest entry not acknowledged, pending or unread; 0 when none. */
  oldestAgeSeconds: number;
};

type Entry = [id: string, fields: string[]];

/** XINFO's flat [name, value, name, value, ...] reply as an object. */
function record(reply: unknown): Record<string, unknown> {
  const fields = reply as unknown[];
  const result: Record<string, unknown> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) result[String(fields[i])] = fields[i + 1];
  return result;
}

function ageSeconds(id: string | undefined, now: number): number {
  if (id === undefined) return 0;
  const addedAt = Number(id.split('-')[0]);
  return Number.isFinite(addedAt) ? Math.max(0, now - addedAt) / 1000 : 0;
}

export async function readStreamBacklog(redis: RedisClient, stream: string): Promise<StreamBacklog> {
  let groups: unknown[];
  let now: number;
  try {
    const [info, [seconds, micros]] = await Promise.all([redis.xinfo('GROUPS', stream), redis.time()]);
    groups = info as unknown[];
    now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  } catch (error) {
    // No stream yet: nothing was ever written, so nothing waits.
    if (/no such key/i.test((error as Error).message)) return { lag: 0, pending: 0, oldestAgeSeconds: 0 };
    throw error;
  }
  const group = groups.map(record).find((g) => g.name === CONSUMER_GROUP);
  if (group === undefined) {
    // No worker has created the group yet: every entry waits for it.
    const [length, first] = await Promise.all([
      redis.xlen(stream),
      redis.xrange(stream, '-', '+', 'COUNT', 1) as Promise<Entry[]>,
    ]);
    return { lag: length, pending: 0, oldestAgeSeconds: ageSeconds(first[0]?.[0], now) };
  }
  const pending = Number(group.pending ?? 0);
  const lag = group.lag === null || group.lag === undefined ? undefined : Number(group.lag);
  const [summary, unread] = await Promise.all([
    pending > 0 ? (redis.xpending(stream, CONSUMER_GROUP) as Promise<[number, string | null, ...unknown[]]>) : null,
    // The first entry after the last one delivered to the group, if any.
    redis.xrange(stream, `(${String(group['last-delivered-id'])}`, '+', 'COUNT', 1) as Promise<Entry[]>,
  ]);
  const oldestPending = summary?.[1] ?? undefined;
  const firstUnread = unread[0]?.[0];
  return {
    lag: lag ?? (firstUnread === undefined ? 0 : undefined),
    pending,
    oldestAgeSeconds: Math.max(ageSeconds(oldestPending, now), ageSeconds(firstUnread, now)),
  };
}
