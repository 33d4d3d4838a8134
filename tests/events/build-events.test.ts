import { randomUUID } from 'node:crypto';
import { userDeleted, userPreferencesUpdated, userRegistered, userVerified } from '../../src/events';

const userId = randomUUID();

test('user events carry the user id as aggregate and payload, and the correlation id', () => {
  expect(userRegistered({ userId, correlationId: 'SM1' })).toEqual({
    aggregateType: 'user',
    aggregateId: userId,
    eventType: 'user.registered',
    payload: { user_id: userId },
    correlationId: 'SM1',
  });
  expect(userVerified({ userId }).eventType).toBe('user.verified');
  expect(userDeleted({ userId }).payload).toEqual({ user_id: userId });
  expect(userDeleted({ userId }).correlationId).toBeNull();
});

test('a preference update carries the key and the value in snake_case fields', () => {
  const event = userPreferencesUpdated({ userId, key: 'home_station', value: 'KGX', correlationId: undefined });
  expect(event.payload).toEqual({ user_id: userId, key: 'home_station', value: 'KGX' });
});

test('a builder refuses a payload that breaks its schema', () => {
  expect(() => userRegistered({ userId: 'not-a-uuid' })).toThrow();
  expect(() => userPreferencesUpdated({ userId, key: '', value: true })).toThrow();
});
