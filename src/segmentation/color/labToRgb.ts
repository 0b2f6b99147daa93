import type { NdArray } from 'ndarray';
import type { FloatImage } from './colorInput.js';
import { floatPixels, newFloatImage } from './colorInput.js';
import { D65_WHITE, labFInverse, linearToSrgb, XYZ_TO_SRGB } from './labConstants.js';

/**
 * Convert float CIE L*a*b* (D65) back to float sRGB: the inverse of `rgbToLab(image, { method: 'exact' })`.
 *
 * f(Y) = (L* + 16)/116, f(X) = f(Y) + a* / 500, f(Z) = f(Y) − b* / 200; X, Y, Z = white · f⁻¹(·); linear RGB from
 * the inverse of OpenCV's sRGB matrix; then the sRGB transfer function. Colours outside the sRGB gamut are
 * clamped to [0, 1] per channel.
 *
 * @param lab - Lab image, shape [H, W, 3], Float32Array or Float64Array; L* in [0, 100], a*, b* about [−128, 127]
 * @returns sRGB image, shape [H, W, 3], Float32Array in [0, 1]
 * @throws TypeError `labToRgb: …` when `lab` is not a [H, W, 3] float ndarray
 * @example
 * labToRgb(rgbToLab(img)); // ≈ img / 255
 */
export function labToRgb(lab: NdArray<Float32Array | Float64Array>): FloatImage {
  const { data, height, width } = floatPixels(lab, 'labToRgb');
  const out = newFloatImage(height, width, 3);
  const dst = out.data;
  const m = XYZ_TO_SRGB;
  const n = height * width * 3;
  for (let j = 0; j < n; j += 3) {
    const fy = (data[j]! + 16) / 116;
    const X = D65_WHITE[0] * labFInverse(fy + data[j + 1]! / 500);
    const Y = D65_WHITE[1] * labFInverse(fy);
    const Z = D65_WHITE[2] * labFInverse(fy - data[j + 2]! / 200);
    for (let c = 0; c < 3; c++) {
      const v = linearToSrgb(m[c * 3]! * X + m[c * 3 + 1]! * Y + m[c * 3 + 2]! * Z);
      dst[j + c] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return out;
}
