// How a delay report starts (flow 6): menu 1, DELAY in any state, and sentences about a delay,
// pre-filling what they say; who may start one; and the consent phrasings at the welcome.
import stations from 'uk-railway-stations';
import { decide } from '../../src/conversation/decide';
import type { JourneyAsk, JourneyDraft } from '../../src/conversation/journey-types';
import { texts } from '../../src/conversation/texts';
import type { ConversationState, Decision } from '../../src/conversation/types';
import {
  awaitingCode,
  effectTypes,
  message,
  newVerification,
  replies,
  stranger,
  unverified,
  verified,
} from './fixtures';
import { inSummer, inWinter, report, SUMMER, WHOLE_DRAFT } from './journey-fixtures';

const reply = (decision: Decision): string => replies(decision).join('\n\n');

const VERIFIED_STATES: ConversationState[] = [
  { step: 'menu' },
  { step: 'settings' },
  { step: 'settings-home-station' },
  { step: 'settings-home-station', choices: ['MAN', 'MCV'] },
];

describe('starting a report', () => {
  it('1 from the main menu starts at the date', () => {
    const decision = decide({ step: 'menu' }, message('1'), inSummer());

    expect(decision.next).toEqual(report('date'));
    expect(reply(decision)).toBe(`${texts.reportIntro}\n\n${texts.askDate}`);
  });

  it.each(
    VERIFIED_STATES.flatMap((state) =>
      ['DELAY', 'delay!', 'Report a delay', 'claim'].map((text) => [text, state.step, state] as const),
    ),
  )('%s in state %s starts a report', (text, _step, state) => {
    const decision = decide(state, message(text), inSummer());

    expect(decision.next).toEqual(report('date'));
    expect(reply(decision)).toBe(`${texts.reportIntro}\n\n${texts.askDate}`);
  });

  it('DELAY at the deletion confirmation keeps the data and starts a report', () => {
    const decision = decide({ step: 'confirm-delete', returnTo: 'menu' }, message('DELAY'), inSummer());

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(decision.next).toEqual(report('date'));
    expect(reply(decision)).toBe(`${texts.deleteCancelled}\n\n${texts.reportIntro}\n\n${texts.askDate}`);
  });

  it('a sentence at the deletion confirmation keeps the data and starts a report with what it says', () => {
    const decision = decide(
      { step: 'confirm-delete', returnTo: 'menu' },
      message('my train was late yesterday'),
      inSummer(),
    );

    expect(decision.next).toEqual(report('origin', { date: '2026-07-14' }));
    expect(reply(decision)).toMatch(/^Your data has \*not\* been deleted\./);
  });

  it.each(['DELAY', 'claim', 'my train from Leeds was late yesterday'])(
    '"%s" from an unverified user asks to verify the number first, with what to type',
    (text) => {
      const decision = decide(awaitingCode(3), message(text), unverified());

      expect(decision.next).toEqual(awaitingCode(3));
      expect(effectTypes(decision)).toEqual(['reply']);
      expect(reply(decision)).toBe(`${texts.verifyFirst('report')}\n\n${texts.codeHint}`);
    },
  );

  it('DELAY from an unverified user whose state was lost says how to get a code', () => {
    const decision = decide({ step: 'menu' }, message('DELAY'), unverified());

    expect(reply(decision)).toBe(`${texts.verifyFirst('report')}\n\n${texts.unverifiedReturning}`);
  });

  it('a 6-digit code from an unverified user is still checked, never read as a sentence', () => {
    expect(effectTypes(decide(awaitingCode(3), message('123456'), unverified()))).toEqual(['check-verification']);
  });

  it.each(['DELAY', 'my train was 20 minutes late'])(
    '"%s" as a stranger\'s first message shows the welcome, saying an account comes first',
    (text) => {
      const decision = decide({ step: 'new' }, message(text), stranger());

      expect(decision.next).toEqual({ step: 'awaiting-consent' });
      expect(effectTypes(decision)).toEqual(['reply']);
      expect(reply(decision)).toBe(`${texts.accountFirst('report')}\n\n${texts.welcome}`);
    },
  );

  it('DELAY at the welcome says an account comes first and how to answer', () => {
    const decision = decide({ step: 'awaiting-consent' }, message('DELAY'), stranger());

    expect(decision.next).toEqual({ step: 'awaiting-consent' });
    expect(reply(decision)).toBe(`${texts.accountFirst('report')}\n\n${texts.consentHint}`);
  });
});

