// Flow 6, step by step: every row of PRODUCT.md's input table (accepted inputs and refusals), the
// station choice list, the ticket outcomes, the summary with YES and EDIT, CANCEL and the global
// commands in the middle of a report.
import { decide } from '../../src/conversation/decide';
import type { JourneyDraft, ReportingJourney } from '../../src/conversation/journey-types';
import { texts } from '../../src/conversation/texts';
import type { ConversationInput, Decision } from '../../src/conversation/types';
import { effectTypes, message, replies } from './fixtures';
import { inSummer, inWinter, PDF, PHOTO, report, WHOLE_DRAFT } from './journey-fixtures';

const reply = (decision: Decision): string => replies(decision).join('\n\n');
const journeyOf = (decision: Decision): ReportingJourney => {
  expect(decision.next?.step).toBe('journey');
  return decision.next as ReportingJourney;
};

const STATIONS_DONE: JourneyDraft = { date: '2026-07-14', originCrs: 'LDS', destinationCrs: 'YRK' };
const CHOICE_LINE = /^\*(\d)\* (.+) \(([A-Z]{3})\)$/;

describe('the date step', () => {
  it.each([
    ['today', inSummer, '2026-07-15'],
    ['yesterday', inSummer, '2026-07-14'],
    ['monday', inSummer, '2026-07-13'],
    ['Wednesday', inSummer, '2026-07-15'],
    ['10 Jul', inSummer, '2026-07-10'],
    ['10 July', inSummer, '2026-07-10'],
    ['10/07', inSummer, '2026-07-10'],
    ['10/07/2026', inSummer, '2026-07-10'],
    ['2026-07-10', inSummer, '2026-07-10'],
    ['17/06/2026', inSummer, '2026-06-17'],
    ['today', inWinter, '2026-11-20'],
    ['yesterday', inWinter, '2026-11-19'],
    ['monday', inWinter, '2026-11-16'],
    ['friday', inWinter, '2026-11-20'],
    ['15 Nov', inWinter, '2026-11-15'],
    ['15 November', inWinter, '2026-11-15'],
    ['15/11', inWinter, '2026-11-15'],
    ['15/11/2026', inWinter, '2026-11-15'],
    ['2026-11-15', inWinter, '2026-11-15'],
    ['23/10/2026', inWinter, '2026-10-23'],
  ] as const)('"%s" (%p) is taken as %s and the stations are asked next', (text, at, date) => {
    const decision = decide(report('date'), message(text), at());

    expect(decision.next).toEqual(report('origin', { date }));
    expect(effectTypes(decision)).toEqual(['reply']);
    expect(reply(decision)).toBe(texts.askStations);
  });

  it.each([
    ['tomorrow', inSummer, texts.dateFuture],
    ['16/07/2026', inSummer, texts.dateFuture],
    ['next monday', inWinter, texts.dateFuture],
    ['21/11/2026', inWinter, texts.dateFuture],
    ['16/06/2026', inSummer, texts.dateTooOld(28)],
    ['1 Jan', inSummer, texts.dateTooOld(28)],
    ['22/10/2026', inWinter, texts.dateTooOld(28)],
    ['21/11', inWinter, texts.dateTooOld(28)],
    ['31/02/2026', inSummer, texts.dateNotRead],
    ['32/07', inSummer, texts.dateNotRead],
    ['banana', inSummer, texts.dateNotRead],
    ['', inWinter, texts.dateNotRead],
    ['🚆', inWinter, texts.dateNotRead],
    ['11/15', inWinter, texts.dateNotRead],
  ] as const)('"%s" (%p) is refused with its reason and the date is asked again', (text, at, reason) => {
    const decision = decide(report('date'), message(text), at());

    expect(decision.next).toEqual(report('date'));
    expect(reply(decision)).toBe(`${reason}\n\n${texts.askDate}`);
  });

  it('the claim window comes from the settings, not a fixed 28 days', () => {
    const decision = decide(
      report('date'),
      message('10/07/2026'),
      inSummer({ settings: { ...inSummer().settings, claimWindowDays: 3 } }),
    );

    expect(reply(decision)).toBe(`${texts.dateTooOld(3)}\n\n${texts.askDate}`);
  });
});

