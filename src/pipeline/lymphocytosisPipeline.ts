import { ensureBackend } from '../backend/index.js';
import { ArgumentError, checkArray, checkInteger, checkOptions, type ProgressListener } from '../core/index.js';
import { buildPatientBags, type PatientBag } from '../models/index.js';
import { crossValidate, type BagPrediction, type CheckpointStore, type CrossValidationResult } from '../training/index.js';
import { getEstimatorKind, type EstimatorContext, type SavableModel } from './estimatorRegistry.js';
import { featurizePatients, type ImageRecord, type PipelinePatient } from './featurizePatients.js';
import { readPipelineManifest, writePipelineManifest, type PipelineManifest } from './pipelineManifest.js';
import { resolvePipelineConfig, type PipelineConfig, type PipelinePresetName, type ResolvedPipelineConfig } from './pipelineConfig.js';

/** Options of the {@link LymphocytosisPipeline} constructor and of {@link LymphocytosisPipeline.load}. */
export interface PipelineOptions {
  /** Content-keyed cache of per-image features (Node folder), shared by every run and fold. Defaults to none (memory only). */
  readonly cacheDir?: string;
  /** Feature-extraction worker threads (Node). Defaults to all cores. */
  readonly workers?: number;
}

/** Options of the long calls of a pipeline. */
export interface PipelineRunOptions {
  /** Progress of every stage (`'features'`, `'training'`, `'cross-validation'`). Defaults to none. */
  readonly onProgress?: ProgressListener;
  /** Stops the call. Defaults to none. */
  readonly signal?: AbortSignal;
}

/** Options of {@link LymphocytosisPipeline.crossValidate}. */
export interface PipelineCrossValidateOptions extends PipelineRunOptions {
  /** Folds K ≥ 2. Defaults to `5`. */
  readonly folds?: number;
  /** Reshuffles of the folds ≥ 1. Defaults to `1`. */
  readonly repeats?: number;
  /** Seed of the folds and of every model. Defaults to `0`. */
  readonly seed?: number;
  /**
   * Makes the run resumable: each finished fold is kept in this store (e.g. `openFolderCheckpointStore(dir)`) and
   * read back by a rerun with the same configuration, patients, features and seed instead of being fitted again (see
   * `crossValidate`'s `checkpoint`; what it did is in `result.checkpoint`). Defaults to none.
   */
  readonly checkpoint?: CheckpointStore;
}

/** Options of {@link LymphocytosisPipeline.fit}. */
export interface PipelineFitOptions extends PipelineRunOptions {
  /** Seed of the model. Defaults to `0`. */
  readonly seed?: number;
}

/** What the pipeline says about one image of a predicted patient. */
export interface ImagePrediction {
  /** The image's name. */
  readonly source: string;
  /** Segmentation status (`'ok'`, `'no-nucleus'`, …) or `'error'`. */
  readonly status: string;
  /** The image's attention weight (or per-cell score) in the patient's prediction, `null` when the model has none or the image was not used. */
  readonly attention: number | null;
  /** What went wrong with the image, if anything. */
  readonly error: string | null;
}

/** The prediction of one patient. */
export interface PatientPrediction {
  /** The patient's id. */
  readonly id: string;
  /** Probability of malignant lymphocytosis, in [0, 1]. */
  readonly probability: number;
  /** 1 (malignant) when `probability ≥ threshold`, else 0 (reactive). */
  readonly label: 0 | 1;
  /** The gate's weight π of the image expert, `null` without a gate. */
  readonly gate: number | null;
  /** Each expert's probability alone (e.g. `image`, `scalar`, `cells`), for the experts the model has. */
  readonly experts: Readonly<Record<string, number>>;
  /** The multitask head's predicted lymphocyte count (10⁹/L), `null` without it. */
  readonly lymphCount: number | null;
  /** Per image, in input order. */
  readonly images: readonly ImagePrediction[];
}

/** The result of {@link LymphocytosisPipeline.crossValidate}: the training layer's result plus what became of each image. */
export interface PipelineCrossValidation {
  /** Per-fold and per-repeat metrics, out-of-fold predictions (see `crossValidate` of the training layer). */
  readonly result: CrossValidationResult;
  /** The patients evaluated (those with at least one usable image), in order. */
  readonly patients: readonly string[];
  /** Per patient (input order), per image. */
  readonly images: readonly (readonly ImageRecord[])[];
}

const FN = 'LymphocytosisPipeline';

