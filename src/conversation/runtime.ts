// Runs one inbound message through the state machine and applies its effects in order. Every
// effect has an index within the message; with the MessageSid it names the job the effect adds,
// so a retried message re-adds the same jobs (a no-op) and never sends a reply twice.
import type { Job, QueueEvents } from 'bullmq';
import type { Deps } from '../main/deps';
import { JOB, QUEUE, type InboundMessageJob } from '../jobs/queues';
import type { CheckVerificationResult } from '../jobs/processors/check-verification';
import type { StartVerificationResult } from '../jobs/processors/start-verification';
import { deleteUserData, markVerified, registerUser } from './account-effects';
import { decide } from './decide';
import type { ConversationContext, ConversationInput, ConversationState, Effect } from './types';

/** The state and context a message is first decided with; reused as is by every retry. */
export type ConversationSnapshot = { state: ConversationState; context: ConversationContext };

/** One QueueEvents per queue whose jobs the conversation waits for. */
export type JobWaiters = { verification: QueueEvents; preferenceUpdate: QueueEvents; outbound: QueueEvents };

// A verification job retries 429/5xx with backoff for about 20 s before it gives up.
const VERIFICATION_WAIT_MS = 45_000;
const PREFERENCE_WAIT_MS = 15_000;
// Replies of one sender are sent one after another so they arrive in order; a send stuck in
// retries longer than this lets the conversation go on.
const REPLY_WAIT_MS = 20_000;
// decide() answers a verification outcome with replies only; more rounds would be a loop.
const MAX_ROUNDS = 4;
const EFFECTS_TTL_SECONDS = 24 * 3600;

type Applied = { feedback?: ConversationInput; context?: ConversationContext };

export function makeConversationRuntime(deps: Deps, waiters: JobWaiters) {
  /** Returns the state to keep (undefined: forget the sender). */
  return async function converse(
    message: InboundMessageJob,
    phone: string,
    snapshot: ConversationSnapshot,
  ): Promise<ConversationState | undefined> {
    const sid = message.messageSid;
    const effectsKey = deps.keys.inboundEffects(sid);
    let state: ConversationState | undefined = snapshot.state;
    let context = snapshot.context;
    let input: ConversationInput = { kind: 'message', text: message.body, media: message.media };
    let index = 0;

    const apply = async (effect: Effect, i: number): Promise<Applied> => {
      const jobId = `${sid}-${effect.type}-${i}`;
      switch (effect.type) {
        case 'reply': {
          if ((await deps.redis.sismember(effectsKey, String(i))) === 1) return {};
          const job = await deps.queues[QUEUE.outbound].add(
            JOB.sendMessage,
            { to: message.from, body: effect.text, idempotencyKey: jobId, proactive: false, correlationId: sid },
            { jobId },
          );
          await job.waitUntilFinished(waiters.outbound, REPLY_WAIT_MS).catch(() => undefined);
          await deps.redis.multi().sadd(effectsKey, String(i)).expire(effectsKey, EFFECTS_TTL_SECONDS).exec();
          return {};
        }
        case 'register-user': {
          const user = await registerUser(deps, phone, sid);
          return { context: { ...context, user: { id: user.id, verified: user.verifiedAt !== null } } };
        }
        case 'start-verification': {
          const job = await deps.queues[QUEUE.verification].add(
            JOB.startVerification,
            { phoneNumber: phone, correlationId: sid },
            { jobId },
          );
          const result = await finished<StartVerificationResult>(job, waiters.verification, VERIFICATION_WAIT_MS);
          return { feedback: { kind: 'verification-started', outcome: result?.outcome ?? 'failed' } };
        }
        case 'check-verification': {
          const job = await deps.queues[QUEUE.verification].add(
            JOB.checkVerification,
            { phoneNumber: phone, inboundMessageSid: sid, correlationId: sid },
            { jobId },
          );
          const result = await finished<CheckVerificationResult>(job, waiters.verification, VERIFICATION_WAIT_MS);
          // A check Twilio refused for good leaves no usable verification: the way forward is RESEND.
          return { feedback: { kind: 'verification-checked', outcome: result?.outcome ?? 'expired' } };
        }
        case 'mark-verified': {
          const user = await markVerified(deps, phone, sid);
          return { context: { ...context, user: user && { id: user.id, verified: user.verifiedAt !== null } } };
        }
        case 'set-preference': {
          if (context.user === undefined) return {};
          const job = await deps.queues[QUEUE.preferenceUpdate].add(
            JOB.updatePreference,
            { userId: context.user.id, key: effect.key, value: effect.value, correlationId: sid },
            { jobId },
          );
          await finished(job, waiters.preferenceUpdate, PREFERENCE_WAIT_MS);
          return { context: { ...context, preferences: { ...context.preferences, [effect.key]: effect.value } } };
        }
        case 'delete-user': {
          await deleteUserData(deps, phone, sid);
          return { context: { ...context, user: undefined, preferences: {} } };
        }
      }
    };

    for (let round = 0; round < MAX_ROUNDS; round++) {
      const decision = decide(state ?? { step: 'new' }, input, context);
      state = decision.next;
      let feedback: ConversationInput | undefined;
      for (const effect of decision.effects) {
        const applied = await apply(effect, index++);
        if (applied.context) context = applied.context;
        if (applied.feedback) feedback = applied.feedback;
      }
      if (feedback === undefined) return state;
      input = feedback;
    }
    throw new Error('conversation did not settle within its rounds');
  };
}

/**
 * The job's return value once it finished; undefined when it failed for good. A job still
 * running when the wait ends throws, so the inbound message is retried and waits again.
 */
async function finished<T>(job: Job, events: QueueEvents, timeoutMs: number): Promise<T | undefined> {
  try {
    return (await job.waitUntilFinished(events, timeoutMs)) as T;
  } catch (error) {
    if ((await job.getState()) === 'failed') return undefined;
    throw error;
  }
}
