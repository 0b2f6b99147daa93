import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import { colorBalance, nucleusMap } from '../../../src/segmentation/nucleus/index.js';
import { colorBalanceLuts, IDENTITY_LUTS } from '../../../src/segmentation/nucleus/colorBalance.js';
import {
  balancedMapInto,
  hlsSaturation8,
  mapValueFloat,
  nucleusMapInto,
  rawZeroTables,
} from '../../../src/segmentation/nucleus/nucleusMap.js';
import { REFERENCE_DIR } from '../../helpers/shared.js';

interface GoldenColors {
  rgb: [number, number, number][];
  hlsFull8: [number, number, number][];
  cmykF64: [number, number, number, number][];
}
const golden = JSON.parse(readFileSync(join(REFERENCE_DIR, 'golden-colors.json'), 'utf8')) as GoldenColors;

describe('nucleusMap', () => {
  it("HLS saturation equals OpenCV's 8-bit RGB2HLS_FULL on all golden colours", () => {
    let mismatches = 0;
    golden.rgb.forEach(([r, g, b], i) => {
      const s = hlsSaturation8(Math.max(r, g, b), Math.min(r, g, b));
      if (s !== golden.hlsFull8[i]![2]) mismatches++;
    });
    expect(mismatches).toBe(0);
  });

  it('equals the reference formula on the golden colours (M, K from the golden CMYK)', () => {
    const n = golden.rgb.length;
    const img = createRgbImage(n, 1, Uint8Array.from(golden.rgb.flat()));
    const map = nucleusMap(img);
    let maxErr = 0;
    golden.rgb.forEach((_, i) => {
      const [, m, , k] = golden.cmykF64[i]!;
      const s = golden.hlsFull8[i]![2];
      const d = Math.max(Math.min(m * 255, s) - Math.max(k * 255 - m * 255, 0), 0);
      maxErr = Math.max(maxErr, Math.abs(map.data[i]! - Math.min(255, d)));
    });
    // golden CMYK is rounded to 6 decimals, so allow the rounding of d to flip by one level
    expect(maxErr).toBeLessThanOrEqual(0.5 + 255e-6 * 2);
  });

  it('the integer tables equal the float64 formula on every (max, G, min) triple', () => {
    // the reference's per-pixel float64 operations, written out independently of the tables
    const rint = (v: number): number => {
      const r = Math.round(v);
      return r - v === 0.5 && r % 2 === 1 ? r - 1 : r;
    };
    const reference = (mx: number, g: number, mn: number): number => {
      const k = 1.0 - mx / 255.0;
      const m = (k < 1.0 ? (1.0 - g / 255.0 - k) / (1.0 - k) : 0.0) * 255.0;
      const s = hlsSaturation8(mx, mn);
      const d = Math.min(m, s) - Math.max(k * 255.0 - m, 0);
      return d > 0 ? Math.min(rint(d), 255) : 0;
    };
    // pixel (R, G, B) = (max, G, min): G is the middle channel, so max, G and min are as named
    const src = new Uint8Array(3 * 2829056); // Σ_max Σ_{G ≤ max} (G + 1) triples
    let t = 0;
    for (let mx = 0; mx < 256; mx++) {
      for (let g = 0; g <= mx; g++) {
        for (let mn = 0; mn <= g; mn++) {
          src[t++] = mx;
          src[t++] = g;
          src[t++] = mn;
        }
      }
    }
    expect(t).toBe(src.length);
    const dst = new Uint8Array(src.length / 3);
    nucleusMapInto(src, dst);
    let mismatches = 0;
    for (let p = 0; p < dst.length; p++) if (dst[p] !== reference(src[3 * p]!, src[3 * p + 1]!, src[3 * p + 2]!)) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('is high on purple and low on white, grey and pink', () => {
    const img = createRgbImage(4, 1, Uint8Array.from([118, 62, 158, 255, 255, 255, 128, 128, 128, 232, 202, 212]));
    const d = Array.from(nucleusMap(img).data);
    expect(d[0]).toBeGreaterThan(100);
    expect(d[1]).toBe(0);
    expect(d[2]).toBe(0);
    expect(d[3]).toBeLessThan(50);
  });

  it('balancedMapInto: same map as colorBalance + nucleusMap for any width and buffer alignment; exact row ranges', () => {
    // purple, pink, white and grey pixels in a pattern that puts non-zero values at row ends too
    const palette = [[118, 62, 158], [232, 202, 212], [255, 255, 255], [128, 128, 128], [150, 90, 190], [60, 20, 90]];
    for (const w of [1, 2, 3, 4, 5, 7, 8, 13]) {
      for (const offset of [0, 1, 2, 3]) {
        const h = 6;
        const buffer = new Uint8Array(offset + w * h * 3);
        const src = buffer.subarray(offset);
        for (let p = 0; p < w * h; p++) src.set(palette[(p * 7 + (p >> 2)) % palette.length]!, 3 * p);
        const image = createRgbImage(w, h, src);
        const want = nucleusMap(colorBalance(image)).data;
        const map = new Uint8Array(w * h).fill(9);
        const rows = new Int32Array(2 * h);
        balancedMapInto(src, colorBalanceLuts(src), map, w, rows);
        expect(Array.from(map), `w=${w} offset=${offset}`).toEqual(Array.from(want));
        for (let y = 0; y < h; y++) {
          const row = Array.from(want.subarray(y * w, y * w + w));
          const lo = row.findIndex((v) => v !== 0);
          const hi = row.length - 1 - [...row].reverse().findIndex((v) => v !== 0);
          expect([rows[2 * y], rows[2 * y + 1]]).toEqual(lo < 0 ? [w, -1] : [lo, hi]);
        }
      }
    }
  });

  it('rawZeroTables: G ≥ zr[R] and G ≥ zb[B] exactly when the balanced pixel has P = 0', () => {
    // P = 0 ⟺ the map is 0 even at the largest saturation (S = 255, where S − C ≥ max > 0)
    const balances: [string, Uint8Array][] = [
      ['identity', new Uint8Array(0)],
      ['bluish cast', Uint8Array.of(90, 120, 230, 60, 100, 250)],
      ['reddish cast', Uint8Array.of(240, 120, 90, 250, 80, 70)],
      ['greenish, no blue', Uint8Array.of(100, 220, 0, 60, 250, 0)],
    ];
    for (const [name, pixels] of balances) {
      const luts = name === 'identity' ? IDENTITY_LUTS : colorBalanceLuts(pixels);
      const [lr, lg, lb] = luts;
      const [zr, zb] = rawZeroTables(luts);
      let mismatches = 0;
      for (let r = 0; r < 256; r += 3) {
        for (let b = 0; b < 256; b += 5) {
          for (let g = 0; g < 256; g++) {
            const R = lr[r]!, G = lg[g]!, B = lb[b]!;
            const mx = Math.max(R, G, B);
            const zero = mapValueFloat(mx, G, 255) === 0;
            if ((g >= zr[r]! && g >= zb[b]!) !== zero) mismatches++;
          }
        }
      }
      expect(mismatches, name).toBe(0);
    }
  });
});