/** Whether an image enters the model: a segmented nucleus, and an embedding when the configuration has a backbone. */
function isUsable(r: ImageRecord, withBackbone: boolean): boolean {
  return r.status === 'ok' && (!withBackbone || r.embedding !== null);
}

function patientId(p: PipelinePatient, i: number): string {
  return p.id ?? `patient-${i}`;
}

/**
 * The whole method in one object: per-image features (cached by content), the configured model, cross-validation,
 * training, prediction with everything the model can say (π, each expert, the predicted count, attention per image),
 * and one folder that saves it all.
 *
 * A patient is a cohort `Patient` (`loadCohort`), or images in memory (paths, URLs, Blobs, bytes or decoded
 * `RgbImage`s) with `age` and `lymphCount`: the same call in Node and in a browser.
 *
 * @example
 * ```ts
 * const { patients } = await loadCohort('trainset');
 * const pipeline = new LymphocytosisPipeline('default', { cacheDir: '.cache' });
 * const cv = await pipeline.crossValidate(patients, { folds: 5, repeats: 1 });
 * await pipeline.fit(patients);
 * await pipeline.save('model');
 * const [p] = await (await LymphocytosisPipeline.load('model')).predict([{ images, age: 71, lymphCount: 12.5 }]);
 * ```
 */
export class LymphocytosisPipeline {
  /** The resolved configuration. */
  readonly config: ResolvedPipelineConfig;
  private readonly options: PipelineOptions;
  private model: SavableModel | null = null;
  private manifest: PipelineManifest | null = null;
  private readonly memory = new Map<string, ImageRecord>();
  private backboneId: string | null = null;

  /**
   * @param config - A preset name or a configuration. Defaults to `'default'`.
   * @param options - See {@link PipelineOptions}.
   */
  constructor(config: PipelineConfig | PipelinePresetName = 'default', options: PipelineOptions = {}) {
    checkOptions(FN, options);
    this.config = resolvePipelineConfig(config, FN);
    getEstimatorKind(this.config.model.kind, FN);
    if (options.workers !== undefined) checkInteger(FN, 'options.workers', options.workers, { min: 0 });
    this.options = options;
  }

  private estimatorContext(): EstimatorContext {
    return { featureNames: this.config.features.handmade ? this.config.features.names : [] };
  }

  /** Whether the pipeline holds a trained model (after `fit` or `load`). */
  get fitted(): boolean {
    return this.model !== null;
  }

