import type { Connectivity } from './connectedComponents.js';

/**
 * Connected components as horizontal runs of foreground pixels (see {@link labelRuns}). Run i
 * covers row `y[i]`, columns `x0[i]`..`x1[i]` (inclusive) and belongs to component `label[i]`.
 * @internal
 */
export interface ComponentRuns {
  /** Number of runs. */
  runs: number;
  /** Row of each run. */
  y: Int32Array;
  /** First column of each run. */
  x0: Int32Array;
  /** Last column of each run (inclusive). */
  x1: Int32Array;
  /** Component of each run, 1..count, numbered in raster order of the components' first pixels. */
  label: Int32Array;
  /** Number of components (0 without foreground). */
  count: number;
  /** Pixel count per label, length count + 1; `areas[0]` is the background. */
  areas: Int32Array;
  /** Bounding box [x0, y0, x1, y1] (inclusive) of label l at `boxes[4·l]`; entry 0 is unused. */
  boxes: Int32Array;
  /**
   * Holes per label, length count + 1 (entry 0 is 0): the background components that the
   * component encloses, background taken with the other connectivity (4 for an 8-connected
   * labelling, 8 for a 4-connected one). Counted as the independent cycles of the component's run
   * graph, (touching pairs of runs) − (runs) + 1: for a run-length labelling this is 1 − the
   * Euler number.
   */
  holes: Int32Array;
}

// Scratch run tables, reused across calls and grown on demand (a row of W pixels holds at most
// ⌈W/2⌉ runs). labelRuns copies what it returns out of them, so callers never see them; JS runs
// one call at a time per thread (each worker has its own module instance).
let scratchY = new Int32Array(0);
let scratchX0 = new Int32Array(0);
let scratchX1 = new Int32Array(0);
let scratchParent = new Int32Array(0);
/** Per run: how many runs of the row above it touches. */
let scratchTouch = new Int32Array(0);

/**
 * Run-length connected-component labelling of a row-major buffer (foreground is
 * `data[i] > above`): one scan finds each row's runs and joins each run to the runs of the row
 * above that touch it (overlapping columns for 4-connectivity, columns within one for 8), with a
 * union–find over runs whose root is always the set's first run. Numbering components by their
 * root run then gives raster order of first pixels, as a raster-order flood fill does. Work is
 * proportional to the pixels read plus the runs, not to the foreground pixels' neighbourhoods.
 *
 * @param data - [H, W] row-major, compared with `above`
 * @param w - width W ≥ 1
 * @param h - height H ≥ 1
 * @param connectivity - 4 or 8
 * @param above - foreground threshold. Defaults to 0 (non-zero is foreground).
 * @param rows - optional per-row column ranges: row y is scanned only over `rows[2y]`..`rows[2y + 1]`
 *   (inclusive; empty when the first exceeds the second). Exact when every value outside is 0
 *   and `above` ≥ 0, as for the blur's `RowRanges`.
 * @returns the runs with their labels, and each component's area, bounding box and number of holes
 * @internal
 */
export function labelRuns(
  data: Uint8Array,
  w: number,
  h: number,
  connectivity: Connectivity,
  above = 0,
  rows?: Int32Array,
): ComponentRuns {
  const maxRuns = ((w + 1) >> 1) * h;
  if (scratchY.length < maxRuns) {
    scratchY = new Int32Array(maxRuns);
    scratchX0 = new Int32Array(maxRuns);
    scratchX1 = new Int32Array(maxRuns);
    scratchParent = new Int32Array(maxRuns);
    scratchTouch = new Int32Array(maxRuns);
  }
  const ry = scratchY, rx0 = scratchX0, rx1 = scratchX1, parent = scratchParent, touch = scratchTouch;
  const reach = connectivity === 8 ? 1 : 0; // a run above touches [x0 − reach, x1 + reach]
  let n = 0;
  let prevStart = 0;
  let prevEnd = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const rowStart = n;
    let j = prevStart; // first run of the row above that may still touch a run of this row
    let x = rows ? rows[2 * y]! : 0;
    const xEnd = rows ? Math.min(w, rows[2 * y + 1]! + 1) : w;
    while (x < xEnd) {
      if (data[row + x]! <= above) {
        x++;
        continue;
      }
      const s = x;
      while (x < w && data[row + x]! > above) x++;
      const e = x - 1;
      ry[n] = y;
      rx0[n] = s;
      rx1[n] = e;
      parent[n] = n;
      while (j < prevEnd && rx1[j]! < s - reach) j++;
      let k = j;
      for (; k < prevEnd && rx0[k]! <= e + reach; k++) {
        // union: the root with the larger index points to the smaller one (the set's first run)
        let a = n;
        while (parent[a] !== a) a = parent[a]!;
        let b = k;
        while (parent[b] !== b) {
          parent[b] = parent[parent[b]!]!; // path halving
          b = parent[b]!;
        }
        if (a < b) parent[b] = a;
        else if (b < a) parent[a] = b;
      }
      touch[n] = k - j;
      n++;
    }
    prevStart = rowStart;
    prevEnd = n;
  }
  // label the roots in run (= raster) order; every other run's root has a smaller index
  const label = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    let r = parent[i]!;
    while (parent[r] !== r) r = parent[r]!;
    label[i] = r === i ? ++count : label[r]!;
  }
  const areas = new Int32Array(count + 1);
  const boxes = new Int32Array(4 * (count + 1));
  const holes = new Int32Array(count + 1);
  for (let l = 1; l <= count; l++) {
    boxes[4 * l] = w;
    boxes[4 * l + 1] = h;
    boxes[4 * l + 2] = -1;
    boxes[4 * l + 3] = -1;
  }
  boxes[2] = boxes[3] = -1;
  let foreground = 0;
  for (let i = 0; i < n; i++) {
    const l = label[i]!;
    const s = rx0[i]!, e = rx1[i]!, y = ry[i]!;
    areas[l] = areas[l]! + e - s + 1;
    holes[l] = holes[l]! + touch[i]! - 1; // Σ (touching pairs − 1) over the runs, + 1 below
    foreground += e - s + 1;
    const o = 4 * l;
    if (s < boxes[o]!) boxes[o] = s;
    if (y < boxes[o + 1]!) boxes[o + 1] = y;
    if (e > boxes[o + 2]!) boxes[o + 2] = e;
    if (y > boxes[o + 3]!) boxes[o + 3] = y;
  }
  areas[0] = w * h - foreground;
  for (let l = 1; l <= count; l++) holes[l] = holes[l]! + 1;
  return { runs: n, y: ry.slice(0, n), x0: rx0.slice(0, n), x1: rx1.slice(0, n), label, count, areas, boxes, holes };
}
