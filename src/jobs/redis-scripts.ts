// The service's Redis scripts: one .lua file each under ./lua, named with its key count as BullMQ
// names its own (take-turn-9.lua: nine keys; record-arrivals-5n.lua: five per message). Read once
// at start and called only through the typed wrappers below.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import calculateSlot from 'cluster-key-slot';
import type { RedisClient } from '../redis';

export const SCRIPTS = {
  takeTurn: 'take-turn-9',
  finishTurn: 'finish-turn-11',
  skipArrival: 'skip-arrival-4',
  renewLock: 'renew-lock-1',
  releaseLock: 'release-lock-1',
  recordArrivals: 'record-arrivals-5n',
  reserveSend: 'reserve-send-1',
  recordEffect: 'record-effect-2',
  rememberSent: 'remember-sent-1',
  takeIdleLock: 'take-idle-lock-3',
  forgetSender: 'forget-sender-3n',
} as const;
type ScriptName = keyof typeof SCRIPTS;

const lua = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, file]) => [
    name,
    readFileSync(path.join(__dirname, 'lua', `${file}.lua`), 'utf8'),
  ]),
) as Record<ScriptName, string>;

const sha1 = Object.fromEntries(
  Object.entries(lua).map(([name, text]) => [name, createHash('sha1').update(text).digest('hex')]),
) as Record<ScriptName, string>;

type Reply = string | number | null | Reply[];

/**
 * Runs a script by its SHA1 (EVALSHA), after checking that its keys share one hash slot, as a
 * Redis Cluster requires of every script (each sender's keys, or one queue's, carry one hash tag:
 * src/jobs/redis-keys.ts). Checked on one Redis too, so a key that breaks the rule fails every
 * test, not only a cluster. A server that has not seen the script yet (first use, or after a
 * restart emptied its script cache) answers NOSCRIPT and gets it once, with EVAL.
 *
 * Not ioredis's defineCommand: in an auto-pipeline it sends the whole script text with every call
 * (it remembers loaded scripts per write, and each pipeline is a new one), which Redis must then
 * hash again; and on a cluster it would route a script with a varying key count by its key count.
 */
async function run(redis: RedisClient, name: ScriptName, keys: string[], args: Array<string | number>): Promise<Reply> {
  assertOneSlot(SCRIPTS[name], keys);
  try {
    return (await redis.evalsha(sha1[name], keys.length, ...keys, ...args)) as Reply;
  } catch (error) {
    if (!(error as Error).message.startsWith('NOSCRIPT')) throw error;
    return (await redis.eval(lua[name], keys.length, ...keys, ...args)) as Reply;
  }
}

/**
 * Keys with the same hash tag share a slot: compared as strings, which costs next to nothing;
 * the slots themselves are computed only when the tags differ (two tags may still share one).
 */
function assertOneSlot(script: string, keys: string[]): void {
  const tag = hashTag(keys[0]!);
  for (const key of keys) {
    if (hashTag(key) === tag) continue;
    const slot = calculateSlot(keys[0]!);
    if (keys.some((other) => calculateSlot(other) !== slot)) throw new CrossSlotError(script, keys);
    return;
  }
}

/** What Redis Cluster hashes: the part between the first { and the next }, when not empty. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

export class CrossSlotError extends Error {
  constructor(script: string, keys: string[]) {
    super(`${script}.lua was given keys of more than one hash slot: ${keys.join(' ')}`);
    this.name = 'CrossSlotError';
  }
}

/** On run and late, also the state, the first run's snapshot and its effects (field, value, ...). */
export type TakeTurnReply = [
  kind: string,
  next: number,
  generation: number,
  arrival: number,
  inMinute: number,
  state?: string | null,
  snapshot?: string | null,
  effects?: string[],
];

export async function takeTurnScript(
  redis: RedisClient,
  keys: {
    next: string;
    lock: string;
    done: string;
    messageSequence: string;
    arrivals: string;
    minute: string;
    conversation: string;
    snapshot: string;
    effects: string;
  },
  args: { token: string; lockTtlMs: number; messageSid: string; minuteTtlSeconds: number },
): Promise<TakeTurnReply> {
  return (await run(
    redis,
    'takeTurn',
    [
      keys.next,
      keys.lock,
      keys.done,
      keys.messageSequence,
      keys.arrivals,
      keys.minute,
      keys.conversation,
      keys.snapshot,
      keys.effects,
    ],
    [args.token, args.lockTtlMs, args.messageSid, args.minuteTtlSeconds],
  )) as TakeTurnReply;
}

/** [-1]: not our lock; [0]: the lane did not move; [1]: it moved; [1, sid]: it moved to a parked message. */
export type FinishTurnReply = [-1] | [0] | [1] | [1, string | null];