describe('the stations step', () => {
  const atStations = report('origin', { date: '2026-07-14' });

  it.each([
    ['Leeds to York', 'LDS', 'YRK'],
    ['from Leeds to York', 'LDS', 'YRK'],
    ['LEEDS TO YORK!', 'LDS', 'YRK'],
    ['KGX to EUS', 'KGX', 'EUS'],
    ['kings x to manchester piccadilly', 'KGX', 'MAN'],
    ['St Pancras to Sheffield', 'STP', 'SHF'],
    ['Leeds -> York', 'LDS', 'YRK'],
    ['leeds - york', 'LDS', 'YRK'],
    ['Ｌｅｅｄｓ to Ｙｏｒｋ', 'LDS', 'YRK'],
    ['leeds\u00a0to\u200b york', 'LDS', 'YRK'],
  ])('"%s" in one message gives %s to %s and asks the departure time', (text, origin, destination) => {
    const decision = decide(atStations, message(text), inSummer());

    expect(decision.next).toEqual(
      report('departure', { date: '2026-07-14', originCrs: origin, destinationCrs: destination }),
    );
    expect(reply(decision)).toBe(texts.askDeparture);
  });

  it('"kings x to manchster" takes Kings Cross and lists the Manchester stations to choose the destination from', () => {
    const decision = decide(atStations, message('kings x to manchster'), inSummer());

    const next = journeyOf(decision);
    expect(next).toMatchObject({ ask: 'choose-destination', draft: { originCrs: 'KGX' } });
    expect(next.choices?.[0]).toBe('MAN');
    const lines = reply(decision).split('\n');
    const choiceLines = lines.filter((line) => CHOICE_LINE.test(line));
    expect(choiceLines).toContain('*1* Manchester Piccadilly (MAN)');
    expect(choiceLines.length).toBe(next.choices?.length);
  });

  it('the choice list has up to five lines, one per station, exactly "*n* Name (CRS)" and numbered from 1', () => {
    for (const typed of ['manchester', 'london', 'kings', 'edinbrugh', 'glasgow', 'bath']) {
      const decision = decide(report('origin', { date: '2026-07-14' }), message(typed), inSummer());
      const next = journeyOf(decision);
      const choiceLines = reply(decision)
        .split('\n')
        .filter((line) => /^\*\d/.test(line));

      expect(choiceLines.length).toBeGreaterThanOrEqual(2);
      expect(choiceLines.length).toBeLessThanOrEqual(5);
      choiceLines.forEach((line, i) => {
        const [, number, , crs] = CHOICE_LINE.exec(line) ?? [];
        expect({ typed, line, number, crs }).toEqual({ typed, line, number: String(i + 1), crs: next.choices?.[i] });
      });
    }
  });

  it('an origin alone asks for the destination, naming the origin; the destination then asks the departure time', () => {
    const first = decide(atStations, message('Leeds'), inSummer());
    expect(first.next).toEqual(report('destination', { date: '2026-07-14', originCrs: 'LDS' }));
    expect(reply(first)).toBe(texts.askDestination('Leeds (LDS)'));

    const second = decide(first.next!, message('to York'), inSummer());
    expect(second.next).toEqual(report('departure', STATIONS_DONE));
  });

  it('both ends typed again at the destination question replace the origin too', () => {
    const decision = decide(
      report('destination', { date: '2026-07-14', originCrs: 'LDS' }),
      message('Bath Spa to Bristol Temple Meads'),
      inSummer(),
    );

    expect(journeyOf(decision).draft).toMatchObject({ originCrs: 'BTH', destinationCrs: 'BRI' });
  });

  it('a number picks the station from the list', () => {
    const listed = decide(atStations, message('edinbrugh'), inSummer());
    expect(journeyOf(listed)).toMatchObject({ ask: 'choose-origin', choices: ['EDB', 'EDP', 'EGY'] });

    const picked = decide(listed.next!, message('2'), inSummer());
    expect(picked.next).toEqual(report('destination', { date: '2026-07-14', originCrs: 'EDP' }));
  });

  it.each(['7', '4', '0', '99999999999999999999'])(
    '"%s" to a three-choice list says the number is not on the list and shows the list again',
    (text) => {
      const listed = decide(atStations, message('edinbrugh'), inSummer());
      const decision = decide(listed.next!, message(text), inSummer());

      expect(decision.next).toEqual(listed.next);
      expect(reply(decision)).toBe(`${texts.choiceNotInList(3)}\n\n${reply(listed)}`);
      expect(reply(decision)).toContain('from 1 to 3');
    },
  );

  it.each(['*2*', '2.', 'number 2', '2️⃣', '２'])('"%s" is read as the number 2 of the list', (text) => {
    const listed = decide(atStations, message('edinbrugh'), inSummer());
    const decision = decide(listed.next!, message(text), inSummer());

    expect(journeyOf(decision).draft.originCrs).toBe('EDP');
  });

  it('a name instead of a number searches again', () => {
    const listed = decide(atStations, message('edinbrugh'), inSummer());
    const decision = decide(listed.next!, message('York to Leeds'), inSummer());

    expect(journeyOf(decision).draft).toMatchObject({ originCrs: 'YRK', destinationCrs: 'LDS' });
  });

  it('an ambiguous origin with a clear destination keeps the destination while the origin is chosen', () => {
    const listed = decide(atStations, message('edinbrugh to kings x'), inSummer());
    expect(journeyOf(listed)).toMatchObject({ ask: 'choose-origin', draft: { destinationCrs: 'KGX' } });

    const picked = decide(listed.next!, message('1'), inSummer());
    expect(picked.next).toEqual(report('departure', { date: '2026-07-14', originCrs: 'EDB', destinationCrs: 'KGX' }));
  });

  it.each([
    ['Leeds to Leeds', atStations],
    ['LDS to leeds', atStations],
    ['Kings Cross to KGX', atStations],
  ])('"%s" is refused: a journey starts and ends at different stations', (text, state) => {
    const decision = decide(state, message(text), inSummer());

    expect(journeyOf(decision)).toEqual(report('origin', { date: '2026-07-14' }));
    expect(reply(decision)).toMatch(/^A journey cannot start and end at the same station/);
    expect(reply(decision)).toContain(texts.askStations);
  });

  it('a destination equal to the origin is refused and the destination asked again', () => {
    const state = report('destination', { date: '2026-07-14', originCrs: 'LDS' });
    const decision = decide(state, message('leeds'), inSummer());

    expect(decision.next).toEqual(state);
    expect(reply(decision)).toBe(`${texts.sameStation('Leeds (LDS)')}\n\n${texts.askDestination('Leeds (LDS)')}`);
  });

  it('the origin is left out of the destination choices', () => {
    const state = report('destination', { date: '2026-07-14', originCrs: 'MAN' });
    const decision = decide(state, message('manchester'), inSummer());

    expect(journeyOf(decision).choices).not.toContain('MAN');
    expect(reply(decision)).not.toContain('(MAN)');
  });

  it.each(['Nowhereville', 'zzq', 'the moon', '12'])(
    '"%s" is an unknown station: a hint and the question again',
    (text) => {
      const decision = decide(atStations, message(text), inSummer());

      expect(decision.next).toEqual(atStations);
      expect(reply(decision)).toBe(`${texts.stationUnknown}\n\n${texts.askStations}`);
    },
  );

  it('a known origin with an unknown destination keeps the origin and asks for the destination', () => {
    const decision = decide(atStations, message('Leeds to Nowhereville'), inSummer());

    expect(decision.next).toEqual(report('destination', { date: '2026-07-14', originCrs: 'LDS' }));
    expect(reply(decision)).toBe(`${texts.stationUnknown}\n\n${texts.askDestination('Leeds (LDS)')}`);
  });

  it.each([
    '🚆',
    '🚆🚆 to 🚉',
    '🚆 leeds to york 🚉',
    '\u202eleeds to york',
    'L€€ds to Y☃rk',
    'ﷺ to ﷽',
    '\u0000\u0001 to \u0007',
    'to',
    ' to ',
    'from',
    'to to to to',
    '->',
    'x'.repeat(5000),
    `Leeds to ${'🚆'.repeat(800)}`,
    `${'a '.repeat(3000)}to york`,
    '\ud83d',
    'Leeds to York to Bath',
  ])('odd text %j at the stations step never crashes and gets a reply that keeps the report', (text) => {
    for (const state of [atStations, report('destination', { date: '2026-07-14', originCrs: 'LDS' })]) {
      const decision = decide(state, message(text), inSummer());

      expect(decision.next?.step).toBe('journey');
      expect(replies(decision).length).toBe(1);
      expect(reply(decision).length).toBeLessThan(1600);
    }
  });
});

