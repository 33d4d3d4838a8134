// An instant as ISO 8601 in Great Britain's local time with the offset in force then
// (+00:00 in winter, +01:00 in summer), the form journey times take in events and the API.
// The offset comes from the time-zone database through Intl, as in london-time.ts.

const MINUTE_MS = 60_000;

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  // h23, not hour12: false, which renders midnight as "24" in some ICU versions.
  hourCycle: 'h23',
});

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * toLondonIso(new Date('2026-07-14T07:05:00Z')) is '2026-07-14T08:05:00+01:00'. Milliseconds are
 * written only when there are any, so a whole-minute journey time reads as passengers typed it.
 * Parsing the result gives back the same instant.
 */
export function toLondonIso(instant: Date): string {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('not a valid instant');
  const parts = londonParts.formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const [year, month, day, hour, minute, second] = [
    part('year'),
    part('month'),
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  ];
  const millis = ((ms % 1000) + 1000) % 1000;
  const offset = Math.round((Date.UTC(year, month - 1, day, hour, minute, second) - (ms - millis)) / MINUTE_MS);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const fraction = millis === 0 ? '' : `.${pad(millis, 3)}`;
  return (
    `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
