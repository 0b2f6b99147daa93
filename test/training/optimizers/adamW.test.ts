import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../../../src/training/optimizers/adamW.js';

/** Tolerance for float32 tensors against float64 references. */
const F32 = 1e-3;

/** Float64 AdamW (PyTorch's algorithm) on f(θ) = ½‖θ − target‖², whose gradient is θ − target. */
function referenceAdamW(
  theta0: number[],
  target: number[],
  steps: number,
  o: { lr: number; beta1: number; beta2: number; eps: number; wd: number },
): number[] {
  const theta = [...theta0];
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < theta.length; i++) {
      const g = (theta[i] as number) - (target[i] as number);
      theta[i] = (theta[i] as number) * (1 - o.lr * o.wd);
      m[i] = o.beta1 * (m[i] as number) + (1 - o.beta1) * g;
      v[i] = o.beta2 * (v[i] as number) + (1 - o.beta2) * g * g;
      const mHat = (m[i] as number) / (1 - o.beta1 ** t);
      const vHat = (v[i] as number) / (1 - o.beta2 ** t);
      theta[i] = (theta[i] as number) - (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
    }
  }
  return theta;
}

const theta0 = [1.5, -2, 0.25, 3];
const target = [0.5, 1, 0.25, -1];

function quadratic(theta: tf.Variable, targetTensor: tf.Tensor): () => tf.Scalar {
  return () => tf.mul(0.5, tf.sum(tf.square(tf.sub(theta, targetTensor)))) as tf.Scalar;
}

