import { decide } from '../../src/conversation/decide';
import { texts } from '../../src/conversation/texts';
import type { ConversationState } from '../../src/conversation/types';
import {
  NOW,
  awaitingCode,
  effectTypes,
  message,
  newVerification,
  replies,
  secondsAfter,
  stranger,
  unverified,
  verified,
} from './fixtures';

const MINUTE = 60;

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

  it('YES at the welcome registers the user and starts a new verification with all its tries', () => {
    const decision = decide({ step: 'awaiting-consent' }, message(' Yes!'), stranger());

    expect(decision.effects).toEqual([{ type: 'register-user' }, { type: 'start-verification' }]);
    expect(decision.next).toEqual(newVerification());
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
    const decision = decide(newVerification(), { kind: 'verification-started', outcome }, unverified());

    expect(decision.effects).toEqual([{ type: 'reply', text }]);
    expect(decision.next?.step).toBe('awaiting-code');
  });

  it('the code replies name the code without assuming the Verify channel (sms, whatsapp or call)', () => {
    for (const text of [texts.codeSent, texts.codeHint, texts.codeFormatHint, texts.unverifiedReturning]) {
      expect(text).toMatch(/code/);
      expect(text).not.toMatch(/text message|\btext you\b|\bSMS\b|\bcall\b/i);
    }
    expect(texts.codeSent).toContain('6-digit code');
  });

  it('a failed send lets RESEND work at once', () => {
    const failed = decide(newVerification(), { kind: 'verification-started', outcome: 'failed' }, unverified());
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

  it('an unverified sender without state who asks for RESEND gets a code at once, counted from now', () => {
    const decision = decide({ step: 'new' }, message('resend'), unverified());

    expect(effectTypes(decision)).toEqual(['start-verification']);
    expect(decision.next).toEqual(newVerification());
  });
});

describe('typing the code (flow 2)', () => {
  it.each(['123456', '123 456', '123-456', ' 123456 ', '12 34 56', '\u00a0654321', '123\u2003456'])(
    'the 6-digit code "%s" is checked without copying it anywhere',
    (code) => {
      const state = newVerification();
      const decision = decide(state, message(code), unverified());

      expect(decision.effects).toEqual([{ type: 'check-verification' }]);
      expect(decision.next).toEqual(state);
      expect(JSON.stringify(decision)).not.toContain(code.replace(/[\s-]/g, ''));
    },
  );

  it.each([
    ['too short', '1234'],
    ['one digit short', '12345'],
    ['one digit long', '1234567'],
    ['much too long', '1234567890'],
    ['short with a space', '123 45'],
    ['short with a dash', '12-34'],
    ['followed by a full stop', '123456.'],
    ['with a letter', '12a456'],
    ['inside a sentence', 'my code is 123456'],
    ['in full-width digits', '１２３４５６'],
  ])('a reply %s ("%s") gets the 6-digit format hint and costs no check', (_, text) => {
    const state = awaitingCode(3);
    const decision = decide(state, message(text), unverified());

    expect(decision.effects).toEqual([{ type: 'reply', text: texts.codeFormatHint }]);
    expect(decision.next).toEqual(state);
  });

  it('the format hint says what a code looks like and what to type next', () => {
    expect(texts.codeFormatHint).toMatch(/^The code is 6 digits, for example 123456\./);
    expect(texts.codeFormatHint).toContain('*RESEND*');
  });

  it.each([
    ['hello', texts.codeHint],
    ['what code?', texts.codeHint],
    ['', texts.codeHint],
  ])('a reply in words ("%s") gets the code hint', (text, reply) => {
    expect(replies(decide(awaitingCode(), message(text), unverified()))).toEqual([reply]);
  });

  it('commands still work at the code step', () => {
    expect(replies(decide(awaitingCode(), message('HELP'), unverified()))).toEqual([
      `${texts.help}\n\n${texts.codeHint}`,
    ]);
  });

  it('an approved code marks the user verified and shows the menu', () => {
    const decision = decide(awaitingCode(), { kind: 'verification-checked', outcome: 'approved' }, unverified());

    expect(effectTypes(decision)).toEqual(['mark-verified', 'reply']);
    expect(decision.next).toEqual({ step: 'menu' });
    expect(replies(decision)[0]).toContain(texts.verified);
    expect(replies(decision)[0]).toContain(texts.menu);
  });

  it('a wrong code says how many tries remain and counts one down', () => {
    const decision = decide(newVerification(), { kind: 'verification-checked', outcome: 'wrong-code' }, unverified());

    expect(decision.next).toEqual({ ...newVerification(), checksLeft: 4 });
    expect(replies(decision)).toEqual([texts.wrongCode(4)]);
    expect(texts.wrongCode(4)).toContain('*4* tries left');
    expect(texts.wrongCode(1)).toContain('*1* try left');
  });
});

