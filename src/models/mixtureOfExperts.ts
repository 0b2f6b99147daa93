import * as tf from '@tensorflow/tfjs';
import { checkArray, checkOptions, deriveSeed, optionalInteger } from '../core/index.js';
import { createAggregator, type Aggregator, type AggregatorName, type RaggedBatch } from '../mil/index.js';
import { MixtureGate } from './mixtureGate.js';
import { resolveMixtureHandler, type ModelLocation } from './mixtureIoHandler.js';
import { resolveMixtureConfig, type MixtureOfExpertsConfig, type ResolvedMixtureConfig } from './mixtureOfExpertsConfig.js';
import { checkFiniteBags } from './checkFiniteBags.js';
import { createMixtureBatch, disposeMixtureBatch, type MixtureBatch, type PatientBag } from './patientBag.js';
import { Standardize } from './standardize.js';

/** Format tag written in a saved model's topology. */
export const MIXTURE_FORMAT = 'lymphomix-mixture-of-experts';
/** Version of the saved format; loading accepts versions up to this one. */
export const MIXTURE_FORMAT_VERSION = 1;

/** Tensors of one forward pass ({@link MixtureOfExperts.call}); all owned by the caller. */
export interface MixtureOutput {
  /** [B] float32 logit of the final probability ŷ. */
  readonly logit: tf.Tensor1D;
  /** [B] float32 gate weight π of the image expert (first expert), `null` without a gate. */
  readonly gate: tf.Tensor1D | null;
  /** [B, 2] float32 expert weights [π, 1 − π] (columns: image, scalar), `null` without a gate. */
  readonly gateWeights: tf.Tensor2D | null;
  /** [B] float32 logits of each expert, `null` for an expert the model does not have. */
  readonly expertLogits: { readonly image: tf.Tensor1D | null; readonly scalar: tf.Tensor1D | null };
  /** [B] float32 predicted log(1 + lymphocyte count) from the image embedding, `null` without the multitask head. */
  readonly logLymphCount: tf.Tensor1D | null;
  /** [ΣN] / [ΣM] float32 attention weights of the attention aggregators, else `null`. */
  readonly attention: { readonly image: tf.Tensor1D | null; readonly handmade: tf.Tensor1D | null };
}

/** Host-side predictions ({@link MixtureOfExperts.predict}), one entry per patient in input order. */
export interface MixturePrediction {
  /** [B] ŷ in [0, 1]: probability of malignant lymphocytosis. */
  readonly probability: Float32Array;
  /** [B] logit of ŷ. */
  readonly logit: Float32Array;
  /** [B] gate weight π ∈ (0, 1) of the image expert, `null` without a gate. */
  readonly gate: Float32Array | null;
  /** [B] predicted lymphocyte count (10⁹/L) of the multitask head, `null` without it. */
  readonly lymphCount: Float32Array | null;
  /** [B] probabilities of each expert alone, `null` for an absent expert. */
  readonly experts: { readonly image: Float32Array | null; readonly scalar: Float32Array | null };
  /** Per patient, the attention weights over its images (sum 1), `null` without an attention aggregator. */
  readonly attention: { readonly image: Float32Array[] | null; readonly handmade: Float32Array[] | null };
}

/** Options of {@link MixtureOfExperts.predict}. */
export interface PredictOptions {
  /** Patients per forward pass, an integer ≥ 1. Defaults to `64`. */
  readonly batchSize?: number;
}

/** A weight of the model with its stable checkpoint name (`<slot>/<weight>`, e.g. `gate/kernel`). */
export interface NamedWeight {
  readonly name: string;
  readonly variable: tf.LayerVariable;
}

function sigmoidArray(logits: Float32Array): Float32Array {
  return logits.map((x) => 1 / (1 + Math.exp(-x)));
}

