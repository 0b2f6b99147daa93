import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { createMask, createRgbImage, toContiguousRgb } from '../../io/image/rgbImage.js';
import type { Mask, RgbImage } from '../../io/image/rgbImage.js';
import { blurInto, gaussianKernel256 } from '../filters/gaussianBlur.js';
import { otsuIndexFromHistogram } from '../threshold/otsu.js';
import { labelRuns } from '../morphology/labelRuns.js';
import { fillHolesInto } from '../morphology/fillHoles.js';
import { traceOuterContour } from '../geometry/traceContour.js';
import { perimeter } from '../geometry/perimeter.js';
import { convexHull } from '../geometry/convexHull.js';
import { fillPolygon } from '../geometry/fillPolygon.js';
import type { Point } from '../geometry/point.js';
import { applyLutsInto, colorBalanceLuts, IDENTITY_LUTS } from './colorBalance.js';
import type { ByteLuts } from './colorBalance.js';
import { balancedMapInto } from './nucleusMap.js';
import { checkInteger, checkNumber, checkOneOf, checkOptions, checkThat } from '../../core/index.js';

/**
 * Outcome of {@link segmentNucleus}:
 * - `'ok'`: a nucleus was found; masks and measurements are filled in.
 * - `'no-nucleus'`: no region stands out: the blurred nucleus map has a single level, so Otsu
 *   has no split. This covers blank, white, grey and black images, single-colour images (the grey
 *   balance turns any single colour grey) and one-pixel images. Where that level is 0 this is the
 *   reference's `ok: false`; for a constant non-zero map the OpenCV reference would instead call
 *   the whole image nucleus.
 */
export type NucleusStatus = 'ok' | 'no-nucleus';

/** Which connected components of the thresholded map make up the nucleus. */
export type ComponentPolicy = 'largest' | 'dropSmall';

/** Options of {@link segmentNucleus}. */
export interface SegmentNucleusOptions {
  /**
   * `'largest'` keeps the largest 8-connected component (the reference); `'dropSmall'` keeps every
   * component of at least `dropSmallFraction` × the largest one's area (lobed nuclei that the
   * threshold splits). Defaults to `'largest'`.
   */
  componentPolicy?: ComponentPolicy;
  /** Area fraction of the largest component under which `'dropSmall'` drops a component. Defaults to 0.1. */
  dropSmallFraction?: number;
  /** Odd size of the Gaussian blur applied to the nucleus map (1 = none). Defaults to 5. */
  blurSize?: number;
}

/** Scalar measurements of a segmentation (all 0 except `threshold` when there is no nucleus). */
export interface NucleusMeasurements {
  /** Otsu threshold on the blurred 8-bit nucleus map (foreground is `> threshold`), in [0, 255]. */
  threshold: number;
  /** Nucleus pixel count. */
  area: number;
  /** Pixel count of the hull mask (filled convex hull plus the nucleus). */
  areaConvex: number;
  /** Length of the nucleus outer contour (OpenCV `arcLength`, closed) in pixels. */
  perimeter: number;
  /** Length of the convex hull polygon in pixels. */
  perimeterConvex: number;
}

/** Result of {@link segmentNucleus}. Masks are [H, W] uint8 0/1. */
export interface NucleusSegmentation {
  status: NucleusStatus;
  /** The nucleus (holes filled). */
  nucleus: Mask;
  /** The filled convex hull of the nucleus, united with the nucleus. */
  hull: Mask;
  /** Representative of the cytoplasm: hull minus nucleus. */
  roc: Mask;
  /** Same as `measurements.threshold`. */
  threshold: number;
  /**
   * The colour-balanced image the map and the colour features are computed on, [H, W, 3] uint8.
   * Computed on first read (then kept): the pipeline itself never needs the whole image, only the
   * balanced values of the pixels it visits, which it reads through the balance's lookup tables.
   * The values are those of `colorBalance(image)` for the image as it was when segmented
   * (`segmentNucleus` keeps its own copy of the pixels), whenever it is read.
   */
  balanced: RgbImage;
  /** The nucleus map before blurring, [H, W] uint8. */
  nucleusMap: NdArray<Uint8Array>;
  /** Outer contour of the (largest) nucleus component, point by point; `[]` without a nucleus. */
  contour: Point[];
  /** Vertices of the convex hull; `[]` without a nucleus. */
  hullPolygon: Point[];
  measurements: NucleusMeasurements;
}

