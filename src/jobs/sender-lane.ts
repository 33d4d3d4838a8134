// One lane per sender: the inbound worker handles a sender's message only when its arrival number
// (src/jobs/sender-arrival.ts) is the next one due, and only while it holds the sender's lock.
// Every step that reads and moves the lane is one Lua script, so several worker processes
// can share a lane safely. Design: docs/decisions/0010-sender-lanes.md.
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys';
import { SEQUENCE_TTL_SECONDS } from './sender-arrival';

// How long a finished message's outcome is remembered: as long as its arrival number.
const DONE_TTL_SECONDS = SEQUENCE_TTL_SECONDS;

export type Turn =
  /** This message is the next one due and the sender's lock is held: process it. */
  | { kind: 'run' }
  /** An earlier message of the sender is still due (`next`): come back later. */
  | { kind: 'wait'; next: number }
  /** It is this message's turn, but another run holds the sender's lock. */
  | { kind: 'busy'; next: number }
  /** Already finished (a redelivery or a rerun): nothing to do. */
  | { kind: 'done' }
  /** Behind the lane yet never finished (its gap was skipped): process it now, lock held. */
  | { kind: 'late'; next: number };

// KEYS: next, lock, done. ARGV: arrival, token, lockTtlMs.
const TAKE_TURN = `
if redis.call('EXISTS', KEYS[3]) == 1 then return {'done', 0} end
local next = tonumber(redis.call('GET', KEYS[1]) or '1')
local n = tonumber(ARGV[1])
if n > next then return {'wait', next} end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[2] then return {'busy', next} end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
if n == next then return {'run', next} end
return {'late', next}
`;

// KEYS: next, lock, done, arrivals, state, sequence, snapshot, effects. ARGV: arrival, token, state json ('' deletes,
// '-' keeps), state ttl s, done value, done ttl s, sequence ttl s.
// Saving the state, remembering the outcome and moving the lane on happen at once: a rerun after
// a crash either sees the message done or finds everything as it was before the message.
const FINISH_TURN = `
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return -1 end
if ARGV[3] == '' then
  redis.call('DEL', KEYS[5])
elseif ARGV[3] ~= '-' then
  redis.call('SET', KEYS[5], ARGV[3], 'EX', ARGV[4])
end
redis.call('SET', KEYS[3], ARGV[5], 'EX', ARGV[6])
local n = tonumber(ARGV[1])
local next = tonumber(redis.call('GET', KEYS[1]) or '1')
local advanced = 0
if next == n then
  redis.call('SET', KEYS[1], n + 1, 'EX', ARGV[7])
  redis.call('EXPIRE', KEYS[6], ARGV[7])
  advanced = 1
end
redis.call('HDEL', KEYS[4], n)
redis.call('DEL', KEYS[2], KEYS[7], KEYS[8])
return advanced
`;

