import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/io/image/decodeImage.js';
import type { DecoderChoice } from '../../../src/io/image/decodeImageBytes.js';
import { ImageDecodeError } from '../../../src/io/image/imageDecodeError.js';
import type { RgbImage } from '../../../src/io/image/rgbImage.js';
import { BAD_IMAGES_DIR, DLMI_DIR } from '../../helpers/shared.js';

const bad = (f: string): string => join(BAD_IMAGES_DIR, f);
/** The real cell image the bad-images files were made from (see bad-images/README.md). */
const ORIGINAL = join(DLMI_DIR, 'P0', '000000.jpg');
const DECODERS = ['jimp', 'sharp'] as const;

function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  expect(a.shape).toEqual(b.shape);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i]! - b.data[i]!);
  return s / a.data.length;
}

function expectValidRgb(img: RgbImage, width: number, height: number): void {
  expect(img.shape).toEqual([height, width, 3]);
  expect(img.stride).toEqual([width * 3, 3, 1]);
  expect(img.offset).toBe(0);
  expect(img.data).toBeInstanceOf(Uint8Array);
  expect(img.data.length).toBe(width * height * 3);
}

function isGray(img: RgbImage): boolean {
  for (let i = 0; i < img.data.length; i += 3) {
    if (img.data[i] !== img.data[i + 1] || img.data[i] !== img.data[i + 2]) return false;
  }
  return true;
}

/** Mean over pixels of max(R,G,B) − min(R,G,B): 0 for gray images, large for stained cells. */
function meanChroma(img: RgbImage): number {
  let s = 0;
  for (let i = 0; i < img.data.length; i += 3) {
    const r = img.data[i]!, g = img.data[i + 1]!, b = img.data[i + 2]!;
    s += Math.max(r, g, b) - Math.min(r, g, b);
  }
  return s / (img.data.length / 3);
}

async function decodeError(source: string, decoder: DecoderChoice): Promise<ImageDecodeError> {
  const err = await decodeImage(source, { decoder }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageDecodeError);
  return err as ImageDecodeError;
}

describe.each(DECODERS)('decodeImage with %s on bad-images/', (decoder) => {
  let original: RgbImage;
  beforeAll(async () => {
    original = await decodeImage(ORIGINAL, { decoder });
  });

  it('decodes the real original JPEG from the DLMI cohort to a stained 224x224 cell', () => {
    expectValidRgb(original, 224, 224);
    expect(meanChroma(original)).toBeGreaterThan(10);
  });

  it.each(['truncated-header.jpg', 'truncated-half.jpg', 'empty.jpg', 'not-an-image.jpg'])(
    '%s raises ImageDecodeError naming the file',
    async (f) => {
      const err = await decodeError(bad(f), decoder);
      expect(err.source).toBe(bad(f));
      expect(err.message).toContain(bad(f));
    },
  );

  it('says why: empty file, not an image', async () => {
    expect((await decodeError(bad('empty.jpg'), decoder)).message).toContain('empty file (0 bytes)');
    expect((await decodeError(bad('not-an-image.jpg'), decoder)).message).toContain('not a recognised image format');
  });

  it.each(['grayscale.jpg', 'grayscale.png', 'gray16.png'])('%s decodes to RGB with R = G = B', async (f) => {
    const img = await decodeImage(bad(f), { decoder });
    expectValidRgb(img, 224, 224);
    expect(isGray(img)).toBe(true);
    expect(new Set(img.data).size).toBeGreaterThan(20); // a picture, not a constant
  });

  it('gray16.png reduces 16-bit samples to the same 8-bit values as grayscale.png', async () => {
    const g16 = await decodeImage(bad('gray16.png'), { decoder });
    const g8 = await decodeImage(bad('grayscale.png'), { decoder });
    expect(meanAbsDiff(g16, g8)).toBeLessThan(0.5);
  });

  it('rgba.png drops alpha: the colours match the original, not a blend onto black or white', async () => {
    const img = await decodeImage(bad('rgba.png'), { decoder });
    expectValidRgb(img, 224, 224);
    expect(meanAbsDiff(img, original)).toBeLessThan(3);
  });

  it.each(['palette.png', 'progressive.jpg', 'cmyk.jpg'])('%s decodes close to the original', async (f) => {
    const img = await decodeImage(bad(f), { decoder });
    expectValidRgb(img, 224, 224);
    expect(meanAbsDiff(img, original)).toBeLessThan(6);
  });

  it('exif-rotated.jpg has its EXIF orientation (6) applied: it comes out upright', async () => {
    const img = await decodeImage(bad('exif-rotated.jpg'), { decoder });
    expectValidRgb(img, 224, 224);
    expect(meanAbsDiff(img, original)).toBeLessThan(3);
    // The stored (sideways) pixels: out(y, x) = original(W − 1 − x, y); far from the decoded image.
    const sideways = original.data.slice();
    const w = 224;
    for (let y = 0; y < w; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) sideways[(y * w + x) * 3 + c] = original.data[((w - 1 - x) * w + y) * 3 + c]!;
      }
    }
    let s = 0;
    for (let i = 0; i < sideways.length; i++) s += Math.abs(sideways[i]! - img.data[i]!);
    expect(s / sideways.length).toBeGreaterThan(15);
  });

  it.each([
    ['odd-size-97x131.jpg', 97, 131],
    ['large-1024.jpg', 1024, 1024],
    ['one-pixel.png', 1, 1],
    ['blank-background.png', 224, 224],
    ['all-black.png', 224, 224],
    ['solid-nucleus-colour.png', 224, 224],
  ] as const)('%s decodes to %ix%i', async (f, w, h) => {
    expectValidRgb(await decodeImage(bad(f), { decoder }), w, h);
  });

  it('all-black.png is all zeros', async () => {
    const img = await decodeImage(bad('all-black.png'), { decoder });
    expect(img.data.every((v) => v === 0)).toBe(true);
  });
});