export async function finishTurnScript(
  redis: RedisClient,
  keys: {
    next: string;
    lock: string;
    done: string;
    arrivals: string;
    conversation: string;
    sequence: string;
    snapshot: string;
    effects: string;
    messageSequence: string;
    lastInbound: string;
    sentRecent: string;
  },
  args: {
    arrival: number;
    token: string;
    stateJson: string;
    stateTtlSeconds: number;
    outcome: string;
    outcomeTtlSeconds: number;
    senderTtlSeconds: number;
    receivedAtMs: number;
    windowSeconds: number;
    /** Replies sent and not yet among the recipient's recent SIDs (remember-sent-1.lua). */
    sent: ReadonlyArray<{ at: number; sid: string }>;
    sentKeep: number;
    sentTtlSeconds: number;
  },
): Promise<FinishTurnReply> {
  return (await run(
    redis,
    'finishTurn',
    [
      keys.next,
      keys.lock,
      keys.done,
      keys.arrivals,
      keys.conversation,
      keys.sequence,
      keys.snapshot,
      keys.effects,
      keys.messageSequence,
      keys.lastInbound,
      keys.sentRecent,
    ],
    [
      args.arrival,
      args.token,
      args.stateJson,
      args.stateTtlSeconds,
      args.outcome,
      args.outcomeTtlSeconds,
      args.senderTtlSeconds,
      args.receivedAtMs,
      args.windowSeconds,
      args.sentKeep,
      args.sentTtlSeconds,
      ...args.sent.flatMap(({ at, sid }) => [at, sid]),
    ],
  )) as FinishTurnReply;
}

export async function skipArrivalScript(
  redis: RedisClient,
  keys: { next: string; lock: string; arrivals: string; sequence: string },
  args: { arrival: number; senderTtlSeconds: number },
): Promise<boolean> {
  const skipped = await run(
    redis,
    'skipArrival',
    [keys.next, keys.lock, keys.arrivals, keys.sequence],
    [args.arrival, args.senderTtlSeconds],
  );
  return skipped === 1;
}

export async function renewLockScript(
  redis: RedisClient,
  lock: string,
  token: string,
  ttlMs: number,
): Promise<boolean> {
  return (await run(redis, 'renewLock', [lock], [token, ttlMs])) === 1;
}

export async function releaseLockScript(redis: RedisClient, lock: string, token: string): Promise<boolean> {
  return (await run(redis, 'releaseLock', [lock], [token])) === 1;
}

/** Five keys per message (message-seq, sender-seq, sender-arrivals, sender-next, sender-jobs), then the sids. */
export async function recordArrivalsScript(
  redis: RedisClient,
  keysPerMessage: Array<[messageSequence: string, sequence: string, arrivals: string, next: string, jobs: string]>,
  args: { ttlSeconds: number; jobsTtlSeconds: number; messageSids: string[] },
): Promise<number[]> {
  return (await run(redis, 'recordArrivals', keysPerMessage.flat(), [
    args.ttlSeconds,
    args.jobsTtlSeconds,
    Date.now(),
    ...args.messageSids,
  ])) as number[];
}

/** Reserves the next global send slot; resolves to the milliseconds to wait for it. */
export async function reserveSendScript(
  redis: RedisClient,
  key: string,
  args: { intervalMs: number; burstMs: number },
): Promise<number> {
  return (await run(redis, 'reserveSend', [key], [args.intervalMs, args.burstMs])) as number;
}

/** Sets one field of a turn's effects hash, renews its TTL, and saves the turn's snapshot if given. */
export async function recordEffectScript(
  redis: RedisClient,
  keys: { effects: string; snapshot: string },
  args: { field: string; value: string; ttlSeconds: number; snapshotJson: string | undefined },
): Promise<void> {
  await run(
    redis,
    'recordEffect',
    [keys.effects, keys.snapshot],
    [args.field, args.value, args.ttlSeconds, args.snapshotJson ?? ''],
  );
}

/** Adds a SID to a recipient's latest sends, keeping the newest `keep`. */
export async function rememberSentScript(
  redis: RedisClient,
  key: string,
  args: { at: number; sid: string; keep: number; ttlSeconds: number },
): Promise<void> {
  await run(redis, 'rememberSent', [key], [args.at, args.sid, args.keep, args.ttlSeconds]);
}

/** Takes a sender's lock only while their lane is idle: 'ok', 'busy' or 'behind'. */
export async function takeIdleLockScript(
  redis: RedisClient,
  keys: { next: string; sequence: string; lock: string },
  args: { token: string; lockTtlMs: number },
): Promise<'ok' | 'busy' | 'behind'> {
  return (await run(redis, 'takeIdleLock', [keys.next, keys.sequence, keys.lock], [args.token, args.lockTtlMs])) as
    'ok' | 'busy' | 'behind';
}

/** Deletes a sender's keys unless they wrote after `arrival` or a turn of theirs runs. */
export async function forgetSenderScript(
  redis: RedisClient,
  keys: { sequence: string; lock: string; conversation: string; others: string[] },
  args: { arrival: number },
): Promise<'forgotten' | 'busy' | 'returned'> {
  const all = [keys.sequence, keys.lock, keys.conversation, ...keys.others];
  return (await run(redis, 'forgetSender', all, [args.arrival])) as 'forgotten' | 'busy' | 'returned';
}
