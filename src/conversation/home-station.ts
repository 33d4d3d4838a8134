// Resolves what a sender typed for their home station to a CRS code, using the
// uk-railway-stations dataset: a known three-letter code, or an exact station name.
import stations from 'uk-railway-stations';
import { normalise } from './keywords';

export type Station = { crs: string; name: string };

// Built on first use: a few thousand entries, kept for the life of the process.
let index: { byCrs: Map<string, Station>; byName: Map<string, Station> } | undefined;

function stationIndex(): { byCrs: Map<string, Station>; byName: Map<string, Station> } {
  if (index === undefined) {
    const byCrs = new Map<string, Station>();
    const byName = new Map<string, Station>();
    for (const s of stations) {
      const station = { crs: s.crsCode.toUpperCase(), name: s.stationName };
      byCrs.set(station.crs, station);
      byName.set(normalise(s.stationName), station);
    }
    index = { byCrs, byName };
  }
  return index;
}

/** The station the text names, or undefined when it is neither a known CRS code nor a station name. */
export function resolveHomeStation(text: string): Station | undefined {
  const typed = normalise(text);
  const { byCrs, byName } = stationIndex();
  const code = typed.toUpperCase();
  if (/^[A-Z]{3}$/.test(code)) {
    const known = byCrs.get(code);
    if (known) return known;
  }
  return byName.get(typed);
}