describe('decodeImage sources and decoders', () => {
  it('decodes the same pixels from a path, a file: URL, the bytes and a File', async () => {
    const path = bad('palette.png');
    const bytes = new Uint8Array(readFileSync(path));
    const fromPath = await decodeImage(path);
    for (const src of [pathToFileURL(path), bytes, bytes.slice().buffer, new File([bytes], 'palette.png')]) {
      expect(meanAbsDiff(await decodeImage(src), fromPath)).toBe(0);
    }
  });

  it('names bytes by the given name in errors', async () => {
    const bytes = new Uint8Array(readFileSync(bad('truncated-header.jpg')));
    await expect(decodeImage(bytes, { name: 'P7/000003.jpg' })).rejects.toThrow('cannot decode image P7/000003.jpg');
  });

  it('names a missing file', async () => {
    await expect(decodeImage(bad('does-not-exist.jpg'))).rejects.toThrow(`${bad('does-not-exist.jpg')}: file not found`);
  });

  it('jimp and sharp agree exactly on PNG and within a few levels on JPEG (baseline, CMYK, EXIF-rotated, progressive)', async () => {
    for (const f of ['palette.png', 'rgba.png', 'gray16.png', 'one-pixel.png']) {
      expect(meanAbsDiff(await decodeImage(bad(f), { decoder: 'jimp' }), await decodeImage(bad(f), { decoder: 'sharp' }))).toBe(0);
    }
    for (const f of [ORIGINAL, bad('cmyk.jpg'), bad('exif-rotated.jpg'), bad('progressive.jpg')]) {
      const j = await decodeImage(f, { decoder: 'jimp' });
      const s = await decodeImage(f, { decoder: 'sharp' });
      expect(meanAbsDiff(j, s), f).toBeLessThan(2);
    }
  });

  it('decodes the first image of every tenth patient of the cohort to a stained cell', async () => {
    const patients = readdirSync(DLMI_DIR).filter((d) => /^P\d+$/.test(d)).sort();
    expect(patients.length).toBeGreaterThan(0);
    for (const p of patients.filter((_, i) => i % 10 === 0)) {
      const first = readdirSync(join(DLMI_DIR, p)).filter((f) => f.endsWith('.jpg')).sort()[0];
      expect(first, p).toBeDefined();
      const img = await decodeImage(join(DLMI_DIR, p, first!));
      expect(img.shape[2]).toBe(3);
      expect(meanChroma(img)).toBeGreaterThan(10);
    }
  });
});
