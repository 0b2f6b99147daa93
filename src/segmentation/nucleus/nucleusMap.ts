import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { toContiguousRgb } from '../../io/image/rgbImage.js';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { firstWordAlignedPixel, IDENTITY_LUTS, pixelWords } from './colorBalance.js';
import type { ByteLuts } from './colorBalance.js';

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
  if (dst.length > 0) balancedMapInto(src, IDENTITY_LUTS, dst, dst.length);
}

/**
 * Nucleus map of the colour-balanced image without materialising it: the balanced pixel is
 * (`luts[0][R]`, `luts[1][G]`, `luts[2][B]`) of the raw pixel of `src`, and its map value goes to
 * `map`, in one pass. With the colour balance's tables (see `colorBalanceLuts`) this equals
 * `nucleusMapInto(colorBalance(src))` byte for byte. `map` is taken as rows of `w` pixels; when
 * `rows` is given it receives each row's first and last non-zero column (see `RowRanges` of the
 * blur; an all-zero row gets `w`, −1).
 *
 * Pixels are read four at a time as three 32-bit words where the buffer's alignment allows (see
 * `firstWordAlignedPixel`), and a group of four whose pixels all pass the P = 0 test on
 * the raw values, `G ≥ zr[R]` and `G ≥ zb[B]` (see {@link rawZeroTables}), is settled with eight
 * lookups in 256-entry tables and no balance lookup: about 87% of the groups of the golden images.
 * @internal
 */
