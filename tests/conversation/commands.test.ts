import { decide } from '../../src/conversation/decide';
import { texts } from '../../src/conversation/texts';
import type { ConversationContext, ConversationState } from '../../src/conversation/types';
import { awaitingCode, effectTypes, message, replies, stranger, unverified, verified } from './fixtures';

const COMMANDS = ['HELP', 'MENU', 'CANCEL', 'STOP', 'START', 'SETTINGS', 'DELETE MY DATA'] as const;

const STATES: ConversationState[] = [
  { step: 'new' },
  { step: 'awaiting-consent' },
  awaitingCode(),
  { step: 'menu' },
  { step: 'settings' },
  { step: 'settings-home-station' },
  { step: 'settings-home-station', choices: ['MAN', 'MCV'] },
  { step: 'confirm-delete', returnTo: 'menu' },
  { step: 'confirm-delete', returnTo: 'awaiting-code' },
  { step: 'journey', ask: 'date', draft: {} },
];

const SENDERS: Array<[string, () => ConversationContext]> = [
  ['a stranger', stranger],
  ['an unverified user', unverified],
  ['a verified user', verified],
];

const cases = COMMANDS.flatMap((command) =>
  SENDERS.flatMap(([who, ctx]) => STATES.map((state) => [command, who, state.step, state, ctx] as const)),
);

