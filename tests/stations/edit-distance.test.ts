import { editDistanceWithin } from '../../src/stations/edit-distance';

describe('editDistanceWithin', () => {
  it.each([
    ['edinburgh', 'edinburgh', 0],
    ['edinbrugh', 'edinburgh', 1],
    ['manchster', 'manchester', 1],
    ['peterbrough', 'peterborough', 1],
    ['glasgo', 'glasgow', 1],
    ['brimingham', 'birmingham', 1],
    ['kings', 'knigs', 1],
    ['cambrige', 'cambridge', 1],
    ['eustan', 'euston', 1],
    ['ab', 'ba', 1],
    ['heathrow', 'heathorw', 1],
    ['darlingon', 'darlington', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('"%s" to "%s" is %i edits', (a, b, edits) => {
    expect(editDistanceWithin(a, b, 5)).toBe(edits);
    expect(editDistanceWithin(b, a, 5)).toBe(edits);
  });

  it('stops at max + 1 once the words are further apart than max', () => {
    expect(editDistanceWithin('kitten', 'sitting', 2)).toBe(3);
    expect(editDistanceWithin('london', 'paddington', 1)).toBe(2);
    expect(editDistanceWithin('a', 'abcdef', 2)).toBe(3);
  });

  it('measures words longer than its reused rows', () => {
    const long = 'a'.repeat(200);
    expect(editDistanceWithin(long, `${long}b`, 1)).toBe(1);
  });
});
