import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { ArgumentError, checkOneOf, checkOptions, optionalInteger, optionalNumber } from '../../core/index.js';
import { grayValues } from './grayImageInput.js';
import type { GrayImage } from './grayImageInput.js';

/** The LBP codings of {@link localBinaryPattern} (scikit-image's `method` names). */
export const LBP_METHODS = ['default', 'ror', 'uniform'] as const;

/** One of {@link LBP_METHODS}. */
export type LbpMethod = (typeof LBP_METHODS)[number];

/** Options of {@link localBinaryPattern}. */
export interface LocalBinaryPatternOptions {
  /** Number P of circularly symmetric neighbours, 1 … 30. Defaults to 8. */
  points?: number;
  /** Radius R of the circle in pixels (> 0; scikit-image holds it as a 32-bit float). Defaults to 1. */
  radius?: number;
  /**
   * `'uniform'`: the number of neighbours ≥ the centre (0 … P) when the pattern has at most 2 changes between
   * consecutive neighbours 0 … P − 1 (scikit-image does not count the wrap-around pair P − 1 → 0), else P + 1;
   * `'default'`: Σ 2^i over the neighbours i ≥ the centre; `'ror'`: the smallest cyclic rotation of that code.
   * Defaults to `'uniform'`.
   */
  method?: LbpMethod;
}

/** Options of {@link uniformLbpHistogram}. */
export type UniformLbpHistogramOptions = Pick<LocalBinaryPatternOptions, 'points' | 'radius'>;

/**
 * The neighbour offsets of scikit-image's `_local_binary_pattern`: (−R·sin(2πi/P), R·cos(2πi/P)) in (row, column),
 * each rounded to 5 decimals as `np.round` does (scale, round half to even, unscale), R as a 32-bit float.
 */
function neighbourOffsets(points: number, radius: number): { rp: Float64Array; cp: Float64Array } {
  const r32 = Math.fround(radius);
  const round5 = (x: number): number => {
    const y = x * 1e5;
    const f = Math.floor(y);
    const frac = y - f;
    const n = frac > 0.5 ? f + 1 : frac < 0.5 ? f : f % 2 === 0 ? f : f + 1;
    return n / 1e5;
  };
  const rp = new Float64Array(points);
  const cp = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    const t = (2 * Math.PI * i) / points;
    rp[i] = round5(-r32 * Math.sin(t));
    cp[i] = round5(r32 * Math.cos(t));
  }
  return { rp, cp };
}

/** Reads LBP codes at single pixels, with scikit-image's arithmetic (bilinear samples, zero outside the image). */
interface LbpCoder {
  (r: number, c: number): number;
}

function createLbpCoder(values: ArrayLike<number>, rows: number, cols: number, points: number, radius: number, method: LbpMethod): LbpCoder {
  const { rp, cp } = neighbourOffsets(points, radius);
  // skimage _shared/interpolation.pxd bilinear_interpolation (mode 'C', cval 0) samples at (r + rp[i], c + cp[i]);
  // its floor, ceil and fractional parts depend on the row alone and on the column alone, so they are tabulated
  // once per image (same double arithmetic, same values).
  const minR = new Int32Array(points * rows);
  const maxR = new Int32Array(points * rows);
  const fracR = new Float64Array(points * rows);
  const minC = new Int32Array(points * cols);
  const maxC = new Int32Array(points * cols);
  const fracC = new Float64Array(points * cols);
  for (let i = 0; i < points; i++) {
    for (let r = 0; r < rows; r++) {
      const y = r + rp[i]!;
      minR[i * rows + r] = Math.floor(y);
      maxR[i * rows + r] = Math.ceil(y);
      fracR[i * rows + r] = y - Math.floor(y);
    }
    for (let c = 0; c < cols; c++) {
      const x = c + cp[i]!;
      minC[i * cols + c] = Math.floor(x);
      maxC[i * cols + c] = Math.ceil(x);
      fracC[i * cols + c] = x - Math.floor(x);
    }
  }
  // Pixels at least `margin` away from every edge read all their samples inside the image.
  let margin = 0;
  for (let i = 0; i < points; i++) margin = Math.max(margin, Math.ceil(Math.abs(rp[i]!)), Math.ceil(Math.abs(cp[i]!)));
  const bits = new Uint8Array(points);
  const at = (r: number, c: number): number => (r < 0 || r >= rows || c < 0 || c >= cols ? 0 : values[r * cols + c]!);
  return (r: number, c: number): number => {
    const centre = values[r * cols + c]!;
    const inside = r >= margin && r < rows - margin && c >= margin && c < cols - margin;
    for (let i = 0; i < points; i++) {
      const ir = i * rows + r;
      const ic = i * cols + c;
      const r0 = minR[ir]!;
      const r1 = maxR[ir]!;
      const c0 = minC[ic]!;
      const c1 = maxC[ic]!;
      const dr = fracR[ir]!;
      const dc = fracC[ic]!;
      let tl: number;
      let tr: number;
      let bl: number;
      let br: number;
      if (inside) {
        tl = values[r0 * cols + c0]!;
        tr = values[r0 * cols + c1]!;
        bl = values[r1 * cols + c0]!;
        br = values[r1 * cols + c1]!;
      } else {
        tl = at(r0, c0);
        tr = at(r0, c1);
        bl = at(r1, c0);
        br = at(r1, c1);
      }
      const top = (1 - dc) * tl + dc * tr;
      const bottom = (1 - dc) * bl + dc * br;
      bits[i] = (1 - dr) * top + dr * bottom - centre >= 0 ? 1 : 0;
    }
    if (method === 'uniform') {
      let changes = 0;
      let ones = 0;
      for (let i = 0; i < points; i++) {
        ones += bits[i]!;
        if (i < points - 1 && bits[i] !== bits[i + 1]) changes++;
      }
      return changes <= 2 ? ones : points + 1;
    }
    let code = 0;
    for (let i = 0; i < points; i++) code += bits[i]! * 2 ** i;
    if (method === 'ror') {
      let rotated = code;
      for (let i = 1; i < points; i++) {
        rotated = (rotated >> 1) | ((rotated & 1) << (points - 1));
        if (rotated < code) code = rotated;
      }
    }
    return code;
  };
}

