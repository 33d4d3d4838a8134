// Finds a GB railway station from what a passenger typed, using the uk-railway-stations dataset:
// a CRS code ("KGX"), a full name ("London Kings Cross"), the start of one ("man picc"), a short
// form ("bristol pkwy"), a name passengers use that the dataset spells otherwise ("heathrow"), or
// a misspelling ("edinbrugh"). Several plausible stations come back as choices for "did you mean",
// the busiest first. Used for the home station and for journey origins and destinations.
import { noiseWords } from './station-aliases';
import { compactKey, stationIndex, stationKey, type IndexedStation, type StationIndex } from './station-index';
import { addMisspellings, aliasCandidates, exactReadings, nameCandidates, type Candidate } from './word-readings';

export { stationKey };

export type Station = { crs: string; name: string };
export type StationMatch =
  { kind: 'found'; station: Station } | { kind: 'choose'; choices: Station[] } | { kind: 'none' };

/** At most this many choices are offered; a longer list is no help in a chat. */
export const MAX_CHOICES = 5;

// Longer messages are not station names; cutting them keeps every lookup cheap.
const MAX_TYPED_CHARACTERS = 60;
const MAX_TYPED_WORDS = 6;
const MIN_LETTERS = 2;

// When one station alone fits, it is taken without asking only if the fit says a station was
// meant: from MIN_LETTERS_TRUSTED letters (MIN_LETTERS_TRUSTED_MISSPELT if misspelt), several
// words fitting one name ("man picc") or one word of the name typed whole ("waverley"). A lone
// start or misspelling may be everyday English ("home" Homerton, "mother" Motherwell, "cannot"
// Cannon Street): it must begin the name and cover MIN_SHARE_OF_A_WORD of the word it begins.
// Otherwise the one station is offered as a choice.
const MIN_LETTERS_TRUSTED = 5;
const MIN_LETTERS_TRUSTED_MISSPELT = 7;
const MIN_SHARE_OF_A_WORD = 2 / 3;
// Another station whose reading costs less than this more is as likely: offer both.
const CLEARLY_BETTER_BY = 1;

// Choices are ranked by log10 of yearly usage, less these for a worse fit: each edit of a
// misspelling outweighs a hundredfold difference in usage, a word typed only in part
// (PREFIX_COST) a threefold one, and a name the typed words do not begin needs about thirty times
// the usage of one they do ("kings" still offers King's Cross, busier than every "Kings ..."
// station; "manchester" offers the Manchester stations before Swinton (Manchester)).
const COST_WEIGHT = 2;
const PLACEMENT_WEIGHT = 1.5;

const NONE: StationMatch = { kind: 'none' };

const station = ({ crs, name }: IndexedStation): Station => ({ crs, name });
const found = (indexed: IndexedStation): StationMatch => ({ kind: 'found', station: station(indexed) });

/** The station with this CRS code, if the dataset knows it. */
export function stationByCrs(crs: string): Station | undefined {
  const indexed = stationIndex().byCrs.get(crs.toUpperCase());
  return indexed && station(indexed);
}

/**
 * In order: a known CRS code, an exact name (spaces optional) or an exact alias is found at once.
 * Otherwise every typed word must begin a word of the name, or be a short form of one: one such
 * station is found, several are choices. Only when nothing fits so are misspellings tried: one
 * clearly cheapest station is found, several close ones are choices. None fit: none.
 */
export function findStation(text: string): StationMatch {
  const typed = stationKey(text.slice(0, MAX_TYPED_CHARACTERS * 4)).slice(0, MAX_TYPED_CHARACTERS);
  // Letters actually typed: a lone "&" reads as "and" in names but is no code or name by itself.
  const typedLetters = stationKey(text.slice(0, MAX_TYPED_CHARACTERS * 4).replace(/&/g, ' ')).replace(/[^a-z]/g, '');
  // Digits alone, one letter, emoji or a script the dataset does not use name no station.
  if (typedLetters.length < MIN_LETTERS) return NONE;
  const index = stationIndex();
  const byCode = codeTyped(typed, index);
  if (byCode) return found(byCode);

  const words = typed
    .split(' ')
    .filter((word) => !noiseWords.has(word))
    .slice(0, MAX_TYPED_WORDS);
  if (words.length === 0) return NONE;
  const key = words.join(' ');
  // "KGX station" is a code too, but only in capitals: "the station" is not Theale (THE).
  const byCodeInCapitals = text.includes(key.toUpperCase()) ? codeTyped(key, index) : undefined;
  const exact = byCodeInCapitals ?? index.byKey.get(key) ?? index.byCompactKey.get(compactKey(key));
  if (exact) return found(exact);

  const readings = words.map((word) => exactReadings(word, index));
  const aliased = aliasCandidates(readings, index);
  if (aliased.length > 0) return aliased.length === 1 ? found(aliased[0]!.station) : choose(aliased);
  const starts = nameCandidates(words, readings, index);
  if (starts.length === 1 && trusted(starts[0]!, words, MIN_LETTERS_TRUSTED)) return found(starts[0]!.station);
  if (starts.length > 0) return choose(starts);

  words.forEach((word, i) => addMisspellings(word, readings[i]!, index));
  const guesses = cheapestPerStation([...nameCandidates(words, readings, index), ...aliasCandidates(readings, index)]);
  if (guesses.length === 0) return NONE;
  const cheapest = Math.min(...guesses.map((guess) => guess.cost));
  const close = guesses.filter((guess) => guess.cost < cheapest + CLEARLY_BETTER_BY);
  if (close.length === 1 && trusted(close[0]!, words, MIN_LETTERS_TRUSTED_MISSPELT)) return found(close[0]!.station);
  return choose(guesses);
}

function codeTyped(typed: string, index: StationIndex): IndexedStation | undefined {
  return /^[a-z]{3}$/.test(typed) ? index.byCrs.get(typed.toUpperCase()) : undefined;
}

function trusted(only: Candidate, words: string[], minLetters: number): boolean {
  if (words.join('').length < minLetters) return false;
  if (words.length > 1 || only.cost === 0) return true;
  return only.placement === 0 && only.share >= MIN_SHARE_OF_A_WORD;
}

function choose(candidates: Candidate[]): StationMatch {
  const score = (c: Candidate) => c.station.busyness - COST_WEIGHT * c.cost - PLACEMENT_WEIGHT * c.placement;
  const ranked = candidates
    .map((candidate) => ({ candidate, score: score(candidate) }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.candidate.station.name.length - b.candidate.station.name.length ||
        a.candidate.station.name.localeCompare(b.candidate.station.name),
    );
  return { kind: 'choose', choices: ranked.slice(0, MAX_CHOICES).map(({ candidate }) => station(candidate.station)) };
}

/** One candidate per station (a station can fit both by its name and by an alias): the best fit. */
function cheapestPerStation(candidates: Candidate[]): Candidate[] {
  const best = new Map<IndexedStation, Candidate>();
  for (const candidate of candidates) {
    const known = best.get(candidate.station);
    const better =
      known === undefined ||
      candidate.cost < known.cost ||
      (candidate.cost === known.cost && candidate.placement < known.placement);
    if (better) best.set(candidate.station, candidate);
  }
  return [...best.values()];
}
