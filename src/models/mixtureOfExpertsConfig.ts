import { ArgumentError, checkArray, checkBoolean, checkInteger, checkNumber, checkOneOf, checkOptions } from '../core/index.js';
import { AGGREGATOR_NAMES, BAG_POOLING_METHODS, type AggregatorName, type BagPoolingMethod } from '../mil/index.js';

/** The experts a {@link MixtureOfExpertsConfig} can hold. */
export const EXPERT_NAMES = ['image', 'scalar'] as const;
/** An expert: `'image'` (aggregated instance embeddings → linear) or `'scalar'` (handmade + metadata → MLP). */
export type ExpertName = (typeof EXPERT_NAMES)[number];

/** The control features the gate can use. */
export const GATE_INPUT_NAMES = ['age', 'lymphCount', 'image', 'handmade'] as const;
/** A gate input: standardised age, standardised log lymphocyte count, or a learnt scalar projection of an embedding. */
export type GateInputName = (typeof GATE_INPUT_NAMES)[number];

/**
 * How two experts are combined: `'sigmoid'` gate (the report), `'softmax'` gate over the experts (parent paper),
 * or `'concat'`, the concatenation baseline (one MLP on [image embedding, handmade embedding, metadata], no gate).
 */
export type Combination = 'sigmoid' | 'softmax' | 'concat';

/** Configuration of a {@link MixtureOfExperts}; serialised with the model. */
export interface MixtureOfExpertsConfig {
  /** Which experts exist; one expert alone is that expert's model. Defaults to `['image', 'scalar']`. */
  readonly experts?: readonly ExpertName[];
  /** Combination of two experts (ignored with one). Defaults to `'sigmoid'`. */
  readonly combination?: Combination;
  /**
   * Gate control features. Defaults to every one available: `age`, `lymphCount`, then `image` when the model has
   * image embeddings and `handmade` when it has handmade features.
   */
  readonly gateInputs?: readonly GateInputName[];
  /** Instance-embedding dimension D (0: no image branch). Defaults to `0`; required > 0 for the image expert. */
  readonly imageDim?: number;
  /** Number F of handmade features per image (0: the scalar expert sees metadata only). Defaults to `0`. */
  readonly handmadeDim?: number;
  /**
   * Aggregator of the image branch (see `createAggregator`); `'instanceScore'` scores each image with a trainable
   * linear layer and pools the scores (see `instanceScoreMethod`), so the branch's embedding is one score per patient
   * ([B, 1]) instead of [B, D]. Defaults to `'mean'` (the report).
   */
  readonly imageAggregator?: AggregatorName;
  /** Aggregator of the handmade branch (`'instanceScore'`: one pooled score per patient, [B, 1]). Defaults to `'mean'` (the report). */
  readonly handmadeAggregator?: AggregatorName;
  /** Hidden size of attention aggregators. Defaults to `64`. */
  readonly attentionUnits?: number;
  /**
   * How the `'instanceScore'` aggregators pool their instance scores per patient: `'mean'`, `'max'`, `'logSumExp'` or
   * `'topKMean'` (see `InstanceScorePooling`). Defaults to `'mean'`.
   */
  readonly instanceScoreMethod?: BagPoolingMethod;
  /** k ≥ 1 of the `'instanceScore'` aggregators with `instanceScoreMethod: 'topKMean'`. Defaults to `3`. */
  readonly instanceScoreK?: number;
  /** Temperature T > 0 of the `'instanceScore'` aggregators with `instanceScoreMethod: 'logSumExp'`. Defaults to `1`. */
  readonly instanceScoreTemperature?: number;
  /**
   * Width of an intermediate linear layer between the aggregated image embedding and the classification and
   * regression heads (the report's frozen-backbone case: it gives the two heads a shared trainable layer); `0`: none.
   * Defaults to `0`.
   */
  readonly imageHiddenUnits?: number;
  /**
   * Width of the per-image handmade MLP (one dense layer with ReLU before aggregation); `0`: no MLP, the branch
   * aggregates the standardised features themselves (the report's "mean of each feature"). Defaults to `16`.
   */
  readonly handmadeUnits?: number;
  /**
   * Hidden width of the two-layer scalar expert (and of the concatenation baseline); `0`: no hidden layer, the
   * expert (or the baseline) is linear, a logistic regression on its inputs, which suits small cohorts. Defaults
   * to `16`.
   */
  readonly scalarUnits?: number;
  /**
   * Standardise the instance embeddings (per dimension, statistics fitted by `adaptNormalization` on the training
   * patients' images) before aggregation; useful for embeddings of very different scales. Defaults to `false`.
   */
  readonly standardizeImages?: boolean;
  /** Add the lymphocyte-count regression head on the image embedding (used by training only). Defaults to `true`. */
  readonly multitask?: boolean;
  /** Seed of every initialiser. Defaults to `0`. */
  readonly seed?: number;
}

