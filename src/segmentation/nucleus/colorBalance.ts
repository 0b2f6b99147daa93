import { createRgbImage, toContiguousRgb } from '../../io/image/rgbImage.js';
import type { RgbImage } from '../../io/image/rgbImage.js';

/**
 * Grey-world colour balance towards the grey mean, as in the Tavakoli et al. (2021) reference:
 * each channel c is scaled by ḡ / c̄ (ḡ the mean of OpenCV's 8-bit grey, c̄ the channel mean) and
 * truncated to uint8 (values above 255 clip to 255, fractions are dropped, not rounded).
 *
 * Grey is OpenCV's fixed-point `RGB2GRAY` (`GRAY_WEIGHTS_Q15` of the colour module):
 * (9798·R + 19235·G + 3735·B + 2¹⁴) >> 15. A channel that
 * is zero everywhere stays zero.
 *
 * @param image - [H, W, 3] uint8 RGB
 * @returns a new [H, W, 3] uint8 RGB image
 * @example
 * const balanced = colorBalance(image);
 */
export function colorBalance(image: RgbImage): RgbImage {
  const img = toContiguousRgb(image, 'colorBalance');
  const [h, w] = img.shape as [number, number, number];
  const out = createRgbImage(w, h);
  colorBalanceInto(img.data, out.data);
  return out;
}

/**
 * Flat-buffer colour balance: interleaved RGB `src` → `dst` (same length).
 * @internal
 */
export function colorBalanceInto(src: Uint8Array, dst: Uint8Array): void {
  applyLutsInto(src, colorBalanceLuts(src), dst);
}

/**
 * Interleaved RGB `src` → `dst` (same length) through one lookup table per channel.
 * @internal
 */
export function applyLutsInto(src: Uint8Array, luts: ByteLuts, dst: Uint8Array): void {
  const [lr, lg, lb] = luts;
  for (let i = 0; i < src.length; i += 3) {
    dst[i] = lr[src[i]!]!;
    dst[i + 1] = lg[src[i + 1]!]!;
    dst[i + 2] = lb[src[i + 2]!]!;
  }
}

/**
 * The three per-channel lookup tables (value → balanced value) of {@link colorBalance}.
 * Sums are exact integers, so ḡ and c̄ equal NumPy's means bit for bit, and so does v·(ḡ/c̄).
 * @internal
 */
export function colorBalanceLuts(src: Uint8Array): ByteLuts {
  const n = src.length / 3;
  let sr = 0, sg = 0, sb = 0, sgray = 0;
  // Four pixels are three aligned little-endian 32-bit words (R0 G0 B0 R1 | G1 B1 R2 G2 | B2 R3 G3 B3):
  // three loads instead of twelve. Pixel p0 is the first whose byte offset is a multiple of 4
  // (3·p0 ≡ −byteOffset mod 4); pixels before p0 and after the last group go one at a time.
  // (No closures here: ones created per call made V8 deoptimise this function again and again.)
  const p0 = firstWordAlignedPixel(src, n);
  const words = pixelWords(src, p0, n);
  const groups = words.length / 3;
  for (let k = 0; k < words.length; k += 3) {
    const a = words[k]!, b = words[k + 1]!, c = words[k + 2]!;
    const r0 = a & 255, g0 = (a >>> 8) & 255, b0 = (a >>> 16) & 255, r1 = a >>> 24;
    const g1 = b & 255, b1 = (b >>> 8) & 255, r2 = (b >>> 16) & 255, g2 = b >>> 24;
    const b2 = c & 255, r3 = (c >>> 8) & 255, g3 = (c >>> 16) & 255, b3 = c >>> 24;
    sr += r0 + r1 + r2 + r3;
    sg += g0 + g1 + g2 + g3;
    sb += b0 + b1 + b2 + b3;
    sgray += gray8(r0, g0, b0) + gray8(r1, g1, b1) + gray8(r2, g2, b2) + gray8(r3, g3, b3);
  }
  const tail = p0 + 4 * groups;
  for (let p = 0; p < n; p++) {
    if (p === p0) p = tail; // skip the grouped pixels
    if (p >= n) break;
    const r = src[3 * p]!, g = src[3 * p + 1]!, b = src[3 * p + 2]!;
    sr += r;
    sg += g;
    sb += b;
    sgray += gray8(r, g, b);
  }
  const grayMean = sgray / n;
  return [balanceLut(sr, n, grayMean), balanceLut(sg, n, grayMean), balanceLut(sb, n, grayMean)];
}

/** OpenCV's 8-bit grey of one pixel (GRAY_WEIGHTS_Q15 as literals: 2x faster than reading constants). */
function gray8(r: number, g: number, b: number): number {
  return (r * 9798 + g * 19235 + b * 3735 + 16384) >> 15;
}

/** The table v → min(v·ḡ/c̄, 255) truncated, for a channel summing to `sum` over `n` pixels. */
function balanceLut(sum: number, n: number, grayMean: number): Uint8Array {
  const t = new Uint8Array(256);
  if (sum === 0) return t; // channel is all zeros: stays zero (the reference's 0·∞ → 0)
  const factor = grayMean / (sum / n);
  for (let v = 0; v < 256; v++) t[v] = Math.min(v * factor, 255) | 0;
  return t;
}

/** Whether typed arrays are little-endian here (every platform Node runs on in practice). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * The first of the `n` interleaved RGB pixels of `src` that starts on a 4-byte boundary of its
 * buffer (3·p ≡ −byteOffset mod 4, so p in 0..3); from there every fourth pixel does, and four
 * pixels are three aligned little-endian words R0 G0 B0 R1 | G1 B1 R2 G2 | B2 R3 G3 B3.
 * Returns `n` (no word reads) on a big-endian platform or when fewer pixels remain.
 * @internal
 */
export function firstWordAlignedPixel(src: Uint8Array, n: number): number {
  return LITTLE_ENDIAN ? Math.min(n, (3 * (4 - (src.byteOffset & 3))) & 3) : n;
}

/**
 * The whole groups of four pixels of `src` from pixel `p0` (from {@link firstWordAlignedPixel})
 * to pixel `n` as 32-bit words, three per group; empty when there is no whole group.
 * @internal
 */
export function pixelWords(src: Uint8Array, p0: number, n: number): Uint32Array {
  const groups = (n - p0) >> 2;
  return groups > 0 ? new Uint32Array(src.buffer, src.byteOffset + 3 * p0, 3 * groups) : new Uint32Array(0);
}

/**
 * Three per-channel tables of 8-bit values (R, G, B), each of length 256.
 * @internal
 */
export type ByteLuts = readonly [Uint8Array, Uint8Array, Uint8Array];

const IDENTITY = Uint8Array.from({ length: 256 }, (_, i) => i);

/**
 * Identity tables: a balance that changes nothing. Shared; never write to them.
 * @internal
 */
export const IDENTITY_LUTS: ByteLuts = [IDENTITY, IDENTITY, IDENTITY];
