import stations from 'uk-railway-stations';
import { findStation, MAX_CHOICES, stationKey, type StationMatch } from '../../src/stations/find-station';
import { shortForms, stationAliases } from '../../src/stations/station-aliases';
import { yearlyEntriesAndExits } from '../../src/stations/station-usage';

/** The codes a passenger is shown: the one found, or the choices offered. */
function offered(match: StationMatch): string[] {
  if (match.kind === 'found') return [match.station.crs];
  return match.kind === 'choose' ? match.choices.map((choice) => choice.crs) : [];
}

// What passengers type, with the station they mean. Each must be found or be among the choices.
const everydayNames: [string, string][] = [
  ['euston', 'EUS'],
  ['paddington', 'PAD'],
  ['waterloo', 'WAT'],
  ['victoria', 'VIC'],
  ['marylebone', 'MYB'],
  ['london bridge', 'LBG'],
  ['stratford', 'SRA'],
  ['east croydon', 'ECR'],
  ['temple meads', 'BRI'],
  ['lime street', 'LIV'],
  ['waverley', 'EDB'],
  ['piccadilly', 'MAN'],
  ['edinburgh', 'EDB'],
  ['newcastle', 'NCL'],
  ['cardiff', 'CDF'],
  ['southampton', 'SOU'],
  ['milton keynes', 'MKC'],
  ['st albans', 'SAC'],
  ['stansted airport', 'SSD'],
  ['luton airport', 'LTN'],
  ['highbury & islington', 'HHY'],
  ['manchester piccadilly station', 'MAN'],
  ['liverpool street station', 'LST'],
  ['euston london', 'EUS'],
];

const shortFormsTyped: [string, string][] = [
  ['kings x', 'KGX'],
  ['london kings x', 'KGX'],
  ['st pancras', 'STP'],
  ['st pancras intl', 'STP'],
  ['saint pancras international', 'STP'],
  ['bristol pkwy', 'BPW'],
  ['luton airport pkwy', 'LTN'],
  ['southampton airport pkwy', 'SOA'],
  ['charing x', 'CHX'],
  ['liverpool st', 'LST'],
  ['fenchurch st', 'FST'],
  ['cannon st', 'CST'],
  ['birmingham new st', 'BHM'],
  ['bham new street', 'BHM'],
  ['glasgow queen st', 'GLQ'],
  ['liverpool lime st', 'LIV'],
  ['clapham jn', 'CLJ'],
  ['clapham jct', 'CLJ'],
  ['willesden jn', 'WIJ'],
  ['manchester oxford rd', 'MCO'],
  ['glasgow ctrl', 'GLC'],
  ['st helens central', 'SNH'],
  ['birmingham intl', 'BHI'],
  ['birmingham int', 'BHI'],
  ['ebbsfleet intl', 'EBD'],
  ['ashford intl', 'AFK'],
  ['stratford intl', 'SFA'],
  ['gatwick apt', 'GTW'],
  ['man apt', 'MIA'],
  ['man picc', 'MAN'],
  ['manchester picc', 'MAN'],
  ['exeter saint davids', 'EXD'],
];

const aliases: [string, string][] = [
  ['kx', 'KGX'],
  ['heathrow', 'HXX'],
  ['heathrow airport', 'HWV'],
  ['lhr', 'HAF'],
  ['heathrow t5', 'HWV'],
  ['gatwick', 'GTW'],
  ['london gatwick', 'GTW'],
  ['birmingham airport', 'BHI'],
  ['newcastle central', 'NCL'],
  ['hull paragon', 'HUL'],
  ['mk', 'MKC'],
];

const misspellings: [string, string][] = [
  ['manchster', 'MAN'],
  ['manchestr piccadilly', 'MAN'],
  ['manchester picadilly', 'MAN'],
  ['edinbrugh', 'EDB'],
  ['edinburough', 'EDB'],
  ['edinborough', 'EDB'],
  ['edinburgh waverly', 'EDB'],
  ['glasgo central', 'GLC'],
  ['glasgow centrel', 'GLC'],
  ['glasgow queen steet', 'GLQ'],
  ['birmingam new street', 'BHM'],
  ['brimingham new st', 'BHM'],
  ['peterbrough', 'PBO'],
  ['peterbourgh', 'PBO'],
  ['middlesborough', 'MBR'],
  ['newcastel', 'NCL'],
  ['sheffeild', 'SHF'],
  ['huddersfeild', 'HUD'],
  ['leicster', 'LEI'],
  ['nottingam', 'NOT'],
  ['liverpol lime street', 'LIV'],
  ['paddingtn', 'PAD'],
  ['padington', 'PAD'],
  ['marylbone', 'MYB'],
  ['kings corss', 'KGX'],
  ['st pancreas', 'STP'],
  ['eustan', 'EUS'],
  ['waterlo', 'WAT'],
  ['cambrige', 'CBG'],
  ['southamton', 'SOU'],
  ['bornemouth', 'BMH'],
  ['brigton', 'BTN'],
  ['gatwik', 'GTW'],
  ['heathrow termnal 5', 'HWV'],
  ['stanstead airport', 'SSD'],
  ['darlingon', 'DAR'],
  ['aberdean', 'ABD'],
  ['milton keynse', 'MKC'],
];

