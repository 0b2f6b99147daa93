import { createRgbImage } from '../../io/rgbImage.js';
import type { RgbImage } from '../../io/rgbImage.js';
// Import the typed-array files directly: the colour index also exports the tfjs tensor versions, which would make
// every feature worker load tfjs.
import { rgbToHsv8 } from '../../segmentation/color/rgbToHsv8.js';
import { rgbToLab8 } from '../../segmentation/color/rgbToLab8.js';
import { rgbToYcrcb8 } from '../../segmentation/color/rgbToYcrcb8.js';
import { segmentNucleus } from '../../segmentation/nucleus/index.js';
import type { NucleusSegmentation, NucleusStatus, SegmentNucleusOptions } from '../../segmentation/nucleus/index.js';
import { COLOR_CHANNEL_NAMES, FEATURE_NAMES } from './featureNames.js';
import type { FeatureName, MeasurementName } from './featureNames.js';

/** Options of {@link extractCellFeatures} (the segmentation options pass through to `segmentNucleus`). */
export interface CellFeatureOptions extends SegmentNucleusOptions {
  /**
   * Value of a colour ratio whose denominator is 0 (a hull of one colour) or whose ROC is empty
   * (a convex nucleus): 1 reads "same as the hull". The reference reports these as null.
   * Defaults to 1.
   */
  undefinedRatio?: number;
}

/** The handmade features of one cell image. */
export interface CellFeatures {
  /** Segmentation outcome; the features exist only for `'ok'`. */
  status: NucleusStatus;
  /** threshold, area, areaConvex, perimeter, perimeterConvex (0 but the threshold without a nucleus). */
  measurements: Record<MeasurementName, number>;
  /** The 51 features (finite numbers, never NaN), or null exactly when `status !== 'ok'`. */
  features: Readonly<Record<FeatureName, number>> | null;
}

/**
 * The 51 handmade features of a white blood cell image (Tavakoli et al. 2021): segment the nucleus
 * ({@link segmentNucleus}), then compute
 * - shape: solidity = area / areaConvex, convexity = perimeterConvex / perimeter (1 when the
 *   perimeter is 0), circularity = perimeter² / (4π·area);
 * - colour: for 12 channels (RGB, HSV, Lab, YCrCb in OpenCV's 8-bit encodings, HSV with H in
 *   [0, 180), Lab with L·255/100 and a, b + 128) of the colour-balanced image, mean and population
 *   standard deviation over nucleus and ROC, each divided by the same statistic over the hull.
 *
 * Colours are converted only inside the hull's bounding box.
 *
 * @param image - [H, W, 3] uint8 RGB, any size ≥ 1×1
 * @param options - see {@link CellFeatureOptions}
 * @returns status, measurements and features (null without a nucleus)
 * @example
 * const { status, features } = extractCellFeatures(image);
 * if (features) console.log(features.solidity, features['lab.a.meanRatioNucleus']);
 */
export function extractCellFeatures(image: RgbImage, options: CellFeatureOptions = {}): CellFeatures {
  const undefinedRatio = options.undefinedRatio ?? 1;
  if (!Number.isFinite(undefinedRatio)) {
    throw new RangeError(`extractCellFeatures: expected a finite undefinedRatio, got ${undefinedRatio}`);
  }
  const { undefinedRatio: _u, ...segOptions } = options;
  return cellFeaturesFromSegmentation(segmentNucleus(image, segOptions), { undefinedRatio });
}

/** Options of {@link cellFeaturesFromSegmentation}. */
export interface CellFeaturesFromSegmentationOptions {
  /** See {@link CellFeatureOptions.undefinedRatio}. Defaults to 1. */
  undefinedRatio?: number;
}

/**
 * The features of {@link extractCellFeatures} from an existing segmentation (to reuse one that
 * was already computed, e.g. for an overlay).
 *
 * @param seg - output of {@link segmentNucleus}
 * @param options - see {@link CellFeaturesFromSegmentationOptions}
 * @returns status, measurements and features
 */
