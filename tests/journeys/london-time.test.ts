import { addDays, londonDate, londonDateTime, londonWeekday, weekdayOf } from '../../src/journeys/london-time';

describe('London wall-clock time', () => {
  it.each([
    ['after 23:00 UTC in summer it is already the next day in London', '2026-07-14T23:30:00Z', '2026-07-15'],
    ['before 23:00 UTC in summer it is still the same day in London', '2026-07-14T22:59:00Z', '2026-07-14'],
    ['in winter London keeps the UTC date up to midnight', '2026-12-01T23:30:00Z', '2026-12-01'],
    ['the night the clocks go forward keeps its date', '2026-03-29T00:59:00Z', '2026-03-29'],
    ['the night the clocks go back starts at 23:00 UTC', '2026-10-24T23:30:00Z', '2026-10-25'],
  ])('%s (%s is %s)', (_title, instant, expected) => {
    expect(londonDate(new Date(instant))).toBe(expected);
  });

  it('the weekday is the one in London, not in UTC', () => {
    // 23:30 UTC on Tuesday 14 July 2026 is 00:30 on Wednesday in London.
    expect(londonWeekday(new Date('2026-07-14T23:30:00Z'))).toBe(3);
    expect(londonWeekday(new Date('2026-07-14T22:30:00Z'))).toBe(2);
  });

  it.each([
    ['2026-11-15', 0],
    ['2026-11-16', 1],
    ['2026-11-21', 6],
  ])('%s falls on weekday %i (0 is Sunday)', (date, weekday) => {
    expect(weekdayOf(date)).toBe(weekday);
  });

  it.each([
    ['a summer date is on British Summer Time', '2026-07-15', 8, 5, '2026-07-15T08:05:00+01:00'],
    ['a winter date is on Greenwich Mean Time', '2026-12-01', 8, 5, '2026-12-01T08:05:00+00:00'],
    ['a time skipped by the spring change moves on by the hour', '2026-03-29', 1, 30, '2026-03-29T02:30:00+01:00'],
    ['the first skipped minute becomes 02:00 summer time', '2026-03-29', 1, 0, '2026-03-29T02:00:00+01:00'],
    ['the minute before the spring change is still winter time', '2026-03-29', 0, 59, '2026-03-29T00:59:00+00:00'],
    ['the first minute after the spring change is summer time', '2026-03-29', 2, 0, '2026-03-29T02:00:00+01:00'],
    ['a time repeated by the autumn change is the earlier one', '2026-10-25', 1, 30, '2026-10-25T01:30:00+01:00'],
    ['the minute before the repeated hour is summer time', '2026-10-25', 0, 59, '2026-10-25T00:59:00+01:00'],
    ['the first minute after the repeated hour is winter time', '2026-10-25', 2, 0, '2026-10-25T02:00:00+00:00'],
    ['midnight on new year is winter time', '2026-01-01', 0, 0, '2026-01-01T00:00:00+00:00'],
  ])('%s (%s %i:%i is %s)', (_title, date, hh, mm, expected) => {
    expect(londonDateTime(date, hh, mm)).toBe(expected);
  });

  it.each([
    ['a day past the end of the month', '2026-02-30', 8, 0],
    ['a thirteenth month', '2026-13-01', 8, 0],
    ['a date not written as YYYY-MM-DD', '15/11/2026', 8, 0],
    ['hour 24', '2026-07-15', 24, 0],
    ['minute 60', '2026-07-15', 8, 60],
    ['a fractional hour', '2026-07-15', 8.5, 0],
  ])('a wall time with %s is refused', (_title, date, hh, mm) => {
    expect(() => londonDateTime(date, hh, mm)).toThrow(RangeError);
  });

  it.each([
    ['the day before 1 March is 28 February', '2026-03-01', -1, '2026-02-28'],
    ['the day before 1 March in a leap year is 29 February', '2028-03-01', -1, '2028-02-29'],
    ['the day before new year is in the year before', '2027-01-01', -1, '2026-12-31'],
    ['the day after new year eve is in the next year', '2026-12-31', 1, '2027-01-01'],
    ['a day across the spring clock change is one calendar day', '2026-03-28', 1, '2026-03-29'],
    ['a day across the autumn clock change is one calendar day', '2026-10-25', 1, '2026-10-26'],
    ['28 days back crosses a month end', '2026-11-20', -28, '2026-10-23'],
    ['zero days is the same date', '2026-11-20', 0, '2026-11-20'],
  ])('%s (%s plus %i days is %s)', (_title, date, n, expected) => {
    expect(addDays(date, n)).toBe(expected);
  });
});
