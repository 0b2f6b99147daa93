import { ArgumentError, checkArray, checkNumber, checkOneOf, checkString } from '../core/index.js';
import { FEATURE_NAMES, TEXTURE_FEATURE_NAMES } from '../features/index.js';
import type { BackboneSpec } from '../models/backbones/index.js';

/** Version of {@link PipelineConfig}; a saved pipeline records it and loading refuses a newer one. */
export const PIPELINE_CONFIG_VERSION = 1;

/** The decoders a pipeline may name (an `ImageDecoder` object is not serialisable). */
export const PIPELINE_DECODERS = ['auto', 'sharp', 'jimp'] as const;

/** Which per-image features a pipeline computes. */
export interface PipelineFeaturesConfig {
  /**
   * The 51 handmade nucleus features (Tavakoli et al. 2021); `false`: no image is segmented (the model then sees the
   * backbone's embeddings, or only age and count). Defaults to `true`.
   */
  readonly handmade?: boolean;
  /** The image decoder: `'auto'` is sharp in Node when installed (the reference's pixels), the canvas in browsers. Defaults to `'auto'`. */
  readonly decoder?: (typeof PIPELINE_DECODERS)[number];
  /**
   * Also the 17 texture descriptors of each nucleus (area in pixels, GLCM, uniform LBP; `TEXTURE_FEATURE_NAMES`),
   * after the 51 handmade features. Defaults to `false`.
   */
  readonly texture?: boolean;
  /**
   * Your own per-image steps: the path or URL of an ES module exporting `extractCellFeatures(image)` (and/or
   * `decodeImageBytes`), as `extractFeaturesBatch`'s `extractorModule`; `null` for the library's. Defaults to `null`.
   */
  readonly extractorModule?: string | null;
  /**
   * The per-image feature names the model takes, in column order (an extractor module may compute others). Defaults
   * to the library's 51 `FEATURE_NAMES`, followed by `TEXTURE_FEATURE_NAMES` with `texture`.
   */
  readonly names?: readonly string[];
}

/**
 * The model a pipeline trains: an estimator kind registered with `registerEstimator` and its options (plain JSON).
 * Built-in kinds: `'mixture-of-experts'` (options: `{ mixture, fit, modelsPerFold, validationFraction }`) and
 * `'logistic-regression'` (options of `logisticRegressionEstimator`).
 */