function checkLbpOptions(fn: string, options: LocalBinaryPatternOptions | undefined): Required<LocalBinaryPatternOptions> {
  const opts = checkOptions(fn, options);
  return {
    points: optionalInteger(fn, 'options.points', opts.points, 8, { min: 1, max: 30 }),
    radius: optionalNumber(fn, 'options.radius', opts.radius, 1, { min: 0, minExclusive: true }),
    method: opts.method === undefined ? 'uniform' : checkOneOf(fn, 'options.method', opts.method, LBP_METHODS),
  };
}

/**
 * Local binary patterns of a gray image, equal to scikit-image's `local_binary_pattern(image, P, R, method)` (0.19)
 * for the methods `'default'`, `'ror'` and `'uniform'`: neighbour i of pixel (r, c) is the bilinear interpolation of
 * the image at (r − R·sin(2πi/P), c + R·cos(2πi/P)) (offsets rounded to 5 decimals, pixels outside the image read
 * as 0), and counts as set when it is ≥ the centre pixel.
 *
 * @param image - gray image, shape [H, W] (any strides, any numeric typed array)
 * @param options - see {@link LocalBinaryPatternOptions}
 * @returns the codes, shape [H, W], Float64Array (as scikit-image returns float64)
 * @throws {ArgumentError} `localBinaryPattern: image …` when `image` is not a non-empty [H, W] ndarray;
 *   `localBinaryPattern: options.…` for a bad option
 * @example
 * const codes = localBinaryPattern(rgbToGray8(image)); // uniform, P = 8, R = 1: codes 0 … 9
 */
export function localBinaryPattern(image: GrayImage, options?: LocalBinaryPatternOptions): NdArray<Float64Array> {
  const fn = 'localBinaryPattern';
  const { points, radius, method } = checkLbpOptions(fn, options);
  const { data, height, width } = grayValues(image, fn, 'image');
  const code = createLbpCoder(data, height, width, points, radius, method);
  const out = new Float64Array(height * width);
  for (let r = 0, k = 0; r < height; r++) for (let c = 0; c < width; c++, k++) out[k] = code(r, c);
  return ndarray(out, [height, width]);
}

/**
 * The density histogram of the uniform LBP codes (P + 2 bins: codes 0 … P + 1) over the pixels of a mask, equal to
 * `np.histogram(local_binary_pattern(image, P, R, 'uniform')[mask], bins=P + 2, range=(0, P + 2), density=True)[0]`:
 * bin k is the fraction of mask pixels of code k. The codes are those of the whole image (neighbours outside the mask
 * count), computed only at the mask pixels. An empty mask gives all zeros (NumPy would give NaN).
 *
 * @param image - gray image, shape [H, W] (any strides, any numeric typed array)
 * @param mask - H·W bytes, row-major; a pixel belongs to the mask when its byte is not 0
 * @param options - see {@link UniformLbpHistogramOptions}
 * @returns Float64Array of length P + 2 summing to 1 (or all 0 for an empty mask)
 * @throws {ArgumentError} `uniformLbpHistogram: …` for a bad image, a mask of the wrong length or a bad option
 * @example
 * const hist = uniformLbpHistogram(rgbToGray8(image), nucleus.data); // 10 bins
 */
export function uniformLbpHistogram(image: GrayImage, mask: Uint8Array, options?: UniformLbpHistogramOptions): Float64Array {
  const fn = 'uniformLbpHistogram';
  const { points, radius } = checkLbpOptions(fn, { ...checkOptions(fn, options), method: 'uniform' });
  const { data, height, width } = grayValues(image, fn, 'image');
  if (!(mask instanceof Uint8Array) || mask.length !== height * width) {
    throw new ArgumentError(fn, 'mask', `a Uint8Array of length H·W = ${height * width}`, mask);
  }
  const code = createLbpCoder(data, height, width, points, radius, 'uniform');
  const hist = new Float64Array(points + 2);
  let n = 0;
  for (let r = 0, k = 0; r < height; r++) {
    for (let c = 0; c < width; c++, k++) {
      if (mask[k] === 0) continue;
      hist[code(r, c)]! += 1;
      n++;
    }
  }
  if (n > 0) for (let b = 0; b < hist.length; b++) hist[b]! /= n;
  return hist;
}
