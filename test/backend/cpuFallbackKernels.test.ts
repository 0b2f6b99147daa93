import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CPU_FALLBACK_KERNEL_CANDIDATES,
  listCpuFallbackKernels,
  registerCpuFallbackKernels,
  WRONG_NATIVE_KERNELS,
} from '../../src/backend/cpuFallbackKernels.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { expectClose, seeded } from './helpers/referenceNets.js';
import { activeBackend, restoreBackend } from './helpers/withBackend.js';

/** One check per fallback kernel: a function of one tensor whose gradient (or value) runs that kernel. */
interface Case {
  kernel: string;
  label: string;
  shape: number[];
  /** A scalar function of x; its gradient w.r.t. x is compared (or the value itself when `forward`). */
  f: (x: tf.Tensor) => tf.Tensor;
  forward?: boolean;
  /** Input values (default: seeded). */
  values?: number[];
}

const w = (shape: number[], seed: number): tf.Tensor => tf.tensor(seeded(shape.reduce((a, b) => a * b, 1), seed), shape);
/** Σ y ⊙ r with fixed random r, so that every output element gets a distinct upstream gradient. */
const weightedSum = (y: tf.Tensor, seed: number): tf.Scalar => tf.sum(tf.mul(y, w(y.shape, seed)));

const CASES: Case[] = [
  { kernel: 'Conv2DBackpropFilter', label: 'conv2d filter, stride 1 same', shape: [3, 3, 4, 5],
    f: (k) => weightedSum(tf.conv2d(w([2, 9, 9, 4], 1) as tf.Tensor4D, k as tf.Tensor4D, 1, 'same'), 2) },
  { kernel: 'Conv2DBackpropFilter', label: 'conv2d filter, stride 2 valid', shape: [3, 3, 4, 5],
    f: (k) => weightedSum(tf.conv2d(w([2, 9, 9, 4], 3) as tf.Tensor4D, k as tf.Tensor4D, 2, 'valid'), 4) },
  { kernel: 'Conv2DBackpropFilter', label: 'conv1d filter', shape: [3, 4, 2],
    f: (k) => weightedSum(tf.conv1d(w([2, 11, 4], 5) as tf.Tensor3D, k as tf.Tensor3D, 1, 'same'), 6) },
  { kernel: 'Conv2DBackpropFilter', label: 'conv2dTranspose filter', shape: [3, 3, 5, 4],
    f: (k) => weightedSum(tf.conv2dTranspose(w([2, 5, 5, 4], 7) as tf.Tensor4D, k as tf.Tensor4D, [2, 10, 10, 5], 2, 'same'), 8) },
  { kernel: 'DepthwiseConv2dNativeBackpropFilter', label: 'depthwise filter, multiplier 2', shape: [3, 3, 4, 2],
    f: (k) => weightedSum(tf.depthwiseConv2d(w([2, 8, 8, 4], 9) as tf.Tensor4D, k as tf.Tensor4D, 1, 'same'), 10) },
  { kernel: 'DepthwiseConv2dNativeBackpropInput', label: 'depthwise input, stride 2 valid', shape: [2, 9, 9, 4],
    f: (x) => weightedSum(tf.depthwiseConv2d(x as tf.Tensor4D, w([3, 3, 4, 2], 11) as tf.Tensor4D, 2, 'valid'), 12) },
  { kernel: 'DepthwiseConv2dNativeBackpropInput', label: 'separableConv2d input', shape: [1, 7, 7, 3],
    f: (x) => weightedSum(tf.separableConv2d(x as tf.Tensor4D, w([3, 3, 3, 2], 13) as tf.Tensor4D, w([1, 1, 6, 4], 14) as tf.Tensor4D, 1, 'same'), 15) },
  { kernel: 'UnsortedSegmentSum', label: 'gather gradient (repeated indices)', shape: [6, 3],
    f: (t) => weightedSum(tf.gather(t, tf.tensor1d([4, 0, 4, 2, 4], 'int32')), 16) },
  { kernel: 'UnsortedSegmentSum', label: 'unsortedSegmentSum forward', shape: [7, 3], forward: true,
    f: (t) => tf.unsortedSegmentSum(t, tf.tensor1d([2, 0, 2, 1, 0, 2, 3], 'int32'), 4) },
  { kernel: 'Einsum', label: 'einsum forward', shape: [2, 3, 4], forward: true,
    f: (t) => tf.einsum('bij,jk->bik', t, w([4, 5], 17)) },
  { kernel: 'MaxPoolGrad', label: 'max pool gradient, 2×2 windows with negatives and zeros', shape: [2, 2, 4, 1],
    values: [-1, 0, -1, -5, -3, -2, -3, -2, 0, 0, 0.5, -0.5, 0, 0, -0.5, 0.25],
    f: (x) => weightedSum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), 18) },
  { kernel: 'MaxPoolGrad', label: 'max pool gradient, 3×3 stride 1 same', shape: [2, 6, 6, 3],
    f: (x) => weightedSum(tf.maxPool(x as tf.Tensor4D, 3, 1, 'same'), 19) },
];

