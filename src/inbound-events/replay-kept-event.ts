// Replays a kept inbound event, as stored or with an operator's corrected envelope, through the
// same handling as a fresh one (event ids still take effect once). Marked replayed once handled.
import type { Deps } from '../deps';
import { findKeptEvent, markKeptEventReplayed, reopenKeptEvent } from '../repos/inbound-events';
import { handleInboundEvent, type HandledEvent } from './handle-inbound-event';

export type ReplayResult = HandledEvent | { outcome: 'not-found' } | { outcome: 'already-replayed' };

export async function replayKeptEvent(
  deps: Pick<Deps, 'db' | 'queues' | 'clock' | 'logger' | 'metrics'>,
  keptId: string,
  correctedEnvelopeJson?: string,
): Promise<ReplayResult> {
  const kept = await findKeptEvent(deps.db, keptId);
  if (kept === undefined) return { outcome: 'not-found' };
  // Claimed before it is handled, so two replays at once (the API and Bull Board) run it once.
  if (!(await markKeptEventReplayed(deps.db, kept.id))) return { outcome: 'already-replayed' };
  try {
    const handled = await handleInboundEvent(deps, {
      source: 'replay',
      envelopeJson: correctedEnvelopeJson ?? kept.raw,
      replayOf: kept.id,
    });
    if (handled.outcome === 'kept') await reopenKeptEvent(deps.db, kept.id);
    return handled;
  } catch (error) {
    await reopenKeptEvent(deps.db, kept.id).catch(() => undefined);
    throw error;
  }
}
