// Properties every decision must keep, checked over every state, every kind of sender and a
// seeded stream of odd inputs (random text, codes, keywords with noise, odd Unicode, media only).
import { decide } from '../../src/conversation/decide';
import stations from 'uk-railway-stations';
import { MAX_CHOICES } from '../../src/stations/find-station';
import { parseState } from '../../src/conversation-runtime/state-store';
import { stateShowsNoAccount } from '../../src/conversation/no-account';
import { tidyJourney } from '../../src/conversation/journey';
import { texts } from '../../src/conversation/texts';
import type { JourneyDraft, JourneySummary } from '../../src/conversation/journey-types';
import type {
  ConversationContext,
  ConversationInput,
  ConversationState,
  Decision,
  Effect,
} from '../../src/conversation/types';
import { parsePreference } from '../../src/preferences/registry';
import { message, replies, SETTINGS } from './fixtures';
import { makeSimulator, replyTexts } from './simulator';

// The night the clocks go forward in the UK: time arithmetic must not trip over it.
const NOW = new Date('2026-03-29T00:30:00.000Z');
const WHATSAPP_LIMIT = 1600;

const FULL_DRAFT: JourneyDraft = {
  date: '2026-03-28',
  originCrs: 'LDS',
  destinationCrs: 'YRK',
  departure: { hour: 23, minute: 40 },
  arrival: { hour: 0, minute: 15 },
  journeyType: 'return',
  ticketFileIds: ['t1', 't2'],
};

// Every question of a delay report, with and without answers, while editing, and stored states
// an older version or a damaged value could leave (they must be asked again, never crash).
const JOURNEY_STATES: ConversationState[] = [
  { step: 'journey', ask: 'date', draft: {} },
  { step: 'journey', ask: 'origin', draft: { date: '2026-03-28' } },
  { step: 'journey', ask: 'origin', draft: { date: '2026-03-28', destinationCrs: 'YRK' } },
  { step: 'journey', ask: 'destination', draft: { date: '2026-03-28', originCrs: 'LDS' } },
  { step: 'journey', ask: 'choose-origin', draft: { date: '2026-03-28' }, choices: ['MAN', 'MCV', 'MCO'] },
  {
    step: 'journey',
    ask: 'choose-destination',
    draft: { date: '2026-03-28', originCrs: 'KGX' },
    choices: ['MAN', 'MCV', 'MCO', 'MIA', 'MUF'],
  },
  { step: 'journey', ask: 'departure', draft: { date: '2026-03-28', originCrs: 'LDS', destinationCrs: 'YRK' } },
  {
    step: 'journey',
    ask: 'arrival',
    draft: { date: '2026-03-28', originCrs: 'LDS', destinationCrs: 'YRK', departure: { hour: 1, minute: 30 } },
  },
  { step: 'journey', ask: 'ticket-type', draft: { ...FULL_DRAFT, journeyType: undefined, ticketFileIds: undefined } },
  { step: 'journey', ask: 'ticket', draft: { ...FULL_DRAFT, ticketFileIds: undefined } },
  { step: 'journey', ask: 'summary', draft: FULL_DRAFT },
  { step: 'journey', ask: 'summary', draft: { ...FULL_DRAFT, ticketFileIds: [] } },
  { step: 'journey', ask: 'edit', draft: FULL_DRAFT },
  { step: 'journey', ask: 'ticket', draft: FULL_DRAFT, editing: true },
  {
    step: 'journey',
    ask: 'origin',
    draft: { ...FULL_DRAFT, originCrs: undefined, destinationCrs: undefined },
    editing: true,
  },
  // Damaged or outdated: a summary of half a journey, unknown codes, an unknown question, no draft.
  { step: 'journey', ask: 'summary', draft: { date: '2026-03-28' } },
  { step: 'journey', ask: 'choose-origin', draft: {}, choices: ['ZZZ'] },
  {
    step: 'journey',
    ask: 'departure',
    draft: { date: '31/02/2026', originCrs: 'zzz', departure: { hour: 25, minute: 99 } },
  },
  { step: 'journey', ask: 'teleport', draft: {} } as unknown as ConversationState,
  { step: 'journey' } as unknown as ConversationState,
];

