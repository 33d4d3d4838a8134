// Sends a passenger's due claim updates, one message per event, in the passenger's own order:
// only while their lane is idle (no message of theirs waiting or being handled, src/jobs/lua/
// take-idle-lock-3.lua) and no question of the bot's is waiting for an answer. Inside WhatsApp's
// 24-hour window a catalog text goes out; outside it the approved template, or nothing
// (skipped as no-template). Each is sent at most once (its own send ledger) and its outcome
// recorded in claim_notifications. docs/decisions/0021-claim-updates.md.
import { randomUUID } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../deps';
import { claimUpdateText, templateStatus } from '../../conversation/claim-status';
import { awaitsAnswer } from '../../conversation/open-question';
import { loadState } from '../../conversation-runtime/state-store';
import { skipReasonFor } from '../../inbound-events/apply-claim-event';
import { keyedLedger, sendOnce } from '../../outbound/send-once';
import type { SendRate } from '../../outbound/send-rate';
import { maskPhone } from '../../phone';
import {
  listDueNotifications,
  markNotificationSent,
  markNotificationSkipped,
  type ClaimNotification,
  type SkipReason,
} from '../../repos/claim-notifications';
import { listPreferences } from '../../repos/preferences';
import { findUserById } from '../../repos/users';
import type { OutgoingMessage } from '../../twilio/gateway';
import { SENDER_LOCK_TTL_MS } from '../lane-runner';
import { deliverClaimUpdatesSchema } from '../queues';
import { takeIdleLockScript } from '../redis-scripts';
import { releaseLock, renewLock } from '../sender-lane';

// A turn of the passenger's is running or due: look again in a moment.
const LANE_BUSY_RETRY_MS = 1_000;
// The bot asked something and waits for the answer: look again later.
const QUESTION_OPEN_RETRY_MS = 30_000;
// Twilio counts the window from WhatsApp's receipt of the passenger's message; a margin keeps a
// free-form text from arriving just after it closed (a 63016 would still fall back to the template).
const WINDOW_MARGIN_MS = 5 * 60_000;

export type DeliverResult = { sent: number; skipped: number };

type DeliverDeps = Deps & { sendRate: SendRate };

/** The message for one notification: text in the window, else the template, else why not. */
function messageFor(
  deps: DeliverDeps,
  notification: ClaimNotification,
  to: string,
  windowOpen: boolean,
): { message: OutgoingMessage; sentAs: 'text' | 'template' } | { skip: SkipReason } {
  const statusCallback = `${deps.config.publicBaseUrl}/webhooks/twilio/status`;
  if (windowOpen && !notification.templateOnly) {
    return { message: { to, body: claimUpdateText(notification.content), statusCallback }, sentAs: 'text' };
  }
  const contentSid = deps.config.claimUpdateContentSid;
  if (contentSid === undefined) return { skip: 'no-template' };
  const contentVariables = { '1': notification.content.reference, '2': templateStatus(notification.content) };
  return { message: { to, contentSid, contentVariables, statusCallback }, sentAs: 'template' };
}

export function makeDeliverClaimUpdatesProcessor(deps: DeliverDeps) {
  // The send slot is reserved before the passenger's lock is taken, so the lock is never held
  // while waiting for the global rate.
  const noWait: SendRate = { waitForSlot: async () => undefined };

  return async function deliverClaimUpdates(job: Job, token?: string): Promise<DeliverResult> {
    const parsed = deliverClaimUpdatesSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid deliver-claim-updates payload');
    const result: DeliverResult = { sent: 0, skipped: 0 };
    const user = await findUserById(deps.db, parsed.data.userId);
    if (user === undefined) return result; // deleted: their notifications went with them

    const log = deps.logger.child({ queue: job.queueName, jobId: job.id, to: maskPhone(user.phoneNumber) });
    const to = `whatsapp:${user.phoneNumber}`;
    const skip = async (notification: ClaimNotification, reason: SkipReason) => {
      await markNotificationSkipped(deps.db, notification.id, reason);
      deps.metrics.claimNotifications.inc({ outcome: 'skipped', reason, sent_as: 'none' });
      log.info({ notificationId: notification.id, reason }, 'claim update skipped');
      result.skipped += 1;
    };
    const later = async (delayMs: number): Promise<never> => {
      await job.moveToDelayed(Date.now() + delayMs + Math.floor(Math.random() * 250), token);
      throw new DelayedError();
    };

    const due = await listDueNotifications(deps.db, user.id, deps.clock.now());
    if (due.length === 0) return result;
    const preferences = await listPreferences(deps.db, user.id);

    for (const notification of due) {
      const reason = skipReasonFor(user, preferences);
      if (reason !== undefined) {
        await skip(notification, reason);
        continue;
      }
      const lastInbound = Number((await deps.redis.get(deps.keys.lastInbound(user.phoneNumber))) ?? 0);
      const windowOpen =
        deps.clock.now().getTime() - lastInbound < deps.keys.ttl.whatsappWindow * 1000 - WINDOW_MARGIN_MS;
      const chosen = messageFor(deps, notification, to, windowOpen);
      if ('skip' in chosen) {
        await skip(notification, chosen.skip);
        continue;
      }

      await deps.sendRate.waitForSlot();
      const lockToken = randomUUID();
      const lane = await takeIdleLockScript(
        deps.redis,
        {
          next: deps.keys.senderNext(user.phoneNumber),
          sequence: deps.keys.senderSequence(user.phoneNumber),
          lock: deps.keys.senderLock(user.phoneNumber),
        },
        { token: lockToken, lockTtlMs: SENDER_LOCK_TTL_MS },
      );
      if (lane !== 'ok') return later(LANE_BUSY_RETRY_MS);
      const renewal = setInterval(() => {
        renewLock(deps.redis, deps.keys, user.phoneNumber, lockToken, SENDER_LOCK_TTL_MS).catch(() => undefined);
      }, SENDER_LOCK_TTL_MS / 3);
      try {
        if (awaitsAnswer(await loadState(deps.redis, deps.keys, user.phoneNumber))) {
          log.info({ notificationId: notification.id }, 'claim update waits: the passenger has a question to answer');
          return await later(QUESTION_OPEN_RETRY_MS);
        }
        const ledgerKey = `claim-update-${notification.id}${notification.templateOnly ? '-template' : ''}`;
        const sent = await sendOnce({ ...deps, sendRate: noWait }, keyedLedger(deps, ledgerKey), chosen.message);
        if ('refused' in sent) {
          log.warn(
            { notificationId: notification.id, twilioCode: sent.refused.code },
            'claim update refused by Twilio',
          );
          await skip(notification, 'unreachable');
          continue;
        }
        await markNotificationSent(deps.db, notification.id, { messageSid: sent.sid, sentAs: chosen.sentAs });
        deps.metrics.claimNotifications.inc({ outcome: 'sent', reason: 'none', sent_as: chosen.sentAs });
        result.sent += 1;
      } finally {
        clearInterval(renewal);
        await releaseLock(deps.redis, deps.keys, user.phoneNumber, lockToken).catch(() => undefined);
      }
    }
    return result;
  };
}
