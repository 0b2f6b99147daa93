import * as tf from '@tensorflow/tfjs';
import { segmentsFromKwargs } from './attentionPooling.js';
import { asRaggedBatch, type BagBatch } from './bagBatch.js';
import { logSumExpPooling } from './logSumExpPooling.js';
import { maxPooling } from './maxPooling.js';
import { meanPooling } from './meanPooling.js';
import { topKMeanPooling } from './topKMeanPooling.js';
import { checkInteger, checkNumber, checkOneOf } from '../core/index.js';

/** Parameter-free poolings available as a {@link BagPooling} layer. */
export type BagPoolingMethod = 'mean' | 'max' | 'logSumExp' | 'topKMean';

/** Constructor arguments (and serialised config) of {@link BagPooling}. */
export interface BagPoolingArgs {
  /** The pooling. Defaults to `'mean'`. */
  readonly method?: BagPoolingMethod;
  /** `logSumExp` temperature T > 0. Defaults to `1`. */
  readonly temperature?: number;
  /** `topKMean` k ≥ 1. Defaults to `3`. */
  readonly k?: number;
  /** Layer name. Defaults to a unique name from tfjs. */
  readonly name?: string;
}

/** Every {@link BagPoolingMethod}, in the order the docs list them. */
export const BAG_POOLING_METHODS: readonly BagPoolingMethod[] = ['mean', 'max', 'logSumExp', 'topKMean'];

/**
 * The parameter-free poolings ({@link meanPooling}, {@link maxPooling}, {@link logSumExpPooling},
 * {@link topKMeanPooling}) as a serialisable tfjs layer without weights, so that a model's pooling can be chosen
 * by configuration and saved with it.
 *
 * Shape key: B bags, ΣN instances, D features. `pool(batch)` returns `{ output }` [B, D]; as a tfjs layer,
 * `apply(instances, { segments })` returns `output`. Registered under `className` 'LymphomixBagPooling'.
 *
 * @example
 * ```ts
 * const layer = new BagPooling({ method: 'logSumExp', temperature: 0.5 });
 * const { output } = layer.pool(batch); // [B, D]
 * ```
 */
export class BagPooling extends tf.layers.Layer {
  /** Serialisation name. */
  static className = 'LymphomixBagPooling';
  /** The pooling. */
  readonly method: BagPoolingMethod;
  /** LSE temperature. */
  readonly temperature: number;
  /** Top-k k. */
  readonly k: number;

  constructor(args: BagPoolingArgs = {}) {
    super(args.name === undefined ? {} : { name: args.name });
    this.method = checkOneOf('BagPooling', 'args.method', args.method ?? 'mean', BAG_POOLING_METHODS);
    this.temperature = checkNumber('BagPooling', 'args.temperature', args.temperature ?? 1, { min: 0, minExclusive: true });
    this.k = checkInteger('BagPooling', 'args.k', args.k ?? 3, { min: 1 });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [null, shape[1] ?? null];
  }

  /** tfjs entry point: `inputs` = instances [ΣN, D], `kwargs.segments` = bag structure; returns [B, D]. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const h = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D; // [ΣN, D]
    const segments = segmentsFromKwargs(kwargs, 'BagPooling', h.shape[0]);
    const batch = { instances: h, bagIds: segments.bagIds, bagSizes: segments.bagSizes, numBags: segments.numBags };
    switch (this.method) {
      case 'max':
        return maxPooling(batch);
      case 'logSumExp':
        return logSumExpPooling(batch, { temperature: this.temperature });
      case 'topKMean':
        return topKMeanPooling(batch, { k: this.k });
      default:
        return meanPooling(batch);
    }
  }

  /**
   * Pools a batch of bags.
   * @param batch - Ragged or padded batch; not disposed.
   * @returns `output` [B, D], a new tensor owned by the caller.
   */
  pool(batch: BagBatch): { readonly output: tf.Tensor2D } {
    return tf.tidy(() => {
      const ragged = asRaggedBatch(batch, 'BagPooling.pool');
      return { output: this.apply(ragged.instances, { segments: ragged }) as tf.Tensor2D };
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), method: this.method, temperature: this.temperature, k: this.k };
  }
}

tf.serialization.registerClass(BagPooling);
