import { createTestDatabase, type TestDatabase } from '../support/database';
import { createUser, deleteUser, findUserById, findUserByPhone, markUserVerified } from '../../src/repos/users';
import { upsertPreference, listPreferences } from '../../src/repos/preferences';

let db: TestDatabase;
beforeAll(async () => (db = await createTestDatabase()));
afterAll(() => db.drop());

test('a created user can be found by id and by phone number', async () => {
  const user = await createUser(db.pool, { phoneNumber: '+447700900100' });
  expect(user).toMatchObject({ phoneNumber: '+447700900100', verifiedAt: null });
  expect(await findUserById(db.pool, user.id)).toEqual(user);
  expect(await findUserByPhone(db.pool, '+447700900100')).toEqual(user);
});

test('unknown ids and numbers find nothing', async () => {
  expect(await findUserById(db.pool, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
  expect(await findUserByPhone(db.pool, '+447700900999')).toBeUndefined();
});

test('a phone number that is not E.164 is rejected before reaching the database', async () => {
  await expect(createUser(db.pool, { phoneNumber: '07700900100' })).rejects.toMatchObject({
    code: 'INVALID_PHONE_NUMBER',
  });
});

test('registering the same number twice says the user already exists', async () => {
  await createUser(db.pool, { phoneNumber: '+447700900101' });
  await expect(createUser(db.pool, { phoneNumber: '+447700900101' })).rejects.toMatchObject({
    code: 'USER_ALREADY_EXISTS',
  });
});

test('marking verified sets verified_at once and keeps the first time', async () => {
  const user = await createUser(db.pool, { phoneNumber: '+447700900102' });
  const first = new Date('2026-11-20T10:00:00Z');
  expect((await markUserVerified(db.pool, user.id, first))?.verifiedAt).toEqual(first);
  expect((await markUserVerified(db.pool, user.id, new Date('2026-11-21T10:00:00Z')))?.verifiedAt).toEqual(first);
});

test('deleting a user removes the user and their preferences', async () => {
  const user = await createUser(db.pool, { phoneNumber: '+447700900103' });
  await upsertPreference(db.pool, user.id, 'notifications', false);
  expect(await deleteUser(db.pool, user.id)).toBe(true);
  expect(await findUserById(db.pool, user.id)).toBeUndefined();
  expect(await listPreferences(db.pool, user.id)).toEqual({});
  expect(await deleteUser(db.pool, user.id)).toBe(false);
});
