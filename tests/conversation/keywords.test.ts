import { globalCommand, hasDigits, journeyCommand, looksLikeCode, normalise } from '../../src/conversation/keywords';

describe('keywords', () => {
  it.each([
    ['DELAY', 'delay'],
    ['delay!', 'delay'],
    ['Report a delay', 'delay'],
    ['claim', 'delay'],
    ['Make a claim.', 'delay'],
    ['STATUS', 'status'],
    ['status?', 'status'],
    ['my journeys', 'status'],
    ['My claims', 'status'],
  ] as const)('"%s" is the journey command %s', (text, command) => {
    expect(journeyCommand(text)).toBe(command);
  });

  it.each(['delayed', 'status of my claim please', 'claim 2', '1', 'yes'])('"%s" is no journey command', (text) => {
    expect(journeyCommand(text)).toBeUndefined();
  });

  it.each([
    ['help', 'help'],
    ['HELP?', 'help'],
    [' Menu ', 'menu'],
    ['cancel.', 'cancel'],
    ['STOP', 'stop'],
    ['Start!', 'start'],
    ['settings', 'settings'],
    ['DELETE MY DATA', 'delete-my-data'],
    ['delete\u00a0my  data!', 'delete-my-data'],
  ] as const)('"%s" is the command %s', (text, command) => {
    expect(globalCommand(text)).toBe(command);
  });

  it.each(['help me please', 'stopping', 'delete', 'my data'])('"%s" is no command', (text) => {
    expect(globalCommand(text)).toBeUndefined();
  });

  it('normalising drops zero-width spaces, full-width letters and trailing punctuation', () => {
    expect(normalise('\u200bＹＥＳ!\u200b')).toBe('yes');
  });

  it.each(['123456', '123 456', '123-456', '12 34 56', '\u00a0654321 ', '123 - 456'])(
    '"%s" is a 6-digit code',
    (text) => {
      expect(looksLikeCode(text)).toBe(true);
    },
  );

  it.each(['1234', '12345', '1234567', '1234567890', '123456.', '１２３４５６', 'abc123', '12-34', ''])(
    '"%s" is not a 6-digit code',
    (text) => {
      expect(looksLikeCode(text)).toBe(false);
    },
  );

  it.each([
    ['123', true],
    ['my code is 123456', true],
    ['１２３', true],
    ['resend', false],
    ['', false],
  ] as const)('"%s" has digits: %s', (text, expected) => {
    expect(hasDigits(text)).toBe(expected);
  });
});
