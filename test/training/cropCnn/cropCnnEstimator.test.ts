import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend, listCpuFallbackKernels, WRONG_NATIVE_KERNELS } from '../../../src/backend/index.js';
import { seededRandom } from '../../../src/core/index.js';
import { CropCnn, type PatientBag } from '../../../src/models/index.js';
import { cropCnnEstimator } from '../../../src/training/cropCnn/index.js';
import { balancedAccuracy } from '../../../src/training/metrics/index.js';

const S = 16;

/** Patients of noisy grey 16×16 crops; in malignant patients half the crops carry a bright red square. */
function cropBags(patients: number, seed: number): PatientBag[] {
  const rng = seededRandom(seed);
  return Array.from({ length: patients }, (_, p): PatientBag => {
    const label = (p % 2) as 0 | 1;
    const rows = 4 + (p % 5);
    const data = new Float32Array(rows * S * S * 3);
    for (let r = 0; r < rows; r++) {
      const spot = label === 1 && r % 2 === 0;
      const y0 = rng.int(0, S - 6);
      const x0 = rng.int(0, S - 6);
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          const o = ((r * S + y) * S + x) * 3;
          const inSpot = spot && y >= y0 && y < y0 + 6 && x >= x0 && x < x0 + 6;
          data[o] = inSpot ? 0.95 : 0.5 + 0.1 * rng.normal();
          data[o + 1] = 0.5 + 0.1 * rng.normal();
          data[o + 2] = 0.5 + 0.1 * rng.normal();
        }
      }
    }
    return { id: `P${p}`, label, age: 60 + rng.normal(0, 10), lymphCount: Math.exp(1 + 0.5 * label + rng.normal(0, 0.3)), images: { data, rows, cols: S * S * 3 } };
  });
}

beforeAll(async () => {
  await ensureBackend();
});

