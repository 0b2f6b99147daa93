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
 * so the map is bit-identical to the reference. Per pixel it costs two integer table lookups:
 * the float work is folded into tables over (max, G) and (max, min) built once (see `Tables`).
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
  // The fused pass with identity tables; its balanced output is a throw-away copy of `src`.
  balanceAndMapInto(src, [IDENTITY, IDENTITY, IDENTITY], new Uint8Array(src.length), dst);
}

/** The identity lookup table of 8-bit values. */
const IDENTITY = Uint8Array.from({ length: 256 }, (_, i) => i);

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
  const { pc, s8 } = tables();
  const [lr, lg, lb] = luts;
  const n = map.length;
  for (let p = 0, i = 0; p < n; p++, i += 3) {
    const r = lr[src[i]!]!, g = lg[src[i + 1]!]!, b = lb[src[i + 2]!]!;
    balanced[i] = r;
    balanced[i + 1] = g;
    balanced[i + 2] = b;
    let mx = r > g ? r : g;
    if (b > mx) mx = b;
    let mn = r < g ? r : g;
    if (b < mn) mn = b;
    // max(0, min(P, S − C)) from the packed entry (see Tables), written out here: as a call it
    // is not inlined and costs a third of the pass
    const e = pc[(mx << 8) | g]!;
    const s = s8[(mx << 8) | mn]!;
    if (e === FLOAT_PATH) {
      map[p] = mapValueFloat(mx, g, s);
      continue;
    }
    const v = s - (e >> 8);
    const pk = e & 255;
    const o = v < pk ? v : pk;
    map[p] = o > 0 ? o : 0;
  }
}

/**
 * The reference formula in float64, operation for operation: d = min(M, S) − max(K − M, 0),
 * then rounded half to even, 0 when d ≤ 0, clipped to 255.
 * @internal
 */
export function mapValueFloat(mx: number, g: number, s: number): number {
  const k = 1.0 - mx / 255.0;
  const m = (k < 1.0 ? (1.0 - g / 255.0 - k) / (1.0 - k) : 0.0) * 255.0;
  const k255 = k * 255.0;
  const minMs = m < s ? m : s;
  const km = k255 - m > 0 ? k255 - m : 0;
  const d = minMs - km;
  return d > 0 ? roundHalfEven255(d) : 0;
}

function roundHalfEven255(v: number): number {
  let r = Math.round(v); // half up
  if (r - v === 0.5 && r % 2 === 1) r -= 1; // exact half: go to the even neighbour (np.rint)
  return r > 255 ? 255 : r;
}

/**
 * Packed entry of a (max, G) pair that takes the float path (see {@link Tables}); no real entry
 * has P = C = 255, since P + C ≈ M ≤ 255.
 */
const FLOAT_PATH = 0xffff;

/**
 * Integer form of the map. With M, K (×255) fixed by (max, G) and S an integer:
 * d = min(M, S) − km with km = max(K − M, 0), and since float subtraction and rounding are both
 * monotone, round(d) = min(round(M − km), round(S − km)). Let P = round(M − km) (0 when ≤ 0,
 * clipped to 255) and C = round(km): then round(S − km) = S − C for every integer S, exactly
 * unless km is within 1e-9 of a half (an exact tie rounds S − km to even, which depends on the
 * parity of S; an almost-tie can flip through the float rounding of S − km). Those (max, G)
 * pairs, a few dozen of the 32,896, are flagged and use {@link mapValueFloat}. So
 * map = max(0, min(P, S − C)); the test suite checks this against the float formula on every
 * (max, G, min) triple.
 */
interface Tables {
  /** P | C << 8 for [max << 8 | G], G ≤ max, or {@link FLOAT_PATH}. */
  pc: Uint16Array;
  /** OpenCV 8-bit HLS saturation for [max << 8 | min]. */
  s8: Uint8Array;
}

let cached: Tables | undefined;

/** Constant lookup tables, built once on first use (pure functions of the 8-bit inputs). */
function tables(): Tables {
  if (cached) return cached;
  const pc = new Uint16Array(65536);
  const s8 = new Uint8Array(65536);
  for (let mx = 0; mx < 256; mx++) {
    const k = 1.0 - mx / 255.0;
    const k255 = k * 255.0;
    for (let g = 0; g <= mx; g++) {
      // M·255 and K·255 in the reference's float64 operation order
      const m = (k < 1.0 ? (1.0 - g / 255.0 - k) / (1.0 - k) : 0.0) * 255.0;
      const km = k255 - m > 0 ? k255 - m : 0;
      const d = m - km;
      const p = d > 0 ? roundHalfEven255(d) : 0;
      const nearTie = Math.abs((km % 1) - 0.5) < 1e-9;
      pc[(mx << 8) | g] = nearTie ? FLOAT_PATH : p | (Math.round(km) << 8);
    }
    for (let mn = 0; mn <= mx; mn++) s8[(mx << 8) | mn] = hlsSaturation8(mx, mn);
  }
  cached = { pc, s8 };
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
