// Runs one job in its sender's lane (src/jobs/sender-lane.ts): numbers it if the webhook could
// not, sends it back to the delayed set until its turn, holds the sender's lock while it works,
// and moves the lane on after success or after the last failed attempt. An outage of Postgres,
// Redis or Twilio uses up no attempt: the turn goes back to the delayed set and tries again, and
// the sender's later messages wait behind it. docs/decisions/0016-one-turn-does-its-own-work.md.
import { randomUUID } from 'node:crypto';
import { DelayedError, Job, UnrecoverableError, type Queue } from 'bullmq';
import type { Deps } from '../deps';
import { turnEffects, type TurnEffects } from '../conversation-runtime/turn-effects';
import { maskPhone } from '../phone';
import { isDependencyOutage, outageWaitMs } from './dependency-outage';
import { recordArrival } from './sender-arrival';
import {
  finishTurn,
  gapAge,
  messageSidOfArrival,
  releaseLock,
  renewLock,
  skipArrival,
  takeTurn,
  turnId,
  type LaneMessage,
  type OpenedTurn,
  type TurnOutcome,
} from './sender-lane';

// How soon a message waiting for its turn looks again; the message before it also promotes it
// the moment the lane moves, so this only bounds the worst case.
const LANE_POLL_MS = 150;
// The webhook numbers a message in parallel with queueing it: give the number this long to land
// before the worker numbers the message itself.
const ARRIVAL_GRACE_MS = 5_000;
// An earlier arrival whose job never showed up (the webhook died between numbering and queueing,
// and Twilio did not redeliver) holds the lane this long at most.
const GAP_WAIT_MS = 30_000;
// A message waiting less than this does not yet ask what its predecessor is doing.
const PREDECESSOR_CHECK_AFTER_MS = 1_000;
// The sender's lock outlives a crashed holder by at most this; renewed every third of it.
export const SENDER_LOCK_TTL_MS = 10_000;

export type LaneResult = 'processed' | 'duplicate' | 'late';
/**
 * How a message's run in the lane went. `endedAt`: the message ended its conversation (now, or
 * in an earlier run when this is a duplicate), at this arrival: the sender is to be forgotten.
 */
export type LaneRun = { result: LaneResult; endedAt?: number };
export type Turn = {
  arrival: number;
  late: boolean;
  turnId: string;
  effects: TurnEffects;
  /** How many of the sender's messages of the same minute took their turn, this one included (0 on a rerun). */
  inMinute: number;
  /** The turn's first reads, made by the take-turn script; absent when they do not apply (a rerun). */
  opened: OpenedTurn | undefined;
};
/** The work done in the lane; returns the conversation state to save with the lane's move. */
export type LaneWork = (turn: Turn) => Promise<TurnOutcome['state']>;
/** Called once a message has failed for good (its lane has moved on). */
export type OnGaveUp = (turn: { turnId: string }) => Promise<void>;

type LaneDeps = Pick<Deps, 'redis' | 'keys' | 'logger'>;

