import { randomUUID } from 'node:crypto';
import { userDeleted, userPreferencesUpdated, userRegistered, userVerified } from '../../src/events';

const userId = randomUUID();

test('user events carry the user id as aggregate and payload, and the correlation id', () => {
  expect(userVerified({ userId, correlationId: 'SM1' })).toEqual({
    aggregateType: 'user',
    aggregateId: userId,
    eventType: 'user.verified',
    payload: { user_id: userId },
    correlationId: 'SM1',
  });
  expect(userVerified({ userId }).correlationId).toBeNull();
});

test('a registration carries the terms version accepted and when, as a UTC instant', () => {
  const acceptedAt = new Date('2026-11-25T09:14:03.512Z');

  const event = userRegistered({ userId, termsVersion: '2026-11', termsAcceptedAt: acceptedAt, correlationId: 'SM1' });

  expect(event).toEqual({
    aggregateType: 'user',
    aggregateId: userId,
    eventType: 'user.registered',
    payload: { user_id: userId, terms_version: '2026-11', terms_accepted_at: '2026-11-25T09:14:03.512Z' },
    correlationId: 'SM1',
  });
});

test('a deletion says whether the passenger asked for it or the number expired unverified', () => {
  expect(userDeleted({ userId, reason: 'user_request', correlationId: 'SM1' }).payload).toEqual({
    user_id: userId,
    reason: 'user_request',
  });
  expect(userDeleted({ userId, reason: 'unverified_expired' })).toMatchObject({
    eventType: 'user.deleted',
    payload: { user_id: userId, reason: 'unverified_expired' },
    correlationId: null,
  });
});

test('a preference update carries the key and the value in snake_case fields', () => {
  const event = userPreferencesUpdated({ userId, key: 'home_station', value: 'KGX', correlationId: undefined });
  expect(event.payload).toEqual({ user_id: userId, key: 'home_station', value: 'KGX' });
});

test('a builder refuses a payload that breaks its schema', () => {
  const consent = { termsVersion: '2026-11', termsAcceptedAt: new Date() };
  expect(() => userRegistered({ userId: 'not-a-uuid', ...consent })).toThrow();
  expect(() => userRegistered({ userId, ...consent, termsVersion: '' })).toThrow();
  expect(() => userRegistered({ userId, ...consent, termsVersion: 'terms version 2' })).toThrow();
  expect(() => userRegistered({ userId, ...consent, termsAcceptedAt: new Date(Number.NaN) })).toThrow();
  expect(() => userDeleted({ userId, reason: 'tidy_up' as 'user_request' })).toThrow();
  expect(() => userPreferencesUpdated({ userId, key: '', value: true })).toThrow();
});