export interface PipelineModelConfig {
  /** The registered estimator kind. */
  readonly kind: string;
  /** The estimator's options, JSON only (they are saved in the manifest). Defaults to `{}`. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * One typed, serialisable description of a whole pipeline: which per-image features, which frozen backbone (or
 * none), which model, and the decision threshold. Saved in every model folder's manifest.
 */
export interface PipelineConfig {
  /**
   * The per-image features. Defaults to the default preset's `{ handmade: true, texture: true, decoder: 'auto' }`;
   * given, each field left out defaults to `handmade: true`, `texture: false`, `decoder: 'auto'`.
   */
  readonly features?: PipelineFeaturesConfig;
  /** A frozen image backbone whose embeddings feed the image expert, or `null` for none. Defaults to `null`. */
  readonly backbone?: BackboneSpec | null;
  /** The model. Defaults to the `'default'` preset's model. */
  readonly model?: PipelineModelConfig;
  /** Probability threshold of the malignant label, in (0, 1). Defaults to `0.5`. */
  readonly threshold?: number;
}

/** A {@link PipelineConfig} with every default filled in. */
export interface ResolvedPipelineConfig {
  readonly version: number;
  readonly features: {
    readonly handmade: boolean;
    readonly texture: boolean;
    readonly decoder: (typeof PIPELINE_DECODERS)[number];
    readonly extractorModule: string | null;
    readonly names: readonly string[];
  };
  readonly backbone: BackboneSpec | null;
  readonly model: Required<PipelineModelConfig>;
  readonly threshold: number;
}

/**
 * The per-cell expert (boosted trees on each cell's 51 handmade features and 17 texture descriptors, cross-fitted,
 * scores pooled by their mean and stacked with age and log count): the best configuration of the accuracy study on
 * a CPU, confirmed on reshuffles not used to choose it (docs/results.md).
 */
const DEFAULT_MODEL: Required<PipelineModelConfig> = {
  kind: 'cell-scores',
  options: { learners: [{ kind: 'gbdt' }], pooling: 'mean' },
};

/** The linear scalar expert on per-patient means of the handmade features plus age and log count (docs/real-data-study.md). */
const MEAN_FEATURES_MIXTURE: Required<PipelineModelConfig> = {
  kind: 'mixture-of-experts',
  options: {
    mixture: { experts: ['scalar'], handmadeUnits: 0, scalarUnits: 0 },
    fit: { epochs: 100, batchSize: 8, learningRate: 0.01, weightDecay: 0, l2: 1 / 96 },
    modelsPerFold: 1,
    validationFraction: 0,
  },
};

/**
 * Named configurations:
 * - `'default'`: the best configuration measured on a CPU so far: the per-cell expert on 68 descriptors per cell
 *   (docs/results.md);
 * - `'mean-features'`: the mixture's linear scalar expert on the per-patient means of the 51 handmade features, age
 *   and count (docs/real-data-study.md);
 * - `'challenge-report'`: the report's design: a frozen ConvNeXt backbone (random weights unless the spec is given
 *   weights), the image expert with the multitask head and an intermediate layer, the handmade branch, the sigmoid
 *   gate and mean aggregation;
 * - `'metadata-only'`: a logistic regression on age and log lymphocyte count (the reference point the images must beat).
 */
export const PIPELINE_PRESETS = {
  default: { features: { handmade: true, texture: true, decoder: 'auto' }, backbone: null, model: DEFAULT_MODEL, threshold: 0.5 },
  'mean-features': { features: { handmade: true, texture: false, decoder: 'auto' }, backbone: null, model: MEAN_FEATURES_MIXTURE, threshold: 0.5 },
  'challenge-report': {
    features: { handmade: true, texture: false, decoder: 'auto' },
    backbone: { name: 'convnext_tiny' },
    model: {
      kind: 'mixture-of-experts',
      options: {
        mixture: {
          experts: ['image', 'scalar'],
          combination: 'sigmoid',
          imageDim: 768,
          imageAggregator: 'mean',
          handmadeAggregator: 'mean',
          imageHiddenUnits: 64,
          multitask: true,
        },
        fit: { epochs: 100, batchSize: 8, learningRate: 1e-3, patience: 10, plateau: { factor: 0.1, patience: 5 } },
        modelsPerFold: 1,
        validationFraction: 0.2,
      },
    },
    threshold: 0.5,
  },
  'metadata-only': {
    features: { handmade: false, texture: false, decoder: 'auto' },
    backbone: null,
    model: { kind: 'logistic-regression', options: { inputs: ['metadata'] } },
    threshold: 0.5,
  },
} as const satisfies Record<string, PipelineConfig>;

/** A preset's name. */
export type PipelinePresetName = keyof typeof PIPELINE_PRESETS;

/** The preset names, for CLIs and messages. */
export const PIPELINE_PRESET_NAMES = Object.keys(PIPELINE_PRESETS) as PipelinePresetName[];

/**
 * The feature columns the library's own extractor gives: the 51 handmade features, then the texture descriptors.
 * @param texture - Whether the texture descriptors are computed.
 * @returns The names, in column order.
 */
export function builtinFeatureNames(texture: boolean): string[] {
  return texture ? [...FEATURE_NAMES, ...TEXTURE_FEATURE_NAMES] : [...FEATURE_NAMES];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fails unless `value` survives JSON unchanged in kind (no functions, no typed arrays, no undefined). */
function checkJson(fn: string, name: string, value: unknown): void {
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new ArgumentError(fn, path, 'a finite number (the configuration is saved as JSON)', v);
      return;
    }
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`));
    if (isPlainObject(v) && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, x] of Object.entries(v)) if (x !== undefined) walk(x, `${path}.${k}`);
      return;
    }
    throw new ArgumentError(fn, path, 'plain JSON (the configuration is saved in the manifest)', v);
  };
  walk(value, name);
}

/**
 * Fills in the defaults of a configuration (or a preset's name) and checks it.
 *
 * @param config - A preset name or a configuration; fields left out take the `'default'` preset's values.
 * @param fn - The public function to name in errors. Defaults to `'resolvePipelineConfig'`.
 * @returns The complete configuration.
 * @throws ArgumentError naming the field when a value is out of range or not JSON.
 * @example
 * ```ts
 * resolvePipelineConfig('challenge-report').backbone; // { name: 'convnext_tiny' }
 * ```
 */
export function resolvePipelineConfig(config: PipelineConfig | PipelinePresetName = 'default', fn = 'resolvePipelineConfig'): ResolvedPipelineConfig {
  let cfg: PipelineConfig;
  if (typeof config === 'string') {
    checkOneOf(fn, 'config', config, PIPELINE_PRESET_NAMES);
    cfg = PIPELINE_PRESETS[config];
  } else cfg = config;
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg)) throw new ArgumentError(fn, 'config', `a configuration object or one of ${PIPELINE_PRESET_NAMES.join(', ')}`, config);
  const base = PIPELINE_PRESETS.default;
  // Left out, the features are the default preset's; given, they are what they say (texture off unless asked).
  const given: PipelineFeaturesConfig = cfg.features ?? base.features;
  const texture = given.texture ?? false;
  if (typeof texture !== 'boolean') throw new ArgumentError(fn, 'config.features.texture', 'a boolean', texture);
  const features = { handmade: true, decoder: 'auto' as const, extractorModule: null, names: builtinFeatureNames(texture), ...given, texture };
  if (typeof features.handmade !== 'boolean') throw new ArgumentError(fn, 'config.features.handmade', 'a boolean', features.handmade);
  checkOneOf(fn, 'config.features.decoder', features.decoder, PIPELINE_DECODERS);
  if (features.extractorModule !== null) checkString(fn, 'config.features.extractorModule', features.extractorModule);
  checkArray(fn, 'config.features.names', features.names, {
    minLength: 1,
    each: (name, i) => checkString(fn, `config.features.names[${i}]`, name),
  });
  const model = cfg.model === undefined ? base.model : { options: {}, ...cfg.model };
  checkString(fn, 'config.model.kind', model.kind);
  checkJson(fn, 'config.model.options', model.options);
  const backbone = cfg.backbone === undefined ? null : cfg.backbone;
  if (backbone !== null) checkJson(fn, 'config.backbone', backbone);
  const threshold = cfg.threshold ?? base.threshold;
  checkNumber(fn, 'config.threshold', threshold, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  return { version: PIPELINE_CONFIG_VERSION, features: { ...features, names: [...features.names] }, backbone, model: { kind: model.kind, options: model.options ?? {} }, threshold };
}
