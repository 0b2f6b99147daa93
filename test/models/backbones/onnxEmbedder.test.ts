import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArgumentError } from '../../../src/core/index.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import { backboneFingerprint } from '../../../src/models/backbones/backboneFingerprint.js';
import { embedPixelBatch } from '../../../src/models/backbones/embedPixelBatch.js';
import { loadOnnxEmbedder } from '../../../src/models/backbones/onnx/loadOnnxEmbedder.js';
import { loadOnnxRuntime, missingOnnxRuntimeMessage, ONNX_WEB_FALLBACK_WARNING } from '../../../src/models/backbones/onnx/loadOnnxRuntime.js';
import { checkOnnxEmbedderOptions, poolOutput } from '../../../src/models/backbones/onnx/onnxEmbedder.js';
import { maxAbsDiff, ONNX_FIXTURE_NAMES, onnxFixture } from './onnxFixtures.js';

const missing = (name: string): Promise<never> =>
  Promise.reject(Object.assign(new Error(`Cannot find package '${name}' imported from x`), { code: 'ERR_MODULE_NOT_FOUND' }));

afterEach(() => vi.restoreAllMocks());

describe('loadOnnxEmbedder: agreement with PyTorch (test/fixtures/onnx)', () => {
  for (const name of ONNX_FIXTURE_NAMES) {
    for (const runtime of ['node', 'web'] as const) {
      it(`${name} on onnxruntime-${runtime} (${runtime === 'node' ? 'native CPU' : 'wasm'}) agrees to 1e-4`, async () => {
        const f = onnxFixture(name);
        const e = await loadOnnxEmbedder(f.path, { mean: f.mean, std: f.std, outputName: f.outputs.at(-1)!, runtime, threads: 1 });
        try {
          expect(e.runtime).toBe(`onnxruntime-${runtime}`);
          // input size, layout and input name come from the model when not given
          expect([e.inputSize, e.config.layout, e.config.inputName, e.embeddingSize]).toEqual([f.inputSize, f.layout, f.inputName, f.embeddingSize]);
          const z = await e.embedPixels(Float32Array.from(f.input), f.n);
          expect(z.length).toBe(f.n * f.embeddingSize);
          expect(maxAbsDiff(z, f.output)).toBeLessThan(1e-4);
        } finally {
          await e.dispose();
        }
      });
    }
  }

  it('embedPixelBatch takes the async path, leaves no tensor, and resizes other sizes', async () => {
    const f = onnxFixture('resnet_small');
    const e = await loadOnnxEmbedder(f.path, { threads: 1 });
    try {
      const s = f.inputSize;
      const images = Array.from({ length: f.n }, (_, i) => createRgbImage(s, s, Uint8Array.from(f.input.slice(i * s * s * 3, (i + 1) * s * s * 3))));
      const before = tf.memory().numTensors;
      const z = await embedPixelBatch(e, images);
      expect(maxAbsDiff(z.flatMap((v) => [...v]), f.output)).toBeLessThan(1e-4);
      const [other] = await embedPixelBatch(e, [createRgbImage(50, 40, new Uint8Array(50 * 40 * 3).fill(90))]);
      expect(other!.length).toBe(f.embeddingSize);
      expect(other!.every(Number.isFinite)).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await e.dispose();
    }
  });
});

describe('loadOnnxEmbedder: session settings', () => {
  it('spinning: false reaches onnxruntime-node as session.intra_op.allow_spinning = 0, same embeddings, same cache key', async () => {
    const ort = (await import('onnxruntime-node')) as unknown as { InferenceSession: { create: (...a: unknown[]) => Promise<unknown> } };
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const f = onnxFixture('resnet_small');
    const quiet = await loadOnnxEmbedder(f.path, { mean: f.mean, std: f.std, runtime: 'node', threads: 2, spinning: false });
    const spinning = await loadOnnxEmbedder(f.path, { mean: f.mean, std: f.std, runtime: 'node', threads: 2 });
    try {
      expect(create).toHaveBeenCalledTimes(2);
      expect(create.mock.calls[0]![1]).toMatchObject({ intraOpNumThreads: 2, extra: { session: { intra_op: { allow_spinning: '0' } } } });
      expect(create.mock.calls[1]![1]).not.toHaveProperty('extra');
      const z = await quiet.embedPixels(Float32Array.from(f.input), f.n);
      expect(maxAbsDiff(z, f.output)).toBeLessThan(1e-4);
      expect(await backboneFingerprint(quiet)).toBe(await backboneFingerprint(spinning));
    } finally {
      await quiet.dispose();
      await spinning.dispose();
    }
  });
});

