import { readDelayIntent } from '../../src/journeys/read-delay-intent';

// Wednesday 15 July 2026, midday in London (BST).
const WEDNESDAY_15_JULY = { now: new Date('2026-07-15T11:00:00Z'), claimWindowDays: 28 };

describe('readDelayIntent', () => {
  it.each([
    ['my train from Leeds to York was 40 minutes late yesterday', { date: '2026-07-14', from: 'Leeds', to: 'York' }],
    ['the 8:05 from kings x was cancelled', { from: 'kings x' }],
    ['I want to claim for a delay', {}],
    ['Delay Repay please', {}],
    ['train was late', {}],
    ['CLAIM', {}],
    ['cancellation yesterday', { date: '2026-07-14' }],
    ['My train to Manchester Piccadilly got cancelled on Monday', { date: '2026-07-13', to: 'Manchester Piccadilly' }],
    [
      'The 17:32 from London Euston to Birmingham New Street was 25 mins late',
      { from: 'London Euston', to: 'Birmingham New Street' },
    ],
    [
      'delayed 45 minutes from St. Pancras to Sheffield today',
      { date: '2026-07-15', from: 'St. Pancras', to: 'Sheffield' },
    ],
    [
      'can I get compensation? my train from Stoke on Trent to Crewe was delayed',
      { from: 'Stoke on Trent', to: 'Crewe' },
    ],
    [
      'Train from Southend on Sea to Liverpool Street cancelled last friday',
      { date: '2026-07-10', from: 'Southend on Sea', to: 'Liverpool Street' },
    ],
    ['my train from Walton on the Naze was late', { from: 'Walton on the Naze' }],
    ['my train from leeds on the 8:05 was late', { from: 'leeds' }],
    ['refund for the cancelled 07:15 from Brighton', { from: 'Brighton' }],
    ['I was 2 hours late getting to work because of a delayed train', {}],
    ['my train was canceled on 14 Jul', { date: '2026-07-14' }],
    ['the train to Bath never arrived', { to: 'Bath' }],
    ['Missed my connection at Crewe because the train from Euston was late', { from: 'Euston' }],
    ["didn't turn up, the 18:10 to Glasgow Central", { to: 'Glasgow Central' }],
    ['train from Heathrow Terminal 5 to Paddington was 20 min late', { from: 'Heathrow Terminal 5', to: 'Paddington' }],
    [
      'from Elephant and Castle to Blackfriars, 30 minutes delayed, 12/07',
      { date: '2026-07-12', from: 'Elephant and Castle', to: 'Blackfriars' },
    ],
    ["I'd like to make a delay repay claim for my journey from York", { from: 'York' }],
    ['my train to York from Leeds was delayed', { from: 'Leeds', to: 'York' }],
    ['Train from Leeds 10 mins late', { from: 'Leeds' }],
    ['the 2pm from Reading was late on 20/06', { date: '2026-06-20', from: 'Reading' }],
    ['the 2pm from Reading was late on 10/06, past the claim window', { from: 'Reading' }],
    ['I sat on the delayed train for an hour', {}],
    ['going to claim for my train from Kirkby in Ashfield', { from: 'Kirkby in Ashfield' }],
    ["my train wasn't late but the connection was cancelled", {}],
    ['train from leeds - york delayed', { from: 'leeds' }],
  ])('"%s" is a delay to report', (text, details) => {
    expect(readDelayIntent(text, WEDNESDAY_15_JULY)).toEqual({ intent: true, ...details });
  });

  it.each([
    'hi',
    'Hello!',
    'settings',
    'what is my status',
    '1',
    '123456',
    'help',
    'menu',
    'cancel',
    'stop',
    'yes',
    'thanks',
    "what's the status of my claim",
    'where is my refund',
    'how is my claim going',
    'my train was not late',
    "my train wasn't delayed today",
    'see you later',
    'I want to cancel',
    'delete my data',
    'the latest timetable',
    'Leeds to York',
  ])('"%s" is no delay to report', (text) => {
    expect(readDelayIntent(text, WEDNESDAY_15_JULY)).toEqual({ intent: false });
  });

  it('a date in the sentence is read in London, already tomorrow at 00:30 BST', () => {
    const justAfterMidnight = { now: new Date('2026-07-14T23:30:00Z'), claimWindowDays: 28 };
    expect(readDelayIntent('my train was late today', justAfterMidnight)).toEqual({ intent: true, date: '2026-07-15' });
  });
});
