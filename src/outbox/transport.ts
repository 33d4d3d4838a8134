// One interface for every way the relay can hand events on. A transport reports an outcome per
// event instead of throwing, so one bad event does not fail the others in its batch; throwing is
// kept for "the relay itself cannot go on" (the batch is then rolled back and retried whole).
import type { EventEnvelope } from './envelope';

export type PublishOutcome =
  | { ok: true }
  /** permanent: retrying cannot help (for example HTTP 400), so the event is parked at once. */
  | { ok: false; error: string; permanent: boolean };

export interface OutboxTransport {
  readonly name: string;
  /** The most events the relay should hand over at once (bounds how long a batch holds its locks). */
  readonly maxBatchSize?: number;
  /**
   * Publishes a batch in which no two events share an aggregate (the relay claims only the head
   * of each aggregate), so the transport may send them in any order or in parallel.
   */
  publish(envelopes: readonly EventEnvelope[]): Promise<PublishOutcome[]>;
  close(): Promise<void>;
}
