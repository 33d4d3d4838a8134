// Quiet hours (the quiet_hours preference, on unless the passenger turns it off): nothing
// proactive between 21:00 and 08:00 London time; what falls in them goes out at 08:00. London's
// own clocks decide, so the hours hold across the changes to and from summer time.
import { addDays, londonDate, londonDateTime, londonHour } from '../journeys/london-time';

const QUIET_FROM_HOUR = 21;
const QUIET_UNTIL_HOUR = 8;

/** When a proactive message decided at `now` may be sent: now, or 08:00 London time next. */
export function sendableFrom(now: Date, quietHours: boolean): Date {
  if (!quietHours) return now;
  const hour = londonHour(now);
  if (hour >= QUIET_UNTIL_HOUR && hour < QUIET_FROM_HOUR) return now;
  const today = londonDate(now);
  const morning = hour < QUIET_UNTIL_HOUR ? today : addDays(today, 1);
  return new Date(londonDateTime(morning, QUIET_UNTIL_HOUR, 0));
}
