/**
 * Constants of the sRGB → CIE L*a*b* (D65) conversion shared by the typed-array, tensor and inverse
 * versions. OpenCV's values, so that the float and 8-bit paths agree with `cvtColor`.
 * @internal
 */

/** sRGB (linear) → XYZ matrix, row-major (rows X, Y, Z; columns R, G, B), as OpenCV's `sRGB2XYZ_D65`. */
export const SRGB_TO_XYZ = [
  0.412453, 0.35758, 0.180423, 0.212671, 0.71516, 0.072169, 0.019334, 0.119193, 0.950227,
] as const;

/** D65 reference white (X, Y, Z), as OpenCV's. */
export const D65_WHITE = [0.950456, 1, 1.088754] as const;

/** CIE ε = (6/29)^3: below it f(t) is linear. */
export const LAB_EPSILON = 216 / 24389;
/** CIE κ = (29/3)^3: L = κ·Y below ε. */
export const LAB_KAPPA = 24389 / 27;

/**
 * sRGB transfer function (decoding): u ∈ [0, 1] → linear light.
 * u/12.92 for u ≤ 0.04045, ((u + 0.055)/1.055)^2.4 above.
 */
export function srgbToLinear(u: number): number {
  return u <= 0.04045 ? u / 12.92 : Math.pow((u + 0.055) / 1.055, 2.4);
}

/** Inverse sRGB transfer function (encoding): linear light → u ∈ [0, 1] (for inputs in [0, 1]). */
export function linearToSrgb(c: number): number {
  return c <= 0.0031308 ? c * 12.92 : 1.055 * Math.pow(c, 1 / 2.4) - 0.055;
}

/** CIE f(t) = t^(1/3) above ε, κ·t/116 + 16/116 below (continuous at ε). */
export function labF(t: number): number {
  return t > LAB_EPSILON ? Math.cbrt(t) : (LAB_KAPPA * t + 16) / 116;
}

/** Inverse of {@link labF}. */
export function labFInverse(f: number): number {
  const f3 = f * f * f;
  return f3 > LAB_EPSILON ? f3 : (116 * f - 16) / LAB_KAPPA;
}

/** The 3x3 inverse of {@link SRGB_TO_XYZ} (XYZ → linear sRGB), row-major. */
export const XYZ_TO_SRGB: readonly number[] = (() => {
  const [a, b, c, d, e, f, g, h, i] = SRGB_TO_XYZ;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    A / det, -(b * i - c * h) / det, (b * f - c * e) / det,
    B / det, (a * i - c * g) / det, -(a * f - c * d) / det,
    C / det, -(a * h - b * g) / det, (a * e - b * d) / det,
  ];
})();
