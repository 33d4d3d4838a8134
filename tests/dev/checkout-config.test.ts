// `npm run dev`, `chat` and `ops` outside production: an unset REDIS_KEY_PREFIX, DATABASE_URL or
// INBOUND_EVENTS_STREAM is named after the checkout, so two checkouts never share data.
import { checkoutDefaults, loadDevConfig } from '../../src/config';

test('two checkouts get different names, one checkout always the same', () => {
  const a = checkoutDefaults('/home/dev/whatsapp-handler');
  const b = checkoutDefaults('/home/dev/whatsapp-handler-2');

  expect(a).toEqual(checkoutDefaults('/home/dev/whatsapp-handler/'));
  expect(a.redisKeyPrefix).toMatch(/^wh-dev-[0-9a-f]{8}$/);
  expect(a.databaseName).toMatch(/^wh_dev_[0-9a-f]{8}$/);
  expect(a.inboundEventsStream).toBe(`railrepay:events:${a.redisKeyPrefix}`);
  expect(b.redisKeyPrefix).not.toBe(a.redisKeyPrefix);
  expect(b.databaseName).not.toBe(a.databaseName);
});

test('unset variables take the checkout defaults, and the database is to be created', () => {
  const defaults = checkoutDefaults('/work/checkout');

  const { config, createDatabase } = loadDevConfig('/work/checkout', {});

  expect(config.redisKeyPrefix).toBe(defaults.redisKeyPrefix);
  expect(config.databaseUrl).toBe(`postgres://postgres@127.0.0.1:5432/${defaults.databaseName}`);
  expect(config.inboundEvents.stream).toBe(defaults.inboundEventsStream);
  expect(createDatabase).toBe(defaults.databaseName);
});

test('variables that are set win, and a database given is never created', () => {
  const { config, createDatabase } = loadDevConfig('/work/checkout', {
    REDIS_KEY_PREFIX: 'mine',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mine',
    INBOUND_EVENTS_STREAM: 'my:events',
  });

  expect(config.redisKeyPrefix).toBe('mine');
  expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/mine');
  expect(config.inboundEvents.stream).toBe('my:events');
  expect(createDatabase).toBeUndefined();
});
