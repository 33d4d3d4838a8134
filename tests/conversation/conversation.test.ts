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
