// Everything that happens to one inbound claim event, whichever route brought it: parsed, applied
// once per event_id, its notification's delivery job queued, or kept for an operator with the
// reason. Resolves once the outcome is durable, so the caller may then acknowledge the event
// (XACK); throws only when a dependency failed, and the event must be tried again.
import type { Deps } from '../deps';
import { JOB, QUEUE } from '../jobs/queues';
import type { ClaimNotification } from '../repos/claim-notifications';
import { keepEvent, recordHandledEvent } from '../repos/inbound-events';
import { applyClaimEvent } from './apply-claim-event';
import { parseEnvelopeJson } from './envelope';

export type InboundEventSource = 'stream' | 'http' | 'replay';

export type HandledEvent =
  | { outcome: 'applied' | 'stale' | 'duplicate' | 'user-deleted' | 'unknown-type' }
  | { outcome: 'kept'; reason: string; keptId?: string };

type HandleDeps = Pick<Deps, 'db' | 'queues' | 'clock' | 'logger' | 'metrics'>;

/** Queues the delivery of a pending notification (again: the job id makes a repeat add nothing). */
export async function queueDelivery(
  deps: Pick<Deps, 'queues' | 'clock'>,
  notification: ClaimNotification,
  suffix = '',
) {
  const delay = Math.max(0, notification.notBefore.getTime() - deps.clock.now().getTime());
  await deps.queues[QUEUE.proactive].add(
    JOB.deliverClaimUpdates,
    { userId: notification.userId, notificationId: notification.id },
    { jobId: `claim-update-${notification.id}${suffix}`, delay },
  );
}

/**
 * Keeps an event that cannot be handled, with the reason, for an operator: listed by the internal
 * API and shown in Bull Board as a failed job (retrying it there replays the event as stored).
 */
export async function keepInboundEvent(
  deps: HandleDeps,
  event: Parameters<typeof keepEvent>[1] & { source: InboundEventSource },
): Promise<string> {
  const kept = await keepEvent(deps.db, event);
  deps.metrics.inboundEvents.inc({ type: typeLabel(event.eventType), outcome: 'kept' });
  deps.logger.warn(
    { source: event.source, streamEntryId: event.streamEntryId, eventId: kept.eventId, reason: kept.reason },
    'inbound event kept for an operator',
  );
  await deps.queues[QUEUE.inboundEventsKept].add(
    JOB.inboundEventKept,
    {
      keptId: kept.id,
      reason: kept.reason,
      ...(kept.eventId !== null && { eventId: kept.eventId }),
      ...(kept.eventType !== null && { eventType: kept.eventType }),
    },
    { jobId: `kept-${kept.id}`, attempts: 1 },
  );
  return kept.id;
}

/**
 * Handles an event as received: `envelopeJson` is the envelope's text. `replayOf` names the kept
 * event being replayed; a replay that still cannot be handled is not kept a second time.
 */
export async function handleInboundEvent(
  deps: HandleDeps,
  input: { source: InboundEventSource; envelopeJson: string; streamEntryId?: string; replayOf?: string },
): Promise<HandledEvent> {
  const parsed = parseEnvelopeJson(input.envelopeJson);
  const log = deps.logger.child({ source: input.source, streamEntryId: input.streamEntryId });

  const keep = async (reason: string, eventId?: string, eventType?: string): Promise<HandledEvent> => {
    if (input.replayOf !== undefined) {
      deps.metrics.inboundEvents.inc({ type: typeLabel(eventType), outcome: 'kept' });
      return { outcome: 'kept', reason };
    }
    const keptId = await keepInboundEvent(deps, {
      source: input.source,
      ...(input.streamEntryId !== undefined && { streamEntryId: input.streamEntryId }),
      ...(eventId !== undefined && { eventId }),
      ...(eventType !== undefined && { eventType }),
      reason,
      raw: input.envelopeJson,
    });
    return { outcome: 'kept', reason, keptId };
  };

  if (parsed.kind === 'malformed') return keep(parsed.reason, parsed.eventId, parsed.eventType);

  const { envelope } = parsed;
  if (parsed.kind === 'unknown-type') {
    const fresh = await recordHandledEvent(deps.db, {
      eventId: envelope.event_id,
      eventType: envelope.event_type,
      outcome: 'unknown-type',
    });
    const outcome = fresh ? 'unknown-type' : 'duplicate';
    deps.metrics.inboundEvents.inc({ type: 'other', outcome });
    log.info(
      { eventId: envelope.event_id, eventType: envelope.event_type.slice(0, 100) },
      'inbound event of an unknown type acknowledged',
    );
    return { outcome };
  }

  const applied = await applyClaimEvent(deps, parsed);
  if (applied.kind === 'keep') return keep(applied.reason, envelope.event_id, parsed.type);
  deps.metrics.inboundEvents.inc({ type: parsed.type, outcome: applied.kind });
  if (applied.kind === 'user-deleted') {
    deps.metrics.claimNotifications.inc({ outcome: 'skipped', reason: 'user-deleted', sent_as: 'none' });
  }
  if (applied.kind === 'applied' || applied.kind === 'stale') {
    const { notification } = applied;
    if (notification.status === 'skipped') {
      deps.metrics.claimNotifications.inc({ outcome: 'skipped', reason: notification.skipReason!, sent_as: 'none' });
      log.info(
        { eventId: envelope.event_id, notificationId: notification.id, reason: notification.skipReason },
        'claim update skipped',
      );
    }
  }
  const notification = applied.kind === 'user-deleted' ? undefined : applied.notification;
  if (notification?.status === 'pending') await queueDelivery(deps, notification);
  return { outcome: applied.kind };
}

function typeLabel(type: string | undefined): string {
  return type === 'evaluation.completed' ||
    type === 'claim.submitted' ||
    type === 'claim.paid' ||
    type === 'claim.rejected'
    ? type
    : 'other';
}
