import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addColorChannelSums } from '../../../src/features/cell/colorChannelSums.js';
import { rgbToHsv8Into } from '../../../src/segmentation/color/rgbToHsv8.js';
import { rgbToLab8Into } from '../../../src/segmentation/color/rgbToLab8.js';
import { rgbToYcrcb8Into } from '../../../src/segmentation/color/rgbToYcrcb8.js';

/** The sums the slow way: convert whole buffers with the colour module, then sum each channel. */
function referenceSums(rgb: Uint8Array, length: number): Float64Array {
  const stats = new Float64Array(48);
  const conv = new Uint8Array(length);
  const add = (data: Uint8Array, o: number): void => {
    for (let i = 0; i < length; i += 3) {
      for (let c = 0; c < 3; c++) {
        const v = data[i + c]!;
        stats[o + 4 * c] = stats[o + 4 * c]! + v;
        stats[o + 4 * c + 1] = stats[o + 4 * c + 1]! + v * v;
      }
    }
  };
  add(rgb, 0);
  rgbToHsv8Into(rgb, conv, length, false);
  add(conv, 12);
  rgbToLab8Into(rgb, conv, length);
  add(conv, 24);
  rgbToYcrcb8Into(rgb, conv, length);
  add(conv, 36);
  return stats;
}

describe('addColorChannelSums', () => {
  it('one pixel: equals the converted channels and their squares (random colours)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (r, g, b) => {
        const rgb = Uint8Array.of(r, g, b);
        const stats = new Float64Array(48);
        addColorChannelSums(rgb, 3, stats, 0);
        expect(stats).toEqual(referenceSums(rgb, 3));
      }),
      { numRuns: 2000 },
    );
  });

  it('the whole RGB cube, one red level at a time: every Σ and Σ² equals the slow path', () => {
    const rgb = new Uint8Array(256 * 256 * 3);
    for (let r = 0; r < 256; r++) {
      for (let g = 0, i = 0; g < 256; g++) {
        for (let b = 0; b < 256; b++, i += 3) {
          rgb[i] = r;
          rgb[i + 1] = g;
          rgb[i + 2] = b;
        }
      }
      const stats = new Float64Array(48);
      addColorChannelSums(rgb, rgb.length, stats, 0);
      const want = referenceSums(rgb, rgb.length);
      if (!stats.every((v, k) => v === want[k])) expect([r, Array.from(stats)]).toEqual([r, Array.from(want)]);
    }
  });

  it('adds to the existing values at the offset (stride 4 per channel) and leaves the rest', () => {
    const rgb = Uint8Array.of(10, 20, 30, 200, 100, 50, 0, 0, 0);
    const stats = new Float64Array(50).fill(1);
    addColorChannelSums(rgb, 6, stats, 2);
    const want = referenceSums(rgb, 6);
    for (let c = 0; c < 12; c++) {
      expect(stats[2 + 4 * c]).toBe(1 + want[4 * c]!);
      expect(stats[3 + 4 * c]).toBe(1 + want[4 * c + 1]!);
      expect(stats[4 * c + 4]).toBe(1); // the other slots of the channel
      expect(stats[4 * c + 5]).toBe(1);
    }
    expect(stats[0]).toBe(1);
    expect(stats[1]).toBe(1);
  });

  it('length 0 adds nothing; bad lengths and offsets throw naming the function', () => {
    const stats = new Float64Array(48);
    addColorChannelSums(new Uint8Array(0), 0, stats, 0);
    expect(stats.every((v) => v === 0)).toBe(true);
    expect(() => addColorChannelSums(new Uint8Array(6), 4, stats, 0)).toThrow(/addColorChannelSums.*4/);
    expect(() => addColorChannelSums(new Uint8Array(3), 6, stats, 0)).toThrow(/addColorChannelSums.*6/);
    expect(() => addColorChannelSums(new Uint8Array(3), 3, stats, 3)).toThrow(/addColorChannelSums.*3/);
  });
});
