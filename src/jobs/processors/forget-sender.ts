// Forgets a sender in Redis once their conversation ended for good (DELETE MY DATA, or NO before
// registering): their conversation state and lane keys, every job record of theirs still kept
// (a failed message, an apology: they hold the number and text sealed; a completed message's
// record went as it completed, decision 0029) and each message's number and outcome (but the
// ending message's, below), found through the sender's list of job ids: no scan of the queues.
// The ending message's own job does it as soon as its turn is finished; what has to wait (a job
// of theirs still running, a new turn holding their lane) or fails there is left to a
// forget-sender job, which looks again until it is done; when that job cannot be queued either,
// the ending job fails and its retry, finding its turn over as 'ended', does it.
//
// The ending message keeps its number and outcome until they expire (finished-message TTL): a
// webhook Twilio retries after the erasure (its first answer lost, or a 503 in a Redis failover
// after the job was queued) is then known as handled, not taken as a new conversation's first
// message (tests/e2e/cluster-failover.test.ts saw that happen).
//
// If they wrote again meanwhile, that is a new conversation: its keys and jobs stay, and only the
// job records of the ended one (queued up to its last message) are removed.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../deps';
import { forgetSenderSchema, QUEUE, type ForgetSenderJob } from '../queues';
import { forgetSenderScript } from '../redis-scripts';

const RETRY_MS = 1_000;

const isInbound = (jobId: string) => !jobId.endsWith('-apology');

export type ForgetResult = { outcome: 'forgotten' | 'returned'; jobs: number };
/** busy: a new turn holds the sender's lane; running: a job of theirs is still running. Look again later. */
export type ForgetAttempt = { outcome: ForgetResult['outcome'] | 'busy' | 'running'; jobs: number };

/**
 * Removes the sender's job records up to the message that ended the conversation: the ids in
 * sender-jobs listed no later than it (both scored by the webhook's clock, so a message of a new
 * conversation, listed after, stays). An apology's id ends in "-apology" (the outbound queue);
 * the others are MessageSids (the inbound queue), whose jobs are removed as they complete: only a
 * failed one, or one still running, is still there. The ending message stays listed, as the
 * bound of a later look, until the sender's keys go. running: a job is still active, look again.
 * fromEndingJob: called by the ending message's own job, whose record goes as it completes.
 * written: the removal of the others' ids and message keys, sent but not yet confirmed, so the
 * caller's next command goes in the same write. listed: false when the ending message is no longer
 * listed: the sender was forgotten already (and what is listed now is a new conversation's).
 */
async function removeJobsOf(
  deps: Deps,
  ended: ForgetSenderJob,
  fromEndingJob: boolean,
): Promise<{ listed: boolean; removed: number; running: boolean; written: Promise<unknown> }> {
  const { sender, messageSid: endingSid } = ended;
  const key = deps.keys.senderJobsOf(sender);
  const listed = await deps.redis.zrange(key, '0', '-1', 'WITHSCORES');
  const scores = new Map<string, number>();
  for (let i = 0; i < listed.length; i += 2) scores.set(listed[i]!, Number(listed[i + 1]));
  const listedAt = scores.get(endingSid);
  if (listedAt === undefined) return { listed: false, removed: 0, running: false, written: Promise.resolve() };
  const ids = await notLater(
    deps,
    ended,
    [...scores].filter(([id, at]) => at <= listedAt && !(fromEndingJob && id === endingSid)),
    listedAt,
  );
  const queueOf = (id: string) => deps.queues[isInbound(id) ? QUEUE.inbound : QUEUE.outbound];
  // Which records are still there, all in one round trip: most are gone already.
  const present = await Promise.all(ids.map((id) => deps.redis.exists(queueOf(id).toKey(id))));
  let removed = 0;
  let running = false;
  const done: string[] = ids.filter((_, i) => present[i] === 0);
  for (const id of ids.filter((_, i) => present[i] !== 0)) {
    const queue = queueOf(id);
    // BullMQ refuses to remove a job a worker holds: it is looked at again next time.
    if ((await queue.remove(id)) === 1) {
      removed += 1;
      done.push(id);
    } else if ((await queue.getJobState(id)) === 'unknown') {
      done.push(id); // gone meanwhile (completed, expired or removed)
    } else {
      running = true;
    }
  }
  const forgotten = done.filter((id) => id !== endingSid);
  const writes: Array<Promise<number>> = [];
  if (forgotten.length > 0) {
    // Each message's number and outcome go with its job (named by the sender, so they must).
    const messageKeys = forgotten.filter(isInbound).flatMap((sid) => deps.keys.messageKeysOf(sender, sid));
    writes.push(deps.redis.zrem(key, ...forgotten));
    if (messageKeys.length > 0) writes.push(deps.redis.del(...messageKeys));
  }
  return { listed: true, removed, running, written: Promise.all(writes) };
}

/**
 * The listed ids less any message of a new conversation listed in the same millisecond as the
 * ending one (a burst): its arrival number, later than the ending message's, tells. Only such
 * ties are looked up, so this usually costs nothing.
 */
async function notLater(
  deps: Deps,
  ended: ForgetSenderJob,
  listed: Array<[id: string, at: number]>,
  listedAt: number,
): Promise<string[]> {
  const tied = listed.filter(([id, at]) => at === listedAt && id !== ended.messageSid && isInbound(id));
  const numbers = await Promise.all(tied.map(([id]) => deps.redis.get(deps.keys.messageSequenceOf(ended.sender, id))));
  const later = new Set(tied.filter((_, i) => Number(numbers[i] ?? 0) > ended.arrival).map(([id]) => id));
  return listed.map(([id]) => id).filter((id) => !later.has(id));
}

/** Forgets the sender now, unless something of theirs is still running (then: look again later). */
export async function forgetSender(
  deps: Deps,
  ended: ForgetSenderJob,
  options: { fromEndingJob?: boolean } = {},
): Promise<ForgetAttempt> {
  const { sender, arrival, messageSid } = ended;
  // The sender's jobs first: a job of the ended conversation still running keeps its lane.
  const { listed, removed: jobs, running, written } = await removeJobsOf(deps, ended, options.fromEndingJob ?? false);
  // Forgotten already, by an earlier look or an earlier run of the ending job: the sender's keys
  // now, if any, are a new conversation's, whose arrival numbers start again from 1.
  if (!listed) return { outcome: 'forgotten', jobs: 0 };
  if (running) {
    await written;
    return { outcome: 'running', jobs };
  }
  const lane = deps.keys.laneOf(sender);
  const minute = Math.floor(Date.now() / 60_000);
  const [outcome] = await Promise.all([
    forgetSenderScript(
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
    ),
    written,
  ]);
  // They wrote again: their new lane stays, and so does its list, less the ended conversation.
  if (outcome === 'returned') await deps.redis.zrem(deps.keys.senderJobsOf(sender), messageSid);
  return { outcome, jobs };
}

export function makeForgetSenderProcessor(deps: Deps) {
  return async function forgetSenderJob(job: Job, token?: string): Promise<ForgetResult> {
    const parsed = forgetSenderSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid forget-sender payload');
    const { outcome, jobs } = await forgetSender(deps, parsed.data);
    if (outcome === 'busy' || outcome === 'running') {
      await job.moveToDelayed(Date.now() + RETRY_MS, token);
      throw new DelayedError();
    }
    deps.logger.info({ queue: job.queueName, jobId: job.id, outcome, jobs }, 'forgot a sender');
    return { outcome, jobs };
  };
}