export function cellFeaturesFromSegmentation(
  seg: NucleusSegmentation,
  options: CellFeaturesFromSegmentationOptions = {},
): CellFeatures {
  const undefinedRatio = options.undefinedRatio ?? 1;
  const m = seg.measurements;
  const measurements: Record<MeasurementName, number> = {
    threshold: m.threshold,
    area: m.area,
    areaConvex: m.areaConvex,
    perimeter: m.perimeter,
    perimeterConvex: m.perimeterConvex,
  };
  if (seg.status !== 'ok') return { status: seg.status, measurements, features: null };

  const ratio = (a: number, b: number): number => (b !== 0 ? a / b : undefinedRatio);
  const values = new Float64Array(FEATURE_NAMES.length);
  values[0] = m.area / m.areaConvex;
  values[1] = m.perimeter > 0 ? m.perimeterConvex / m.perimeter : 1;
  values[2] = (m.perimeter * m.perimeter) / (4 * Math.PI * m.area);

  const stats = colorStatistics(seg);
  const nN = m.area;
  const nH = m.areaConvex;
  const nR = nH - nN;
  for (let c = 0; c < COLOR_CHANNEL_NAMES.length; c++) {
    const sN = stats[c * 4]!, qN = stats[c * 4 + 1]!, sH = stats[c * 4 + 2]!, qH = stats[c * 4 + 3]!;
    const sR = sH - sN, qR = qH - qN;
    // population std from exact integer sums: σ = √(n·Σx² − (Σx)²) / n
    const std = (s: number, q: number, n: number): number => Math.sqrt(Math.max(0, n * q - s * s)) / n;
    const meanH = sH / nH;
    const stdH = std(sH, qH, nH);
    const o = 3 + c * 4;
    values[o] = ratio(sN / nN, meanH);
    values[o + 1] = ratio(std(sN, qN, nN), stdH);
    values[o + 2] = nR > 0 ? ratio(sR / nR, meanH) : undefinedRatio;
    values[o + 3] = nR > 0 ? ratio(std(sR, qR, nR), stdH) : undefinedRatio;
  }
  const features = {} as Record<FeatureName, number>;
  FEATURE_NAMES.forEach((name, i) => {
    features[name] = values[i]!;
  });
  return { status: 'ok', measurements, features: Object.freeze(features) };
}

/**
 * Per channel (12, in COLOR_CHANNEL_NAMES order): [Σ nucleus, Σ² nucleus, Σ hull, Σ² hull],
 * over the hull's bounding box only, from per-channel histograms.
 */
function colorStatistics(seg: NucleusSegmentation): Float64Array {
  const [h, w] = seg.hull.shape as [number, number];
  const hd = seg.hull.data;
  const nd = seg.nucleus.data;
  // the hull mask lies inside its polygon's box (the nucleus is inside the hull polygon)
  let x0 = w, x1 = -1, y0 = h, y1 = -1;
  for (const p of seg.hullPolygon) {
    if (p.x < x0) x0 = p.x;
    if (p.x > x1) x1 = p.x;
    if (p.y < y0) y0 = p.y;
    if (p.y > y1) y1 = p.y;
  }
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const src = seg.balanced.data;
  const crop = new Uint8Array(bw * bh * 3);
  for (let y = 0; y < bh; y++) {
    const from = ((y + y0) * w + x0) * 3;
    crop.set(src.subarray(from, from + bw * 3), y * bw * 3);
  }
  const rgb = createRgbImage(bw, bh, crop);
  // class of each box pixel: 0 outside the hull, 1 ROC (hull, not nucleus), 2 nucleus
  const cls = new Uint8Array(bw * bh);
  for (let y = 0, q = 0; y < bh; y++) {
    for (let p = (y + y0) * w + x0, end = p + bw; p < end; p++, q++) {
      cls[q] = hd[p] === 0 ? 0 : nd[p] === 0 ? 1 : 2;
    }
  }
  // One 256-bin histogram per channel and region (ROC, nucleus): an increment per channel and
  // pixel instead of two sums and two products. The sums Σv and Σv² follow from the histograms
  // exactly (integers far below 2^53), so they equal the direct sums bit for bit.
  const hist = new Float64Array(12 * 2 * 256);
  const spaces = [crop, rgbToHsv8(rgb).data, rgbToLab8(rgb).data, rgbToYcrcb8(rgb).data];
  for (let s = 0; s < 4; s++) accumulateHistograms(spaces[s]!, cls, hist, s * 3 * 512);
  const stats = new Float64Array(12 * 4);
  for (let ch = 0; ch < 12; ch++) {
    let sR = 0, qR = 0, sN = 0, qN = 0;
    const oR = ch * 512, oN = oR + 256;
    for (let v = 1; v < 256; v++) {
      const cR = hist[oR + v]!, cN = hist[oN + v]!;
      sR += cR * v;
      qR += cR * v * v;
      sN += cN * v;
      qN += cN * v * v;
    }
    stats[ch * 4] = sN;
    stats[ch * 4 + 1] = qN;
    stats[ch * 4 + 2] = sN + sR;
    stats[ch * 4 + 3] = qN + qR;
  }
  return stats;
}

/**
 * Adds the three channels of the interleaved image `data` to `hist` (layout [channel][region][value],
 * region 0 = ROC, 1 = nucleus, channel c of this image at `offset + c·512`), for pixels of class ≥ 1.
 */
function accumulateHistograms(data: Uint8Array, cls: Uint8Array, hist: Float64Array, offset: number): void {
  for (let q = 0, i = 0; q < cls.length; q++, i += 3) {
    const c = cls[q]!;
    if (c === 0) continue;
    const o = offset + (c - 1) * 256;
    hist[o + data[i]!]!++;
    hist[o + 512 + data[i + 1]!]!++;
    hist[o + 1024 + data[i + 2]!]!++;
  }
}

/**
 * The features as a vector in {@link FEATURE_NAMES} order.
 *
 * @param features - a record of the 51 features
 * @returns Float64Array of length 51
 * @example
 * const x = featuresToVector(extractCellFeatures(image).features!);
 */
export function featuresToVector(features: Readonly<Record<FeatureName, number>>): Float64Array {
  return Float64Array.from(FEATURE_NAMES, (name) => features[name]);
}