describe('AdamW', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  afterEach(() => {
    tf.disposeVariables();
  });

  it('matches a hand-computed float64 reference over several steps', () => {
    const o = { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-6, wd: 0.3 };
    const theta = tf.variable(tf.tensor1d(theta0));
    const t = tf.tensor1d(target);
    const optimizer = new AdamW({ learningRate: o.lr, beta1: o.beta1, beta2: o.beta2, epsilon: o.eps, weightDecay: o.wd });
    for (let step = 1; step <= 5; step++) {
      optimizer.minimize(quadratic(theta, t));
      const expected = referenceAdamW(theta0, target, step, o);
      Array.from(theta.dataSync()).forEach((x, i) => expect(Math.abs(x - (expected[i] as number))).toBeLessThan(F32));
    }
    expect(optimizer.iterations).toBe(5);
    optimizer.dispose();
    t.dispose();
  });

  it('first step by hand: decay then a step of exactly η·sign(g) (m̂/√v̂ = ±1)', () => {
    const theta = tf.variable(tf.tensor1d([2, -2]));
    const optimizer = new AdamW({ learningRate: 0.1, weightDecay: 0.5, epsilon: 1e-12 });
    // g = θ − 0 = (2, −2); decay 2·(1 − 0.05) = 1.9; then ∓0.1 → 1.8, −1.8
    optimizer.applyGradients({ [theta.name]: tf.tensor1d([2, -2]) });
    const values = Array.from(theta.dataSync());
    expect(values[0]).toBeCloseTo(1.8, 6);
    expect(values[1]).toBeCloseTo(-1.8, 6);
    optimizer.dispose();
  });

  it('a zero gradient only decays: θ ← θ·(1 − η·λ)', () => {
    const theta = tf.variable(tf.tensor1d([4, -1]));
    const optimizer = new AdamW({ learningRate: 0.01, weightDecay: 0.1 });
    for (let i = 0; i < 3; i++) optimizer.applyGradients({ [theta.name]: tf.zeros([2]) });
    const values = Array.from(theta.dataSync());
    expect(values[0]).toBeCloseTo(4 * 0.999 ** 3, 6);
    expect(values[1]).toBeCloseTo(-1 * 0.999 ** 3, 6);
    optimizer.dispose();
  });

  it('weightDecay = 0 equals tf.train.adam', () => {
    const a = tf.variable(tf.tensor2d([[0.3, -0.7], [1.2, 2]]));
    const b = tf.variable(a.clone());
    const t = tf.tensor2d([[1, 1], [-1, 0]]);
    const adamW = new AdamW({ learningRate: 0.05, weightDecay: 0 });
    const adam = tf.train.adam(0.05, 0.9, 0.999, 1e-7);
    for (let i = 0; i < 10; i++) {
      adamW.minimize(() => tf.sum(tf.pow(tf.sub(a, t), 4)) as tf.Scalar, false, [a]);
      adam.minimize(() => tf.sum(tf.pow(tf.sub(b, t), 4)) as tf.Scalar, false, [b]);
    }
    const x = Array.from(a.dataSync());
    const y = Array.from(b.dataSync());
    x.forEach((xi, i) => expect(Math.abs(xi - (y[i] as number))).toBeLessThan(1e-5));
    adamW.dispose();
    adam.dispose();
    t.dispose();
  });

  it('the learning rate is settable (schedules) and validated', () => {
    const theta = tf.variable(tf.tensor1d([1]));
    const optimizer = new AdamW({ learningRate: 0.1, weightDecay: 0 });
    optimizer.learningRate = 0.01;
    expect(optimizer.learningRate).toBe(0.01);
    optimizer.applyGradients({ [theta.name]: tf.tensor1d([3]) });
    expect(theta.dataSync()[0]).toBeCloseTo(0.99, 5);
    expect(() => {
      optimizer.learningRate = 0;
    }).toThrow('AdamW: learningRate must be a finite number > 0, got 0');
    expect(optimizer.getConfig().learningRate).toBe(0.01);
    optimizer.dispose();
  });

  it('rejects out-of-range hyper-parameters and unknown variables', () => {
    expect(() => new AdamW({ beta1: 1 })).toThrow('AdamW: beta1 must be a number ≥ 0 and < 1, got 1');
    expect(() => new AdamW({ weightDecay: -0.1 })).toThrow('AdamW: weightDecay must be a finite number ≥ 0, got -0.1');
    expect(() => new AdamW({ epsilon: 0 })).toThrow('AdamW: epsilon must be a finite number > 0, got 0');
    const optimizer = new AdamW();
    const g = tf.scalar(1);
    const w = tf.variable(tf.scalar(2));
    expect(() => optimizer.applyGradients({ [w.name]: g, 'no-such-variable': g })).toThrow(
      /AdamW.applyGradients: no registered variable named 'no-such-variable'/,
    );
    expect(w.dataSync()[0]).toBe(2); // nothing half-applied
    expect(optimizer.iterations).toBe(0);
    g.dispose();
    optimizer.dispose();
  });

  it('is registered: getConfig / fromConfig round trip through tf.serialization', () => {
    const entry = tf.serialization.SerializationMap.getMap().classNameMap['AdamW'];
    expect(entry).toBeDefined();
    const optimizer = new AdamW({ learningRate: 3e-4, beta1: 0.8, beta2: 0.95, epsilon: 1e-6, weightDecay: 0.05 });
    const [cls, fromConfig] = entry as NonNullable<typeof entry>;
    const copy = fromConfig(cls, optimizer.getConfig()) as AdamW;
    expect(copy).toBeInstanceOf(AdamW);
    expect(copy.getConfig()).toEqual(optimizer.getConfig());
    expect(copy.getClassName()).toBe('AdamW');
  });

  it('checkpoint: getWeights / setWeights resume training exactly', async () => {
    const t = tf.tensor1d(target);
    const theta = tf.variable(tf.tensor1d(theta0));
    const optimizer = new AdamW({ learningRate: 0.05 });
    for (let i = 0; i < 3; i++) optimizer.minimize(quadratic(theta, t));
    const saved = (await optimizer.getWeights()).map(({ name, tensor }) => ({ name, tensor: tensor.clone() }));
    expect(saved.map((w) => w.name)).toEqual(['iter', `${theta.name}/m`, `${theta.name}/v`]);
    const thetaSaved = theta.clone();
    for (let i = 0; i < 2; i++) optimizer.minimize(quadratic(theta, t));
    const afterFive = theta.clone();

    theta.assign(thetaSaved);
    const resumed = new AdamW({ learningRate: 0.05 });
    await resumed.setWeights(saved);
    expect(resumed.iterations).toBe(3);
    for (let i = 0; i < 2; i++) resumed.minimize(quadratic(theta, t));
    // resumed from step 3 gives the float64 reference at step 5
    const expected = referenceAdamW(theta0, target, 5, { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-7, wd: 0.01 });
    Array.from(theta.dataSync()).forEach((x, i) => expect(Math.abs(x - (expected[i] as number))).toBeLessThan(F32));
    expect(Array.from(afterFive.dataSync())).toEqual(Array.from(theta.dataSync()));
    await expect(resumed.setWeights(saved.slice(0, 2))).rejects.toThrow(/AdamW.setWeights: expected pairs/);
    tf.dispose([t, thetaSaved, afterFive, ...saved.map((w) => w.tensor)]);
    optimizer.dispose();
    resumed.dispose();
  });

  it('trains a tf.LayersModel through model.compile / model.fit', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: new AdamW({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    const x = tf.tensor2d([[0, 1], [1, 0], [1, 1], [0, 0]]);
    const y = tf.tensor2d([[1], [-1], [0], [0]]);
    const history = await model.fit(x, y, { epochs: 30, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1] as number).toBeLessThan((losses[0] as number) / 2);
    model.optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });

  it('gives the same steps on the wasm backend (backend-neutral ops)', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    const run = (): number[] => {
      const theta = tf.variable(tf.tensor1d(theta0));
      const t = tf.tensor1d(target);
      const optimizer = new AdamW({ learningRate: 0.1, weightDecay: 0.2 });
      for (let i = 0; i < 4; i++) optimizer.minimize(quadratic(theta, t));
      const values = Array.from(theta.dataSync());
      optimizer.dispose();
      tf.dispose([theta, t]);
      return values;
    };
    const onCpu = run();
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      const onWasm = run();
      onWasm.forEach((v, i) => expect(Math.abs(v - (onCpu[i] as number))).toBeLessThan(1e-5));
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('round-trips with a saved model (includeOptimizer): same class, config and moments', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: new AdamW({ learningRate: 0.02, weightDecay: 0.05 }), loss: 'meanSquaredError' });
    const x = tf.tensor2d([[0, 1], [1, 0]]);
    const y = tf.tensor2d([[1], [0]]);
    await model.fit(x, y, { epochs: 3, verbose: 0 });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer: true },
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    const optimizer = loaded.optimizer as AdamW;
    expect(optimizer).toBeInstanceOf(AdamW);
    expect(optimizer.getConfig()).toEqual((model.optimizer as AdamW).getConfig());
    expect(optimizer.iterations).toBe(3);
    const original = await (model.optimizer as AdamW).getWeights();
    const restored = await optimizer.getWeights();
    expect(restored.map((w) => Array.from(w.tensor.dataSync()))).toEqual(original.map((w) => Array.from(w.tensor.dataSync())));
    tf.dispose([restored[0]?.tensor, original[0]?.tensor].filter((t) => t !== undefined));
    // the reloaded variables are renamed ('kernel' → 'kernel_1'), yet training resumes from the saved moments
    expect(loaded.trainableWeights.map((w) => w.originalName)).toEqual(model.trainableWeights.map((w) => w.originalName));
    await model.fit(x, y, { epochs: 2, verbose: 0, shuffle: false });
    await loaded.fit(x, y, { epochs: 2, verbose: 0, shuffle: false });
    const a = model.getWeights().map((w) => Array.from(w.dataSync()));
    const b = loaded.getWeights().map((w) => Array.from(w.dataSync()));
    a.flat().forEach((v, i) => expect(Math.abs(v - (b.flat()[i] as number))).toBeLessThan(1e-6));
    expect((await optimizer.getWeights()).length).toBe(5); // iter + 2 moments per variable: nothing orphaned
    model.optimizer.dispose();
    optimizer.dispose();
    model.dispose();
    loaded.dispose();
    tf.dispose([x, y]);
  });

  it('does not leak: tensors are constant across steps and freed by dispose', () => {
    const t = tf.tensor1d(target);
    const theta = tf.variable(tf.tensor1d(theta0));
    const before = tf.memory().numTensors;
    const optimizer = new AdamW();
    optimizer.minimize(quadratic(theta, t));
    const afterFirst = tf.memory().numTensors;
    expect(afterFirst).toBe(before + 2); // the two moments
    for (let i = 0; i < 5; i++) optimizer.minimize(quadratic(theta, t));
    expect(tf.memory().numTensors).toBe(afterFirst);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