const STATES: ConversationState[] = [
  { step: 'new' },
  { step: 'awaiting-consent' },
  { step: 'awaiting-code', codeSentAt: NOW.toISOString(), checksLeft: 5 },
  { step: 'awaiting-code', codeSentAt: new Date(NOW.getTime() - 3600_000).toISOString(), checksLeft: 1 },
  { step: 'awaiting-code', codeSentAt: new Date(0).toISOString(), checksLeft: 0 },
  { step: 'awaiting-code', codeSentAt: 'not a date', checksLeft: 3 },
  {
    step: 'awaiting-code',
    codeSentAt: new Date(NOW.getTime() - 120_000).toISOString(),
    checksLeft: 2,
    verificationStartedAt: new Date(NOW.getTime() - 120_000).toISOString(),
  },
  {
    step: 'awaiting-code',
    codeSentAt: new Date(NOW.getTime() - 120_000).toISOString(),
    checksLeft: 0,
    verificationStartedAt: new Date(NOW.getTime() - 120_000).toISOString(),
  },
  {
    step: 'awaiting-code',
    codeSentAt: new Date(NOW.getTime() - 3600_000).toISOString(),
    checksLeft: 4,
    verificationStartedAt: new Date(NOW.getTime() - 3600_000).toISOString(),
  },
  { step: 'awaiting-code', codeSentAt: NOW.toISOString(), checksLeft: 3, verificationEnded: true },
  { step: 'awaiting-code', codeSentAt: NOW.toISOString(), checksLeft: 5, verificationStartedAt: 'not a date' },
  { step: 'menu' },
  { step: 'settings' },
  { step: 'settings-home-station' },
  { step: 'settings-home-station', choices: ['MAN', 'MCV', 'ZZZ'] },
  { step: 'confirm-delete', returnTo: 'menu' },
  { step: 'confirm-delete', returnTo: 'awaiting-code' },
  {
    step: 'confirm-delete',
    returnTo: 'awaiting-code',
    pendingCode: { codeSentAt: NOW.toISOString(), checksLeft: 0, verificationStartedAt: NOW.toISOString() },
  },
  { step: 'confirm-delete', returnTo: 'new' },
  ...JOURNEY_STATES,
];

const USERS: ConversationContext['user'][] = [undefined, { id: 'u1', verified: false }, { id: 'u1', verified: true }];

const PREFERENCES: ConversationContext['preferences'][] = [
  {},
  { notifications: false, opted_out: true, home_station: 'KGX' },
];

const WORDS = [
  'yes',
  'no',
  'help',
  'menu',
  'cancel',
  'stop',
  'start',
  'settings',
  'delete my data',
  'delete',
  'resend',
  'resend',
  '123456',
  '123 456',
  '123-456',
  '12345',
  '1234567',
  '123456.',
  'my code is 123456',
  '1',
  '2',
  '3',
  'on',
  'off',
  'notifications on',
  'notifications off',
  'home station',
  'KGX',
  'zzz',
  'London Kings Cross',
  'report a delay',
  'delay',
  'status',
  'skip',
  'edit',
  'edit 2',
  '7',
  'yesterday',
  '31/02/2026',
  '25:99',
  '14:30',
  'single',
  'kings x to manchster',
  'leeds to leeds',
  'my train from Leeds to York was 40 minutes late yesterday',
  'I want to claim compensation',
  '🚆🚆 to 🚉',
  '',
  ' ',
  '\u00a0',
  '\u200b',
  '🚆',
  'ＹＥＳ',
  'Ｓｔｏｐ',
  '\u202e',
];
const NOISE = ['', ' ', '!', '.', '?', '\u00a0', '\u2003', '\n', '\t', '!!', ' :)', '\u200b'];

