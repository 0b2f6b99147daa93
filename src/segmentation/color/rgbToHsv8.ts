import type { NdArray } from 'ndarray';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { newUint8Image, rgbPixels, rint } from './colorInput.js';

/** Options of {@link rgbToHsv8}. */
export interface RgbToHsv8Options {
  /**
   * Hue encoding: `false` gives OpenCV's `COLOR_RGB2HSV` (H = degrees / 2, in [0, 180)),
   * `true` gives `COLOR_RGB2HSV_FULL` (H = degrees · 256 / 360, in [0, 255]). Defaults to `false`.
   */
  readonly full?: boolean;
}

/** Fixed-point shift of OpenCV's 8-bit HSV. @internal */
export const HSV_SHIFT = 12;
const HALF = 1 << (HSV_SHIFT - 1);

/** OpenCV's division tables: 255·2^12 / v, and hrange·2^12 / (6·diff), rounded to nearest (ties to even). */
function divisionTable(numerator: number, scale: number): Int32Array {
  const t = new Int32Array(256);
  for (let i = 1; i < 256; i++) t[i] = rint(numerator / (scale * i));
  return t;
}
/** Saturation division table (255·2^12 / v) of {@link rgbToHsv8Into}. @internal */
export const SDIV = divisionTable(255 << HSV_SHIFT, 1);
/** Hue division table for H in [0, 180) (180·2^12 / (6·diff)) of {@link rgbToHsv8Into}. @internal */
export const HDIV180 = divisionTable(180 << HSV_SHIFT, 6);
const HDIV256 = divisionTable(256 << HSV_SHIFT, 6);

/**
 * Convert an RGB image to 8-bit HSV, bit-exact with OpenCV's `cvtColor(img, COLOR_RGB2HSV)`
 * (or `COLOR_RGB2HSV_FULL` with `{ full: true }`).
 *
 * Conventions (OpenCV): V = max(R, G, B); S = round(255·(V − min)/V) (0 where V = 0);
 * H = hue in degrees / 2, in [0, 180) — or degrees · 256/360 in [0, 255] when `full` — computed with
 * OpenCV's 12-bit integer division tables, so results equal OpenCV's exactly rather than the rounded
 * float hue. Achromatic pixels (R = G = B, including black and white) get H = 0 and S = 0.
 *
 * @param image - RGB image, shape [H, W, 3], uint8 in [0, 255]
 * @param options - see {@link RgbToHsv8Options}
 * @returns HSV image, shape [H, W, 3], Uint8Array; H in [0, 180) (or [0, 255] when full), S and V in [0, 255]
 * @throws TypeError `rgbToHsv8: …` when `image` is not a [H, W, 3] uint8 ndarray
 * @see {@link rgbToHsv} for the float version (H in degrees), {@link hsvToRgb} for the inverse
 * @example
 * rgbToHsv8(createRgbImage(1, 1, new Uint8Array([0, 0, 255]))).data; // [120, 255, 255]
 * rgbToHsv8(createRgbImage(1, 1, new Uint8Array([0, 0, 255])), { full: true }).data; // [171, 255, 255]
 */
export function rgbToHsv8(image: RgbImage, options: RgbToHsv8Options = {}): NdArray<Uint8Array> {
  const { data, height, width } = rgbPixels(image, 'rgbToHsv8');
  const out = newUint8Image(height, width, 3);
  rgbToHsv8Into(data, out.data, height * width * 3, options.full ?? false);
  return out;
}

/**
 * Flat-buffer {@link rgbToHsv8}: the first `length` bytes (a multiple of 3) of interleaved RGB
 * `data` → `dst`.
 * @internal
 */
export function rgbToHsv8Into(data: Uint8Array, dst: Uint8Array, length: number, full: boolean): void {
  const hdiv = full ? HDIV256 : HDIV180;
  const hr = full ? 256 : 180;
  const sdiv = SDIV; // locals: module bindings are slow to read in hot loops
  const shift = HSV_SHIFT;
  const half = HALF;
  for (let j = 0; j < length; j += 3) {
    const r = data[j]!;
    const g = data[j + 1]!;
    const b = data[j + 2]!;
    let v = r;
    let vmin = r;
    if (g > v) v = g;
    if (b > v) v = b;
    if (g < vmin) vmin = g;
    if (b < vmin) vmin = b;
    const diff = v - vmin;
    // hue numerator in units of diff/60°: sector offset 0 (R max), 2·diff (G max), 4·diff (B max)
    let h = v === r ? g - b : v === g ? b - r + 2 * diff : r - g + 4 * diff;
    h = (h * hdiv[diff]! + half) >> shift;
    if (h < 0) h += hr;
    dst[j] = h > 255 ? 255 : h;
    dst[j + 1] = (diff * sdiv[v]! + half) >> shift;
    dst[j + 2] = v;
  }
}
