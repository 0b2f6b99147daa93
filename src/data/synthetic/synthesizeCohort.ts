import type { SyntheticCellParams, SyntheticPatientBaseline } from './sampleSyntheticCellParams.js';
import { sampleSyntheticCellParams } from './sampleSyntheticCellParams.js';
import type { RenderSyntheticCellOptions, SyntheticCell } from './renderSyntheticCell.js';
import { renderSyntheticCell, resolveRenderSyntheticCellOptions } from './renderSyntheticCell.js';
import { ArgumentError, checkArray, checkInteger, checkNumber, checkOptions, checkThat, seededRandom } from '../../core/index.js';

/** Options of {@link synthesizeCohort}. Every field is optional; the defaults give a learnable, not trivial task. */
export interface SynthesizeCohortOptions {
  /** Seed of the whole cohort (any finite number). Defaults to 0. */
  seed?: number;
  /** Number of patients, integer in [1, 100000]. Defaults to 100. */
  patientCount?: number;
  /**
   * Fraction of malignant patients in [0, 1]; the count is round(patientCount × fraction), so the balance is exact.
   * Defaults to 0.7 (the challenge's training set has 113 malignant of 163).
   */
  malignantFraction?: number;
  /** Images per patient, drawn uniformly from the integers in [min, max] (1 ≤ min ≤ max ≤ 10000). Defaults to { min: 16, max: 48 }. */
  imagesPerPatient?: { readonly min: number; readonly max: number };
  /**
   * Range [lo, hi] ⊂ [0, 1] of the fraction of abnormal-looking cells per patient, drawn uniformly per patient,
   * for each class. Defaults to { reactive: [0, 0.25], malignant: [0.15, 0.85] } (overlapping: some malignant
   * patients look almost normal, some reactive ones show atypical cells).
   */
  abnormalFraction?: { readonly reactive?: readonly [number, number]; readonly malignant?: readonly [number, number] };
  /** Scales the morphological difference between abnormal and normal cells (≥ 0; 0: images carry no signal). Defaults to 1. */
  morphologyEffect?: number;
  /** Scales the cell-to-cell variability of the morphology (≥ 0). Defaults to 1. */
  cellNoise?: number;
  /**
   * Scales the patient-to-patient variability (≥ 0): each patient gets baseline offsets of nucleus size
   * (sd 1.5 px), outline irregularity (sd 0.01), chromatin contrast (sd 0.05) and stain (sd 0.05) shared by all
   * of its cells, which averaging over a bag cannot remove. Defaults to 1.
   */
  patientNoise?: number;
  /**
   * Scales the class differences of the metadata (≥ 0; 0: both classes share one distribution): malignant patients
   * have a lymphocyte count e^0.6 ≈ 1.8 times higher (log-normal, with a wider spread) and are 10 years older on
   * average, and are male with probability 0.6 instead of 0.5. Defaults to 1.
   */
  metadataEffect?: number;
  /** Scales the spread of the metadata within a class (> 0). Defaults to 1. */
  metadataNoise?: number;
  /**
   * Date at which ages are computed, ISO `YYYY-MM-DD`. Defaults to '2024-01-01', the cohort loader's reference
   * date, so that `age` equals what `loadCohort` computes from the written date of birth.
   */
  referenceDate?: string;
  /** Rendering options of every crop (size, red-cell density, platelets, pixel noise). Defaults to the renderer's. */
  render?: RenderSyntheticCellOptions;
}

