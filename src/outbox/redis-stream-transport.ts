// Publishes to one Redis Stream for all event types: a consumer reading it sees every aggregate's
// events in the order they were published (per-type streams would lose the order between, say,
// user.registered and user.deleted of the same user). See docs/decisions/0014-one-event-stream.md.
import type { RedisClient } from '../redis';
import type { EventEnvelope } from './envelope';
import type { OutboxTransport, PublishOutcome } from './transport';

export function eventStreamKey(prefix: string): string {
  return `${prefix}:events`;
}

// Consumers are expected to keep up within minutes; ~1M entries (about 400 MB at ~400 bytes an
// entry) is days of traffic at our volumes, and "~" lets Redis trim whole nodes cheaply.
export const DEFAULT_STREAM_MAX_LENGTH = 1_000_000;

export function makeRedisStreamTransport(
  redis: RedisClient,
  options: { stream: string; maxLength?: number },
): OutboxTransport {
  const maxLength = String(options.maxLength ?? DEFAULT_STREAM_MAX_LENGTH);
  return {
    name: 'redis-stream',
    async publish(envelopes: readonly EventEnvelope[]): Promise<PublishOutcome[]> {
      if (envelopes.length === 0) return [];
      // One round trip for the batch. Fields besides the envelope let consumers filter by type
      // or dedupe without parsing JSON.
      const pipeline = redis.pipeline();
      for (const envelope of envelopes) {
        pipeline.xadd(
          options.stream,
          'MAXLEN',
          '~',
          maxLength,
          '*',
          'event_id',
          envelope.event_id,
          'event_type',
          envelope.event_type,
          'aggregate_id',
          envelope.aggregate_id,
          'envelope',
          JSON.stringify(envelope),
        );
      }
      const results = (await pipeline.exec()) ?? [];
      return envelopes.map((_, i): PublishOutcome => {
        const [error] = results[i] ?? [new Error('no reply from Redis')];
        return error ? { ok: false, error: `XADD failed: ${error.message}`, permanent: false } : { ok: true };
      });
    },
    async close() {
      // The connection belongs to the caller.
    },
  };
}
