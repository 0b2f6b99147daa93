import { checkBoolean, checkFunction, checkInteger, checkOptions, checkString, createProgressReporter } from '../../core/index.js';
import type { ProgressListener } from '../../core/index.js';
import { atomicWriteFile } from '../../io/bytes/atomicWriteFile.js';
import { encodePng } from '../../io/image/encodePng.js';
import type { RgbImage } from '../../io/image/rgbImage.js';
import type { ResolvedSynthesizeCohortOptions, SynthesizeCohortOptions } from './synthesizeCohort.js';
import { resolveSynthesizeCohortOptions, synthesizeCohort } from './synthesizeCohort.js';

/**
 * The `detail` of the progress events of {@link writeSyntheticCohort} (stage `'synthetic-cohort'`, one unit per image:
 * `done` images written of `total`).
 */
export interface WriteSyntheticCohortProgress {
  /** The patient of the image just written, e.g. `'P3'`. */
  readonly patient: string;
  /** Patients written completely so far. */
  readonly patientsDone: number;
  /** Patients in the cohort. */
  readonly patients: number;
}

/** Options of {@link writeSyntheticCohort}: the cohort's options plus how to write it. */
export interface WriteSyntheticCohortOptions extends SynthesizeCohortOptions {
  /** JPEG quality of the crops, integer in [1, 100]. Defaults to 90. */
  jpegQuality?: number;
  /**
   * Also write the ground-truth nucleus masks as `<dir>/.masks/<id>/<nnnnnn>.png` (0/255 gray). The folder is hidden
   * (dot-prefixed) because cohort loaders skip hidden folders: a visible `masks/` would be taken for a patient.
   * Defaults to true.
   */
  masks?: boolean;
  /**
   * Called after each image with the library's `ProgressEvent` (stage `'synthetic-cohort'`, `done`/`total` in images,
   * `detail`: {@link WriteSyntheticCohortProgress}); its return value is ignored. Defaults to none.
   */
  onProgress?: ProgressListener<WriteSyntheticCohortProgress>;
}

/** What {@link writeSyntheticCohort} wrote. */
export interface WriteSyntheticCohortResult {
  /** The cohort folder (absolute path). */
  readonly dir: string;
  /** The clinical CSV, `<dir>/trainset_true.csv`. */
  readonly csvPath: string;
  /** The manifest with the generator's resolved options and per-patient ground truth, `<dir>/synthetic-cohort.json`. */
  readonly manifestPath: string;
  /** Number of patients written. */
  readonly patients: number;
  /** Number of images written. */
  readonly images: number;
}

/** The folder of the ground-truth masks inside a written cohort (hidden, so that cohort loaders skip it). */
export const SYNTHETIC_MASKS_FOLDER = '.masks';
const MASKS_FOLDER = SYNTHETIC_MASKS_FOLDER;

/** Version of the on-disk layout and generator, stored in the manifest. */
export const SYNTHETIC_COHORT_FORMAT_VERSION = 1;