  /**
   * The per-image features of the patients, each image computed once: from this pipeline's memory, the disk cache,
   * or the extraction.
   *
   * @param patients - The patients.
   * @param options - Progress and abort.
   * @returns Per patient, per image.
   */
  async featurize(patients: readonly PipelinePatient[], options: PipelineRunOptions = {}): Promise<ImageRecord[][]> {
    checkArray(`${FN}.featurize`, 'patients', patients, { minLength: 1 });
    patients.forEach((p, i) => {
      if (typeof p !== 'object' || p === null || !Array.isArray(p.images)) {
        throw new ArgumentError(`${FN}.featurize`, `patients[${i}]`, 'a patient with images, age and lymphCount', p);
      }
    });
    const keyOf = (image: unknown): string | null => (typeof image === 'string' ? image : image instanceof URL ? image.href : null);
    const missing = patients.map((p) => ({ ...p, images: p.images.filter((image) => { const k = keyOf(image); return k === null || !this.memory.has(k); }) }));
    const toCompute = missing.filter((p) => p.images.length > 0);
    const computed =
      toCompute.length === 0
        ? { images: [], backboneId: null }
        : await featurizePatients(
      toCompute,
      this.config,
      {
        ...(this.options.cacheDir === undefined ? {} : { cacheDir: this.options.cacheDir }),
        ...(this.options.workers === undefined ? {} : { workers: this.options.workers }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    );
    if (computed.backboneId !== null) {
      const saved = this.manifest?.backbone?.id;
      if (saved !== undefined && saved !== computed.backboneId) {
        throw new ArgumentError(
          `${FN}.featurize`,
          'config.backbone',
          `the backbone the model was trained with (id ${saved})`,
          `a backbone with id ${computed.backboneId}: its weights or settings differ`,
        );
      }
      this.backboneId = computed.backboneId;
    }
    let next = 0;
    return patients.map((p, i) => {
      const fresh = missing[i]!.images.length > 0 ? computed.images[next++]! : [];
      let k = 0;
      return p.images.map((image) => {
        const key = keyOf(image);
        const cached = key === null ? undefined : this.memory.get(key);
        if (cached !== undefined) return cached;
        const record = fresh[k++]!;
        if (key !== null && record.status !== 'error') this.memory.set(key, record);
        return record;
      });
    });
  }

  /** Bags of the patients with at least one usable image, and the indices of those patients. */
  private bagsOf(patients: readonly PipelinePatient[], records: readonly (readonly ImageRecord[])[], fn: string): { bags: PatientBag[]; kept: number[] } {
    const kept: number[] = [];
    const withBackbone = this.config.backbone !== null;
    const usable = patients.flatMap((p, i) => {
      const ok = records[i]!.filter((r) => isUsable(r, withBackbone));
      if (ok.length === 0) return [];
      kept.push(i);
      return [{ id: patientId(p, i), age: p.age, lymphCount: p.lymphCount, ...(p.label === undefined ? {} : { label: p.label }), images: ok }];
    });
    if (usable.length === 0) throw new ArgumentError(fn, 'patients', 'at least one patient with a usable image (a segmented nucleus)', patients.length);
    let index = 0;
    const features = this.config.features.handmade
      ? usable.flatMap((p) => p.images.map((r) => ({ index: index++, status: r.status, features: r.features })))
      : undefined;
    const embeddings = withBackbone ? usable.flatMap((p) => p.images.map((r) => r.embedding)) : undefined;
    return {
      bags: buildPatientBags(usable, { features, featureNames: this.config.features.names, ...(embeddings === undefined ? {} : { embeddings }) }),
      kept,
    };
  }

  private labelled(patients: readonly PipelinePatient[], fn: string): void {
    patients.forEach((p, i) => {
      if (p.label !== 0 && p.label !== 1) throw new ArgumentError(fn, `the label of patient ${patientId(p, i)}`, '0 or 1 (training needs labels)', p.label);
    });
  }

  /**
   * Stratified K-fold cross-validation of the configured model, repeated over reshuffles. Features are computed
   * once per image and reused by every fold and repeat (and by a later `fit`).
   *
   * @param patients - Labelled patients.
   * @param options - See {@link PipelineCrossValidateOptions}.
   * @returns Metrics per fold and repeat, out-of-fold predictions, and what became of each image.
   */
  async crossValidate(patients: readonly PipelinePatient[], options: PipelineCrossValidateOptions = {}): Promise<PipelineCrossValidation> {
    const fn = `${FN}.crossValidate`;
    checkOptions(fn, options);
    this.labelled(patients, fn);
    const images = await this.featurize(patients, options);
    const { bags, kept } = this.bagsOf(patients, images, fn);
    await ensureBackend();
    const estimator = getEstimatorKind(this.config.model.kind, fn).create(this.config.model.options, this.estimatorContext());
    const result = await crossValidate(estimator, bags, {
      folds: options.folds ?? 5,
      repeats: options.repeats ?? 1,
      seed: options.seed ?? 0,
      threshold: this.config.threshold,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.checkpoint === undefined ? {} : { checkpoint: { store: options.checkpoint, context: { pipeline: this.config } } }),
    });
    return { result, patients: kept.map((i) => patientId(patients[i]!, i)), images };
  }

  /**
   * Trains the configured model on all the patients (replacing any model the pipeline held).
   *
   * @param patients - Labelled patients.
   * @param options - See {@link PipelineFitOptions}.
   * @returns This pipeline.
   */
  async fit(patients: readonly PipelinePatient[], options: PipelineFitOptions = {}): Promise<this> {
    const fn = `${FN}.fit`;
    checkOptions(fn, options);
    this.labelled(patients, fn);
    const images = await this.featurize(patients, options);
    const { bags } = this.bagsOf(patients, images, fn);
    await ensureBackend();
    const estimator = getEstimatorKind(this.config.model.kind, fn).create(this.config.model.options, this.estimatorContext());
    const model = await estimator.fit(bags, {
      seed: options.seed ?? 0,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    this.model?.dispose();
    this.model = model;
    this.manifest = null;
    return this;
  }

  /**
   * Predicts patients. Labels, when present, are never read. A patient with no usable image gets the probability
   * `NaN`, the label of the threshold's side of nothing (`0`) and every image's status, so one bad patient never
   * stops a batch.
   *
   * @param patients - The patients.
   * @param options - Progress and abort.
   * @returns One prediction per patient, in input order.
   * @throws If the pipeline holds no model (call `fit` or `load` first).
   */
  async predict(patients: readonly PipelinePatient[], options: PipelineRunOptions = {}): Promise<PatientPrediction[]> {
    const fn = `${FN}.predict`;
    checkOptions(fn, options);
    if (this.model === null) throw new ArgumentError(fn, 'this', 'a fitted pipeline (call fit or LymphocytosisPipeline.load first)', 'no model');
    const unlabelled = patients.map(({ label: _label, ...rest }) => rest);
    const images = await this.featurize(unlabelled, options);
    const kept: number[] = [];
    patients.forEach((_, i) => {
      if (images[i]!.some((r) => isUsable(r, this.config.backbone !== null))) kept.push(i);
    });
    const prediction: BagPrediction | null =
      kept.length === 0 ? null : await this.model.predict(this.bagsOf(kept.map((i) => unlabelled[i]!), kept.map((i) => images[i]!), fn).bags);
    const slot = new Map(kept.map((patient, b) => [patient, b]));
    return patients.map((p, i) => {
      const b = slot.get(i);
      const records = images[i]!;
      if (b === undefined || prediction === null) {
        return {
          id: patientId(p, i),
          probability: Number.NaN,
          label: 0,
          gate: null,
          experts: {},
          lymphCount: null,
          images: records.map((r) => ({ source: r.source, status: r.status, attention: null, error: r.error ?? 'no usable image for this patient' })),
        };
      }
      const probability = prediction.probability[b]!;
      // The image branch's attention when the model has one, else the handmade branch's weights (or per-cell scores).
      const attention = prediction.attention?.['image']?.[b] ?? prediction.attention?.['handmade']?.[b] ?? null;
      let k = 0;
      const experts: Record<string, number> = {};
      for (const [name, values] of Object.entries(prediction.experts ?? {})) if (values !== null) experts[name] = values[b]!;
      return {
        id: patientId(p, i),
        probability,
        label: probability >= this.config.threshold ? 1 : 0,
        gate: prediction.gate?.[b] ?? null,
        experts,
        lymphCount: prediction.lymphCount?.[b] ?? null,
        images: records.map((r) => ({
          source: r.source,
          status: r.status,
          attention: isUsable(r, this.config.backbone !== null) && attention !== null ? (attention[k++] ?? null) : null,
          error: r.error,
        })),
      };
    });
  }

  /**
   * Saves the pipeline into one folder: a versioned manifest (`lymphomix-pipeline.json`: configuration, feature
   * names, decoder, backbone, library version) and the model's weights in `model/`.
   *
   * @param dir - The folder (Node; created if needed).
   * @throws If the pipeline holds no model.
   */
  async save(dir: string): Promise<void> {
    if (this.model === null) throw new ArgumentError(`${FN}.save`, 'this', 'a fitted pipeline (call fit first)', 'no model');
    const { join } = await import('node:path');
    await this.model.save(join(dir, 'model'));
    await writePipelineManifest(dir, this.config, this.manifest, this.backboneId);
  }

  /**
   * Loads a pipeline saved by {@link LymphocytosisPipeline.save}, refusing a folder whose manifest does not match
   * this library (format version, feature names, model kind) with a message that says what differs.
   *
   * @param dir - The folder (Node path, or a URL of the folder in browsers).
   * @param options - See {@link PipelineOptions}.
   * @returns The pipeline, ready to predict.
   */
  static async load(dir: string, options: PipelineOptions = {}): Promise<LymphocytosisPipeline> {
    const manifest = await readPipelineManifest(dir);
    await ensureBackend();
    const pipeline = new LymphocytosisPipeline(manifest.config, options);
    const modelDir = /^[a-z]+:/i.test(dir) ? new URL('model/', dir.endsWith('/') ? dir : `${dir}/`).href : `${dir.replace(/[\\/]+$/, '')}/model`;
    pipeline.model = await getEstimatorKind(manifest.config.model.kind, 'LymphocytosisPipeline.load').load(modelDir, manifest.config.model.options);
    pipeline.manifest = manifest;
    return pipeline;
  }

  /**
   * Whether an image enters the model: segmented (`status` `'ok'`) and, when the pipeline has a backbone, embedded.
   * Attention and per-cell weights follow these images in order. Works after `dispose()` (it reads only the config).
   *
   * @param record - one image's record, from `featurize` or `crossValidate`'s `images`
   * @example
   * const used = records.filter((r) => pipeline.isUsable(r)); // the images the model weighed, in order
   */
  isUsable(record: ImageRecord): boolean {
    return isUsable(record, this.config.backbone !== null);
  }

  /** The manifest the pipeline was loaded from, `null` for one trained in this process. */
  get loadedManifest(): PipelineManifest | null {
    return this.manifest;
  }

  /** Frees the model. */
  dispose(): void {
    this.model?.dispose();
    this.model = null;
  }
}
