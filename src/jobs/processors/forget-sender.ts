// Forgets a sender in Redis once their conversation ended for good (DELETE MY DATA, or NO before
// registering): their conversation state and lane keys, and every job record of theirs (the
// inbound messages and queued sends, which hold the number and text sealed). Queued by the turn
// that ended it, a moment later, so that turn's own job is finished and can go too.
//
// Only while the sender's lane is idle: if they wrote again meanwhile, that is a new conversation
// and its keys stay; their older job records are removed all the same.
import { randomUUID } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Deps } from '../../deps';
import { SENDER_LOCK_TTL_MS } from '../lane-runner';
import { forgetSenderSchema, QUEUE } from '../queues';
import { takeIdleLockScript } from '../redis-scripts';

const RETRY_MS = 1_000;
// Pages of the job lists read while looking for the sender's job records.
const PAGE = 500;
const STATES = ['completed', 'failed', 'delayed', 'waiting', 'prioritized'] as const;

export type ForgetResult = { keys: number; jobs: number };

/** Removes the sender's job records; true when one was still running (to look again). */
async function removeJobsOf(queue: Queue, sender: string): Promise<{ removed: number; running: boolean }> {
  let removed = 0;
  for (let start = 0; ; start += PAGE) {
    const jobs = await queue.getJobs([...STATES], start, start + PAGE - 1, true);
    for (const job of jobs) {
      if ((job?.data as { sender?: unknown } | undefined)?.sender !== sender) continue;
      await job.remove().then(
        () => (removed += 1),
        () => undefined, // taken by a worker meanwhile: found below or on the next look
      );
    }
    if (jobs.length < PAGE) break;
  }
  const active = await queue.getJobs(['active']);
  const running = active.some((job) => (job?.data as { sender?: unknown } | undefined)?.sender === sender);
  return { removed, running };
}

export function makeForgetSenderProcessor(deps: Deps) {
  return async function forgetSender(job: Job, token?: string): Promise<ForgetResult> {
    const parsed = forgetSenderSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid forget-sender payload');
    const { sender } = parsed.data;
    const later = async (): Promise<never> => {
      await job.moveToDelayed(Date.now() + RETRY_MS, token);
      throw new DelayedError();
    };

    const lane = deps.keys.laneOf(sender);
    const lockToken = randomUUID();
    const state = await takeIdleLockScript(deps.redis, lane, { token: lockToken, lockTtlMs: SENDER_LOCK_TTL_MS });
    if (state === 'busy') return later();
    let keys = 0;
    if (state === 'ok') {
      // The lock key goes with the rest: nobody else holds it.
      const minute = Math.floor(Date.now() / 60_000);
      const minutes = [minute - 2, minute - 1, minute].map((m) => deps.keys.senderMinuteOf(sender, m));
      keys = await deps.redis.del(...deps.keys.ofSender(sender), ...minutes, lane.lock);
    }
    let jobs = 0;
    for (const name of [QUEUE.inbound, QUEUE.outbound] as const) {
      const { removed, running } = await removeJobsOf(deps.queues[name], sender);
      jobs += removed;
      if (running) return later();
    }
    deps.logger.info({ queue: job.queueName, jobId: job.id, keys, jobs }, 'forgot a sender');
    return { keys, jobs };
  };
}
