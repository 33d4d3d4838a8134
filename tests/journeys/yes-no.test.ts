import { readYesNo } from '../../src/journeys/yes-no';

describe('readYesNo', () => {
  it.each([
    'yes',
    'YES',
    'Yes!',
    ' yes ',
    'y',
    'yeah',
    'Yep',
    'yup',
    'sure',
    'ok',
    'OK.',
    'okay',
    'yes please',
    'Yes, please!',
    'yes pls',
    'ok thanks',
    'go ahead',
    'correct',
    "that's right",
    'That\u2019s right!',
    'thats right',
    'confirm',
    'yes yes',
    'aye',
    '👍',
    '👍🏽',
    '👍👍',
    '✅',
  ])('"%s" is yes', (text) => {
    expect(readYesNo(text)).toBe('yes');
  });

  it.each([
    'no',
    'NO!',
    ' No. ',
    'n',
    'nope',
    'no thanks',
    'No, thank you.',
    'no thank you',
    'nah',
    'not now',
    'no no',
    'wrong',
    "that's wrong",
    'incorrect',
    '👎',
    '👎🏻',
    '❌',
  ])('"%s" is no', (text) => {
    expect(readYesNo(text)).toBe('no');
  });

  it.each([
    'maybe',
    'not sure',
    'yes no',
    'no yes',
    'yes but the time is wrong',
    'ok no',
    "I don't know",
    'yess',
    'thanks',
    'hello',
    '',
    '1',
    '🤷',
    '👍👎',
  ])('"%s" is neither, so null', (text) => {
    expect(readYesNo(text)).toBeNull();
  });
});