// Wednesday 15 July 2026 in London. What each sentence pre-fills, and the question asked next.
const STARTING_SENTENCES: ReadonlyArray<[string, JourneyDraft, JourneyAsk]> = [
  ['my train from Leeds was 40 minutes late yesterday', { date: '2026-07-14', originCrs: 'LDS' }, 'destination'],
  [
    'my train from Leeds to York was 40 minutes late yesterday',
    { date: '2026-07-14', originCrs: 'LDS', destinationCrs: 'YRK' },
    'departure',
  ],
  ['I want to claim compensation', {}, 'date'],
  ['train was late', {}, 'date'],
  ['Delay Repay please', {}, 'date'],
  [
    'The 17:32 from London Euston to Birmingham New Street was 25 mins late',
    { originCrs: 'EUS', destinationCrs: 'BHM' },
    'date',
  ],
  [
    'delayed 45 minutes from St. Pancras to Sheffield today',
    { date: '2026-07-15', originCrs: 'STP', destinationCrs: 'SHF' },
    'departure',
  ],
  ['my train to York from Leeds was delayed', { originCrs: 'LDS', destinationCrs: 'YRK' }, 'date'],
  ['Train from Southend on Sea to Liverpool Street cancelled last friday', { date: '2026-07-10' }, 'origin'],
  ['the train to Bath never arrived', {}, 'date'],
  ['my train was canceled on 14 Jul', { date: '2026-07-14' }, 'origin'],
  ['cancellation yesterday', { date: '2026-07-14' }, 'origin'],
  ["I'd like to make a delay repay claim for my journey from York", { originCrs: 'YRK' }, 'date'],
  ['train from Heathrow Terminal 5 to Paddington was 20 min late', { originCrs: 'HWV', destinationCrs: 'PAD' }, 'date'],
  [
    'My train to Manchester Piccadilly got cancelled on Monday',
    { date: '2026-07-13', destinationCrs: 'MAN' },
    'origin',
  ],
  ['the 2pm from Reading was late on 20/06', { date: '2026-06-20', originCrs: 'RDG' }, 'destination'],
  ['my train from leeds to leeds was late', { originCrs: 'LDS' }, 'date'],
  ['my train from Manchester to York was late yesterday', { date: '2026-07-14', destinationCrs: 'YRK' }, 'origin'],
  [
    'can I get compensation? my train from Stoke on Trent to Crewe was delayed',
    { originCrs: 'SOT', destinationCrs: 'CRE' },
    'date',
  ],
  ['Missed my connection at Crewe because the train from Euston was late', { originCrs: 'EUS' }, 'date'],
  ["didn't turn up, the 18:10 to Glasgow Central", { destinationCrs: 'GLC' }, 'date'],
  ['refund for the cancelled 07:15 from Brighton', { originCrs: 'BTN' }, 'date'],
  [
    'My 8am from Bristol Temple Meads to Cardiff Central was delayed by an hour on Sunday',
    { date: '2026-07-12', originCrs: 'BRI', destinationCrs: 'CDF' },
    'departure',
  ],
  [
    'the train from kings x to edinbrugh was 2 hours late on 12 July',
    { date: '2026-07-12', originCrs: 'KGX' },
    'destination',
  ],
];

const NOT_STARTING = [
  'hi',
  'Hello!',
  'thanks',
  'my train was not late',
  "my train wasn't delayed today",
  'see you later',
  'the latest timetable',
  'Leeds to York',
  'where is my refund',
  'how is my claim going',
  'I want to cancel',
  'what time is it',
];