/**
 * The mixture-of-experts classifier of the challenge report (after Sahasrabudhe et al., 2021) on ragged bags.
 *
 * Shape key: B patients, ΣN images with D-dimensional instance embeddings, ΣM images with F handmade features.
 * - Image expert: embeddings [ΣN, D] → aggregator → [B, D] → optional linear [B, H] → linear → ℓ_image [B];
 *   multitask head: linear on the same embedding → log(1 + lymphocyte count) [B] (training signal only).
 *   The `'instanceScore'` aggregator scores each image and pools the scores: its embedding is [B, 1], not [B, D].
 * - Handmade branch: standardised features [ΣM, F] → dense + ReLU (optional) → aggregator → [B, F′] ([B, 1] with
 *   `'instanceScore'`).
 * - Scalar expert: [handmade embedding, standardised age, standardised log count] → dense + ReLU (omitted with
 *   `scalarUnits: 0`: a linear expert) → linear → ℓ_scalar.
 * - Gate ({@link MixtureGate}): linear on [age, log count, wᵢᵀ image embedding, w_hᵀ handmade embedding] → π;
 *   ŷ = π·σ(ℓ_image) + (1 − π)·σ(ℓ_scalar) (probabilities are mixed). `combination: 'softmax'` uses a softmax gate,
 *   `'concat'` the concatenation baseline; a single expert is that expert alone.
 *
 * Metadata and handmade features are standardised by {@link Standardize} layers whose statistics are weights of the
 * model: fit them on the training patients with {@link MixtureOfExperts.adaptNormalization}. Every layer is built
 * at construction. Serialisable: {@link MixtureOfExperts.save}, then `loadMixtureOfExperts`. Call `dispose()`.
 *
 * @example
 * ```ts
 * const model = new MixtureOfExperts({ imageDim: 512, handmadeDim: 51 });
 * model.adaptNormalization(trainBags);
 * const { probability, gate } = await model.predict(testBags);
 * model.dispose();
 * ```
 */
export class MixtureOfExperts extends tf.serialization.Serializable {
  /** Serialisation name. */
  static className = 'LymphomixMixtureOfExperts';
  /** The resolved configuration. */
  readonly config: ResolvedMixtureConfig;
  private readonly slots = new Map<string, tf.layers.Layer>();
  private readonly imageAgg: Aggregator | null;
  private readonly handmadeAgg: Aggregator | null;
  private disposed = false;

