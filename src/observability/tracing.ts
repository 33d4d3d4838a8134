// OpenTelemetry tracing: a webhook, the job it queues (the trace context travels in the job data),
// the Twilio calls of that turn and the outbox relay's publishing make one trace. Off unless
// OTEL_EXPORTER_OTLP_ENDPOINT is set: the API's no-op tracer then answers every call for next to
// nothing. Span attributes carry ids, queue names, statuses and counts only; never a phone
// number (not even masked), a message text or a code, and an error's message never (it may quote
// one): a failed span records the error's name alone.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Config } from '../config';

export { SpanKind };
export type { Span };

const TRACER_NAME = 'whatsapp-handler';
// Spans still unsent at shutdown get this long: well inside the 25 s the shutdown steps share.
const FLUSH_BOUND_MS = 5_000;

/**
 * The attribute names the service's spans use: OpenTelemetry's own where one exists (messaging,
 * HTTP), `twilio.*` and `outbox.*` for the rest. Ids, statuses and counts only.
 */
export const SPAN_ATTR = {
  messagingSystem: 'messaging.system',
  messagingOperation: 'messaging.operation.type',
  queue: 'messaging.destination.name',
  jobId: 'messaging.message.id',
  batchCount: 'messaging.batch.message_count',
  jobAttempt: 'bullmq.job.attempt',
  jobOutcome: 'bullmq.job.outcome',
  messageSid: 'twilio.message_sid',
  twilioMessageStatus: 'twilio.message_status',
  twilioErrorCode: 'twilio.error_code',
  twilioTemplate: 'twilio.template',
  verificationSid: 'twilio.verification_sid',
  verificationStatus: 'twilio.verify.status',
  verifyChannel: 'twilio.verify.channel',
  verifyValid: 'twilio.verify.valid',
  verifyCanceled: 'twilio.verify.canceled',
  listLimit: 'twilio.list.limit',
  listCount: 'twilio.list.count',
  outboxTransport: 'outbox.transport',
  outboxPublished: 'outbox.published',
  outboxFailed: 'outbox.failed',
  eventType: 'outbox.event_type',
  eventId: 'outbox.event_id',
} as const;

/** W3C trace context as carried in job data and HTTP headers. */
export type TraceCarrier = { traceparent: string; tracestate?: string };

/** The parts of a provider tracing needs to start and stop it (BasicTracerProvider has them). */
export type TracingProvider = TracerProvider & {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
};

/**
 * Makes `provider` the global one, with the W3C propagator and an AsyncLocalStorage context
 * manager (so a span stays current across awaits); returns what undoes it after flushing. Used by
 * startTracing and by tests with an in-memory exporter.
 */
export function installTracing(provider: TracingProvider): () => Promise<void> {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return async () => {
    // An unreachable collector must not hold the process past the platform's shutdown bound.
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_BOUND_MS)));
    const flush = async () => {
      await provider.forceFlush().catch(() => undefined);
      await provider.shutdown().catch(() => undefined);
    };
    await Promise.race([flush(), bound]);
    clearTimeout(timer);
    trace.disable();
    propagation.disable();
    context.disable();
  };
}

/**
 * Starts exporting spans by OTLP/HTTP when an endpoint is configured; otherwise changes nothing
 * (the no-op API stays). Returns the shutdown step, which flushes spans not yet sent.
 */
export function startTracing(config: Pick<Config, 'tracing'>): () => Promise<void> {
  const { otlpEndpoint, serviceName } = config.tracing;
  if (otlpEndpoint === undefined) return async () => undefined;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    // Batched: a span costs an array push on the hot path; export happens every few seconds.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpEndpoint}/v1/traces` }))],
  });
  return installTracing(provider);
}

export type WithSpanOptions = {
  kind?: SpanKind;
  /** The parent (a context from extractTraceContext); the current context when absent. */
  parent?: Context;
  /** Starts a new trace whatever the current context holds. */
  root?: boolean;
  /** Errors this returns false for end the span without marking it failed (BullMQ's DelayedError). */
  isFailure?: (error: unknown) => boolean;
};

/**
 * Runs `fn` in a new span, current for everything it awaits; ends the span when `fn` settles. A
 * throw marks the span failed with the error's name (error.type) and is rethrown.
 */
export function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  options: WithSpanOptions = {},
): Promise<T> {
  // Asked for each time rather than kept: a tracer kept from before a provider was replaced
  // would keep writing to the old one.
  const tracer = trace.getTracer(TRACER_NAME);
  const parent = options.root ? ROOT_CONTEXT : (options.parent ?? context.active());
  return tracer.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      if (options.isFailure?.(error) ?? true) markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed by the error's name only: messages may quote a number or a text. */
export function markFailed(span: Span, error: unknown): void {
  failSpan(span, error instanceof Error ? error.name : 'unknown');
}

/** Marks a span failed with an error type of the caller's choosing (an HTTP status, a code). */
export function failSpan(span: Span, errorType: string): void {
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Adds attributes to the current span, if any (a no-op with tracing off). */
export function setSpanAttributes(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** The current trace context, to carry in job data or HTTP headers; undefined with tracing off. */
export function injectTraceContext(): TraceCarrier | undefined {
  const carrier: Partial<TraceCarrier> = {};
  propagation.inject(context.active(), carrier);
  if (carrier.traceparent === undefined) return undefined;
  return carrier.tracestate
    ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate }
    : { traceparent: carrier.traceparent };
}

/** The context a carried trace continues in (a root context when there is none). */
export function extractTraceContext(carrier: TraceCarrier | undefined): Context {
  return carrier === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, carrier);
}