describe('sentences about a delay start a report, pre-filling what they say', () => {
  it('there are at least 20 sentences that start a report and 10 that do not', () => {
    expect(STARTING_SENTENCES.length).toBeGreaterThanOrEqual(20);
    expect(NOT_STARTING.length).toBeGreaterThanOrEqual(10);
  });

  it.each(STARTING_SENTENCES)('"%s" starts a report with %j and asks for the %s', (text, draft, ask) => {
    const decision = decide({ step: 'menu' }, message(text), inSummer());

    expect(decision.next).toEqual(report(ask, draft));
    expect(effectTypes(decision)).toEqual(['reply']);
    const said = reply(decision);
    expect(said).toMatch(/^Sorry to hear about your journey/);
    if (draft.originCrs) expect(said).toContain(`From: *`);
    if (draft.destinationCrs) expect(said).toContain(`To: *`);
  });

  it.each(NOT_STARTING)('"%s" starts no report: the menu hint', (text) => {
    const decision = decide({ step: 'menu' }, message(text), inSummer());

    expect(decision.next).toEqual({ step: 'menu' });
    expect(reply(decision)).toBe(texts.menuHint);
  });

  it('what the sentence pre-filled is shown by name with its code, and the date in words', () => {
    const decision = decide(
      { step: 'menu' },
      message('my train from Leeds to York was 40 minutes late yesterday'),
      inSummer(),
    );

    expect(reply(decision)).toBe(
      [
        texts.reportFromSentence,
        texts.reportNoted({ date: 'Tuesday 14 July 2026', from: 'Leeds (LDS)', to: 'York (YRK)' }),
        texts.askDeparture,
      ].join('\n\n'),
    );
  });

  it('a date in the sentence that cannot be claimed is explained before the date is asked', () => {
    const tooOld = decide(
      { step: 'menu' },
      message('the 2pm from Reading was late on 10/06, past the claim window'),
      inSummer(),
    );
    expect(tooOld.next).toEqual(report('date', { originCrs: 'RDG' }));
    expect(reply(tooOld)).toContain(`${texts.dateTooOld(28)}\n\n${texts.askDate}`);

    const future = decide({ step: 'menu' }, message('my train tomorrow was cancelled'), inSummer());
    expect(reply(future)).toContain(`${texts.dateFuture}\n\n${texts.askDate}`);
  });

  it('a sentence is read in London time: in winter "yesterday" is the day before in GMT', () => {
    const decision = decide({ step: 'menu' }, message('my train was late yesterday'), inWinter());

    expect(decision.next).toEqual(report('origin', { date: '2026-11-19' }));
  });

  it.each([{ step: 'settings' }, { step: 'settings-home-station' }] as const)(
    'a sentence in state %j starts the report too',
    (state) => {
      const decision = decide(state, message('my train from Leeds was late yesterday'), inSummer());

      expect(decision.next).toEqual(report('destination', { date: '2026-07-14', originCrs: 'LDS' }));
    },
  );

  it('a station name in the home-station step is still a station, not a report', () => {
    const decision = decide({ step: 'settings-home-station' }, message('York'), inSummer());

    expect(decision.effects[0]).toEqual({ type: 'set-preference', key: 'home_station', value: 'YRK' });
  });
});

