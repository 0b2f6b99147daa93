import { describe, expect, it } from 'vitest';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import { colorBalance } from '../../../src/segmentation/nucleus/index.js';
import { rgbToGray8 } from '../../../src/segmentation/color/index.js';

describe('colorBalance', () => {
  it('scales each channel to the grey mean and truncates', () => {
    // grey of (200,100,50) = (200·9798 + 100·19235 + 50·3735 + 2¹⁴) >> 15 = 124
    const img = createRgbImage(1, 1, Uint8Array.from([200, 100, 50]));
    // each channel becomes v·(124/v) = 124 (up to truncation of the float product)
    expect(Array.from(colorBalance(img).data).every((v) => v === 123 || v === 124)).toBe(true);
  });
  it('an all-zero channel stays zero; grey images are unchanged', () => {
    const img = createRgbImage(2, 1, Uint8Array.from([10, 0, 30, 50, 0, 70]));
    const out = colorBalance(img).data;
    expect(out[1]).toBe(0);
    expect(out[4]).toBe(0);
    const grey = createRgbImage(2, 1, Uint8Array.from([40, 40, 40, 90, 90, 90]));
    expect(Array.from(colorBalance(grey).data)).toEqual([40, 40, 40, 90, 90, 90]);
  });
  it('clips at 255 instead of wrapping', () => {
    const img = createRgbImage(2, 1, Uint8Array.from([10, 250, 250, 250, 250, 250]));
    expect(colorBalance(img).data[3]).toBe(255);
  });
  it("balances to the mean of the colour module's rgbToGray8 (OpenCV RGB2GRAY)", () => {
    const data = Uint8Array.from({ length: 64 * 3 }, (_, i) => (i * 37 + (i >> 3) * 11) & 255);
    const img = createRgbImage(8, 8, data);
    const grayMean = rgbToGray8(img).data.reduce((a, b) => a + b, 0) / 64;
    const out = colorBalance(img).data;
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let i = c; i < data.length; i += 3) sum += data[i]!;
      const factor = grayMean / (sum / 64);
      for (let i = c; i < data.length; i += 3) expect(out[i]).toBe(Math.min(data[i]! * factor, 255) | 0);
    }
  });
  it('same tables whatever the buffer alignment and pixel count (the word-wise sums)', () => {
    for (const pixels of [1, 2, 3, 4, 5, 6, 7, 8, 9, 31]) {
      const data = Uint8Array.from({ length: pixels * 3 }, (_, i) => (i * 53 + 17) & 255);
      const want = colorBalance(createRgbImage(pixels, 1, data)).data;
      for (const offset of [1, 2, 3]) {
        const view = new Uint8Array(offset + data.length).subarray(offset);
        view.set(data);
        expect(Array.from(colorBalance(createRgbImage(pixels, 1, view)).data), `${pixels} px, offset ${offset}`).toEqual(Array.from(want));
      }
      // and the sums against a direct per-pixel computation (the 4th test's formula)
      let sg = 0;
      const sums = [0, 0, 0];
      for (let i = 0; i < data.length; i += 3) {
        sg += (data[i]! * 9798 + data[i + 1]! * 19235 + data[i + 2]! * 3735 + 16384) >> 15;
        for (let c = 0; c < 3; c++) sums[c] = sums[c]! + data[i + c]!;
      }
      for (let i = 0; i < data.length; i++) {
        const factor = sg / pixels / (sums[i % 3]! / pixels);
        expect(want[i]).toBe(sums[i % 3] === 0 ? 0 : Math.min(data[i]! * factor, 255) | 0);
      }
    }
  });
});
