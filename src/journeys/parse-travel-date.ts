// The date of a journey as a passenger types it in a chat: "yesterday", "mon", "15th Nov",
// "15/11/26", or a short sentence around one of those. Dates are day-first (GB), and "today"
// is always London's today, whatever the server's time zone.
import { normalise } from '../conversation/keywords';
import { addDays, daysInMonth, londonDate, weekdayOf } from './london-time';

export type TravelDateOptions = { now: Date; claimWindowDays: number };

export type TravelDate = { ok: true; date: string } | { ok: false; reason: 'future' | 'too-old' | 'not-a-date' };

type Mention =
  | { kind: 'days-ago'; days: number }
  | { kind: 'weekday'; weekday: number; which: 'latest' | 'before-today' | 'after-today' }
  | { kind: 'calendar'; day: number; month: number; year: number | undefined };

type Found = { mention: Mention; start: number; end: number };

const MONTHS: ReadonlyMap<string, number> = new Map(
  [
    ['jan', 'january'],
    ['feb', 'february'],
    ['mar', 'march'],
    ['apr', 'april'],
    ['may'],
    ['jun', 'june'],
    ['jul', 'july'],
    ['aug', 'august'],
    ['sep', 'sept', 'september'],
    ['oct', 'october'],
    ['nov', 'november'],
    ['dec', 'december'],
  ].flatMap((names, index) => names.map((name): [string, number] => [name, index + 1])),
);

const WEEKDAYS: ReadonlyMap<string, number> = new Map(
  [
    ['sunday', 'sun'],
    ['monday', 'mon'],
    ['tuesday', 'tue', 'tues'],
    ['wednesday', 'wed', 'weds'],
    ['thursday', 'thu', 'thur', 'thurs'],
    ['friday', 'fri'],
    ['saturday', 'sat'],
  ].flatMap((names, index) => names.map((name): [string, number] => [name, index])),
);

/** Short weekday names that are also ordinary words ("I sat on the train"). */
const WEEKDAY_WORDS = new Set(['sun', 'wed', 'sat']);

const byLength = (names: Iterable<string>): string => [...names].sort((a, b) => b.length - a.length).join('|');
const MONTH = `(${byLength(MONTHS.keys())})\\.?`;
const WEEKDAY = `(${byLength(WEEKDAYS.keys())})`;
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
// A number glued to "/", "." or "-" belongs to something else (a time, a price, a longer date).
const NOT_AFTER = '(?<![\\d/.:-])';
const NOT_BEFORE = '(?![\\d/:]|[.-]\\d)';

const RELATIVE_DAYS: ReadonlyArray<[RegExp, number]> = [
  [/\b(?:the )?day before yesterday\b/g, 2],
  [/\byesterday\b/g, 1],
  [/\blast night\b/g, 1],
  [/\btoday\b/g, 0],
  [/\btonight\b/g, 0],
  [/\bthis (?:morning|afternoon|evening)\b/g, 0],
  [/\btomorrow\b/g, -1],
];

const twoOrFourDigitYear = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : text.length === 2 ? 2000 + Number(text) : Number(text);

const CALENDAR_FORMS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => Mention]> = [
  // 2026-11-15
  [
    new RegExp(`${NOT_AFTER}(\\d{4})-(\\d{1,2})-(\\d{1,2})${NOT_BEFORE}`, 'g'),
    (m) => calendar(m[3], Number(m[2]), m[1]),
  ],
  // 15/11, 15/11/26, 15/11/2026, 15-11-2026, 15.11.26: the year is required with "-" and ".",
  // which without one read as a score or a time ("14.30").
  [
    new RegExp(`${NOT_AFTER}(\\d{1,2})/(\\d{1,2})(?:/(\\d{4}|\\d{2}))?${NOT_BEFORE}`, 'g'),
    (m) => calendar(m[1], Number(m[2]), m[3]),
  ],
  [
    new RegExp(`${NOT_AFTER}(\\d{1,2})([.-])(\\d{1,2})\\2(\\d{4}|\\d{2})${NOT_BEFORE}`, 'g'),
    (m) => calendar(m[1], Number(m[3]), m[4]),
  ],
  // 15 Nov, 15th of November 2026, 15 nov 26
  [
    new RegExp(`${NOT_AFTER}\\b${DAY}(?: of)? ${MONTH}(?:,? (\\d{4}|\\d{2}))?\\b${NOT_BEFORE}`, 'g'),
    (m) => calendar(m[1], MONTHS.get(m[2] ?? ''), m[3]),
  ],
  // Nov 15, November 15th, 2026: only a four-digit year, "Nov 15 26" is too easily a slip
  [
    new RegExp(`\\b${MONTH} (?:the )?${DAY}(?:,? (\\d{4}))?\\b${NOT_BEFORE}`, 'g'),
    (m) => calendar(m[2], MONTHS.get(m[1] ?? ''), m[3]),
  ],
];

