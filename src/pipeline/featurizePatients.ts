import type { ProgressListener } from '../core/index.js';
import { checkOptions } from '../core/index.js';
import type { ImageRef } from '../data/index.js';
import { extractCellFeatures, extractFeaturesBatch, type CellFeatures } from '../features/index.js';
import type { ImageSource, RgbImage } from '../io/index.js';
import type { ResolvedPipelineConfig } from './pipelineConfig.js';

/** An image of a patient to predict: a reference the library decodes (path, URL, Blob, bytes) or decoded pixels. */
export type PipelineImage = ImageRef | Uint8Array | ArrayBuffer | RgbImage;

/** A patient as the pipeline takes it: a cohort `Patient`, or images in memory with age and lymphocyte count. */
export interface PipelinePatient {
  /** An id for reports and messages. Defaults to `patient-<index>`. */
  readonly id?: string;
  /** The patient's cell images, at least one. */
  readonly images: readonly PipelineImage[];
  /** Age in years. */
  readonly age: number;
  /** Lymphocyte count, 10⁹ cells/L (raw, not log). */
  readonly lymphCount: number;
  /** 1 = malignant, 0 = reactive: read by `fit` and `crossValidate` only, never by `predict`. */
  readonly label?: 0 | 1 | undefined;
}

/** What became of one image. */
export interface ImageRecord {
  /** The image's name (path, URL, `<N bytes>`, `<decoded W×H>`). */
  readonly source: string;
  /** Segmentation status (`'ok'`, `'no-nucleus'`, …) or `'error'` when it could not be read or decoded. */
  readonly status: string;
  /** The 51 handmade features, `null` unless `status === 'ok'`. */
  readonly features: Readonly<Record<string, number>> | null;
  /** What went wrong, for `status === 'error'`. */
  readonly error: string | null;
  /** Whether the features came from the on-disk cache (no decoding, no segmentation). */
  readonly cached: boolean;
}

/** Options of {@link featurizePatients}. */
export interface FeaturizePatientsOptions {
  /** Content-keyed feature cache folder (Node): every image is computed once, across runs and folds. Defaults to none. */
  readonly cacheDir?: string;
  /** Feature-extraction worker threads (Node). Defaults to the batch's default (all cores). */
  readonly workers?: number;
  /** Progress of the extraction (stage `'features'`). Defaults to none. */
  readonly onProgress?: ProgressListener;
  /** Stops the extraction. Defaults to none. */
  readonly signal?: AbortSignal;
}

function isDecoded(image: PipelineImage): image is RgbImage {
  const s = (image as { shape?: unknown }).shape;
  return Array.isArray(s) && s.length === 3 && (image as { data?: unknown }).data !== undefined;
}

/**
 * The per-image handmade features of every image of every patient: references and bytes go through
 * `extractFeaturesBatch` (worker threads and the content-keyed cache), decoded images through
 * `extractCellFeatures` in this thread. One unreadable image never stops the run: it is recorded with status
 * `'error'` and its message.
 *
 * @param patients - The patients.
 * @param config - The pipeline's resolved configuration (its `features` part is used).
 * @param options - See {@link FeaturizePatientsOptions}.
 * @returns Per patient, per image, a record in input order.
 */
export async function featurizePatients(
  patients: readonly PipelinePatient[],
  config: ResolvedPipelineConfig,
  options: FeaturizePatientsOptions = {},
): Promise<ImageRecord[][]> {
  checkOptions('featurizePatients', options);
  const records: (ImageRecord | undefined)[][] = patients.map((p) => p.images.map(() => undefined));
  const encoded: { patient: number; image: number; source: ImageSource }[] = [];
  patients.forEach((p, i) =>
    p.images.forEach((image, j) => {
      if (isDecoded(image)) {
        let cell: CellFeatures;
        const source = `<decoded ${image.shape[1]}×${image.shape[0]}>`;
        try {
          cell = extractCellFeatures(image);
        } catch (error) {
          records[i]![j] = { source, status: 'error', features: null, error: error instanceof Error ? error.message : String(error), cached: false };
          return;
        }
        records[i]![j] = { source, status: cell.status, features: cell.features, error: null, cached: false };
      } else encoded.push({ patient: i, image: j, source: image });
    }),
  );
  if (encoded.length > 0) {
    const batch = await extractFeaturesBatch(
      encoded.map((e) => e.source),
      {
        decode: { decoder: config.features.decoder },
        ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
        ...(options.workers === undefined ? {} : { workers: options.workers }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    );
    for (const r of batch.results) {
      const e = encoded[r.index]!;
      records[e.patient]![e.image] = { source: r.source, status: r.status, features: r.features, error: null, cached: r.cached };
    }
    for (const f of batch.failures) {
      const e = encoded[f.index]!;
      records[e.patient]![e.image] = { source: f.source, status: 'error', features: null, error: f.message, cached: false };
    }
  }
  return records.map((row) => row.map((r) => r!));
}