  /**
   * @param config - See {@link MixtureOfExpertsConfig}.
   * @throws If the configuration is invalid (see `resolveMixtureConfig`).
   */
  constructor(config: MixtureOfExpertsConfig = {}) {
    super();
    const c = resolveMixtureConfig(config);
    this.config = c;
    let seedOffset = 0;
    const init = (): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: deriveSeed(c.seed, seedOffset++) });
    const dense = (slot: string, units: number, activation: 'relu' | 'linear' = 'linear'): void => {
      this.slots.set(slot, tf.layers.dense({ units, activation, kernelInitializer: init(), name: `moe_${slot.replace('.', '_')}` }));
    };
    const gated = c.experts.length === 2 && c.combination !== 'concat';
    const concat = c.experts.length === 2 && c.combination === 'concat';
    this.slots.set('metadata.standardize', new Standardize({ units: 2 }));
    const aggregator = (name: AggregatorName): Aggregator => {
      const seed = deriveSeed(c.seed, seedOffset++);
      if (name !== 'instanceScore') return createAggregator(name, { units: c.attentionUnits, seed });
      return createAggregator(name, { method: c.instanceScoreMethod, k: c.instanceScoreK, temperature: c.instanceScoreTemperature, seed });
    };
    let handmadeAgg: Aggregator | null = null;
    if (c.handmadeDim > 0) {
      this.slots.set('handmade.standardize', new Standardize({ units: c.handmadeDim }));
      if (c.handmadeUnits > 0) dense('handmade.embed', c.handmadeUnits, 'relu');
      handmadeAgg = aggregator(c.handmadeAggregator);
    }
    let imageAgg: Aggregator | null = null;
    if (c.imageDim > 0) {
      if (c.standardizeImages) this.slots.set('image.standardize', new Standardize({ units: c.imageDim }));
      imageAgg = aggregator(c.imageAggregator);
      if (c.imageHiddenUnits > 0) dense('image.hidden', c.imageHiddenUnits);
      if (c.multitask) dense('image.count', 1);
    }
    if (c.experts.includes('image') && !concat) dense('image.head', 1);
    if (c.experts.includes('scalar') && !concat) {
      if (c.scalarUnits > 0) dense('scalar.hidden', c.scalarUnits, 'relu');
      dense('scalar.head', 1);
    }
    if (concat) {
      if (c.scalarUnits > 0) dense('concat.hidden', c.scalarUnits, 'relu');
      dense('concat.head', 1);
    }
    if (gated) {
      if (c.gateInputs.includes('image')) dense('gate.image', 1);
      if (c.gateInputs.includes('handmade')) dense('gate.handmade', 1);
      this.slots.set('gate', new MixtureGate({ mode: c.combination === 'softmax' ? 'softmax' : 'sigmoid', experts: 2, seed: deriveSeed(c.seed, seedOffset++) }));
    }
    this.imageAgg = imageAgg;
    this.handmadeAgg = handmadeAgg;
    if (imageAgg?.layer) this.slots.set('image.pool', imageAgg.layer);
    if (handmadeAgg?.layer) this.slots.set('handmade.pool', handmadeAgg.layer);
    this.build();
  }

  /** Runs one forward pass on a one-patient, one-image batch so that every layer creates its weights. */
  private build(): void {
    const c = this.config;
    const batch = createMixtureBatch(
      [
        {
          id: 'build',
          age: 0,
          lymphCount: 0,
          images: { data: new Float32Array(Math.max(c.imageDim, 1)), rows: 1, cols: c.imageDim },
          handmade: { data: new Float32Array(Math.max(c.handmadeDim, 1)), rows: 1, cols: c.handmadeDim },
        },
      ],
      { imageDim: c.imageDim, handmadeDim: c.handmadeDim },
    );
    try {
      tf.tidy(() => {
        this.call(batch);
      });
    } finally {
      disposeMixtureBatch(batch);
    }
  }

  private layer<T extends tf.layers.Layer = tf.layers.Layer>(slot: string): T {
    const layer = this.slots.get(slot);
    if (layer === undefined) throw new Error(`MixtureOfExperts: no layer '${slot}'`);
    return layer as T;
  }

  private dense(slot: string, x: tf.Tensor2D): tf.Tensor2D {
    return this.layer(slot).apply(x) as tf.Tensor2D;
  }

  /** The hidden layer `slot` applied to x, or x itself when the configuration has none (`scalarUnits: 0`). */
  private hidden(slot: string, x: tf.Tensor2D): tf.Tensor2D {
    return this.slots.has(slot) ? this.dense(slot, x) : x;
  }

  /** The class name under which the model is saved. */
  override getClassName(): string {
    return MixtureOfExperts.className;
  }

  /** The resolved configuration, for serialisation. */
  getConfig(): tf.serialization.ConfigDict {
    return { ...this.config } as unknown as tf.serialization.ConfigDict;
  }

  /** Rebuilds a model from {@link MixtureOfExperts.getConfig} (fresh weights). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as MixtureOfExpertsConfig);
  }

  /**
   * The forward pass.
   *
   * @param batch - Patients packed by `createMixtureBatch` with this model's `imageDim` / `handmadeDim`; not disposed.
   * @returns New tensors owned by the caller (or the enclosing `tf.tidy`), see {@link MixtureOutput}.
   * @throws If the batch lacks the image or handmade bags the model needs, or their widths differ.
   */
  call(batch: MixtureBatch): MixtureOutput {
    this.checkNotDisposed('call');
    const c = this.config;
    const need = (bags: RaggedBatch | null, what: string, dim: number): RaggedBatch => {
      if (bags === null || bags.numBags !== batch.size || bags.instances.shape[1] !== dim) {
        throw new Error(
          `MixtureOfExperts.call: expected ${what} bags [ΣN, ${dim}] for ${batch.size} patients, got ` +
            (bags === null ? 'none' : `[${bags.instances.shape.join(', ')}] for ${bags.numBags}`),
        );
      }
      return bags;
    };
    if (batch.metadata.rank !== 2 || batch.metadata.shape[1] !== 2 || batch.metadata.shape[0] !== batch.size) {
      throw new Error(`MixtureOfExperts.call: expected metadata [${batch.size}, 2], got [${batch.metadata.shape.join(', ')}]`);
    }
    const out = tf.tidy(() => {
      const metaLayer = this.layer<Standardize>('metadata.standardize');
      const meta = metaLayer.apply(batch.metadata) as tf.Tensor2D; // [B, 2]
      let handEmb: tf.Tensor2D | null = null; // [B, F′]
      let handAttention: tf.Tensor1D | null = null; // [ΣM]
      if (c.handmadeDim > 0 && this.handmadeAgg !== null) {
        const bags = need(batch.handmade, 'handmade', c.handmadeDim);
        let x = this.layer('handmade.standardize').apply(bags.instances) as tf.Tensor2D; // [ΣM, F]
        if (c.handmadeUnits > 0) x = this.dense('handmade.embed', x); // [ΣM, F′]
        const pooled = this.handmadeAgg.pool({ ...bags, instances: x });
        handEmb = pooled.output;
        handAttention = pooled.attention;
      }
      let imgEmb: tf.Tensor2D | null = null; // [B, D] or [B, H]
      let imgAttention: tf.Tensor1D | null = null; // [ΣN]
      if (c.imageDim > 0 && this.imageAgg !== null) {
        const bags = need(batch.images, 'image', c.imageDim);
        const x = c.standardizeImages ? (this.layer('image.standardize').apply(bags.instances) as tf.Tensor2D) : bags.instances; // [ΣN, D]
        const pooled = this.imageAgg.pool({ ...bags, instances: x });
        imgEmb = c.imageHiddenUnits > 0 ? this.dense('image.hidden', pooled.output) : pooled.output;
        imgAttention = pooled.attention;
      }
      const squeeze = (t: tf.Tensor2D): tf.Tensor1D => tf.squeeze(t, [1]) as tf.Tensor1D; // [B, 1] → [B]
      const withMeta = (parts: (tf.Tensor2D | null)[]): tf.Tensor2D =>
        tf.concat([...parts.filter((p): p is tf.Tensor2D => p !== null), meta], 1); // [B, ·]
      const logLymphCount =
        imgEmb !== null && c.multitask ? (metaLayer.unstandardize(squeeze(this.dense('image.count', imgEmb)), 1) as tf.Tensor1D) : null;
      let imageLogit: tf.Tensor1D | null = null;
      let scalarLogit: tf.Tensor1D | null = null;
      let logit: tf.Tensor1D;
      let gateWeights: tf.Tensor2D | null = null;
      if (c.experts.length === 2 && c.combination === 'concat') {
        logit = squeeze(this.dense('concat.head', this.hidden('concat.hidden', withMeta([imgEmb, handEmb]))));
      } else {
        if (c.experts.includes('image') && imgEmb !== null) imageLogit = squeeze(this.dense('image.head', imgEmb));
        if (c.experts.includes('scalar')) {
          scalarLogit = squeeze(this.dense('scalar.head', this.hidden('scalar.hidden', withMeta([handEmb]))));
        }
        if (imageLogit !== null && scalarLogit !== null) {
          const controls: tf.Tensor2D[] = [];
          for (const input of c.gateInputs) {
            if (input === 'age') controls.push(tf.slice(meta, [0, 0], [-1, 1]));
            else if (input === 'lymphCount') controls.push(tf.slice(meta, [0, 1], [-1, 1]));
            else if (input === 'image' && imgEmb !== null) controls.push(this.dense('gate.image', imgEmb));
            else if (input === 'handmade' && handEmb !== null) controls.push(this.dense('gate.handmade', handEmb));
          }
          const mixed = this.layer<MixtureGate>('gate').mix(tf.concat(controls, 1), tf.stack([imageLogit, scalarLogit], 1) as tf.Tensor2D);
          logit = mixed.logit;
          gateWeights = mixed.weights;
        } else {
          logit = (imageLogit ?? scalarLogit) as tf.Tensor1D;
        }
      }
      return {
        logit,
        gateWeights,
        gate: gateWeights === null ? null : (squeeze(tf.slice(gateWeights, [0, 0], [-1, 1])) as tf.Tensor1D),
        imageLogit,
        scalarLogit,
        logLymphCount,
        imgAttention,
        handAttention,
      } as unknown as tf.TensorContainerObject;
    }) as unknown as {
      logit: tf.Tensor1D;
      gateWeights: tf.Tensor2D | null;
      gate: tf.Tensor1D | null;
      imageLogit: tf.Tensor1D | null;
      scalarLogit: tf.Tensor1D | null;
      logLymphCount: tf.Tensor1D | null;
      imgAttention: tf.Tensor1D | null;
      handAttention: tf.Tensor1D | null;
    };
    return {
      logit: out.logit,
      gate: out.gate,
      gateWeights: out.gateWeights,
      expertLogits: { image: out.imageLogit, scalar: out.scalarLogit },
      logLymphCount: out.logLymphCount,
      attention: { image: out.imgAttention, handmade: out.handAttention },
    };
  }

  /**
   * Packs patients for this model (`createMixtureBatch` with its `imageDim` and `handmadeDim`).
   * @param bags - B ≥ 1 patients.
   * @returns A batch owned by the caller (`disposeMixtureBatch`).
   */
  createBatch(bags: readonly PatientBag[]): MixtureBatch {
    return createMixtureBatch(bags, { imageDim: this.config.imageDim, handmadeDim: this.config.handmadeDim });
  }

  /**
   * Which patient matrices this model reads, for {@link checkFiniteBags}.
   * @returns `{ images, handmade }`, true for each input of the configuration.
   */
  readsInputs(): { images: boolean; handmade: boolean } {
    return { images: this.config.imageDim > 0, handmade: this.config.handmadeDim > 0 };
  }

  /**
   * Predicts patients, in batches.
   *
   * @param bags - Patients (labels are ignored); at least one.
   * @param options - See {@link PredictOptions}.
   * @returns Host arrays, see {@link MixturePrediction}; no tensor is left behind.
   * @example
   * ```ts
   * const { probability, gate, lymphCount } = await model.predict(bags);
   * ```
   */
  async predict(bags: readonly PatientBag[], options: PredictOptions = {}): Promise<MixturePrediction> {
    this.checkNotDisposed('predict');
    checkOptions('MixtureOfExperts.predict', options);
    const batchSize = optionalInteger('MixtureOfExperts.predict', 'batchSize', options.batchSize, 64, { min: 1 });
    checkArray('MixtureOfExperts.predict', 'bags', bags, { minLength: 1 });
    checkFiniteBags('MixtureOfExperts.predict', bags, this.readsInputs());
    const logit: number[] = [];
    const gate: number[] = [];
    const count: number[] = [];
    const image: number[] = [];
    const scalar: number[] = [];
    const attImage: Float32Array[] = [];
    const attHand: Float32Array[] = [];
    const splitAttention = (values: Float32Array, sizes: Int32Array, into: Float32Array[]): void => {
      let offset = 0;
      for (const n of sizes) {
        into.push(values.slice(offset, offset + n));
        offset += n;
      }
    };
    for (let start = 0; start < bags.length; start += batchSize) {
      const batch = this.createBatch(bags.slice(start, start + batchSize));
      let out: MixtureOutput | null = null;
      try {
        out = this.call(batch);
        logit.push(...(await out.logit.data()));
        if (out.gate !== null) gate.push(...(await out.gate.data()));
        if (out.logLymphCount !== null) count.push(...Array.from(await out.logLymphCount.data(), Math.expm1));
        if (out.expertLogits.image !== null) image.push(...(await out.expertLogits.image.data()));
        if (out.expertLogits.scalar !== null) scalar.push(...(await out.expertLogits.scalar.data()));
        if (out.attention.image !== null && batch.images !== null) {
          splitAttention((await out.attention.image.data()) as Float32Array, batch.images.bagSizes, attImage);
        }
        if (out.attention.handmade !== null && batch.handmade !== null) {
          splitAttention((await out.attention.handmade.data()) as Float32Array, batch.handmade.bagSizes, attHand);
        }
      } finally {
        if (out !== null) disposeMixtureOutput(out);
        disposeMixtureBatch(batch);
      }
    }
    const logits = Float32Array.from(logit);
    return {
      probability: sigmoidArray(logits),
      logit: logits,
      gate: gate.length > 0 ? Float32Array.from(gate) : null,
      lymphCount: count.length > 0 ? Float32Array.from(count) : null,
      experts: {
        image: image.length > 0 ? sigmoidArray(Float32Array.from(image)) : null,
        scalar: scalar.length > 0 ? sigmoidArray(Float32Array.from(scalar)) : null,
      },
      attention: { image: attImage.length > 0 ? attImage : null, handmade: attHand.length > 0 ? attHand : null },
    };
  }

  /**
   * Fits the standardisation of the metadata (age, log count), the handmade features and (with `standardizeImages`)
   * the instance embeddings on `bags`, typically
   * the training patients of a fold (never the patients being evaluated).
   *
   * @param bags - At least one patient; with `handmadeDim > 0`, each with `handmade` rows.
   * @throws If there is no patient; an `ArgumentError` naming the patient and field if a value is not finite.
   */
  adaptNormalization(bags: readonly PatientBag[]): void {
    this.checkNotDisposed('adaptNormalization');
    if (bags.length === 0) throw new Error('MixtureOfExperts.adaptNormalization: expected at least one patient');
    checkFiniteBags('MixtureOfExperts.adaptNormalization', bags, this.readsInputs());
    const meta = new Float32Array(bags.length * 2);
    bags.forEach((b, i) => {
      meta[2 * i] = b.age;
      meta[2 * i + 1] = Math.log1p(b.lymphCount);
    });
    this.layer<Standardize>('metadata.standardize').adapt(meta, bags.length);
    const adaptInstances = (slot: string, key: 'images' | 'handmade', f: number): void => {
      const rows = bags.reduce((s, b) => s + (b[key]?.rows ?? 0), 0);
      const data = new Float32Array(rows * f);
      let offset = 0;
      for (const b of bags) {
        const m = b[key];
        if (m === undefined || m.cols !== f || m.data.length !== m.rows * f) {
          throw new Error(`MixtureOfExperts.adaptNormalization: patient ${b.id} needs ${key} [N, ${f}]`);
        }
        data.set(m.data, offset);
        offset += m.data.length;
      }
      this.layer<Standardize>(slot).adapt(data, rows);
    };
    if (this.config.handmadeDim > 0) adaptInstances('handmade.standardize', 'handmade', this.config.handmadeDim);
    if (this.config.standardizeImages) adaptInstances('image.standardize', 'images', this.config.imageDim);
  }

  /** Every weight with its checkpoint name, in a fixed order (trainable and not). */
  namedWeights(): NamedWeight[] {
    const named: NamedWeight[] = [];
    for (const [slot, layer] of this.slots) {
      for (const w of layer.weights) {
        const short = w.originalName.split('/').pop() ?? w.originalName;
        named.push({ name: `${slot}/${short}`, variable: w });
      }
    }
    return named;
  }

  /** The trainable variables (what an optimizer updates); the standardisation statistics are not among them. */
  get trainableVariables(): tf.Variable[] {
    return this.namedWeights()
      .filter((w) => w.variable.trainable)
      .map((w) => w.variable.read() as tf.Variable);
  }

  /** Copies of every weight, in {@link MixtureOfExperts.namedWeights} order (the caller disposes them). */
  getWeights(): tf.Tensor[] {
    return this.namedWeights().map((w) => tf.clone(w.variable.read()));
  }

  /**
   * Writes every weight, in {@link MixtureOfExperts.namedWeights} order.
   * @param weights - One tensor per weight, same shapes; not disposed.
   */
  setWeights(weights: tf.Tensor[]): void {
    const named = this.namedWeights();
    if (weights.length !== named.length) {
      throw new Error(`MixtureOfExperts.setWeights: expected ${named.length} weights, got ${weights.length}`);
    }
    named.forEach((w, i) => {
      const t = weights[i] as tf.Tensor;
      if (!tf.util.arraysEqual(t.shape, w.variable.shape as number[])) {
        throw new Error(`MixtureOfExperts.setWeights: ${w.name} expects [${w.variable.shape.join(', ')}], got [${t.shape.join(', ')}]`);
      }
      w.variable.write(t);
    });
  }

  /**
   * Saves the configuration and every weight (standardisation included).
   *
   * @param destination - Resolved as `loadMixtureOfExperts` resolves its source ({@link resolveMixtureHandler}): a
   *   folder or `file:` URL (Node: `model.json` + weight shards), `indexeddb://…`, `localstorage://…`,
   *   `downloads://…`, an http(s) URL (POST) or any `tf.io.IOHandler` (e.g. `tf.io.withSaveHandler`).
   * @returns tfjs's save result.
   * @example
   * ```ts
   * await model.save('models/moe');
   * const again = await loadMixtureOfExperts('models/moe');
   * ```
   */
  async save(destination: ModelLocation): Promise<tf.io.SaveResult> {
    this.checkNotDisposed('save');
    const handler = resolveMixtureHandler(destination, 'save', 'MixtureOfExperts.save') as Required<Pick<tf.io.IOHandler, 'save'>>;
    const tensors: tf.NamedTensorMap = {};
    for (const w of this.namedWeights()) tensors[w.name] = w.variable.read();
    const { data, specs } = await tf.io.encodeWeights(tensors);
    return handler.save({
      modelTopology: {
        format: MIXTURE_FORMAT,
        formatVersion: MIXTURE_FORMAT_VERSION,
        className: MixtureOfExperts.className,
        config: this.getConfig(),
      },
      format: MIXTURE_FORMAT,
      generatedBy: 'lymphomix',
      weightSpecs: specs,
      weightData: data,
    });
  }

  /** Whether {@link MixtureOfExperts.dispose} was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Frees every weight. */
  dispose(): void {
    if (this.disposed) return;
    for (const layer of this.slots.values()) layer.dispose();
    this.disposed = true;
  }

  private checkNotDisposed(fn: string): void {
    if (this.disposed) throw new Error(`MixtureOfExperts.${fn}: the model has been disposed`);
  }
}

tf.serialization.registerClass(MixtureOfExperts);

/** Frees every tensor of a {@link MixtureOutput}. */
export function disposeMixtureOutput(out: MixtureOutput): void {
  const all: (tf.Tensor | null)[] = [
    out.logit,
    out.gate,
    out.gateWeights,
    out.expertLogits.image,
    out.expertLogits.scalar,
    out.logLymphCount,
    out.attention.image,
    out.attention.handmade,
  ];
  for (const t of all) t?.dispose();
}
