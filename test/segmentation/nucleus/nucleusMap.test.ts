import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRgbImage } from '../../../src/io/rgbImage.js';
import { nucleusMap } from '../../../src/segmentation/nucleus/index.js';
import { hlsSaturation8 } from '../../../src/segmentation/nucleus/nucleusMap.js';
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

  it('is high on purple and low on white, grey and pink', () => {
    const img = createRgbImage(4, 1, Uint8Array.from([118, 62, 158, 255, 255, 255, 128, 128, 128, 232, 202, 212]));
    const d = Array.from(nucleusMap(img).data);
    expect(d[0]).toBeGreaterThan(100);
    expect(d[1]).toBe(0);
    expect(d[2]).toBe(0);
    expect(d[3]).toBeLessThan(50);
  });
});

