// whatsapp_handler.user_preferences: typed key-value settings, validated by the registry.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool';
import { isPreferenceKey, parsePreference, type Preferences } from '../preferences/registry';

type PreferenceRow = { preference_key: string; preference_value: unknown };

/** The user's stored preferences; keys no longer in the registry are ignored. */
export async function listPreferences(db: Queryable, userId: string): Promise<Preferences> {
  const { rows } = await db.query<PreferenceRow>(
    `select preference_key, preference_value
       from whatsapp_handler.user_preferences
      where user_id = $1::uuid
      order by preference_key`,
    [userId],
  );
  const preferences: Record<string, unknown> = {};
  for (const row of rows) {
    if (isPreferenceKey(row.preference_key)) preferences[row.preference_key] = row.preference_value;
  }
  return preferences as Preferences;
}

/** Validates and writes one preference; returns whether the stored value changed. */
export async function upsertPreference(db: Queryable, userId: string, key: string, value: unknown): Promise<boolean> {
  const preference = parsePreference(key, value);
  // "is distinct from" keeps a repeated write from touching the row, so callers can tell
  // whether anything changed (and emit an event only then).
  const { rowCount } = await db.query(
    `insert into whatsapp_handler.user_preferences (id, user_id, preference_key, preference_value)
     values ($1::uuid, $2::uuid, $3::varchar, $4::jsonb)
     on conflict on constraint user_preferences_user_key_unique do update
        set preference_value = excluded.preference_value, updated_at = now()
      where user_preferences.preference_value is distinct from excluded.preference_value`,
    [randomUUID(), userId, preference.key, JSON.stringify(preference.value)],
  );
  return rowCount === 1;
}

/** Removes one preference (the default applies again); returns whether a row was deleted. */
export async function deletePreference(db: Queryable, userId: string, key: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `delete from whatsapp_handler.user_preferences where user_id = $1::uuid and preference_key = $2::varchar`,
    [userId, key],
  );
  return rowCount === 1;
}
