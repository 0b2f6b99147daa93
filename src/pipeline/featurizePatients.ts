import type { ProgressListener } from '../core/index.js';
import { checkOptions, createProgressReporter } from '../core/index.js';
import type { ImageRef } from '../data/index.js';
import { extractCellFeatures, extractFeaturesBatch, loadCellExtractor, type CellFeatures } from '../features/index.js';
import type { ImageSource, RgbImage } from '../io/index.js';
import { isNode } from '../io/bytes/isNode.js';
import { describeImageSource } from '../io/bytes/index.js';
import {
  backboneFingerprint,
  buildBackbone,
  embedImages,
  embedImagesPool,
  embedPixelBatch,
  type BackboneSpec,
  type EmbedImagesResult,
  type ImageEmbedder,
} from '../models/backbones/index.js';
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
  /** [D] frozen-backbone embedding when the configuration has a backbone, else `null` (also when embedding failed). */
  readonly embedding: Float32Array | null;
}

/** Per patient, per image records, and the backbone's content id when the configuration has a backbone. */
export interface FeaturizedPatients {
  /** Per patient (input order), per image (input order). */
  readonly images: ImageRecord[][];
  /** The frozen backbone's content id (`backboneFingerprint`), `null` without a backbone. */
  readonly backboneId: string | null;
}

/** Options of {@link featurizePatients}. */
export interface FeaturizePatientsOptions {
  /** Content-keyed feature cache folder (Node): every image is computed once, across runs and folds. Defaults to none. */
  readonly cacheDir?: string;
  /** Feature-extraction worker threads (Node). Defaults to the batch's default (all cores). */
  readonly workers?: number;
  /**
   * Progress of the extraction (stage `'features'`) and of the backbone's embedding (stage `'embedding'`). Decoded
   * images report their own events (`detail`: `{ source, failed }`) before the batch of encoded ones. Defaults to none.
   */
  readonly onProgress?: ProgressListener;
  /** Stops the extraction. Defaults to none. */
  readonly signal?: AbortSignal;
}

/** The `detail` of the progress events of decoded images (stages `'features'` and `'embedding'`). */
interface DecodedProgressDetail {
  /** The image just done (`<decoded W×H>`). */
  readonly source: string;
  /** Images that failed so far. */
  readonly failed: number;
}

function countDecoded(patients: readonly PipelinePatient[]): number {
  return patients.reduce((n, p) => n + p.images.filter(isDecoded).length, 0);
}

