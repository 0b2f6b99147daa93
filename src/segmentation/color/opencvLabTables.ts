/**
 * Re-creation of the fixed-point tables behind OpenCV's (4.x) RGB → Lab conversions, so that
 * {@link rgbToLab8} is bit-exact and `rgbToLab(img, { method: 'opencv' })` reproduces OpenCV's
 * float path. OpenCV builds these tables with its single-precision `softfloat`; every step is
 * repeated here in float32 with `Math.fround`.
 *
 * Reference: OpenCV `modules/imgproc/src/color_lab.cpp` (`initLabTabs`, `RGB2Lab_b`, `RGB2Lab_f`,
 * `trilinearInterpolate`).
 * @internal
 */
import { D65_WHITE, SRGB_TO_XYZ } from './labConstants.js';
import { rint } from './colorInput.js';

const f32 = Math.fround;

/** OpenCV's `applyGamma`: sRGB decoding computed in double, returned as float32. */
function applyGamma(x: number): number {
  return f32(x <= 809 / 20000 ? x / (323 / 25) : Math.pow((x + 11 / 200) / (1 + 11 / 200), 12 / 5));
}

const LTHRESH = f32(216 / 24389);
const LSCALE = f32(841 / 108);
const LBIAS = f32(16 / 116);

const F32_BITS = new Float32Array(1);
const U32_BITS = new Uint32Array(F32_BITS.buffer);

/** The largest float32 ≤ x (for x > 0): float32 rounding toward zero. */
function f32Down(x: number): number {
  const r = f32(x);
  if (r <= x) return r;
  F32_BITS[0] = r;
  U32_BITS[0] = U32_BITS[0]! - 1;
  return F32_BITS[0];
}

/**
 * float32 CIE f(t) as OpenCV's tables: cube root above ε, fused 7.787·t + 16/116 below. OpenCV's
 * `softfloat` cube root comes out truncated rather than rounded to nearest (checked against its
 * 8-bit Lab output, where a handful of table entries sit on a rounding tie), hence {@link f32Down}.
 */
function cbrtF32(x: number): number {
  return x < LTHRESH ? f32(x * LSCALE + LBIAS) : f32Down(Math.cbrt(x));
}

/** Fixed-point precision of the 8-bit path: XYZ coefficients in Q12, gamma table in Q3, f(t) in Q15. */
export const LAB_SHIFT = 12;
export const GAMMA_SHIFT = 3;
export const LAB_SHIFT2 = LAB_SHIFT + GAMMA_SHIFT;

/** `sRGBGammaTab_b`: byte → round(255·8·linear(byte/255)). */
export const SRGB_GAMMA_TAB_B: Uint16Array = (() => {
  const t = new Uint16Array(256);
  const scale = 255 * (1 << GAMMA_SHIFT);
  for (let i = 0; i < 256; i++) t[i] = rint(f32(scale * applyGamma(f32(i / 255))));
  return t;
})();

/** `LabCbrtTab_b`: index i (linear light · 2040) → round(2^15 · f(i / 2040)). */
export const LAB_CBRT_TAB_B: Uint16Array = (() => {
  const size = (256 * 3 / 2) * (1 << GAMMA_SHIFT);
  const t = new Uint16Array(size);
  const scale = f32(1 / (255 * (1 << GAMMA_SHIFT)));
  const lshift2 = 1 << LAB_SHIFT2;
  for (let i = 0; i < size; i++) t[i] = rint(lshift2 * cbrtF32(f32(scale * i)));
  return t;
})();

/** XYZ/white coefficients in Q12, row-major (rows X, Y, Z; columns R, G, B). */
export const LAB_COEFFS_Q12: Int32Array = (() => {
  const c = new Int32Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) c[i * 3 + j] = rint(((1 << LAB_SHIFT) * SRGB_TO_XYZ[i * 3 + j]!) / D65_WHITE[i]!);
  }
  return c;
})();

/**
 * The 8-bit path's products `SRGB_GAMMA_TAB_B[v] · LAB_COEFFS_Q12[k]` for every byte v, nine tables of 256
 * (k = row·3 + column), with the Q12 rounding half 2^11 folded into the first column of each row: X, Y, Z
 * indices become three table sums and a shift.
 */
export const LAB_XYZ_TABS: readonly Int32Array[] = Array.from({ length: 9 }, (_, k) => {
  const t = new Int32Array(256);
  const half = k % 3 === 0 ? 1 << (LAB_SHIFT - 1) : 0;
  for (let v = 0; v < 256; v++) t[v] = SRGB_GAMMA_TAB_B[v]! * LAB_COEFFS_Q12[k]! + half;
  return t;
});

const LUT_SHIFT = 5;
const LUT_DIM = (1 << LUT_SHIFT) + 1; // 33 grid points per axis
const BASE_SHIFT = 14;
const TRILINEAR_SHIFT = 8 - LUT_SHIFT + 1; // 4: 16 sub-steps per cell

let floatLut: Int16Array | undefined;
const SCRATCH = new Int32Array(3);

/**
 * OpenCV's `RGB2LabLUT_s16` (before its 8-corner expansion): L, (a + 128)/256, (b + 128)/256 in Q14
 * on a 33³ grid of sRGB values, axis 0 (fastest) blue, axis 1 green, axis 2 red. Built on first use.
 */
