// startTracing as the composition roots call it. The OTLP exporter loads node:http with a dynamic
// import(), which jest's module sandbox refuses; the export itself is checked against the built web
// process (otlp-export.test.ts), here only what is switched on and off.
import { loadConfig } from '../../src/config';
import { injectTraceContext, startTracing, withSpan } from '../../src/observability/tracing';

test('without OTEL_EXPORTER_OTLP_ENDPOINT tracing stays off: spans are no-ops and no trace context is carried', async () => {
  const stop = startTracing(loadConfig({ NODE_ENV: 'test' }));
  try {
    const carried = await withSpan('a span nobody records', {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      return injectTraceContext();
    });

    expect(carried).toBeUndefined();
  } finally {
    await stop();
  }
});

test('with OTEL_EXPORTER_OTLP_ENDPOINT spans are recorded and carry a W3C traceparent', async () => {
  // Nothing listens there; nothing is exported before the span processor's first scheduled batch.
  const config = loadConfig({ NODE_ENV: 'test', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9/' });
  const stop = startTracing(config);
  try {
    const { recording, carried } = await withSpan('a recorded span', {}, async (span) => ({
      recording: span.isRecording(),
      carried: injectTraceContext(),
    }));

    expect(recording).toBe(true);
    expect(carried?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  } finally {
    await stop();
  }
});

test('OTEL_SERVICE_NAME defaults to whatsapp-handler and the endpoint loses a trailing slash', () => {
  expect(loadConfig({ NODE_ENV: 'test' }).tracing).toEqual({
    otlpEndpoint: undefined,
    serviceName: 'whatsapp-handler',
  });
  expect(
    loadConfig({ NODE_ENV: 'test', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_SERVICE_NAME: 'wh-eu' })
      .tracing,
  ).toEqual({ otlpEndpoint: 'http://collector:4318', serviceName: 'wh-eu' });
});