/** One synthetic patient: metadata eagerly, images lazily (rendered on demand, never cached). */
export interface SyntheticPatient {
  /** Patient id in the challenge style: 'P0', 'P1', … */
  readonly id: string;
  /** Position in the cohort, 0-based. */
  readonly index: number;
  /** 1: malignant, 0: reactive (the challenge's LABEL). */
  readonly label: 0 | 1;
  /** 'M' or 'F'. */
  readonly gender: 'M' | 'F';
  /** Date of birth, ISO `YYYY-MM-DD` (UTC). */
  readonly dateOfBirth: string;
  /** Age in years (decimal) at the cohort's reference date: (reference − birth) in days / 365.25, as `ageAt`. */
  readonly age: number;
  /** Lymphocyte count, 10^9 cells per litre, rounded to 2 decimals (as written to the CSV). */
  readonly lymphCount: number;
  /** Number of images in the patient's bag. */
  readonly imageCount: number;
  /** Expected fraction of abnormal-looking cells of this patient, in [0, 1]. */
  readonly abnormalFraction: number;
  /** The patient's baseline morphology offsets. */
  readonly baseline: Readonly<Required<SyntheticPatientBaseline>>;
  /** The morphology of image `index` (0 ≤ index < imageCount), without rendering it. */
  cellParams(index: number): SyntheticCellParams;
  /** Render image `index` (0 ≤ index < imageCount) with its ground-truth masks: deterministic, order-independent. */
  renderImage(index: number): SyntheticCell;
  /** Render the images one by one (only one crop is alive at a time unless the caller keeps them). */
  images(): Generator<SyntheticCell, void, undefined>;
}

/** The resolved options of a cohort (every default filled in). */
export type ResolvedSynthesizeCohortOptions = Readonly<{
  seed: number;
  patientCount: number;
  malignantFraction: number;
  imagesPerPatient: { readonly min: number; readonly max: number };
  abnormalFraction: { readonly reactive: readonly [number, number]; readonly malignant: readonly [number, number] };
  morphologyEffect: number;
  cellNoise: number;
  patientNoise: number;
  metadataEffect: number;
  metadataNoise: number;
  referenceDate: string;
  render: RenderSyntheticCellOptions;
}>;

/** A pair [lo, hi] with 0 ≤ lo ≤ hi ≤ 1. */
function fractionRange(fn: string, name: string, v: unknown): readonly [number, number] {
  const pair = checkArray<unknown>(fn, name, v, { minLength: 2 });
  checkThat(pair.length === 2, fn, name, 'a pair [lo, hi] in [0, 1]', v);
  const lo = checkNumber(fn, `${name}[0]`, pair[0], { min: 0, max: 1 });
  const hi = checkNumber(fn, `${name}[1]`, pair[1], { min: 0, max: 1 });
  checkThat(lo <= hi, fn, name, 'a pair [lo, hi] with lo ≤ hi', v);
  return [lo, hi];
}

/** Parse an ISO `YYYY-MM-DD` date to UTC milliseconds, or throw naming the option. */
function parseIsoDate(fn: string, name: string, v: unknown): number {
  const m = typeof v === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) : null;
  if (m === null) throw new ArgumentError(fn, name, "an ISO date 'YYYY-MM-DD'", v);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  const valid = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d;
  checkThat(valid, fn, name, 'a valid calendar date', v);
  return t;
}

/**
 * Fill in and check the options of {@link synthesizeCohort}.
 *
 * @param options - the options as given
 * @param fn - name of the public function the user called, for messages. Defaults to 'synthesizeCohort'.
 * @returns every option resolved to its value
 * @throws {ArgumentError} naming `fn`, the option and the value, when one is out of range
 */
