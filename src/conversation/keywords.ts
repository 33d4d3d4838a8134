// Reading what a sender typed: keywords match whatever the phone keyboard added around them
// (case, surrounding and non-breaking spaces, a trailing "!" or "."), and codes are told apart
// from words without ever copying the digits anywhere.

/** Lower-cased text with Unicode spaces collapsed and trailing punctuation removed. */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+/gu, ' ')
    .trim()
    .replace(/[\s.!?,;:'"\u2019\u201d)]+$/u, '')
    .replace(/^['"\u2018\u201c(]+/u, '')
    .trim()
    .toLowerCase();
}

export type GlobalCommand = 'help' | 'menu' | 'cancel' | 'stop' | 'start' | 'settings' | 'delete-my-data';

const GLOBAL_COMMANDS: ReadonlyMap<string, GlobalCommand> = new Map([
  ['help', 'help'],
  ['menu', 'menu'],
  ['cancel', 'cancel'],
  ['stop', 'stop'],
  ['unsubscribe', 'stop'],
  ['start', 'start'],
  ['settings', 'settings'],
  ['delete my data', 'delete-my-data'],
]);

export function globalCommand(text: string): GlobalCommand | undefined {
  return GLOBAL_COMMANDS.get(normalise(text));
}

export type JourneyCommand = 'delay' | 'status';

// Flows 6 and 7: keywords a verified sender may send in any state. A sentence about a delay
// ("my train was late") also starts a report; that reading is src/journeys/read-delay-intent.ts.
const JOURNEY_COMMANDS: ReadonlyMap<string, JourneyCommand> = new Map([
  ['delay', 'delay'],
  ['delays', 'delay'],
  ['report', 'delay'],
  ['report delay', 'delay'],
  ['report a delay', 'delay'],
  ['report a delayed journey', 'delay'],
  ['report a journey', 'delay'],
  ['delay repay', 'delay'],
  ['claim', 'delay'],
  ['make a claim', 'delay'],
  ['new claim', 'delay'],
  ['status', 'status'],
  ['my status', 'status'],
  ['claim status', 'status'],
  ['journey status', 'status'],
  ['journeys', 'status'],
  ['my journeys', 'status'],
  ['claims', 'status'],
  ['my claims', 'status'],
]);

export function journeyCommand(text: string): JourneyCommand | undefined {
  return JOURNEY_COMMANDS.get(normalise(text));
}

/** True for the words of its argument (already normalised), e.g. matches('resend', 'resend'). */
export function matches(text: string, ...words: string[]): boolean {
  return words.includes(normalise(text));
}

/**
 * A verification code as Verify sends this service's: 6 digits, with any spaces or dashes people
 * put between them ("123 456", "123-456"). Read from the raw text, the way the check reads it, so
 * nothing the check would turn down is counted as one of the verification's 5 checks.
 */
export function looksLikeCode(text: string): boolean {
  return /^[0-9]{6}$/.test(text.replace(/[\s-]/g, ''));
}

/** Any digit, full-width ones included: a reply that is not a code but was probably meant as one. */
export function hasDigits(text: string): boolean {
  return /[0-9]/.test(normalise(text));
}
