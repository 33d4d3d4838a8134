import { parseTravelDate } from '../../src/journeys/parse-travel-date';

// Friday 20 November 2026, midday in London (GMT); 28 days back is Friday 23 October.
const FRIDAY_20_NOVEMBER = { now: new Date('2026-11-20T12:00:00Z'), claimWindowDays: 28 };

describe('parseTravelDate', () => {
  it.each([
    ['today', '2026-11-20'],
    [' TODAY. ', '2026-11-20'],
    ['yesterday', '2026-11-19'],
    ['Yesterday!', '2026-11-19'],
    ['it was yesterday', '2026-11-19'],
    ['the day before yesterday', '2026-11-18'],
    ['this morning', '2026-11-20'],
    ['last night', '2026-11-19'],
    ['monday', '2026-11-16'],
    ['Mon', '2026-11-16'],
    ['mon.', '2026-11-16'],
    ['tuesday', '2026-11-17'],
    ['tue', '2026-11-17'],
    ['tues', '2026-11-17'],
    ['Wednesday', '2026-11-18'],
    ['weds', '2026-11-18'],
    ['thurs', '2026-11-19'],
    ['thu', '2026-11-19'],
    ['friday', '2026-11-20'],
    ['fri', '2026-11-20'],
    ['saturday', '2026-11-14'],
    ['sat', '2026-11-14'],
    ['on sat', '2026-11-14'],
    ['sunday', '2026-11-15'],
    ['sun', '2026-11-15'],
    ['last monday', '2026-11-16'],
    ['last friday', '2026-11-13'],
    ['on Monday', '2026-11-16'],
    ['15 Nov', '2026-11-15'],
    ['15 November', '2026-11-15'],
    ['15th November', '2026-11-15'],
    ['15th of November', '2026-11-15'],
    ['15 nov.', '2026-11-15'],
    ['  15   NOV  ', '2026-11-15'],
    ['Nov 15', '2026-11-15'],
    ['November 15th', '2026-11-15'],
    ['November 15th, 2026', '2026-11-15'],
    ['15 Nov 26', '2026-11-15'],
    ['15/11', '2026-11-15'],
    ['15/11/2026', '2026-11-15'],
    ['15/11/26', '2026-11-15'],
    ['15-11-2026', '2026-11-15'],
    ['15.11.2026', '2026-11-15'],
    ['2026-11-15', '2026-11-15'],
    ['on 15/11!', '2026-11-15'],
    ['it was the 15th of november', '2026-11-15'],
    ['1/11', '2026-11-01'],
    ['23/10', '2026-10-23'],
    ['Sunday 15 Nov', '2026-11-15'],
  ])('"%s" is %s', (text, date) => {
    expect(parseTravelDate(text, FRIDAY_20_NOVEMBER)).toEqual({ ok: true, date });
  });

  it.each([
    ['a later date this year without a year means last year, too old', '21/11', 'too-old'],
    ['one day more than the claim window is too old', '22/10', 'too-old'],
    ['a date with last year is too old', '15/11/2025', 'too-old'],
    ['a date early in the year is too old', '1 Jan 2026', 'too-old'],
    ['tomorrow is in the future', 'tomorrow', 'future'],
    ['next monday is in the future', 'next monday', 'future'],
    ['tomorrow with a year is in the future', '21/11/2026', 'future'],
    ['christmas with a year is in the future', '2026-12-25', 'future'],
    ['31 February with a year is not a date', '31/02/2026', 'not-a-date'],
    ['31 February without a year is not a date', '31/02', 'not-a-date'],
    ['29 February of a common year is not a date', '29/02/2026', 'not-a-date'],
    ['day 32 is not a date', '32/1', 'not-a-date'],
    ['month 13 is not a date', '15/13', 'not-a-date'],
    ['day 0 is not a date', '0/5', 'not-a-date'],
    ['month first (the US order) is not a date', '11/15', 'not-a-date'],
    ['a greeting is not a date', 'hello', 'not-a-date'],
    ['nothing is not a date', '', 'not-a-date'],
    ['a time is not a date', '14.30', 'not-a-date'],
    ['a time without separator is not a date', '1430', 'not-a-date'],
    ['a train time in a sentence is not a date', 'the 8:05', 'not-a-date'],
    ['a day number alone is not a date', '15', 'not-a-date'],
    ['a month alone is not a date', 'november', 'not-a-date'],
    ['"sat" as a verb is not a date', 'I sat on the train', 'not-a-date'],
    ['two different dates are not one date', 'yesterday or today', 'not-a-date'],
    ['a weekday that disagrees with the date is not a date', 'monday 15 nov', 'not-a-date'],
  ])('%s ("%s" is %s)', (_title, text, reason) => {
    expect(parseTravelDate(text, FRIDAY_20_NOVEMBER)).toEqual({ ok: false, reason });
  });

  it('a date exactly the claim window back is still claimable', () => {
    expect(parseTravelDate('23 October', FRIDAY_20_NOVEMBER)).toEqual({ ok: true, date: '2026-10-23' });
    expect(parseTravelDate('23 October', { ...FRIDAY_20_NOVEMBER, claimWindowDays: 27 })).toEqual({
      ok: false,
      reason: 'too-old',
    });
  });

  it('a December date typed in January without a year means last December', () => {
    const options = { now: new Date('2027-01-10T09:00:00Z'), claimWindowDays: 28 };
    expect(parseTravelDate('15/12', options)).toEqual({ ok: true, date: '2026-12-15' });
    expect(parseTravelDate('15 Dec', options)).toEqual({ ok: true, date: '2026-12-15' });
  });

  it('29 February without a year is the latest one, this year in a leap year', () => {
    const options = { now: new Date('2028-03-10T09:00:00Z'), claimWindowDays: 28 };
    expect(parseTravelDate('29/02', options)).toEqual({ ok: true, date: '2028-02-29' });
  });

  it('at 00:30 on a summer night London is already on the next day', () => {
    // 23:30 UTC on Tuesday 14 July is 00:30 BST on Wednesday 15 July.
    const options = { now: new Date('2026-07-14T23:30:00Z'), claimWindowDays: 28 };
    expect(parseTravelDate('today', options)).toEqual({ ok: true, date: '2026-07-15' });
    expect(parseTravelDate('yesterday', options)).toEqual({ ok: true, date: '2026-07-14' });
    expect(parseTravelDate('15/07/2026', options)).toEqual({ ok: true, date: '2026-07-15' });
    expect(parseTravelDate('wednesday', options)).toEqual({ ok: true, date: '2026-07-15' });
    expect(parseTravelDate('16/07/2026', options)).toEqual({ ok: false, reason: 'future' });
  });

  it('yesterday on 1 March is the last day of February', () => {
    const common = { now: new Date('2026-03-01T10:00:00Z'), claimWindowDays: 28 };
    const leap = { now: new Date('2028-03-01T10:00:00Z'), claimWindowDays: 28 };
    expect(parseTravelDate('yesterday', common)).toEqual({ ok: true, date: '2026-02-28' });
    expect(parseTravelDate('yesterday', leap)).toEqual({ ok: true, date: '2028-02-29' });
  });

  it('yesterday on 1 January is new year eve of the year before', () => {
    const options = { now: new Date('2027-01-01T10:00:00Z'), claimWindowDays: 28 };
    expect(parseTravelDate('yesterday', options)).toEqual({ ok: true, date: '2026-12-31' });
  });

  it('a claim window of zero days leaves only today', () => {
    const options = { ...FRIDAY_20_NOVEMBER, claimWindowDays: 0 };
    expect(parseTravelDate('today', options)).toEqual({ ok: true, date: '2026-11-20' });
    expect(parseTravelDate('yesterday', options)).toEqual({ ok: false, reason: 'too-old' });
  });
});
