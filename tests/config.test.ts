import { loadConfig } from '../src/config';

test('with no environment the service runs locally against the Twilio stand-in', () => {
  const config = loadConfig({});
  expect(config).toMatchObject({
    port: 3000,
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: 'redis://127.0.0.1:6379',
    outbox: { retentionDays: 7 },
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