describe('cropCnnEstimator', () => {
  const train = cropBags(24, 1);
  const test = cropBags(12, 2);
  const small = { size: S, channels: [4, 8] };

  it('learns a planted image signal (MultiTask), predicts counts, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const estimator = cropCnnEstimator({ model: { ...small, metadata: false }, epochs: 25, batchSize: 4, cellsPerBag: 4, learningRate: 1e-2 });
    expect(estimator.name).toBe('crop-cnn(16 px, MultiTask)');
    const model = await estimator.fit(train, { seed: 0 });
    const p = await model.predict(test);
    expect(balancedAccuracy(test.map((b) => b.label!), Array.from(p.experts.image))).toBeGreaterThan(0.8);
    expect(p.lymphCount).toHaveLength(12);
    for (const c of p.lymphCount!) expect(c > 0 && Number.isFinite(c)).toBe(true);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('OneTask has no count; the frozen backbone keeps its random conv weights and trains the heads', async () => {
    const oneTask = await cropCnnEstimator({ model: { ...small, multitask: false }, epochs: 1 }).fit(train, { seed: 0 });
    expect((await oneTask.predict(test)).lymphCount).toBeNull();
    oneTask.dispose();
    const reference = new CropCnn({ ...small, frozenBackbone: true, seed: 0 });
    expect(reference.trainableVariables).toHaveLength(5); // image kernel + bias, metadata kernel, count kernel + bias
    reference.dispose();
    const spy: Record<string, number[]> = {};
    const original = CropCnn.prototype.dispose;
    CropCnn.prototype.dispose = function (this: CropCnn) {
      for (const [name, v] of this.namedWeights()) spy[name] = Array.from(v.dataSync());
      original.call(this);
    };
    try {
      const estimator = cropCnnEstimator({ model: { ...small, frozenBackbone: true }, epochs: 2, batchSize: 4 });
      expect(estimator.name).toContain('frozen random backbone');
      const frozen = await estimator.fit(train, { seed: 3 });
      frozen.dispose();
    } finally {
      CropCnn.prototype.dispose = original;
    }
    // The same seed derivation gives the initial weights: conv weights untouched, heads moved.
    const { deriveSeed } = await import('../../../src/core/index.js');
    const init = new CropCnn({ ...small, frozenBackbone: true, seed: deriveSeed(3, 0) });
    const initial = Object.fromEntries([...init.namedWeights()].map(([n, v]) => [n, Array.from(v.dataSync())]));
    init.dispose();
    expect(spy['conv0/kernel']).toEqual(initial['conv0/kernel']);
    expect(spy['conv1/bias']).toEqual(initial['conv1/bias']);
    expect(spy['image/kernel']).not.toEqual(initial['image/kernel']);
  });

  it('trains with native kernels only: no CPU fallback kernel in a training step, either implementation', async () => {
    for (const implementation of ['conv2d', 'im2col'] as const) {
      const model = new CropCnn({ ...small, implementation });
      const x = tf.randomUniform([6, S, S, 3]) as tf.Tensor4D;
      const a = tf.tensor2d([[0.5, 0.5, 0, 0, 0, 0], [0, 0, 0.25, 0.25, 0.25, 0.25]]);
      const m = tf.zeros([2, 2]) as tf.Tensor2D;
      const optimizer = tf.train.adam(1e-3);
      const info = await tf.profile(() => {
        optimizer.minimize(() => {
          const out = model.call(x, a, m);
          return tf.add(tf.sum(out.logit), tf.sum(out.logLymphCount!)) as tf.Scalar;
        }, false, model.trainableVariables);
      });
      // The kernels that have a CPU fallback on this backend (registered by initBackend), the backend's known-wrong
      // kernels, and the gradient kernels of Conv2D and MaxPool that wasm lacks or has wrong.
      const avoid = new Set([...listCpuFallbackKernels(tf.getBackend()), ...Object.values(WRONG_NATIVE_KERNELS).flat(), 'Conv2DBackpropFilter', 'MaxPool', 'MaxPoolGrad']);
      expect(info.kernelNames.filter((k) => avoid.has(k))).toEqual([]);
      expect(info.kernelNames).toContain(implementation === 'conv2d' ? 'FusedConv2D' : 'BatchMatMul');
      tf.dispose([x, a, m]);
      optimizer.dispose();
      model.dispose();
    }
    expect(listCpuFallbackKernels('wasm')).toContain('Conv2DBackpropFilter'); // the check above is not vacuous on wasm
  });

  it('gives the same outputs and gradients with the conv2d and im2col implementations (same weights)', () => {
    const x = tf.randomUniform([6, S, S, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const a = tf.tensor2d([[0.5, 0.5, 0, 0, 0, 0], [0, 0, 0.25, 0.25, 0.25, 0.25]]);
    const m = tf.tensor2d([[0.3, -1], [1.2, 0.4]]);
    const results = (['conv2d', 'im2col'] as const).map((implementation) => {
      const model = new CropCnn({ ...small, seed: 7, implementation });
      const { value, grads } = tf.variableGrads(() => {
        const out = model.call(x, a, m);
        const loss = tf.add(tf.sum(tf.square(out.logit)), tf.sum(tf.square(out.logLymphCount!))) as tf.Scalar;
        tf.dispose([out.logit, out.imageLogit, out.logLymphCount!]);
        return loss;
      }, model.trainableVariables);
      const names = [...model.namedWeights()].map(([name, v]) => [name, v.name] as const);
      const byName = Object.fromEntries(names.map(([name, id]) => [name, Array.from(grads[id]!.dataSync())]));
      const loss = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      model.dispose();
      return { loss, byName };
    });
    const [fast, reference] = results as [(typeof results)[0], (typeof results)[0]];
    expect(Math.abs(fast.loss - reference.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(reference.loss)));
    expect(Object.keys(fast.byName).sort()).toEqual(Object.keys(reference.byName).sort());
    for (const [name, g] of Object.entries(reference.byName)) {
      const scale = Math.max(1, ...g.map(Math.abs));
      const diff = Math.max(...g.map((v, i) => Math.abs(v - fast.byName[name]![i]!)));
      expect(diff, name).toBeLessThan(1e-4 * scale);
    }
    tf.dispose([x, a, m]);
  });

  it('fits to the same predictions with the conv2d and im2col implementations (float rounding only)', async () => {
    const probabilities = [];
    for (const implementation of ['conv2d', 'im2col'] as const) {
      const model = await cropCnnEstimator({ model: { ...small, implementation }, epochs: 3, batchSize: 4, cellsPerBag: 4 }).fit(train, { seed: 5 });
      const p = await model.predict(test);
      probabilities.push({ probability: Array.from(p.probability), count: Array.from(p.lymphCount!) });
      model.dispose();
    }
    const [fast, reference] = probabilities as [(typeof probabilities)[0], (typeof probabilities)[0]];
    reference.probability.forEach((v, i) => expect(Math.abs(v - fast.probability[i]!)).toBeLessThan(1e-4));
    reference.count.forEach((v, i) => expect(Math.abs(v - fast.count[i]!) / v).toBeLessThan(1e-4));
  });

  it('refuses bags without crops of the configured size, and bad options, naming them', async () => {
    expect(() => cropCnnEstimator({ epochs: 0 })).toThrow(/cropCnnEstimator.*epochs/);
    expect(() => cropCnnEstimator({ model: { size: 20 } })).toThrow(/CropCnn.*size/);
    expect(() => cropCnnEstimator({ model: { implementation: 'fft' as 'conv2d' } })).toThrow(/CropCnn.*implementation/);
    const bad = train.map((b, i) => (i === 3 ? { ...b, images: { data: new Float32Array(12), rows: 1, cols: 12 } } : b));
    await expect(cropCnnEstimator({ model: small }).fit(bad, { seed: 0 })).rejects.toThrow(/cropCnnEstimator.fit.*P3.*images/);
  });
});