/**
 * The blurred map, internal to {@link segmentNucleus}: reused across calls (grown on demand) to
 * spare an allocation per image. Safe: nothing returned refers to it, and JS runs one call at a
 * time per thread (each worker has its own module instance).
 */
let blurScratch = new Uint8Array(0);

/**
 * Segment the nucleus of a white blood cell image (Tavakoli et al. 2021, as in the reference
 * `tavakoli_reference.py`): grey-world colour balance ({@link colorBalance}), nucleus map from
 * CMYK and HLS ({@link nucleusMap}), 5×5 Gaussian blur (OpenCV, reflect-101), Otsu threshold
 * (foreground `> t`), the largest 8-connected component, holes filled (4-connected background);
 * then the convex hull of its outer contour (filled as OpenCV's `fillPoly`, plus the nucleus) and
 * the ROC = hull − nucleus.
 *
 * Never throws on a valid image of any size ≥ 1×1: images without contrast (blank, single-colour,
 * one-pixel) give `'no-nucleus'` with empty masks and zero measurements (see {@link NucleusStatus}).
 * With `componentPolicy: 'dropSmall'` the contour and perimeter are those of the largest
 * component while area and hull cover all kept components.
 *
 * @param image - [H, W, 3] uint8 RGB (any strides)
 * @param options - see {@link SegmentNucleusOptions}
 * @returns masks, measurements and status
 * @throws TypeError naming `segmentNucleus` when `image` is not an RGB image; RangeError for bad options
 * @example
 * const seg = segmentNucleus(await decodeImage('cell.jpg'));
 * if (seg.status === 'ok') console.log(seg.measurements.area);
 */
export function segmentNucleus(image: RgbImage, options: SegmentNucleusOptions = {}): NucleusSegmentation {
  return segmentNucleusWith(image, options, true);
}

/**
 * {@link segmentNucleus} with a choice: `copyPixels` false skips the private copy of the pixels
 * behind `balanced`, for a caller that reads everything it needs from the segmentation before it
 * (or anyone) can modify `image` and lets the segmentation go (as `extractCellFeatures` does): it
 * spares a copy of the whole image per call.
 * @internal
 */