// KEYS: next, lock, arrivals, sequence. ARGV: arrival to skip, sequence ttl s.
const SKIP_ARRIVAL = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local n = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or '1') ~= n then return 0 end
redis.call('SET', KEYS[1], n + 1, 'EX', ARGV[2])
redis.call('EXPIRE', KEYS[4], ARGV[2])
redis.call('HDEL', KEYS[3], n)
return 1
`;

// KEYS: lock. ARGV: token, ttl ms.
const RENEW_LOCK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

// KEYS: lock. ARGV: token.
const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

type LaneCommands = Redis & {
  laneTakeTurn(
    next: string,
    lock: string,
    done: string,
    arrival: number,
    token: string,
    ttl: number,
  ): Promise<[string, number]>;
  laneFinishTurn(...args: Array<string | number>): Promise<number>;
  laneSkipArrival(
    next: string,
    lock: string,
    arrivals: string,
    sequence: string,
    n: number,
    ttl: number,
  ): Promise<number>;
  laneRenewLock(lock: string, token: string, ttl: number): Promise<number>;
  laneReleaseLock(lock: string, token: string): Promise<number>;
};

function commands(redis: Redis): LaneCommands {
  const candidate = redis as LaneCommands;
  if (typeof candidate.laneTakeTurn !== 'function') {
    redis.defineCommand('laneTakeTurn', { numberOfKeys: 3, lua: TAKE_TURN });
    redis.defineCommand('laneFinishTurn', { numberOfKeys: 8, lua: FINISH_TURN });
    redis.defineCommand('laneSkipArrival', { numberOfKeys: 4, lua: SKIP_ARRIVAL });
    redis.defineCommand('laneRenewLock', { numberOfKeys: 1, lua: RENEW_LOCK });
    redis.defineCommand('laneReleaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK });
  }
  return candidate;
}

export type LaneMessage = { phone: string; messageSid: string; arrival: number };

/** Asks whether the message may be processed now; on run/late the sender's lock is taken with `token`. */
export async function takeTurn(
  redis: Redis,
  keys: RedisKeys,
  message: LaneMessage,
  token: string,
  lockTtlMs: number,
): Promise<Turn> {
  const [kind, next] = await commands(redis).laneTakeTurn(
    keys.senderNext(message.phone),
    keys.senderLock(message.phone),
    keys.inboundDone(message.messageSid),
    message.arrival,
    token,
    lockTtlMs,
  );
  switch (kind) {
    case 'run':
      return { kind: 'run' };
    case 'done':
      return { kind: 'done' };
    case 'wait':
      return { kind: 'wait', next };
    case 'busy':
      return { kind: 'busy', next };
    default:
      return { kind: 'late', next };
  }
}

export type TurnOutcome = {
  /** The conversation state to keep: a JSON string, null to delete it, undefined to leave it. */
  state: { key: string; json: string | null; ttlSeconds: number } | undefined;
  result: 'processed' | 'failed';
};

/**
 * Records the message as finished, saves the state and moves the lane on (when it was this
 * message's turn), then releases the lock. Returns false when the lock was no longer ours.
 */
export async function finishTurn(
  redis: Redis,
  keys: RedisKeys,
  message: LaneMessage,
  token: string,
  outcome: TurnOutcome,
): Promise<{ owned: boolean; advanced: boolean }> {
  const state = outcome.state;
  const result = await commands(redis).laneFinishTurn(
    keys.senderNext(message.phone),
    keys.senderLock(message.phone),
    keys.inboundDone(message.messageSid),
    keys.senderArrivals(message.phone),
    state?.key ?? keys.conversation(message.phone),
    keys.senderSequence(message.phone),
    keys.inboundSnapshot(message.messageSid),
    keys.inboundEffects(message.messageSid),
    message.arrival,
    token,
    state === undefined ? '-' : (state.json ?? ''),
    state?.ttlSeconds ?? 1,
    outcome.result,
    DONE_TTL_SECONDS,
    SEQUENCE_TTL_SECONDS,
  );
  return { owned: result !== -1, advanced: result === 1 };
}

/** Moves the lane past an arrival that will never be processed in order; false when it moved already. */
export async function skipArrival(redis: Redis, keys: RedisKeys, phone: string, arrival: number): Promise<boolean> {
  const skipped = await commands(redis).laneSkipArrival(
    keys.senderNext(phone),
    keys.senderLock(phone),
    keys.senderArrivals(phone),
    keys.senderSequence(phone),
    arrival,
    SEQUENCE_TTL_SECONDS,
  );
  return skipped === 1;
}

export async function renewLock(
  redis: Redis,
  keys: RedisKeys,
  phone: string,
  token: string,
  ttlMs: number,
): Promise<boolean> {
  return (await commands(redis).laneRenewLock(keys.senderLock(phone), token, ttlMs)) === 1;
}

export async function releaseLock(redis: Redis, keys: RedisKeys, phone: string, token: string): Promise<void> {
  await commands(redis).laneReleaseLock(keys.senderLock(phone), token);
}

/** The MessageSid recorded for a sender's arrival number, while it is unprocessed. */
export async function messageSidOfArrival(
  redis: Redis,
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
  redis: Redis,
  keys: RedisKeys,
  phone: string,
  arrival: number,
  now: number,
): Promise<number> {
  const key = keys.senderGaps(phone);
  await redis.hsetnx(key, String(arrival), String(now));
  await redis.expire(key, SEQUENCE_TTL_SECONDS);
  const since = Number((await redis.hget(key, String(arrival))) ?? now);
  return now - since;
}