/** A small deterministic generator so a failure names a seed that replays it. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomText(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const shape = Math.floor(random() * 5);
  if (shape === 0) return pick(NOISE) + pick(WORDS) + pick(NOISE);
  if (shape === 1) {
    const word = pick(WORDS);
    return word
      .split('')
      .map((c) => (random() < 0.5 ? c.toUpperCase() : c))
      .join('');
  }
  if (shape === 2) return String(Math.floor(random() * 10 ** (1 + Math.floor(random() * 11))));
  if (shape === 3) {
    const length = Math.floor(random() * 40);
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCodePoint(Math.floor(random() * 0x2fff));
    return text;
  }
  return 'x'.repeat(Math.floor(random() * 5000));
}

function contexts(): ConversationContext[] {
  return USERS.flatMap((user) =>
    PREFERENCES.map((preferences) => ({ user, preferences, now: NOW, settings: SETTINGS })),
  );
}

const STARTED = ['sent', 'too-many-sends', 'failed'] as const;
const CHECKED = ['approved', 'wrong-code', 'expired', 'too-many-checks'] as const;

/** Applies account effects to the context the way the runtime does. */
function applyToContext(context: ConversationContext, effects: Effect[]): ConversationContext {
  let next = context;
  for (const effect of effects) {
    if (effect.type === 'register-user') next = { ...next, user: { id: 'u1', verified: false } };
    if (effect.type === 'mark-verified') next = { ...next, user: { id: 'u1', verified: true } };
    if (effect.type === 'delete-user') next = { ...next, user: undefined, preferences: {} };
  }
  return next;
}

const FIVE_JOURNEYS: JourneySummary[] = Array.from({ length: 5 }, (_, i) => ({
  reference: `RR-7K3F9${i}`,
  date: `2026-03-2${i}`,
  originCrs: 'LDS',
  destinationCrs: 'YRK',
  status: 'received',
}));

/** Every outcome the runtime may feed back for the effect that asks for one. */
function feedbackFor(effect: Effect): ConversationInput[] {
  switch (effect.type) {
    case 'start-verification':
      return STARTED.map((outcome) => ({ kind: 'verification-started', outcome }));
    case 'check-verification':
      return CHECKED.map((outcome) => ({ kind: 'verification-checked', outcome }));
    case 'store-ticket':
      return [
        { kind: 'ticket-stored', outcome: 'stored', ticketFileIds: ['t9'] },
        { kind: 'ticket-stored', outcome: 'too-large', ticketFileIds: [] },
        { kind: 'ticket-stored', outcome: 'unsupported', ticketFileIds: [] },
        { kind: 'ticket-stored', outcome: 'failed', ticketFileIds: [] },
      ];
    case 'submit-journey':
      return [{ kind: 'journey-submitted', reference: 'RR-7K3F9Q' }];
    case 'load-journeys':
      return [
        { kind: 'journeys-loaded', journeys: [] },
        { kind: 'journeys-loaded', journeys: FIVE_JOURNEYS },
      ];
    default:
      return [];
  }
}

const FEEDBACK_INPUTS: ConversationInput[] = [
  ...STARTED.map((outcome) => ({ kind: 'verification-started' as const, outcome })),
  ...CHECKED.map((outcome) => ({ kind: 'verification-checked' as const, outcome })),
  ...feedbackFor({ type: 'store-ticket', media: [] }),
  { kind: 'ticket-stored', outcome: 'stored', ticketFileIds: [] },
  ...feedbackFor({ type: 'submit-journey', journey: {} as never }),
  ...feedbackFor({ type: 'load-journeys' }),
];

const asksForFeedback = (effects: Effect[]): boolean => effects.some((e) => feedbackFor(e).length > 0);

/**
 * The replies a message gets once the runtime has fed back every possible outcome of the effect
 * that asked for one: one list per outcome path.
 */
function repliesAfterFeedback(state: ConversationState, decision: Decision, context: ConversationContext): string[][] {
  const own = replies(decision);
  const asks = decision.effects.filter((e) => feedbackFor(e).length > 0);
  expect(asks.length).toBeLessThanOrEqual(1);
  const [ask] = asks;
  if (ask === undefined) return [own];
  const after = applyToContext(context, decision.effects);
  const next = decision.next ?? { step: 'new' };
  return feedbackFor(ask).map((input) => {
    const feedback = decide(next, input, after);
    expect(asksForFeedback(feedback.effects)).toBe(false);
    checkDecision(feedback, after, `${JSON.stringify(state)} then ${JSON.stringify(input)}`);
    return [...own, ...replies(feedback)];
  });
}

