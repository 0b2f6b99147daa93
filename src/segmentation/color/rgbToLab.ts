import type { RgbImage } from '../../io/image/rgbImage.js';
import type { FloatImage } from './colorInput.js';
import { newFloatImage, rgbPixels, rint } from './colorInput.js';
import { D65_WHITE, LAB_EPSILON, LAB_KAPPA, SRGB_TO_XYZ, srgbToLinear } from './labConstants.js';
import { opencvLabFromQ14 } from './opencvLabTables.js';
import { checkOneOf } from '../../core/index.js';

/** Options of {@link rgbToLab}. */
export interface RgbToLabOptions {
  /**
   * `'exact'`: the CIE formulas in double precision (stored as float32).
   * `'opencv'`: OpenCV's float path (`cvtColor(img / 255, COLOR_RGB2LAB)` on float32 input), which
   * interpolates trilinearly in a 33³ table and quantises L* to 100/2^14 and a*, b* to 1/64; it differs from
   * `'exact'` by up to about 0.35. Defaults to `'exact'`.
   */
  readonly method?: 'exact' | 'opencv';
}

/** byte → f((M·linear)/white) pieces: per-byte linear light, so the hot loop has no pow. */
const LINEAR_FROM_BYTE: Float64Array = (() => {
  const t = new Float64Array(256);
  for (let i = 0; i < 256; i++) t[i] = srgbToLinear(i / 255);
  return t;
})();

/** byte → round(f32(byte/255)·2^14), OpenCV's fixed-point input of the interpolated path. */
const Q14_FROM_BYTE: Int32Array = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) t[i] = rint(Math.fround(i / 255) * 16384);
  return t;
})();

/**
 * Convert an sRGB image to float CIE L*a*b* (D65 white, 2° observer).
 *
 * With R, G, B decoded from sRGB to linear light, (X, Y, Z) = M·(R, G, B) / white (OpenCV's matrix and
 * D65 white, see `labConstants.ts`), f(t) = t^(1/3) for t > (6/29)³ else (κ·t + 16)/116 with κ = (29/3)³:
 * L* = 116·f(Y) − 16, a* = 500·(f(X) − f(Y)), b* = 200·(f(Y) − f(Z)). The white is the matrix's row sums,
 * so grays (black and white included) have a* = b* = 0 up to rounding (|a*|, |b*| < 1e-5).
 *
 * @param image - sRGB image, shape [H, W, 3], uint8 in [0, 255]
 * @param options - see {@link RgbToLabOptions}
 * @returns Lab image, shape [H, W, 3], Float32Array; L* in [0, 100], a* in about [−86.2, 98.2], b* in about [−107.9, 94.5]
 * @throws TypeError `rgbToLab: …` when `image` is not a [H, W, 3] uint8 ndarray
 * @throws RangeError `rgbToLab: …` for an unknown `method`
 * @see {@link rgbToLab8} for OpenCV's 8-bit encoding, {@link labToRgb} for the inverse
 * @example
 * rgbToLab(createRgbImage(1, 1, new Uint8Array([255, 255, 255]))).data; // ≈ [100, 0, 0]
 */
export function rgbToLab(image: RgbImage, options: RgbToLabOptions = {}): FloatImage {
  const { data, height, width } = rgbPixels(image, 'rgbToLab');
  const method = checkOneOf('rgbToLab', 'options.method', options.method ?? 'exact', ['exact', 'opencv'] as const);
  const out = newFloatImage(height, width, 3);
  const dst = out.data;
  const n = height * width * 3;
  if (method === 'opencv') {
    const q = Q14_FROM_BYTE;
    for (let j = 0; j < n; j += 3) opencvLabFromQ14(q[data[j]!]!, q[data[j + 1]!]!, q[data[j + 2]!]!, dst, j);
    return out;
  }
  const lin = LINEAR_FROM_BYTE;
  const m = SRGB_TO_XYZ;
  const wx = 1 / D65_WHITE[0];
  const wz = 1 / D65_WHITE[2];
  const m0 = m[0] * wx, m1 = m[1] * wx, m2 = m[2] * wx;
  const m3 = m[3], m4 = m[4], m5 = m[5];
  const m6 = m[6] * wz, m7 = m[7] * wz, m8 = m[8] * wz;
  const k116 = LAB_KAPPA / 116;
  const eps = LAB_EPSILON; // a local: imported bindings are slow to read in hot loops
  for (let j = 0; j < n; j += 3) {
    const r = lin[data[j]!]!;
    const g = lin[data[j + 1]!]!;
    const b = lin[data[j + 2]!]!;
    const X = m0 * r + m1 * g + m2 * b;
    const Y = m3 * r + m4 * g + m5 * b;
    const Z = m6 * r + m7 * g + m8 * b;
    const fx = X > eps ? Math.cbrt(X) : k116 * X + 16 / 116;
    const fy = Y > eps ? Math.cbrt(Y) : k116 * Y + 16 / 116;
    const fz = Z > eps ? Math.cbrt(Z) : k116 * Z + 16 / 116;
    dst[j] = 116 * fy - 16;
    dst[j + 1] = 500 * (fx - fy);
    dst[j + 2] = 200 * (fy - fz);
  }
  return out;
}
