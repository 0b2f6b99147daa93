import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { toContiguousRgb } from '../../io/rgbImage.js';
import type { RgbImage } from '../../io/rgbImage.js';

/**
 * The nucleus map of Tavakoli et al. (2021) on a 0–255 scale, per pixel:
 * d = max(min(M, S) − max(K − M, 0), 0), rounded half to even and clipped to [0, 255], with
 * M and K from CMYK (K = 1 − max(R, G, B)/255, M = (1 − G/255 − K)/(1 − K), 0 where K = 1) scaled
 * by 255, and S the saturation of OpenCV's 8-bit `RGB2HLS_FULL`.
 *
 * The computation is fused in one pass (the reference builds the CMYK and HLS images); M and K
 * use the reference's float64 operations in the same order, S reproduces OpenCV's float32 path,
 * so the map is bit-identical to the reference.
 *
 * @param balanced - [H, W, 3] uint8 RGB, normally the output of {@link colorBalance}
 * @returns [H, W] uint8 map, bright on nuclei (purple: high magenta and saturation, not dark)
 * @example
 * const map = nucleusMap(colorBalance(image));
 */
export function nucleusMap(balanced: RgbImage): NdArray<Uint8Array> {
  const img = toContiguousRgb(balanced, 'nucleusMap');
  const [h, w] = img.shape as [number, number, number];
  const out = new Uint8Array(h * w);
  nucleusMapInto(img.data, out);
  return ndarray(out, [h, w]);
}

/**
 * Flat-buffer nucleus map: interleaved RGB `src` → `dst` (one byte per pixel).
 * @internal
 */
export function nucleusMapInto(src: Uint8Array, dst: Uint8Array): void {
  const { m255, k255, s8 } = tables();
  for (let i = 0, p = 0; i < src.length; i += 3, p++) {
    const r = src[i]!, g = src[i + 1]!, b = src[i + 2]!;
    let mx = r > g ? r : g;
    if (b > mx) mx = b;
    let mn = r < g ? r : g;
    if (b < mn) mn = b;
    const m = m255[(mx << 8) | g]!;
    const s = s8[(mx << 8) | mn]!;
    const k = k255[mx]!;
    const minMs = m < s ? m : s;
    const km = k - m > 0 ? k - m : 0;
    const d = minMs - km;
    dst[p] = d > 0 ? roundHalfEven255(d) : 0;
  }
}

/**
 * Fused colour balance and nucleus map: applies the per-channel lookup tables `luts` to `src`,
 * writes the balanced pixels to `balanced` and the map to `map`, in one pass.
 * @internal
 */
export function balanceAndMapInto(
  src: Uint8Array,
  luts: readonly [Uint8Array, Uint8Array, Uint8Array],
  balanced: Uint8Array,
  map: Uint8Array,
): void {
  const { m255, k255, s8 } = tables();
  const [lr, lg, lb] = luts;
  for (let i = 0, p = 0; i < src.length; i += 3, p++) {
    const r = lr[src[i]!]!, g = lg[src[i + 1]!]!, b = lb[src[i + 2]!]!;
    balanced[i] = r;
    balanced[i + 1] = g;
    balanced[i + 2] = b;
    let mx = r > g ? r : g;
    if (b > mx) mx = b;
    let mn = r < g ? r : g;
    if (b < mn) mn = b;
    const m = m255[(mx << 8) | g]!;
    const s = s8[(mx << 8) | mn]!;
    const k = k255[mx]!;
    const minMs = m < s ? m : s;
    const km = k - m > 0 ? k - m : 0;
    const d = minMs - km;
    map[p] = d > 0 ? roundHalfEven255(d) : 0;
  }
}

function roundHalfEven255(v: number): number {
  let r = Math.round(v); // half up
  if (r - v === 0.5 && r % 2 === 1) r -= 1; // exact half: go to the even neighbour (np.rint)
  return r > 255 ? 255 : r;
}

interface Tables {
  /** M·255 for [max << 8 | G] (float64, the reference's operation order). */
  m255: Float64Array;
  /** K·255 for max. */
  k255: Float64Array;
  /** OpenCV 8-bit HLS saturation for [max << 8 | min]. */
  s8: Uint8Array;
}

let cached: Tables | undefined;

/** Constant lookup tables, built once on first use (pure functions of the 8-bit inputs). */
function tables(): Tables {
  if (cached) return cached;
  const m255 = new Float64Array(65536);
  const k255 = new Float64Array(256);
  const s8 = new Uint8Array(65536);
  for (let mx = 0; mx < 256; mx++) {
    const k = 1.0 - mx / 255.0;
    k255[mx] = k * 255.0;
    for (let g = 0; g <= mx; g++) {
      const m = k < 1.0 ? (1.0 - g / 255.0 - k) / (1.0 - k) : 0.0;
      m255[(mx << 8) | g] = m * 255.0;
    }
    for (let mn = 0; mn <= mx; mn++) s8[(mx << 8) | mn] = hlsSaturation8(mx, mn);
  }
  cached = { m255, k255, s8 };
  return cached;
}

/**
 * OpenCV's 8-bit HLS saturation of a pixel with channel max `mx` and min `mn`
 * (`RGB2HLS_b`: float32 arithmetic on v/255, then `saturate_cast<uchar>(s·255)`, half to even).
 * @internal
 */
export function hlsSaturation8(mx: number, mn: number): number {
  const f = Math.fround;
  const inv = f(1 / 255);
  const vmax = f(mx * inv);
  const vmin = f(mn * inv);
  const diff = f(vmax - vmin);
  const sum = f(vmax + vmin);
  const l = f(sum * 0.5);
  if (!(diff > 1.1920928955078125e-7)) return 0;
  const s = l < 0.5 ? f(diff / sum) : f(diff / f(2 - sum)); // 2 − (max + min), as OpenCV's vector path
  const v = f(s * 255);
  let r = Math.round(v);
  if (r - v === 0.5 && r % 2 === 1) r -= 1;
  return r < 0 ? 0 : r > 255 ? 255 : r;
}
