// POSTs each event as JSON to one URL, signed in the Standard Webhooks style, so a consumer can
// verify it came from us and drop replays (webhook-id is the event_id, stable across retries).
// Each POST is a span and carries its traceparent, so the receiver's work can join the trace.
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import type { Clock } from '../clock';
import { failSpan, injectTraceContext, SPAN_ATTR, SpanKind, withSpan, type Span } from '../observability/tracing';
import type { EventEnvelope } from './envelope';
import type { OutboxTransport, PublishOutcome } from './transport';
import { signWebhook } from './webhook-signature';

// A consumer that has not answered in 5 s is treated as down; the batch's row locks are held
// while we wait, so this also bounds how long other relays skip those aggregates.
const DEFAULT_TIMEOUT_MS = 5_000;
// Requests in flight at once: enough to hide latency, few enough not to flood one consumer.
const DEFAULT_PARALLELISM = 8;
// With every request timing out, a batch of 48 takes 6 rounds x 5 s = 30 s, not minutes.
const MAX_BATCH_SIZE = 48;

export type HttpTransportOptions = {
  url: string;
  secret: string;
  clock: Clock;
  timeoutMs?: number;
  parallelism?: number;
};

/** 5xx, 408 and 429 may pass; any other non-2xx will not get better by retrying. */
function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export function makeHttpTransport(options: HttpTransportOptions): OutboxTransport {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const parallelism = options.parallelism ?? DEFAULT_PARALLELISM;
  const target = new URL(options.url);
  const server = {
    [ATTR_HTTP_REQUEST_METHOD]: 'POST',
    [ATTR_SERVER_ADDRESS]: target.hostname,
    [ATTR_SERVER_PORT]: Number(target.port) || (target.protocol === 'https:' ? 443 : 80),
  };

  function send(envelope: EventEnvelope): Promise<PublishOutcome> {
    const attributes = {
      ...server,
      [SPAN_ATTR.eventId]: envelope.event_id,
      [SPAN_ATTR.eventType]: envelope.event_type,
    };
    return withSpan('POST', attributes, (span) => post(envelope, span), { kind: SpanKind.CLIENT });
  }

  async function post(envelope: EventEnvelope, span: Span): Promise<PublishOutcome> {
    const body = JSON.stringify(envelope);
    const timestamp = Math.floor(options.clock.now().getTime() / 1000);
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': envelope.event_id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(options.secret, envelope.event_id, timestamp, body),
          ...injectTraceContext(),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The body is not needed; reading it frees the socket for reuse.
      await response.arrayBuffer().catch(() => undefined);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      if (response.ok) return { ok: true };
      failSpan(span, String(response.status));
      return { ok: false, error: `HTTP ${response.status}`, permanent: !isRetryableStatus(response.status) };
    } catch (error) {
      // Duck-typed: fetch's DOMException is not always an instanceof this realm's Error.
      const { name, message } = error as { name?: string; message?: string };
      const reason = name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : String(message ?? error);
      failSpan(span, name ?? 'unknown');
      return { ok: false, error: `POST failed: ${reason}`, permanent: false };
    }
  }

  return {
    name: 'http',
    maxBatchSize: MAX_BATCH_SIZE,
    async publish(envelopes: readonly EventEnvelope[]): Promise<PublishOutcome[]> {
      const outcomes: PublishOutcome[] = new Array(envelopes.length);
      let next = 0;
      const lane = async () => {
        while (next < envelopes.length) {
          const i = next++;
          outcomes[i] = await send(envelopes[i]!);
        }
      };
      await Promise.all(Array.from({ length: Math.min(parallelism, envelopes.length) }, lane));
      return outcomes;
    },
    async close() {},
  };
}
