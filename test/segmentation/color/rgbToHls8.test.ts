import { describe, expect, it } from 'vitest';
import { rgbToHls8 } from '../../../src/segmentation/color/rgbToHls8.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import { diff, golden, goldenImage, GRAYS, pixels } from './goldenColors.js';

describe('rgbToHls8', () => {
  it('is bit-exact with OpenCV COLOR_RGB2HLS (H in [0, 180))', () => {
    expect(diff(rgbToHls8(goldenImage()).data, golden('hls8'))).toEqual({ max: 0, count: 0 });
  });

  it('is bit-exact with OpenCV COLOR_RGB2HLS_FULL with { full: true }', () => {
    expect(diff(rgbToHls8(goldenImage(), { full: true }).data, golden('hlsFull8'))).toEqual({ max: 0, count: 0 });
  });

  it('rounds the exact ties of the golden set as OpenCV does (float32 steps)', () => {
    // S = 1/6 → 42.5 and H = 65° → 32.5: exact ties that a float64 formula rounds the other way
    expect(Array.from(rgbToHls8(pixels([136, 136, 170], [187, 204, 0])).data)).toEqual([120, 153, 42, 33, 102, 255]);
  });

  it("agrees with OpenCV's float32 hue steps on 2^20 colours (R = 0, 17, …, 255; all G, B)", () => {
    // independent re-statement of OpenCV's RGB2HLS_f hue in float32 (fused multiply-add for the offset)
    const f = Math.fround;
    const inv = f(1 / 255);
    const rint = (x: number): number => {
      const r = Math.round(x);
      return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
    };
    for (const full of [false, true]) {
      const hscale = f((full ? 256 : 180) / 360);
      let mismatches = 0;
      for (let R = 0; R < 256; R += 17) {
        const buf = new Uint8Array(256 * 256 * 3);
        for (let G = 0, k = 0; G < 256; G++) for (let B = 0; B < 256; B++) { buf[k++] = R; buf[k++] = G; buf[k++] = B; }
        const out = rgbToHls8(createRgbImage(256 * 256, 1, buf), { full }).data;
        for (let G = 0, k = 0; G < 256; G++) {
          for (let B = 0; B < 256; B++, k += 3) {
            const hi = Math.max(R, G, B);
            const lo = Math.min(R, G, B);
            let h8 = 0;
            if (hi !== lo) {
              const r = f(R * inv), g = f(G * inv), b = f(B * inv);
              const kk = f(60 / f(f(hi * inv) - f(lo * inv)));
              let h = hi === R ? f(f(g - b) * kk) : hi === G ? f(f(b - r) * kk + 120) : f(f(r - g) * kk + 240);
              if (h < 0) h = f(h + 360);
              h8 = Math.min(255, rint(f(h * hscale)));
            }
            if (out[k] !== h8) mismatches++;
          }
        }
      }
      expect(mismatches).toBe(0);
    }
  });

  it('gives hue 0 and saturation 0 for black, white and grays', () => {
    const out = rgbToHls8(pixels(...GRAYS), { full: true }).data;
    GRAYS.forEach(([v], i) => expect([out[3 * i], out[3 * i + 1], out[3 * i + 2]]).toEqual([0, v, 0]));
  });

  it('rejects a non-ndarray', () => {
    expect(() => rgbToHls8(null as never)).toThrow('rgbToHls8: image must be an ndarray of shape [H, W, 3], got null');
  });
});
