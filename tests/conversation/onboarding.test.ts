import { decide } from '../../src/conversation/decide';
import { texts } from '../../src/conversation/texts';
import type { ConversationState } from '../../src/conversation/types';
import {
  NOW,
  awaitingCode,
  effectTypes,
  message,
  replies,
  secondsAfter,
  stranger,
  unverified,
  verified,
} from './fixtures';

describe('first contact (flow 1)', () => {
  it('a first message from a stranger gets the welcome with terms, privacy notice, YES and NO', () => {
    const decision = decide({ step: 'new' }, message('hi'), stranger());

    expect(decision.next).toEqual({ step: 'awaiting-consent' });
    expect(effectTypes(decision)).toEqual(['reply']);
    const [welcome] = replies(decision);
    expect(welcome).toContain('Delay Repay');
    expect(welcome).toContain('https://railrepay.co.uk/terms');
    expect(welcome).toContain('https://railrepay.co.uk/privacy');
    expect(welcome).toContain('*YES*');
    expect(welcome).toContain('*NO*');
  });

  it('a first message that happens to be YES still shows the welcome before anything is stored', () => {
    const decision = decide({ step: 'new' }, message('yes'), stranger());

    expect(decision.next).toEqual({ step: 'awaiting-consent' });
    expect(effectTypes(decision)).toEqual(['reply']);
  });

  it('NO at the welcome says goodbye, stores nothing and forgets the conversation', () => {
    const decision = decide({ step: 'awaiting-consent' }, message('No'), stranger());

    expect(decision.next).toBeUndefined();
    expect(decision.effects).toEqual([{ type: 'reply', text: texts.goodbyeNoConsent }]);
  });

  it('YES at the welcome registers the user and starts a verification with a fresh code window', () => {
    const decision = decide({ step: 'awaiting-consent' }, message(' Yes!'), stranger());

    expect(decision.effects).toEqual([{ type: 'register-user' }, { type: 'start-verification' }]);
    expect(decision.next).toEqual({ step: 'awaiting-code', codeSentAt: NOW.toISOString(), checksLeft: 5 });
  });

  it('anything else at the welcome repeats how to answer', () => {
    const decision = decide({ step: 'awaiting-consent' }, message('what is this'), stranger());

    expect(decision.next).toEqual({ step: 'awaiting-consent' });
    expect(replies(decision)).toEqual([texts.consentHint]);
  });

  it.each([
    ['sent', texts.codeSent],
    ['too-many-sends', texts.tooManySends],
    ['failed', texts.sendFailed],
  ] as const)('a verification start that ended %s gets its own reply', (outcome, text) => {
    const decision = decide(awaitingCode(), { kind: 'verification-started', outcome }, unverified());

    expect(decision.effects).toEqual([{ type: 'reply', text }]);
    expect(decision.next?.step).toBe('awaiting-code');
  });

  it('the code replies name the 6-digit code without assuming the Verify channel (sms, whatsapp or call)', () => {
    for (const text of [texts.codeSent, texts.codeHint, texts.unverifiedReturning]) {
      expect(text).toMatch(/code/);
      expect(text).not.toMatch(/text message|\btext you\b|\bSMS\b|\bcall\b/i);
    }
    expect(texts.codeSent).toContain('6-digit code');
  });

  it('a failed send lets RESEND work at once', () => {
    const failed = decide(awaitingCode(), { kind: 'verification-started', outcome: 'failed' }, unverified());
    const resend = decide(failed.next as ConversationState, message('RESEND'), unverified());

    expect(effectTypes(resend)).toEqual(['start-verification']);
  });

  it('a verified sender without state gets the menu', () => {
    const decision = decide({ step: 'new' }, message('hello'), verified());

    expect(decision.next).toEqual({ step: 'menu' });
    expect(replies(decision)).toEqual([texts.menu]);
  });

  it('an unverified sender without state is offered RESEND', () => {
    const decision = decide({ step: 'new' }, message('hello'), unverified());

    expect(decision.next?.step).toBe('awaiting-code');
    expect(replies(decision)).toEqual([texts.unverifiedReturning]);
    expect(texts.unverifiedReturning).toContain('RESEND');
  });

  it('an unverified sender without state who asks for RESEND gets a new code at once', () => {
    const decision = decide({ step: 'new' }, message('resend'), unverified());

    expect(effectTypes(decision)).toEqual(['start-verification']);
    expect(decision.next).toEqual(awaitingCode());
  });
});