/** `pairing`: an outcome fed to a state it never meets (every outcome x every state), not a real turn. */
function checkDecision(decision: Decision, context: ConversationContext, label: string, pairing = false): void {
  // A decision the runtime can store and read back unchanged.
  if (decision.next !== undefined) {
    expect(parseState(JSON.stringify(decision.next))).toEqual(decision.next);
    if (decision.next.step === 'awaiting-code') {
      expect(decision.next.checksLeft).toBeGreaterThanOrEqual(0);
      expect(decision.next.checksLeft).toBeLessThanOrEqual(SETTINGS.maxChecks);
    }
  }
  let hasUser = context.user !== undefined;
  for (const effect of decision.effects) {
    switch (effect.type) {
      case 'reply':
        expect(effect.text.trim().length).toBeGreaterThan(0);
        expect(effect.text.length).toBeLessThan(WHATSAPP_LIMIT);
        break;
      case 'register-user':
        expect({ label, registerWithAccount: hasUser }).toEqual({ label, registerWithAccount: false });
        hasUser = true;
        break;
      case 'set-preference':
        expect(() => parsePreference(effect.key, effect.value)).not.toThrow();
        expect({ label, effect, hasUser }).toEqual({ label, effect, hasUser: true });
        break;
      case 'delete-user':
        expect({ label, effect, hasUser }).toEqual({ label, effect, hasUser: true });
        hasUser = false;
        break;
      default:
        expect({ label, effect, hasUser }).toEqual({ label, effect, hasUser: true });
    }
  }
  // The runtime trusts such a state and does not look the account up (src/conversation/no-account.ts).
  if (!pairing && decision.next !== undefined && stateShowsNoAccount(decision.next)) {
    expect({ label, next: decision.next.step, hasUser }).toEqual({ label, next: decision.next.step, hasUser: false });
  }
}

