import { ArgumentError, checkArray, checkOptions, optionalInteger, optionalNumber } from '../core/index.js';
import { createRgbImage, decodeImage, encodePng, toContiguousRgb, type RgbImage } from '../io/image/index.js';
import { segmentNucleus } from '../segmentation/index.js';
import { drawOverlay } from './drawOverlay.js';

/** One cell of the gallery: its image, its weight in the patient's prediction, and its overlay as a small PNG. */
export interface CvGalleryCell {
  /** The image's path (or name), as the cohort gave it. */
  readonly source: string;
  /** Its attention weight (or per-cell probability) in the patient's out-of-fold prediction. */
  readonly weight: number;
  /** Its segmentation overlay (nucleus blue, hull yellow, cytoplasm green), at most `size` px a side, as a `data:image/png;base64,…` URI. */
  readonly png: string;
}

/** One patient of the gallery. */
export interface CvGalleryPatient {
  /** The patient's id. */
  readonly id: string;
  /** True label: 1 malignant, 0 reactive. */
  readonly label: 0 | 1;
  /** Out-of-fold probability of malignancy. */
  readonly probability: number;
  /** Whether `probability ≥ threshold` agrees with the label. */
  readonly correct: boolean;
  /** The patient's images that entered the model. */
  readonly images: number;
  /** The cells of highest weight, highest first. */
  readonly highest: CvGalleryCell[];
  /** The cells of lowest weight (none of `highest`), lowest last. */
  readonly lowest: CvGalleryCell[];
}

/** Segmented cells of the highest and lowest weight of a few patients, correctly and wrongly classified: JSON. */
export interface CvGallery {
  /** What a cell's weight is. */
  readonly measure: 'attention' | 'cell probability';
  /** The repeat whose out-of-fold predictions it shows. */
  readonly repeat: number;
  /** The classification threshold `correct` refers to. */
  readonly threshold: number;
  /** The largest side of each PNG, px. */
  readonly size: number;
  readonly patients: CvGalleryPatient[];
}

/** A patient {@link cellGallery} may show: its truth, its out-of-fold probability and its images with their weights. */
export interface CellGalleryCandidate {
  readonly id: string;
  readonly label: 0 | 1;
  readonly probability: number;
  /** The images that entered the model, each with its weight (attention or per-cell probability). */
  readonly images: readonly { readonly source: string; readonly weight: number }[];
}

/** Options of {@link cellGallery}. */
export interface CellGalleryOptions {
  /** What the weights are. Defaults to `'attention'`. */
  readonly measure?: CvGallery['measure'];
  /** The repeat the candidates come from (recorded). Defaults to `0`. */
  readonly repeat?: number;
  /** Classification threshold in (0, 1). Defaults to `0.5`. */
  readonly threshold?: number;
  /** Patients shown, an integer ≥ 1: up to half wrongly classified (the most confident errors), the rest correct. Defaults to `4`. */
  readonly patients?: number;
  /** Cells of highest and of lowest weight per patient, an integer ≥ 1 (a patient with fewer than twice as many splits its cells). Defaults to `4`. */
  readonly cells?: number;
  /** Largest side of each PNG in px, an integer in [16, 256]. Defaults to `64`. */
  readonly size?: number;
  /** Reads an image. Defaults to `decodeImage` with its defaults. */
  readonly decode?: (source: string) => Promise<RgbImage>;
}

const FN = 'cellGallery';

/** Area-average downscale so that the longer side is at most `size` (an image that fits is returned as is). */
function shrink(image: RgbImage, size: number): RgbImage {
  const src = toContiguousRgb(image, FN);
  const [h, w] = src.shape as [number, number, number];
  const scale = Math.min(1, size / Math.max(w, h));
  if (scale === 1) return src;
  const ow = Math.max(1, Math.round(w * scale));
  const oh = Math.max(1, Math.round(h * scale));
  const out = new Uint8Array(ow * oh * 3);
  for (let oy = 0; oy < oh; oy++) {
    const y0 = Math.floor((oy * h) / oh);
    const y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * h) / oh));
    for (let ox = 0; ox < ow; ox++) {
      const x0 = Math.floor((ox * w) / ow);
      const x1 = Math.max(x0 + 1, Math.floor(((ox + 1) * w) / ow));
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const k = (y * w + x) * 3;
          r += src.data[k]!;
          g += src.data[k + 1]!;
          b += src.data[k + 2]!;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (oy * ow + ox) * 3;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(b / n);
    }
  }
  return createRgbImage(ow, oh, out);
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Up to `n` patients: at most half of them the most confident errors, the rest the most confident correct ones, classes alternating. */
function choose(candidates: readonly CellGalleryCandidate[], n: number, threshold: number): { patient: CellGalleryCandidate; correct: boolean }[] {
  const judged = candidates.map((patient) => ({ patient, correct: patient.probability >= threshold === (patient.label === 1), margin: Math.abs(patient.probability - threshold) }));
  const byMargin = (a: { margin: number }, b: { margin: number }): number => b.margin - a.margin;
  const wrong = judged.filter((j) => !j.correct).sort(byMargin);
  const right = [0, 1].map((label) => judged.filter((j) => j.correct && j.patient.label === label).sort(byMargin));
  const picked = wrong.slice(0, Math.floor(n / 2));
  const correct: typeof judged = [];
  for (let k = 0; correct.length < n - picked.length && k < candidates.length; k++) {
    for (const group of right) if (group[k] !== undefined && correct.length < n - picked.length) correct.push(group[k]!);
  }
  const more = wrong.slice(picked.length, picked.length + n - picked.length - correct.length);
  return [...correct, ...picked, ...more].map(({ patient, correct: c }) => ({ patient, correct: c }));
}