describe('the departure and arrival steps', () => {
  it.each([
    ['14:30', { hour: 14, minute: 30 }],
    ['1430', { hour: 14, minute: 30 }],
    ['14.30', { hour: 14, minute: 30 }],
    ['2:30pm', { hour: 14, minute: 30 }],
    ['2pm', { hour: 14, minute: 0 }],
    ['08:05', { hour: 8, minute: 5 }],
    ['midnight', { hour: 0, minute: 0 }],
  ])('"%s" is taken as the scheduled departure %j and the arrival is asked next', (text, time) => {
    const decision = decide(report('departure', STATIONS_DONE), message(text), inSummer());

    expect(decision.next).toEqual(report('arrival', { ...STATIONS_DONE, departure: time }));
    expect(reply(decision)).toBe(texts.askArrival);
  });

  it.each([
    ['15:10', { hour: 15, minute: 10 }],
    ['1510', { hour: 15, minute: 10 }],
    ['15.10', { hour: 15, minute: 10 }],
    ['3:10pm', { hour: 15, minute: 10 }],
    ['3pm', { hour: 15, minute: 0 }],
    ['00:15', { hour: 0, minute: 15 }],
  ])('"%s" is taken as the scheduled arrival %j and the ticket type is asked next', (text, time) => {
    const state = report('arrival', { ...STATIONS_DONE, departure: { hour: 14, minute: 30 } });
    const decision = decide(state, message(text), inSummer());

    expect(decision.next).toEqual(report('ticket-type', { ...state.draft, arrival: time }));
    expect(reply(decision)).toBe(texts.askTicketType);
  });

  it.each(['25:99', '24:00', '14', 'soon', 'half two', '13pm', '', '🕑', '14:30 or 15:00'])(
    '"%s" is not a time: refused and asked again',
    (text) => {
      for (const [ask, question] of [
        ['departure', texts.askDeparture],
        ['arrival', texts.askArrival],
      ] as const) {
        const state = report(ask, {
          ...STATIONS_DONE,
          ...(ask === 'arrival' && { departure: { hour: 9, minute: 0 } }),
        });
        const decision = decide(state, message(text), inSummer());

        expect(decision.next).toEqual(state);
        expect(reply(decision)).toBe(`${texts.notATime}\n\n${question}`);
      }
    },
  );
});

