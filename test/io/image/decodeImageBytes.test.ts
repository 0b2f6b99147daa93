import { describe, expect, it } from 'vitest';
import { canvasDecoder, isCanvasDecoderAvailable } from '../../../src/io/image/canvasDecoder.js';
import { decodeImageBytes, resolveDecoder } from '../../../src/io/image/decodeImageBytes.js';
import { encodePng } from '../../../src/io/image/encodePng.js';
import { ImageDecodeError } from '../../../src/io/image/imageDecodeError.js';
import type { ImageDecoder } from '../../../src/io/image/imageDecoder.js';
import { jimpDecoder } from '../../../src/io/image/jimpDecoder.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import { sharpDecoder } from '../../../src/io/image/sharpDecoder.js';

describe('resolveDecoder', () => {
  it('maps names to decoders, defaulting to auto; auto prefers sharp when installed', async () => {
    expect(await resolveDecoder()).toBe(sharpDecoder); // sharp is a dev dependency here
    expect(await resolveDecoder('canvas')).toBe(canvasDecoder);
    expect(await resolveDecoder('jimp')).toBe(jimpDecoder);
    expect(await resolveDecoder('sharp')).toBe(sharpDecoder);
    expect(await resolveDecoder('auto')).toBe(sharpDecoder); // sharp is a dev dependency here
  });

  it('passes a custom decoder through', async () => {
    const custom: ImageDecoder = { name: 'custom', decode: () => Promise.resolve(createRgbImage(1, 1)) };
    expect(await resolveDecoder(custom)).toBe(custom);
  });

  it('rejects unknown choices naming the value', async () => {
    await expect(resolveDecoder('opencv' as 'jimp')).rejects.toThrow(
      `resolveDecoder: decoder must be 'jimp', 'sharp', 'canvas', 'auto' or an ImageDecoder, got "opencv"`,
    );
  });

  it('canvas decoder refuses to run outside a browser, naming the source', async () => {
    expect(isCanvasDecoderAvailable()).toBe(false);
    const err = await canvasDecoder.decode(new Uint8Array([1, 2, 3]), 'cell.png').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDecodeError);
    expect((err as Error).message).toContain('cannot decode image cell.png: the canvas decoder needs a browser');
  });
});

describe('decodeImageBytes', () => {
  it('decodes PNG bytes with the default decoder', async () => {
    const img = createRgbImage(2, 1, new Uint8Array([255, 0, 0, 0, 0, 255]));
    const out = await decodeImageBytes(await encodePng(img));
    expect(out.shape).toEqual([1, 2, 3]);
    expect([...out.data]).toEqual([255, 0, 0, 0, 0, 255]);
  });

  it('rejects empty bytes with ImageDecodeError naming the source, for every decoder', async () => {
    for (const decoder of ['jimp', 'sharp', 'auto'] as const) {
      const err = await decodeImageBytes(new Uint8Array(0), { decoder, name: 'empty.jpg' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageDecodeError);
      expect((err as Error).message).toBe('cannot decode image empty.jpg: empty file (0 bytes)');
    }
  });

  it('names unnamed bytes by their length', async () => {
    await expect(decodeImageBytes(new Uint8Array([1, 2, 3]))).rejects.toThrow('cannot decode image <3 bytes>');
  });

  it('hands the bytes and the name to a custom decoder', async () => {
    const seen: string[] = [];
    const custom: ImageDecoder = {
      name: 'custom',
      decode(bytes, name) {
        seen.push(`${name}:${bytes.length}`);
        return Promise.resolve(createRgbImage(1, 1, new Uint8Array([1, 2, 3])));
      },
    };
    const out = await decodeImageBytes(new Uint8Array(5), { decoder: custom, name: 'a.raw' });
    expect(seen).toEqual(['a.raw:5']);
    expect([...out.data]).toEqual([1, 2, 3]);
  });

  it('rejects non-Uint8Array input with a TypeError naming the function', async () => {
    await expect(decodeImageBytes('cell.jpg' as unknown as Uint8Array)).rejects.toThrow(
      'decodeImageBytes: bytes must be a Uint8Array of encoded image bytes, got "cell.jpg"',
    );
  });
});
