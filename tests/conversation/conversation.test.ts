// Whole conversations, played the way the runtime plays them (see simulator.ts).
import { texts } from '../../src/conversation/texts';
import { makeSimulator, replyTexts } from './simulator';

describe('a whole conversation', () => {
  it('follows first contact, NO, first contact again, YES, a wrong code, RESEND, the right code, a settings change, STOP, START and DELETE MY DATA', () => {
    const sim = makeSimulator();

    expect(replyTexts(sim.send('Hello'))).toEqual([texts.welcome]);
    expect(replyTexts(sim.send('no'))).toEqual([texts.goodbyeNoConsent]);
    expect(sim.state).toBeUndefined();
    expect(sim.context.user).toBeUndefined();

    expect(replyTexts(sim.send('hi again'))).toEqual([texts.welcome]);
    expect(sim.send('YES').map((e) => e.type)).toEqual(['register-user', 'start-verification', 'reply']);
    expect(sim.context.user).toEqual({ id: 'u1', verified: false });

    sim.nextCheck('wrong-code');
    expect(sim.send('111111')).toEqual([{ type: 'check-verification' }, { type: 'reply', text: texts.wrongCode(4) }]);

    sim.advance(10);
    expect(replyTexts(sim.send('RESEND'))).toEqual([texts.resendWait(50)]);
    sim.advance(50);
    // The same verification is sent again: the wrong code still counts against it.
    expect(sim.send('resend')).toEqual([{ type: 'start-verification' }, { type: 'reply', text: texts.codeResent(4) }]);

    sim.nextCheck('approved');
    const approved = sim.send('222 222');
    expect(approved.map((e) => e.type)).toEqual(['check-verification', 'mark-verified', 'reply']);
    expect(sim.context.user).toEqual({ id: 'u1', verified: true });
    expect(sim.state).toEqual({ step: 'menu' });

    sim.send('2');
    expect(sim.send('notifications off')).toContainEqual({
      type: 'set-preference',
      key: 'notifications',
      value: false,
    });
    sim.send('2');
    sim.send('KGX');
    expect(sim.context.preferences).toEqual({ notifications: false, home_station: 'KGX' });

    expect(sim.send('STOP')[0]).toEqual({ type: 'set-preference', key: 'opted_out', value: true });
    expect(sim.send('START')[0]).toEqual({ type: 'set-preference', key: 'opted_out', value: false });

    expect(replyTexts(sim.send('DELETE MY DATA'))).toEqual([texts.confirmDelete]);
    expect(sim.send('DELETE')).toEqual([{ type: 'delete-user' }, { type: 'reply', text: texts.deleted }]);
    expect(sim.state).toBeUndefined();
    expect(sim.context.user).toBeUndefined();

    expect(replyTexts(sim.send('hello'))).toEqual([texts.welcome]);
  });

  it('a sender who types 5 wrong codes has the verification cancelled, gets a new one with RESEND and can still verify', () => {
    const sim = makeSimulator();
    sim.send('hi');
    sim.send('yes');
    for (let i = 0; i < 4; i++) sim.send('000000');

    expect(sim.send('000000')).toEqual([
      { type: 'check-verification' },
      { type: 'cancel-verification' },
      { type: 'reply', text: texts.noChecksLeft },
    ]);
    expect(sim.send('000000')).toEqual([{ type: 'reply', text: texts.triesUsedUp }]);
    sim.advance(60);
    expect(sim.send('RESEND')).toEqual([
      { type: 'cancel-verification' },
      { type: 'start-verification' },
      { type: 'reply', text: texts.codeSent },
    ]);
    sim.nextCheck('wrong-code');
    expect(replyTexts(sim.send('111111'))).toEqual([texts.wrongCode(4)]);
    sim.nextCheck('approved');
    sim.send('123456');

    expect(sim.context.user?.verified).toBe(true);
  });

  it('a reply that is not a 6-digit code gets the format hint and costs no try', () => {
    const sim = makeSimulator();
    sim.send('hi');
    sim.send('yes');

    expect(sim.send('12345')).toEqual([{ type: 'reply', text: texts.codeFormatHint }]);
    sim.nextCheck('wrong-code');
    expect(replyTexts(sim.send('123-455'))).toEqual([texts.wrongCode(4)]);
  });

  it('too many sends at YES explains the wait, and RESEND after the cooldown sends a code', () => {
    const sim = makeSimulator();
    sim.send('hi');
    sim.nextStart('too-many-sends');

    expect(replyTexts(sim.send('yes'))).toEqual([texts.tooManySends]);
    sim.advance(60);
    expect(replyTexts(sim.send('RESEND'))).toEqual([texts.codeSent]);
  });

  it('an expired code is explained and RESEND is the way forward', () => {
    const sim = makeSimulator();
    sim.send('hi');
    sim.send('yes');
    sim.nextCheck('expired');

    expect(replyTexts(sim.send('123456'))).toEqual([texts.codeExpired]);
    expect(sim.send('123456')).toEqual([{ type: 'reply', text: texts.codeExpired }]);
    sim.advance(60);
    expect(sim.send('RESEND')).toEqual([{ type: 'start-verification' }, { type: 'reply', text: texts.codeSent }]);
  });
});

