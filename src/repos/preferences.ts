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

/** A number for a preference write, taken when the write is accepted; later writes get larger ones. */
export async function nextPreferenceWriteSeq(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ seq: string }>(
    `select nextval('whatsapp_handler.preference_write_seq')::text as seq`,
  );
  return rows[0]!.seq;
}

/**
 * Validates and writes one preference; returns whether the stored value changed. A write accepted
 * before the one the row holds (`acceptedSeq` smaller) is ignored: the last accepted value wins
 * even when workers apply the writes out of order. Without `acceptedSeq` the write is accepted now.
 */
export async function upsertPreference(
  db: Queryable,
  userId: string,
  key: string,
  value: unknown,
  acceptedSeq?: string,
): Promise<boolean> {
  const preference = parsePreference(key, value);
  // "changed" compares with the row as it was, so a repeated value emits no event.
  const { rows } = await db.query<{ changed: boolean }>(
    `with previous as (
       select preference_value
         from whatsapp_handler.user_preferences
        where user_id = $2::uuid and preference_key = $3::varchar
     ), written as (
       insert into whatsapp_handler.user_preferences
              (id, user_id, preference_key, preference_value, accepted_seq)
       values ($1::uuid, $2::uuid, $3::varchar, $4::jsonb,
               coalesce($5::bigint, nextval('whatsapp_handler.preference_write_seq')))
       on conflict on constraint user_preferences_user_key_unique do update
          set preference_value = excluded.preference_value,
              accepted_seq = excluded.accepted_seq,
              updated_at = now()
        where user_preferences.accepted_seq < excluded.accepted_seq
       returning 1
     )
     select exists (select 1 from written)
            and (select preference_value from previous) is distinct from $4::jsonb as changed`,
    [randomUUID(), userId, preference.key, JSON.stringify(preference.value), acceptedSeq ?? null],
  );
  return rows[0]!.changed;
}

/** Removes one preference (the default applies again); returns whether a row was deleted. */
export async function deletePreference(db: Queryable, userId: string, key: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `delete from whatsapp_handler.user_preferences where user_id = $1::uuid and preference_key = $2::varchar`,
    [userId, key],
  );
  return rowCount === 1;
}
