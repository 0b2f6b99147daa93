import type { RgbImage } from '../../io/image/rgbImage.js';
import type { FloatImage } from './colorInput.js';
import { FLT_EPSILON, newFloatImage, rgbPixels, UNIT_FROM_BYTE } from './colorInput.js';

/**
 * Convert an RGB image to float HSV, as OpenCV's `cvtColor(img / 255, COLOR_RGB2HSV)` on float32 input.
 *
 * With R, G, B = byte / 255: V = max, S = (V − min)/(V + ε), and H in degrees
 * = 60·(G − B)/(Δ + ε) if V = R, 120 + 60·(B − R)/(Δ + ε) if V = G, else 240 + 60·(R − G)/(Δ + ε),
 * plus 360 when negative; Δ = V − min and ε = FLT_EPSILON (2^-23), as in OpenCV (it keeps the
 * formula division-safe: achromatic pixels, including black and white, get H = 0 and S = 0).
 *
 * @param image - RGB image, shape [H, W, 3], uint8 in [0, 255]
 * @returns HSV image, shape [H, W, 3], Float32Array; H in [0, 360) degrees, S and V in [0, 1]
 * @throws TypeError `rgbToHsv: …` when `image` is not a [H, W, 3] uint8 ndarray
 * @see {@link rgbToHsv8} for OpenCV's 8-bit encoding, {@link hsvToRgb} for the inverse
 * @example
 * rgbToHsv(createRgbImage(1, 1, new Uint8Array([0, 0, 255]))).data; // ≈ [240, 1, 1]
 */
export function rgbToHsv(image: RgbImage): FloatImage {
  const { data, height, width } = rgbPixels(image, 'rgbToHsv');
  const out = newFloatImage(height, width, 3);
  const dst = out.data;
  const u = UNIT_FROM_BYTE; // locals: imported bindings are slow to read in hot loops
  const eps = FLT_EPSILON;
  const n = height * width * 3;
  for (let j = 0; j < n; j += 3) {
    const r = u[data[j]!]!;
    const g = u[data[j + 1]!]!;
    const b = u[data[j + 2]!]!;
    let v = r;
    let vmin = r;
    if (g > v) v = g;
    if (b > v) v = b;
    if (g < vmin) vmin = g;
    if (b < vmin) vmin = b;
    const diff = v - vmin;
    const k = 60 / (diff + eps);
    let h = v === r ? (g - b) * k : v === g ? (b - r) * k + 120 : (r - g) * k + 240;
    if (h < 0) h += 360;
    dst[j] = h;
    dst[j + 1] = diff / (v + eps);
    dst[j + 2] = v;
  }
  return out;
}
