// Finds a GB railway station from what a passenger typed, using the uk-railway-stations
// dataset: a CRS code ("KGX"), a full name ("London Kings Cross"), or part of one ("kings
// cross", "man picc"). Several plausible stations come back as choices for "did you mean".
// Used for the home station now and for journey origins and destinations later.
import stations from 'uk-railway-stations';

export type Station = { crs: string; name: string };
export type StationMatch =
  { kind: 'found'; station: Station } | { kind: 'choose'; choices: Station[] } | { kind: 'none' };

/** At most this many choices are offered; a longer list is no help in a chat. */
export const MAX_CHOICES = 5;

type Entry = Station & { key: string; words: string[] };

/** Lower case, no accents or apostrophes, "&" as "and", anything else not a letter or digit a space. */
export function stationKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['\u2019]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

// Built on first use: a few thousand entries, kept for the life of the process.
let index: { entries: Entry[]; byCrs: Map<string, Entry>; byKey: Map<string, Entry> } | undefined;

function stationIndex(): NonNullable<typeof index> {
  if (index === undefined) {
    const entries = stations.map((s): Entry => {
      const key = stationKey(s.stationName);
      return { crs: s.crsCode.toUpperCase(), name: s.stationName, key, words: key.split(' ') };
    });
    index = {
      entries,
      byCrs: new Map(entries.map((e) => [e.crs, e])),
      byKey: new Map(entries.map((e) => [e.key, e])),
    };
  }
  return index;
}

const station = ({ crs, name }: Entry): Station => ({ crs, name });

/** The station with this CRS code, if the dataset knows it. */
export function stationByCrs(crs: string): Station | undefined {
  const entry = stationIndex().byCrs.get(crs.toUpperCase());
  return entry && station(entry);
}

/**
 * A known CRS code or an exact name is found at once. Otherwise every typed word must begin a
 * word of the station's name; one such station is found, several are choices (names that start
 * with what was typed first, then shorter names), none is none.
 */
export function findStation(text: string): StationMatch {
  const typed = stationKey(text);
  if (typed === '') return { kind: 'none' };
  const { entries, byCrs, byKey } = stationIndex();
  const exact = (/^[a-z]{3}$/.test(typed) && byCrs.get(typed.toUpperCase())) || byKey.get(typed);
  if (exact) return { kind: 'found', station: station(exact) };

  const typedWords = typed.split(' ');
  const candidates = entries.filter((entry) =>
    typedWords.every((word) => entry.words.some((nameWord) => nameWord.startsWith(word))),
  );
  if (candidates.length === 0) return { kind: 'none' };
  if (candidates.length === 1) return { kind: 'found', station: station(candidates[0]!) };
  const rank = (entry: Entry) => (entry.key.startsWith(typed) ? 0 : entry.key.includes(typed) ? 1 : 2);
  candidates.sort((a, b) => rank(a) - rank(b) || a.name.length - b.name.length || a.name.localeCompare(b.name));
  return { kind: 'choose', choices: candidates.slice(0, MAX_CHOICES).map(station) };
}
