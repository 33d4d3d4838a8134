// Every preference a user can hold, with the zod schema its value must satisfy. The database
// stores values as JSONB; this registry is the one place that says what each key may contain.
import { z } from 'zod';
import { InvalidPreferenceValueError, UnknownPreferenceKeyError } from '../errors';
// Pure data (the station dataset), no I/O: the API refuses what the chat refuses.
import { stationByCrs } from '../stations/find-station';

export const preferenceSchemas = {
  /** Delay and claim updates sent proactively. */
  notifications: z.boolean(),
  /** Set by STOP, cleared by START: no proactive message of any kind while true. */
  opted_out: z.boolean(),
  /** No proactive message between 21:00 and 08:00 London time; they wait until 08:00. */
  quiet_hours: z.boolean(),
  /** The passenger's usual station, as the three-letter CRS code of a known station (for example "KGX"). */
  home_station: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a three-letter CRS code')
    .refine((crs) => stationByCrs(crs) !== undefined, 'must be the CRS code of a known station')
    .meta({ description: 'the CRS code of a GB station, e.g. "KGX"; an unknown code is refused' }),
} as const;

export type PreferenceKey = keyof typeof preferenceSchemas;
export type PreferenceValue<K extends PreferenceKey> = z.infer<(typeof preferenceSchemas)[K]>;
export type Preferences = { [K in PreferenceKey]?: PreferenceValue<K> };

/** What a user has when they never chose. */
export const preferenceDefaults: Required<Pick<Preferences, 'notifications' | 'opted_out' | 'quiet_hours'>> = {
  notifications: true,
  opted_out: false,
  quiet_hours: true,
};

export function isPreferenceKey(key: string): key is PreferenceKey {
  return Object.hasOwn(preferenceSchemas, key);
}

/** Validates one key and value; throws UnknownPreferenceKeyError or InvalidPreferenceValueError. */
export function parsePreference(
  key: string,
  value: unknown,
): { key: PreferenceKey; value: PreferenceValue<PreferenceKey> } {
  if (!isPreferenceKey(key)) throw new UnknownPreferenceKeyError(key);
  const parsed = preferenceSchemas[key].safeParse(value);
  if (!parsed.success) throw new InvalidPreferenceValueError(key, parsed.error.issues[0]?.message ?? 'invalid');
  return { key, value: parsed.data };
}