/**
 * A gallery of segmented cells for the report: for a few patients, correctly and wrongly classified out of fold, the
 * cells the model weighed most and least (attention, or the per-cell expert's cell probabilities), each drawn with its
 * segmentation ({@link drawOverlay}: nucleus blue, hull yellow, cytoplasm green), shrunk to at most `size` px and
 * encoded as a PNG data URI, so that the report stays one self-contained file and `lymphomix report` can redraw it
 * from `cv-summary.json` alone. With the defaults it holds at most 4 patients × (4 + 4) cells of 64 px (about 300
 * kB of base64).
 *
 * @param candidates - Out-of-fold patients with their images' weights (the images that entered the model).
 * @param options - See {@link CellGalleryOptions}.
 * @returns The gallery as plain JSON (see {@link CvGallery}); its `patients` is empty when no candidate has an image.
 * @throws {ArgumentError} naming `cellGallery` and the option or candidate that is invalid; rejects when an image
 *   cannot be read.
 * @example
 * ```ts
 * const gallery = await cellGallery([{ id: 'P1', label: 1, probability: 0.9, images: [{ source: 'P1/a.jpg', weight: 0.7 }, { source: 'P1/b.jpg', weight: 0.3 }] }]);
 * ```
 */
export async function cellGallery(candidates: readonly CellGalleryCandidate[], options: CellGalleryOptions = {}): Promise<CvGallery> {
  checkArray(FN, 'candidates', candidates);
  checkOptions(FN, options);
  const threshold = optionalNumber(FN, 'threshold', options.threshold, 0.5, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const patients = optionalInteger(FN, 'patients', options.patients, 4, { min: 1 });
  const cells = optionalInteger(FN, 'cells', options.cells, 4, { min: 1 });
  const size = optionalInteger(FN, 'size', options.size, 64, { min: 16, max: 256 });
  const repeat = optionalInteger(FN, 'repeat', options.repeat, 0, { min: 0 });
  const measure = options.measure ?? 'attention';
  if (measure !== 'attention' && measure !== 'cell probability') throw new ArgumentError(FN, 'measure', "'attention' or 'cell probability'", measure);
  const decode = options.decode ?? ((source: string) => decodeImage(source));
  candidates.forEach((c, i) => {
    if (typeof c?.id !== 'string' || (c.label !== 0 && c.label !== 1) || !Number.isFinite(c.probability) || !Array.isArray(c.images)) {
      throw new ArgumentError(FN, `candidates[${i}]`, '{ id, label 0 or 1, probability, images }', c);
    }
    c.images.forEach((im, k) => {
      if (typeof im?.source !== 'string' || !Number.isFinite(im.weight)) throw new ArgumentError(FN, `candidates[${i}] (patient ${c.id}).images[${k}]`, '{ source, finite weight }', im);
    });
  });
  const draw = async (source: string, weight: number): Promise<CvGalleryCell> => {
    const image = await decode(source);
    const { nucleus, hull, roc } = segmentNucleus(image);
    const png = await encodePng(shrink(drawOverlay(image, { nucleus, hull, roc }), size));
    return { source, weight: Number(weight.toPrecision(6)), png: `data:image/png;base64,${base64(png)}` };
  };
  const shown: CvGalleryPatient[] = [];
  for (const { patient, correct } of choose(candidates.filter((c) => c.images.length > 0), patients, threshold)) {
    const sorted = [...patient.images].sort((a, b) => b.weight - a.weight);
    const top = Math.min(cells, Math.ceil(sorted.length / 2));
    const bottom = Math.min(cells, sorted.length - top);
    const highest: CvGalleryCell[] = [];
    for (const im of sorted.slice(0, top)) highest.push(await draw(im.source, im.weight));
    const lowest: CvGalleryCell[] = [];
    for (const im of sorted.slice(sorted.length - bottom)) lowest.push(await draw(im.source, im.weight));
    shown.push({ id: patient.id, label: patient.label, probability: Number(patient.probability.toPrecision(6)), correct, images: sorted.length, highest, lowest });
  }
  return { measure, repeat, threshold, size, patients: shown };
}
