import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { Jimp } from 'jimp';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImageBytes } from '../../../src/io/image/decodeImageBytes.js';
import { encodePng } from '../../../src/io/image/encodePng.js';
import { ImageDecodeError } from '../../../src/io/image/imageDecodeError.js';
import { MAX_IMAGE_PIXELS, checkImageBytes, pngRawSize, readImageHeader } from '../../../src/io/image/imageHeader.js';
import { jimpDecoder } from '../../../src/io/image/jimpDecoder.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import { sharpDecoder } from '../../../src/io/image/sharpDecoder.js';
import { seededRandom } from '../../../src/core/index.js';

const decoders = [jimpDecoder, sharpDecoder] as const;

/** A random RGB image of the given size, from a seed. */
function randomImage(width: number, height: number, seed: number): ReturnType<typeof createRgbImage> {
  const rand = seededRandom(seed);
  return createRgbImage(width, height, Uint8Array.from({ length: width * height * 3 }, () => rand.int(0, 256)));
}

/** What a decoder makes of some bytes: 'ok' or the ImageDecodeError message (anything else fails the test). */
async function outcome(decoder: (typeof decoders)[number], bytes: Uint8Array, name: string): Promise<string> {
  try {
    await decoder.decode(bytes, name);
    return 'ok';
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(ImageDecodeError);
    expect((e as Error).message).toContain(name);
    return (e as Error).message;
  }
}

/** A PNG chunk with its (unchecked by our policy, but correct) CRC. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  let c = ~0;
  for (const b of out.subarray(4, 8 + data.length)) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  view.setUint32(8 + data.length, ~c >>> 0);
  return out;
}

/** A gray 8-bit PNG declaring width × height whose IDAT holds `rows` rows of zeros (a bomb when rows ≪ height). */
function pngDeclaring(width: number, height: number, rows: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(new Uint8Array(rows * (width + 1)))), chunk('IEND', new Uint8Array())];
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

describe('truncated data is refused every time, by both decoders', () => {
  it('a PNG cut at every byte position is rejected (never decoded from leftover memory)', async () => {
    for (const seed of [1, 2]) {
      const png = await encodePng(randomImage(9 + seed, 7, seed));
      for (const d of decoders) expect(await outcome(d, png, 'whole.png')).toBe('ok');
      for (let cut = 1; cut < png.length; cut++) {
        for (const d of decoders) {
          expect(await outcome(d, png.subarray(0, cut), `cut-${cut}.png`), `${d.name} cut ${cut}`).not.toBe('ok');
        }
      }
    }
  }, 120_000);

  it('a PNG whose IDAT stream stops early (but has IEND) is rejected', async () => {
    const short = pngDeclaring(64, 64, 10); // complete zlib stream of 10 rows for 64 declared
    for (const d of decoders) expect(await outcome(d, short, 'short.png')).toMatch(/short\.png: .*(truncated|corrupt)/);
    for (const d of decoders) expect(await outcome(d, pngDeclaring(64, 64, 64), 'full.png')).toBe('ok');
  });

  it('a JPEG cut after its frame header is rejected by both decoders', async () => {
    const jpeg = new Uint8Array(await new Jimp({ width: 32, height: 32, color: 0x884422ff }).getBuffer('image/jpeg'));
    for (const cut of [jpeg.length - 2, Math.floor(jpeg.length * 0.7), 40, 3]) {
      for (const d of decoders) expect(await outcome(d, jpeg.subarray(0, cut), `cut-${cut}.jpg`), `${d.name} ${cut}`).not.toBe('ok');
    }
  });
});

