// One lane per sender: the inbound worker handles a sender's message only when its arrival number
// (src/jobs/sender-arrival.ts) is the next one due, and only while it holds the sender's lock.
// Every step that reads and moves the lane is one Redis script (./lua), so several worker
// processes can share a lane safely. Design: docs/decisions/0016-one-turn-does-its-own-work.md.
import type { RedisClient } from '../redis';
import { SENT_TO_LIMIT, type RedisKeys } from './redis-keys';
import {
  finishTurnScript,
  releaseLockScript,
  renewLockScript,
  skipArrivalScript,
  takeTurnScript,
} from './redis-scripts';

export type Turn =
  /** This message is the next one due and the sender's lock is held: process it from `opened`. */
  | { kind: 'run'; arrival: number; inMinute: number; opened: OpenedTurn }
  /** An earlier message of the sender is still due (`next`): come back later. */
  | { kind: 'wait'; next: number }
  /** It is this message's turn, but another run holds the sender's lock. */
  | { kind: 'busy'; next: number }
  /** Already processed (a redelivery or a rerun): nothing to do but, when it ended its conversation, erasure. */
  | { kind: 'done'; endedAt?: number }
  /** No arrival number yet: the webhook's numbering may still be on its way. */
  | { kind: 'unnumbered' }
  /** Behind the lane yet never finished (its gap was skipped): process it now, lock held. */
  | { kind: 'late'; next: number; arrival: number; inMinute: number; opened: OpenedTurn }
  /** It failed for good and was retried (Bull Board): process it again as `generation`, lock held. */
  | { kind: 'rerun'; generation: number; arrival: number };

export type LaneMessage = { phone: string; messageSid: string; arrival: number };
/** A message finishing its turn: when it was received opens WhatsApp's window (ms). */
export type FinishingMessage = LaneMessage & { generation: number; receivedAtMs: number };

// A minute's count outlives the minute by one more: a message taken up late still counts in its own.
const MINUTE_TTL_SECONDS = 120;

/**
 * Asks whether the message may be processed now, by the arrival number recorded for it; on
 * run/late/rerun the sender's lock is taken with `token`. On run and late, `inMinute` counts the
 * sender's messages received in the same minute (by `receivedAtMs`) that have taken their turn,
 * and `opened` is what the turn's first run starts from, read by the same script once the lock
 * was taken: the turn needs no round trip of its own for it.
 */
export async function takeTurn(
  redis: RedisClient,
  keys: RedisKeys,
  message: { phone: string; messageSid: string; receivedAtMs?: number },
  token: string,
  lockTtlMs: number,
): Promise<Turn> {
  const minute = Math.floor((message.receivedAtMs ?? Date.now()) / 60_000);
  const firstRun = turnId(message.messageSid, 0);
  const [kind, next, generation, arrival, inMinute, state, snapshot, effects] = await takeTurnScript(
    redis,
    {
      next: keys.senderNext(message.phone),
      lock: keys.senderLock(message.phone),
      done: keys.inboundDone(message.phone, message.messageSid),
      messageSequence: keys.messageSequence(message.phone, message.messageSid),
      arrivals: keys.senderArrivals(message.phone),
      minute: keys.senderMinute(message.phone, minute),
      conversation: keys.conversation(message.phone),
      snapshot: keys.inboundSnapshot(message.phone, firstRun),
      effects: keys.inboundEffects(message.phone, firstRun),
    },
    { token, lockTtlMs, messageSid: message.messageSid, minuteTtlSeconds: MINUTE_TTL_SECONDS },
  );
  const opened = (): OpenedTurn => ({
    state: state ?? null,
    snapshot: snapshot ?? null,
    effects: fieldsOf(effects ?? []),
  });
  switch (kind) {
    case 'run':
      return { kind: 'run', arrival, inMinute, opened: opened() };
    case 'done':
      return { kind: 'done' };
    case 'ended':
      return { kind: 'done', endedAt: arrival };
    case 'unnumbered':
      return { kind: 'unnumbered' };
    case 'wait':
      return { kind: 'wait', next };
    case 'busy':
      return { kind: 'busy', next };
    case 'rerun':
      return { kind: 'rerun', generation, arrival };
    default:
      return { kind: 'late', next, arrival, inMinute, opened: opened() };
  }
}

/** A hash as HGETALL's list (field, value, ...) gives it inside a script. */
function fieldsOf(list: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i < list.length; i += 2) fields[list[i]!] = list[i + 1]!;
  return fields;
}

/** What a first run of a turn reads before anything else: the state, its snapshot and effects so far. */
export type OpenedTurn = { state: string | null; snapshot: string | null; effects: Record<string, string> };

/**
 * Names one run of a message: its MessageSid, or with the generation of an operator's rerun, so
 * the rerun's effects (replies, Verify calls) are its own and not mistaken for the first run's.
 */
