import { loadConfig } from '../src/config';

test('with no environment the service runs locally against the Twilio stand-in', () => {
  const config = loadConfig({});
  expect(config).toMatchObject({
    port: 3000,
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: 'redis://127.0.0.1:6379',
    outbox: { retentionDays: 7 },
    termsVersion: '2026-11',
    unverifiedRetentionDays: 7,
    twilio: { mode: 'local', whatsappFrom: 'whatsapp:+14155238886' },
    bullBoard: undefined,
  });
});

test.each([
  [{ PORT: 'eighty' }, /^Invalid environment variable PORT: /],
  [{ DATABASE_URL: 'mysql://localhost/db' }, /^Invalid environment variable DATABASE_URL: /],
  [
    { TWILIO_WHATSAPP_FROM: '+447700900123' },
    /^Invalid environment variable TWILIO_WHATSAPP_FROM: must be whatsapp:\+E164$/,
  ],
  [{ OUTBOX_RETENTION_DAYS: '0' }, /^Invalid environment variable OUTBOX_RETENTION_DAYS: /],
  [{ UNVERIFIED_RETENTION_DAYS: '0' }, /^Invalid environment variable UNVERIFIED_RETENTION_DAYS: /],
  [{ UNVERIFIED_RETENTION_DAYS: '366' }, /^Invalid environment variable UNVERIFIED_RETENTION_DAYS: /],
  [{ TERMS_VERSION: 'terms v2' }, /^Invalid environment variable TERMS_VERSION: /],
  [{ TWILIO_AUTH_TOKEN: 'secret' }, /^Invalid environment variable TWILIO_ACCOUNT_SID: /],
  [{ BULL_BOARD_USER: 'ops' }, /^Invalid environment variable BULL_BOARD_PASSWORD: /],
])('a bad value stops start-up with one line naming the variable: %j', (env, message) => {
  expect(() => loadConfig(env)).toThrow(message);
  try {
    loadConfig(env);
  } catch (error) {
    expect((error as Error).message).not.toContain('\n');
  }
});

test('production refuses the local Twilio stand-in and requires the public URL and API token', () => {
  expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TWILIO_ACCOUNT_SID: required in production/);
  const withTwilio = {
    NODE_ENV: 'production',
    TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'token',
    TWILIO_VERIFY_SERVICE_SID: `VA${'b'.repeat(32)}`,
  };
  expect(() => loadConfig(withTwilio)).toThrow(/PUBLIC_BASE_URL/);
  expect(() => loadConfig({ ...withTwilio, PUBLIC_BASE_URL: 'https://wa.example.com' })).toThrow(/INTERNAL_API_TOKEN/);
  const config = loadConfig({
    ...withTwilio,
    PUBLIC_BASE_URL: 'https://wa.example.com/',
    INTERNAL_API_TOKEN: 'x'.repeat(32),
  });
  expect(config.twilio.mode).toBe('remote');
  expect(config.publicBaseUrl).toBe('https://wa.example.com');
});

test('the worker metrics server listens on loopback unless WORKER_METRICS_HOST opens it', () => {
  expect(loadConfig({}).workerMetricsHost).toBe('127.0.0.1');
  expect(loadConfig({ WORKER_METRICS_HOST: '0.0.0.0' }).workerMetricsHost).toBe('0.0.0.0');
  expect(loadConfig({ WORKER_METRICS_HOST: '::' }).workerMetricsHost).toBe('::');
  expect(() => loadConfig({ WORKER_METRICS_HOST: 'not a host' })).toThrow(
    /^Invalid environment variable WORKER_METRICS_HOST: must be an IP address or host name$/,
  );
});

describe('in production', () => {
  const production = {
    NODE_ENV: 'production',
    TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'token',
    TWILIO_VERIFY_SERVICE_SID: `VA${'b'.repeat(32)}`,
    PUBLIC_BASE_URL: 'https://wa.example.com',
    INTERNAL_API_TOKEN: 'x'.repeat(32),
  };

  test.each(['a', 'board-secret', 'x'.repeat(15)])('a Bull Board password of %j stops start-up', (password) => {
    expect(() => loadConfig({ ...production, BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: password })).toThrow(
      /^Invalid environment variable BULL_BOARD_PASSWORD: must be at least 16 characters in production$/,
    );
  });

  test('a Bull Board password of 16 characters or more is accepted', () => {
    const config = loadConfig({ ...production, BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'x'.repeat(16) });
    expect(config.bullBoard).toMatchObject({ user: 'ops', password: 'x'.repeat(16) });
  });
});

test('outside production a short Bull Board password is still accepted, for local use', () => {
  expect(loadConfig({ BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'a' }).bullBoard?.password).toBe('a');
});

describe('the HTTP outbox transport', () => {
  const http = { OUTBOX_TRANSPORT: 'http', OUTBOX_HTTP_URL: 'https://events.example.test/hooks' };
  const whsec = `whsec_${Buffer.from('a consumer shared secret of 32 b').toString('base64')}`;

  test.each(['a-plain-shared-secret-of-some-length', 'whsec_short', `whsec ${whsec.slice(6)}`])(
    'refuses the secret %j: only the Standard Webhooks form',
    (secret) => {
      expect(() => loadConfig({ ...http, OUTBOX_HTTP_SECRET: secret })).toThrow(
        /^Invalid environment variable OUTBOX_HTTP_SECRET: must be a Standard Webhooks secret: whsec_ and base64 when OUTBOX_TRANSPORT=http$/,
      );
    },
  );

  test('accepts a whsec_ secret, and still requires one', () => {
    expect(loadConfig({ ...http, OUTBOX_HTTP_SECRET: whsec }).outbox.httpSecret).toBe(whsec);
    expect(() => loadConfig(http)).toThrow(/^Invalid environment variable OUTBOX_HTTP_SECRET: required/);
  });

  test('with the Redis transport the unused secret is not checked', () => {
    expect(loadConfig({ OUTBOX_HTTP_SECRET: 'left over' }).outbox.transport).toBe('redis');
  });
});
