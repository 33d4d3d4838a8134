// Arrival order per sender. The webhook numbers each new MessageSid per sender (1, 2, 3, ...)
// in the same Redis round trip as queueing it; the inbound worker then processes a sender's
// messages strictly by that number, whatever order BullMQ hands the jobs out in.
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys';

// Sequence keys outlive the 24 h conversation state, so a late retry still finds its number.
export const SEQUENCE_TTL_SECONDS = 7 * 24 * 3600;

// KEYS[1] message-seq:<sid>, KEYS[2] sender-seq:<phone>, KEYS[3] sender-arrivals:<phone>,
// KEYS[4] sender-next:<phone>; ARGV[1] ttl, ARGV[2] sid.
// A MessageSid seen before keeps its first number, so a redelivery never leaves a gap. The
// arrivals hash lets the worker find the job a lane waits for; the sender's sequence and
// next-due number always share one expiry, so they lapse together and restart at 1 together.
const RECORD_ARRIVAL = `
local existing = redis.call('GET', KEYS[1])
if existing then return tonumber(existing) end
local seq = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[4], ARGV[1])
redis.call('HSET', KEYS[3], seq, ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[1])
redis.call('SET', KEYS[1], seq, 'EX', ARGV[1])
return seq
`;

type WithArrivalCommand = Redis & {
  recordArrival(
    messageKey: string,
    senderKey: string,
    arrivalsKey: string,
    nextKey: string,
    ttl: number,
    messageSid: string,
  ): Promise<number>;
};

function withCommand(redis: Redis): WithArrivalCommand {
  const candidate = redis as WithArrivalCommand;
  if (typeof candidate.recordArrival !== 'function') {
    redis.defineCommand('recordArrival', { numberOfKeys: 4, lua: RECORD_ARRIVAL });
  }
  return candidate;
}

/** Gives a MessageSid its arrival number among its sender's messages (stable on redelivery). */
export function recordArrival(
  redis: Redis,
  keys: RedisKeys,
  message: { messageSid: string; phone: string },
): Promise<number> {
  return withCommand(redis).recordArrival(
    keys.messageSequence(message.messageSid),
    keys.senderSequence(message.phone),
    keys.senderArrivals(message.phone),
    keys.senderNext(message.phone),
    SEQUENCE_TTL_SECONDS,
    message.messageSid,
  );
}

/** The arrival number recorded for a MessageSid, or undefined when none was recorded. */
export async function arrivalOf(redis: Redis, keys: RedisKeys, messageSid: string): Promise<number | undefined> {
  const value = await redis.get(keys.messageSequence(messageSid));
  return value === null ? undefined : Number(value);
}
