import type { NdArray } from 'ndarray';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { FLT_EPSILON, newUint8Image, rgbPixels, saturateU8 } from './colorInput.js';

/** Options of {@link rgbToHls8}. */
export interface RgbToHls8Options {
  /**
   * Hue encoding: `false` gives OpenCV's `COLOR_RGB2HLS` (H = degrees / 2, in [0, 180)),
   * `true` gives `COLOR_RGB2HLS_FULL` (H = degrees · 256 / 360, in [0, 255]). Defaults to `false`.
   */
  readonly full?: boolean;
}

const f32 = Math.fround;
const INV255 = f32(1 / 255);

/**
 * Lightness and saturation bytes for every (max, min) byte pair, index max·256 + min, computed
 * with OpenCV's single-precision steps (so rounding ties land where OpenCV's do).
 */
const { L8, S8 } = (() => {
  const l8 = new Uint8Array(256 * 256);
  const s8 = new Uint8Array(256 * 256);
  for (let hi = 0; hi < 256; hi++) {
    const vmax = f32(hi * INV255);
    for (let lo = 0; lo <= hi; lo++) {
      const vmin = f32(lo * INV255);
      const diff = f32(vmax - vmin);
      const sum = f32(vmax + vmin);
      const l = f32(sum * 0.5);
      let s = 0;
      if (diff > FLT_EPSILON) s = l < 0.5 ? f32(diff / sum) : f32(diff / f32(2 - sum)); // OpenCV: 2 − (max + min)
      l8[hi * 256 + lo] = saturateU8(f32(l * 255));
      s8[hi * 256 + lo] = saturateU8(f32(s * 255));
    }
  }
  return { L8: l8, S8: s8 };
})();

/**
 * OpenCV's 8-bit hue of one chromatic pixel (max byte `hi` > min byte `lo`), in its float32 steps
 * (`RGB2HLS_f`, whose vector path fuses the multiply-add of the hue), scaled by `hscale` and rounded.
 */
function hueFloat32(R: number, G: number, B: number, hi: number, lo: number, hscale: number): number {
  const r = f32(R * INV255);
  const g = f32(G * INV255);
  const b = f32(B * INV255);
  const k = f32(60 / f32(f32(hi * INV255) - f32(lo * INV255)));
  let h = hi === R ? f32(f32(g - b) * k) : hi === G ? f32(f32(b - r) * k + 120) : f32(f32(r - g) * k + 240);
  if (h < 0) h = f32(h + 360);
  return saturateU8(f32(h * hscale));
}

/**
 * Convert an RGB image to 8-bit HLS, matching OpenCV's `cvtColor(img, COLOR_RGB2HLS)`
 * (or `COLOR_RGB2HLS_FULL` with `{ full: true }`).
 *
 * Channel order is **H, L, S** (OpenCV's). With R, G, B = byte / 255, max and min of them:
 * L = (max + min)/2; S = (max − min)/(max + min) if L < 0.5 else (max − min)/(2 − max − min); H the hue in
 * degrees (as in {@link rgbToHsv}). Stored as H = round(degrees / 2) in [0, 180) — or round(degrees · 256/360)
 * clamped to [0, 255] when `full` — and L, S = round(255·value), ties to even. OpenCV computes this 8-bit
 * path in single precision (with a fused multiply-add for the hue and S's denominator as 2 − (max + min));
 * this function repeats those float32 steps so that rounding ties agree with it exactly.
 * Achromatic pixels (R = G = B) get H = 0 and S = 0.
 *
 * @param image - RGB image, shape [H, W, 3], uint8 in [0, 255]
 * @param options - see {@link RgbToHls8Options}
 * @returns HLS image, shape [H, W, 3], Uint8Array; H in [0, 180) (or [0, 255] when full), L and S in [0, 255]
 * @throws TypeError `rgbToHls8: …` when `image` is not a [H, W, 3] uint8 ndarray
 * @see {@link rgbToHls} for the float version, {@link hlsToRgb} for the inverse
 * @example
 * rgbToHls8(createRgbImage(1, 1, new Uint8Array([255, 0, 0]))).data; // [0, 128, 255]
 */
export function rgbToHls8(image: RgbImage, options: RgbToHls8Options = {}): NdArray<Uint8Array> {
  const { data, height, width } = rgbPixels(image, 'rgbToHls8');
  const full = options.full ?? false;
  const hscale = f32((full ? 256 : 180) / 360);
  const mul = full ? 32 : 1; // hue scale 256/360 = 32/45, 180/360 = 1/2
  const den = full ? 45 : 2;
  const l8 = L8; // locals: module bindings are slow to read in hot loops
  const s8 = S8;
  const out = newUint8Image(height, width, 3);
  const dst = out.data;
  const n = height * width * 3;
  for (let j = 0; j < n; j += 3) {
    const R = data[j]!;
    const G = data[j + 1]!;
    const B = data[j + 2]!;
    let hi = R;
    let lo = R;
    if (G > hi) hi = G;
    if (B > hi) hi = B;
    if (G < lo) lo = G;
    if (B < lo) lo = B;
    let h8 = 0;
    if (hi !== lo) {
      // Exact rational hue: H8 = (60·num + sector·D)·mul / (den·D), D = max − min (bytes), rounded with
      // integer arithmetic. OpenCV's float32 result differs from it by < 2e-4 (checked on all 2^24 colours; the tests check 2^20), so only
      // within 0.01 of a rounding tie are the float32 steps repeated (see hueFloat32).
      const d = hi - lo;
      let p = hi === R ? 60 * (G - B) : hi === G ? 60 * (B - R) + 120 * d : 60 * (R - G) + 240 * d;
      if (p < 0) p += 360 * d;
      p *= mul;
      const q = den * d;
      let h = (p / q) | 0;
      const rem2 = 2 * (p - h * q) - q; // sign: above (> 0) or below (< 0) the half-way point
      if (rem2 * 50 > q) h++;
      else if (rem2 * 50 >= -q) h = hueFloat32(R, G, B, hi, lo, hscale);
      h8 = h > 255 ? 255 : h;
    }
    const idx = hi * 256 + lo;
    dst[j] = h8;
    dst[j + 1] = l8[idx]!;
    dst[j + 2] = s8[idx]!;
  }
  return out;
}
