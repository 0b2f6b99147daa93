import { AGGREGATOR_NAMES, type AggregatorName } from '../mil/index.js';

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
  /** Aggregator of the image branch (see `createAggregator`). Defaults to `'mean'` (the report). */
  readonly imageAggregator?: AggregatorName;
  /** Aggregator of the handmade branch. Defaults to `'mean'` (the report). */
  readonly handmadeAggregator?: AggregatorName;
  /** Hidden size of attention aggregators. Defaults to `64`. */
  readonly attentionUnits?: number;
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

function nonNegativeInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`MixtureOfExperts: ${name} must be an integer ≥ 0, got ${String(value)}`);
  return value;
}

/**
 * Fills in the defaults of a {@link MixtureOfExpertsConfig} and checks it.
 *
 * @param config - The configuration.
 * @returns The resolved configuration.
 * @throws If a value is out of range, an expert lacks its inputs, or a gate input is unavailable.
 * @example
 * ```ts
 * resolveMixtureConfig({ experts: ['scalar'], handmadeDim: 51 }).gateInputs; // ['age', 'lymphCount', 'handmade']
 * ```
 */
export function resolveMixtureConfig(config: MixtureOfExpertsConfig = {}): ResolvedMixtureConfig {
  const experts = [...(config.experts ?? ['image', 'scalar'])];
  if (experts.length === 0 || experts.some((e) => !(EXPERT_NAMES as readonly string[]).includes(e)) || new Set(experts).size !== experts.length) {
    throw new Error(`MixtureOfExperts: experts must be distinct names among ${EXPERT_NAMES.join(', ')}, got [${experts.join(', ')}]`);
  }
  const combination = config.combination ?? 'sigmoid';
  if (!['sigmoid', 'softmax', 'concat'].includes(combination)) {
    throw new Error(`MixtureOfExperts: combination must be 'sigmoid', 'softmax' or 'concat', got '${String(combination)}'`);
  }
  const imageDim = nonNegativeInt('imageDim', config.imageDim ?? 0);
  const handmadeDim = nonNegativeInt('handmadeDim', config.handmadeDim ?? 0);
  if (experts.includes('image') && imageDim === 0) {
    throw new Error('MixtureOfExperts: the image expert needs imageDim > 0');
  }
  const available: GateInputName[] = ['age', 'lymphCount'];
  if (imageDim > 0) available.push('image');
  if (handmadeDim > 0) available.push('handmade');
  const gateInputs = [...(config.gateInputs ?? available)];
  for (const input of gateInputs) {
    if (!available.includes(input)) {
      throw new Error(`MixtureOfExperts: gate input '${String(input)}' is not available (available: ${available.join(', ')})`);
    }
  }
  if (new Set(gateInputs).size !== gateInputs.length) {
    throw new Error(`MixtureOfExperts: gate inputs must be distinct, got [${gateInputs.join(', ')}]`);
  }
  if (experts.length === 2 && combination !== 'concat' && gateInputs.length === 0) {
    throw new Error('MixtureOfExperts: a gate needs at least one input');
  }
  for (const [name, value] of [
    ['imageAggregator', config.imageAggregator],
    ['handmadeAggregator', config.handmadeAggregator],
  ] as const) {
    if (value !== undefined && !(AGGREGATOR_NAMES as readonly string[]).includes(value)) {
      throw new Error(`MixtureOfExperts: ${name} must be one of ${AGGREGATOR_NAMES.join(', ')}, got '${String(value)}'`);
    }
  }
  const attentionUnits = nonNegativeInt('attentionUnits', config.attentionUnits ?? 64);
  if (attentionUnits < 1) throw new Error('MixtureOfExperts: attentionUnits must be ≥ 1, got 0');
  const scalarUnits = nonNegativeInt('scalarUnits', config.scalarUnits ?? 16);
  const seed = config.seed ?? 0;
  if (!Number.isInteger(seed)) throw new Error(`MixtureOfExperts: seed must be an integer, got ${String(seed)}`);
  return {
    experts,
    combination,
    gateInputs,
    imageDim,
    handmadeDim,
    imageAggregator: config.imageAggregator ?? 'mean',
    handmadeAggregator: config.handmadeAggregator ?? 'mean',
    attentionUnits,
    imageHiddenUnits: nonNegativeInt('imageHiddenUnits', config.imageHiddenUnits ?? 0),
    handmadeUnits: nonNegativeInt('handmadeUnits', config.handmadeUnits ?? 16),
    scalarUnits,
    standardizeImages: config.standardizeImages ?? false,
    multitask: config.multitask ?? true,
    seed,
  };
}
