// The conversation's database effects. Each runs in one transaction with its event and checks the
// current rows first, so applying it again (a retried message) changes nothing and emits nothing.
import type { Deps } from '../deps';
import { withTransaction } from '../db/transaction';
import { userDeleted, userRegistered, userVerified, wakeOutboxRelay } from '../events';
import { UserAlreadyExistsError } from '../errors';
import { appendEvent } from '../repos/outbox';
import { createUser, deleteUser, findUserByPhone, lockUserByPhone, markUserVerified, type User } from '../repos/users';

/**
 * Creates the user with user.registered, or returns the existing user unchanged. The event carries
 * the consent (claim-dispatcher keeps it): TERMS_VERSION, accepted when the row was created.
 */
export async function registerUser(deps: Deps, phone: string, correlationId: string): Promise<User> {
  let created = false;
  const user = await withTransaction(deps.db, async (client) => {
    const existing = await lockUserByPhone(client, phone);
    if (existing !== undefined) return existing;
    const inserted = await createUser(client, { phoneNumber: phone });
    const consent = { termsVersion: deps.config.termsVersion, termsAcceptedAt: inserted.createdAt };
    await appendEvent(client, userRegistered({ userId: inserted.id, ...consent, correlationId }));
    created = true;
    return inserted;
  }).catch(async (error: unknown) => {
    // Another transaction inserted the same number first: that one emitted the event.
    if (!(error instanceof UserAlreadyExistsError)) throw error;
    const winner = await findUserByPhone(deps.db, phone);
    if (winner === undefined) throw error;
    return winner;
  });
  if (created) await wakeOutboxRelay(deps.queues);
  return user;
}

/** Sets verified_at with user.verified once; undefined when the user no longer exists. */
export async function markVerified(deps: Deps, phone: string, correlationId: string): Promise<User | undefined> {
  let changed = false;
  const user = await withTransaction(deps.db, async (client) => {
    const current = await lockUserByPhone(client, phone);
    if (current === undefined || current.verifiedAt !== null) return current;
    const verified = await markUserVerified(client, current.id, deps.clock.now());
    await appendEvent(client, userVerified({ userId: current.id, correlationId }));
    changed = true;
    return verified;
  });
  if (changed) await wakeOutboxRelay(deps.queues);
  return user;
}

/** Deletes the user and (by cascade) their preferences with user.deleted; false when already gone. */
export async function deleteUserData(deps: Deps, phone: string, correlationId: string): Promise<boolean> {
  const deleted = await withTransaction(deps.db, async (client) => {
    const current = await lockUserByPhone(client, phone);
    if (current === undefined) return false;
    await deleteUser(client, current.id);
    await appendEvent(client, userDeleted({ userId: current.id, reason: 'user_request', correlationId }));
    return true;
  });
  if (deleted) {
    deps.metrics.usersDeleted.inc({ reason: 'user_request' });
    await wakeOutboxRelay(deps.queues);
  }
  return deleted;
}