describe('the ticket type step', () => {
  const state = report('ticket-type', {
    ...STATIONS_DONE,
    departure: { hour: 9, minute: 0 },
    arrival: { hour: 10, minute: 0 },
  });

  it.each([
    ['single', 'single'],
    ['return', 'return'],
    ['1', 'single'],
    ['2', 'return'],
    ['Single!', 'single'],
    ['RETURN', 'return'],
    ['off-peak return', 'return'],
    ['an anytime single', 'single'],
    ['one way', 'single'],
  ] as const)('"%s" is a %s ticket and the ticket is asked next', (text, journeyType) => {
    const decision = decide(state, message(text), inSummer());

    expect(decision.next).toEqual(report('ticket', { ...state.draft, journeyType }));
    expect(reply(decision)).toBe(texts.askTicket);
  });

  it.each(['season', '3', 'both', 'first class', '', 'single and return', 'returns please'])(
    '"%s" is refused and the ticket type asked again',
    (text) => {
      const decision = decide(state, message(text), inSummer());

      expect(decision.next).toEqual(state);
      expect(reply(decision)).toBe(`${texts.ticketTypeHint}\n\n${texts.askTicketType}`);
    },
  );
});

describe('the ticket step', () => {
  const { ticketFileIds: _none, ...untilTicket } = WHOLE_DRAFT;
  const state = report('ticket', untilTicket);

  it.each([[[PHOTO]], [[PDF]], [[PHOTO, PDF]]])(
    'a message with media %j asks the runtime to store exactly that media, and says nothing yet',
    (media) => {
      const decision = decide(state, message('', media), inSummer());

      expect(decision.effects).toEqual([{ type: 'store-ticket', media }]);
      expect(decision.next).toEqual(state);
    },
  );

  it('a stored ticket brings the summary with "1 photo"', () => {
    const input: ConversationInput = { kind: 'ticket-stored', outcome: 'stored', ticketFileIds: ['file-1'] };
    const decision = decide(state, input, inSummer());

    expect(decision.next).toEqual(report('summary', { ...untilTicket, ticketFileIds: ['file-1'] }));
    expect(reply(decision)).toContain(texts.ticketReceived);
    expect(reply(decision)).toContain('*5* Ticket: 1 photo');
  });

  it.each([
    ['too-large', [texts.ticketTooLarge, texts.ticketAccepted]],
    ['unsupported', [texts.ticketUnsupported, texts.ticketAccepted]],
    ['failed', [texts.ticketFailed]],
  ] as const)('a ticket the runtime reports %s is explained and asked for again', (outcome, reason) => {
    const decision = decide(state, { kind: 'ticket-stored', outcome, ticketFileIds: [] }, inSummer());

    expect(decision.next).toEqual(state);
    expect(decision.effects).toEqual([{ type: 'reply', text: [...reason, texts.askTicket].join('\n\n') }]);
  });

  it('what is accepted is said: JPEG, PNG, WebP or a PDF, up to 10 MB', () => {
    for (const word of ['JPEG', 'PNG', 'WebP', 'PDF', '10 MB']) expect(texts.ticketAccepted).toContain(word);
  });

  it.each(['SKIP', 'skip', 'Skip.', 'no ticket', "I don't have one", 'no'])(
    '"%s" goes on without a ticket, to the summary',
    (text) => {
      const decision = decide(state, message(text), inSummer());

      expect(decision.next).toEqual(report('summary', { ...untilTicket, ticketFileIds: [] }));
      expect(reply(decision)).toContain('*5* Ticket: none');
    },
  );

  it.each(['hello', 'yes', 'here it is', ''])('text "%s" that is neither a ticket nor SKIP gets a hint', (text) => {
    const decision = decide(state, message(text), inSummer());

    expect(decision.next).toEqual(state);
    expect(reply(decision)).toBe(texts.ticketHint);
  });

  it('media sent before the ticket step is not stored: the step is asked again with a word about the ticket', () => {
    const decision = decide(report('departure', STATIONS_DONE), message('', [PHOTO]), inSummer());

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(reply(decision)).toBe(`${texts.ticketLater}\n\n${texts.askDeparture}`);
  });
});

