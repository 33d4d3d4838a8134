import { retryDelayMs } from '../../src/outbox/backoff';

test('the retry delay doubles with each failed attempt, jittered within its upper half', () => {
  expect(retryDelayMs(1, () => 0)).toBe(500);
  expect(retryDelayMs(1, () => 1)).toBe(1_000);
  expect(retryDelayMs(4, () => 0)).toBe(4_000);
  expect(retryDelayMs(4, () => 1)).toBe(8_000);
});

test('the retry delay never exceeds five minutes however many attempts failed', () => {
  expect(retryDelayMs(30, () => 1)).toBe(300_000);
  expect(retryDelayMs(30, () => 0)).toBe(150_000);
});
