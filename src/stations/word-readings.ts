// How each typed word can be read as words of station names, and which stations fit every typed
// word. A reading costs 0 for the word itself or a short form of it ("pkwy" for "parkway"),
// PREFIX_COST for the start of a word ("picc" for "piccadilly"), and one per edit for a
// misspelling ("manchster").
import { editDistanceWithin } from './edit-distance';
import { shortForms } from './station-aliases';
import { letterSet, saidAlikeKey, type IndexedStation, type Occurrence, type StationIndex } from './station-index';

export const PREFIX_COST = 0.25;

/** Words of names and aliases a typed word can stand for, each with what the reading costs. */
export type WordReadings = Map<string, number>;

export type Candidate = {
  station: IndexedStation;
  cost: number;
  /** 0: the typed words begin the name, in order; 1: they follow each other in it; 2: scattered. */
  placement: 0 | 1 | 2;
  /** The least share of a name word that a typed word covers: "picc" is 0.4 of "piccadilly". */
  share: number;
};

const setCheaper = (readings: WordReadings, word: string, cost: number) => {
  const known = readings.get(word);
  if (known === undefined || cost < known) readings.set(word, cost);
};

/** The word itself, its short forms and the words either begins. */
export function exactReadings(typed: string, { sortedWords }: StationIndex): WordReadings {
  const readings: WordReadings = new Map();
  for (const form of [typed, ...(shortForms[typed] ?? [])]) {
    for (let i = firstAtOrAfter(sortedWords, form); i < sortedWords.length; i++) {
      const word = sortedWords[i]!;
      if (!word.startsWith(form)) break;
      setCheaper(readings, word, word === form ? 0 : PREFIX_COST);
    }
  }
  return readings;
}

/**
 * Adds the words the typed word is a misspelling of. Short words allow no edits (too many
 * three-letter words lie one edit apart), longer ones one, and words of nine letters or more two.
 * Words of four or five letters must also keep their first letter: "test" is not "west". An
 * ending said alike ("edinborough" for "edinburgh") counts as one edit, however it is spelt.
 * A word the typed one already is, whole, needs no misspellings.
 */
export function addMisspellings(typed: string, readings: WordReadings, index: StationIndex): void {
  if (readings.get(typed) === 0) return;
  const alike = saidAlikeKey(typed);
  for (const word of (alike !== undefined && index.saidAlike.get(alike)) || []) setCheaper(readings, word, 1);
  const max = typed.length < 4 || /[0-9]/.test(typed) ? 0 : typed.length < 9 ? 1 : 2;
  if (max === 0) return;
  const typedLetters = letterSet(typed);
  for (let length = typed.length - max; length <= typed.length + max; length++) {
    for (const { word, letters } of index.wordsByLength[length] ?? []) {
      // Each edit adds or removes at most two letters from the set of letters used.
      if (bitCount(typedLetters ^ letters) > 2 * max) continue;
      if (typed.length <= 5 && word[0] !== typed[0]) continue;
      const edits = editDistanceWithin(typed, word, max);
      if (edits <= max) setCheaper(readings, word, edits);
    }
  }
}