describe('decide keeps its promises for every state, sender and input', () => {
  const cases = STATES.flatMap((state) => contexts().map((context) => ({ state, context })));

  it('every message, in every state and for every sender, ends with at least one reply under 1,600 characters', () => {
    const random = prng(20261125);
    for (const { state, context } of cases) {
      for (let i = 0; i < 150; i++) {
        const text = randomText(random);
        const label = `${JSON.stringify(state)} ${JSON.stringify(context.user)} ${JSON.stringify(text.slice(0, 40))}`;
        const decision = decide(state, message(text), context);
        checkDecision(decision, context, label);
        for (const path of repliesAfterFeedback(state, decision, context)) {
          expect({ label, replies: path.length > 0 }).toEqual({ label, replies: true });
          for (const reply of path) expect(reply.length).toBeLessThan(WHATSAPP_LIMIT);
        }
      }
    }
  });

  it('a message with media and no text still gets a reply in every state', () => {
    for (const { state, context } of cases) {
      const decision = decide(
        state,
        message('', [{ url: 'https://example.test/m/1', contentType: 'image/jpeg' }]),
        context,
      );
      checkDecision(decision, context, JSON.stringify(state));
      for (const path of repliesAfterFeedback(state, decision, context)) expect(path.length).toBeGreaterThan(0);
    }
  });

  it('every outcome the runtime feeds back, in every state and for every sender, gets a reply and asks for no further outcome', () => {
    for (const { state, context } of cases) {
      for (const input of FEEDBACK_INPUTS) {
        const decision = decide(state, input, context);
        expect(replies(decision).length).toBeGreaterThan(0);
        expect(asksForFeedback(decision.effects)).toBe(false);
        // Journey outcomes touch the account's files only when there is an account.
        if (!input.kind.startsWith('verification')) {
          checkDecision(decision, context, `${JSON.stringify(state)} ${JSON.stringify(input)}`, true);
        }
      }
    }
  });

  it('a typed code never appears in the next state or in any effect, whatever the outcome', () => {
    const codes = ['739154', '739 154', '8203917', '73915482'];
    for (const { state, context } of cases) {
      for (const code of codes) {
        const decision = decide(state, message(code), context);
        const digits = code.replace(/ /g, '');
        expect(JSON.stringify(decision)).not.toContain(digits);
        expect(JSON.stringify(decision)).not.toContain(code);
        const after = applyToContext(context, decision.effects);
        for (const outcome of CHECKED) {
          const feedback = decide(decision.next ?? { step: 'new' }, { kind: 'verification-checked', outcome }, after);
          expect(JSON.stringify(feedback)).not.toContain(digits);
        }
      }
    }
  });

  it('decide gives the same decision for the same state, input and context (a retried message decides alike)', () => {
    const random = prng(7);
    for (const { state, context } of cases) {
      for (let i = 0; i < 20; i++) {
        const input = message(randomText(random));
        expect(decide(state, input, context)).toEqual(decide(state, input, context));
      }
    }
  });

  it('every message of a played-through conversation gets a reply once verification outcomes are fed back', () => {
    const sim = makeSimulator();
    const script = ['hi', 'yes', '999999', 'RESEND', 'what', '123456', 'menu', '1', '2', '1', '2', 'XYZ', 'EUS'];
    for (const text of [...script, 'delete my data', 'no', 'help']) {
      expect({ text, replied: replyTexts(sim.send(text)).length > 0 }).toEqual({ text, replied: true });
    }
  });

  it('only a message that is 6 digits, as the check reads it, is ever sent to Twilio to check', () => {
    const random = prng(60202);
    for (const { state, context } of cases) {
      for (let i = 0; i < 150; i++) {
        const text = randomText(random);
        const decision = decide(state, message(text), context);
        if (!decision.effects.some((e) => e.type === 'check-verification')) continue;
        const asTheCheckReadsIt = text.replace(/[\s-]/g, '');
        expect({ text, sixDigits: /^[0-9]{6}$/.test(asTheCheckReadsIt) }).toEqual({ text, sixDigits: true });
      }
    }
  });

  it('a cancel-verification always comes before a start-verification, and a used-up verification is never resent', () => {
    const random = prng(60203);
    for (const { state, context } of cases) {
      for (const text of ['resend', 'RESEND!', 'yes', ...Array.from({ length: 50 }, () => randomText(random))]) {
        const decision = decide(state, message(text), context);
        const types = decision.effects.map((e) => e.type);
        const label = `${JSON.stringify(state)} ${JSON.stringify(context.user)} ${JSON.stringify(text.slice(0, 40))}`;
        if (types.includes('cancel-verification')) {
          expect({
            label,
            cancelFirst: types.indexOf('cancel-verification') < types.indexOf('start-verification'),
          }).toEqual({ label, cancelFirst: true });
        }
        const usedUp = state.step === 'awaiting-code' && state.checksLeft <= 0 && context.user?.verified === false;
        if (usedUp && types.includes('start-verification')) {
          expect({ label, types }).toEqual({ label, types: ['cancel-verification', 'start-verification'] });
        }
      }
    }
  });

  it('RESEND gives back tries only with a new verification: after a cancel, once Twilio ended it, or after 11 minutes', () => {
    const later = [0, 61, 10 * 60 + 59, 11 * 60].map((seconds) => new Date(NOW.getTime() + seconds * 1000));
    for (const { state, context } of cases) {
      for (const now of later) {
        const decision = decide(state, message('resend'), { ...context, now });
        const before = state.step === 'awaiting-code' ? state : undefined;
        const after = decision.next?.step === 'awaiting-code' ? decision.next : undefined;
        if (before === undefined || after === undefined || context.user?.verified !== false) continue;
        if (after.checksLeft <= before.checksLeft) continue;
        const startedAt = Date.parse(before.verificationStartedAt ?? '');
        const label = `${JSON.stringify(before)} at ${now.toISOString()}`;
        expect({
          label,
          newVerification:
            decision.effects.some((e) => e.type === 'cancel-verification') ||
            before.verificationEnded === true ||
            now.getTime() - startedAt >= 11 * 60_000,
        }).toEqual({ label, newVerification: true });
      }
    }
  });

  it('every check outcome that leaves no tries cancels the verification, and none other does', () => {
    for (const { state, context } of cases) {
      for (const outcome of CHECKED) {
        const decision = decide(state, { kind: 'verification-checked', outcome }, context);
        const cancels = decision.effects.some((e) => e.type === 'cancel-verification');
        const usedUp =
          outcome === 'too-many-checks' ||
          (outcome === 'wrong-code' && decision.next?.step === 'awaiting-code' && decision.next.checksLeft === 0);
        expect({ state, outcome, cancels }).toEqual({ state, outcome, cancels: usedUp });
      }
    }
  });

  it('decide does not change the state or context it was given', () => {
    for (const { state, context } of cases) {
      const stateCopy = JSON.stringify(state);
      const contextCopy = JSON.stringify(context);
      decide(state, message('2'), context);
      decide(state, { kind: 'verification-checked', outcome: 'wrong-code' }, context);
      expect(JSON.stringify(state)).toBe(stateCopy);
      expect(JSON.stringify(context)).toBe(contextCopy);
    }
  });
});

