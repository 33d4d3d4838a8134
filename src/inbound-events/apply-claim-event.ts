// One claim event's effect, in one transaction: the event id recorded as handled, the journey's
// status and history, journey.status_changed, and the notification the passenger is owed
// (pending, or skipped with the reason). An event handled before changes nothing.
import type { Deps } from '../deps';
import { withTransaction } from '../db/transaction';
import type { ClaimUpdate } from '../conversation/claim-status';
import { journeyStatusChanged, wakeOutboxRelay } from '../events';
import { sendableFrom } from '../notifications/quiet-hours';
import { preferenceDefaults } from '../preferences/registry';
import {
  findNotificationByEvent,
  insertClaimNotification,
  type ClaimNotification,
  type SkipReason,
} from '../repos/claim-notifications';
import { recordHandledEvent, setHandledOutcome } from '../repos/inbound-events';
import { changeJourneyStatus, lockJourney, type Journey, type JourneyStatus } from '../repos/journeys';
import { appendEvent } from '../repos/outbox';
import { listPreferences } from '../repos/preferences';
import { findUserById } from '../repos/users';
import type { ClaimEventPayload, ClaimEventType, InboundEnvelope } from './envelope';

export type ClaimEvent = { envelope: InboundEnvelope; type: ClaimEventType; payload: ClaimEventPayload };

export type ApplyOutcome =
  /** The journey moved on; the notification is pending (to deliver) or skipped. */
  | { kind: 'applied'; notification: ClaimNotification }
  /** Behind the journey's status (it arrived late): recorded, nothing changed, nobody told. */
  | { kind: 'stale'; notification: ClaimNotification }
  /** Handled before; its notification, if still pending, may need its delivery job again. */
  | { kind: 'duplicate'; notification: ClaimNotification | undefined }
  /** The user no longer exists (DELETE MY DATA, retention): acknowledged, nothing to do. */
  | { kind: 'user-deleted' }
  /** Cannot be handled as it is: kept for an operator with the reason. */
  | { kind: 'keep'; reason: string };

// How far along a claim is: an event never moves a journey back (it arrived after a later one).
const PROGRESS: Record<JourneyStatus, number> = {
  received: 0,
  eligible: 1,
  not_eligible: 1,
  submitted: 2,
  paid: 3,
  rejected: 3,
};

type Transition = { status: JourneyStatus; amountPence?: number; claimReference?: string; update: ClaimUpdate };

function transitionOf(event: ClaimEvent, reference: string): Transition {
  switch (event.type) {
    case 'evaluation.completed': {
      const p = event.payload as ClaimEventPayload<'evaluation.completed'>;
      return p.eligible
        ? {
            status: 'eligible',
            amountPence: p.compensation_pence,
            update: { kind: 'eligible', reference, amountPence: p.compensation_pence },
          }
        : { status: 'not_eligible', update: { kind: 'not_eligible', reference } };
    }
    case 'claim.submitted': {
      const p = event.payload as ClaimEventPayload<'claim.submitted'>;
      return {
        status: 'submitted',
        claimReference: p.claim_reference,
        update: { kind: 'submitted', reference, operator: p.operator, claimReference: p.claim_reference },
      };
    }
    case 'claim.paid': {
      const p = event.payload as ClaimEventPayload<'claim.paid'>;
      return {
        status: 'paid',
        amountPence: p.amount_pence,
        update: { kind: 'paid', reference, amountPence: p.amount_pence },
      };
    }
    case 'claim.rejected': {
      const p = event.payload as ClaimEventPayload<'claim.rejected'>;
      return { status: 'rejected', update: { kind: 'rejected', reference, reason: p.reason } };
    }
  }
}

class KeepEvent extends Error {}

/** Why the passenger is not to be told now, as things stand; undefined when they may be. */
function skipReasonFor(
  user: { verifiedAt: Date | null; proactiveUnreachableSince: Date | null },
  preferences: { opted_out?: boolean; notifications?: boolean },
): SkipReason | undefined {
  if (user.verifiedAt === null) return 'not-verified';
  if (preferences.opted_out ?? preferenceDefaults.opted_out) return 'opted-out';
  if (!(preferences.notifications ?? preferenceDefaults.notifications)) return 'notifications-off';
  if (user.proactiveUnreachableSince !== null) return 'unreachable';
  return undefined;
}

export async function applyClaimEvent(
  deps: Pick<Deps, 'db' | 'queues' | 'clock'>,
  event: ClaimEvent,
): Promise<ApplyOutcome> {
  const { envelope, payload } = event;
  let outcome: ApplyOutcome;
  try {
    outcome = await withTransaction(deps.db, async (client): Promise<ApplyOutcome> => {
      const fresh = await recordHandledEvent(client, {
        eventId: envelope.event_id,
        eventType: event.type,
        outcome: 'applied',
      });
      if (!fresh) return { kind: 'duplicate', notification: await findNotificationByEvent(client, envelope.event_id) };

      const user = await findUserById(client, payload.user_id);
      if (user === undefined) {
        await setHandledOutcome(client, envelope.event_id, 'user-deleted');
        return { kind: 'user-deleted' };
      }
      const journey: Journey | undefined = await lockJourney(client, payload.journey_id);
      if (journey === undefined) throw new KeepEvent('unknown journey');
      if (journey.userId !== user.id) throw new KeepEvent('the journey belongs to another user');

      const transition = transitionOf(event, journey.reference);
      const notification = {
        eventId: envelope.event_id,
        userId: user.id,
        journeyId: journey.id,
        eventType: event.type,
        content: transition.update,
      };
      const now = deps.clock.now();
      if (PROGRESS[transition.status] < PROGRESS[journey.status]) {
        await setHandledOutcome(client, envelope.event_id, 'stale');
        return {
          kind: 'stale',
          notification: await insertClaimNotification(client, { ...notification, notBefore: now, skipReason: 'stale' }),
        };
      }

      await changeJourneyStatus(client, {
        journeyId: journey.id,
        status: transition.status,
        previousStatus: journey.status,
        ...(transition.amountPence !== undefined && { amountPence: transition.amountPence }),
        ...(transition.claimReference !== undefined && { claimReference: transition.claimReference }),
        eventId: envelope.event_id,
        eventType: event.type,
        occurredAt: envelope.occurred_at,
      });
      await appendEvent(
        client,
        journeyStatusChanged({
          journeyId: journey.id,
          userId: user.id,
          status: transition.status,
          previousStatus: journey.status,
          amountPence: transition.amountPence ?? journey.amountPence,
          causeEventId: envelope.event_id,
          causeEventType: event.type,
        }),
      );
      const preferences = await listPreferences(client, user.id);
      const skipReason = skipReasonFor(user, preferences);
      return {
        kind: 'applied',
        notification: await insertClaimNotification(client, {
          ...notification,
          notBefore: sendableFrom(now, preferences.quiet_hours ?? preferenceDefaults.quiet_hours),
          ...(skipReason !== undefined && { skipReason }),
        }),
      };
    });
  } catch (error) {
    if (error instanceof KeepEvent) return { kind: 'keep', reason: error.message };
    throw error;
  }
  if (outcome.kind === 'applied') await wakeOutboxRelay(deps.queues);
  return outcome;
}

/** Exported for the delivery job, which checks again just before sending. */
export { skipReasonFor };
