import { ArgumentError, checkArray, checkBoolean, checkNumber, checkOptions, optionalInteger } from '../../core/index.js';
import { grayValues } from './grayImageInput.js';
import type { GrayImage } from './grayImageInput.js';

/** The four angles of the usual GLCM, in radians: 0, π/4, π/2, 3π/4. */
export const GLCM_DEFAULT_ANGLES: readonly number[] = Object.freeze([0, Math.PI / 4, Math.PI / 2, (3 * Math.PI) / 4]);

/** Options of {@link glcm} (scikit-image `graycomatrix`'s keyword arguments). */
export interface GlcmOptions {
  /** Pixel-pair distances (≥ 0). Defaults to `[1]`. */
  distances?: readonly number[];
  /** Pixel-pair angles in radians. Defaults to {@link GLCM_DEFAULT_ANGLES}. */
  angles?: readonly number[];
  /** Number of gray levels L: every pixel must be an integer in [0, L). Defaults to 256. */
  levels?: number;
  /** Add the transpose, so that (i, j) and (j, i) count alike. Defaults to `false`. */
  symmetric?: boolean;
  /** Divide each matrix by its sum (an all-zero matrix stays zero). Defaults to `false`. */
  normed?: boolean;
}

/** Gray-level co-occurrence matrices, one per (distance, angle). */
export interface Glcm {
  /** Number of gray levels L (each matrix is L×L). */
  readonly levels: number;
  /** The distances, in order. */
  readonly distances: readonly number[];
  /** The angles in radians, in order. */
  readonly angles: readonly number[];
  /**
   * The matrices, shape [D, A, L, L] row-major: P[d][a][i][j] (count, or probability when normed, of gray level `j`
   * at the offset of distance d and angle a from gray level `i`) is at `((d·A + a)·L + i)·L + j`. scikit-image
   * stores the same values as [L, L, D, A].
   */
  readonly data: Float64Array;
}

/** scikit-image's `round` (`_shared/interpolation.pxd`): half away from zero, truncated to an integer. */
function roundHalfAway(x: number): number {
  return Math.trunc(x > 0 ? x + 0.5 : x - 0.5);
}

/**
 * Gray-level co-occurrence matrices, equal to scikit-image's
 * `graycomatrix(image, distances, angles, levels, symmetric, normed)` (0.19):
 * for each distance d and angle θ the offset is (round(sin θ · d), round(cos θ · d)) in (row, column), rounding
 * half away from zero, and P[i, j] counts the pixels (r, c) of gray level i whose neighbour (r + Δr, c + Δc) lies in
 * the image and has gray level j.
 *
 * @param image - gray levels, shape [H, W] (any strides), integers in [0, `levels`)
 * @param options - see {@link GlcmOptions}
 * @returns the matrices, [D, A, L, L] (see {@link Glcm.data})
 * @throws {ArgumentError} `glcm: image …` when `image` is not a non-empty [H, W] ndarray or holds a value that is not an
 *   integer in [0, levels); `glcm: options.…` for a bad option
 * @example
 * const image = ndarray(new Uint8Array([0, 0, 1, 1, 0, 0, 1, 1, 0, 2, 2, 2, 2, 2, 3, 3]), [4, 4]);
 * const p = glcm(image, { levels: 4, angles: [0] }); // p.data[0 * 4 + 1] === 2: (0, 1) pairs to the right
 */
export function glcm(image: GrayImage, options?: GlcmOptions): Glcm {
  const fn = 'glcm';
  const opts = checkOptions(fn, options);
  const levels = optionalInteger(fn, 'options.levels', opts.levels, 256, { min: 1, max: 65536 });
  const distances = checkArray<number>(fn, 'options.distances', opts.distances ?? [1], {
    minLength: 1,
    each: (v, i) => checkNumber(fn, `options.distances[${i}]`, v, { min: 0 }),
  });
  const angles = checkArray<number>(fn, 'options.angles', opts.angles ?? GLCM_DEFAULT_ANGLES, {
    minLength: 1,
    each: (v, i) => checkNumber(fn, `options.angles[${i}]`, v),
  });
  const symmetric = opts.symmetric === undefined ? false : checkBoolean(fn, 'options.symmetric', opts.symmetric);
  const normed = opts.normed === undefined ? false : checkBoolean(fn, 'options.normed', opts.normed);
  const { data: values, height: rows, width: cols } = grayValues(image, fn, 'image');
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!(Number.isInteger(v) && v >= 0 && v < levels)) {
      throw new ArgumentError(fn, `image (flat index ${k})`, `an integer gray level in [0, ${levels}) (options.levels)`, v);
    }
  }
  const nA = angles.length;
  const ll = levels * levels;
  const out = new Float64Array(distances.length * nA * ll);
  for (let d = 0; d < distances.length; d++) {
    for (let a = 0; a < nA; a++) {
      const base = (d * nA + a) * ll;
      const dr = roundHalfAway(Math.sin(angles[a]!) * distances[d]!);
      const dc = roundHalfAway(Math.cos(angles[a]!) * distances[d]!);
      const r0 = Math.max(0, -dr);
      const r1 = Math.min(rows, rows - dr);
      const c0 = Math.max(0, -dc);
      const c1 = Math.min(cols, cols - dc);
      for (let r = r0; r < r1; r++) {
        const row = r * cols;
        const nrow = (r + dr) * cols + dc;
        for (let c = c0; c < c1; c++) out[base + values[row + c]! * levels + values[nrow + c]!]! += 1;
      }
      if (symmetric) {
        for (let i = 0; i < levels; i++) {
          for (let j = i + 1; j < levels; j++) {
            const s = out[base + i * levels + j]! + out[base + j * levels + i]!;
            out[base + i * levels + j] = s;
            out[base + j * levels + i] = s;
          }
          out[base + i * levels + i]! *= 2;
        }
      }
      if (normed) {
        let sum = 0;
        for (let k = 0; k < ll; k++) sum += out[base + k]!;
        if (sum !== 0) for (let k = 0; k < ll; k++) out[base + k]! /= sum;
      }
    }
  }
  return { levels, distances: [...distances], angles: [...angles], data: out };
}