describe('a delay report keeps its promises for every question and input', () => {
  const reports = JOURNEY_STATES.map((state) => ({ state, context: contexts()[4]! }));

  it('every report state a decision stores is already tidy, and every submitted journey is whole', () => {
    const random = prng(6);
    const texts = [...WORDS, 'yes', 'EDIT 5', 'edit 3', '2', 'return'];
    for (const { state, context } of reports) {
      for (let i = 0; i < 120; i++) {
        const text = i < texts.length ? (texts[i] ?? '') : randomText(random);
        const decision = decide(state, message(text), context);
        const label = `${JSON.stringify(state)} ${JSON.stringify(text.slice(0, 40))}`;
        if (decision.next?.step === 'journey') {
          expect({ label, next: tidyJourney(decision.next) }).toEqual({ label, next: decision.next });
        }
        for (const effect of decision.effects) {
          if (effect.type !== 'submit-journey') continue;
          const { journey } = effect;
          expect(journey.originCrs).toMatch(/^[A-Z]{3}$/);
          expect(journey.destinationCrs).toMatch(/^[A-Z]{3}$/);
          expect(journey.originCrs).not.toBe(journey.destinationCrs);
          expect(journey.departureDatetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\+0[01]:00$/);
          expect(journey.arrivalDatetime >= journey.departureDatetime.slice(0, 10)).toBe(true);
          expect(['single', 'return']).toContain(journey.journeyType);
        }
      }
    }
  });

  it('a report that ends, however it ends, leaves no stored ticket file behind (seeded random walks)', () => {
    // Mostly answers, so that walks reach the ticket and the summary; now and then a command.
    const answers = [
      'delay',
      'yesterday',
      'today',
      '31/02/2026',
      'Leeds to York',
      'kings x to manchster',
      'edinbrugh',
      '1',
      '2',
      '7',
      '14:30',
      '25:99',
      '00:15',
      'single',
      'return',
      'skip',
      'yes',
      'no',
      'edit',
      'edit 5',
      'EDIT 2',
      '5',
      'status',
      'my train from Leeds to York was late yesterday',
      'PHOTO',
      'PHOTO',
      'PHOTO',
      'PHOTO',
    ];
    const commands = ['cancel', 'menu', 'settings', 'help', 'stop', 'delete my data', 'keep', 'DELETE'];
    const outcomes = ['stored', 'stored', 'too-large', 'unsupported', 'failed'] as const;
    for (let seed = 1; seed <= 100; seed++) {
      const random = prng(seed);
      const sim = makeSimulator({ state: { step: 'menu' }, context: { user: { id: 'u1', verified: true }, now: NOW } });
      for (let i = 0; i < 80; i++) {
        const pool = random() < 0.08 ? commands : answers;
        const text = pool[Math.floor(random() * pool.length)] ?? '';
        sim.nextStore(outcomes[Math.floor(random() * outcomes.length)] ?? 'stored');
        const media = text === 'PHOTO' ? [{ url: 'https://api.twilio.com/m', contentType: 'image/jpeg' }] : [];
        const effects = sim.send(text === 'PHOTO' ? '' : text, media);
        expect(replyTexts(effects).length).toBeGreaterThan(0);
        const state = sim.state;
        const held = sim.heldFiles;
        const label = `seed ${seed} step ${i} ${JSON.stringify(text)}`;
        if (state?.step === 'journey') {
          // Every file the runtime holds is one the report knows of.
          expect({ label, held: [...held].sort() }).toEqual({
            label,
            held: [...(state.draft.ticketFileIds ?? [])].sort(),
          });
        } else {
          expect({ label, held }).toEqual({ label, held: [] });
        }
      }
    }
  });
});

