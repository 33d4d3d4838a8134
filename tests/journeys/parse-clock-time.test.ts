import { journeyTimes, parseClockTime } from '../../src/journeys/parse-clock-time';

describe('parseClockTime', () => {
  it.each([
    ['14:30', 14, 30],
    ['1430', 14, 30],
    ['14.30', 14, 30],
    ['2:30pm', 14, 30],
    ['2.30 pm', 14, 30],
    ['2.30 p.m.', 14, 30],
    ['2pm', 14, 0],
    ['2 PM', 14, 0],
    ['8:05am', 8, 5],
    ['8:05 AM', 8, 5],
    ['0805', 8, 5],
    ['805', 8, 5],
    ['08:05', 8, 5],
    ['10:14', 10, 14],
    ['00:00', 0, 0],
    ['23:59', 23, 59],
    ['12pm', 12, 0],
    ['12am', 0, 0],
    ['12:15am', 0, 15],
    ['noon', 12, 0],
    ['Midnight', 0, 0],
    [' 14:30. ', 14, 30],
    ['at 14:30', 14, 30],
  ])('"%s" is %i:%i', (text, hour, minute) => {
    expect(parseClockTime(text)).toEqual({ hour, minute });
  });

  it.each([
    ['an hour and minute past the clock', '25:99'],
    ['24:00, which belongs to the next day', '24:00'],
    ['2400, which belongs to the next day', '2400'],
    ['an afternoon hour with pm', '13pm'],
    ['hour zero with am', '0am'],
    ['minute 60', '14:60'],
    ['a single minute digit', '14:5'],
    ['a bare hour', '14'],
    ['five digits', '12345'],
    ['words', 'half two'],
    ['a time in words', 'two thirty'],
    ['pm alone', 'pm'],
    ['nothing', ''],
  ])('%s is refused ("%s")', (_title, text) => {
    expect(parseClockTime(text)).toBeNull();
  });
});

describe('journeyTimes', () => {
  it.each([
    [
      'a summer journey is on British Summer Time',
      '2026-07-15',
      [8, 5],
      [9, 10],
      '2026-07-15T08:05:00+01:00',
      '2026-07-15T09:10:00+01:00',
    ],
    [
      'a winter journey is on Greenwich Mean Time',
      '2026-12-01',
      [8, 5],
      [9, 10],
      '2026-12-01T08:05:00+00:00',
      '2026-12-01T09:10:00+00:00',
    ],
    [
      'an arrival earlier than the departure is the next day',
      '2026-07-15',
      [23, 40],
      [0, 15],
      '2026-07-15T23:40:00+01:00',
      '2026-07-16T00:15:00+01:00',
    ],
    [
      'an arrival after midnight on new year eve is in the next year',
      '2026-12-31',
      [23, 30],
      [0, 20],
      '2026-12-31T23:30:00+00:00',
      '2027-01-01T00:20:00+00:00',
    ],
    [
      'a departure in the hour skipped in spring moves on by the hour',
      '2026-03-29',
      [1, 30],
      [3, 0],
      '2026-03-29T02:30:00+01:00',
      '2026-03-29T03:00:00+01:00',
    ],
    [
      'a journey in the hour repeated in autumn is the earlier one',
      '2026-10-25',
      [1, 30],
      [1, 50],
      '2026-10-25T01:30:00+01:00',
      '2026-10-25T01:50:00+01:00',
    ],
    [
      'a night journey across the autumn change keeps both offsets',
      '2026-10-24',
      [23, 50],
      [2, 30],
      '2026-10-24T23:50:00+01:00',
      '2026-10-25T02:30:00+00:00',
    ],
    [
      'an arrival at the departure minute is the same minute',
      '2026-07-15',
      [8, 5],
      [8, 5],
      '2026-07-15T08:05:00+01:00',
      '2026-07-15T08:05:00+01:00',
    ],
  ] as const)('%s', (_title, date, [dh, dm], [ah, am], departureDatetime, arrivalDatetime) => {
    expect(journeyTimes(date, { hour: dh, minute: dm }, { hour: ah, minute: am })).toEqual({
      departureDatetime,
      arrivalDatetime,
    });
  });
});