function nameOf(image: PipelineImage): string {
  return isDecoded(image) ? `<decoded ${image.shape[1]}×${image.shape[0]}>` : describeImageSource(image as ImageSource);
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
): Promise<FeaturizedPatients> {
  checkOptions('featurizePatients', options);
  const records: (ImageRecord | undefined)[][] = patients.map((p) => p.images.map(() => undefined));
  if (!config.features.handmade) {
    // No segmentation: every image is a reference for the backbone, or unused.
    const images = patients.map((p) =>
      p.images.map((image): ImageRecord => ({ source: nameOf(image), status: 'ok', features: null, error: null, cached: false, embedding: null })),
    );
    if (config.backbone === null) return { images, backboneId: null };
    const encoded = patients.flatMap((p, i) => p.images.flatMap((image, j) => (isDecoded(image) ? [] : [{ patient: i, image: j, source: image as ImageSource }])));
    return { images, backboneId: await embedRecords(patients, images, config.backbone, encoded, options) };
  }
  const module = config.features.extractorModule;
  const extract = module === null || !patients.some((p) => p.images.some(isDecoded)) ? extractCellFeatures : (await loadCellExtractor(module)).extractCellFeatures;
  const encoded: { patient: number; image: number; source: ImageSource }[] = [];
  // Decoded images are computed here, in this thread, with the batch's progress events (stage 'features').
  const report = createProgressReporter<DecodedProgressDetail>('features', countDecoded(patients), options.onProgress);
  let done = 0;
  let failed = 0;
  patients.forEach((p, i) =>
    p.images.forEach((image, j) => {
      if (isDecoded(image)) {
        options.signal?.throwIfAborted();
        let cell: CellFeatures;
        const source = nameOf(image);
        try {
          cell = extract(image, { texture: config.features.texture });
          records[i]![j] = { source, status: cell.status, features: cell.features, error: null, cached: false, embedding: null };
        } catch (error) {
          records[i]![j] = { source, status: 'error', features: null, error: error instanceof Error ? error.message : String(error), cached: false, embedding: null };
          failed++;
        }
        report(++done, { source, failed });
      } else encoded.push({ patient: i, image: j, source: image });
    }),
  );
  if (encoded.length > 0) {
    const batch = await extractFeaturesBatch(
      encoded.map((e) => e.source),
      {
        decode: { decoder: config.features.decoder },
        ...(config.features.texture ? { cell: { texture: true } } : {}),
        ...(module === null ? {} : { extractorModule: module }),
        ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
        ...(options.workers === undefined ? {} : { workers: options.workers }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    );
    for (const r of batch.results) {
      const e = encoded[r.index]!;
      records[e.patient]![e.image] = { source: r.source, status: r.status, features: r.features, error: null, cached: r.cached, embedding: null };
    }
    for (const f of batch.failures) {
      const e = encoded[f.index]!;
      records[e.patient]![e.image] = { source: f.source, status: 'error', features: null, error: f.message, cached: false, embedding: null };
    }
  }
  const images = records.map((row) => row.map((r) => r!));
  if (config.backbone === null) return { images, backboneId: null };
  const backboneId = await embedRecords(patients, images, config.backbone, encoded, options);
  return { images, backboneId };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Adds the frozen backbone's embedding to every record (worker pool in Node, in-process otherwise); returns the backbone id. */
async function embedRecords(
  patients: readonly PipelinePatient[],
  images: ImageRecord[][],
  spec: BackboneSpec,
  encoded: readonly { patient: number; image: number; source: ImageSource }[],
  options: FeaturizePatientsOptions,
): Promise<string> {
  const set = (i: number, j: number, embedding: Float32Array | null, error: string | null): void => {
    const r = images[i]![j]!;
    images[i]![j] = { ...r, embedding, ...(error === null || r.error !== null ? {} : { error: `embedding: ${error}` }) };
  };
  const common = {
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const inProcess = options.workers === 0 || !isNode();
  let backbone: ImageEmbedder | null = null;
  try {
    let backboneId: string | null = null;
    if (encoded.length > 0) {
      const sources = encoded.map((e) => e.source);
      let result: EmbedImagesResult;
      if (inProcess) {
        backbone = await buildBackbone(spec);
        result = await embedImages(backbone, sources, common);
      } else result = await embedImagesPool(spec, sources, { ...common, ...(options.workers === undefined ? {} : { workers: options.workers }) });
      backboneId = result.backboneId;
      for (const r of result.results) set(encoded[r.index]!.patient, encoded[r.index]!.image, r.embedding, null);
      for (const f of result.failures) set(encoded[f.index]!.patient, encoded[f.index]!.image, null, f.message);
    }
    const decoded = patients.flatMap((p, i) => p.images.flatMap((image, j) => (isDecoded(image) ? [{ i, j, image }] : [])));
    if (decoded.length > 0) {
      backbone ??= await buildBackbone(spec);
      backboneId ??= await backboneFingerprint(backbone);
      const report = createProgressReporter<DecodedProgressDetail>('embedding', decoded.length, options.onProgress);
      let failed = 0;
      for (const [k, d] of decoded.entries()) {
        options.signal?.throwIfAborted();
        try {
          const [embedding] = await embedPixelBatch(backbone, [d.image]);
          set(d.i, d.j, embedding!, null);
        } catch (error) {
          set(d.i, d.j, null, errorText(error));
          failed++;
        }
        report(k + 1, { source: nameOf(d.image), failed });
      }
    }
    return backboneId ?? (await backboneFingerprint((backbone ??= await buildBackbone(spec))));
  } finally {
    backbone?.dispose();
  }
}