describe('a whole delay report (flow 6)', () => {
  const SUMMER = new Date('2026-07-15T11:00:00.000Z');
  const WINTER = new Date('2026-11-20T11:00:00.000Z');
  const PHOTO = {
    url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
    contentType: 'image/png',
  };
  const verifiedAt = (now: Date) =>
    makeSimulator({ state: { step: 'menu' }, context: { user: { id: 'u1', verified: true }, now } });

  it('in summer: menu 1, every step with a refusal on the way, a ticket photo, YES, and the reference', () => {
    const sim = verifiedAt(SUMMER);

    expect(replyTexts(sim.send('1'))).toEqual([`${texts.reportIntro}\n\n${texts.askDate}`]);
    expect(replyTexts(sim.send('31/02/2026'))).toEqual([`${texts.dateNotRead}\n\n${texts.askDate}`]);
    expect(replyTexts(sim.send('yesterday'))).toEqual([texts.askStations]);
    expect(replyTexts(sim.send('kings x to manchster'))[0]).toContain('*1* Manchester Piccadilly (MAN)');
    expect(replyTexts(sim.send('1'))).toEqual([texts.askDeparture]);
    expect(replyTexts(sim.send('25:99'))).toEqual([`${texts.notATime}\n\n${texts.askDeparture}`]);
    expect(replyTexts(sim.send('2:30pm'))).toEqual([texts.askArrival]);
    expect(replyTexts(sim.send('1645'))).toEqual([texts.askTicketType]);
    expect(replyTexts(sim.send('2'))).toEqual([texts.askTicket]);
    const stored = sim.send('', [PHOTO]);
    expect(stored.map((e) => e.type)).toEqual(['store-ticket', 'reply']);
    expect(replyTexts(stored)[0]).toContain('*5* Ticket: 1 photo');

    const sent = sim.send('YES');
    expect(sent.map((e) => e.type)).toEqual(['submit-journey', 'reply']);
    expect(sim.submitted).toEqual([
      {
        date: '2026-07-14',
        originCrs: 'KGX',
        destinationCrs: 'MAN',
        departureDatetime: '2026-07-14T14:30:00+01:00',
        arrivalDatetime: '2026-07-14T16:45:00+01:00',
        journeyType: 'return',
        ticketFileIds: ['file-1'],
      },
    ]);
    expect(replyTexts(sent)).toEqual([`${texts.submitted('RR-7K3F91')}\n\n${texts.menu}`]);
    expect(sim.state).toEqual({ step: 'menu' });
    expect(sim.heldFiles).toEqual([]);
  });

  it('in winter: a sentence pre-fills date and stations, a too-large file is refused, SKIP, EDIT 3, YES', () => {
    const sim = verifiedAt(WINTER);

    expect(replyTexts(sim.send('My train from Leeds to York was 40 minutes late yesterday'))[0]).toContain(
      texts.askDeparture,
    );
    sim.send('23:40');
    sim.send('00:15');
    sim.send('single');
    sim.nextStore('too-large');
    expect(replyTexts(sim.send('', [PHOTO]))).toEqual([
      [texts.ticketTooLarge, texts.ticketAccepted, texts.askTicket].join('\n\n'),
    ]);
    expect(replyTexts(sim.send('SKIP'))[0]).toContain('*3* Times: departs 23:40, arrives 00:15 (next day)');
    expect(replyTexts(sim.send('EDIT 3'))).toEqual([texts.askDeparture]);
    sim.send('22:10');
    expect(replyTexts(sim.send('23:05'))[0]).toContain('*3* Times: departs 22:10, arrives 23:05');
    sim.send('yes');

    expect(sim.submitted).toEqual([
      {
        date: '2026-11-19',
        originCrs: 'LDS',
        destinationCrs: 'YRK',
        departureDatetime: '2026-11-19T22:10:00+00:00',
        arrivalDatetime: '2026-11-19T23:05:00+00:00',
        journeyType: 'single',
        ticketFileIds: [],
      },
    ]);
  });

  it('CANCEL after two ticket pages were stored leaves no file held and nothing submitted', () => {
    const sim = verifiedAt(SUMMER);
    for (const text of ['delay', 'today', 'Leeds to York', '9:00', '10:00', 'return']) sim.send(text);
    sim.send('', [PHOTO]);
    sim.send('', [PHOTO]);
    expect(sim.heldFiles).toEqual(['file-1', 'file-2']);

    const cancelled = sim.send('CANCEL');
    expect(cancelled[0]).toEqual({ type: 'discard-tickets', ticketFileIds: ['file-1', 'file-2'] });
    expect(sim.heldFiles).toEqual([]);
    expect(sim.submitted).toEqual([]);
    expect(sim.state).toEqual({ step: 'menu' });
  });
});
