// Arrival order per sender. The webhook numbers each new MessageSid per sender (1, 2, 3, ...)
// in the same Redis round trip as queueing it; the inbound worker then processes a sender's
// messages strictly by that number, whatever order BullMQ hands the jobs out in.
import type { RedisClient } from '../redis';
import type { RedisKeys } from './redis-keys';
import { recordArrivalsScript } from './redis-scripts';

type Arrival = { messageSid: string; phone: string };

function recordAll(redis: RedisClient, keys: RedisKeys, messages: Arrival[]): Promise<number[]> {
  return recordArrivalsScript(
    redis,
    messages.map((message) => [
      keys.messageSequence(message.phone, message.messageSid),
      keys.senderSequence(message.phone),
      keys.senderArrivals(message.phone),
      keys.senderNext(message.phone),
      keys.senderJobs(message.phone),
    ]),
    // A message's number must outlive any wait for its turn, and the sender's lane with it.
    {
      ttlSeconds: keys.ttl.unfinishedMessage,
      jobsTtlSeconds: keys.ttl.senderJobs,
      messageSids: messages.map((message) => message.messageSid),
    },
  );
}

/** Gives a MessageSid its arrival number among its sender's messages (stable on redelivery). */
export async function recordArrival(redis: RedisClient, keys: RedisKeys, message: Arrival): Promise<number> {
  const [number] = await recordAll(redis, keys, [message]);
  return number!;
}

export type ArrivalRecorder = (message: Arrival) => Promise<number>;

/**
 * recordArrival for the webhook's hot path: the arrivals asked for in one event-loop turn go to
 * Redis together, one script call per sender (a sender's burst is one call), all in one write
 * by auto-pipelining. A lone webhook waits for nothing, as its batch is sent at the end of the
 * same turn.
 */
export function makeArrivalRecorder(redis: RedisClient, keys: RedisKeys): ArrivalRecorder {
  type Entry = { message: Arrival; resolve(n: number): void; reject(error: unknown): void };
  let batch: Entry[] = [];
  const send = (sending: Entry[]): void => {
    recordAll(
      redis,
      keys,
      sending.map((entry) => entry.message),
    ).then(
      (numbers) => sending.forEach((entry, i) => entry.resolve(numbers[i]!)),
      (error: unknown) => sending.forEach((entry) => entry.reject(error)),
    );
  };
  const flush = (): void => {
    const sending = batch;
    batch = [];
    bySender(keys, sending).forEach(send);
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
export async function arrivalOf(
  redis: RedisClient,
  keys: RedisKeys,
  phone: string,
  messageSid: string,
): Promise<number | undefined> {
  const value = await redis.get(keys.messageSequence(phone, messageSid));
  return value === null ? undefined : Number(value);
}

/**
 * One script call may touch one slot only (a cluster's rule, kept on one Redis too, where
 * auto-pipelining still sends the calls in one write): the batch split by sender, whose keys
 * share one hash tag.
 */
function bySender<T extends { message: Arrival }>(keys: RedisKeys, entries: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const entry of entries) {
    const sender = keys.senderId(entry.message.phone);
    const group = groups.get(sender);
    if (group) group.push(entry);
    else groups.set(sender, [entry]);
  }
  return [...groups.values()];
}
