import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { WEBHOOK_PATHS } from '../../src/http/routes/webhook-paths';
import { QUEUE } from '../../src/jobs/queues';
import { startWorkers } from '../../src/jobs/register';
import { makeLogger } from '../../src/logger';
import { installTracing, SPAN_ATTR } from '../../src/observability/tracing';
import { makeHttpTransport } from '../../src/outbox/http-transport';
import { relayBatch } from '../../src/outbox/relay';
import { appendEvent } from '../../src/repos/outbox';
import { traceTwilioGateway } from '../../src/twilio/traced-gateway';
import { inboundForm, startWebhookTestApp } from '../http/webhook-test-app';
import type { FakeTwilio } from '../jobs/fake-twilio';
import { createTestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { registeredEvent } from '../support/events';

const PHONE_DIGITS = '7700900123';
const BODY = 'Hello, my 08:15 from Brighton was late';
const SECRET = `whsec_${Buffer.from('outbox-http-secret-for-tests').toString('base64')}`;

// The SDK as a deployment would have it, exporting to memory: one provider for the whole file.
const exporter = new InMemorySpanExporter();
let stopTracing: () => Promise<void>;
beforeAll(() => {
  stopTracing = installTracing(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});
afterAll(() => stopTracing());
beforeEach(() => exporter.reset());

const spans = () => exporter.getFinishedSpans();
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
/** Everything a span carries besides timing: what a collector would store. */
const recorded = (span: ReadableSpan) =>
  JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, links: span.links });

test('one inbound message yields one connected trace: webhook, then its job, then the reply sent to Twilio', async () => {
  const app = await startWebhookTestApp();
  const twilio = app.deps.twilio as FakeTwilio;
  const workers = startWorkers(
    { ...app.deps, twilio: traceTwilioGateway(twilio) },
    { queues: [QUEUE.inbound], outbox: { sweepEveryMs: 60_000 } },
  );
  try {
    await workers.ready();
    const form = inboundForm({ From: `whatsapp:+44${PHONE_DIGITS}`, WaId: `44${PHONE_DIGITS}`, Body: BODY });

    const response = await app.post(WEBHOOK_PATHS.inbound, form);

    expect(response.status).toBe(200);
    await eventually(() => expect(twilio.sent.length).toBeGreaterThanOrEqual(1), { what: 'a reply' });
    const processed = await eventually(
      () => {
        const span = spans().find(
          (s) => s.kind === SpanKind.CONSUMER && s.attributes[SPAN_ATTR.jobOutcome] === 'processed',
        );
        expect(span).toBeDefined();
        return span!;
      },
      { what: 'the job span' },
    );

    const all = spans();
    expect(new Set(all.map((s) => s.spanContext().traceId)).size).toBe(1);
    const webhook = all.filter((s) => s.kind === SpanKind.SERVER);
    expect(webhook).toHaveLength(1);
    expect(webhook[0]!.parentSpanContext).toBeUndefined();
    expect(webhook[0]!.attributes[SPAN_ATTR.messageSid]).toBe(form.MessageSid);
    // A run that found the lane not yet numbered waits and runs again: each run is the webhook's child.
    for (const job of all.filter((s) => s.kind === SpanKind.CONSUMER)) {
      expect(parentOf(job)).toBe(webhook[0]!.spanContext().spanId);
      expect(job.attributes[SPAN_ATTR.jobId]).toBe(form.MessageSid);
    }
    const sends = all.filter((s) => s.name === 'twilio messages.create');
    expect(sends.length).toBeGreaterThanOrEqual(1);
    for (const send of sends) {
      expect(send.kind).toBe(SpanKind.CLIENT);
      expect(parentOf(send)).toBe(processed.spanContext().spanId);
    }
    const reply = twilio.sent[0]!.body!;
    for (const span of all) {
      const text = recorded(span);
      expect(text).not.toContain(PHONE_DIGITS);
      expect(text).not.toContain('******');
      expect(text).not.toContain(BODY);
      expect(text).not.toContain(reply);
    }
  } finally {
    await workers.close();
    await app.stop();
  }
});

describe('the HTTP outbox transport', () => {
  let server: Server;
  let url: string;
  const received: IncomingHttpHeaders[] = [];

  beforeEach(async () => {
    received.length = 0;
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(req.headers);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('sends the traceparent of its POST span, a child of the relay batch span', async () => {
    const database = await createTestDatabase();
    try {
      await appendEvent(database.pool, registeredEvent({ userId: randomUUID() }));
      const transport = makeHttpTransport({ url, secret: SECRET, clock: { now: () => new Date() } });

      const batch = await relayBatch(
        { db: database.pool, logger: makeLogger('silent'), transport, maxAttempts: 3 },
        10,
      );

      expect(batch.published).toBe(1);
      const publish = spans().find((s) => s.name === 'outbox publish')!;
      const post = spans().find((s) => s.kind === SpanKind.CLIENT)!;
      expect(publish.attributes[SPAN_ATTR.batchCount]).toBe(1);
      expect(publish.attributes[SPAN_ATTR.outboxPublished]).toBe(1);
      expect(parentOf(post)).toBe(publish.spanContext().spanId);
      expect(post.attributes['http.response.status_code']).toBe(204);
      const { traceId, spanId } = post.spanContext();
      expect(received).toHaveLength(1);
      expect(received[0]!.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    } finally {
      await database.drop();
    }
  });
});