describe('global commands in every state (flow 4)', () => {
  it.each(cases)('%s from %s in state %s gets a reply', (command, _who, _step, state, ctx) => {
    const decision = decide(state, message(command), ctx());

    expect(replies(decision).length).toBeGreaterThanOrEqual(1);
    for (const text of replies(decision)) expect(text.length).toBeLessThan(1600);
  });

  it.each(STATES.map((s) => [s.step, s] as const))(
    'STOP from a user in state %s opts out and mentions START',
    (_step, state) => {
      const decision = decide(state, message('stop'), verified());

      expect(decision.effects).toContainEqual({ type: 'set-preference', key: 'opted_out', value: true });
      expect(replies(decision).join('\n')).toContain('START');
    },
  );

  it.each(STATES.map((s) => [s.step, s] as const))('START from a user in state %s opts back in', (_step, state) => {
    const decision = decide(state, message('Start'), unverified());

    expect(decision.effects).toContainEqual({ type: 'set-preference', key: 'opted_out', value: false });
  });

  // In a delay report it also says the report was dropped: tests/conversation/journey-steps.test.ts.
  it.each(STATES.filter((s) => s.step !== 'confirm-delete' && s.step !== 'journey').map((s) => [s.step, s] as const))(
    'DELETE MY DATA from a user in state %s asks for confirmation first',
    (_step, state) => {
      const decision = decide(state, message('delete my data'), verified());

      expect(effectTypes(decision)).toEqual(['reply']);
      expect(decision.next).toEqual({ step: 'confirm-delete', returnTo: 'menu' });
      expect(replies(decision)).toEqual([texts.confirmDelete]);
    },
  );

  it.each(['DELETE', 'yes', ' Delete! '])(
    '"%s" confirms the deletion, deletes the user and forgets the state',
    (text) => {
      const decision = decide({ step: 'confirm-delete', returnTo: 'menu' }, message(text), verified());

      expect(decision.effects).toEqual([{ type: 'delete-user' }, { type: 'reply', text: texts.deleted }]);
      expect(decision.next).toBeUndefined();
    },
  );

  it('anything else at the confirmation keeps the data and goes back to the menu', () => {
    const decision = decide({ step: 'confirm-delete', returnTo: 'menu' }, message('no'), verified());

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(decision.next).toEqual({ step: 'menu' });
    expect(replies(decision)[0]).toContain(texts.deleteCancelled);
  });

  it('an unverified user who keeps their data goes back to waiting for a code', () => {
    const decision = decide({ step: 'confirm-delete', returnTo: 'awaiting-code' }, message('keep'), unverified());

    expect(decision.next?.step).toBe('awaiting-code');
    expect(replies(decision)[0]).toContain(texts.deleteCancelled);
  });

  it('another command at the confirmation keeps the data and runs the command', () => {
    const decision = decide({ step: 'confirm-delete', returnTo: 'menu' }, message('SETTINGS'), verified());

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(decision.next).toEqual({ step: 'settings' });
    expect(replies(decision)[0]).toContain(texts.deleteCancelled);
    expect(replies(decision)[0]).toContain('*Your settings*');
  });

  it('DELETE MY DATA from a stranger says there is nothing to delete', () => {
    const decision = decide({ step: 'new' }, message('DELETE MY DATA'), stranger());

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(replies(decision)).toEqual([texts.noDataToDelete]);
  });

  it('STOP from a stranger stores nothing and forgets the conversation', () => {
    const decision = decide({ step: 'awaiting-consent' }, message('STOP'), stranger());

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(decision.next).toBeUndefined();
    expect(replies(decision)[0]).toContain('START');
  });

  it('START from a stranger shows the welcome', () => {
    const decision = decide({ step: 'new' }, message('start'), stranger());

    expect(decision.next).toEqual({ step: 'awaiting-consent' });
    expect(replies(decision)).toEqual([texts.welcome]);
  });

  it.each(['MENU', 'SETTINGS'])('%s from a stranger explains an account is needed and offers to start', (text) => {
    const decision = decide({ step: 'new' }, message(text), stranger());

    expect(decision.next).toEqual({ step: 'awaiting-consent' });
    expect(replies(decision)).toEqual([texts.needsAccount]);
  });

  it.each(['MENU', 'SETTINGS'])('%s from an unverified user asks for the code first', (text) => {
    const decision = decide(awaitingCode(3), message(text), unverified());

    expect(decision.next).toEqual(awaitingCode(3));
    expect(replies(decision)).toEqual([texts.needsVerification]);
  });

  it('CANCEL in the settings goes back to the menu and keeps the account', () => {
    const decision = decide({ step: 'settings-home-station' }, message('cancel'), verified());

    expect(effectTypes(decision)).toEqual(['reply']);
    expect(decision.next).toEqual({ step: 'menu' });
    expect(replies(decision)[0]).toContain(texts.cancelled);
  });

  it('CANCEL at the welcome leaves without storing anything', () => {
    const decision = decide({ step: 'awaiting-consent' }, message('cancel'), stranger());

    expect(decision.next).toBeUndefined();
    expect(effectTypes(decision)).toEqual(['reply']);
  });

  it('HELP from a verified user lists the commands and keeps the state', () => {
    const decision = decide({ step: 'settings' }, message('help'), verified());

    expect(decision.next).toEqual({ step: 'settings' });
    expect(replies(decision)).toEqual([texts.help]);
    for (const word of ['MENU', 'SETTINGS', 'CANCEL', 'STOP', 'START', 'DELETE MY DATA']) {
      expect(texts.help).toContain(word);
    }
  });

  it('MENU from a verified user in the settings shows the menu', () => {
    const decision = decide({ step: 'settings' }, message('menu'), verified());

    expect(decision.next).toEqual({ step: 'menu' });
    expect(replies(decision)).toEqual([texts.menu]);
  });
});

describe('DELETE MY DATA while a code is pending', () => {
  it('keeps the code window and tries left when the sender says no', () => {
    const pending = { step: 'awaiting-code', codeSentAt: '2026-11-25T10:00:00.000Z', checksLeft: 2 } as const;
    const asked = decide(pending, message('DELETE MY DATA'), unverified());
    expect(asked.next).toMatchObject({ step: 'confirm-delete' });

    const declined = decide(asked.next!, message('no'), unverified());
    expect(declined.effects.map((effect) => effect.type)).not.toContain('delete-user');
    expect(declined.next).toEqual(pending);
  });
});
