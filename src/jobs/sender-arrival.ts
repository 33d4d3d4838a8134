// Arrival order per sender. The webhook numbers each new MessageSid per sender (1, 2, 3, ...)
// in the same Redis round trip as queueing it; the inbound worker then processes a sender's
// messages strictly by that number, whatever order BullMQ hands the jobs out in.
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys';

// Sequence keys outlive the 24 h conversation state, so a late retry still finds its number.
export const SEQUENCE_TTL_SECONDS = 7 * 24 * 3600;

const KEYS_PER_MESSAGE = 4;

// For message i (0-based): KEYS[4i+1] message-seq:<sid>, KEYS[4i+2] sender-seq:<phone>,
// KEYS[4i+3] sender-arrivals:<phone>, KEYS[4i+4] sender-next:<phone>; ARGV[1] ttl, ARGV[i+2] sid.
// Returns each message's number, in order. A MessageSid seen before keeps its first number, so
// a redelivery never leaves a gap. The arrivals hash lets the worker find the job a lane waits
// for; the sender's sequence and next-due number always share one expiry, so they lapse
// together and restart at 1 together.
const RECORD_ARRIVALS = `
local numbers = {}
for i = 0, #KEYS / ${KEYS_PER_MESSAGE} - 1 do
  local k = i * ${KEYS_PER_MESSAGE}
  local sid = ARGV[i + 2]
  local seq = tonumber(redis.call('GET', KEYS[k + 1]))
  if not seq then
    seq = redis.call('INCR', KEYS[k + 2])
    redis.call('EXPIRE', KEYS[k + 2], ARGV[1])
    redis.call('EXPIRE', KEYS[k + 4], ARGV[1])
    redis.call('HSET', KEYS[k + 3], seq, sid)
    redis.call('EXPIRE', KEYS[k + 3], ARGV[1])
    redis.call('SET', KEYS[k + 1], seq, 'EX', ARGV[1])
  end
  numbers[i + 1] = seq
end
return numbers
`;

type Arrival = { messageSid: string; phone: string };
type WithArrivalsCommand = Redis & { recordArrivals(...keysThenArgs: (string | number)[]): Promise<number[]> };

// Defined before first use: ioredis's auto-pipelines copy the custom commands that exist when
// each pipeline is made, so a command defined later is missing from a pipeline already open.
function withCommand(redis: Redis): WithArrivalsCommand {
  const candidate = redis as WithArrivalsCommand;
  if (typeof candidate.recordArrivals !== 'function') {
    redis.defineCommand('recordArrivals', { lua: RECORD_ARRIVALS });
  }
  return candidate;
}

function recordAll(redis: Redis, keys: RedisKeys, messages: Arrival[]): Promise<number[]> {
  const scriptKeys = messages.flatMap((message) => [
    keys.messageSequence(message.messageSid),
    keys.senderSequence(message.phone),
    keys.senderArrivals(message.phone),
    keys.senderNext(message.phone),
  ]);
  return withCommand(redis).recordArrivals(
    scriptKeys.length,
    ...scriptKeys,
    SEQUENCE_TTL_SECONDS,
    ...messages.map((message) => message.messageSid),
  );
}

/** Gives a MessageSid its arrival number among its sender's messages (stable on redelivery). */
export async function recordArrival(redis: Redis, keys: RedisKeys, message: Arrival): Promise<number> {
  const [number] = await recordAll(redis, keys, [message]);
  return number!;
}

export type ArrivalRecorder = (message: Arrival) => Promise<number>;

/**
 * recordArrival for the webhook's hot path: the arrivals asked for in one event-loop turn go to
 * Redis as one script call. Under load that is one command for many webhooks (about 17 at 50
 * connections, counted once by hand) instead of one each; a lone webhook waits for nothing, as
 * its batch is sent at the end of the same turn.
 */
export function makeArrivalRecorder(redis: Redis, keys: RedisKeys): ArrivalRecorder {
  withCommand(redis);
  let batch: { message: Arrival; resolve(n: number): void; reject(error: unknown): void }[] = [];
  const flush = (): void => {
    const sending = batch;
    batch = [];
    recordAll(
      redis,
      keys,
      sending.map((entry) => entry.message),
    ).then(
      (numbers) => sending.forEach((entry, i) => entry.resolve(numbers[i]!)),
      (error: unknown) => sending.forEach((entry) => entry.reject(error)),
    );
  };
  return (message) =>
    new Promise((resolve, reject) => {
      // setImmediate runs once the turn's I/O callbacks are done: every webhook whose body
      // arrived in this turn joins the batch.
      if (batch.length === 0) setImmediate(flush);
      batch.push({ message, resolve, reject });
    });
}

/** The arrival number recorded for a MessageSid, or undefined when none was recorded. */
export async function arrivalOf(redis: Redis, keys: RedisKeys, messageSid: string): Promise<number | undefined> {
  const value = await redis.get(keys.messageSequence(messageSid));
  return value === null ? undefined : Number(value);
}
