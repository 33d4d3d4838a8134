import { findStation, MAX_CHOICES, stationByCrs, stationKey } from '../../src/stations/find-station';

describe('findStation', () => {
  it.each([
    ['KGX', 'KGX'],
    [' kgx ', 'KGX'],
    ['London Kings Cross', 'KGX'],
    ["london king's cross", 'KGX'],
    ['kings cross', 'KGX'],
    ['man picc', 'MAN'],
    ['Abbey Wood', 'ABW'],
    ['ABBEY   WOOD!', 'ABW'],
  ])('"%s" finds %s', (text, crs) => {
    expect(findStation(text)).toEqual({ kind: 'found', station: stationByCrs(crs) });
  });

  it('a code is preferred to a name search: EUS is Euston, not every name with a word starting "eus"', () => {
    expect(findStation('eus')).toEqual({ kind: 'found', station: { crs: 'EUS', name: 'London Euston' } });
  });

  it('an ambiguous name offers choices, names starting with what was typed first', () => {
    const match = findStation('manchester');
    expect(match.kind).toBe('choose');
    const choices = match.kind === 'choose' ? match.choices : [];
    expect(choices.length).toBe(MAX_CHOICES);
    expect(choices.every((c) => c.name.startsWith('Manchester'))).toBe(true);
    expect(choices.map((c) => c.crs)).toEqual(expect.arrayContaining(['MAN', 'MCV', 'MIA']));
  });

  it.each(['', '   ', 'ZZQ', 'nowhere at all', '12', '🚆'])('"%s" finds nothing', (text) => {
    expect(findStation(text)).toEqual({ kind: 'none' });
  });

  it('keys ignore accents, apostrophes, case and punctuation, and read "&" as "and"', () => {
    expect(stationKey("  St. Peter's & Crédit ")).toBe('st peters and credit');
  });

  it('stationByCrs knows dataset codes only', () => {
    expect(stationByCrs('kgx')).toEqual({ crs: 'KGX', name: 'London Kings Cross' });
    expect(stationByCrs('ZZZ')).toBeUndefined();
  });
});