function labFloatLut(): Int16Array {
  if (floatLut !== undefined) return floatLut;
  const lut = new Int16Array(LUT_DIM * LUT_DIM * LUT_DIM * 3);
  const s = new Float64Array(9);
  // OpenCV orders the matrix columns B, G, R for this table (its native BGR)
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) s[i * 3 + j] = f32(SRGB_TO_XYZ[i * 3 + (2 - j)]! * (1 / D65_WHITE[i]!));
  }
  const lbase = 1 << BASE_SHIFT;
  const kappa = f32(24389 / 27);
  const lin = new Float64Array(LUT_DIM);
  for (let p = 0; p < LUT_DIM; p++) lin[p] = applyGamma(f32(p / (LUT_DIM - 1)));
  let idx = 0;
  for (let r = 0; r < LUT_DIM; r++) {
    for (let q = 0; q < LUT_DIM; q++) {
      for (let p = 0; p < LUT_DIM; p++) {
        const c0 = lin[p]!; // blue
        const c1 = lin[q]!; // green
        const c2 = lin[r]!; // red
        const X = f32(f32(f32(c0 * s[0]!) + f32(c1 * s[1]!)) + f32(c2 * s[2]!));
        const Y = f32(f32(f32(c0 * s[3]!) + f32(c1 * s[4]!)) + f32(c2 * s[5]!));
        const Z = f32(f32(f32(c0 * s[6]!) + f32(c1 * s[7]!)) + f32(c2 * s[8]!));
        const FX = cbrtF32(X);
        const FY = cbrtF32(Y);
        const FZ = cbrtF32(Z);
        const L = Y > LTHRESH ? f32(f32(116 * FY) - 16) : f32(kappa * Y);
        const a = f32(500 * f32(FX - FY));
        const b = f32(200 * f32(FY - FZ));
        lut[idx++] = rint(f32(f32(lbase * L) / 100));
        lut[idx++] = rint(f32(f32(lbase * f32(a + 128)) / 256));
        lut[idx++] = rint(f32(f32(lbase * f32(b + 128)) / 256));
      }
    }
  }
  floatLut = lut;
  return lut;
}

/**
 * OpenCV's interpolated float Lab of one sRGB colour given in Q14 (round(channel · 2^14), channel in [0, 1]).
 * Writes L in [0, 100], a, b in [−128, 128) to `out[o..o+2]`.
 */
export function opencvLabFromQ14(cr: number, cg: number, cb: number, out: Float32Array, o: number): void {
  const lut = labFloatLut();
  const cellShift = BASE_SHIFT - LUT_SHIFT;
  const subShift = BASE_SHIFT - 8 - 1;
  const mask = (1 << TRILINEAR_SHIFT) - 1;
  const T = 1 << TRILINEAR_SHIFT;
  const tx = cb >> cellShift;
  const ty = cg >> cellShift;
  const tz = cr >> cellShift;
  const x = (cb >> subShift) & mask;
  const y = (cg >> subShift) & mask;
  const z = (cr >> subShift) & mask;
  const x1 = Math.min(tx + 1, LUT_DIM - 1);
  const y1 = Math.min(ty + 1, LUT_DIM - 1);
  const z1 = Math.min(tz + 1, LUT_DIM - 1);
  const wx0 = T - x;
  const wy0 = T - y;
  const wz0 = T - z;
  const sy = LUT_DIM * 3;
  const sz = LUT_DIM * LUT_DIM * 3;
  const i000 = tx * 3 + ty * sy + tz * sz;
  const i100 = x1 * 3 + ty * sy + tz * sz;
  const i010 = tx * 3 + y1 * sy + tz * sz;
  const i110 = x1 * 3 + y1 * sy + tz * sz;
  const i001 = tx * 3 + ty * sy + z1 * sz;
  const i101 = x1 * 3 + ty * sy + z1 * sz;
  const i011 = tx * 3 + y1 * sy + z1 * sz;
  const i111 = x1 * 3 + y1 * sy + z1 * sz;
  const w000 = wx0 * wy0 * wz0;
  const w100 = x * wy0 * wz0;
  const w010 = wx0 * y * wz0;
  const w110 = x * y * wz0;
  const w001 = wx0 * wy0 * z;
  const w101 = x * wy0 * z;
  const w011 = wx0 * y * z;
  const w111 = x * y * z;
  const half = 1 << (3 * TRILINEAR_SHIFT - 1);
  const res = SCRATCH;
  for (let c = 0; c < 3; c++) {
    const acc =
      lut[i000 + c]! * w000 + lut[i100 + c]! * w100 + lut[i010 + c]! * w010 + lut[i110 + c]! * w110 +
      lut[i001 + c]! * w001 + lut[i101 + c]! * w101 + lut[i011 + c]! * w011 + lut[i111 + c]! * w111;
    res[c] = (acc + half) >> (3 * TRILINEAR_SHIFT);
  }
  const inv = f32(1 / (1 << BASE_SHIFT));
  out[o] = f32(f32(res[0]! * inv) * 100);
  out[o + 1] = f32(f32(res[1]! * inv) * 256) - 128;
  out[o + 2] = f32(f32(res[2]! * inv) * 256) - 128;
}