/** A {@link MixtureOfExpertsConfig} with every default filled in and checked. */
export type ResolvedMixtureConfig = {
  readonly [K in keyof MixtureOfExpertsConfig]-?: Exclude<MixtureOfExpertsConfig[K], undefined>;
};

const FN = 'MixtureOfExperts';

function nonNegativeInt(name: string, value: unknown): number {
  return checkInteger(FN, `config.${name}`, value, { min: 0 });
}

/**
 * Fills in the defaults of a {@link MixtureOfExpertsConfig} and checks it.
 *
 * @param config - The configuration.
 * @returns The resolved configuration.
 * @throws {ArgumentError} naming `MixtureOfExperts` and `config.<option>`: a value out of range, an expert without its
 *   inputs, a gate input that is not available.
 * @example
 * ```ts
 * resolveMixtureConfig({ experts: ['scalar'], handmadeDim: 51 }).gateInputs; // ['age', 'lymphCount', 'handmade']
 * ```
 */
export function resolveMixtureConfig(config: MixtureOfExpertsConfig = {}): ResolvedMixtureConfig {
  checkOptions(FN, config, 'config');
  const experts = [...checkArray<ExpertName>(FN, 'config.experts', config.experts ?? ['image', 'scalar'], { minLength: 1 })];
  if (experts.some((e) => !(EXPERT_NAMES as readonly string[]).includes(e)) || new Set(experts).size !== experts.length) {
    throw new ArgumentError(FN, 'config.experts', `distinct names among ${EXPERT_NAMES.join(', ')}`, `[${experts.join(', ')}]`);
  }
  const combination = checkOneOf(FN, 'config.combination', config.combination ?? 'sigmoid', ['sigmoid', 'softmax', 'concat'] as const);
  const imageDim = nonNegativeInt('imageDim', config.imageDim ?? 0);
  const handmadeDim = nonNegativeInt('handmadeDim', config.handmadeDim ?? 0);
  if (experts.includes('image') && imageDim === 0) {
    throw new ArgumentError(FN, 'config.imageDim', '> 0 with the image expert', imageDim);
  }
  const available: GateInputName[] = ['age', 'lymphCount'];
  if (imageDim > 0) available.push('image');
  if (handmadeDim > 0) available.push('handmade');
  const gateInputs = [...checkArray<GateInputName>(FN, 'config.gateInputs', config.gateInputs ?? available)];
  for (const input of gateInputs) checkOneOf(FN, 'config.gateInputs', input, available);
  if (new Set(gateInputs).size !== gateInputs.length) {
    throw new ArgumentError(FN, 'config.gateInputs', 'distinct', `[${gateInputs.join(', ')}]`);
  }
  if (experts.length === 2 && combination !== 'concat' && gateInputs.length === 0) {
    throw new ArgumentError(FN, 'config.gateInputs', 'at least one input for a gate', '[]');
  }
  const imageAggregator = checkOneOf(FN, 'config.imageAggregator', config.imageAggregator ?? 'mean', AGGREGATOR_NAMES);
  const handmadeAggregator = checkOneOf(FN, 'config.handmadeAggregator', config.handmadeAggregator ?? 'mean', AGGREGATOR_NAMES);
  const attentionUnits = checkInteger(FN, 'config.attentionUnits', config.attentionUnits ?? 64, { min: 1 });
  const instanceScoreMethod = checkOneOf(FN, 'config.instanceScoreMethod', config.instanceScoreMethod ?? 'mean', BAG_POOLING_METHODS);
  const instanceScoreK = checkInteger(FN, 'config.instanceScoreK', config.instanceScoreK ?? 3, { min: 1 });
  const instanceScoreTemperature = checkNumber(FN, 'config.instanceScoreTemperature', config.instanceScoreTemperature ?? 1, { min: 0, minExclusive: true });
  const scalarUnits = nonNegativeInt('scalarUnits', config.scalarUnits ?? 16);
  const seed = checkInteger(FN, 'config.seed', config.seed ?? 0);
  return {
    experts,
    combination,
    gateInputs,
    imageDim,
    handmadeDim,
    imageAggregator,
    handmadeAggregator,
    attentionUnits,
    instanceScoreMethod,
    instanceScoreK,
    instanceScoreTemperature,
    imageHiddenUnits: nonNegativeInt('imageHiddenUnits', config.imageHiddenUnits ?? 0),
    handmadeUnits: nonNegativeInt('handmadeUnits', config.handmadeUnits ?? 16),
    scalarUnits,
    standardizeImages: checkBoolean(FN, 'config.standardizeImages', config.standardizeImages ?? false),
    multitask: checkBoolean(FN, 'config.multitask', config.multitask ?? true),
    seed,
  };
}