describe('the summary', () => {
  const summary = report('summary', WHOLE_DRAFT);

  it('shows every field: date, stations with codes, both times, ticket type and ticket', () => {
    const decision = decide(
      report('ticket', { ...WHOLE_DRAFT, ticketFileIds: undefined }),
      message('skip'),
      inSummer(),
    );

    expect(reply(decision)).toBe(
      [
        '*Please check your journey*',
        [
          '*1* Date: Tuesday 14 July 2026',
          '*2* Stations: Leeds (LDS) to York (YRK)',
          '*3* Times: departs 14:30, arrives 15:10',
          '*4* Ticket type: single',
          '*5* Ticket: none',
        ].join('\n'),
        'Reply *YES* to send it, or *EDIT* and a number to change something (for example *EDIT 2*).',
      ].join('\n\n'),
    );
  });

  it('an arrival earlier than the departure is shown as the next day', () => {
    const late = { ...WHOLE_DRAFT, departure: { hour: 23, minute: 40 }, arrival: { hour: 0, minute: 15 } };
    const decision = decide(report('edit', late), message('no'), inSummer());

    expect(reply(decision)).toContain('*3* Times: departs 23:40, arrives 00:15 (next day)');
  });

  it.each([
    ['in summer', inSummer, '2026-07-14', '2026-07-14T14:30:00+01:00', '2026-07-14T15:10:00+01:00'],
    ['in winter', inWinter, '2026-11-19', '2026-11-19T14:30:00+00:00', '2026-11-19T15:10:00+00:00'],
  ] as const)(
    'YES %s submits the journey with London times and their offset, and says nothing until the reference',
    (_when, at, date, departure, arrival) => {
      const decision = decide(report('summary', { ...WHOLE_DRAFT, date }), message('YES'), at());

      expect(decision.effects).toEqual([
        {
          type: 'submit-journey',
          journey: {
            date,
            originCrs: 'LDS',
            destinationCrs: 'YRK',
            departureDatetime: departure,
            arrivalDatetime: arrival,
            journeyType: 'single',
            ticketFileIds: ['file-a'],
          },
        },
      ]);
    },
  );

  it('an arrival after midnight is submitted on the next day', () => {
    const late = {
      ...WHOLE_DRAFT,
      date: '2026-11-19',
      departure: { hour: 23, minute: 40 },
      arrival: { hour: 0, minute: 15 },
    };
    const decision = decide(report('summary', late), message('yes'), inWinter());

    expect(decision.effects[0]).toMatchObject({
      journey: { departureDatetime: '2026-11-19T23:40:00+00:00', arrivalDatetime: '2026-11-20T00:15:00+00:00' },
    });
  });

  it.each(['yes please', 'Yes!', 'y', 'ok', '👍', 'send'])('"%s" also submits', (text) => {
    expect(effectTypes(decide(summary, message(text), inSummer()))).toEqual(['submit-journey']);
  });

  it('the reference the runtime feeds back is given to the passenger, with the main menu', () => {
    const decision = decide(summary, { kind: 'journey-submitted', reference: 'RR-7K3F9Q' }, inSummer());

    expect(decision.next).toEqual({ step: 'menu' });
    expect(reply(decision)).toBe(`${texts.submitted('RR-7K3F9Q')}\n\n${texts.menu}`);
    expect(reply(decision)).toContain('*RR-7K3F9Q*');
  });

  it('a summary left until the date fell out of the claim window asks for the date again instead of submitting', () => {
    const stale = report('summary', { ...WHOLE_DRAFT, date: '2026-06-16' });
    const decision = decide(stale, message('yes'), inSummer());

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(journeyOf(decision)).toMatchObject({ ask: 'date', editing: true });
    expect(reply(decision)).toBe(`${texts.dateTooOld(28)}\n\n${texts.askDate}`);
  });

  it('EDIT asks which field, listing the five', () => {
    const decision = decide(summary, message('EDIT'), inSummer());

    expect(decision.next).toEqual(report('edit', WHOLE_DRAFT));
    expect(reply(decision)).toBe(texts.askEdit);
  });

  it('NO asks which field to change', () => {
    expect(decide(summary, message('no'), inSummer()).next).toEqual(report('edit', WHOLE_DRAFT));
  });

  it.each(['maybe', 'what?', '7', 'edit'.repeat(10)])('"%s" at the summary gets a hint saying what to type', (text) => {
    const decision = decide(summary, message(text), inSummer());

    expect(decision.next).toEqual(summary);
    expect(reply(decision)).toBe(texts.summaryHint);
  });

  it('a number beside 1 to 5 after EDIT is refused and the fields are listed again', () => {
    const decision = decide(report('edit', WHOLE_DRAFT), message('9'), inSummer());

    expect(decision.next).toEqual(report('edit', WHOLE_DRAFT));
    expect(reply(decision)).toBe(`${texts.editHint}\n\n${texts.askEdit}`);
  });

  it('YES at the question of which field submits the journey as it is', () => {
    expect(effectTypes(decide(report('edit', WHOLE_DRAFT), message('yes'), inSummer()))).toEqual(['submit-journey']);
  });

  it('another page sent at the summary is stored and added to the ticket', () => {
    const asked = decide(summary, message('', [PHOTO]), inSummer());
    expect(asked.effects).toEqual([{ type: 'store-ticket', media: [PHOTO] }]);

    const added = decide(summary, { kind: 'ticket-stored', outcome: 'stored', ticketFileIds: ['file-b'] }, inSummer());
    expect(journeyOf(added)).toEqual(report('summary', { ...WHOLE_DRAFT, ticketFileIds: ['file-a', 'file-b'] }));
    expect(reply(added)).toContain('*5* Ticket: 2 photos');
  });
});