describe('BMP, TIFF and GIF cut short', () => {
  it('BMP and TIFF cut at every position are refused by both; GIF gets the same verdict from both', async () => {
    const raw = Buffer.from(Array.from({ length: 13 * 7 }, (_, p) => [(p * 3) % 256, 255 - p, (p * 7) % 256]).flat());
    const rgba = Buffer.from(Array.from({ length: 13 * 7 }, (_, p) => [(p * 3) % 256, 255 - p, (p * 7) % 256, 255]).flat());
    const jimpImage = await Jimp.fromBitmap({ width: 13, height: 7, data: rgba });
    const files: [string, Uint8Array][] = [
      ['x.bmp', new Uint8Array(await jimpImage.getBuffer('image/bmp'))],
      ['x.gif', new Uint8Array(await jimpImage.getBuffer('image/gif'))],
      ['deflate.tiff', new Uint8Array(await sharp(raw, { raw: { width: 13, height: 7, channels: 3 } }).tiff({ compression: 'deflate' }).toBuffer())],
      ['none.tiff', new Uint8Array(await sharp(raw, { raw: { width: 13, height: 7, channels: 3 } }).tiff({ compression: 'none' }).toBuffer())],
    ];
    for (const [name, bytes] of files) {
      for (let cut = 1; cut < bytes.length; cut++) {
        const [j, s] = await Promise.all(decoders.map((d) => outcome(d, bytes.subarray(0, cut), name)));
        expect(j === 'ok', `${name} cut ${cut}: jimp ${j} / sharp ${s}`).toBe(s === 'ok');
        if (!name.endsWith('gif')) expect(j, `${name} cut ${cut}`).not.toBe('ok');
      }
    }
  }, 120_000);
});