export function resolveSynthesizeCohortOptions(
  options: SynthesizeCohortOptions = {},
  fn = 'synthesizeCohort',
): ResolvedSynthesizeCohortOptions {
  checkOptions(fn, options);
  const seed = checkNumber(fn, 'options.seed', options.seed ?? 0);
  const ipp = options.imagesPerPatient ?? { min: 16, max: 48 };
  checkThat(ipp !== null && typeof ipp === 'object', fn, 'options.imagesPerPatient', '{ min, max }', ipp);
  const min = checkInteger(fn, 'options.imagesPerPatient.min', ipp.min, { min: 1, max: 10000 });
  const max = checkInteger(fn, 'options.imagesPerPatient.max', ipp.max, { min: 1, max: 10000 });
  checkThat(min <= max, fn, 'options.imagesPerPatient', '{ min, max } with min ≤ max', ipp);
  const af = checkOptions(fn, options.abnormalFraction, 'options.abnormalFraction');
  const referenceDate = options.referenceDate ?? '2024-01-01';
  parseIsoDate(fn, 'options.referenceDate', referenceDate);
  // Checked now (not at the first render), so a bad option fails before any work is done.
  const render = options.render ?? {};
  resolveRenderSyntheticCellOptions(render, fn, 'options.render');
  const effect = (name: string, value: number | undefined): number => checkNumber(fn, `options.${name}`, value ?? 1, { min: 0, max: 10 });
  return {
    seed,
    patientCount: checkInteger(fn, 'options.patientCount', options.patientCount ?? 100, { min: 1, max: 100000 }),
    malignantFraction: checkNumber(fn, 'options.malignantFraction', options.malignantFraction ?? 0.7, { min: 0, max: 1 }),
    imagesPerPatient: { min, max },
    abnormalFraction: {
      reactive: fractionRange(fn, 'options.abnormalFraction.reactive', af.reactive ?? [0, 0.25]),
      malignant: fractionRange(fn, 'options.abnormalFraction.malignant', af.malignant ?? [0.15, 0.85]),
    },
    morphologyEffect: effect('morphologyEffect', options.morphologyEffect),
    cellNoise: effect('cellNoise', options.cellNoise),
    patientNoise: effect('patientNoise', options.patientNoise),
    metadataEffect: effect('metadataEffect', options.metadataEffect),
    metadataNoise: checkNumber(fn, 'options.metadataNoise', options.metadataNoise ?? 1, { min: 0, minExclusive: true, max: 10 }),
    referenceDate,
    render: { ...render },
  };
}

