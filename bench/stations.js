// `npm run bench:stations`: the cost of one station lookup (findStation from dist/), against two
// baselines measured in the same run on the same queries:
//
//  - a CRS code looked up in a Map: the least a lookup can cost;
//  - the word-prefix matcher findStation replaced (copied below): every typed word must begin a
//    word of the name, no short forms, no misspellings, no ranking by usage.
//
// Each is timed over BENCH_LOOKUPS lookups (20,000 by default) cycling through passenger-style
// queries, after a warm-up; printed: mean microseconds per lookup and the ratio to each baseline,
// for all queries and for the misspelt ones alone (the slowest path), and how many queries each
// matcher resolves. The index is built on first use; that one-off cost is printed separately.
const stations = require('uk-railway-stations');
const { stationKey } = require('../dist/stations/find-station');

const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 20_000);
const WARM_UP = 2_000;

// [typed, CRS meant]: names, short forms, aliases and misspellings, as in the passenger tests.
const WELL_SPELT = [
  ['KGX', 'KGX'],
  ['euston', 'EUS'],
  ['paddington', 'PAD'],
  ['waterloo', 'WAT'],
  ['london bridge', 'LBG'],
  ['temple meads', 'BRI'],
  ['edinburgh', 'EDB'],
  ['manchester', 'MAN'],
  ['birmingham', 'BHM'],
  ['glasgow', 'GLC'],
  ['london', 'KGX'],
  ['kings x', 'KGX'],
  ['st pancras intl', 'STP'],
  ['bristol pkwy', 'BPW'],
  ['heathrow', 'HXX'],
  ['gatwick', 'GTW'],
  ['man picc', 'MAN'],
  ['clapham jn', 'CLJ'],
  ['birmingham new st', 'BHM'],
  ['glasgow queen st', 'GLQ'],
  ['manchester oxford rd', 'MCO'],
  ['liverpool st', 'LST'],
  ['ashford intl', 'AFK'],
  ['milton keynes', 'MKC'],
];
const MISSPELT = [
  ['manchster', 'MAN'],
  ['edinbrugh', 'EDB'],
  ['glasgo central', 'GLC'],
  ['birmingam new street', 'BHM'],
  ['peterbrough', 'PBO'],
  ['newcastel', 'NCL'],
  ['sheffeild', 'SHF'],
  ['leicster', 'LEI'],
  ['paddingtn', 'PAD'],
  ['marylbone', 'MYB'],
  ['kings corss', 'KGX'],
  ['st pancreas', 'STP'],
  ['cambrige', 'CBG'],
  ['southamton', 'SOU'],
  ['stanstead airport', 'SSD'],
  ['edinborough', 'EDB'],
];
const ALL = [...WELL_SPELT, ...MISSPELT];

/** The matcher findStation replaced, kept here as the baseline. */
function makeWordPrefixMatcher() {
  const key = stationKey; // the same normalisation, so only the matching differs
  const entries = stations.map((s) => {
    const k = key(s.stationName);
    return { crs: s.crsCode.toUpperCase(), name: s.stationName, key: k, words: k.split(' ') };
  });
  const byCrs = new Map(entries.map((e) => [e.crs, e]));
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const station = ({ crs, name }) => ({ crs, name });
  return (text) => {
    const typed = key(text);
    if (typed === '') return { kind: 'none' };
    const exact = (/^[a-z]{3}$/.test(typed) && byCrs.get(typed.toUpperCase())) || byKey.get(typed);
    if (exact) return { kind: 'found', station: station(exact) };
    const typedWords = typed.split(' ');
    const candidates = entries.filter((e) => typedWords.every((w) => e.words.some((n) => n.startsWith(w))));
    if (candidates.length === 0) return { kind: 'none' };
    if (candidates.length === 1) return { kind: 'found', station: station(candidates[0]) };
    const rank = (e) => (e.key.startsWith(typed) ? 0 : e.key.includes(typed) ? 1 : 2);
    candidates.sort((a, b) => rank(a) - rank(b) || a.name.length - b.name.length || a.name.localeCompare(b.name));
    return { kind: 'choose', choices: candidates.slice(0, 5).map(station) };
  };
}

function makeCodeLookup() {
  const byCrs = new Map(stations.map((s) => [s.crsCode.toUpperCase(), { crs: s.crsCode, name: s.stationName }]));
  return (text) => byCrs.get(text);
}

/** Mean microseconds per lookup of `lookup` over `queries`, cycled. */
function time(lookup, queries) {
  let sink = 0;
  for (let i = 0; i < WARM_UP; i++) sink += lookup(queries[i % queries.length]) ? 1 : 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < LOOKUPS; i++) sink += lookup(queries[i % queries.length]) ? 1 : 0;
  const micros = Number(process.hrtime.bigint() - started) / 1_000 / LOOKUPS;
  if (sink < 0) console.log(sink); // keeps the results alive
  return micros;
}

function resolved(lookup, cases) {
  const offered = (match) =>
    match.kind === 'found' ? [match.station.crs] : match.kind === 'choose' ? match.choices.map((c) => c.crs) : [];
  return cases.filter(([text, crs]) => offered(lookup(text)).includes(crs)).length;
}

function main() {
  const startedBuild = process.hrtime.bigint();
  const { findStation } = require('../dist/stations/find-station');
  findStation('kgx');
  const buildMs = Number(process.hrtime.bigint() - startedBuild) / 1e6;
  const oldMatcher = makeWordPrefixMatcher();
  const codeLookup = makeCodeLookup();

  const codes = ALL.map(([, crs]) => crs);
  const queries = ALL.map(([text]) => text);
  const misspelt = MISSPELT.map(([text]) => text);
  const mapGet = time(codeLookup, codes);
  const rows = [
    ['all queries', time(oldMatcher, queries), time(findStation, queries)],
    ['misspelt only', time(oldMatcher, misspelt), time(findStation, misspelt)],
  ];

  const us = (n) => `${n.toFixed(2).padStart(7)} µs`;
  console.log(`bench:stations: ${LOOKUPS} lookups each, ${ALL.length} queries, node ${process.version}`);
  console.log(`index load + build on first lookup: ${buildMs.toFixed(1)} ms (once per process)`);
  console.log(`baseline Map.get of a CRS code:     ${us(mapGet)}`);
  for (const [label, old, current] of rows) {
    console.log(
      `${label.padEnd(14)} old word-prefix ${us(old)}   findStation ${us(current)}   ` +
        `findStation / old ${(current / old).toFixed(1)}x   findStation / Map.get ${(current / mapGet).toFixed(0)}x`,
    );
  }
  console.log(
    `queries resolved (found, or among the choices): old ${resolved(oldMatcher, ALL)}/${ALL.length}, ` +
      `findStation ${resolved(findStation, ALL)}/${ALL.length}`,
  );
}

main();