describe('verification (flow 2)', () => {
  it.each(['123456', '123 456', ' 1234 ', '1234567890'])(
    'the code "%s" is checked without copying it anywhere',
    (code) => {
      const state = awaitingCode();
      const decision = decide(state, message(code), unverified());

      expect(decision.effects).toEqual([{ type: 'check-verification' }]);
      expect(decision.next).toEqual(state);
      const digits = code.replace(/ /g, '');
      expect(JSON.stringify(decision)).not.toContain(digits);
    },
  );

  it.each(['123', '12345678901', '12a456'])('"%s" is not taken for a code and gets the hint', (text) => {
    const decision = decide(awaitingCode(), message(text), unverified());

    expect(replies(decision)).toEqual([texts.codeHint]);
  });

  it('an approved code marks the user verified and shows the menu', () => {
    const decision = decide(awaitingCode(), { kind: 'verification-checked', outcome: 'approved' }, unverified());

    expect(effectTypes(decision)).toEqual(['mark-verified', 'reply']);
    expect(decision.next).toEqual({ step: 'menu' });
    expect(replies(decision)[0]).toContain(texts.verified);
    expect(replies(decision)[0]).toContain(texts.menu);
  });

  it('a wrong code says how many tries remain and counts one down', () => {
    const decision = decide(awaitingCode(5), { kind: 'verification-checked', outcome: 'wrong-code' }, unverified());

    expect(decision.next).toEqual(awaitingCode(4));
    expect(replies(decision)).toEqual([texts.wrongCode(4)]);
    expect(texts.wrongCode(4)).toContain('*4* tries left');
    expect(texts.wrongCode(1)).toContain('*1* try left');
  });

  it('a wrong code on the last try offers RESEND and no further checks', () => {
    const wrong = decide(awaitingCode(1), { kind: 'verification-checked', outcome: 'wrong-code' }, unverified());
    const again = decide(wrong.next as ConversationState, message('654321'), unverified());

    expect(replies(wrong)).toEqual([texts.noChecksLeft]);
    expect(wrong.next).toEqual(awaitingCode(0));
    expect(effectTypes(again)).toEqual(['reply']);
    expect(replies(again)).toEqual([texts.noChecksLeft]);
  });

  it.each([
    ['too-many-checks', texts.noChecksLeft],
    ['expired', texts.codeExpired],
  ] as const)('a check that ended %s explains and offers RESEND', (outcome, text) => {
    const decision = decide(awaitingCode(3), { kind: 'verification-checked', outcome }, unverified());

    expect(replies(decision)).toEqual([text]);
    expect(text).toContain('RESEND');
    expect(decision.next).toEqual(awaitingCode(0));
  });

  it('RESEND inside the cooldown says how many seconds to wait', () => {
    const decision = decide(awaitingCode(), message('resend'), unverified({ now: secondsAfter(15) }));

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(replies(decision)).toEqual([texts.resendWait(45)]);
    expect(decision.next).toEqual(awaitingCode());
  });

  it('RESEND rounds a part second up', () => {
    const now = new Date(NOW.getTime() + 59_500);
    const decision = decide(awaitingCode(), message('Resend'), unverified({ now }));

    expect(replies(decision)).toEqual([texts.resendWait(1)]);
  });

  it('RESEND after the cooldown starts a new verification and resets the window and tries', () => {
    const now = secondsAfter(60);
    const decision = decide(awaitingCode(0), message('RESEND.'), unverified({ now }));

    expect(decision.effects).toEqual([{ type: 'start-verification' }]);
    expect(decision.next).toEqual({ step: 'awaiting-code', codeSentAt: now.toISOString(), checksLeft: 5 });
  });
});
