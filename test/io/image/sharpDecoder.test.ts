import { crc32, deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodePng } from '../../../src/io/image/encodePng.js';
import { ImageDecodeError } from '../../../src/io/image/imageDecodeError.js';
import { jimpDecoder } from '../../../src/io/image/jimpDecoder.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import { SHARP_INSTALL_COMMAND, isSharpAvailable, sharpDecoder } from '../../../src/io/image/sharpDecoder.js';

/** A 16-bit PNG (colour type 2 for 3 channels, 6 for 4) written by hand: sample(p, c) in [0, 65535]. */
function png16bit(width: number, height: number, channels: 3 | 4, sample: (pixel: number, channel: number) => number): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 16;
  ihdr[9] = channels === 3 ? 2 : 6;
  const stride = 1 + width * channels * 2;
  const rows = Buffer.alloc(height * stride); // filter type 0 (None) on every row
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) rows.writeUInt16BE(sample(y * width + x, c), y * stride + 1 + (x * channels + c) * 2);
    }
  }
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]));
}

describe('sharpDecoder (sharp installed)', () => {
  it('is available here and named sharp', async () => {
    expect(await isSharpAvailable()).toBe(true);
    expect(sharpDecoder.name).toBe('sharp');
  });

  it('decodes PNG bytes exactly', async () => {
    const img = createRgbImage(3, 1, new Uint8Array([0, 1, 2, 100, 150, 200, 253, 254, 255]));
    const out = await sharpDecoder.decode(await encodePng(img), 'x.png');
    expect(out.shape).toEqual([1, 3, 3]);
    expect(out.stride).toEqual([9, 3, 1]);
    expect([...out.data]).toEqual([...img.data]);
  });

  it('reduces 16-bit RGB and RGBA PNGs to the original 8-bit values, as jimp does', async () => {
    const rgb = Uint8Array.from({ length: 4 * 3 * 3 }, (_, k) => (k * 23) % 256);
    // 16-bit samples v·257: the exact 16-bit equivalent of the 8-bit value v.
    const png16 = png16bit(4, 3, 3, (p, c) => rgb[p * 3 + c]! * 257);
    const rgba16 = png16bit(4, 3, 4, (p, c) => (c === 3 ? 40000 : rgb[p * 3 + c]! * 257));
    for (const png of [png16, rgba16]) {
      for (const decoder of [sharpDecoder, jimpDecoder]) {
        const out = await decoder.decode(png, 'deep.png');
        expect(out.shape, decoder.name).toEqual([3, 4, 3]);
        expect([...out.data], decoder.name).toEqual([...rgb]);
      }
    }
  });

  it('wraps corrupt bytes in ImageDecodeError naming the source', async () => {
    const err = await sharpDecoder.decode(new Uint8Array([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]), 'junk.jpg').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDecodeError);
    expect((err as Error).message).toMatch(/^cannot decode image junk\.jpg: /);
  });
});

describe('sharpDecoder (sharp missing)', () => {
  afterEach(() => {
    vi.doUnmock('sharp');
    vi.resetModules();
  });

  it('says how to install it, and auto falls back to jimp', async () => {
    vi.resetModules();
    vi.doMock('sharp', () => {
      throw new Error("Cannot find package 'sharp'");
    });
    const fresh = await import('../../../src/io/image/sharpDecoder.js');
    const { resolveDecoder } = await import('../../../src/io/image/decodeImageBytes.js');
    expect(await fresh.isSharpAvailable()).toBe(false);
    await expect(fresh.sharpDecoder.decode(new Uint8Array([1]), 'a.jpg')).rejects.toThrow(
      `sharpDecoder: the optional dependency "sharp" is not installed; run \`${SHARP_INSTALL_COMMAND}\``,
    );
    expect((await resolveDecoder('auto')).name).toBe('jimp');
  });
});