describe('OnnxEmbedder: identity, outputs, errors', () => {
  it('has a content id from the model bytes and the preprocessing, not from runtime or threads', async () => {
    const f = onnxFixture('tiny_cnn');
    const a = await loadOnnxEmbedder(f.path, { threads: 1 });
    const b = await loadOnnxEmbedder(f.path, { threads: 2, runtime: 'web' });
    const c = await loadOnnxEmbedder(f.path, { mean: [0.5, 0.5, 0.5] });
    const d = await loadOnnxEmbedder(onnxFixture('resnet_small').path);
    try {
      const ids = await Promise.all([a, b, c, d].map((x) => backboneFingerprint(x)));
      expect(ids[0]).toMatch(/^onnx-[0-9a-f]{24}$/);
      expect(ids[1]).toBe(ids[0]);
      expect(new Set(ids).size).toBe(3);
    } finally {
      for (const x of [a, b, c, d]) await x.dispose();
    }
  });

  it('takes the first output by default and pools a 4-D map with mean or max', async () => {
    const f = onnxFixture('tiny_cnn');
    const logits = await loadOnnxEmbedder(f.path);
    const max = await loadOnnxEmbedder(f.path, { outputName: 'features', pooling: 'max', mean: f.mean, std: f.std });
    try {
      expect([logits.config.outputName, logits.embeddingSize]).toEqual(['logits', 5]);
      const z = await max.embedPixels(Float32Array.from(f.input), f.n);
      expect(max.embeddingSize).toBe(16);
      // a max is at least the mean, and differs somewhere
      expect(Array.from(z).every((v, i) => v >= f.output[i]! - 1e-6)).toBe(true);
      expect(maxAbsDiff(z, f.output)).toBeGreaterThan(1e-3);
    } finally {
      await logits.dispose();
      await max.dispose();
    }
  });

  it('poolOutput: [N, T, D] by mean, max and cls; NHWC maps; a wrong batch axis is named', () => {
    const cfg = { outputName: 'y', outputLayout: 'NCHW' as const };
    const tokens = Float32Array.from([1, 2, 3, 4, 5, 0]); // [1, 3, 2]
    expect(Array.from(poolOutput(tokens, [1, 3, 2], 1, { ...cfg, pooling: 'mean' }))).toEqual([3, 2]);
    expect(Array.from(poolOutput(tokens, [1, 3, 2], 1, { ...cfg, pooling: 'max' }))).toEqual([5, 4]);
    expect(Array.from(poolOutput(tokens, [1, 3, 2], 1, { ...cfg, pooling: 'cls' }))).toEqual([1, 2]);
    const nhwc = Float32Array.from([1, 10, 3, 30]); // [1, 1, 2, 2]: two pixels, two channels
    expect(Array.from(poolOutput(nhwc, [1, 1, 2, 2], 1, { ...cfg, outputLayout: 'NHWC', pooling: 'mean' }))).toEqual([2, 20]);
    expect(Array.from(poolOutput(nhwc, [1, 2, 1, 2], 1, { ...cfg, pooling: 'mean' }))).toEqual([5.5, 16.5]); // NCHW: 2 channels of 2 pixels
    expect(() => poolOutput(nhwc, [2, 2], 1, { ...cfg, pooling: 'mean' })).toThrow('output "y" of shape [2, 2] does not have the batch size 1');
    expect(() => poolOutput(nhwc, [1, 1, 2, 2], 1, { ...cfg, pooling: 'cls' })).toThrow("pooling 'cls' applies to token sequences");
  });

  it('names a missing output, a conflicting input size and bad options', async () => {
    const f = onnxFixture('tiny_cnn');
    await expect(loadOnnxEmbedder(f.path, { outputName: 'pooled' })).rejects.toThrow(
      `loadOnnxEmbedder: options.outputName must be one of the model's outputs (logits, features), got "pooled"`,
    );
    await expect(loadOnnxEmbedder(f.path, { inputSize: 64 })).rejects.toThrow('options.inputSize must be 32 (the model');
    await expect(loadOnnxEmbedder('/nonexistent/model.onnx')).rejects.toThrow('loadOnnxEmbedder: cannot read the ONNX model /nonexistent/model.onnx');
    expect(() => checkOnnxEmbedderOptions({ layout: 'CHW' as never }, 'f')).toThrow(ArgumentError);
    expect(() => checkOnnxEmbedderOptions({ std: [1, 0, 1] }, 'f')).toThrow('f: options.std must be 3 finite positive numbers');
    expect(() => checkOnnxEmbedderOptions({ size: 3 } as never, 'f')).toThrow('f: options.size must be absent');
    expect(() => checkOnnxEmbedderOptions({ executionProviders: [] }, 'f')).toThrow('options.executionProviders');
    expect(() => checkOnnxEmbedderOptions({ spinning: 'no' as never }, 'f')).toThrow('f: options.spinning');
    expect(checkOnnxEmbedderOptions({}, 'f').spinning).toBe(true);
  });

  it('embed (sync tfjs) says to use the async path; a disposed embedder says it was disposed', async () => {
    const e = await loadOnnxEmbedder(onnxFixture('tiny_cnn').path);
    expect(() => e.embed(tf.zeros([1, 32, 32, 3]))).toThrow('OnnxEmbedder.embed: an ONNX model runs asynchronously; use embedPixels');
    await e.dispose();
    await expect(e.embedPixels(new Float32Array(32 * 32 * 3), 1)).rejects.toThrow('disposed');
  });
});

