import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { borderReflect101, gaussianBlur } from '../../../src/segmentation/filters/index.js';
import { blurInto, gaussianKernel256 } from '../../../src/segmentation/filters/gaussianBlur.js';

const K = [1, 4, 6, 4, 1];

describe('gaussianBlur', () => {
  it('impulse response is the [1,4,6,4,1]/16 outer product with round-half-up', () => {
    const img = ndarray(new Uint8Array(81), [9, 9]);
    img.set(4, 4, 255);
    const out = gaussianBlur(img);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        expect(out.get(2 + i, 2 + j)).toBe(Math.floor((255 * K[i]! * K[j]! * 256 + 32768) / 65536));
      }
    }
    expect(out.get(0, 0)).toBe(0);
  });

  it('constant images stay constant (the kernel sums to one)', () => {
    const img = ndarray(new Uint8Array(35).fill(123), [5, 7]);
    expect(Array.from(gaussianBlur(img).data)).toEqual(new Array(35).fill(123));
  });

  it('reflect-101 border on a single row: hand-computed values', () => {
    // row [0, 0, 255]; column direction is length 1 so only the horizontal pass acts
    const out = gaussianBlur(ndarray(new Uint8Array([0, 0, 255]), [1, 3]));
    // x=2 reads [0(i=0), 0(i=1), 255, 0(i=1), 0(i=0)] → 6/16·255 = 95.6 → 96
    // x=1 reads indices -1..3 → [1, 0, 1, 2, 1] → 4/16·255 = 63.75 → 64
    // x=0 reads indices -2..2 → [2, 1, 0, 1, 2] → (1+1)/16·255 = 31.9 → 32
    expect(Array.from(out.data)).toEqual([32, 64, 96]);
  });

  it('1x1 image and ksize 1 are identities', () => {
    expect(gaussianBlur(ndarray(new Uint8Array([42]), [1, 1])).data[0]).toBe(42);
    const img = ndarray(new Uint8Array([1, 2, 3, 4]), [2, 2]);
    expect(Array.from(gaussianBlur(img, { ksize: 1 }).data)).toEqual([1, 2, 3, 4]);
  });

  it('non-tabulated kernels still sum to one; strided input is read correctly', () => {
    const img = ndarray(new Uint8Array(100).fill(50), [10, 10]);
    expect(new Set(gaussianBlur(img, { ksize: 9, sigma: 2 }).data)).toEqual(new Set([50]));
    const t = ndarray(new Uint8Array([0, 0, 255, 0, 0, 0]), [3, 2]).transpose(1, 0); // [2,3], row 0 = [0,255,0]
    expect(gaussianBlur(t, { ksize: 3 }).get(0, 1)).toBe(Math.floor((255 * 128 * 128 + 32768) / 65536)); // both passes: 128/256 each
  });

  it('property: equals the direct 2-D sum Σ kᵢ·kⱼ·p with reflect-101 on any size (odd/even heights, tiny images)', () => {
    const taps: Record<number, number[]> = { 3: [64, 128, 64], 5: [16, 64, 96, 64, 16], 7: [8, 28, 56, 72, 56, 28, 8] };
    const arb = fc
      .record({ w: fc.integer({ min: 1, max: 11 }), h: fc.integer({ min: 1, max: 11 }), ksize: fc.constantFrom(3, 5, 7) })
      .chain(({ w, h, ksize }) => fc.uint8Array({ minLength: w * h, maxLength: w * h }).map((d) => ({ w, h, ksize, d })));
    fc.assert(
      fc.property(arb, ({ w, h, ksize, d }) => {
        const out = gaussianBlur(ndarray(d, [h, w]), { ksize }).data;
        const k = taps[ksize]!;
        const r = (ksize - 1) / 2;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            let acc = 0;
            for (let i = 0; i < ksize; i++) {
              for (let j = 0; j < ksize; j++) acc += k[i]! * k[j]! * d[borderReflect101(y + i - r, h) * w + borderReflect101(x + j - r, w)]!;
            }
            if (out[y * w + x] !== Math.floor((acc + 32768) / 65536)) return false;
          }
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('rejects bad inputs with the function name', () => {
    expect(() => gaussianBlur(ndarray(new Uint8Array(4), [2, 2]), { ksize: 4 })).toThrow(/gaussianBlur: .*odd/);
    expect(() => gaussianBlur(ndarray(new Uint8Array(12), [2, 2, 3]))).toThrow(/gaussianBlur/);
    expect(() => gaussianBlur(ndarray(new Uint8Array(4), [2, 2]), { sigma: -1 })).toThrow(/gaussianBlur: .*sigma/);
  });
});

describe('blurInto zero skipping (row ranges)', () => {
  // sparse images: mostly 0 with a few non-zero blocks, like a nucleus map
  const sparse = fc.record({
    w: fc.integer({ min: 1, max: 24 }),
    h: fc.integer({ min: 1, max: 24 }),
    ksize: fc.constantFrom(1, 3, 5, 7, 9),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
    density: fc.constantFrom(0, 0.02, 0.1, 0.5),
  });
  const make = (w: number, h: number, seed: number, density: number): Uint8Array => {
    let s = seed;
    const rnd = (): number => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
    return Uint8Array.from({ length: w * h }, () => (rnd() < density ? 1 + Math.floor(rnd() * 255) : 0));
  };
  /** Exact row ranges: first and last non-zero column per row (w, −1 when none). */
  const ranges = (src: Uint8Array, w: number, h: number): Int32Array => {
    const rows = new Int32Array(2 * h);
    for (let y = 0; y < h; y++) {
      let lo = w, hi = -1;
      for (let x = 0; x < w; x++) {
        if (src[y * w + x] !== 0) {
          if (lo === w) lo = x;
          hi = x;
        }
      }
      rows[2 * y] = lo;
      rows[2 * y + 1] = hi;
    }
    return rows;
  };

  it('equals the full blur (gaussianBlur) and its histogram; output ranges bound the non-zero outputs', () => {
    fc.assert(
      fc.property(sparse, ({ w, h, ksize, seed, density }) => {
        const src = make(w, h, seed, density);
        const want = gaussianBlur(ndarray(src.slice(), [h, w]), { ksize }).data;
        const dst = new Uint8Array(w * h).fill(77); // stale content must be overwritten
        const hist = new Float64Array(256);
        const dstRows = new Int32Array(2 * h);
        blurInto(src, dst, w, h, gaussianKernel256(ksize, 0), { hist, srcRows: ranges(src, w, h), dstRows });
        expect(Array.from(dst)).toEqual(Array.from(want));
        const wantHist = new Float64Array(256);
        for (const v of want) wantHist[v]!++;
        expect(Array.from(hist)).toEqual(Array.from(wantHist));
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            if (dst[y * w + x] !== 0) {
              expect(x).toBeGreaterThanOrEqual(dstRows[2 * y]!);
              expect(x).toBeLessThanOrEqual(dstRows[2 * y + 1]!);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an all-zero image: zero output, every pixel counted in bin 0, empty output ranges', () => {
    const w = 9, h = 7;
    const src = new Uint8Array(w * h);
    const dst = new Uint8Array(w * h).fill(5);
    const hist = new Float64Array(256);
    const dstRows = new Int32Array(2 * h);
    blurInto(src, dst, w, h, gaussianKernel256(5, 0), { hist, srcRows: ranges(src, w, h), dstRows });
    expect(dst.every((v) => v === 0)).toBe(true);
    expect(hist[0]).toBe(w * h);
    for (let y = 0; y < h; y++) expect(dstRows[2 * y]!).toBeGreaterThan(dstRows[2 * y + 1]!);
  });
});
