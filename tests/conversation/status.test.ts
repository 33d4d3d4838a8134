// Flow 7: STATUS lists the last five journeys, newest first, with reference, date, route and status.
import { decide } from '../../src/conversation/decide';
import type { JourneySummary } from '../../src/conversation/journey-types';
import { texts } from '../../src/conversation/texts';
import type { ConversationState, Decision } from '../../src/conversation/types';
import { awaitingCode, effectTypes, message, replies, stranger, unverified } from './fixtures';
import { inSummer, inWinter, report, WHOLE_DRAFT } from './journey-fixtures';
import { makeSimulator, replyTexts } from './simulator';

const reply = (decision: Decision): string => replies(decision).join('\n\n');

const FIVE: JourneySummary[] = [
  { reference: 'RR-7K3F9Q', date: '2026-11-19', originCrs: 'LDS', destinationCrs: 'YRK', status: 'received' },
  { reference: 'RR-2B8C4D', date: '2026-11-12', originCrs: 'KGX', destinationCrs: 'EDB', status: 'eligible' },
  { reference: 'RR-9X1Y2Z', date: '2026-11-03', originCrs: 'EUS', destinationCrs: 'MAN', status: 'not_eligible' },
  { reference: 'RR-4M5N6P', date: '2026-10-30', originCrs: 'BRI', destinationCrs: 'CDF', status: 'paid' },
  { reference: 'RR-3Q4R5S', date: '2026-10-28', originCrs: 'PAD', destinationCrs: 'RDG', status: 'rejected' },
];

describe('STATUS', () => {
  it.each([
    { step: 'menu' },
    { step: 'settings' },
    { step: 'settings-home-station' },
    report('departure', { date: '2026-11-19', originCrs: 'LDS', destinationCrs: 'YRK' }),
  ] as ConversationState[])(
    'from a verified user in state %j asks the runtime for the journeys and says nothing yet',
    (state) => {
      const decision = decide(state, message('STATUS'), inWinter());

      expect(decision.effects).toEqual([{ type: 'load-journeys' }]);
      expect(decision.next).toEqual(state);
    },
  );

  it.each(['status', 'Status?', 'my journeys', 'my claims'])('"%s" is STATUS', (text) => {
    expect(effectTypes(decide({ step: 'menu' }, message(text), inWinter()))).toEqual(['load-journeys']);
  });

  it('with no journeys says so and how to report one', () => {
    const decision = decide({ step: 'menu' }, { kind: 'journeys-loaded', journeys: [] }, inWinter());

    expect(decision.next).toEqual({ step: 'menu' });
    expect(reply(decision)).toBe(`${texts.statusNone}\n\n${texts.statusFooter}`);
    expect(reply(decision)).toContain('*DELAY*');
  });

  it('with five journeys lists each with reference, date, route by station names and status, newest first', () => {
    const decision = decide({ step: 'menu' }, { kind: 'journeys-loaded', journeys: FIVE }, inWinter());

    expect(reply(decision)).toBe(
      [
        '*Your journeys*, newest first:',
        '*RR-7K3F9Q* Thu 19 Nov 2026\nLeeds to York: *received*',
        '*RR-2B8C4D* Thu 12 Nov 2026\nLondon Kings Cross to Edinburgh Waverley: *eligible*',
        '*RR-9X1Y2Z* Tue 3 Nov 2026\nLondon Euston to Manchester Piccadilly: *not eligible*',
        '*RR-4M5N6P* Fri 30 Oct 2026\nBristol Temple Meads to Cardiff Central: *paid*',
        '*RR-3Q4R5S* Wed 28 Oct 2026\nLondon Paddington to Reading: *rejected*',
        texts.statusFooter,
      ].join('\n\n'),
    );
  });

  it('never lists more than five, even if given more', () => {
    const seven = [...FIVE, ...FIVE.slice(0, 2).map((j) => ({ ...j, reference: `${j.reference}X` }))];
    const decision = decide({ step: 'menu' }, { kind: 'journeys-loaded', journeys: seven }, inWinter());

    expect(reply(decision).match(/\*RR-/g)).toHaveLength(5);
  });

  it('a code the station dataset does not know is shown as the code, and an odd date as given', () => {
    const odd: JourneySummary = {
      reference: 'RR-1',
      date: 'someday',
      originCrs: 'ZZZ',
      destinationCrs: 'YRK',
      status: 'received',
    };
    const decision = decide({ step: 'menu' }, { kind: 'journeys-loaded', journeys: [odd] }, inWinter());

    expect(reply(decision)).toContain('*RR-1* someday\nZZZ to York: *received*');
  });

  it("in the middle of a report, the list comes with the report's question and the report is kept", () => {
    const state = report('summary', WHOLE_DRAFT);
    const decision = decide(state, { kind: 'journeys-loaded', journeys: FIVE.slice(0, 1) }, inSummer());

    expect(decision.next).toEqual(state);
    expect(reply(decision)).toMatch(/^\*Your journeys\*[\s\S]*\*Please check your journey\*/);
  });

  it('from an unverified user asks to verify first', () => {
    const decision = decide(awaitingCode(2), message('STATUS'), unverified());

    expect(decision.next).toEqual(awaitingCode(2));
    expect(decision.effects).toEqual([{ type: 'reply', text: `${texts.verifyFirst('status')}\n\n${texts.codeHint}` }]);
  });

  it('from a stranger says an account comes first, with the welcome', () => {
    const decision = decide({ step: 'new' }, message('STATUS'), stranger());

    expect(decision.next).toEqual({ step: 'awaiting-consent' });
    expect(reply(decision)).toBe(`${texts.accountFirst('status')}\n\n${texts.welcome}`);
  });

  it('at the deletion confirmation keeps the data, says so, and loads the journeys', () => {
    const decision = decide({ step: 'confirm-delete', returnTo: 'menu' }, message('STATUS'), inWinter());

    expect(decision.effects).toEqual([{ type: 'reply', text: texts.deleteCancelled }, { type: 'load-journeys' }]);
    expect(decision.next).toEqual({ step: 'menu' });
  });

  it('played through the runtime, STATUS answers with one message listing the journeys', () => {
    const sim = makeSimulator({ state: { step: 'menu' }, context: inWinter() });
    sim.setJourneys(FIVE);

    const said = replyTexts(sim.send('STATUS'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('*RR-7K3F9Q*');
    expect(sim.state).toEqual({ step: 'menu' });
  });
});
