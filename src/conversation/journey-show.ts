// How a journey's parts are shown to the passenger: dates in words, stations by name with their
// CRS code, times as on a timetable. Only formatting; the sentences are in texts.ts.
import { weekdayOf } from '../journeys/london-time';
import { stationByCrs } from '../stations/find-station';
import type { texts } from './texts';
import type { ClockTime, JourneyDraft } from './journey-types';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function dateWords(date: string, short: boolean): string {
  if (!isIsoDate(date)) return String(date).slice(0, 20);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const weekday = WEEKDAYS[weekdayOf(date)] ?? '';
  const monthName = MONTHS[month - 1] ?? '';
  return short
    ? `${weekday.slice(0, 3)} ${day} ${monthName.slice(0, 3)} ${year}`
    : `${weekday} ${day} ${monthName} ${year}`;
}

/** "Tuesday 14 July 2026". */
export const longDate = (date: string): string => dateWords(date, false);

/** "Tue 14 Jul 2026". */
export const shortDate = (date: string): string => dateWords(date, true);

/** The station's name, or the code itself when the dataset does not know it. */
export function stationName(crs: string): string {
  return stationByCrs(String(crs))?.name ?? String(crs).slice(0, 8);
}

/** "Leeds (LDS)". */
export function stationLabel(crs: string): string {
  const station = stationByCrs(String(crs));
  return station ? `${station.name} (${station.crs})` : String(crs).slice(0, 8);
}

/** "08:05". */
export function clockLabel(time: ClockTime): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

const minutes = (time: ClockTime): number => time.hour * 60 + time.minute;

/** The summary's lines, each field as the passenger will recognise it. */
export function summaryFields(draft: Required<JourneyDraft>): Parameters<typeof texts.summary>[0] {
  const files = draft.ticketFileIds.length;
  return {
    date: longDate(draft.date),
    route: `${stationLabel(draft.originCrs)} to ${stationLabel(draft.destinationCrs)}`,
    departure: clockLabel(draft.departure),
    arrival: `${clockLabel(draft.arrival)}${minutes(draft.arrival) < minutes(draft.departure) ? ' (next day)' : ''}`,
    journeyType: draft.journeyType,
    ticket: files === 0 ? 'none' : files === 1 ? '1 photo' : `${files} photos`,
  };
}
