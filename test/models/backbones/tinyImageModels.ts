/**
 * Test helpers: tiny tfjs image models to use as frozen backbones, built here (nothing downloaded, nothing
 * committed besides this code).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** Set every weight of a layers model to sin(k + offset), a deterministic pattern. */
export function fillWeights(model: tf.LayersModel, offset = 0): void {
  tf.tidy(() => {
    model.setWeights(model.getWeights().map((w, i) => tf.sin(tf.range(0, w.size).add(offset + i)).reshape(w.shape)));
  });
}

/** A CNN [N, size, size, 3] → conv 3×3 (4 filters, ReLU) → global average pooling → [N, 4]. */
export function tinyCnn(size = 16, offset = 0): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [size, size, 3], filters: 4, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.globalAveragePooling2d({}));
  fillWeights(model, offset);
  return model;
}

/** A fully convolutional model of any input size: [N, H, W, 3] → conv 3×3 (5 filters) → [N, H − 2, W − 2, 5]. */
export function tinyFeatureMapModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [null, null, 3], filters: 5, kernelSize: 3 }));
  fillWeights(model, 1);
  return model;
}

const f32 = { type: 'DT_FLOAT' };
const i32 = { type: 'DT_INT32' };
const constNode = (name: string, dtype: 'DT_FLOAT' | 'DT_INT32', shape: number[]): object => ({
  name,
  op: 'Const',
  attr: { value: { tensor: { dtype, tensorShape: { dim: shape.map((size) => ({ size: String(size) })) } } }, dtype: { type: dtype } },
});
const mean = (name: string, input: string, axes: string): object => ({
  name,
  op: 'Mean',
  input: [input, axes],
  attr: { keep_dims: { b: false }, T: f32, Tidx: i32 },
});

/**
 * The model.json of a hand-written graph model taking images [N, H, W, 3] of any size:
 * `act = relu(x)` [N, H, W, 3], `pooled = mean(act, [1, 2])` [N, 3], `y = pooled · w` [N, 2] with w [3, 2],
 * and a second output `rowMean = mean(act, [1])` [N, W, 3] (3-D, not an embedding).
 *
 * @param options - `batch`: the batch dimension N of the input, −1 (any, the default) or a fixed size
 */
export function tinyImageGraphJson(options: { batch?: number } = {}): tf.io.ModelJSON {
  const batch = options.batch ?? -1;
  return {
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: f32, shape: { shape: { dim: [{ size: String(batch) }, { size: '-1' }, { size: '-1' }, { size: '3' }] } } } },
        { name: 'act', op: 'Relu', input: ['x'], attr: { T: f32 } },
        constNode('axes', 'DT_INT32', [2]),
        mean('pooled', 'act', 'axes'),
        constNode('w', 'DT_FLOAT', [3, 2]),
        { name: 'y', op: 'MatMul', input: ['pooled', 'w'], attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: f32 } },
        constNode('axis1', 'DT_INT32', [1]),
        mean('rowMean', 'act', 'axis1'),
      ],
      library: {},
      versions: {},
    },
    format: 'graph-model',
    generatedBy: 'hand-written test model',
    convertedBy: null,
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'axes', shape: [2], dtype: 'int32' },
          { name: 'w', shape: [3, 2], dtype: 'float32' },
          { name: 'axis1', shape: [1], dtype: 'int32' },
        ],
      },
    ],
  };
}

/** The weight bytes of {@link tinyImageGraphJson} with w = `w` (row-major [3, 2]). */
export function tinyImageGraphWeights(w: readonly number[] = [1, -1, 2, 0.5, -3, 1]): Uint8Array {
  const bytes = new Uint8Array(8 + 24 + 4);
  new Int32Array(bytes.buffer, 0, 2).set([1, 2]);
  new Float32Array(bytes.buffer, 8, 6).set(w);
  new Int32Array(bytes.buffer, 32, 1).set([1]);
  return bytes;
}

/**
 * The model.json of a graph model with an int32 image input [N, H, W, 3] (any size) whose output node `id` is
 * the input itself (int32 [N, H, W, 3]); no weights.
 */
export function tinyIntImageGraphJson(): tf.io.ModelJSON {
  return {
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: i32, shape: { shape: { dim: [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: '3' }] } } } },
        { name: 'id', op: 'Identity', input: ['x'], attr: { T: i32 } },
      ],
      library: {},
      versions: {},
    },
    format: 'graph-model',
    generatedBy: 'hand-written test model',
    convertedBy: null,
    weightsManifest: [{ paths: [], weights: [] }],
  };
}

/**
 * Write the graph model into `dir` (model.json + one shard) and return `dir`.
 *
 * @param dir - the folder (created)
 * @param w - the weights w, see {@link tinyImageGraphWeights}
 * @param json - the model.json to write instead of {@link tinyImageGraphJson}'s (e.g. without `format`)
 */
export async function writeTinyImageGraph(dir: string, w?: readonly number[], json: object = tinyImageGraphJson()): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  await writeFile(join(dir, 'group1-shard1of1.bin'), tinyImageGraphWeights(w));
  return dir;
}
