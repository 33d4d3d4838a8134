// Wall-clock time in Great Britain. Passengers type London dates and times, and the offset
// (GMT or BST) comes from the time-zone database through Intl, never from a table of our own,
// so a change to the clock rules needs a Node update and nothing else.

const LONDON = 'Europe/London';
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  // h23, not hour12: false, which renders midnight as "24" in some ICU versions.
  hourCycle: 'h23',
});

type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function wallClockAt(instantMs: number): WallClock {
  const parts = londonParts.formatToParts(instantMs);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  };
}

/** Minutes London is ahead of UTC at that instant: 0 in winter, 60 in summer. */
function offsetMinutesAt(instantMs: number): number {
  const wall = wallClockAt(instantMs);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((wallAsUtc - Math.floor(instantMs / 1000) * 1000) / MINUTE_MS);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

const isoDate = (year: number, month: number, day: number): string => `${pad(year, 4)}-${pad(month)}-${pad(day)}`;

/** Days in a month of the Gregorian calendar (month 1 to 12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Year, month and day of a YYYY-MM-DD string; throws on anything that is not a real date. */
function dateParts(date: string): { year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  if (!match || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  }
  return { year, month, day };
}

/** The calendar date in London at that instant, as YYYY-MM-DD. */
export function londonDate(now: Date): string {
  const wall = wallClockAt(now.getTime());
  return isoDate(wall.year, wall.month, wall.day);
}

/** The hour (0 to 23) on London's clocks at that instant. */
export function londonHour(now: Date): number {
  return wallClockAt(now.getTime()).hour;
}

/** Day of the week of a YYYY-MM-DD date, 0 for Sunday to 6 for Saturday (as Date#getDay). */
export function weekdayOf(date: string): number {
  const { year, month, day } = dateParts(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Day of the week in London at that instant, 0 for Sunday to 6 for Saturday. */
export function londonWeekday(now: Date): number {
  return weekdayOf(londonDate(now));
}

/** The YYYY-MM-DD date n days after (or, for a negative n, before) the given one. */
export function addDays(date: string, n: number): string {
  const { year, month, day } = dateParts(date);
  const shifted = new Date(Date.UTC(year, month - 1, day) + n * DAY_MS);
  return isoDate(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

/**
 * ISO 8601 for a London wall-clock time, with the offset in force then:
 * londonDateTime('2026-07-15', 8, 5) is '2026-07-15T08:05:00+01:00'.
 *
 * Clock changes are resolved as Temporal's "compatible" disambiguation: a time repeated in
 * October is the first (BST) one; a time skipped in March moves forward by the gap (01:30 is
 * 02:30+01:00), since a passenger who typed it most likely read it off a clock not yet changed.
 */
export function londonDateTime(date: string, hh: number, mm: number): string {
  const { year, month, day } = dateParts(date);
  if (!Number.isInteger(hh) || hh < 0 || hh > 23 || !Number.isInteger(mm) || mm < 0 || mm > 59) {
    throw new RangeError(`not a time of day: ${hh}:${mm}`);
  }
  const wallAsUtc = Date.UTC(year, month - 1, day, hh, mm);
  // London changes its clocks at most once in any two days, so the offsets a day either side
  // are the only ones this wall time can have.
  const offsetBefore = offsetMinutesAt(wallAsUtc - DAY_MS);
  const offsetAfter = offsetMinutesAt(wallAsUtc + DAY_MS);
  const instants = [offsetBefore, offsetAfter]
    .map((offset) => ({ offset, instant: wallAsUtc - offset * MINUTE_MS }))
    .filter(({ offset, instant }) => offsetMinutesAt(instant) === offset)
    .map(({ instant }) => instant);
  const instant = instants.length > 0 ? Math.min(...instants) : wallAsUtc - offsetBefore * MINUTE_MS;
  return withLondonOffset(instant);
}

/**
 * An instant as ISO 8601 in London's time with the offset in force then, the form journey times
 * take in events and the API: toLondonIso(new Date('2026-07-14T07:05:00Z')) is
 * '2026-07-14T08:05:00+01:00'. Milliseconds are written only when there are any; parsing the
 * result gives back the same instant.
 */
export function toLondonIso(instant: Date): string {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('not a valid instant');
  return withLondonOffset(ms);
}

function withLondonOffset(instantMs: number): string {
  const wall = wallClockAt(instantMs);
  const offset = offsetMinutesAt(instantMs);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const millis = ((instantMs % 1000) + 1000) % 1000;
  const fraction = millis === 0 ? '' : `.${pad(millis, 3)}`;
  return (
    `${isoDate(wall.year, wall.month, wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}${fraction}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