// Arguments to render each parameterised entry with, at its extremes. A new parameterised entry
// fails the catalog test until it is listed here.
const LONG_NAME = 'A station with a very long name indeed '.repeat(10);
const LONGEST_STATION_NAME = stations.reduce((a, b) => (b.stationName.length > a.length ? b.stationName : a), '');
const LONGEST_LABEL = `${LONGEST_STATION_NAME} (KGX)`;
const RENDER_WITH: Record<string, unknown[][]> = {
  wrongCode: [[0], [1], [Number.MAX_SAFE_INTEGER]],
  codeResent: [[1], [4], [Number.MAX_SAFE_INTEGER]],
  resendWait: [[1], [Number.MAX_SAFE_INTEGER]],
  settings: [
    [{ notifications: true, homeStation: LONG_NAME, optedOut: true, quietHours: true }],
    [{ notifications: false, homeStation: undefined, optedOut: false, quietHours: true }],
  ],
  notificationsSet: [[true], [false]],
  quietHoursSet: [[true], [false]],
  // Claim updates with the longest values other services may send (the payload schema's limits,
  // cut as claim-status.ts cuts them).
  claimEligible: [['RR-7K3F9Q', '£1,000,000.00']],
  claimNotEligible: [['RR-7K3F9Q']],
  claimSubmitted: [['RR-7K3F9Q', 'O'.repeat(60), 'C'.repeat(60)]],
  claimPaid: [['RR-7K3F9Q', '£1,000,000.00']],
  claimRejected: [['RR-7K3F9Q', 'R'.repeat(300)]],
  homeStationSet: [[LONG_NAME, 'KGX']],
  // The most choices ever offered, each with the longest name in the dataset.
  homeStationChoices: [
    [Array.from({ length: MAX_CHOICES }, () => ({ name: LONGEST_STATION_NAME, crs: 'KGX' }))],
    [[{ name: 'Abbey Wood', crs: 'ABW' }]],
  ],
  reportNoted: [
    [{ date: 'Wednesday 30 September 2026', from: LONGEST_LABEL, to: LONGEST_LABEL }],
    [{ from: 'Leeds (LDS)' }],
  ],
  accountFirst: [['report'], ['status']],
  verifyFirst: [['report'], ['status']],
  dateTooOld: [[28], [Number.MAX_SAFE_INTEGER]],
  askOrigin: [[LONGEST_LABEL]],
  askDestination: [[LONGEST_LABEL]],
  stationChoices: [
    ['origin', Array.from({ length: MAX_CHOICES }, () => ({ name: LONGEST_STATION_NAME, crs: 'KGX' }))],
    ['destination', [{ name: 'Abbey Wood', crs: 'ABW' }]],
  ],
  choiceNotInList: [[1], [MAX_CHOICES]],
  sameStation: [[LONGEST_LABEL]],
  summary: [
    [
      {
        date: 'Wednesday 30 September 2026',
        route: `${LONGEST_LABEL} to ${LONGEST_LABEL}`,
        departure: '23:40',
        arrival: '00:15 (next day)',
        journeyType: 'return',
        ticket: '10 photos',
      },
    ],
  ],
  submitted: [['RR-7K3F9Q'], ['R'.repeat(40)]],
  // The most journeys STATUS lists, each with the longest names and a long status.
  statusList: [
    [
      Array.from({ length: 5 }, () => ({
        reference: 'R'.repeat(40),
        date: 'Wed 30 Sep 2026',
        route: `${LONGEST_STATION_NAME} to ${LONGEST_STATION_NAME}`,
        status: 'not eligible',
      })),
    ],
  ],
};

describe('the text catalog', () => {
  it('every entry, including the parameterised ones with long inputs, is plain text under 1,600 characters', () => {
    const rendered: { name: string; text: string }[] = [];
    for (const [name, entry] of Object.entries(texts)) {
      if (typeof entry === 'string') {
        rendered.push({ name, text: entry });
        continue;
      }
      const argumentSets = RENDER_WITH[name];
      expect({ name, listed: argumentSets !== undefined }).toEqual({ name, listed: true });
      const render = entry as (...args: unknown[]) => string;
      for (const args of argumentSets ?? []) rendered.push({ name, text: render(...args) });
    }
    for (const { name, text } of rendered) {
      expect({ name, type: typeof text }).toEqual({ name, type: 'string' });
      expect({ name, empty: text.trim().length === 0 }).toEqual({ name, empty: false });
      expect({ name, tooLong: text.length >= WHATSAPP_LIMIT }).toEqual({ name, tooLong: false });
      expect({ name, leaks: /undefined|NaN|\[object|<\/?[a-z]+>/.test(text) }).toEqual({ name, leaks: false });
    }
  });
});
