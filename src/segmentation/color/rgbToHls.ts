import type { RgbImage } from '../../io/image/rgbImage.js';
import type { FloatImage } from './colorInput.js';
import { newFloatImage, rgbPixels, UNIT_FROM_BYTE } from './colorInput.js';

/**
 * Convert an RGB image to float HLS, as OpenCV's `cvtColor(img / 255, COLOR_RGB2HLS)` on float32 input.
 *
 * Channel order is **H, L, S**. With R, G, B = byte / 255, Δ = max − min:
 * L = (max + min)/2; S = Δ/(max + min) if L < 0.5 else Δ/(2 − max − min); H in degrees
 * = 60·(G − B)/Δ if max = R, 120 + 60·(B − R)/Δ if max = G, else 240 + 60·(R − G)/Δ, plus 360 when negative.
 * Achromatic pixels (Δ = 0: black, white, grays) get H = 0 and S = 0.
 *
 * @param image - RGB image, shape [H, W, 3], uint8 in [0, 255]
 * @returns HLS image, shape [H, W, 3], Float32Array; H in [0, 360) degrees, L and S in [0, 1]
 * @throws TypeError `rgbToHls: …` when `image` is not a [H, W, 3] uint8 ndarray
 * @see {@link rgbToHls8} for OpenCV's 8-bit encoding, {@link hlsToRgb} for the inverse
 * @example
 * rgbToHls(createRgbImage(1, 1, new Uint8Array([255, 0, 0]))).data; // [0, 0.5, 1]
 */
export function rgbToHls(image: RgbImage): FloatImage {
  const { data, height, width } = rgbPixels(image, 'rgbToHls');
  const out = newFloatImage(height, width, 3);
  const dst = out.data;
  const u = UNIT_FROM_BYTE;
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
    const vmax = u[hi]!;
    const vmin = u[lo]!;
    const l = (vmax + vmin) * 0.5;
    let h = 0;
    let s = 0;
    if (hi !== lo) {
      const diff = vmax - vmin;
      s = l < 0.5 ? diff / (vmax + vmin) : diff / (2 - vmax - vmin);
      const r = u[R]!;
      const g = u[G]!;
      const b = u[B]!;
      h = hi === R ? (60 * (g - b)) / diff : hi === G ? (60 * (b - r)) / diff + 120 : (60 * (r - g)) / diff + 240;
      if (h < 0) h += 360;
    }
    dst[j] = h;
    dst[j + 1] = l;
    dst[j + 2] = s;
  }
  return out;
}
