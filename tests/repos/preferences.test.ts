import { createTestDatabase, type TestDatabase } from '../support/database';
import { createUser } from '../../src/repos/users';
import { deletePreference, listPreferences, upsertPreference } from '../../src/repos/preferences';

let db: TestDatabase;
let userId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  userId = (await createUser(db.pool, { phoneNumber: '+447700900200' })).id;
});
afterAll(() => db.drop());

test('preferences keep their types when stored and read back', async () => {
  await upsertPreference(db.pool, userId, 'notifications', false);
  await upsertPreference(db.pool, userId, 'home_station', 'KGX');
  expect(await listPreferences(db.pool, userId)).toEqual({ notifications: false, home_station: 'KGX' });
  const { rows } = await db.pool.query(
    `select jsonb_typeof(preference_value) as type from whatsapp_handler.user_preferences
      where user_id = $1 and preference_key = 'notifications'`,
    [userId],
  );
  expect(rows[0].type).toBe('boolean');
});

test('writing a value reports whether it changed', async () => {
  expect(await upsertPreference(db.pool, userId, 'opted_out', true)).toBe(true);
  expect(await upsertPreference(db.pool, userId, 'opted_out', true)).toBe(false);
  expect(await upsertPreference(db.pool, userId, 'opted_out', false)).toBe(true);
});

test('an unknown key is rejected', async () => {
  await expect(upsertPreference(db.pool, userId, 'favourite_colour', 'blue')).rejects.toMatchObject({
    code: 'UNKNOWN_PREFERENCE_KEY',
  });
});

test('a value of the wrong type or shape is rejected', async () => {
  await expect(upsertPreference(db.pool, userId, 'notifications', 'yes')).rejects.toMatchObject({
    code: 'INVALID_PREFERENCE_VALUE',
  });
  await expect(upsertPreference(db.pool, userId, 'home_station', 'Kings Cross')).rejects.toMatchObject({
    code: 'INVALID_PREFERENCE_VALUE',
  });
});

test('a deleted preference disappears', async () => {
  await upsertPreference(db.pool, userId, 'home_station', 'EUS');
  expect(await deletePreference(db.pool, userId, 'home_station')).toBe(true);
  expect(await listPreferences(db.pool, userId)).not.toHaveProperty('home_station');
});
