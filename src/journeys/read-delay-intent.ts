// Whether a free message means "my train was delayed, I want to claim", and what it already
// says about the journey, so the flow can skip the questions it has answers to. The station
// phrases are returned as typed; looking them up (and asking when unsure) is for the caller.
import { normalise } from '../conversation/keywords';
import { parseTravelDate, type TravelDateOptions } from './parse-travel-date';

export type DelayIntent = { intent: false } | { intent: true; date?: string; from?: string; to?: string };

const DELAY_WORDS = [
  /\bdelay(?:s|ed|ing)?\b/g,
  /\blate\b/g,
  /\bcancel+(?:ed|ation|ations)\b/g,
  /\bclaim(?:s|ed|ing)?\b/g,
  /\bcompensat(?:e|ed|ion)\b/g,
  /\brefund(?:s|ed)?\b/g,
  /\brepay\b/g,
  /\bdid(?: not|n'?t) (?:run|come|arrive|turn up|show up|show)\b/g,
  /\bnever (?:came|arrived|turned up|showed up|showed)\b/g,
  /\bmissed (?:my|the|a) connection\b/g,
];

// "wasn't late", "not delayed", "no delays": the words are there, the complaint is not.
const DENIED = /\b(?:not|never|no|(?:was|is|were|are)n'?t) (?:(?:very|that|too|even) )?$/;

// Asking after a claim already made is not a new report: "where is my refund", "claim status".
const ABOUT_EXISTING_CLAIM =
  /\b(?:status|progress|update|updates|where(?:'s| is) my|how(?:'s| is) my|has my|have you|when will|when do i get)\b/;

function mentionsDelay(text: string): boolean {
  return DELAY_WORDS.some((word) => [...text.matchAll(word)].some((m) => !DENIED.test(text.slice(0, m.index))));
}

// Words that end a station phrase: the verbs, times and dates that follow a station in a
// sentence. "on", "in" and "and" end one too, unless a station name goes on (JOINED_PLACES).
const STOP_WORDS = new Set([
  'was',
  'wasnt',
  'is',
  'isnt',
  'were',
  'werent',
  'got',
  'gets',
  'get',
  'at',
  'yesterday',
  'today',
  'tonight',
  'tomorrow',
  'this',
  'last',
  'next',
  'via',
  'but',
  'which',
  'that',
  'when',
  'because',
  'has',
  'had',
  'have',
  'it',
  'arrived',
  'arriving',
  'left',
  'leaving',
  'departed',
  'departing',
  'came',
  'ran',
  'didnt',
  'never',
  'delayed',
  'cancelled',
  'canceled',
  'late',
  'around',
  'about',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
]);

// Station names keep these words after "on" / "in" / "and" (Stoke on Trent, Southend on Sea,
// Walton on the Naze, Kirkby in Ashfield, Elephant and Castle): there they are no stop.
const JOINED_PLACES: ReadonlyMap<string, RegExp> = new Map([
  ['on', /^(?:sea|trent|avon|thames|humber|dearne|crouch|ayr|the (?:sea|naze|hill))\b/i],
  ['in', /^(?:furness|wharfedale|arden|marsh|elmet|ribblesdale|ashfield)\b/i],
  ['and', /^(?:castle|islington|wealdstone|harlington|eton|ball|morden|latimer|totley|frognal|barnsbury)\b/i],
]);

const MONTH_WORD = /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$/;
const TIME_OR_DATE =
  /^(?:\d{1,2}[:.]\d{2}|\d{1,2}[ap]\.?m\.?|\d{1,2}(?:st|nd|rd|th)|\d{1,2}\/\d{1,2}(?:\/\d+)?|\d{4}-\d\d-\d\d|\d+(?:min|mins|h|hr|hrs))$/;
// A number before these is a time or a length of delay ("40 minutes", "8 am"), not "Terminal 5".
const UNIT_AFTER_NUMBER = /^(?:m|min|mins|minute|minutes|h|hr|hrs|hour|hours|am|pm|a\.m\.?|p\.m\.?)$/;

/** The word a station phrase stops at, in lower case, or undefined when words[i] belongs to it. */
function stopAt(words: string[], i: number, end: 'to' | 'from'): string | undefined {
  const typed = (words[i] ?? '').toLowerCase();
  // A dash between words ("Leeds - York") separates them.
  if (/^[-\u2013\u2014]+$/.test(typed)) return typed;
  const word = typed.replace(/['\u2019]/g, '').replace(/[^\p{L}\p{N}&]+$/u, '');
  const next = (words[i + 1] ?? '').toLowerCase();
  const joined = JOINED_PLACES.get(word);
  const stops =
    word === end ||
    (joined ? !joined.test(words.slice(i + 1).join(' ')) : STOP_WORDS.has(word)) ||
    TIME_OR_DATE.test(word) ||
    (/^\d+$/.test(word) && (UNIT_AFTER_NUMBER.test(next) || MONTH_WORD.test(next))) ||
    (MONTH_WORD.test(word) && /^\d/.test(next));
  return stops ? word : undefined;
}

/** A phrase runs to a stop word or punctuation ("St." excepted); longer than this it is no station. */
const MAX_STATION_WORDS = 6;

/** The station phrase from words[start], the word it stopped at and where that word is. */
type StationPhrase = { phrase?: string; stop?: string; stopIndex: number };

function stationPhrase(words: string[], start: number, end: 'to' | 'from'): StationPhrase {
  const taken: string[] = [];
  let i = start;
  let stop: string | undefined;
  for (; i < words.length; i++) {
    stop = stopAt(words, i, end);
    if (stop !== undefined) break;
    const word = words[i] ?? '';
    const punctuated = /^(.*?)(?:[,;:!?)"\u201d]|(?<!^st)\.)+$/i.exec(word);
    if (punctuated) {
      taken.push(punctuated[1] ?? '');
      break;
    }
    taken.push(word);
  }
  const phrase = taken.filter((w) => w !== '').join(' ');
  const tooLong = taken.length > MAX_STATION_WORDS;
  return { ...(phrase !== '' && !tooLong ? { phrase } : {}), ...(stop !== undefined ? { stop } : {}), stopIndex: i };
}

// "to" before these is a verb ("going to claim", "want to report"), not a destination.
const NOT_A_DESTINATION =
  /^(?:claim|report|make|get|be|do|ask|say|know|complain|apply|start|work|school|me|my|you|us|it|the office)\b/i;
// A destination follows these: "train to York", "the 8:05 to Leeds", "going to Bath".
const TRAVEL_BEFORE_TO =
  /^(?:train|trains|service|journey|trip|travelling|traveling|travelled|traveled|going|went|headed|heading|return|ticket|\d{1,2}[:.]\d{2}|\d{1,2}[ap]m)$/i;

const destination = (phrase: string | undefined): string | undefined =>
  phrase !== undefined && !NOT_A_DESTINATION.test(phrase) ? phrase : undefined;

function stationsIn(text: string): { from?: string; to?: string } {
  const words = text.split(' ').filter((w) => w !== '');
  const lower = words.map((w) => w.toLowerCase());
  const froms = lower.flatMap((w, i) => (w === 'from' ? [stationPhrase(words, i + 1, 'to')] : []));
  // "from Leeds to York" is the journey; a lone "from" elsewhere ("writing from work") is a guess.
  const from = froms.find((f) => f.phrase && f.stop === 'to') ?? froms.find((f) => f.phrase);

  let to = from?.stop === 'to' ? destination(stationPhrase(words, from.stopIndex + 1, 'from').phrase) : undefined;
  for (let i = 1; to === undefined && i < lower.length; i++) {
    if (lower[i] === 'to' && TRAVEL_BEFORE_TO.test(lower[i - 1] ?? '')) {
      to = destination(stationPhrase(words, i + 1, 'from').phrase);
    }
  }
  return { ...(from?.phrase ? { from: from.phrase } : {}), ...(to ? { to } : {}) };
}

/** Whether the message reports a delayed or cancelled journey, with what it says of date and stations. */
export function readDelayIntent(text: string, options: TravelDateOptions): DelayIntent {
  const said = normalise(text).replace(/\u2019/g, "'");
  if (!mentionsDelay(said) || ABOUT_EXISTING_CLAIM.test(said)) return { intent: false };
  const travelDate = parseTravelDate(text, options);
  // Case kept: the phrases are shown back to the passenger and looked up case-blind anyway.
  const asTyped = text
    .normalize('NFKC')
    .replace(/[\s\u00a0\u200b\u202f\ufeff]+/gu, ' ')
    .trim();
  return { intent: true, ...(travelDate.ok ? { date: travelDate.date } : {}), ...stationsIn(asTyped) };
}
