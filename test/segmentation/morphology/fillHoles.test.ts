import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMask } from '../../../src/io/image/rgbImage.js';
import { fillHoles } from '../../../src/segmentation/morphology/index.js';
import { fillHolesInto } from '../../../src/segmentation/morphology/fillHoles.js';
import { drawMask as draw, maskRows as rowsOf } from './drawMask.js';

describe('fillHoles', () => {
  it('fills an enclosed hole but not a notch open to the border', () => {
    const ring = draw('.....', '.###.', '.#.#.', '.###.', '.....');
    expect(rowsOf(fillHoles(ring))).toEqual(['.....', '.###.', '.###.', '.###.', '.....']);
    const open = draw('###', '#.#', '#.#');
    expect(rowsOf(fillHoles(open))).toEqual(['###', '#.#', '#.#']);
  });
  it('background connectivity 4 (SciPy) fills a hole that leaks only diagonally; 8 does not', () => {
    const leak = draw('#.##', '.#.#', '####');
    // the hole at (1,2) touches background only through corners
    expect(rowsOf(fillHoles(leak))[1]).toBe('.###');
    expect(rowsOf(fillHoles(leak, { connectivity: 8 }))[1]).toBe('.#.#');
  });
  it('empty and full masks are fixed points', () => {
    expect(Array.from(fillHoles(createMask(3, 3)).data)).toEqual(new Array(9).fill(0));
    const full = createMask(2, 2, new Uint8Array([1, 1, 1, 1]));
    expect(Array.from(fillHoles(full).data)).toEqual([1, 1, 1, 1]);
  });
  const maskArb = fc
    .record({ w: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 12 }) })
    .chain(({ w, h }) =>
      fc.uint8Array({ minLength: w * h, maxLength: w * h, max: 1 }).map((d) => createMask(w, h, d)),
    );
  it('property: idempotent and a superset of the input', () => {
    fc.assert(
      fc.property(maskArb, (m) => {
        const once = fillHoles(m);
        const twice = fillHoles(once);
        for (let i = 0; i < m.data.length; i++) if (m.data[i]! > once.data[i]!) return false;
        return once.data.every((v, i) => v === twice.data[i]);
      }),
    );
  });

  it('property: equals an independent reference (outside grown by sweeps until stable), 4- and 8-connected', () => {
    /** Background reachable from the border, grown one sweep at a time over the whole image. */
    const reference = (src: Uint8Array, w: number, h: number, eight: boolean): number[] => {
      const out = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (src[y * w + x] === 0 && (x === 0 || y === 0 || x === w - 1 || y === h - 1)) out[y * w + x] = 1;
        }
      }
      const steps = eight ? [[-1, 0], [1, 0], [0, -1], [0, 1], [-1, -1], [1, -1], [-1, 1], [1, 1]] : [[-1, 0], [1, 0], [0, -1], [0, 1]];
      for (let changed = true; changed; ) {
        changed = false;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            if (src[y * w + x] !== 0 || out[y * w + x] === 1) continue;
            const reached = steps.some(([dx, dy]) => {
              const xx = x + dx!, yy = y + dy!;
              return xx >= 0 && yy >= 0 && xx < w && yy < h && out[yy * w + xx] === 1;
            });
            if (reached) {
              out[y * w + x] = 1;
              changed = true;
            }
          }
        }
      }
      return Array.from(out, (v) => 1 - v);
    };
    fc.assert(
      fc.property(maskArb, fc.boolean(), (m, eight) => {
        const [h, w] = m.shape as [number, number];
        const dst = new Uint8Array(w * h);
        fillHolesInto(m.data, dst, w, h, eight);
        expect(Array.from(dst)).toEqual(reference(m.data, w, h, eight));
      }),
      { numRuns: 500 },
    );
  });

  it('property: fillHolesInto returns the filled area (the 1s of its output), 4- and 8-connected', () => {
    fc.assert(
      fc.property(maskArb, fc.boolean(), (m, eight) => {
        const [h, w] = m.shape as [number, number];
        const dst = new Uint8Array(w * h).fill(7); // stale content is overwritten
        const area = fillHolesInto(m.data, dst, w, h, eight);
        expect(area).toBe(dst.reduce((s, v) => s + v, 0));
        expect(Array.from(dst)).toEqual(Array.from(fillHoles(m, { connectivity: eight ? 8 : 4 }).data));
      }),
    );
  });
});