describe('declared size is checked against a limit before allocating', () => {
  it('a small PNG declaring 100000 x 100000 pixels is refused at once, naming the limit', async () => {
    const bomb = pngDeclaring(100_000, 100_000, 1);
    expect(bomb.length).toBeLessThan(1000);
    const before = process.memoryUsage().rss;
    for (const d of decoders) {
      const started = Date.now();
      expect(await outcome(d, bomb, 'bomb.png')).toContain(`declares 100000x100000 = 10000000000 pixels, over the limit of ${MAX_IMAGE_PIXELS}`);
      expect(Date.now() - started).toBeLessThan(1000);
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('a JPEG whose frame header claims 60000 x 60000 is refused by both', async () => {
    const jpeg = new Uint8Array(await new Jimp({ width: 16, height: 16, color: 0x112233ff }).getBuffer('image/jpeg'));
    const h = readImageHeader(jpeg, 'j');
    expect(h).toEqual({ format: 'jpeg', width: 16, height: 16 });
    // Patch every SOF's height and width.
    for (let i = 2; i < jpeg.length - 9; i++) {
      if (jpeg[i] === 0xff && (jpeg[i + 1] === 0xc0 || jpeg[i + 1] === 0xc2)) {
        jpeg.set([0xea, 0x60, 0xea, 0x60], i + 5);
        break;
      }
    }
    for (const d of decoders) expect(await outcome(d, jpeg, 'huge.jpg')).toContain('60000x60000');
  });

  it('options.maxPixels of decodeImageBytes sets the limit, checked as an integer ≥ 1', async () => {
    const png = await encodePng(randomImage(16, 16, 3));
    for (const decoder of ['jimp', 'sharp'] as const) {
      await expect(decodeImageBytes(png, { decoder, maxPixels: 255, name: 'p.png' })).rejects.toThrow('p.png: declares 16x16 = 256 pixels, over the limit of 255');
      expect((await decodeImageBytes(png, { decoder, maxPixels: 256 })).shape).toEqual([16, 16, 3]);
    }
    await expect(decodeImageBytes(png, { maxPixels: 0 })).rejects.toThrow('decodeImageBytes: options.maxPixels must be an integer ≥ 1');
    expect(() => checkImageBytes(png, 'x', 100)).toThrow(ImageDecodeError);
  });

  it('pngRawSize counts filter bytes and the seven Adam7 passes', () => {
    expect(pngRawSize(3, 2, 8, 2, 0)).toBe(2 * (9 + 1));
    expect(pngRawSize(1, 1, 8, 0, 1)).toBe(2); // only pass 1 holds a pixel
    expect(pngRawSize(8, 8, 8, 0, 1)).toBe(2 + 2 + 3 + 6 + 10 + 20 + 36);
  });
});

describe('one acceptance policy: jimp and sharp accept the same generated files', () => {
  it('PNG, JPEG, BMP, TIFF and GIF are read by both (same pixels where lossless); WebP, SVG and text are refused by both', async () => {
    const image = await Jimp.fromBitmap({ width: 13, height: 7, data: Buffer.from(Array.from({ length: 13 * 7 }, (_, p) => [p * 3, 255 - p, (p * 7) % 256, 255]).flat()) });
    const files: [string, Uint8Array, boolean][] = [];
    for (const mime of ['image/png', 'image/jpeg', 'image/bmp', 'image/gif'] as const) {
      files.push([`gen.${mime.slice(6)}`, new Uint8Array(await image.getBuffer(mime)), true]);
    }
    // TIFF written by sharp (jimp's own TIFF writer stores RGBA that neither decoder reads back as written).
    const raw = Buffer.from(Array.from({ length: 13 * 7 }, (_, p) => [(p * 3) % 256, 255 - p, (p * 7) % 256]).flat());
    files.push(['gen.tiff', new Uint8Array(await sharp(raw, { raw: { width: 13, height: 7, channels: 3 } }).tiff({ compression: 'deflate' }).toBuffer()), true]);
    files.push(['gen.webp', new Uint8Array(await sharp({ create: { width: 5, height: 5, channels: 3, background: '#123456' } }).webp().toBuffer()), false]);
    files.push(['gen.svg', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'), false]);
    files.push(['table.jpg', new TextEncoder().encode('patient,label\nP0,1\nP1,0\n'), false]);
    files.push(['noise.png', Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256), false]);
    for (const [name, bytes, accepted] of files) {
      const got = await Promise.all(decoders.map((d) => outcome(d, bytes, name)));
      expect(got[0] === 'ok', `${name} jimp: ${got[0]}`).toBe(accepted);
      expect(got[1] === 'ok', `${name} sharp: ${got[1]}`).toBe(accepted);
      if (!accepted) expect(got[0]).toBe(got[1]); // the same message, from the policy
      if (accepted) {
        // Lossless formats give the same pixels; JPEG within a few levels.
        const [a, b] = await Promise.all(decoders.map((d) => d.decode(bytes, name)));
        expect(a!.shape, name).toEqual(b!.shape);
        const diff = Math.max(...Array.from(a!.data, (v, i) => Math.abs(v - b!.data[i]!)));
        expect(diff, name).toBeLessThanOrEqual(name.endsWith('jpeg') ? 8 : 0);
      }
    }
  });

  const BAD = new URL('../../../../shared/data/bad-images/', import.meta.url);
  it.runIf(existsSync(BAD))('the real bad files of ../shared/data/bad-images get the same verdict from both decoders, as its README expects', async () => {
    const mustFail = new Set(['truncated-header.jpg', 'empty.jpg', 'not-an-image.jpg', 'truncated-half.jpg']);
    for (const file of readdirSync(BAD).filter((f) => f !== 'README.md')) {
      const bytes = new Uint8Array(readFileSync(new URL(file, BAD)));
      const [j, s] = await Promise.all(decoders.map((d) => outcome(d, bytes, file)));
      expect(j === 'ok', `${file}: jimp ${j} / sharp ${s}`).toBe(s === 'ok');
      if (mustFail.has(file)) expect(j, file).not.toBe('ok');
      else expect(j, file).toBe('ok');
    }
  });

  const TRAIN = new URL('../../../../shared/data/dlmi/trainset/', import.meta.url);
  it.runIf(existsSync(TRAIN))('refuses none of the real training JPEGs (the policy costs real data nothing)', () => {
    let n = 0;
    for (const patient of readdirSync(TRAIN).filter((p) => /^P\d+$/.test(p))) {
      for (const file of readdirSync(new URL(`${patient}/`, TRAIN))) {
        checkImageBytes(new Uint8Array(readFileSync(new URL(`${patient}/${file}`, TRAIN))), `${patient}/${file}`);
        n++;
      }
    }
    expect(n).toBe(9748);
  }, 120_000);
});
