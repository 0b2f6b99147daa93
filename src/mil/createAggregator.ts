import * as tf from '@tensorflow/tfjs';
import { AttentionPooling } from './attentionPooling.js';
import type { BagBatch } from './bagBatch.js';
import { BAG_POOLING_METHODS, type BagPoolingMethod } from './bagPooling.js';
import { GatedAttentionPooling } from './gatedAttentionPooling.js';
import { InstanceScorePooling } from './instanceScorePooling.js';
import { logSumExpPooling } from './logSumExpPooling.js';
import { maxPooling } from './maxPooling.js';
import { meanPooling } from './meanPooling.js';
import { topKMeanPooling } from './topKMeanPooling.js';
import { ArgumentError, checkInteger, checkNumber, checkOneOf, checkString } from '../core/index.js';

/** Names accepted by {@link createAggregator}. */
export const AGGREGATOR_NAMES = ['mean', 'max', 'logSumExp', 'topKMean', 'attention', 'gatedAttention', 'instanceScore'] as const;

/** One of {@link AGGREGATOR_NAMES}. */
export type AggregatorName = (typeof AGGREGATOR_NAMES)[number];

/** Options of {@link createAggregator}; each applies to the aggregators named in its description. */
export interface CreateAggregatorOptions {
  /** `logSumExp`, and `instanceScore` with `method: 'logSumExp'`: temperature T > 0. Defaults to `1`. */
  readonly temperature?: number;
  /** `topKMean`, and `instanceScore` with `method: 'topKMean'`: k ≥ 1. Defaults to `3`. */
  readonly k?: number;
  /** `instanceScore`: how the instance scores are pooled per bag, one of {@link BAG_POOLING_METHODS}. Defaults to `'mean'`. */
  readonly method?: BagPoolingMethod;
  /** `attention`, `gatedAttention`: hidden size L. Defaults to `128`. */
  readonly units?: number;
  /** `attention`, `gatedAttention`: biases in the attention network. Defaults to `true`. */
  readonly useBias?: boolean;
  /** `attention`, `gatedAttention`, `instanceScore`: initialiser seed (an integer). Defaults to unseeded. */
  readonly seed?: number;
  /** `attention`, `gatedAttention`, `instanceScore`: layer name. Defaults to a unique tfjs name. */
  readonly name?: string;
}

/** Output of {@link Aggregator.pool}. */
export interface AggregatorOutput {
  /** [B, D] float32 bag embeddings; [B, 1] pooled instance scores (one logit-like score per bag) for `instanceScore`. */
  readonly output: tf.Tensor2D;
  /**
   * [ΣN] float32 attention weights (sum 1 per bag) for the attention aggregators, `null` for the others, `instanceScore`
   * included (its per-instance scores are not weights; get them from `(aggregator.layer as InstanceScorePooling).pool(batch).scores`).
   */
  readonly attention: tf.Tensor1D | null;
}

/** A bag aggregator with a uniform interface. */
export interface Aggregator {
  /** Which aggregator this is. */
  readonly name: AggregatorName;
  /**
   * The tfjs layer holding the trainable weights (attention aggregators, `instanceScore`), `null` for parameter-free
   * ones. Its weights exist after the first `pool` (tfjs refuses to `dispose()` a layer that was never built).
   */
  readonly layer: AttentionPooling | GatedAttentionPooling | InstanceScorePooling | null;
  /** Pools a ragged or padded batch (not disposed); the returned tensors belong to the caller. */
  pool(batch: BagBatch): AggregatorOutput;
}

/**
 * Creates a bag aggregator by name, for configuration-driven models.
 *
 * Shape key: B bags, ΣN instances, D instance dimension. `mean`, `max`, `logSumExp`, `topKMean` are the functions
 * {@link meanPooling}, {@link maxPooling}, {@link logSumExpPooling}, {@link topKMeanPooling}; `attention` and
 * `gatedAttention` wrap new {@link AttentionPooling} / {@link GatedAttentionPooling} layers; `instanceScore` wraps a
 * new {@link InstanceScorePooling} layer (a trainable linear score per instance, pooled per bag by `options.method`):
 * its output is [B, 1], not [B, D], and its `attention` is `null`. Dispose the layers with `aggregator.layer.dispose()`.
 *
 * @param name - One of {@link AGGREGATOR_NAMES}.
 * @param options - See {@link CreateAggregatorOptions}; options that do not apply to `name` are ignored.
 * @returns An {@link Aggregator}.
 * @throws {ArgumentError} if `name` is unknown or an option is out of range, naming `createAggregator` and the option
 *   (`options.k`, `options.method`, …); the attention layers' own options (`units`) are named by their layer.
 * @example
 * ```ts
 * const agg = createAggregator('gatedAttention', { units: 64 });
 * const { output, attention } = agg.pool(batch); // [B, D], [ΣN]
 * const scorer = createAggregator('instanceScore', { method: 'topKMean', k: 5, seed: 0 });
 * scorer.pool(batch).output; // [B, 1]
 * ```
 */
export function createAggregator(name: AggregatorName, options: CreateAggregatorOptions = {}): Aggregator {
  const layerArgs = {
    ...(options.units === undefined ? {} : { units: options.units }),
    ...(options.useBias === undefined ? {} : { useBias: options.useBias }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  switch (name) {
    case 'mean':
      return { name, layer: null, pool: (batch) => ({ output: meanPooling(batch), attention: null }) };
    case 'max':
      return { name, layer: null, pool: (batch) => ({ output: maxPooling(batch), attention: null }) };
    case 'logSumExp': {
      const lse = options.temperature === undefined ? {} : { temperature: options.temperature };
      if (lse.temperature !== undefined) checkNumber('createAggregator', 'options.temperature', lse.temperature, { min: 0, minExclusive: true });
      return { name, layer: null, pool: (batch) => ({ output: logSumExpPooling(batch, lse), attention: null }) };
    }
    case 'topKMean': {
      const top = options.k === undefined ? {} : { k: options.k };
      if (top.k !== undefined) checkInteger('createAggregator', 'options.k', top.k, { min: 1 });
      return { name, layer: null, pool: (batch) => ({ output: topKMeanPooling(batch, top), attention: null }) };
    }
    case 'attention': {
      const layer = new AttentionPooling(layerArgs);
      return { name, layer, pool: (batch) => layer.pool(batch) };
    }
    case 'gatedAttention': {
      const layer = new GatedAttentionPooling(layerArgs);
      return { name, layer, pool: (batch) => layer.pool(batch) };
    }
    case 'instanceScore': {
      const method = checkOneOf('createAggregator', 'options.method', options.method ?? 'mean', BAG_POOLING_METHODS);
      const k = checkInteger('createAggregator', 'options.k', options.k ?? 3, { min: 1 });
      const temperature = checkNumber('createAggregator', 'options.temperature', options.temperature ?? 1, { min: 0, minExclusive: true });
      const seed = options.seed === undefined ? undefined : checkInteger('createAggregator', 'options.seed', options.seed);
      const layerName = options.name === undefined ? undefined : checkString('createAggregator', 'options.name', options.name);
      const layer = new InstanceScorePooling({
        method,
        k,
        temperature,
        ...(seed === undefined ? {} : { seed }),
        ...(layerName === undefined ? {} : { name: layerName }),
      });
      // the per-instance scores are not attention weights: the tidy frees them
      return { name, layer, pool: (batch) => ({ output: tf.tidy(() => layer.pool(batch).output), attention: null }) };
    }
    default:
      throw new ArgumentError('createAggregator', 'name', `one of ${AGGREGATOR_NAMES.join(', ')}`, name);
  }
}
