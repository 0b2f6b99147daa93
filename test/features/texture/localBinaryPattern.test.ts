import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../../src/core/index.js';
import { localBinaryPattern, uniformLbpHistogram } from '../../../src/features/texture/index.js';
import { FIXTURES } from './textureFixtures.js';

describe('localBinaryPattern (scikit-image local_binary_pattern)', () => {
  for (const f of FIXTURES.lbp) {
    for (const r of f.results) {
      it(`matches on '${f.name}' with P=${r.points}, R=${r.radius}, ${r.method}`, () => {
        const codes = localBinaryPattern(ndarray(Uint8Array.from(f.image), [f.height, f.width]), {
          points: r.points,
          radius: r.radius,
          method: r.method,
        });
        expect(codes.shape).toEqual([f.height, f.width]);
        const got = Array.from(codes.data);
        const mismatches = got.flatMap((v, i) => (v === r.codes[i] ? [] : [`${i}: ${v} vs ${r.codes[i]}`]));
        expect(mismatches).toEqual([]);
      });
    }
  }

  it('gives the same codes for float data and for a strided view', () => {
    const f = FIXTURES.lbp.find((x) => x.name === 'blocks')!;
    const u8 = ndarray(Uint8Array.from(f.image), [f.height, f.width]);
    const f64 = ndarray(Float64Array.from(f.image), [f.height, f.width]);
    expect(Array.from(localBinaryPattern(f64).data)).toEqual(Array.from(localBinaryPattern(u8).data));
    const padded = ndarray(new Uint8Array((f.height + 2) * (f.width + 3)), [f.height + 2, f.width + 3]);
    const view = padded.lo(1, 2).hi(f.height, f.width);
    for (let r = 0; r < f.height; r++) for (let c = 0; c < f.width; c++) view.set(r, c, u8.get(r, c));
    expect(Array.from(localBinaryPattern(view).data)).toEqual(Array.from(localBinaryPattern(u8).data));
  });

  it('rejects bad images and options with named errors', () => {
    const img = ndarray(new Uint8Array(4), [2, 2]);
    expect(() => localBinaryPattern(ndarray(new Uint8Array(4), [4]) as never)).toThrow(ArgumentError);
    expect(() => localBinaryPattern(img, { points: 0 })).toThrow(/^localBinaryPattern: options.points must be an integer ≥ 1 and ≤ 30/);
    expect(() => localBinaryPattern(img, { radius: 0 })).toThrow(/^localBinaryPattern: options.radius must be a finite number > 0/);
    expect(() => localBinaryPattern(img, { method: 'var' as never })).toThrow(/^localBinaryPattern: options.method must be one of/);
  });
});

describe('uniformLbpHistogram', () => {
  const f = FIXTURES.lbp.find((x) => x.name === 'noise')!;
  const image = ndarray(Uint8Array.from(f.image), [f.height, f.width]);
  const codes = f.results.find((r) => r.points === 8 && r.radius === 1 && r.method === 'uniform')!.codes;

  it('is the density histogram of the whole-image codes over the mask pixels', () => {
    const mask = Uint8Array.from(codes, (_, i) => (i % 3 === 0 || i % 7 === 0 ? 1 : 0));
    const expected = new Array<number>(10).fill(0);
    let n = 0;
    codes.forEach((c, i) => {
      if (mask[i]) {
        expected[c]! += 1;
        n++;
      }
    });
    expect(Array.from(uniformLbpHistogram(image, mask))).toEqual(expected.map((v) => v / n));
  });

  it('treats any non-zero byte as inside the mask', () => {
    const ones = Uint8Array.from(codes, (_, i) => i % 2);
    const other = Uint8Array.from(codes, (_, i) => (i % 2) * 255);
    expect(Array.from(uniformLbpHistogram(image, other))).toEqual(Array.from(uniformLbpHistogram(image, ones)));
  });

  it('has P + 2 bins', () => {
    expect(uniformLbpHistogram(image, new Uint8Array(codes.length).fill(1), { points: 16, radius: 2 }).length).toBe(18);
  });

  it('gives all zeros for an empty mask (NumPy would give NaN)', () => {
    expect(Array.from(uniformLbpHistogram(image, new Uint8Array(codes.length)))).toEqual(new Array(10).fill(0));
  });

  it('rejects a mask of the wrong length or type', () => {
    expect(() => uniformLbpHistogram(image, new Uint8Array(3))).toThrow(/^uniformLbpHistogram: mask must be a Uint8Array of length H·W = 132/);
    expect(() => uniformLbpHistogram(image, [1, 0] as never)).toThrow(ArgumentError);
  });
});
