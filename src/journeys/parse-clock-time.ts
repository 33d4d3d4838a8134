// A time of day as passengers type it ("14:30", "1430", "2.30pm", "noon"), and the two times of
// a journey turned into London instants for the claim.
import { normalise } from '../conversation/keywords';
import { addDays, londonDateTime } from './london-time';

export type ClockTime = { hour: number; minute: number };

const NAMED: ReadonlyMap<string, ClockTime> = new Map([
  ['noon', { hour: 12, minute: 0 }],
  ['12 noon', { hour: 12, minute: 0 }],
  ['midday', { hour: 12, minute: 0 }],
  ['midnight', { hour: 0, minute: 0 }],
  ['12 midnight', { hour: 0, minute: 0 }],
]);

// 14:30, 14.30, 2:30pm, 2.30 p.m., 8:05am
const WITH_SEPARATOR = /^(\d{1,2})[:.](\d{2})(?: ?([ap])\.?m)?$/;
// 1430, 0805, 805
const DIGITS_ONLY = /^(\d{1,2})(\d{2})$/;
// 2pm, 2 PM, 11 a.m.
const HOUR_ONLY = /^(\d{1,2}) ?([ap])\.?m$/;

function clockTime(hourText: string, minuteText: string, meridiem: string | undefined): ClockTime | null {
  const hour = Number(hourText);
  const minute = Number(minuteText);
  if (minute > 59) return null;
  if (meridiem === undefined) return hour <= 23 ? { hour, minute } : null;
  // With am/pm the hour is 1 to 12: "13pm" and "0am" are typing slips, not times.
  if (hour < 1 || hour > 12) return null;
  return { hour: (hour % 12) + (meridiem === 'p' ? 12 : 0), minute };
}

/**
 * The time of day typed, or null. 24:00 is refused: as a departure it would be the next day's
 * 00:00 under another date, so the passenger is asked to type 00:00 (or "midnight") instead.
 */
export function parseClockTime(text: string): ClockTime | null {
  const typed = normalise(text).replace(/^at /, '');
  const named = NAMED.get(typed);
  if (named) return { ...named };
  const separated = WITH_SEPARATOR.exec(typed);
  if (separated) return clockTime(separated[1] ?? '', separated[2] ?? '', separated[3]);
  const digits = DIGITS_ONLY.exec(typed);
  if (digits) return clockTime(digits[1] ?? '', digits[2] ?? '', undefined);
  const hourOnly = HOUR_ONLY.exec(typed);
  if (hourOnly) return clockTime(hourOnly[1] ?? '', '0', hourOnly[2]);
  return null;
}

export type JourneyTimes = { departureDatetime: string; arrivalDatetime: string };

/**
 * Departure and arrival on the travel date as ISO 8601 with London offsets. An arrival earlier
 * than the departure is the next morning (the 23:40 that gets in at 00:15); an equal one is the
 * same minute, since no train in Great Britain runs for a whole day.
 */
export function journeyTimes(date: string, departure: ClockTime, arrival: ClockTime): JourneyTimes {
  const minutes = ({ hour, minute }: ClockTime): number => hour * 60 + minute;
  const arrivalDate = minutes(arrival) < minutes(departure) ? addDays(date, 1) : date;
  return {
    departureDatetime: londonDateTime(date, departure.hour, departure.minute),
    arrivalDatetime: londonDateTime(arrivalDate, arrival.hour, arrival.minute),
  };
}
