// Handles one inbound WhatsApp message in its sender's lane: decides what to do with the state
// machine, applies the effects, and saves the next state as the lane moves on.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../main/deps';
import { phoneFromWhatsAppAddress } from '../../phone';
import { listPreferences } from '../../repos/preferences';
import { findUserByPhone } from '../../repos/users';
import { makeConversationRuntime, type ConversationSnapshot, type JobWaiters } from '../../conversation/runtime';
import { loadState, stateRecord } from '../../conversation/state-store';
import { makeLaneRunner, type LaneResult } from '../lane-runner';
import { inboundMessageSchema, QUEUE } from '../queues';

// A retry's snapshot is needed for minutes at most; the lane deletes it when the message is done.
const SNAPSHOT_TTL_SECONDS = 24 * 3600;

export type InboundResult = { outcome: LaneResult };

export function makeInboundMessageProcessor(deps: Deps, waiters: JobWaiters) {
  const converse = makeConversationRuntime(deps, waiters);
  const runInLane = makeLaneRunner(deps, deps.queues[QUEUE.inbound]);

  /** The state and context the message was first decided with, so a retry decides alike. */
  async function snapshotFor(phone: string, messageSid: string): Promise<ConversationSnapshot> {
    const key = deps.keys.inboundSnapshot(messageSid);
    const stored = await deps.redis.get(key);
    if (stored !== null) {
      const parsed = JSON.parse(stored) as ConversationSnapshot;
      return { state: parsed.state, context: { ...parsed.context, now: new Date(parsed.context.now) } };
    }
    const user = await findUserByPhone(deps.db, phone);
    const snapshot: ConversationSnapshot = {
      state: await loadState(deps.redis, deps.keys, phone),
      context: {
        user: user && { id: user.id, verified: user.verifiedAt !== null },
        preferences: user ? await listPreferences(deps.db, user.id) : {},
        now: deps.clock.now(),
        settings: {
          resendCooldownSeconds: deps.config.verification.resendCooldownSeconds,
          maxChecks: deps.config.verification.maxChecks,
          claimWindowDays: deps.config.claimWindowDays,
        },
      },
    };
    await deps.redis.set(key, JSON.stringify(snapshot), 'EX', SNAPSHOT_TTL_SECONDS);
    return snapshot;
  }

  return async function inboundMessage(job: Job, token?: string): Promise<InboundResult> {
    const parsed = inboundMessageSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid inbound-message payload');
    const message = parsed.data;
    const phone = phoneFromWhatsAppAddress(message.from);
    if (phone === undefined) throw new UnrecoverableError('inbound message from a non-E.164 address');

    const outcome = await runInLane(job, token, { phone, messageSid: message.messageSid }, async () => {
      const snapshot = await snapshotFor(phone, message.messageSid);
      const next = await converse(message, phone, snapshot);
      return stateRecord(deps.keys, phone, next);
    });
    return { outcome };
  };
}
