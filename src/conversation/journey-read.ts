// Reading the answers of a delay report (flow 6) that the shared parsers in src/journeys do not
// cover: the two ends of a route, a number from a list, the ticket type, SKIP, and which field
// to EDIT. Each reader returns undefined for anything it does not recognise, so the step is asked
// again with a reason rather than guessed.
import { readYesNo } from '../journeys/yes-no';
import { findStation } from '../stations/find-station';
import type { JourneyField } from './journey-types';
import { normalise } from './keywords';

// Longer than this is a sentence, not a route: it is looked up as one (unknown) station.
const MAX_ROUTE_CHARACTERS = 200;

/** NFKC, Unicode spaces as one space, trimmed; case kept (station lookups ignore it anyway). */
function tidy(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+/gu, ' ')
    .trim()
    .slice(0, MAX_ROUTE_CHARACTERS);
}

/**
 * The ends of a route as typed: "Leeds to York", "from Leeds to York", "Leeds -> York" and
 * "Leeds - York" give both; anything else is the origin alone. A dash between spaces splits only
 * when the whole text is not itself a station ("Langwith - Whaley Thorns" is one).
 */
export function readRoute(text: string): { from: string; to?: string } {
  const typed = tidy(text).replace(/^from\s+/i, '');
  const split = /^(.+?)\s+to\s+(.+)$/i.exec(typed) ?? /^(.+?)\s*(?:->|=>|→|⟶|➡️?|>)\s*(.+)$/u.exec(typed);
  if (split) return { from: split[1] ?? '', to: split[2] ?? '' };
  const dashed = /^(.+?)\s+[-\u2013\u2014]+\s+(.+)$/.exec(typed);
  if (dashed && findStation(typed).kind !== 'found') return { from: dashed[1] ?? '', to: dashed[2] ?? '' };
  return { from: typed };
}

/** A destination typed alone, with the "to" people put before it dropped ("to York"). */
export function readDestination(text: string): string {
  return tidy(text).replace(/^to\s+/i, '');
}

/** A number picked from a list: "2", "*2*", "2.", "no. 2", "option 2", the keycap 2️⃣. */
export function readChoiceNumber(text: string): number | undefined {
  const typed = normalise(text)
    .replace(/\ufe0f|\u20e3|[*#]/g, '')
    .replace(/^(?:number|no\.?|option|choice)\s*/, '')
    .trim();
  return /^[0-9]+$/.test(typed) ? Number(typed) : undefined;
}

// "off-peak return", "an anytime single", "one way": the type is the last word that matters.
const TICKET_TYPE =
  /^(?:(?:it was|its|it is|my ticket was|i had|i have)\s+)?(?:an?\s+)?(?:(?:anytime|off peak|offpeak|super off peak|advance|day|open|period|standard|first class|1st class|flexible)\s+)*(single|return|one way)(?:\s+ticket)?$/;

export function readTicketType(text: string): 'single' | 'return' | undefined {
  const typed = normalise(text)
    .replace(/['\u2019]/g, '')
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/ +/g, ' ')
    .trim();
  if (typed === '1') return 'single';
  if (typed === '2') return 'return';
  const named = TICKET_TYPE.exec(typed)?.[1];
  if (named === undefined) return undefined;
  return named === 'return' ? 'return' : 'single';
}

const SKIP = new Set([
  'skip',
  'skip it',
  'skip this',
  'skip ticket',
  'skip the ticket',
  'no ticket',
  'none',
  'na',
  'n a',
  'i dont have one',
  'i dont have it',
  'dont have one',
  'dont have it',
  'i dont have a ticket',
  'i have no ticket',
  'lost it',
  'i lost it',
]);

/** SKIP at the ticket step, or a plain "no" to the question. */
export function isSkip(text: string): boolean {
  const typed = normalise(text)
    .replace(/['\u2019]/g, '')
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/ +/g, ' ')
    .trim();
  return SKIP.has(typed) || readYesNo(text) === 'no';
}

/** YES at the summary: any whole yes, or "send" / "submit". */
export function isSubmit(text: string): boolean {
  return readYesNo(text) === 'yes' || ['send', 'send it', 'submit', 'submit it'].includes(normalise(text));
}

const FIELD_NUMBERS: ReadonlyArray<JourneyField> = ['date', 'stations', 'times', 'ticket-type', 'ticket'];

const FIELD_NAMES: ReadonlyMap<string, JourneyField> = new Map([
  ['date', 'date'],
  ['day', 'date'],
  ['the date', 'date'],
  ['station', 'stations'],
  ['stations', 'stations'],
  ['route', 'stations'],
  ['origin', 'stations'],
  ['destination', 'stations'],
  ['time', 'times'],
  ['times', 'times'],
  ['departure', 'times'],
  ['arrival', 'times'],
  ['departure time', 'times'],
  ['arrival time', 'times'],
  ['ticket type', 'ticket-type'],
  ['type', 'ticket-type'],
  ['single or return', 'ticket-type'],
  ['ticket', 'ticket'],
  ['photo', 'ticket'],
  ['ticket photo', 'ticket'],
  ['pdf', 'ticket'],
]);

/** The field of a number 1 to 5 or a name; undefined for anything else. */
export function fieldOf(text: string, names: boolean): JourneyField | undefined {
  const number = readChoiceNumber(text);
  if (number !== undefined) return FIELD_NUMBERS[number - 1];
  return names ? FIELD_NAMES.get(normalise(text).replace(/^(?:the|my) /, '')) : undefined;
}

/**
 * At the summary: "EDIT", "EDIT 2", "change the date"; a bare field number counts too (the
 * summary numbers its lines). 'which' asks which field; undefined is no edit.
 */
export function readEdit(text: string): JourneyField | 'which' | undefined {
  const typed = normalise(text).replace(/[:*#]/g, ' ').replace(/ +/g, ' ').trim();
  const asked = /^(?:edit|change|amend|correct|fix)(?: (.+))?$/.exec(typed);
  if (asked) return asked[1] === undefined ? 'which' : (fieldOf(asked[1], true) ?? 'which');
  return fieldOf(typed, false);
}
