import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMask } from '../../../src/io/rgbImage.js';
import { fillHoles } from '../../../src/segmentation/morphology/index.js';
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
});
