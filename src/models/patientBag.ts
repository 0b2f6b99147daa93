import { ArgumentError, checkArray, checkOptions, describeValue, optionalInteger } from '../core/index.js';
import * as tf from '@tensorflow/tfjs';
import type { RaggedBatch } from '../mil/index.js';
import { checkFiniteBags } from './checkFiniteBags.js';

/** A row-major matrix of per-image values of one patient: `rows` images × `cols` values. */
export interface InstanceMatrix {
  /** [rows, cols] row-major float32 values, finite. */
  readonly data: Float32Array;
  /** Number of images N ≥ 1. */
  readonly rows: number;
  /** Values per image (D or F) ≥ 1. */
  readonly cols: number;
}

/**
 * One patient as the models see it: clinical data plus per-image matrices. Build them from a cohort with
 * `buildPatientBags`. Metadata convention: the bag holds the raw lymphocyte count; the models use age and
 * log(1 + count) ({@link METADATA_NAMES}). The optional fields accept `undefined`, so a bag can be written as one
 * object literal under `exactOptionalPropertyTypes`.
 */
export interface PatientBag {
  /** Patient id, e.g. 'P12' (for messages). */
  readonly id: string;
  /** 1 = malignant, 0 = reactive; needed for training, not for prediction. */
  readonly label?: 0 | 1 | undefined;
  /** Age in years, finite. */
  readonly age: number;
  /** Lymphocyte count (10⁹ cells/L, raw, not log-transformed), finite and ≥ 0. */
  readonly lymphCount: number;
  /** [N, D] instance embeddings of the patient's images (a frozen backbone, or any per-image vector). */
  readonly images?: InstanceMatrix | undefined;
  /** [M, F] handmade features of the patient's usable images (M may differ from N). */
  readonly handmade?: InstanceMatrix | undefined;
}

/** The metadata columns of {@link MixtureBatch.metadata}, in order. */
export const METADATA_NAMES = ['age', 'logLymphCount'] as const;

/** A batch of patients as tensors, the input of `MixtureOfExperts.call`. */
export interface MixtureBatch {
  /** Number of patients B ≥ 1. */
  readonly size: number;
  /** [B, 2] float32: age, log(1 + lymphCount) (see {@link METADATA_NAMES}), not standardised. */
  readonly metadata: tf.Tensor2D;
  /** Ragged [ΣN, D] instance embeddings + bag ids, or `null` when not requested. */
  readonly images: RaggedBatch | null;
  /** Ragged [ΣM, F] handmade features + bag ids, or `null` when not requested. */
  readonly handmade: RaggedBatch | null;
}

const FN = 'createMixtureBatch';

/** Options of {@link createMixtureBatch}. */
export interface CreateMixtureBatchOptions {
  /** Instance dimension D of the image embeddings to pack; `0` skips them. Defaults to `0`. */
  readonly imageDim?: number;
  /** Number F of handmade features to pack; `0` skips them. Defaults to `0`. */
  readonly handmadeDim?: number;
}

function checkMatrix(m: InstanceMatrix | undefined, cols: number, what: string, id: string): InstanceMatrix {
  if (m === undefined || m === null) throw new ArgumentError(FN, `patient ${id} ${what}`, `present (the model reads ${what})`, m);
  if (!(m.data instanceof Float32Array) || m.cols !== cols || !(m.rows >= 1) || m.data.length !== m.rows * m.cols) {
    throw new ArgumentError(FN, `patient ${id} ${what}`, `[N ≥ 1, ${cols}] with N·${cols} float32 values`, `[${m.rows}, ${m.cols}] with ${describeValue(m.data)}`);
  }
  return m;
}

function packRagged(mats: readonly InstanceMatrix[], cols: number): RaggedBatch {
  const bagSizes = Int32Array.from(mats, (m) => m.rows);
  const total = bagSizes.reduce((a, b) => a + b, 0);
  const data = new Float32Array(total * cols);
  const bagIds = new Int32Array(total);
  let row = 0;
  mats.forEach((m, b) => {
    data.set(m.data, row * cols);
    bagIds.fill(b, row, row + m.rows);
    row += m.rows;
  });
  return { instances: tf.tensor2d(data, [total, cols], 'float32'), bagIds, bagSizes, numBags: mats.length };
}

/**
 * Packs patients into tensors: metadata [B, 2] and ragged bags (no padding, any B).
 *
 * @param bags - B ≥ 1 patients; those packed need `images` [N ≥ 1, D] / `handmade` [M ≥ 1, F].
 * @param options - See {@link CreateMixtureBatchOptions}.
 * @returns A batch whose tensors belong to the caller: free them with {@link disposeMixtureBatch}.
 * @throws {ArgumentError} If there is no patient, a metadata value or a value of a requested matrix is not finite (or
 *   the count is negative), or a requested matrix is missing, empty or of the wrong width; the message names the
 *   patient and the field.
 * @example
 * ```ts
 * const batch = createMixtureBatch(bags.slice(0, 8), { imageDim: 512, handmadeDim: 51 });
 * const out = model.call(batch);
 * disposeMixtureBatch(batch);
 * ```
 */
export function createMixtureBatch(bags: readonly PatientBag[], options: CreateMixtureBatchOptions = {}): MixtureBatch {
  checkOptions(FN, options);
  const imageDim = optionalInteger(FN, 'imageDim', options.imageDim, 0, { min: 0 });
  const handmadeDim = optionalInteger(FN, 'handmadeDim', options.handmadeDim, 0, { min: 0 });
  checkArray(FN, 'bags', bags, { minLength: 1 });
  const metadata = new Float32Array(bags.length * 2);
  bags.forEach((bag, b) => {
    if (typeof bag !== 'object' || bag === null) throw new ArgumentError(FN, `bags[${b}]`, 'a PatientBag', bag);
    if (!Number.isFinite(bag.age) || !Number.isFinite(bag.lymphCount) || bag.lymphCount < 0) {
      throw new ArgumentError(FN, `patient ${bag.id}`, 'a finite age and lymphCount ≥ 0', `${bag.age} and ${bag.lymphCount}`);
    }
    metadata[2 * b] = bag.age;
    metadata[2 * b + 1] = Math.log1p(bag.lymphCount);
  });
  checkFiniteBags(FN, bags, { images: imageDim > 0, handmade: handmadeDim > 0 });
  const images = imageDim > 0 ? bags.map((bag) => checkMatrix(bag.images, imageDim, 'images', bag.id)) : null;
  const handmade = handmadeDim > 0 ? bags.map((bag) => checkMatrix(bag.handmade, handmadeDim, 'handmade features', bag.id)) : null;
  return {
    size: bags.length,
    metadata: tf.tensor2d(metadata, [bags.length, 2], 'float32'),
    images: images === null ? null : packRagged(images, imageDim),
    handmade: handmade === null ? null : packRagged(handmade, handmadeDim),
  };
}

/** Frees the tensors of a {@link MixtureBatch}. */
export function disposeMixtureBatch(batch: MixtureBatch): void {
  batch.metadata.dispose();
  batch.images?.instances.dispose();
  batch.handmade?.instances.dispose();
}
