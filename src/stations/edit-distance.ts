// Edit distance for telling a misspelt station word from an unrelated one ("edinbrugh" is
// "edinburgh" with two letters swapped: one slip of the fingers, so one edit, not two).

// Three rows reused across calls: a lookup measures a typed word against thousands of words.
let rows: [Uint16Array, Uint16Array, Uint16Array] = [new Uint16Array(32), new Uint16Array(32), new Uint16Array(32)];

/**
 * The optimal string alignment distance between a and b (insertions, deletions, substitutions
 * and swaps of neighbouring letters each count one), or max + 1 as soon as it must exceed max.
 */
export function editDistanceWithin(a: string, b: string, max: number): number {
  const over = max + 1;
  if (Math.abs(a.length - b.length) > max) return over;
  if (a === b) return 0;
  const width = b.length + 1;
  if (rows[0].length < width) rows = [new Uint16Array(width), new Uint16Array(width), new Uint16Array(width)];
  let [twoBack, previous, current] = rows;
  for (let j = 0; j < width; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < width; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        d = Math.min(d, twoBack[j - 2]! + 1);
      }
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    // Every later cell costs at least the smallest of this row (a swap reaching two rows back
    // is never cheaper than the substitution it stands in for), so the rest cannot come back.
    if (rowMin > max) return over;
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return Math.min(previous[width - 1]!, over);
}
