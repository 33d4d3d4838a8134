// Handles one inbound WhatsApp message in its sender's turn: decides what to do with the state
// machine, applies the effects (replies, Verify, database writes) right there, and saves the next
// state as the lane moves on. A message that fails for good gets one apology, queued for when
// Twilio can take it.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { TurnDeps } from '../../conversation-runtime/converse';
import { makeConverse } from '../../conversation-runtime/converse';
import { snapshotFor } from '../../conversation-runtime/snapshot';
import { stateRecord } from '../../conversation-runtime/state-store';
import { texts } from '../../conversation/texts';
import { sendOnce } from '../../outbound/send-once';
import { extractTraceContext, SPAN_ATTR, SpanKind, withSpan, type Span } from '../../observability/tracing';
import { phoneFromWhatsAppAddress } from '../../phone';
import { makeLaneRunner, type LaneResult } from '../lane-runner';
import { forgetSender } from './forget-sender';
import { fromInboundJob, traceOfInboundJob } from '../inbound-job';
import { jobSeal } from '../job-seal';
import { toOutboundJob } from '../outbound-job';
import { JOB, QUEUE, type InboundMessage } from '../queues';

export type InboundResult = { outcome: LaneResult };

// An erasure that could not be done at once (a job of the sender still running, a new turn holding
// their lane, Redis failing) is looked at again this much later, by a forget-sender job.
const FORGET_AFTER_MS = 1_000;

export function makeInboundMessageProcessor(deps: TurnDeps) {
  const converse = makeConverse(deps);
  const runInLane = makeLaneRunner(deps, deps.queues[QUEUE.inbound]);

  const seal = jobSeal(deps.config.senderKeySecret);

  // Each run is a span in the webhook's trace (its context came in the job data); a run that only
  // finds the sender's lane busy and goes back to wait is one too, not a failure.
  function inboundMessage(job: Job, token?: string): Promise<InboundResult> {
    const attributes = {
      [SPAN_ATTR.messagingSystem]: 'bullmq',
      [SPAN_ATTR.messagingOperation]: 'process',
      [SPAN_ATTR.queue]: QUEUE.inbound,
      [SPAN_ATTR.jobId]: String(job.id),
      [SPAN_ATTR.jobAttempt]: job.attemptsMade + 1,
    };
    const run = async (span: Span): Promise<InboundResult> => {
      try {
        const result = await handle(job, token);
        span.setAttribute(SPAN_ATTR.jobOutcome, result.outcome);
        return result;
      } catch (error) {
        if (error instanceof DelayedError) span.setAttribute(SPAN_ATTR.jobOutcome, 'waiting');
        throw error;
      }
    };
    return withSpan(`process ${QUEUE.inbound}`, attributes, run, {
      kind: SpanKind.CONSUMER,
      parent: extractTraceContext(traceOfInboundJob(job.data)),
      isFailure: (error) => !(error instanceof DelayedError),
    });
  }
  return inboundMessage;

  async function handle(job: Job, token?: string): Promise<InboundResult> {
    const message = fromInboundJob(job.data, seal);
    if (message === undefined) throw new UnrecoverableError('invalid inbound-message payload');
    const phone = phoneFromWhatsAppAddress(message.from);
    if (phone === undefined) throw new UnrecoverableError('inbound message from a non-E.164 address');

    const { result: outcome, endedAt } = await runInLane(
      job,
      token,
      { phone, messageSid: message.messageSid },
      async (turn) => {
        const limit = deps.config.senderMessagesPerMinute;
        if (turn.inMinute > limit) {
          // A flood: the first message over the limit is told to slow down, the rest of that
          // minute are acknowledged (Twilio had its 200) and dropped; the conversation stays as it was.
          const warned = turn.inMinute === limit + 1;
          deps.metrics.inboundFlood.inc({ action: warned ? 'warned' : 'dropped' });
          if (warned) {
            await turn.effects.load();
            await sendOnce(deps, turn.effects.ledger(0), { to: message.from, body: texts.slowDown });
          }
          return undefined;
        }
        const [snapshot] = await Promise.all([
          snapshotFor(deps, phone, turn.turnId, turn.effects, turn.opened),
          turn.effects.load(),
        ]);
        const next = await converse(message, phone, snapshot, turn.effects, turn.turnId);
        return stateRecord(deps.keys, phone, next);
      },
      ({ turnId }) => apologise(deps, message, turnId),
    );
    // The conversation ended for good (DELETE MY DATA, or NO before registering): forget the
    // sender in Redis too, now if nothing of theirs is still running, else a moment later
    // (src/jobs/processors/forget-sender.ts). When neither can be done (Redis failing), the job
    // fails and its retry, a duplicate of an ended turn, comes back here.
    if (endedAt !== undefined) {
      const ended = { sender: deps.keys.senderId(phone), arrival: endedAt, messageSid: message.messageSid };
      const attempt = await forgetSender(deps, ended, { fromEndingJob: true }).catch((error: unknown) => {
        deps.logger.warn({ jobId: job.id, err: (error as Error).message }, 'could not forget the sender at once');
        return undefined;
      });
      if (attempt?.outcome === 'forgotten' || attempt?.outcome === 'returned') {
        deps.logger.info({ queue: QUEUE.inbound, jobId: job.id, ...attempt }, 'forgot a sender');
      } else {
        await deps.queues[QUEUE.senderErasure].add(JOB.forgetSender, ended, {
          jobId: `forget-${message.messageSid}`,
          delay: FORGET_AFTER_MS,
          removeOnComplete: true,
        });
      }
    }
    // The job's record goes as it completes (decision 0029): at debug level, the log keeps who handled it.
    deps.logger.debug({ queue: QUEUE.inbound, jobId: job.id, outcome, pid: process.pid }, 'message handled');
    return { outcome };
  }
}

/** One "something went wrong" reply per failed message, sent whenever Twilio can take it. */
async function apologise(deps: TurnDeps, message: InboundMessage, turnId: string): Promise<void> {
  const jobId = `${turnId}-apology`;
  await deps.queues[QUEUE.outbound].add(
    JOB.sendMessage,
    toOutboundJob(
      {
        to: message.from,
        body: texts.somethingWentWrong,
        idempotencyKey: jobId,
        proactive: false,
        correlationId: message.messageSid,
      },
      jobSeal(deps.config.senderKeySecret),
      deps.keys,
    ),
    { jobId },
  );
  // Listed with the sender's other jobs, for erasure (src/jobs/processors/forget-sender.ts).
  const phone = phoneFromWhatsAppAddress(message.from);
  if (phone !== undefined) {
    const key = deps.keys.senderJobs(phone);
    await deps.redis.zadd(key, Date.now(), jobId);
    await deps.redis.expire(key, deps.keys.ttl.senderJobs);
  }
}