async function run(c: Case): Promise<Float32Array> {
  const before = tf.memory().numTensors;
  const x = c.values === undefined ? w(c.shape, 100) : tf.tensor(c.values, c.shape);
  const out = tf.tidy(() => (c.forward ? c.f(x) : tf.grad(c.f)(x)));
  const data = (await out.data()) as Float32Array;
  tf.dispose([x, out]);
  expect(tf.memory().numTensors, `${c.label}: no leaked tensor`).toBe(before);
  return data;
}

let saved: string | null;
const reference = new Map<Case, Float32Array>();

beforeAll(async () => {
  saved = activeBackend();
  await initBackend('cpu');
  for (const c of CASES) reference.set(c, await run(c));
});
afterAll(async () => {
  await restoreBackend(saved);
});

describe('registerCpuFallbackKernels on wasm', () => {
  it('registers exactly the candidates that wasm lacks, plus the known-wrong native kernels', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    const lacking = CPU_FALLBACK_KERNEL_CANDIDATES.filter(
      (k) => tf.getKernel(k, 'wasm') === undefined || listCpuFallbackKernels('wasm').includes(k),
    ).filter((k) => tf.getKernel(k, 'cpu') !== undefined);
    const got = registerCpuFallbackKernels('wasm');
    expect(got).toEqual([...new Set([...lacking, ...(WRONG_NATIVE_KERNELS['wasm'] ?? [])])].sort());
    // The gradient kernels tfjs-backend-wasm 4.22 lacks (found by running the gradients of conv/depthwise/gather).
    for (const k of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']) {
      expect(got).toContain(k);
    }
    for (const k of got) expect(tf.getKernel(k, 'wasm'), k).toBeDefined();
  });

  it('is idempotent', () => {
    const first = registerCpuFallbackKernels('wasm');
    expect(registerCpuFallbackKernels('wasm')).toEqual(first);
    expect(listCpuFallbackKernels('wasm')).toEqual(first);
  });

  it.each(CASES.map((c) => [`${c.kernel}: ${c.label}`, c] as const))('%s agrees with the cpu backend', async (_, c) => {
    await initBackend('wasm');
    const cpuBackend = tf.engine().findBackend('cpu');
    const cpuBuffers = cpuBackend.numDataIds();
    const got = await run(c);
    expectClose(got, reference.get(c)!, c.label);
    expect(cpuBackend.numDataIds(), `${c.label}: CPU-side buffers freed`).toBe(cpuBuffers);
  });

  it('covers every registered fallback with at least one case', () => {
    for (const k of listCpuFallbackKernels('wasm')) expect(CASES.some((c) => c.kernel === k), k).toBe(true);
  });
});

describe('registerCpuFallbackKernels: options and errors', () => {
  it('only considers the listed kernels, and never overrides a native kernel that is not known to be wrong', () => {
    expect(registerCpuFallbackKernels('wasm', { kernels: ['Conv2DBackpropInput'], replaceWrongKernels: false })).toEqual(
      listCpuFallbackKernels('wasm'),
    );
    expect(listCpuFallbackKernels('wasm')).not.toContain('Conv2DBackpropInput');
  });

  it('rejects the cpu backend itself and empty names', () => {
    expect(() => registerCpuFallbackKernels('cpu')).toThrow('registerCpuFallbackKernels: backendName must be a backend name other than \'cpu\', got "cpu"');
    expect(() => registerCpuFallbackKernels('')).toThrow('got ""');
  });

  it('lists nothing for a backend it never touched', () => {
    expect(listCpuFallbackKernels('webgl')).toEqual([]);
  });
});