/** 'YYYY-MM-DD' → 'M/D/YYYY', the challenge CSV's date format. */
function challengeDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${Number(m)}/${Number(d)}/${y}`;
}

async function encodeJpeg(image: RgbImage, quality: number): Promise<Uint8Array> {
  const { Jimp } = await import('jimp');
  const [h, w] = image.shape as [number, number, number];
  const rgb = image.data;
  const rgba = new Uint8Array(w * h * 4);
  for (let k = 0, i = 0; k < rgb.length; k += 3, i += 4) {
    rgba[i] = rgb[k]!;
    rgba[i + 1] = rgb[k + 1]!;
    rgba[i + 2] = rgb[k + 2]!;
    rgba[i + 3] = 255;
  }
  const jpeg = await Jimp.fromBitmap({ width: w, height: h, data: rgba }).getBuffer('image/jpeg', { quality });
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}

/**
 * Generate a synthetic cohort (see `synthesizeCohort`) and write it to disk in the challenge layout, so that
 * `loadCohort(dir)` and every tool made for the real data read it unchanged (Node only):
 *
 * ```
 * <dir>/trainset_true.csv        ID,LABEL,GENDER,DOB,LYMPH_COUNT  (LABEL 1 malignant / 0 reactive, DOB M/D/YYYY)
 * <dir>/P0/000000.jpg …          224 × 224 RGB crops (JPEG)
 * <dir>/.masks/P0/000000.png …   ground-truth nucleus masks, 0/255 gray PNG (when `masks`; hidden so loaders skip it)
 * <dir>/synthetic-cohort.json    generator options, format version, per-patient ground truth
 * ```
 *
 * Images are rendered and written one at a time (memory stays flat); the CSV and the manifest are written last,
 * each with `atomicWriteFile` (a temporary file renamed into place, removed on failure), so a folder with a CSV is a
 * complete cohort. The same options
 * give byte-identical files.
 *
 * @param dir - the folder to write into (created if missing; existing files of the same names are replaced)
 * @param options - the cohort's options plus JPEG quality, masks and progress; see {@link WriteSyntheticCohortOptions}
 * @returns the paths and counts written
 * @throws ArgumentError naming the function, the option and the value, when an option is out of range
 * @example
 * const { csvPath, images } = await writeSyntheticCohort('data/synthetic', { seed: 1, patientCount: 40 });
 * const cohort = await loadCohort('data/synthetic');
 */
export async function writeSyntheticCohort(dir: string, options: WriteSyntheticCohortOptions = {}): Promise<WriteSyntheticCohortResult> {
  const fn = 'writeSyntheticCohort';
  checkString(fn, 'dir', dir);
  checkOptions(fn, options);
  const quality = options.jpegQuality === undefined ? 90 : checkInteger(fn, 'options.jpegQuality', options.jpegQuality, { min: 1, max: 100 });
  const writeMasks = options.masks === undefined ? true : checkBoolean(fn, 'options.masks', options.masks);
  const onProgress =
    options.onProgress === undefined ? undefined : checkFunction<ProgressListener<WriteSyntheticCohortProgress>>(fn, 'options.onProgress', options.onProgress);
  const { jpegQuality: _q, masks: _m, onProgress: _p, ...cohortOptions } = options;
  const resolved: ResolvedSynthesizeCohortOptions = resolveSynthesizeCohortOptions(cohortOptions, fn);
  const patients = synthesizeCohort(resolved);

  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const root = path.resolve(dir);
  const report = createProgressReporter<WriteSyntheticCohortProgress>(
    'synthetic-cohort',
    patients.reduce((n, p) => n + p.imageCount, 0),
    onProgress,
  );

  let imagesDone = 0;
  const rows = ['ID,LABEL,GENDER,DOB,LYMPH_COUNT'];
  const manifestPatients: unknown[] = [];
  for (const [p, patient] of patients.entries()) {
    const imageDir = path.join(root, patient.id);
    const maskDir = path.join(root, MASKS_FOLDER, patient.id);
    await fs.mkdir(imageDir, { recursive: true });
    if (writeMasks) await fs.mkdir(maskDir, { recursive: true });
    const abnormal: number[] = [];
    for (let i = 0; i < patient.imageCount; i++) {
      const cell = patient.renderImage(i);
      const name = String(i).padStart(6, '0');
      await fs.writeFile(path.join(imageDir, `${name}.jpg`), await encodeJpeg(cell.image, quality));
      if (writeMasks) await fs.writeFile(path.join(maskDir, `${name}.png`), await encodePng(cell.nucleus));
      if (cell.params.abnormal) abnormal.push(i);
      imagesDone++;
      report(imagesDone, { patient: patient.id, patientsDone: i + 1 === patient.imageCount ? p + 1 : p, patients: patients.length });
    }
    rows.push(`${patient.id},${patient.label},${patient.gender},${challengeDate(patient.dateOfBirth)},${patient.lymphCount}`);
    manifestPatients.push({
      id: patient.id,
      label: patient.label,
      gender: patient.gender,
      dateOfBirth: patient.dateOfBirth,
      age: patient.age,
      lymphCount: patient.lymphCount,
      imageCount: patient.imageCount,
      abnormalFraction: patient.abnormalFraction,
      abnormalImages: abnormal,
    });
  }
  const csvPath = path.join(root, 'trainset_true.csv');
  const manifestPath = path.join(root, 'synthetic-cohort.json');
  const manifest = {
    generator: 'lymphomix synthesizeCohort',
    formatVersion: SYNTHETIC_COHORT_FORMAT_VERSION,
    options: { ...resolved, jpegQuality: quality, masks: writeMasks },
    patients: manifestPatients,
  };
  await atomicWriteFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await atomicWriteFile(csvPath, `${rows.join('\n')}\n`);
  return { dir: root, csvPath, manifestPath, patients: patients.length, images: imagesDone };
}
