// What passengers type that the uk-railway-stations dataset spells differently. Keys are written
// as stationKey() leaves them (lower case, "&" as "and", no punctuation).

/**
 * Whole names passengers use for stations, each to the station(s) meant. An alias matches only
 * as a whole (every word, in order, short forms and small misspellings allowed), never by its
 * start, so "kings cross" is not taken for the "kings cross st pancras" pair. One station is
 * found at once; several are offered as choices.
 */
export const stationAliases: Readonly<Record<string, readonly string[]>> = {
  // "London" alone names no station. Offer the big termini of the long-distance lines rather
  // than whatever else happens to start with "London" (London Fields, London Road).
  london: ['KGX', 'PAD', 'WAT', 'LST', 'VIC'],
  'kings x': ['KGX'],
  kx: ['KGX'],
  'kings cross st pancras': ['KGX', 'STP'],
  'st pancras intl': ['STP'],
  euston: ['EUS'],
  'bristol pkwy': ['BPW'],
  heathrow: ['HXX', 'HAF', 'HWV'],
  'heathrow airport': ['HXX', 'HAF', 'HWV'],
  'london heathrow': ['HXX', 'HAF', 'HWV'],
  lhr: ['HXX', 'HAF', 'HWV'],
  'heathrow t2': ['HXX'],
  'heathrow t3': ['HXX'],
  'heathrow t4': ['HAF'],
  'heathrow t5': ['HWV'],
  gatwick: ['GTW'],
  'london gatwick': ['GTW'],
  'london stansted': ['SSD'],
  'london luton': ['LTN'],
  'birmingham airport': ['BHI'],
  bhx: ['BHI'],
  'newcastle central': ['NCL'],
  'leeds city': ['LDS'],
  'hull paragon': ['HUL'],
  'sheffield midland': ['SHF'],
  'nottingham midland': ['NOT'],
  'derby midland': ['DBY'],
  mk: ['MKC'],
};

/**
 * Short forms a typed word may stand for, as the dataset spells them. The typed word itself is
 * always tried too: "st" is both the dataset's "St" (St Albans) and "Street" (Liverpool St).
 */
export const shortForms: Readonly<Record<string, readonly string[]>> = {
  st: ['street'],
  str: ['street'],
  saint: ['st'],
  x: ['cross'],
  xing: ['crossing'],
  int: ['international'],
  intl: ['international'],
  intnl: ['international'],
  pkwy: ['parkway'],
  pky: ['parkway'],
  pkway: ['parkway'],
  rd: ['road'],
  jn: ['junction'],
  jct: ['junction'],
  jctn: ['junction'],
  jnc: ['junction'],
  junc: ['junction'],
  ctrl: ['central'],
  cntrl: ['central'],
  ctl: ['central'],
  apt: ['airport'],
  arpt: ['airport'],
  airpt: ['airport'],
  picc: ['piccadilly'],
  piccy: ['piccadilly'],
  sq: ['square'],
  pk: ['park'],
  gdns: ['gardens'],
  grn: ['green'],
  hth: ['heath'],
  ln: ['lane'],
  mkt: ['market'],
  nth: ['north'],
  sth: ['south'],
  upr: ['upper'],
  lwr: ['lower'],
  gt: ['great'],
  hbr: ['harbour'],
  bham: ['birmingham'],
  term: ['terminal', 'terminals'],
  terminal: ['terminals'],
  terminals: ['terminal'],
};

/** Words that say "a station" without saying which: dropped from what was typed. */
export const noiseWords: ReadonlySet<string> = new Set(['station', 'stn', 'railway', 'train', 'trains']);