export function balancedMapInto(src: Uint8Array, luts: ByteLuts, map: Uint8Array, w: number, rows?: Int32Array): void {
  const { pc, s8, g0 } = tables();
  const [lr, lg, lb] = luts;
  const [zr, zb] = rawZeroTables(luts);
  // the tables less one, so that the test below is `zr1[R] − G < 0` (one subtraction fewer per term)
  const zr1 = zeroR1, zb1 = zeroB1;
  for (let v = 0; v < 256; v++) {
    zr1[v] = zr[v]! - 1;
    zb1[v] = zb[v]! - 1;
  }
  /** Map value of one balanced pixel: max(0, min(P, S − C)) from the packed entry (see Tables). */
  const value = (r: number, g: number, b: number): number => {
    let mx = r > g ? r : g;
    if (b > mx) mx = b;
    if (g >= g0[mx]!) return 0; // P = 0
    let mn = r < g ? r : g;
    if (b < mn) mn = b;
    const e = pc[(mx << 8) | g]!;
    const s = s8[(mx << 8) | mn]!;
    if (e === FLOAT_PATH) return mapValueFloat(mx, g, s);
    const v = s - (e >> 8);
    const pk = e & 255;
    const o = v < pk ? v : pk;
    return o > 0 ? o : 0;
  };
  const n = map.length;
  map.fill(0); // one memset, so that the all-zero groups below need no stores
  const p0 = firstWordAlignedPixel(src, n);
  const words = pixelWords(src, p0, n);
  const wordsEnd = p0 + (4 * words.length) / 3; // pixels [p0, wordsEnd) are in `words`
  for (let row = 0, y = 0; row < n; row += w, y++) {
    const rowEnd = row + w;
    // the row's first pixel that starts a word (p ≡ p0 mod 4, p ≥ p0)
    const groupStart = Math.min(rowEnd, row < p0 ? p0 : row + ((p0 - row) & 3));
    let lo = w;
    let hi = -1;
    let p = row;
    // one at a time before the first aligned pixel
    for (; p < groupStart; p++) {
      const o = value(lr[src[3 * p]!]!, lg[src[3 * p + 1]!]!, lb[src[3 * p + 2]!]!);
      map[p] = o;
      if (o !== 0) {
        if (lo === w) lo = p - row;
        hi = p - row;
      }
    }
    // four at a time from three words
    for (; p + 4 <= rowEnd && p + 4 <= wordsEnd; p += 4) {
      const k = (3 * (p - p0)) >> 2;
      const a = words[k]!, b = words[k + 1]!, c = words[k + 2]!;
      // raw bytes: R0 G0 B0 R1 | G1 B1 R2 G2 | B2 R3 G3 B3
      const r0 = a & 255, g0r = (a >>> 8) & 255, b0 = (a >>> 16) & 255, r1 = a >>> 24;
      const g1r = b & 255, b1 = (b >>> 8) & 255, r2 = (b >>> 16) & 255, g2r = b >>> 24;
      const b2 = c & 255, r3 = (c >>> 8) & 255, g3r = (c >>> 16) & 255, b3 = c >>> 24;
      // pixel i has P = 0 when zr1[Ri] − Gi and zb1[Bi] − Gi (zr1 = zr − 1) are both negative: the AND of
      // the eight differences is negative exactly when all four pixels are (branch-free test)
      const d0 = (zr1[r0]! - g0r) & (zb1[b0]! - g0r);
      const d1 = (zr1[r1]! - g1r) & (zb1[b1]! - g1r);
      const d2 = (zr1[r2]! - g2r) & (zb1[b2]! - g2r);
      const d3 = (zr1[r3]! - g3r) & (zb1[b3]! - g3r);
      if ((d0 & d1 & d2 & d3) < 0) continue; // the common case: no balance lookup, map is pre-zeroed
      const z0 = d0 < 0, z1 = d1 < 0, z2 = d2 < 0, z3 = d3 < 0;
      const v0 = z0 ? 0 : value(lr[r0]!, lg[g0r]!, lb[b0]!);
      const v1 = z1 ? 0 : value(lr[r1]!, lg[g1r]!, lb[b1]!);
      const v2 = z2 ? 0 : value(lr[r2]!, lg[g2r]!, lb[b2]!);
      const v3 = z3 ? 0 : value(lr[r3]!, lg[g3r]!, lb[b3]!);
      map[p] = v0;
      map[p + 1] = v1;
      map[p + 2] = v2;
      map[p + 3] = v3;
      if ((v0 | v1 | v2 | v3) !== 0) {
        const x = p - row;
        if (lo === w) lo = x + (v0 !== 0 ? 0 : v1 !== 0 ? 1 : v2 !== 0 ? 2 : 3);
        hi = x + (v3 !== 0 ? 3 : v2 !== 0 ? 2 : v1 !== 0 ? 1 : 0);
      }
    }
    // one at a time after the last whole group
    for (; p < rowEnd; p++) {
      const o = value(lr[src[3 * p]!]!, lg[src[3 * p + 1]!]!, lb[src[3 * p + 2]!]!);
      map[p] = o;
      if (o !== 0) {
        if (lo === w) lo = p - row;
        hi = p - row;
      }
    }
    if (rows) {
      rows[2 * y] = lo;
      rows[2 * y + 1] = hi;
    }
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
 *
 * Where P = 0 the map is 0 whatever S is (min(0, S − C) ≤ 0; on the float path too, since then
 * M − km ≤ 0.5 and min(M, S) − km ≤ M − km rounds to ≤ 0). For each max, `g0[max]` is the
 * smallest G such that every G' in [G, max] has P = 0: a test against this 256-entry table
 * settles most pixels of a smear (about 89% of the golden images' pixels) before any lookup in
 * the large tables. It holds by construction, whatever the shape of P.
 */
interface Tables {
  /** P | C << 8 for [max << 8 | G], G ≤ max, or {@link FLOAT_PATH}. */
  pc: Uint16Array;
  /** OpenCV 8-bit HLS saturation for [max << 8 | min]. */
  s8: Uint8Array;
  /**
   * Per max: the smallest G from which P = 0 up to G = max. Non-decreasing in max, and
   * g0[max] ≤ max (both checked when built; {@link rawZeroTables} relies on them).
   */
  g0: Uint16Array;
}

let cached: Tables | undefined;

/** Constant lookup tables, built once on first use (pure functions of the 8-bit inputs). */
function tables(): Tables {
  if (cached) return cached;
  const pc = new Uint16Array(65536);
  const s8 = new Uint8Array(65536);
  const g0 = new Uint16Array(256);
  const pRow = new Uint8Array(256); // P of (mx, G) for the current mx
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
      pRow[g] = p;
    }
    for (let mn = 0; mn <= mx; mn++) s8[(mx << 8) | mn] = hlsSaturation8(mx, mn);
    // walk G down from max while P = 0 (float-path pairs included: see Tables)
    let from = mx + 1;
    while (from > 0 && pRow[from - 1] === 0) from--;
    g0[mx] = from;
  }
  for (let x = 0; x < 256; x++) {
    if (g0[x]! > x || (x > 0 && g0[x]! < g0[x - 1]!)) {
      throw new Error(`nucleusMap: internal table check failed at g0[${x}]`);
    }
  }
  cached = { pc, s8, g0 };
  return cached;
}

/** The tables of {@link rawZeroTables}, reused across calls (one balance at a time per thread). */
const zeroR = new Uint16Array(256);
const zeroB = new Uint16Array(256);
/** The same less one (−1..255), for {@link balancedMapInto}'s test, reused likewise. */
const zeroR1 = new Int16Array(256);
const zeroB1 = new Int16Array(256);

/**
 * The P = 0 test of {@link Tables} on raw values: with balance tables `luts` that are
 * non-decreasing (as every grey-world balance's, see `colorBalanceLuts`), the balanced pixel of
 * raw (R, G, B) has P = 0 (so map value 0) exactly when `G ≥ zr[R]` and `G ≥ zb[B]`. Why: g0 is
 * non-decreasing with g0[x] ≤ x, so `lg[G] ≥ g0[max(lr[R], lg[G], lb[B])]` ⟺
 * `lg[G] ≥ g0[lr[R]]` and `lg[G] ≥ g0[lb[B]]` (the G term always holds); and, `lg` being
 * non-decreasing, `lg[G] ≥ t` ⟺ `G ≥` the smallest G' with `lg[G'] ≥ t` (256 if none).
 * Returns module-level tables, valid until the next call.
 * @internal
 */
export function rawZeroTables(luts: ByteLuts): readonly [Uint16Array, Uint16Array] {
  const { g0 } = tables();
  const [lr, lg, lb] = luts;
  const fill = (z: Uint16Array, lc: Uint8Array): Uint16Array => {
    // g0[lc[v]] is non-decreasing in v, so the smallest G' only moves up: one sweep of G'
    let g = 0;
    for (let v = 0; v < 256; v++) {
      const t = g0[lc[v]!]!;
      while (g < 256 && lg[g]! < t) g++;
      z[v] = g;
    }
    return z;
  };
  return [fill(zeroR, lr), fill(zeroB, lb)];
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