describe('loadOnnxRuntime: optional peer dependencies', () => {
  it('without any onnxruntime: one line saying what to install and the fallback', async () => {
    const error = await loadOnnxRuntime('embedImagesPool', 'auto', missing).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(missingOnnxRuntimeMessage('embedImagesPool'));
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).toMatch(/npm install onnxruntime-node .* onnxruntime-web .* tfjs backbone .* on tfjs wasm$/);
    await expect(loadOnnxEmbedder(onnxFixture('tiny_cnn').path, {}, 'loadOnnxEmbedder', missing)).rejects.toThrow(
      'loadOnnxEmbedder: ONNX models need onnxruntime, which is not installed: npm install onnxruntime-node',
    );
    // runtime 'node' does not fall back to web
    const web = await import('onnxruntime-web');
    await expect(loadOnnxRuntime('f', 'node', (n) => (n === 'onnxruntime-node' ? missing(n) : Promise.resolve(web)))).rejects.toThrow('f: ONNX models need onnxruntime');
  });

  it('without onnxruntime-node in Node: onnxruntime-web with one warning line, once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const web = await import('onnxruntime-web');
    const importer = (n: string): Promise<unknown> => (n === 'onnxruntime-node' ? missing(n) : Promise.resolve(web));
    const a = await loadOnnxRuntime('f', 'auto', importer);
    const b = await loadOnnxRuntime('f', 'auto', importer);
    expect([a.name, b.name]).toEqual(['onnxruntime-web', 'onnxruntime-web']);
    expect(warn.mock.calls).toEqual([[ONNX_WEB_FALLBACK_WARNING]]);
    expect(ONNX_WEB_FALLBACK_WARNING).not.toContain('\n');
  });

  it('an import that fails for another reason than a missing package is not hidden', async () => {
    await expect(loadOnnxRuntime('f', 'auto', () => Promise.reject(new Error('libonnxruntime.so: bad ELF')))).rejects.toThrow('bad ELF');
  });
});
