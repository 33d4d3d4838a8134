// A valid event for tests of the outbox machinery, where what the event says does not matter.
import { userRegistered } from '../../src/events';
import type { NewOutboxEvent } from '../../src/repos/outbox';

export const TEST_TERMS_VERSION = '2026-11';
export const TEST_TERMS_ACCEPTED_AT = new Date('2026-11-25T09:14:03.512Z');

/** A user.registered event with fixed consent fields. */
export function registeredEvent(input: { userId: string; correlationId?: string }): NewOutboxEvent {
  return userRegistered({ ...input, termsVersion: TEST_TERMS_VERSION, termsAcceptedAt: TEST_TERMS_ACCEPTED_AT });
}