describe('a verification whose 5 checks are used up', () => {
  it.each([
    ['the fifth wrong code', awaitingCode(1), 'wrong-code', texts.noChecksLeft],
    ['a check Twilio refused with 60202', awaitingCode(3), 'too-many-checks', texts.noChecksLeft],
  ] as const)('%s cancels the verification at Twilio and offers RESEND', (_, state, outcome, text) => {
    const decision = decide(state, { kind: 'verification-checked', outcome }, unverified());

    expect(decision.effects).toEqual([{ type: 'cancel-verification' }, { type: 'reply', text }]);
    expect(decision.next).toEqual({ ...state, checksLeft: 0 });
    expect(text).toContain('*RESEND*');
  });

  it('a further code is not checked: it could only be refused', () => {
    const decision = decide(awaitingCode(0), message('654321'), unverified());

    expect(decision.effects).toEqual([{ type: 'reply', text: texts.triesUsedUp }]);
  });

  it('RESEND after the cooldown cancels before it starts, so Twilio makes a new verification with all its tries', () => {
    const now = secondsAfter(MINUTE);
    const state = awaitingCode(0, NOW.toISOString(), { verificationStartedAt: NOW.toISOString() });

    const decision = decide(state, message('RESEND.'), unverified({ now }));

    expect(decision.effects).toEqual([{ type: 'cancel-verification' }, { type: 'start-verification' }]);
    expect(decision.next).toEqual(newVerification(now));
  });

  it('RESEND inside the cooldown only says how long to wait, and cancels nothing yet', () => {
    const decision = decide(awaitingCode(0), message('resend'), unverified({ now: secondsAfter(15) }));

    expect(decision.effects).toEqual([{ type: 'reply', text: texts.resendWait(45) }]);
    expect(decision.next).toEqual(awaitingCode(0));
  });

  it('the new verification is announced as a new code, not as a resend', () => {
    const decision = decide(newVerification(), { kind: 'verification-started', outcome: 'sent' }, unverified());

    expect(replies(decision)).toEqual([texts.codeSent]);
  });
});

describe('RESEND of a verification still pending at Twilio', () => {
  const started = NOW.toISOString();
  const pending = (checksLeft: number) => awaitingCode(checksLeft, started, { verificationStartedAt: started });

  it.each([
    ['a minute after it started', 1 * MINUTE],
    ['just before its 10 minutes are up', 10 * MINUTE - 1],
    ['within the minute allowed for Twilio creating it after we asked', 10 * MINUTE + 59],
  ])('%s resends it and keeps the tries it has left', (_, seconds) => {
    const now = secondsAfter(seconds);

    const decision = decide(pending(3), message('resend'), unverified({ now }));

    expect(decision.effects).toEqual([{ type: 'start-verification' }]);
    expect(decision.next).toEqual({ ...pending(3), codeSentAt: now.toISOString() });
  });

  it('the resend is announced with the true number of tries left', () => {
    const decision = decide(pending(3), { kind: 'verification-started', outcome: 'sent' }, unverified());

    expect(replies(decision)).toEqual([texts.codeResent(3)]);
    expect(texts.codeResent(3)).toContain('*3* tries left');
    expect(texts.codeResent(1)).toContain('*1* try left');
  });

  it('a resend of an untouched verification is announced as the code sent', () => {
    const decision = decide(pending(5), { kind: 'verification-started', outcome: 'sent' }, unverified());

    expect(replies(decision)).toEqual([texts.codeSent]);
  });

  it('once Twilio has surely ended it (10 minutes and the allowance), RESEND starts a new one with all its tries', () => {
    const now = secondsAfter(11 * MINUTE);

    const decision = decide(pending(2), message('resend'), unverified({ now }));

    expect(decision.effects).toEqual([{ type: 'start-verification' }]);
    expect(decision.next).toEqual(newVerification(now));
  });

  it('a verification whose start is unknown (state rebuilt) keeps its tries and is counted from now', () => {
    const now = secondsAfter(MINUTE);

    const decision = decide(awaitingCode(2), message('resend'), unverified({ now }));

    expect(decision.effects).toEqual([{ type: 'start-verification' }]);
    expect(decision.next).toEqual(awaitingCode(2, now.toISOString(), { verificationStartedAt: now.toISOString() }));
  });

  it('RESEND inside the cooldown says how many seconds to wait', () => {
    const decision = decide(pending(5), message('resend'), unverified({ now: secondsAfter(15) }));

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(replies(decision)).toEqual([texts.resendWait(45)]);
    expect(decision.next).toEqual(pending(5));
  });

  it('RESEND rounds a part second up', () => {
    const now = new Date(NOW.getTime() + 59_500);
    const decision = decide(pending(5), message('Resend'), unverified({ now }));

    expect(replies(decision)).toEqual([texts.resendWait(1)]);
  });
});

describe('a verification Twilio says is gone (20404)', () => {
  const expired = () => decide(awaitingCode(3), { kind: 'verification-checked', outcome: 'expired' }, unverified());

  it('is explained and offers RESEND, with nothing to cancel', () => {
    const decision = expired();

    expect(decision.effects).toEqual([{ type: 'reply', text: texts.codeExpired }]);
    expect(decision.next).toEqual({ ...awaitingCode(3), verificationEnded: true });
    expect(texts.codeExpired).toContain('*RESEND*');
  });

  it('a further code is not checked', () => {
    const decision = decide(expired().next as ConversationState, message('123456'), unverified());

    expect(decision.effects).toEqual([{ type: 'reply', text: texts.codeExpired }]);
  });

  it('RESEND starts a new verification with all its tries, without a cancel', () => {
    const now = secondsAfter(MINUTE);

    const decision = decide(expired().next as ConversationState, message('resend'), unverified({ now }));

    expect(decision.effects).toEqual([{ type: 'start-verification' }]);
    expect(decision.next).toEqual(newVerification(now));
  });
});
