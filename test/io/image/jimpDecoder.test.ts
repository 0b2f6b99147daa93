import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodePng } from '../../../src/io/image/encodePng.js';
import { ImageDecodeError } from '../../../src/io/image/imageDecodeError.js';
import { jimpDecoder, rgbaToRgbImage, toExactArrayBuffer } from '../../../src/io/image/jimpDecoder.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';

describe('rgbaToRgbImage', () => {
  it('drops the alpha byte of each pixel without blending', () => {
    const img = rgbaToRgbImage(new Uint8Array([10, 20, 30, 0, 40, 50, 60, 128]), 2, 1);
    expect(img.shape).toEqual([1, 2, 3]);
    expect([...img.data]).toEqual([10, 20, 30, 40, 50, 60]);
  });
});

describe('toExactArrayBuffer', () => {
  it('returns the backing buffer when the view covers it, else a copy of just the view', () => {
    const whole = new Uint8Array([1, 2, 3]);
    expect(toExactArrayBuffer(whole)).toBe(whole.buffer);
    const part = new Uint8Array(new Uint8Array([9, 1, 2, 9]).buffer, 1, 2);
    const ab = toExactArrayBuffer(part);
    expect([...new Uint8Array(ab)]).toEqual([1, 2]);
  });
});

describe('jimpDecoder', () => {
  it('is named jimp', () => {
    expect(jimpDecoder.name).toBe('jimp');
  });

  it('decodes PNG bytes that sit inside a larger buffer (a subarray view)', async () => {
    const png = await encodePng(createRgbImage(1, 2, new Uint8Array([1, 2, 3, 4, 5, 6])));
    const padded = new Uint8Array(png.length + 8);
    padded.set(png, 4);
    const img = await jimpDecoder.decode(padded.subarray(4, 4 + png.length), 'view.png');
    expect(img.shape).toEqual([2, 1, 3]);
    expect([...img.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('wraps a corrupt PNG (bad chunk data) in ImageDecodeError naming the source', async () => {
    const png = await encodePng(createRgbImage(8, 8));
    const broken = png.slice(0, 40); // signature and IHDR, IDAT cut
    const err = await jimpDecoder.decode(broken, 'cut.png').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDecodeError);
    expect((err as ImageDecodeError).source).toBe('cut.png');
    expect((err as Error).message).toMatch(/^cannot decode image cut\.png: /);
  });
});

describe('jimpDecoder with a broken jimp module', () => {
  afterEach(() => {
    vi.doUnmock('jimp');
    vi.resetModules();
  });

  it('explains an empty jimp module (the jimp 1.6.1 browser stub) instead of failing obscurely', async () => {
    vi.resetModules();
    vi.doMock('jimp', () => ({ Jimp: undefined })); // what a named import of the stub gives
    const fresh = await import('../../../src/io/image/jimpDecoder.js');
    await expect(fresh.jimpDecoder.decode(new Uint8Array([1, 2]), 'a.png')).rejects.toThrow(
      'jimpDecoder: the "jimp" module loaded without its Jimp export',
    );
  });
});