function bitCount(bits: number): number {
  let n = bits - ((bits >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Stations whose names have a reading for every typed word, at the cheapest reading of each.
 * The stations come from the typed word with the fewest readings; the others are looked up in
 * those stations' own words, so a one-letter word costs no more than the station list it narrows.
 */
export function nameCandidates(words: string[], readingsPerWord: WordReadings[], index: StationIndex): Candidate[] {
  const narrowest = readingsPerWord.reduce(
    (best, readings, i) => (readings.size < readingsPerWord[best]!.size ? i : best),
    0,
  );
  const candidates: Candidate[] = [];
  for (const [station, narrowestHit] of hitsByStation(words[narrowest]!, readingsPerWord[narrowest]!, index)) {
    const hits: Hit[] = [];
    for (const [i, readings] of readingsPerWord.entries()) {
      const hit = i === narrowest ? narrowestHit : hitIn(station, words[i]!, readings);
      if (hit === undefined) break;
      hits.push(hit);
    }
    if (hits.length < words.length) continue;
    const placed = placement(hits);
    if (placed === undefined) continue;
    const cost = hits.reduce((sum, hit) => sum + hit.cost, 0);
    candidates.push({ station, cost, placement: placed, share: Math.min(...hits.map((hit) => hit.share)) });
  }
  return candidates;
}

/** Aliases read as whole phrases: one reading per alias word, in order, no word taken by its start. */
export function aliasCandidates(readingsPerWord: WordReadings[], { aliases }: StationIndex): Candidate[] {
  const candidates: Candidate[] = [];
  for (const alias of aliases) {
    if (alias.words.length !== readingsPerWord.length) continue;
    let cost = 0;
    for (const [i, word] of alias.words.entries()) {
      const reading = readingsPerWord[i]!.get(word);
      if (reading === undefined || reading === PREFIX_COST) {
        cost = Infinity;
        break;
      }
      cost += reading;
    }
    if (cost === Infinity) continue;
    candidates.push(...alias.stations.map((station) => ({ station, cost, placement: 0 as const, share: 1 })));
  }
  return candidates;
}

/** Where in one name a typed word reads at its cheapest, and the share of the word it covers there. */
type Hit = { cost: number; share: number; spots: Occurrence[] };

function addToHit(hit: Hit | undefined, typed: string, occurrence: Occurrence, cost: number): Hit {
  const share = cost === PREFIX_COST ? typed.length / occurrence.word.length : 1;
  if (hit === undefined || cost < hit.cost) return { cost, share, spots: [occurrence] };
  if (cost === hit.cost) {
    hit.spots.push(occurrence);
    hit.share = Math.max(hit.share, share);
  }
  return hit;
}

function hitsByStation(typed: string, readings: WordReadings, index: StationIndex): Map<IndexedStation, Hit> {
  const byStation = new Map<IndexedStation, Hit>();
  for (const [word, cost] of readings) {
    for (const occurrence of index.occurrences.get(word) ?? []) {
      byStation.set(occurrence.station, addToHit(byStation.get(occurrence.station), typed, occurrence, cost));
    }
  }
  return byStation;
}

function hitIn(station: IndexedStation, typed: string, readings: WordReadings): Hit | undefined {
  let hit: Hit | undefined;
  for (const occurrence of station.words) {
    const cost = readings.get(occurrence.word);
    if (cost !== undefined) hit = addToHit(hit, typed, occurrence, cost);
  }
  return hit;
}

/**
 * How the typed words, each on a different word of the name, are best placed: in the order typed,
 * running on from each other, from the start of the name (0) or not (1), or scattered (2);
 * undefined if two typed words would need the same name word ("for form" is not Formby).
 * Passengers leave out the "London" of the termini: "charing cross" begins "London Charing
 * Cross" as much as "Charing Cross (Glasgow)".
 */
function placement(hits: Hit[]): Candidate['placement'] | undefined {
  let best: Candidate['placement'] | undefined;
  const place = (i: number, taken: number, runsOnFrom: number | undefined, first: Occurrence | undefined) => {
    if (i === hits.length) {
      const fromStart = first!.position === 0 || (first!.position === 1 && first!.station.key.startsWith('london '));
      const placed = runsOnFrom === undefined ? 2 : fromStart ? 0 : 1;
      if (best === undefined || placed < best) best = placed;
      return;
    }
    for (const spot of hits[i]!.spots) {
      const words = ((1 << spot.span) - 1) << spot.position;
      if (taken & words) continue;
      const runsOn = i === 0 || (runsOnFrom !== undefined && spot.position === runsOnFrom);
      place(i + 1, taken | words, runsOn ? spot.position + spot.span : undefined, first ?? spot);
    }
  };
  place(0, 0, undefined, undefined);
  return best;
}

function firstAtOrAfter(sorted: string[], word: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < word) low = middle + 1;
    else high = middle;
  }
  return low;
}
