// Forgets a sender in Redis once their conversation ended for good (DELETE MY DATA, or NO before
// registering): their conversation state and lane keys, and every job record of theirs (the
// inbound messages and queued sends, which hold the number and text sealed). Queued by the turn
// that ended it, a moment later, so that turn's own job is finished and can go too.
//
// If they wrote again meanwhile, that is a new conversation: its keys and jobs stay, and only the
// finished job records of the ended one (queued up to its last message) are removed.
import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Deps } from '../../deps';
import { forgetSenderSchema, QUEUE } from '../queues';
import { forgetSenderScript } from '../redis-scripts';

const RETRY_MS = 1_000;
// Pages of the job lists read while looking for the sender's job records.
const PAGE = 500;
// Finished jobs only: a waiting one is a message of a new conversation, not to be lost.
const STATES = ['completed', 'failed'] as const;

export type ForgetResult = { outcome: 'forgotten' | 'returned'; jobs: number };

const senderOf = (job: Job | undefined) => (job?.data as { sender?: unknown } | undefined)?.sender;

/** Removes the sender's finished job records up to `endedAt`; running: one of them is still active. */
async function removeJobsOf(
  queue: Queue,
  sender: string,
  endedAt: number,
): Promise<{ removed: number; running: boolean }> {
  let removed = 0;
  for (let start = 0; ; start += PAGE) {
    const jobs = await queue.getJobs([...STATES], start, start + PAGE - 1, true);
    for (const job of jobs) {
      if (senderOf(job) !== sender || job.timestamp > endedAt) continue;
      await job.remove().then(
        () => (removed += 1),
        () => undefined, // taken by a worker meanwhile: found below or on the next look
      );
    }
    if (jobs.length < PAGE) break;
  }
  const active = await queue.getJobs(['active']);
  const running = active.some((job) => senderOf(job) === sender && job.timestamp <= endedAt);
  return { removed, running };
}

export function makeForgetSenderProcessor(deps: Deps) {
  return async function forgetSender(job: Job, token?: string): Promise<ForgetResult> {
    const parsed = forgetSenderSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid forget-sender payload');
    const { sender, arrival, endedAt } = parsed.data;
    const later = async (): Promise<never> => {
      await job.moveToDelayed(Date.now() + RETRY_MS, token);
      throw new DelayedError();
    };

    // The sender's jobs first: the ending turn's own job must be finished before its lane goes.
    let jobs = 0;
    for (const name of [QUEUE.inbound, QUEUE.outbound] as const) {
      const { removed, running } = await removeJobsOf(deps.queues[name], sender, endedAt);
      jobs += removed;
      if (running) return later();
    }
    const lane = deps.keys.laneOf(sender);
    const minute = Math.floor(Date.now() / 60_000);
    const outcome = await forgetSenderScript(
      deps.redis,
      {
        sequence: lane.sequence,
        lock: lane.lock,
        conversation: deps.keys.ofSender(sender)[0]!,
        others: [
          ...deps.keys.ofSender(sender).slice(1),
          ...[minute - 2, minute - 1, minute].map((m) => deps.keys.senderMinuteOf(sender, m)),
        ],
      },
      { arrival },
    );
    if (outcome === 'busy') return later();
    deps.logger.info({ queue: job.queueName, jobId: job.id, outcome, jobs }, 'forgot a sender');
    return { outcome, jobs };
  };
}
