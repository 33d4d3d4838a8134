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

const YES = new Set(['yes', 'y', 'yeah', 'yep', 'ok', 'okay', 'agree', 'i agree', 'sure']);
const NO = new Set(['no', 'n', 'nope', 'no thanks', 'no thank you']);

export function isYes(text: string): boolean {
  return YES.has(normalise(text));
}

export function isNo(text: string): boolean {
  return NO.has(normalise(text));
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