describe('EDIT of each field comes straight back to the summary', () => {
  const summary = report('summary', WHOLE_DRAFT);
  const edited = (draft: JourneyDraft): JourneyDraft => ({ ...WHOLE_DRAFT, ...draft });

  it.each([
    ['1', ['monday'], edited({ date: '2026-07-13' }), texts.askDate],
    ['date', ['10/07'], edited({ date: '2026-07-10' }), texts.askDate],
    ['2', ['York to Leeds'], edited({ originCrs: 'YRK', destinationCrs: 'LDS' }), texts.askStations],
    [
      'stations',
      ['Bath Spa', 'Bristol Temple Meads'],
      edited({ originCrs: 'BTH', destinationCrs: 'BRI' }),
      texts.askStations,
    ],
    ['2', ['edinbrugh to kings x', '1'], edited({ originCrs: 'EDB', destinationCrs: 'KGX' }), texts.askStations],
    [
      '3',
      ['9:15', '10:20'],
      edited({ departure: { hour: 9, minute: 15 }, arrival: { hour: 10, minute: 20 } }),
      texts.askDeparture,
    ],
    [
      'times',
      ['23:40', '00:15'],
      edited({ departure: { hour: 23, minute: 40 }, arrival: { hour: 0, minute: 15 } }),
      texts.askDeparture,
    ],
    ['4', ['return'], edited({ journeyType: 'return' }), texts.askTicketType],
    ['ticket type', ['1'], edited({ journeyType: 'single' }), texts.askTicketType],
    ['5', ['skip'], edited({ ticketFileIds: [] }), texts.askTicket],
  ] as const)(
    'EDIT then "%s", answered with %j, changes only that field',
    (field, answers, expected, firstQuestion) => {
      const which = decide(summary, message('EDIT'), inSummer());
      let decision = decide(which.next!, message(field), inSummer());
      expect(reply(decision)).toBe(firstQuestion);
      expect(journeyOf(decision).editing).toBe(true);
      for (const answer of answers) decision = decide(decision.next!, message(answer), inSummer());

      expect(decision.next).toEqual(report('summary', expected));
      expect(reply(decision)).toMatch(
        /^Thank you, (that is changed|we have your ticket)\.[\s\S]*\*Please check your journey\*/,
      );
    },
  );

  it.each([
    ['EDIT 2', texts.askStations],
    ['edit 1', texts.askDate],
    ['Edit: 3', texts.askDeparture],
    ['edit 4', texts.askTicketType],
    ['EDIT 5', texts.askTicket],
    ['change the date', texts.askDate],
    ['3', texts.askDeparture],
  ])('"%s" in one message goes straight to that field', (text, question) => {
    const decision = decide(summary, message(text), inSummer());

    expect(reply(decision)).toBe(question);
    expect(journeyOf(decision).editing).toBe(true);
  });

  it('a new ticket photo in place of the old one discards the old file', () => {
    const asked = decide(summary, message('edit 5'), inSummer());
    const sent = decide(asked.next!, message('', [PHOTO]), inSummer());
    expect(effectTypes(sent)).toEqual(['store-ticket']);

    const stored = decide(
      sent.next!,
      { kind: 'ticket-stored', outcome: 'stored', ticketFileIds: ['file-b'] },
      inSummer(),
    );
    expect(stored.effects[0]).toEqual({ type: 'discard-tickets', ticketFileIds: ['file-a'] });
    expect(stored.next).toEqual(report('summary', { ...WHOLE_DRAFT, ticketFileIds: ['file-b'] }));
  });

  it('SKIP in place of the old ticket discards it and shows "none"', () => {
    const asked = decide(summary, message('edit 5'), inSummer());
    const skipped = decide(asked.next!, message('SKIP'), inSummer());

    expect(skipped.effects[0]).toEqual({ type: 'discard-tickets', ticketFileIds: ['file-a'] });
    expect(reply(skipped)).toContain('*5* Ticket: none');
  });

  it('a refused date while editing keeps asking for the date, and the rest of the journey is kept', () => {
    const asked = decide(summary, message('edit 1'), inSummer());
    const refused = decide(asked.next!, message('tomorrow'), inSummer());

    expect(refused.next).toEqual(asked.next);
    const { date: _d, ...rest } = WHOLE_DRAFT;
    expect(journeyOf(refused).draft).toEqual(rest);
  });
});

