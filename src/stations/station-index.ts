// The lookup tables behind findStation, built once from the uk-railway-stations dataset, the
// alias table and the usage table.
import stations from 'uk-railway-stations';
import { stationAliases } from './station-aliases';
import { UNLISTED_STATION_USAGE, yearlyEntriesAndExits } from './station-usage';

export type IndexedStation = {
  crs: string;
  name: string;
  key: string;
  /** log10 of yearly entries and exits: how strongly a choice list leans towards this station. */
  busyness: number;
  /** The words of the name, and each two neighbouring words run together. */
  words: Occurrence[];
};

/** A word of a station's name: which station, at which word, spanning one word or two run together. */
export type Occurrence = { station: IndexedStation; word: string; position: number; span: 1 | 2 };

export type Alias = { words: string[]; stations: IndexedStation[] };

/** A word with the set of letters in it, for ruling out most words before measuring edits. */
export type LetterSetWord = { word: string; letters: number };

export type StationIndex = {
  byCrs: Map<string, IndexedStation>;
  /** Stations by the key of their name. */
  byKey: Map<string, IndexedStation>;
  /** The same with the spaces taken out, for names typed apart or run together ("new castle"). */
  byCompactKey: Map<string, IndexedStation>;
  aliases: Alias[];
  /** Every word of every name, and every two neighbouring words run together ("kingscross"). */
  occurrences: Map<string, Occurrence[]>;
  /** The words of names and aliases, sorted, for finding the words a typed word begins. */
  sortedWords: string[];
  /** The same words by length, for measuring a misspelling only against words near its length. */
  wordsByLength: LetterSetWord[][];
  /** Words ending "-borough", "-brough" or "-burgh", by saidAlikeKey. */
  saidAlike: Map<string, string[]>;
};

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

export const compactKey = (key: string): string => key.replace(/ /g, '');

/** One bit per letter present (a-z; digits share the six bits left). */
export function letterSet(word: string): number {
  let set = 0;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    set |= 1 << (code >= 97 ? code - 97 : 26 + (code % 6));
  }
  return set;
}

// "-borough", "-brough" and "-burgh" are said alike and spelt every way ("edinborough",
// "peterbourgh", "middlesborough"), often further apart than a misspelling is allowed to be.
const SAID_ALIKE_ENDING = /b[aeiou]*r[aeiou]*gh$/;

/** The word with any of those endings made one, or undefined if it has none. */
export function saidAlikeKey(word: string): string | undefined {
  return SAID_ALIKE_ENDING.test(word) ? word.replace(SAID_ALIKE_ENDING, 'b-r-gh') : undefined;
}

// Built on first use: a few thousand entries, kept for the life of the process.
let index: StationIndex | undefined;

export function stationIndex(): StationIndex {
  index ??= buildIndex();
  return index;
}

function buildIndex(): StationIndex {
  const byCrs = new Map<string, IndexedStation>();
  const byKey = new Map<string, IndexedStation>();
  const byCompactKey = new Map<string, IndexedStation>();
  const occurrences = new Map<string, Occurrence[]>();
  const occur = (occurrence: Occurrence) => {
    occurrence.station.words.push(occurrence);
    const list = occurrences.get(occurrence.word);
    if (list) list.push(occurrence);
    else occurrences.set(occurrence.word, [occurrence]);
  };

  for (const { crsCode, stationName } of stations) {
    const crs = crsCode.toUpperCase();
    const key = stationKey(stationName);
    const usage = yearlyEntriesAndExits[crs] ?? UNLISTED_STATION_USAGE;
    const station: IndexedStation = { crs, name: stationName, key, busyness: Math.log10(usage), words: [] };
    byCrs.set(crs, station);
    byKey.set(key, station);
    byCompactKey.set(compactKey(key), station);
    const words = key.split(' ');
    words.forEach((word, position) => {
      occur({ station, word, position, span: 1 });
      const next = words[position + 1];
      if (next !== undefined) occur({ station, word: word + next, position, span: 2 });
    });
  }

  const aliases = Object.entries(stationAliases).map(([alias, codes]): Alias => {
    const targets = codes.map((crs) => byCrs.get(crs));
    if (targets.some((t) => t === undefined)) throw new Error(`alias "${alias}" names an unknown station`);
    return { words: alias.split(' '), stations: targets as IndexedStation[] };
  });

  const vocabulary = new Set([...occurrences.keys(), ...aliases.flatMap((a) => a.words)]);
  const sortedWords = [...vocabulary].sort();
  const wordsByLength: LetterSetWord[][] = [];
  const saidAlike = new Map<string, string[]>();
  for (const word of sortedWords) {
    (wordsByLength[word.length] ??= []).push({ word, letters: letterSet(word) });
    const alike = saidAlikeKey(word);
    if (alike !== undefined) saidAlike.set(alike, [...(saidAlike.get(alike) ?? []), word]);
  }

  return { byCrs, byKey, byCompactKey, aliases, occurrences, sortedWords, wordsByLength, saidAlike };
}
