import { ImageDecodeError, errorMessage } from './imageDecodeError.js';
import type { DecoderCallOptions, ImageDecoder } from './imageDecoder.js';
import { MAX_IMAGE_PIXELS, checkImageBytes, checkPngComplete } from './imageHeader.js';
import { jimpDecoder } from './jimpDecoder.js';
import { isNode } from '../bytes/isNode.js';
import { createRgbImage } from './rgbImage.js';
import type { RgbImage } from './rgbImage.js';

/** The command that installs the optional `sharp` decoder. */
export const SHARP_INSTALL_COMMAND = 'npm install sharp';

/** The part of sharp's API this module uses (so that sharp's types are not needed to compile). */
interface SharpPipeline {
  rotate(): SharpPipeline;
  removeAlpha(): SharpPipeline;
  pipelineColourspace(space: string): SharpPipeline;
  toColourspace(space: string): SharpPipeline;
  raw(options?: { depth?: string }): SharpPipeline;
  metadata(): Promise<{ space?: string; channels?: number; width?: number; height?: number }>;
  toBuffer(options: { resolveWithObject: true }): Promise<{
    data: Uint8Array;
    info: { width: number; height: number; channels: number };
  }>;
}
type SharpFactory = (input: Uint8Array, options?: { failOn?: string; limitInputPixels?: number | false }) => SharpPipeline;

let sharpModule: Promise<SharpFactory | null> | undefined;

/**
 * Load `sharp` once, lazily; `null` when it is not installed or not in Node.
 *
 * @returns the sharp factory, or null
 */
export function loadSharp(): Promise<SharpFactory | null> {
  sharpModule ??= (async () => {
    if (!isNode()) return null;
    try {
      // A variable specifier keeps bundlers from trying to resolve the optional peer dependency.
      const specifier = 'sharp';
      const mod = (await import(/* @vite-ignore */ specifier)) as { default?: SharpFactory } & SharpFactory;
      return typeof mod.default === 'function' ? mod.default : typeof mod === 'function' ? mod : null;
    } catch {
      return null;
    }
  })();
  return sharpModule;
}

/**
 * Whether the optional `sharp` decoder can be used here (Node with `sharp` installed).
 *
 * @example
 * const decoder = (await isSharpAvailable()) ? 'sharp' : 'jimp';
 */
export async function isSharpAvailable(): Promise<boolean> {
  return (await loadSharp()) !== null;
}

/** Naive CMYK → RGB: R = (255 − C)(255 − K)/255, rounded; same for G (M) and B (Y). */
function cmykToRgb(cmyk: Uint8Array, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, k = 0; k < out.length; i += 4, k += 3) {
    const white = 255 - cmyk[i + 3]!;
    out[k] = Math.round(((255 - cmyk[i]!) * white) / 255);
    out[k + 1] = Math.round(((255 - cmyk[i + 1]!) * white) / 255);
    out[k + 2] = Math.round(((255 - cmyk[i + 2]!) * white) / 255);
  }
  return createRgbImage(width, height, out);
}

function sharpReason(e: unknown): string {
  const msg = errorMessage(e).split('\n')[0] ?? '';
  if (/unsupported image format/i.test(msg)) return 'not a recognised image format';
  if (/input buffer is empty/i.test(msg)) return 'empty file (0 bytes)';
  return `corrupt or truncated image (sharp: ${msg})`;
}

/**
 * An {@link ImageDecoder} backed by `sharp` (libvips): Node only, an optional peer dependency
 * (`npm install sharp`), several times faster than jimp on JPEG.
 *
 * Keeps the {@link ImageDecoder} contract: EXIF orientation applied (`rotate()`), alpha dropped,
 * gray/palette/16-bit converted to 8-bit RGB, CMYK converted with the same naive formula as jimp.
 * Accepts the same files as jimp: the library's policy (`checkImageBytes`: format from the magic bytes, declared size
 * within `maxPixels`, also given to sharp as `limitInputPixels`) runs first; BMP, which libvips cannot read, is
 * decoded by jimp's BMP codec; truncated or corrupt data fails (sharp's `failOn: 'warning'`). Differences from
 * {@link jimpDecoder}: JPEG pixels may differ by a few levels (libjpeg-turbo's IDCT and chroma
 * upsampling vs jpeg-js'), and an embedded ICC profile on an RGB image is converted to sRGB by sharp
 * but ignored by jimp.
 *
 * @throws Error with the install command when sharp is not installed or not in Node
 * @example
 * const img = await decodeImage('cell.jpg', { decoder: 'sharp' });
 */
export const sharpDecoder: ImageDecoder = {
  name: 'sharp',
  async decode(bytes: Uint8Array, name: string, options: DecoderCallOptions = {}): Promise<RgbImage> {
    // The library's acceptance policy first (format, declared size, completeness), the same as jimp's.
    const sharp = await loadSharp();
    if (sharp === null) {
      throw new Error(
        `sharpDecoder: the optional dependency "sharp" is not ${isNode() ? 'installed' : 'available outside Node'}; ` +
          `run \`${SHARP_INSTALL_COMMAND}\` or use the 'jimp' decoder`,
      );
    }
    const maxPixels = options.maxPixels ?? MAX_IMAGE_PIXELS;
    const header = checkImageBytes(bytes, name, maxPixels);
    // libvips has no BMP reader: BMP goes through jimp's BMP codec (pure JS, exact), so both decoders read it.
    if (header.format === 'bmp') return jimpDecoder.decode(bytes, name, options);
    // sharp accepts a PNG cut inside its last chunk: the same completeness check as jimp's.
    if (header.format === 'png') await checkPngComplete(bytes, name);
    try {
      const input = { failOn: 'warning' as const, limitInputPixels: maxPixels };
      const meta = await sharp(bytes, input).metadata();
      if (meta.space === 'cmyk') {
        const { data, info } = await sharp(bytes, input)
          .rotate()
          .pipelineColourspace('cmyk')
          .toColourspace('cmyk')
          .raw()
          .toBuffer({ resolveWithObject: true });
        if (info.channels !== 4) throw new Error(`expected 4 CMYK channels, got ${info.channels}`);
        return cmykToRgb(data, info.width, info.height);
      }
      const { data, info } = await sharp(bytes, input)
        .rotate()
        .removeAlpha()
        .toColourspace('srgb')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
      return createRgbImage(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } catch (e) {
      if (e instanceof ImageDecodeError) throw e;
      throw new ImageDecodeError(name, sharpReason(e), { cause: e });
    }
  },
};