describe('sentences in the middle of a report', () => {
  it('fill the fields still missing and go on from there', () => {
    const decision = decide(
      report('date'),
      message('my train from Leeds to York was 40 minutes late yesterday'),
      inSummer(),
    );

    expect(decision.next).toEqual(report('departure', { date: '2026-07-14', originCrs: 'LDS', destinationCrs: 'YRK' }));
    expect(reply(decision)).toBe(
      `${texts.reportNoted({ date: 'Tuesday 14 July 2026', from: 'Leeds (LDS)', to: 'York (YRK)' })}\n\n${texts.askDeparture}`,
    );
  });

  it('never change an answer already given', () => {
    const state = report('departure', { date: '2026-07-13', originCrs: 'BTH', destinationCrs: 'BRI' });
    const decision = decide(state, message('my train from Leeds to York was late yesterday'), inSummer());

    expect(decision.next).toEqual(state);
    expect(reply(decision)).toBe(`${texts.alreadyReporting}\n\n${texts.askDeparture}`);
  });

  it('at the stations step, an ambiguous station in the sentence is offered as choices', () => {
    const decision = decide(
      report('origin', { date: '2026-07-14' }),
      message('the train from Manchester was late'),
      inSummer(),
    );

    expect(decision.next).toMatchObject({ ask: 'choose-origin', choices: expect.arrayContaining(['MAN', 'MCV']) });
  });

  it('at the date step, a sentence with a date too old says why', () => {
    const decision = decide(report('date'), message('it was late on 1 January'), inSummer());

    expect(decision.next).toEqual(report('date'));
    expect(reply(decision)).toBe(`${texts.dateTooOld(28)}\n\n${texts.askDate}`);
  });

  it('at the ticket step a sentence is no ticket: the hint', () => {
    const { ticketFileIds: _t, ...draft } = WHOLE_DRAFT;
    const decision = decide(report('ticket', draft), message('my train was late'), inSummer());

    expect(reply(decision)).toBe(texts.ticketHint);
  });
});

describe('consent at the welcome accepts the ways people say yes and no', () => {
  const YES = [
    'yes',
    'YES',
    'Yes!',
    'yes please',
    'Yes please!',
    'y',
    'Y',
    'yeah',
    'yep',
    'yup',
    'sure',
    'sure thing',
    'ok',
    'okay',
    'OK thanks',
    'I agree',
    'agree',
    'of course',
    'go ahead',
    'absolutely',
    '👍',
    '👍🏽',
    'yes thank you',
    'ＹＥＳ',
    'yes yes',
  ];
  const NO = ['no', 'No.', 'no thanks', 'No thank you', 'nope', 'nah', 'not now', 'n', '👎'];
  const NEITHER = ['maybe', 'yes but what is this', 'what?', 'yes no', 'tell me more', '🚆'];

  it('there are at least 15 phrasings of consent', () => {
    expect(YES.length + NO.length).toBeGreaterThanOrEqual(15);
  });

  it.each(YES)('"%s" registers and starts verification', (text) => {
    const decision = decide({ step: 'awaiting-consent' }, message(text), stranger({ now: SUMMER }));

    expect(decision.effects).toEqual([{ type: 'register-user' }, { type: 'start-verification' }]);
    expect(decision.next).toEqual(newVerification(SUMMER));
  });

  it.each(NO)('"%s" leaves without storing anything', (text) => {
    const decision = decide({ step: 'awaiting-consent' }, message(text), stranger());

    expect(decision.next).toBeUndefined();
    expect(decision.effects).toEqual([{ type: 'reply', text: texts.goodbyeNoConsent }]);
  });

  it.each(NEITHER)('"%s" is neither: how to answer', (text) => {
    const decision = decide({ step: 'awaiting-consent' }, message(text), stranger());

    expect(decision.next).toEqual({ step: 'awaiting-consent' });
    expect(reply(decision)).toBe(texts.consentHint);
  });

  it('a sentence about a delay at the welcome says an account comes first', () => {
    const decision = decide({ step: 'awaiting-consent' }, message('yes my train was late'), stranger());

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(reply(decision)).toBe(`${texts.accountFirst('report')}\n\n${texts.consentHint}`);
  });

  it.each(['yes please', 'sure', 'ok', 'y', 'yeah', '👍', 'confirm'])(
    'the deletion confirmation stays strict: "%s" deletes nothing',
    (text) => {
      const decision = decide({ step: 'confirm-delete', returnTo: 'menu' }, message(text), verified());

      expect(effectTypes(decision)).not.toContain('delete-user');
      expect(reply(decision)).toContain(texts.deleteCancelled);
    },
  );
});

describe('station names and delay sentences never mix', () => {
  it('no station name in the dataset reads as a sentence about a delay, so typing one never starts a report', () => {
    const delayLike = stations
      .map((station) => station.stationName)
      .filter((name) => decide({ step: 'settings-home-station' }, message(name), inSummer()).next?.step === 'journey');

    expect(delayLike).toEqual([]);
  });
});