const DAY_MS = 86_400_000;
// Sub-stream keys of the cohort's seed (core's deriveSeed through fork): the class order, each patient's metadata
// (key, patient), each image (key, patient, image). Part of the format: changing one changes every cohort.
const LABEL_ORDER_STREAM = 0x1abe1;
const PATIENT_STREAM = 1;
const IMAGE_STREAM = 2;
const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** Age in years between two UTC midnights: days / 365.25 (the cohort loader's `ageAt` convention). */
function yearsBetween(birth: number, at: number): number {
  return (at - birth) / DAY_MS / 365.25;
}

/**
 * Generate a synthetic lymphocytosis cohort: reactive and malignant patients with clinical metadata and a bag of
 * May-Grünwald-Giemsa lymphocyte crops each, with ground-truth nucleus masks. This is lymphomix's embedded
 * default data: the whole pipeline runs on it without any download.
 *
 * The classes differ in two ways, both with realistic overlap and both scaled by options:
 * - **images**: each patient has a fraction of abnormal-looking cells (larger nucleus, higher N/C ratio,
 *   irregular outline, clefts, coarser chromatin; see `sampleSyntheticCellParams`); the rest look normal. The
 *   fraction is drawn per patient from `abnormalFraction` ranges that overlap between the classes, and every
 *   patient has baseline offsets shared by its cells (`patientNoise`);
 * - **metadata**: lymphocyte count (log-normal, median 4.6 × 10^9/L for reactive patients, × e^(0.6·metadataEffect)
 *   for malignant ones, log-sd 0.3 / 0.3 + 0.4·min(metadataEffect, 1)), age (normal, mean 60 / 60 + 10·metadataEffect years, sd 16 / 16 − 4·min(metadataEffect, 1),
 *   clamped to [18, 99]) and gender (P(male) 0.5 / 0.5 + 0.1·metadataEffect).
 *
 * Metadata are drawn eagerly (cheap); pixels lazily: `patient.renderImage(i)` renders image i from its own seeded
 * stream, so a 100-patient cohort never holds its pixels in memory and images can be rendered in any order or in
 * parallel with identical results. Patients are returned in a shuffled class order.
 *
 * @param options - cohort size, class balance, effect sizes and noise; see {@link SynthesizeCohortOptions}
 * @returns `patientCount` {@link SyntheticPatient}s, ids 'P0' … in order
 * @throws RangeError naming `synthesizeCohort`, the option and the value, when an option is out of range
 * @example
 * const patients = synthesizeCohort({ seed: 1, patientCount: 20 });
 * for (const p of patients) {
 *   for (const { image, nucleus } of p.images()) {
 *     // image: [224, 224, 3] uint8; nucleus: [224, 224] uint8 in {0, 1}
 *   }
 * }
 */
export function synthesizeCohort(options: SynthesizeCohortOptions = {}): SyntheticPatient[] {
  const o = resolveSynthesizeCohortOptions(options);
  const refTime = parseIsoDate('synthesizeCohort', 'referenceDate', o.referenceDate);
  const root = seededRandom(o.seed);
  // Exact class balance, shuffled (Fisher–Yates) with the cohort stream.
  const malignantCount = Math.round(o.patientCount * o.malignantFraction);
  const labels: (0 | 1)[] = Array.from({ length: o.patientCount }, (_, i) => (i < malignantCount ? 1 : 0));
  const order = root.fork(LABEL_ORDER_STREAM);
  for (let i = labels.length - 1; i > 0; i--) {
    const j = order.int(0, i + 1);
    const t = labels[i]!;
    labels[i] = labels[j]!;
    labels[j] = t;
  }
  const me = o.metadataEffect;
  const mn = o.metadataNoise;
  const pn = o.patientNoise;
  return labels.map((label, index) => {
    const rng = root.fork(PATIENT_STREAM, index);
    const malignant = label === 1;
    // The class difference of the spreads grows with the effect up to 1 as well (log-sd 0.3 → 0.7, age sd 16 → 12),
    // so that metadataEffect 0 gives both classes the same distributions.
    const spread = Math.min(me, 1);
    const logCount = malignant
      ? rng.normal(Math.log(4.6) + 0.6 * me, (0.3 + 0.4 * spread) * mn)
      : rng.normal(Math.log(4.6), 0.3 * mn);
    const lymphCount = Math.round(clamp(Math.exp(logCount), 0.5, 300) * 100) / 100;
    const ageYears = clamp(malignant ? rng.normal(60 + 10 * me, (16 - 4 * spread) * mn) : rng.normal(60, 16 * mn), 18, 99);
    const birth = Math.round((refTime - ageYears * 365.25 * DAY_MS) / DAY_MS) * DAY_MS;
    const gender: 'M' | 'F' = rng.bernoulli(clamp(0.5 + (malignant ? 0.1 * me : 0), 0, 1)) ? 'M' : 'F';
    const imageCount = rng.int(o.imagesPerPatient.min, o.imagesPerPatient.max + 1);
    const [lo, hi] = malignant ? o.abnormalFraction.malignant : o.abnormalFraction.reactive;
    const abnormalFraction = rng.uniform(lo, hi);
    const baseline = {
      nucleusRadius: rng.normal(0, 1.5 * pn),
      irregularity: rng.normal(0, 0.01 * pn),
      chromatinContrast: rng.normal(0, 0.05 * pn),
      stain: rng.normal(0, 0.05 * pn),
    };
    const sampleOptions = { morphologyEffect: o.morphologyEffect, cellNoise: o.cellNoise, baseline };
    const id = `P${index}`;
    const cellParams = (i: number): SyntheticCellParams => {
      if (!Number.isInteger(i) || i < 0 || i >= imageCount) {
        throw new ArgumentError('SyntheticPatient.renderImage', 'index', `an integer in [0, ${imageCount}) for ${id}`, i);
      }
      const cellRng = root.fork(IMAGE_STREAM, index, i);
      return sampleSyntheticCellParams(cellRng, cellRng.bernoulli(abnormalFraction), sampleOptions);
    };
    const renderImage = (i: number): SyntheticCell => renderSyntheticCell(cellParams(i), o.render);
    return {
      id,
      index,
      label,
      gender,
      dateOfBirth: iso(birth),
      age: yearsBetween(birth, refTime),
      lymphCount,
      imageCount,
      abnormalFraction,
      baseline,
      cellParams,
      renderImage,
      *images() {
        for (let i = 0; i < imageCount; i++) yield renderImage(i);
      },
    };
  });
}
