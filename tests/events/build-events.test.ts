import { randomUUID } from 'node:crypto';
import { journeyCreated, userDeleted, userPreferencesUpdated, userRegistered, userVerified } from '../../src/events';

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

test('journey.created is a journey aggregate with its departure as ISO 8601 with offset', () => {
  const journeyId = randomUUID();
  const event = journeyCreated({
    journeyId,
    userId,
    travelDate: '2026-11-15',
    originCrs: 'KGX',
    destinationCrs: 'EDB',
    scheduledDeparture: '2026-11-15T14:30:00+00:00',
    hasTicketMedia: false,
  });
  expect(event).toMatchObject({ aggregateType: 'journey', aggregateId: journeyId, eventType: 'journey.created' });
  expect(event.payload).toMatchObject({ origin_crs: 'KGX', scheduled_departure: '2026-11-15T14:30:00+00:00' });
});

test('a builder refuses a payload that breaks its schema', () => {
  expect(() => userRegistered({ userId: 'not-a-uuid' })).toThrow();
  expect(() =>
    journeyCreated({
      journeyId: randomUUID(),
      userId,
      travelDate: '2026-11-15',
      originCrs: 'kgx',
      destinationCrs: 'EDB',
      scheduledDeparture: '2026-11-15T14:30:00Z',
      hasTicketMedia: false,
    }),
  ).toThrow();
});
