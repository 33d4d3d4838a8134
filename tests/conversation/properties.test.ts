// Properties that hold for any input: a reply every time, every reply under WhatsApp's limit,
// and a typed code never copied into state or effects.
import { decide } from '../../src/conversation/decide';
import { texts } from '../../src/conversation/texts';
import type { ConversationContext, ConversationState } from '../../src/conversation/types';
import { awaitingCode, message, replies, stranger, unverified, verified } from './fixtures';
import { makeSimulator, replyTexts } from './simulator';

const WHATSAPP_LIMIT = 1600;

const STATES: ConversationState[] = [
  { step: 'new' },
  { step: 'awaiting-consent' },
  awaitingCode(),
  awaitingCode(0),
  { step: 'menu' },
  { step: 'settings' },
  { step: 'settings-home-station' },
  { step: 'confirm-delete', returnTo: 'menu' },
  { step: 'confirm-delete', returnTo: 'awaiting-code' },
  { step: 'confirm-delete', returnTo: 'new' },
  { step: 'report-delay' },
];

const SENDERS: Array<[string, () => ConversationContext]> = [
  ['a stranger', stranger],
  ['an unverified user', unverified],
  ['a verified user', verified],
];

// Deterministic pseudo-random text (mulberry32) so a failure can be replayed.
function randomTexts(seed: number, count: number): string[] {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const alphabet = 'abcXYZ 0123456789!?.,\u00a0\u200béü🚆\n\t-';
  const out: string[] = ['', ' ', '\n', '🚆', 'x'.repeat(5000)];
  for (let i = 0; i < count; i++) {
    const length = Math.floor(next() * 20);
    out.push(Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
  }
  return out;
}

const INPUTS = randomTexts(42, 60);

describe('properties of every decision', () => {
  it.each(SENDERS.flatMap(([who, ctx]) => STATES.map((s) => [who, s.step, s, ctx] as const)))(
    'random input from %s in state %s always gets a reply under 1,600 characters',
    (_who, _step, state, ctx) => {
      for (const text of INPUTS) {
        const decision = decide(state, message(text), ctx());
        const effectTypes = decision.effects.map((e) => e.type);
        const deferred = effectTypes.includes('start-verification') || effectTypes.includes('check-verification');

        // A verification effect's reply comes in the round its outcome is fed back.
        if (!deferred) expect(replies(decision).length).toBeGreaterThanOrEqual(1);
        for (const reply of replies(decision)) expect(reply.length).toBeLessThan(WHATSAPP_LIMIT);
      }
    },
  );

  it('a media message without text gets a reply in every state', () => {
    for (const [, ctx] of SENDERS) {
      for (const state of STATES) {
        const decision = decide(
          state,
          { kind: 'message', text: '', media: [{ url: 'https://example.test/m', contentType: 'image/jpeg' }] },
          ctx(),
        );
        expect(replies(decision).length).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('every message of a conversation gets at least one reply once verification outcomes are fed back', () => {
    const sim = makeSimulator();
    for (const text of [
      'hi',
      'yes',
      '999999',
      'RESEND',
      'what',
      '123456',
      'menu',
      '1',
      '2',
      '1',
      '2',
      'XYZ',
      'EUS',
      'delete my data',
      'no',
      'help',
    ]) {
      expect(replyTexts(sim.send(text)).length).toBeGreaterThanOrEqual(1);
    }
  });

  it('a typed code never appears in the next state or in any effect, whatever the outcome', () => {
    for (const outcome of ['approved', 'wrong-code', 'expired', 'too-many-checks'] as const) {
      const sim = makeSimulator();
      sim.send('hi');
      sim.send('yes');
      sim.nextCheck(outcome);
      const effects = sim.send('482 915');

      expect(JSON.stringify({ effects, state: sim.state })).not.toMatch(/482 ?915/);
    }
  });

  it('every text in the catalog is under 1,600 characters', () => {
    const samples: string[] = [];
    for (const value of Object.values(texts)) {
      if (typeof value === 'string') samples.push(value);
    }
    samples.push(
      texts.wrongCode(5),
      texts.resendWait(3600),
      texts.notificationsSet(true),
      texts.homeStationSet('London Kings Cross', 'KGX'),
      texts.settings({ notifications: true, homeStation: 'KGX', optedOut: true }),
      [texts.deleteCancelled, texts.help].join('\n\n'),
      [texts.verified, texts.menu].join('\n\n'),
    );

    for (const text of samples) expect(text.length).toBeLessThan(WHATSAPP_LIMIT);
  });
});
