// An answer to a yes/no question in a chat. Only whole answers count: "yes but the time is
// wrong" or "maybe" come back as null, so the question is asked again rather than guessed.
import { normalise } from '../conversation/keywords';

export type YesNo = 'yes' | 'no';

const YES = new Set([
  'yes',
  'y',
  'ya',
  'yeah',
  'yea',
  'yah',
  'yep',
  'yup',
  'aye',
  'sure',
  'sure thing',
  'of course',
  'ok',
  'okay',
  'okey',
  'k',
  'kk',
  'alright',
  'all right',
  'fine',
  'please',
  'go ahead',
  'go on',
  'do it',
  'correct',
  'right',
  'thats right',
  'thats correct',
  'yes thats right',
  'yes thats correct',
  'yes correct',
  'yes it is',
  'confirm',
  'confirmed',
  'i confirm',
  'agree',
  'i agree',
  'absolutely',
  'definitely',
  'affirmative',
  '👍',
  '✅',
  '✔',
  '👌',
]);

const NO = new Set([
  'no',
  'n',
  'nope',
  'nah',
  'naw',
  'no way',
  'not now',
  'not yet',
  'not really',
  'no its not',
  'no it isnt',
  'negative',
  'wrong',
  'thats wrong',
  'no thats wrong',
  'incorrect',
  'not correct',
  'thats not right',
  'not right',
  'dont',
  'do not',
  'no dont',
  'no need',
  '👎',
  '❌',
]);

// Politeness around an answer changes nothing: "yes please", "no thanks", "ok thank you".
const POLITE_TAIL = / (please|pls|plz|thanks|thank you|thanks very much|thank you very much|thx|ta|mate)$/;

/** Lower case, no punctuation or apostrophes, emoji without skin tones, no word twice in a row. */
function plainWords(text: string): string {
  return normalise(text)
    .replace(/[\u{1f3fb}-\u{1f3ff}]|\ufe0f|\u200d/gu, '')
    .replace(/['\u2018\u2019]/g, '')
    .replace(/[^\p{L}\p{N}\p{Extended_Pictographic} ]+/gu, ' ')
    .replace(/(\p{Extended_Pictographic})\1+/gu, '$1')
    .replace(/ +/g, ' ')
    .trim()
    .replace(/\b(\p{L}+)(?: \1\b)+/gu, '$1');
}

/** 'yes', 'no', or null when the answer is neither or both. */
export function readYesNo(text: string): YesNo | null {
  let answer = plainWords(text);
  while (!YES.has(answer) && !NO.has(answer) && POLITE_TAIL.test(answer)) answer = answer.replace(POLITE_TAIL, '');
  if (YES.has(answer)) return 'yes';
  if (NO.has(answer)) return 'no';
  return null;
}
