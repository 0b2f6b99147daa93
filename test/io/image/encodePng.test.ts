import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { decodeImageBytes } from '../../../src/io/image/decodeImageBytes.js';
import { encodePng } from '../../../src/io/image/encodePng.js';
import { createMask, createRgbImage } from '../../../src/io/image/rgbImage.js';
import type { Mask, RgbImage } from '../../../src/io/image/rgbImage.js';

/** IHDR fields: the signature (8) + chunk length (4) + "IHDR" (4) precede width, height, bit depth, colour type. */
function ihdr(png: Uint8Array): { width: number; height: number; bitDepth: number; colorType: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: png[24]!, colorType: png[25]! };
}

describe('encodePng', () => {
  it('round-trips random RGB images exactly (encode → decode identical), with both decoders', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 255 })),
        async (w, h, values) => {
          const img = createRgbImage(w, h, Uint8Array.from(values.take(w * h * 3)));
          const png = await encodePng(img);
          expect(ihdr(png)).toEqual({ width: w, height: h, bitDepth: 8, colorType: 2 });
          for (const decoder of ['jimp', 'sharp'] as const) {
            const back = await decodeImageBytes(png, { decoder });
            expect(back.shape).toEqual([h, w, 3]);
            expect(Buffer.compare(Buffer.from(back.data), Buffer.from(img.data))).toBe(0);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('round-trips a 224x224 gradient image exactly', async () => {
    const img = createRgbImage(224, 224);
    for (let p = 0; p < 224 * 224; p++) img.data.set([p % 256, (p >> 8) % 256, (p * 7) % 256], p * 3);
    const back = await decodeImageBytes(await encodePng(img));
    expect(Buffer.compare(Buffer.from(back.data), Buffer.from(img.data))).toBe(0);
  });

  it('writes a mask as 8-bit grayscale with 0 → 0 and 1 → 255', async () => {
    const mask = createMask(3, 2, new Uint8Array([0, 1, 0, 1, 1, 0]));
    const png = await encodePng(mask);
    expect(ihdr(png)).toEqual({ width: 3, height: 2, bitDepth: 8, colorType: 0 });
    const back = await decodeImageBytes(png);
    expect([...back.data]).toEqual([0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0]);
  });

  it('writes any non-zero mask value as 255', async () => {
    const back = await decodeImageBytes(await encodePng(createMask(2, 1, new Uint8Array([7, 0]))));
    expect([...back.data]).toEqual([255, 255, 255, 0, 0, 0]);
  });

  it('encodes a 1x1 image and an all-zero mask', async () => {
    const one = await decodeImageBytes(await encodePng(createRgbImage(1, 1, new Uint8Array([9, 8, 7]))));
    expect([...one.data]).toEqual([9, 8, 7]);
    const empty = await decodeImageBytes(await encodePng(createMask(4, 4)));
    expect(empty.data.every((v) => v === 0)).toBe(true);
  });

  it('encodes strided views (a transposed image, a cropped mask) in logical order', async () => {
    const base = createRgbImage(2, 1, new Uint8Array([1, 2, 3, 4, 5, 6])); // [1, 2, 3]
    const transposed = base.transpose(1, 0, 2) as RgbImage; // [2, 1, 3]
    const back = await decodeImageBytes(await encodePng(transposed));
    expect(back.shape).toEqual([2, 1, 3]);
    expect([...back.data]).toEqual([1, 2, 3, 4, 5, 6]);
    const mask = createMask(3, 1, new Uint8Array([1, 0, 1])).hi(1, 2).lo(0, 1) as Mask; // [1, 1], value 0
    const m = await decodeImageBytes(await encodePng(mask));
    expect([...m.data]).toEqual([0, 0, 0]);
  });

  it('rejects other shapes and dtypes with errors naming encodePng', async () => {
    await expect(encodePng(ndarray(new Uint8Array(8), [2, 1, 4]) as RgbImage)).rejects.toThrow('encodePng: image must be an ndarray of shape [H, W, 3] (last dimension 3), got shape [2, 1, 4] uint8');
    await expect(encodePng(ndarray(new Uint8Array(8), [8]) as RgbImage)).rejects.toThrow('encodePng');
    await expect(encodePng(ndarray(new Float32Array(4), [2, 2]) as unknown as Mask)).rejects.toThrow('encodePng: mask.data must be a Uint8Array, got Float32Array(4)');
    await expect(encodePng(ndarray(new Uint8Array(0), [0, 3]) as Mask)).rejects.toThrow('encodePng: expected a non-empty mask');
    await expect(encodePng(null as unknown as Mask)).rejects.toThrow('encodePng: expected an ndarray');
  });
});