describe('passenger queries', () => {
  it.each([...everydayNames, ...shortFormsTyped, ...aliases, ...misspellings])('"%s" offers %s', (text, crs) => {
    expect(offered(findStation(text))).toContain(crs);
  });

  it.each([
    ['glasgo central', 'GLC'],
    ['birmingam new street', 'BHM'],
    ['peterbrough', 'PBO'],
    ['sheffeild', 'SHF'],
    ['kings x', 'KGX'],
    ['bristol pkwy', 'BPW'],
    ['st pancras intl', 'STP'],
    ['gatwick', 'GTW'],
    ['euston', 'EUS'],
    ['KGX station', 'KGX'],
  ])('"%s" is confident enough to find %s without asking', (text, crs) => {
    expect(findStation(text)).toEqual({ kind: 'found', station: expect.objectContaining({ crs }) });
  });
});

describe('ranking by usage', () => {
  it('"london" offers the five big termini, not London Fields', () => {
    const choices = offered(findStation('london'));
    expect(findStation('london').kind).toBe('choose');
    expect(choices).toHaveLength(MAX_CHOICES);
    expect(choices).toEqual(expect.arrayContaining(['KGX', 'PAD', 'WAT', 'LST', 'VIC']));
  });

  it.each([
    ['manchester', 'MAN'],
    ['birmingham', 'BHM'],
    ['glasgow', 'GLC'],
    ['edinburgh', 'EDB'],
    ['victoria', 'VIC'],
    ['charing x', 'CHX'],
    ['kings', 'KGX'],
    ['heathrow', 'HXX'],
    ['manchster', 'MAN'],
  ])('"%s" offers %s first', (text, crs) => {
    const match = findStation(text);
    expect(match.kind).toBe('choose');
    expect(offered(match)[0]).toBe(crs);
  });
});

describe('nonsense', () => {
  it.each(['xyz', 'hello', 'test', 'thanks', 'my train was late', 'qwerty', '12', '🚆', '😀😀', '東京', 'مرحبا'])(
    '"%s" finds nothing',
    (text) => {
      expect(findStation(text)).toEqual({ kind: 'none' });
    },
  );

  // Everyday words that begin or resemble a station word are at most offered, never taken.
  it.each([
    'what',
    'home',
    'mother',
    'cannot',
    'single',
    'number',
    'person',
    'these',
    'ok',
    'no',
    'for form',
    'the station',
  ])('"%s" is not taken for a station', (text) => {
    expect(findStation(text).kind).not.toBe('found');
  });

  it.each([
    '',
    '\u200b',
    '\u0000',
    '\ud800',
    '\u0301\u0301',
    '&',
    '$%^&',
    'ＸＹＺ',
    'a'.repeat(10_000),
    'kings '.repeat(1_000),
    'a b c d e f g h i j k l',
  ])('odd input %# never throws and offers at most MAX_CHOICES', (text) => {
    const match = findStation(text);
    expect(offered(match).length).toBeLessThanOrEqual(MAX_CHOICES);
  });
});

describe('lookup tables', () => {
  const codes = new Set(stations.map((s) => s.crsCode));
  const nameKeys = new Set(stations.map((s) => stationKey(s.stationName)));
  const nameWords = new Set([...nameKeys].flatMap((key) => key.split(' ')));

  it('usage covers the busiest couple of hundred stations, by codes the dataset knows', () => {
    const usageCodes = Object.keys(yearlyEntriesAndExits);
    expect(usageCodes.length).toBeGreaterThanOrEqual(150);
    expect(usageCodes.length).toBeLessThanOrEqual(300);
    expect(usageCodes.filter((crs) => !codes.has(crs))).toEqual([]);
  });

  it('aliases name known stations and are not names already', () => {
    const targets = Object.values(stationAliases).flat();
    expect(targets.filter((crs) => !codes.has(crs))).toEqual([]);
    expect(Object.keys(stationAliases).filter((alias) => nameKeys.has(alias))).toEqual([]);
    expect(Object.keys(stationAliases).filter((alias) => stationKey(alias) !== alias)).toEqual([]);
  });

  it('short forms stand for words station names use', () => {
    const targets = Object.values(shortForms).flat();
    expect(targets.filter((word) => !nameWords.has(word))).toEqual([]);
  });
});