export function turnId(messageSid: string, generation: number): string {
  return generation === 0 ? messageSid : `${messageSid}-r${generation}`;
}

export type TurnOutcome = {
  /** The conversation state to keep: a JSON string, null to delete it, undefined to leave it. */
  state: { key: string; json: string | null; ttlSeconds: number } | undefined;
  /** 'ended': processed, and the conversation ended (its state deleted); a rerun of the job forgets the sender again. */
  result: 'processed' | 'ended' | 'failed';
  /** Replies the turn sent whose SIDs are not yet among the sender's recent ones (send-once.ts). */
  sent?: ReadonlyArray<{ at: number; sid: string }>;
};

/**
 * Records the message as finished, saves the state and moves the lane on (when it was this
 * message's turn), forgets the turn's snapshot and effects, then releases the lock. The turn's
 * replies not yet remembered among the sender's recent SIDs go in the same call. Returns
 * owned: false when the lock was no longer ours, and when the lane moved on to a message parked
 * in the delayed set waiting for this one, that message's MessageSid.
 */
export async function finishTurn(
  redis: RedisClient,
  keys: RedisKeys,
  message: FinishingMessage,
  token: string,
  outcome: TurnOutcome,
): Promise<{ owned: boolean; advanced: boolean; nextMessageSid?: string }> {
  const state = outcome.state;
  const id = turnId(message.messageSid, message.generation);
  const result = await finishTurnScript(
    redis,
    {
      next: keys.senderNext(message.phone),
      lock: keys.senderLock(message.phone),
      done: keys.inboundDone(message.phone, message.messageSid),
      arrivals: keys.senderArrivals(message.phone),
      conversation: state?.key ?? keys.conversation(message.phone),
      sequence: keys.senderSequence(message.phone),
      snapshot: keys.inboundSnapshot(message.phone, id),
      effects: keys.inboundEffects(message.phone, id),
      messageSequence: keys.messageSequence(message.phone, message.messageSid),
      lastInbound: keys.lastInbound(message.phone),
      sentRecent: keys.sentTo(message.phone),
    },
    {
      arrival: message.arrival,
      token,
      stateJson: state === undefined ? '-' : (state.json ?? ''),
      stateTtlSeconds: state?.ttlSeconds ?? 1,
      outcome: outcome.result === 'failed' ? `failed:${message.generation}` : outcome.result,
      outcomeTtlSeconds: keys.ttl.finishedMessage,
      senderTtlSeconds: keys.ttl.sender,
      receivedAtMs: message.receivedAtMs,
      windowSeconds: keys.ttl.whatsappWindow,
      sent: outcome.sent ?? [],
      sentKeep: SENT_TO_LIMIT,
      sentTtlSeconds: keys.ttl.sentTo,
    },
  );
  if (result[0] !== 1) return { owned: result[0] === 0, advanced: false };
  const parked = result[1] ?? undefined;
  return { owned: true, advanced: true, ...(parked !== undefined && { nextMessageSid: parked }) };
}

/** Moves the lane past an arrival that will never be processed in order; false when it moved already. */
export async function skipArrival(
  redis: RedisClient,
  keys: RedisKeys,
  phone: string,
  arrival: number,
): Promise<boolean> {
  return skipArrivalScript(
    redis,
    {
      next: keys.senderNext(phone),
      lock: keys.senderLock(phone),
      arrivals: keys.senderArrivals(phone),
      sequence: keys.senderSequence(phone),
    },
    { arrival, senderTtlSeconds: keys.ttl.sender },
  );
}

export function renewLock(
  redis: RedisClient,
  keys: RedisKeys,
  phone: string,
  token: string,
  ttlMs: number,
): Promise<boolean> {
  return renewLockScript(redis, keys.senderLock(phone), token, ttlMs);
}

export async function releaseLock(redis: RedisClient, keys: RedisKeys, phone: string, token: string): Promise<void> {
  await releaseLockScript(redis, keys.senderLock(phone), token);
}

/** The MessageSid recorded for a sender's arrival number, while it is unprocessed. */
export async function messageSidOfArrival(
  redis: RedisClient,
  keys: RedisKeys,
  phone: string,
  arrival: number,
): Promise<string | undefined> {
  return (await redis.hget(keys.senderArrivals(phone), String(arrival))) ?? undefined;
}

/**
 * Milliseconds the lane has waited for a missing arrival, counted from the first time anyone
 * asked (the first asker starts the clock).
 */
export async function gapAge(
  redis: RedisClient,
  keys: RedisKeys,
  phone: string,
  arrival: number,
  now: number,
): Promise<number> {
  const key = keys.senderGaps(phone);
  const [, , since] = (await redis
    .multi()
    .hsetnx(key, String(arrival), String(now))
    .expire(key, keys.ttl.sender)
    .hget(key, String(arrival))
    .exec()) as [unknown, unknown, [Error | null, string | null]];
  return now - Number(since[1] ?? now);
}