export function segmentNucleusWith(
  image: RgbImage,
  options: SegmentNucleusOptions,
  copyPixels: boolean,
  fn = 'segmentNucleus',
): NucleusSegmentation {
  checkOptions(fn, options);
  const policy = checkOneOf(fn, 'options.componentPolicy', options.componentPolicy ?? 'largest', ['largest', 'dropSmall'] as const);
  const fraction = checkNumber(fn, 'options.dropSmallFraction', options.dropSmallFraction ?? 0.1, { min: 0, max: 1 });
  const blurSize = checkInteger(fn, 'options.blurSize', options.blurSize ?? 5, { min: 1 });
  checkThat(blurSize % 2 === 1, fn, 'options.blurSize', 'an odd integer ≥ 1', blurSize);
  const img = toContiguousRgb(image, fn);
  const [h, w] = img.shape as [number, number, number];
  const n = h * w;

  // a private copy of the pixels behind the lazy `balanced` (a caller may reuse its image buffer),
  // unless the caller said it needs none (copyPixels false)
  const raw = copyPixels && img.data.buffer === image.data.buffer ? new Uint8Array(img.data) : img.data;
  const source: BalancedSource = { raw, luts: colorBalanceLuts(raw) };
  const map = new Uint8Array(n);
  // Row ranges (first and last possibly non-zero column per row) let the blur and the labelling
  // skip the all-zero parts of the map and of the blurred map, exactly (see blurInto).
  const mapRows = new Int32Array(2 * h);
  const blurredRows = new Int32Array(2 * h);
  balancedMapInto(raw, source.luts, map, w, mapRows);
  if (blurScratch.length < n) blurScratch = new Uint8Array(n);
  const blurred = blurScratch.subarray(0, n);
  const hist = new Float64Array(256);
  blurInto(map, blurred, w, h, gaussianKernel256(blurSize, 0), { hist, srcRows: mapRows, dstRows: blurredRows });

  const result = (status: NucleusStatus, threshold: number): NucleusSegmentation =>
    withLazyBalanced(
      {
        status,
        nucleus: createMask(w, h),
        hull: createMask(w, h),
        roc: createMask(w, h),
        threshold,
        nucleusMap: ndarray(map, [h, w]),
        contour: [],
        hullPolygon: [],
        measurements: { threshold, area: 0, areaConvex: 0, perimeter: 0, perimeterConvex: 0 },
      },
      source,
    );

  let levels = 0;
  for (let v = 0; v < 256; v++) if (hist[v]! > 0) levels++;
  const t = otsuIndexFromHistogram(hist);
  if (levels < 2) return result('no-nucleus', t);

  const runs = labelRuns(blurred, w, h, 8, t, blurredRows);
  const { count: nComp, areas, boxes } = runs;
  if (nComp === 0) return result('no-nucleus', t); // guard: with ≥ 2 levels Otsu keeps the top one
  let best = 1;
  for (let i = 2; i <= nComp; i++) if (areas[i]! > areas[best]!) best = i;
  const keepAll = policy === 'dropSmall' && nComp > 1;
  const bound = keepAll ? fraction * areas[best]! : Infinity;
  // bounding box of the largest component, and of everything kept
  const bx0 = boxes[4 * best]!, by0 = boxes[4 * best + 1]!, bx1 = boxes[4 * best + 2]!, by1 = boxes[4 * best + 3]!;
  let kx0 = bx0, ky0 = by0, kx1 = bx1, ky1 = by1;
  for (let l = 1; keepAll && l <= nComp; l++) {
    if (areas[l]! < bound) continue;
    kx0 = Math.min(kx0, boxes[4 * l]!);
    ky0 = Math.min(ky0, boxes[4 * l + 1]!);
    kx1 = Math.max(kx1, boxes[4 * l + 2]!);
    ky1 = Math.max(ky1, boxes[4 * l + 3]!);
  }
  // The largest component in a zero-bordered window around its box: hole filling there equals
  // hole filling in the whole image (all pixels outside the box are background joined to the
  // border), and the zero ring is what the contour tracing needs.
  const pw = bx1 - bx0 + 3;
  const ph = by1 - by0 + 3;
  const win = new Uint8Array(pw * ph);
  for (let i = 0; i < runs.runs; i++) {
    if (runs.label[i] !== best) continue;
    const wrow = (runs.y[i]! - by0 + 1) * pw + 1 - bx0;
    win.fill(1, wrow + runs.x0[i]!, wrow + runs.x1[i]! + 1);
  }
  // without holes (the labelling counts them: see ComponentRuns.holes) the window is already filled
  let filled = win;
  let area = areas[best]!;
  if (runs.holes[best] !== 0) {
    filled = new Uint8Array(pw * ph);
    area = fillHolesInto(win, filled, pw, ph, false);
  }
  let first = pw + 1;
  while (filled[first] === 0) first++;
  const contour = traceOuterContour(filled, pw, first % pw, (first / pw) | 0, bx0 - 1, by0 - 1);

  const nucleus = createMask(w, h);
  const nd = nucleus.data;
  if (keepAll) {
    const kept = new Uint8Array(n);
    for (let i = 0; i < runs.runs; i++) {
      if (areas[runs.label[i]!]! < bound) continue;
      const row = runs.y[i]! * w;
      kept.fill(1, row + runs.x0[i]!, row + runs.x1[i]! + 1);
    }
    area = fillHolesInto(kept, nd, w, h, false);
  } else {
    for (let y = by0; y <= by1; y++) {
      const wrow = (y - by0 + 1) * pw + 1;
      nd.set(filled.subarray(wrow, wrow + bx1 - bx0 + 1), y * w + bx0);
    }
  }

  // hull of all nucleus pixels = hull of the row extremes (each row scanned from both ends up to
  // its first and last nucleus pixel; the area came from the labelling or the hole filling)
  const extremes: Point[] = [];
  for (let y = ky0; y <= ky1; y++) {
    const row = y * w;
    let firstX = kx0;
    while (firstX <= kx1 && nd[row + firstX] === 0) firstX++;
    if (firstX > kx1) continue;
    let lastX = kx1;
    while (nd[row + lastX] === 0) lastX--;
    extremes.push({ x: firstX, y });
    if (lastX !== firstX) extremes.push({ x: lastX, y });
  }
  const hullPolygon = convexHull(extremes);
  const hull = fillPolygon(hullPolygon, w, h);
  const hd = hull.data;
  const roc = createMask(w, h);
  const rd = roc.data;
  // hull |= nucleus, roc = hull − nucleus (all 0/1), per row between the first and the last pixel
  // of either mask (the box's corners, outside the convex hull, are skipped)
  let areaConvex = 0;
  for (let y = ky0; y <= ky1; y++) {
    let i = y * w + kx0;
    let end = y * w + kx1;
    while (i <= end && (hd[i]! | nd[i]!) === 0) i++;
    while (end > i && (hd[end]! | nd[end]!) === 0) end--;
    for (; i <= end; i++) {
      const nv = nd[i]!;
      const hv = hd[i]! | nv;
      hd[i] = hv;
      rd[i] = hv & (nv ^ 1);
      areaConvex += hv;
    }
  }
  return withLazyBalanced(
    {
      status: 'ok',
      nucleus,
      hull,
      roc,
      threshold: t,
      nucleusMap: ndarray(map, [h, w]),
      contour,
      hullPolygon,
      measurements: {
        threshold: t,
        area,
        areaConvex,
        perimeter: perimeter(contour),
        perimeterConvex: perimeter(hullPolygon),
      },
    },
    source,
  );
}