export function makeLaneRunner(deps: LaneDeps, queue: Queue, options: { gapWaitMs?: number } = {}) {
  const gapWaitMs = options.gapWaitMs ?? GAP_WAIT_MS;

  async function later(
    job: Job,
    token: string | undefined,
    delayMs = LANE_POLL_MS + Math.random() * 50,
  ): Promise<never> {
    // Back to the delayed set without using up an attempt.
    await job.moveToDelayed(Date.now() + Math.floor(delayMs), token);
    throw new DelayedError();
  }

  /** The lane waits for `next`: makes sure that arrival is still on its way, skips it otherwise. */
  async function checkPredecessor(phone: string, next: number): Promise<void> {
    const log = deps.logger.child({ queue: queue.name, from: maskPhone(phone) });
    const sid = await messageSidOfArrival(deps.redis, deps.keys, phone, next);
    const predecessor = sid === undefined ? undefined : await Job.fromId(queue, sid);
    if (predecessor !== undefined) {
      const state = await predecessor.getState();
      // Finished without moving the lane: it failed outside the processor (stalled too often).
      if ((state === 'failed' || state === 'completed') && (await skipArrival(deps.redis, deps.keys, phone, next))) {
        log.warn({ arrival: next, messageSid: sid, state }, 'lane moved past a message that ended outside its turn');
      }
      return;
    }
    if ((await gapAge(deps.redis, deps.keys, phone, next, Date.now())) < gapWaitMs) return;
    if (await skipArrival(deps.redis, deps.keys, phone, next)) {
      log.warn({ arrival: next, messageSid: sid }, 'lane skipped an arrival whose message never came');
    }
  }

  /**
   * Wakes the sender's next message, parked in the delayed set waiting for this one. BullMQ
   * refuses when it is not there (yet): it then finds its turn at its next look.
   */
  async function promoteNext(messageSid: string | undefined): Promise<void> {
    if (messageSid === undefined) return;
    await new Job(queue, queue.name, {}, {}, messageSid).promote().catch(() => undefined);
  }

  return async function runInLane(
    job: Job,
    token: string | undefined,
    message: { phone: string; messageSid: string },
    work: LaneWork,
    onGaveUp?: OnGaveUp,
  ): Promise<LaneRun> {
    const log = deps.logger.child({ queue: queue.name, jobId: job.id, from: maskPhone(message.phone) });
    const lockToken = randomUUID();
    const timed = { ...message, receivedAtMs: job.timestamp };
    let turn = await takeTurn(deps.redis, deps.keys, timed, lockToken, SENDER_LOCK_TTL_MS);
    if (turn.kind === 'unnumbered') {
      if (Date.now() - job.timestamp < ARRIVAL_GRACE_MS) return later(job, token);
      const arrival = await recordArrival(deps.redis, deps.keys, message);
      log.warn({ arrival }, 'message had no arrival number; numbered by the worker');
      turn = await takeTurn(deps.redis, deps.keys, timed, lockToken, SENDER_LOCK_TTL_MS);
    }
    // A message that ended its conversation is done, but the erasure after it may not be.
    if (turn.kind === 'done')
      return { result: 'duplicate', ...(turn.endedAt !== undefined && { endedAt: turn.endedAt }) };
    if (turn.kind === 'wait') {
      if (Date.now() - job.timestamp >= PREDECESSOR_CHECK_AFTER_MS) await checkPredecessor(message.phone, turn.next);
      return later(job, token);
    }
    if (turn.kind === 'busy' || turn.kind === 'unnumbered') return later(job, token);
    const arrival = turn.arrival;
    const lane: LaneMessage = { ...message, arrival };
    if (turn.kind === 'late') log.warn({ arrival, next: turn.next }, 'processing a message after its skipped turn');
    if (turn.kind === 'rerun') log.info({ arrival, generation: turn.generation }, 'processing a failed message again');

    const generation = turn.kind === 'rerun' ? turn.generation : 0;
    const id = turnId(lane.messageSid, generation);
    const firstReads = turn.kind === 'rerun' ? undefined : turn.opened;
    const effects = turnEffects(deps.redis, deps.keys, lane.phone, id, firstReads?.effects);
    const finish = (outcome: TurnOutcome) =>
      finishTurn(deps.redis, deps.keys, { ...lane, generation, receivedAtMs: job.timestamp }, lockToken, outcome);

    const renewal = setInterval(() => {
      renewLock(deps.redis, deps.keys, lane.phone, lockToken, SENDER_LOCK_TTL_MS).catch(() => undefined);
    }, SENDER_LOCK_TTL_MS / 3);
    try {
      const inMinute = turn.kind === 'rerun' ? 0 : turn.inMinute;
      const state = await work({
        arrival,
        late: turn.kind !== 'run',
        turnId: id,
        effects,
        inMinute,
        opened: firstReads,
      });
      // A state deleted is a conversation ended (the machine has no next state).
      const ended = state?.json === null;
      // Its last replies' SIDs go with the finish.
      const finished = await finish({
        state,
        result: ended ? 'ended' : 'processed',
        sent: effects.takeUnwrittenSends(),
      });
      // Our lock lapsed and another run took it: a rerun finds every effect already applied.
      if (!finished.owned) throw new Error('sender lock lost before the message was finished');
      await promoteNext(finished.nextMessageSid);
      return { result: turn.kind === 'run' ? 'processed' : 'late', ...(ended && { endedAt: arrival }) };
    } catch (error) {
      // What the turn sent is written before it stops, as it would have been with its next write.
      await effects.writeSends().catch(() => undefined);
      if (!(error instanceof UnrecoverableError) && isDependencyOutage(error)) {
        // Not the message's fault: wait for the dependency without using up an attempt.
        const outages = await effects.countOutage().catch(() => 1);
        const waitMs = outageWaitMs(outages);
        log.warn({ err: errorSummary(error), arrival, outages, waitMs }, 'a dependency is down; the message waits');
        await releaseLock(deps.redis, deps.keys, lane.phone, lockToken).catch(() => undefined);
        // With Redis down this fails too; the job then stalls and BullMQ hands it out again.
        await later(job, token, waitMs).catch((delayed: unknown) => {
          throw delayed instanceof DelayedError ? delayed : error;
        });
      }
      const lastAttempt = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (lastAttempt) {
        // A message that cannot be handled must not hold its sender's later messages forever.
        log.error({ err: errorSummary(error), arrival }, 'message failed for good; its lane moves on');
        const finished = await finish({ state: undefined, result: 'failed' });
        await promoteNext(finished.nextMessageSid);
        await onGaveUp?.({ turnId: id });
      } else {
        log.warn({ err: errorSummary(error), arrival, attempt: job.attemptsMade + 1 }, 'message failed; will retry');
        await releaseLock(deps.redis, deps.keys, lane.phone, lockToken);
      }
      throw error;
    } finally {
      clearInterval(renewal);
    }
  };
}

function errorSummary(error: unknown): { name: string; message: string } {
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
  };
  return { name: typeof name === 'string' ? name : 'unknown', message: typeof message === 'string' ? message : '' };
}
