// Call after COMMITTING a transaction that appended events, so they go out within milliseconds
// rather than at the next sweep. Never call it inside the transaction: the relay could run before
// the commit and find nothing.
import type { Queues } from '../jobs/make-queues';
import { JOB, QUEUE } from '../jobs/queues';

export const RELAY_WAKE_DEDUPLICATION_ID = 'outbox-relay-wake';

/**
 * Adds one relay job unless one is already waiting. keepLastIfActive: a wake that arrives while a
 * relay run is active queues exactly one follow-up run, because the active run may have claimed
 * its batch before these events committed. Returns false when Redis refused: the periodic sweep
 * publishes the events anyway, so the caller's work is not failed for it.
 */
export async function wakeOutboxRelay(queues: Pick<Queues, typeof QUEUE.outboxRelay>): Promise<boolean> {
  try {
    await queues[QUEUE.outboxRelay].add(
      JOB.relayOutbox,
      {},
      {
        deduplication: { id: RELAY_WAKE_DEDUPLICATION_ID, keepLastIfActive: true },
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: { count: 1_000 },
      },
    );
    return true;
  } catch {
    return false;
  }
}
