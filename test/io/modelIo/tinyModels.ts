import * as tf from '@tensorflow/tfjs';

/** Test helper: a small two-layer LayersModel with deterministic weights. */
export function tinyLayersModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu', kernelInitializer: 'glorotUniform' }));
  model.add(tf.layers.dense({ units: 2 }));
  tf.tidy(() => {
    model.setWeights(model.getWeights().map((w, i) => tf.sin(tf.range(0, w.size).add(i)).reshape(w.shape)));
  });
  return model;
}

/** Test helper: the model.json of a hand-written graph model computing y = x · w, w of shape [2, 1]. */
export function tinyGraphModelJson(): tf.io.ModelJSON {
  return {
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '2' }] } } } },
        {
          name: 'w',
          op: 'Const',
          attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '2' }, { size: '1' }] } } }, dtype: { type: 'DT_FLOAT' } },
        },
        { name: 'y', op: 'MatMul', input: ['x', 'w'], attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: { type: 'DT_FLOAT' } } },
      ],
      library: {},
      versions: {},
    },
    format: 'graph-model',
    generatedBy: 'hand-written test model',
    convertedBy: null,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'w', shape: [2, 1], dtype: 'float32' }] }],
  };
}

/** The weights of {@link tinyGraphModelJson}: w = [[2], [-3]]. */
export const TINY_GRAPH_WEIGHTS = new Float32Array([2, -3]);
