// Forgets a sender in Redis once their conversation ended for good (DELETE MY DATA, or NO before
// registering): their conversation state and lane keys, every finished job record of theirs
// (the inbound messages and queued sends, which hold the number and text sealed) and each
// message's number and outcome (but the ending message's, below), found through the sender's
// list of job ids: no scan of the queues. Queued by the turn that ended it, a moment later, so
// that turn's own job is finished and can go too.
//
// The ending message keeps its number and outcome until they expire (finished-message TTL): a
// webhook Twilio retries after the erasure (its first answer lost, or a 503 in a Redis failover
// after the job was queued) is then known as handled, not taken as a new conversation's first
// message (tests/e2e/cluster-failover.test.ts saw that happen).
//
// If they wrote again meanwhile, that is a new conversation: its keys and jobs stay, and only the
// finished job records of the ended one (queued up to its last message) are removed.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../deps';
import { forgetSenderSchema, QUEUE } from '../queues';
import { forgetSenderScript } from '../redis-scripts';

const RETRY_MS = 1_000;

const isInbound = (jobId: string) => !jobId.endsWith('-apology');

export type ForgetResult = { outcome: 'forgotten' | 'returned'; jobs: number };

/**
 * Removes the sender's finished job records up to the message that ended the conversation: the ids
 * in sender-jobs listed no later than it (both scored by the webhook's clock, so a message of a
 * new conversation, listed after, stays). An apology's id ends in "-apology" (the outbound
 * queue); the others are MessageSids (the inbound queue). The ending message stays listed, as the
 * bound of a later look, until the sender's keys go. running: a job is still active, look again.
 */
async function removeJobsOf(
  deps: Deps,
  sender: string,
  endingSid: string,
): Promise<{ removed: number; running: boolean }> {
  const key = deps.keys.senderJobsOf(sender);
  const listedAt = await deps.redis.zscore(key, endingSid);
  if (listedAt === null) return { removed: 0, running: false }; // already forgotten
  const ids = await deps.redis.zrangebyscore(key, '-inf', listedAt);
  let removed = 0;
  let running = false;
  const done: string[] = [];
  for (const id of ids) {
    const queue = deps.queues[isInbound(id) ? QUEUE.inbound : QUEUE.outbound];
    // BullMQ refuses to remove a job a worker holds: it is looked at again next time.
    if ((await queue.remove(id)) === 1) {
      removed += 1;
      done.push(id);
    } else if ((await queue.getJobState(id)) === 'unknown') {
      done.push(id); // gone already (expired or removed)
    } else {
      running = true;
    }
  }
  const forgotten = done.filter((id) => id !== endingSid);
  if (forgotten.length > 0) {
    // Each message's number and outcome go with its job (named by the sender, so they must).
    const messageKeys = forgotten.filter(isInbound).flatMap((sid) => deps.keys.messageKeysOf(sender, sid));
    const writes: Array<Promise<number>> = [deps.redis.zrem(key, ...forgotten)];
    if (messageKeys.length > 0) writes.push(deps.redis.del(...messageKeys));
    await Promise.all(writes);
  }
  return { removed, running };
}

export function makeForgetSenderProcessor(deps: Deps) {
  return async function forgetSender(job: Job, token?: string): Promise<ForgetResult> {
    const parsed = forgetSenderSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid forget-sender payload');
    const { sender, arrival, messageSid } = parsed.data;
    const later = async (): Promise<never> => {
      await job.moveToDelayed(Date.now() + RETRY_MS, token);
      throw new DelayedError();
    };

    // The sender's jobs first: the ending turn's own job must be finished before its lane goes.
    const { removed: jobs, running } = await removeJobsOf(deps, sender, messageSid);
    if (running) return later();
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
    // They wrote again: their new lane stays, and so does its list, less the ended conversation.
    if (outcome === 'returned') await deps.redis.zrem(deps.keys.senderJobsOf(sender), messageSid);
    deps.logger.info({ queue: job.queueName, jobId: job.id, outcome, jobs }, 'forgot a sender');
    return { outcome, jobs };
  };
}