function calendar(day: string | undefined, month: number | undefined, year: string | undefined): Mention {
  return { kind: 'calendar', day: Number(day), month: month ?? 0, year: twoOrFourDigitYear(year) };
}

const WEEKDAY_FORM = new RegExp(`\\b(?:(last|this|next|on) )?${WEEKDAY}\\b`, 'g');

function findMentions(text: string): Found[] {
  const found: Found[] = [];
  const add = (regex: RegExp, toMention: (m: RegExpExecArray) => Mention | undefined): void => {
    for (const m of text.matchAll(regex)) {
      const mention = toMention(m);
      if (mention) found.push({ mention, start: m.index, end: m.index + m[0].length });
    }
  };
  for (const [regex, days] of RELATIVE_DAYS) add(regex, () => ({ kind: 'days-ago', days }));
  for (const [regex, toMention] of CALENDAR_FORMS) add(regex, toMention);
  add(WEEKDAY_FORM, (m) => {
    const [whole, qualifier, name = ''] = m;
    if (WEEKDAY_WORDS.has(name) && qualifier === undefined && whole !== text) return undefined;
    const which = qualifier === 'last' ? 'before-today' : qualifier === 'next' ? 'after-today' : 'latest';
    return { kind: 'weekday', weekday: WEEKDAYS.get(name) ?? 0, which };
  });
  // Longest first, then drop what lies inside a longer mention ("yesterday" in "the day before
  // yesterday", "monday" in "last monday").
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  return found.filter((f, i) => !found.slice(0, i).some((g) => f.start < g.end && g.start < f.end));
}

const pad = (n: number): string => String(n).padStart(2, '0');

function resolve(mention: Mention, today: string): string | undefined {
  switch (mention.kind) {
    case 'days-ago':
      return addDays(today, -mention.days);
    case 'weekday': {
      const back = (weekdayOf(today) - mention.weekday + 7) % 7;
      if (mention.which === 'after-today') return addDays(today, 7 - back);
      return addDays(today, mention.which === 'before-today' && back === 0 ? -7 : -back);
    }
    case 'calendar': {
      const { day, month, year } = mention;
      if (month < 1 || month > 12 || day < 1 || day > daysInMonth(2000, month)) return undefined;
      const dateIn = (y: number): string | undefined =>
        day <= daysInMonth(y, month) ? `${String(y).padStart(4, '0')}-${pad(month)}-${pad(day)}` : undefined;
      if (year !== undefined) return dateIn(year);
      // No year: the latest such date that is not in the future (29 February may be years back).
      const thisYear = Number(today.slice(0, 4));
      for (let y = thisYear; y > thisYear - 8; y--) {
        const date = dateIn(y);
        if (date !== undefined && date <= today) return date;
      }
      return undefined;
    }
  }
}

function judge(date: string | undefined, today: string, claimWindowDays: number): TravelDate {
  if (date === undefined) return { ok: false, reason: 'not-a-date' };
  if (date > today) return { ok: false, reason: 'future' };
  if (date < addDays(today, -claimWindowDays)) return { ok: false, reason: 'too-old' };
  return { ok: true, date };
}

/**
 * The travel date in what a passenger typed. A date exactly claimWindowDays before London's
 * today is still claimable. Several dates that disagree ("monday 15 nov" when the 15th was a
 * Sunday) are not-a-date: better to ask again than to claim for the wrong day.
 */
export function parseTravelDate(text: string, { now, claimWindowDays }: TravelDateOptions): TravelDate {
  const today = londonDate(now);
  const cleaned = normalise(text)
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[!?,;"()]+/g, ' ')
    .replace(/ +/g, ' ')
    .trim();
  const verdicts = findMentions(cleaned).map(({ mention }) => judge(resolve(mention, today), today, claimWindowDays));
  const [first] = verdicts;
  if (first === undefined) return { ok: false, reason: 'not-a-date' };
  const same = (a: TravelDate, b: TravelDate): boolean =>
    a.ok ? b.ok && a.date === b.date : !b.ok && a.reason === b.reason;
  return verdicts.every((v) => same(v, first)) ? first : { ok: false, reason: 'not-a-date' };
}
