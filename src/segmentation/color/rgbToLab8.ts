import type { NdArray } from 'ndarray';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { newUint8Image, rgbPixels } from './colorInput.js';
import { LAB_CBRT_TAB_B, LAB_SHIFT, LAB_SHIFT2, LAB_XYZ_TABS } from './opencvLabTables.js';

/**
 * Convert an sRGB image to 8-bit CIE L*a*b* (D65), bit-exact with OpenCV's `cvtColor(img, COLOR_RGB2LAB)`.
 *
 * Encoding (OpenCV): L8 = L*·255/100, a8 = a* + 128, b8 = b* + 128, rounded and clamped to [0, 255]
 * (a neutral gray has a8 = b8 = 128). Computed as OpenCV does, in fixed point with lookup tables:
 * sRGB decoding (Q3), XYZ/white matrix (Q12), cube root (Q15); see `opencvLabTables.ts`.
 *
 * @param image - sRGB image, shape [H, W, 3], uint8 in [0, 255]
 * @returns Lab image, shape [H, W, 3], Uint8Array in [0, 255]
 * @throws TypeError `rgbToLab8: …` when `image` is not a [H, W, 3] uint8 ndarray
 * @see {@link rgbToLab} for the float version (L* in [0, 100]), {@link labToRgb} for the inverse
 * @example
 * rgbToLab8(createRgbImage(1, 1, new Uint8Array([255, 0, 0]))).data; // [136, 208, 195]
 */
export function rgbToLab8(image: RgbImage): NdArray<Uint8Array> {
  const { data, height, width } = rgbPixels(image, 'rgbToLab8');
  const out = newUint8Image(height, width, 3);
  rgbToLab8Into(data, out.data, height * width * 3);
  return out;
}

/**
 * Flat-buffer {@link rgbToLab8}: the first `length` bytes (a multiple of 3) of interleaved RGB
 * `data` → `dst`.
 * @internal
 */
export function rgbToLab8Into(data: Uint8Array, dst: Uint8Array, length: number): void {
  const cbrt = LAB_CBRT_TAB_B;
  // local copies: imported bindings are much slower to read in a hot loop
  const shift = LAB_SHIFT;
  const shift2 = LAB_SHIFT2;
  // per-byte products gamma(v)·coefficient (Q3 · Q12), rounding half included: see LAB_XYZ_TABS
  const [t0, t1, t2, t3, t4, t5, t6, t7, t8] = LAB_XYZ_TABS as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  const half2 = 1 << (LAB_SHIFT2 - 1);
  const lScale = Math.trunc((116 * 255 + 50) / 100); // 296: 116·255/100 in Q0
  const lShift = -Math.trunc((16 * 255 * (1 << LAB_SHIFT2) + 50) / 100) + half2;
  const abShift = 128 * (1 << LAB_SHIFT2) + half2;
  for (let j = 0; j < length; j += 3) {
    const r = data[j]!;
    const g = data[j + 1]!;
    const b = data[j + 2]!;
    const fX = cbrt[(t0[r]! + t1[g]! + t2[b]!) >> shift]!;
    const fY = cbrt[(t3[r]! + t4[g]! + t5[b]!) >> shift]!;
    const fZ = cbrt[(t6[r]! + t7[g]! + t8[b]!) >> shift]!;
    const L = (lScale * fY + lShift) >> shift2;
    const a = (500 * (fX - fY) + abShift) >> shift2;
    const bb = (200 * (fY - fZ) + abShift) >> shift2;
    dst[j] = L < 0 ? 0 : L > 255 ? 255 : L;
    dst[j + 1] = a < 0 ? 0 : a > 255 ? 255 : a;
    dst[j + 2] = bb < 0 ? 0 : bb > 255 ? 255 : bb;
  }
}