/**
 * What a segmentation's balanced image is made of: balanced pixel p is
 * (`luts[0][raw[3p]]`, `luts[1][raw[3p + 1]]`, `luts[2][raw[3p + 2]]`), [H, W, 3] interleaved.
 * @internal
 */
export interface BalancedSource {
  /** Interleaved RGB, H·W·3 bytes, owned by the segmentation (never modified). */
  raw: Uint8Array;
  /** Per-channel tables from raw to balanced values. */
  luts: ByteLuts;
}

/** The sources of the segmentations made here whose `balanced` was not replaced. */
const sources = new WeakMap<NucleusSegmentation, BalancedSource>();

/**
 * The pixels behind `seg.balanced`, to read a few balanced pixels without materialising the
 * image: for a segmentation from {@link segmentNucleus} its raw copy and balance tables; for any
 * other object (built by hand, spread, or with `balanced` assigned) `seg.balanced` itself with
 * identity tables.
 * @internal
 */
export function balancedSource(seg: NucleusSegmentation, fn: string): BalancedSource {
  return sources.get(seg) ?? { raw: toContiguousRgb(seg.balanced, fn).data, luts: IDENTITY_LUTS };
}

/**
 * The result object: `fields` plus `balanced` as a caching accessor over `source` (keys in the
 * interface's order, as a plain object literal would have them).
 */
function withLazyBalanced(fields: Omit<NucleusSegmentation, 'balanced'>, source: BalancedSource): NucleusSegmentation {
  const [h, w] = fields.nucleus.shape as [number, number];
  let balanced: RgbImage | undefined;
  const seg: NucleusSegmentation = {
    status: fields.status,
    nucleus: fields.nucleus,
    hull: fields.hull,
    roc: fields.roc,
    threshold: fields.threshold,
    get balanced(): RgbImage {
      if (balanced === undefined) {
        balanced = createRgbImage(w, h);
        applyLutsInto(source.raw, source.luts, balanced.data);
      }
      return balanced;
    },
    set balanced(value: RgbImage) {
      balanced = value;
      sources.delete(seg);
    },
    nucleusMap: fields.nucleusMap,
    contour: fields.contour,
    hullPolygon: fields.hullPolygon,
    measurements: fields.measurements,
  };
  sources.set(seg, source);
  return seg;
}
