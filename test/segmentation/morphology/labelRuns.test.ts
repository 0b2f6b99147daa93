import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { labelRuns } from '../../../src/segmentation/morphology/labelRuns.js';
import { labelComponents } from '../../../src/segmentation/morphology/connectedComponents.js';

/** Independent reference: breadth-first flood fill in raster order of the seeds. */
function floodLabels(data: Uint8Array, w: number, h: number, eight: boolean, above: number): Int32Array {
  const labels = new Int32Array(w * h);
  let count = 0;
  for (let start = 0; start < w * h; start++) {
    if (data[start]! <= above || labels[start] !== 0) continue;
    labels[start] = ++count;
    const queue = [start];
    while (queue.length > 0) {
      const p = queue.shift()!;
      const x = p % w, y = (p / w) | 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx === 0 && dy === 0) || (!eight && dx !== 0 && dy !== 0)) continue;
          const xx = x + dx, yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const q = yy * w + xx;
          if (data[q]! > above && labels[q] === 0) {
            labels[q] = count;
            queue.push(q);
          }
        }
      }
    }
  }
  return labels;
}

describe('labelRuns', () => {
  it('a U shape joins through its bottom run; a diagonal joins only with 8-connectivity', () => {
    // U: two arms that meet only in the last row (the union must relabel the second arm)
    const u = Uint8Array.from([1, 0, 1, 1, 0, 1, 1, 1, 1]);
    expect(labelRuns(u, 3, 3, 4).count).toBe(1);
    const diag = Uint8Array.from([1, 0, 0, 1]);
    expect(labelRuns(diag, 2, 2, 8).count).toBe(1);
    expect(labelRuns(diag, 2, 2, 4).count).toBe(2);
  });

  it('runs, areas and boxes of a small image', () => {
    const d = Uint8Array.from([0, 5, 5, 0, 9, 0, 0, 0, 0, 9]);
    const r = labelRuns(d, 5, 2, 8, 4); // foreground > 4
    expect(r.runs).toBe(3);
    expect(r.count).toBe(2);
    expect(Array.from(r.label)).toEqual([1, 2, 2]);
    expect(Array.from(r.areas)).toEqual([6, 2, 2]);
    expect(Array.from(r.boxes.subarray(4))).toEqual([1, 0, 2, 0, 4, 0, 4, 1]);
  });

  it('empty and full images', () => {
    const empty = labelRuns(new Uint8Array(6), 3, 2, 8);
    expect(empty.count).toBe(0);
    expect(empty.runs).toBe(0);
    expect(Array.from(empty.areas)).toEqual([6]);
    const full = labelRuns(new Uint8Array(6).fill(1), 3, 2, 4);
    expect(full.count).toBe(1);
    expect(Array.from(full.areas)).toEqual([0, 6]);
  });

  it('property: per-pixel labels equal a raster-order flood fill (4 and 8), reusing scratch across sizes', () => {
    const arb = fc
      .record({ w: fc.integer({ min: 1, max: 20 }), h: fc.integer({ min: 1, max: 20 }), eight: fc.boolean() })
      .chain(({ w, h, eight }) =>
        fc.uint8Array({ minLength: w * h, maxLength: w * h, max: 3 }).map((data) => ({ w, h, eight, data })),
      );
    fc.assert(
      fc.property(arb, ({ w, h, eight, data }) => {
        const got = labelComponents(data, w, h, eight ? 8 : 4, 1);
        const want = floodLabels(data, w, h, eight, 1);
        if (!got.labels.every((v, i) => v === want[i])) return false;
        const areas = new Int32Array(got.count + 1);
        for (const l of want) areas[l]!++;
        return got.areas.every((v, i) => v === areas[i]);
      }),
      { numRuns: 300 },
    );
  });

  it('property: scanning only the row ranges (values outside are 0) gives the same runs, labels, areas and boxes', () => {
    const arb = fc
      .record({ w: fc.integer({ min: 1, max: 20 }), h: fc.integer({ min: 1, max: 20 }), eight: fc.boolean(), pad: fc.nat(3) })
      .chain(({ w, h, eight, pad }) =>
        fc.uint8Array({ minLength: w * h, maxLength: w * h, max: 3 }).map((raw) => ({ w, h, eight, pad, raw })),
      );
    fc.assert(
      fc.property(arb, ({ w, h, eight, pad, raw }) => {
        // zero a random-width margin on both sides of each row; the ranges are those margins widened by `pad`
        const data = raw.slice();
        const rows = new Int32Array(2 * h);
        for (let y = 0; y < h; y++) {
          const lo = (raw[y * w]! * 7 + y) % (w + 1);
          const hi = lo + ((raw[y * w + w - 1]! * 5 + y) % (w + 1 - lo)) - 1; // lo − 1 (empty) … w − 1
          for (let x = 0; x < w; x++) if (x < lo || x > hi) data[y * w + x] = 0;
          rows[2 * y] = Math.max(0, lo - pad);
          rows[2 * y + 1] = Math.min(w - 1, hi + pad);
          if (hi < lo) [rows[2 * y], rows[2 * y + 1]] = [w, -1];
        }
        const want = labelRuns(data, w, h, eight ? 8 : 4, 1);
        const got = labelRuns(data, w, h, eight ? 8 : 4, 1, rows);
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('property: holes[l] = the background components (other connectivity) that component l alone encloses', () => {
    const arb = fc
      .record({ w: fc.integer({ min: 1, max: 14 }), h: fc.integer({ min: 1, max: 14 }), eight: fc.boolean() })
      .chain(({ w, h, eight }) =>
        fc.uint8Array({ minLength: w * h, maxLength: w * h, max: 1 }).map((data) => ({ w, h, eight, data })),
      );
    fc.assert(
      fc.property(arb, ({ w, h, eight, data }) => {
        const r = labelRuns(data, w, h, eight ? 8 : 4);
        expect(r.holes).toHaveLength(r.count + 1);
        expect(r.holes[0]).toBe(0);
        const labels = floodLabels(data, w, h, eight, 0);
        for (let l = 1; l <= r.count; l++) {
          // the background of component l alone, in a zero ring (so the outside is one component),
          // labelled with the other connectivity; every component but the outside one is a hole
          const pw = w + 2;
          const bg = new Uint8Array(pw * (h + 2)).fill(1);
          for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (labels[y * w + x] === l) bg[(y + 1) * pw + x + 1] = 0;
          const background = labelRuns(bg, pw, h + 2, eight ? 4 : 8);
          expect(r.holes[l]).toBe(background.count - 1);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('holes: a ring has one, a diagonal ring (8-connected) one, a filled square none', () => {
    const ring = Uint8Array.from([1, 1, 1, 1, 0, 1, 1, 1, 1]);
    expect(Array.from(labelRuns(ring, 3, 3, 8).holes)).toEqual([0, 1]);
    const diamond = Uint8Array.from([0, 1, 0, 1, 0, 1, 0, 1, 0]);
    expect(Array.from(labelRuns(diamond, 3, 3, 8).holes)).toEqual([0, 1]);
    expect(Array.from(labelRuns(diamond, 3, 3, 4).holes)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(labelRuns(new Uint8Array(9).fill(1), 3, 3, 4).holes)).toEqual([0, 0]);
  });
});