describe('CANCEL and the global commands during a report', () => {
  const withTickets = report('summary', { ...WHOLE_DRAFT, ticketFileIds: ['file-a', 'file-b'] });
  const midway = report('departure', STATIONS_DONE);

  it('CANCEL abandons the report, discards its stored ticket files and goes back to the menu', () => {
    const decision = decide(withTickets, message('CANCEL'), inSummer());

    expect(decision.effects).toEqual([
      { type: 'discard-tickets', ticketFileIds: ['file-a', 'file-b'] },
      { type: 'reply', text: `${texts.reportCancelled}\n\n${texts.menu}` },
    ]);
    expect(decision.next).toEqual({ step: 'menu' });
  });

  it('CANCEL with no ticket stored discards nothing', () => {
    const decision = decide(midway, message('cancel'), inSummer());

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(decision.next).toEqual({ step: 'menu' });
  });

  it('CANCEL while a ticket is being changed discards the file still held for it', () => {
    const decision = decide(report('ticket', WHOLE_DRAFT, { editing: true }), message('cancel'), inSummer());

    expect(decision.effects[0]).toEqual({ type: 'discard-tickets', ticketFileIds: ['file-a'] });
  });

  it('MENU leaves the report, discarding its tickets, and shows the menu', () => {
    const decision = decide(withTickets, message('menu'), inSummer());

    expect(decision.effects[0]).toEqual({ type: 'discard-tickets', ticketFileIds: ['file-a', 'file-b'] });
    expect(decision.next).toEqual({ step: 'menu' });
    expect(reply(decision)).toBe(`${texts.reportDropped}\n\n${texts.menu}`);
  });

  it('SETTINGS leaves the report, discarding its tickets, and shows the settings', () => {
    const decision = decide(withTickets, message('Settings'), inSummer());

    expect(decision.effects[0]).toEqual({ type: 'discard-tickets', ticketFileIds: ['file-a', 'file-b'] });
    expect(decision.next).toEqual({ step: 'settings' });
    expect(reply(decision)).toContain('*Your settings*');
  });

  it('DELETE MY DATA discards the tickets, says the report was dropped and asks for confirmation', () => {
    const decision = decide(withTickets, message('delete my data'), inSummer());

    expect(decision.effects).toEqual([
      { type: 'discard-tickets', ticketFileIds: ['file-a', 'file-b'] },
      { type: 'reply', text: `${texts.reportDropped}\n\n${texts.confirmDelete}` },
    ]);
    expect(decision.next).toEqual({ step: 'confirm-delete', returnTo: 'menu' });
  });

  it('HELP shows the help and asks the same question again, keeping the report', () => {
    const decision = decide(midway, message('help'), inSummer());

    expect(decision.next).toEqual(midway);
    expect(reply(decision)).toBe(`${texts.help}\n\n${texts.askDeparture}`);
    for (const word of ['DELAY', 'STATUS', 'CANCEL']) expect(texts.help).toContain(word);
  });

  it.each([
    ['STOP', true, texts.stopped],
    ['START', false, texts.started],
  ] as const)('%s sets opted_out to %s and the report goes on', (text, value, said) => {
    const decision = decide(midway, message(text), inSummer());

    expect(decision.effects).toEqual([
      { type: 'set-preference', key: 'opted_out', value },
      { type: 'reply', text: `${said}\n\n${texts.askDeparture}` },
    ]);
    expect(decision.next).toEqual(midway);
  });

  it('STATUS loads the journeys and keeps the report; the list comes back with the question', () => {
    const asked = decide(midway, message('status'), inSummer());
    expect(asked.effects).toEqual([{ type: 'load-journeys' }]);
    expect(asked.next).toEqual(midway);

    const listed = decide(midway, { kind: 'journeys-loaded', journeys: [] }, inSummer());
    expect(listed.next).toEqual(midway);
    expect(reply(listed)).toBe(`${texts.statusNone}\n\n${texts.askDeparture}`);
  });

  it.each(['DELAY', 'claim', 'report a delay'])(
    '%s during a report says one is under way and asks the question again',
    (text) => {
      const decision = decide(midway, message(text), inSummer());

      expect(decision.next).toEqual(midway);
      expect(reply(decision)).toBe(`${texts.alreadyReporting}\n\n${texts.askDeparture}`);
    },
  );

  it('a report whose account was deleted meanwhile starts over with the welcome', () => {
    const decision = decide(withTickets, message('yes'), { ...inSummer(), user: undefined });

    expect(decision.next).toEqual({ step: 'awaiting-consent' });
    expect(effectTypes(decision)).toEqual(['reply']);
  });
});
