import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/core/index.js';
import { loadCohort, writeSyntheticCohort, type Patient } from '../../src/data/index.js';
import { decodeImage } from '../../src/io/index.js';
import type { PatientBag } from '../../src/models/index.js';
import {
  LymphocytosisPipeline,
  PIPELINE_MANIFEST_FILE,
  PipelineManifestError,
  registerEstimator,
  type SavableModel,
} from '../../src/pipeline/index.js';

/**
 * A tiny user-defined model: the probability is a logistic function of log(1 + count) fitted by the class means,
 * and each cell's "attention" is its solidity share. It saves as JSON: what a user's own model kind looks like.
 */
function countModel(midpoint: number): SavableModel {
  return {
    async predict(bags: readonly PatientBag[]) {
      return {
        probability: Float32Array.from(bags, (b) => 1 / (1 + Math.exp(-4 * (Math.log1p(b.lymphCount) - midpoint)))),
        experts: { count: Float32Array.from(bags, (b) => Math.log1p(b.lymphCount) > midpoint ? 1 : 0) },
        attention: {
          handmade: bags.map((b) => {
            const h = b.handmade!;
            const s = Float32Array.from({ length: h.rows }, (_, r) => h.data[r * h.cols]!);
            const total = s.reduce((a, v) => a + v, 0);
            return s.map((v) => v / total);
          }),
        },
      };
    },
    dispose() {},
    async save(dir: string) {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'count-model.json'), JSON.stringify({ midpoint }));
    },
  };
}

registerEstimator('test-count', {
  create: () => ({
    name: 'test-count',
    async fit(bags) {
      const mean = (label: number): number => {
        const xs = bags.filter((b) => b.label === label).map((b) => Math.log1p(b.lymphCount));
        return xs.reduce((a, v) => a + v, 0) / xs.length;
      };
      return countModel((mean(0) + mean(1)) / 2);
    },
  }),
  load: async (dir) => countModel((JSON.parse(await readFile(join(dir, 'count-model.json'), 'utf8')) as { midpoint: number }).midpoint),
});

describe('LymphocytosisPipeline', () => {
  let root: string;
  let patients: readonly Patient[];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lymphomix-pipeline-'));
    await writeSyntheticCohort(join(root, 'cohort'), { patientCount: 10, seed: 3, imagesPerPatient: { min: 3, max: 5 }, render: { size: 96 } });
    ({ patients } = await loadCohort(join(root, 'cohort')));
  }, 120_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const config = { model: { kind: 'test-count' } } as const;

  it('cross-validates, then fits without computing any image twice', async () => {
    const pipeline = new LymphocytosisPipeline(config, { workers: 0, cacheDir: join(root, 'cache') });
    const events: ProgressEvent[] = [];
    const cv = await pipeline.crossValidate(patients, { folds: 2, repeats: 2, seed: 1, onProgress: (e) => events.push(e) });
    expect(cv.result.folds).toHaveLength(4);
    expect(cv.result.repeats[0]!.outOfFold.probability).toHaveLength(cv.patients.length);
    expect(cv.images.flat()).toHaveLength(patients.reduce((s, p) => s + p.images.length, 0));
    expect(events.some((e) => e.stage === 'features')).toBe(true);
    const later: ProgressEvent[] = [];
    await pipeline.fit(patients, { onProgress: (e) => later.push(e) });
    expect(later.filter((e) => e.stage === 'features')).toEqual([]);
    pipeline.dispose();
  });

  it('predicts every output per patient and per image, and never reads labels', async () => {
    const pipeline = await new LymphocytosisPipeline(config, { workers: 0 }).fit(patients);
    const first = await pipeline.predict(patients);
    const flipped = await pipeline.predict(patients.map((p) => ({ ...p, label: p.label === 1 ? 0 : 1 })));
    expect(flipped).toEqual(first);
    for (const [i, p] of first.entries()) {
      expect(p.id).toBe(patients[i]!.id);
      expect(p.label).toBe(p.probability >= 0.5 ? 1 : 0);
      expect(Object.keys(p.experts)).toEqual(['count']);
      expect(p.images).toHaveLength(patients[i]!.images.length);
      const weights = p.images.filter((im) => im.status === 'ok').map((im) => im.attention!);
      expect(weights.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    }
    pipeline.dispose();
  });

  it('predicts a patient given as decoded images in memory, as the same files would', async () => {
    const pipeline = await new LymphocytosisPipeline(config, { workers: 0 }).fit(patients);
    const p = patients[0]!;
    const decoded = await Promise.all(p.images.map((image) => decodeImage(image as string, { decoder: 'sharp' })));
    const [fromMemory] = await pipeline.predict([{ images: decoded, age: p.age, lymphCount: p.lymphCount }]);
    const [fromFiles] = await pipeline.predict([p]);
    expect(fromMemory!.probability).toBeCloseTo(fromFiles!.probability, 6);
    expect(fromMemory!.images.map((im) => im.status)).toEqual(fromFiles!.images.map((im) => im.status));
    pipeline.dispose();
  });

  it('saves one folder and loads it back to identical predictions', async () => {
    const pipeline = await new LymphocytosisPipeline(config, { workers: 0 }).fit(patients);
    const dir = join(root, 'model');
    await pipeline.save(dir);
    const loaded = await LymphocytosisPipeline.load(dir, { workers: 0 });
    expect(loaded.config).toEqual(pipeline.config);
    expect(await loaded.predict(patients)).toEqual(await pipeline.predict(patients));
    const manifest = JSON.parse(await readFile(join(dir, PIPELINE_MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ format: 'lymphomix-pipeline', formatVersion: 1, modelFolder: 'model' });
    pipeline.dispose();
    loaded.dispose();
  });

  it('refuses a model folder that does not match, saying what differs', async () => {
    const pipeline = await new LymphocytosisPipeline(config, { workers: 0 }).fit(patients);
    const dir = join(root, 'model-mismatch');
    await pipeline.save(dir);
    pipeline.dispose();
    const file = join(dir, PIPELINE_MANIFEST_FILE);
    const good = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, formatVersion: 99 }, /format version 99 .* newer/],
      [{ ...good, featureNames: ['solidity', 'roundness'] }, /feature names differ .* column 1: saved "roundness"/],
      [{ ...good, format: 'something-else' }, /format is "something-else"/],
      [{ ...good, config: { ...(good['config'] as object), model: { kind: 'nobody-registered-this', options: {} } } }, /nobody-registered-this/],
    ];
    for (const [manifest, message] of cases) {
      await writeFile(file, JSON.stringify(manifest));
      await expect(LymphocytosisPipeline.load(dir)).rejects.toThrow(message);
    }
    await expect(LymphocytosisPipeline.load(join(root, 'no-such-folder'))).rejects.toThrow(PipelineManifestError);
  });

  it('isUsable: a segmented image, and with a backbone also an embedded one (works after dispose)', () => {
    const record = { source: 'a.png', status: 'ok', features: {}, error: null, cached: false, embedding: null };
    const handmade = new LymphocytosisPipeline(config, { workers: 0 });
    handmade.dispose();
    expect(handmade.isUsable(record)).toBe(true);
    expect(handmade.isUsable({ ...record, status: 'no-nucleus', features: null })).toBe(false);
    const embedded = new LymphocytosisPipeline({ ...config, backbone: { name: 'resnet18' } }, { workers: 0 });
    expect(embedded.isUsable(record)).toBe(false);
    expect(embedded.isUsable({ ...record, embedding: new Float32Array(4) })).toBe(true);
  });

  it('needs labels to train and a model to predict', async () => {
    const pipeline = new LymphocytosisPipeline(config, { workers: 0 });
    await expect(pipeline.fit([{ ...patients[0]!, label: undefined }])).rejects.toThrow(/LymphocytosisPipeline\.fit: .*label of patient/);
    await expect(pipeline.predict(patients)).rejects.toThrow(/call fit or LymphocytosisPipeline\.load first/);
  });

  it('embeds the images with a frozen backbone, feeds the image expert and the gate, and saves the backbone id', async () => {
    const backbone = { name: 'resnet18', options: { inputSize: 32, seed: 1, architecture: { widths: [8, 8, 16, 16], depths: [1, 1, 1, 1] } } } as const;
    const withBackbone = {
      backbone,
      model: {
        kind: 'mixture-of-experts',
        options: {
          mixture: { experts: ['image', 'scalar'], imageDim: 16, multitask: true, imageAggregator: 'attention' },
          fit: { epochs: 3, batchSize: 4 },
          validationFraction: 0,
        },
      },
    };
    const pipeline = await new LymphocytosisPipeline(withBackbone, { workers: 0, cacheDir: join(root, 'cache-backbone') }).fit(patients);
    const predicted = await pipeline.predict(patients.slice(0, 3));
    for (const p of predicted) {
      expect(p.gate).toBeGreaterThan(0);
      expect(p.gate).toBeLessThan(1);
      expect(Object.keys(p.experts).sort()).toEqual(['image', 'scalar']);
      expect(p.lymphCount).toBeGreaterThan(0);
    }
    const dir = join(root, 'model-backbone');
    await pipeline.save(dir);
    const file = join(dir, PIPELINE_MANIFEST_FILE);
    const manifest = JSON.parse(await readFile(file, 'utf8')) as { backbone: { id: string; spec: unknown } };
    expect(manifest.backbone.spec).toEqual(backbone);
    expect(manifest.backbone.id).toMatch(/^resnet-/);
    const loaded = await LymphocytosisPipeline.load(dir, { workers: 0 });
    expect(await loaded.predict(patients.slice(0, 3))).toEqual(predicted);
    loaded.dispose();
    await writeFile(file, JSON.stringify({ ...manifest, backbone: { ...manifest.backbone, id: 'resnet-0000' } }));
    const stale = await LymphocytosisPipeline.load(dir, { workers: 0 });
    await expect(stale.predict(patients.slice(0, 1))).rejects.toThrow(/backbone the model was trained with \(id resnet-0000\)/);
    stale.dispose();

    // Decoded images (what a browser page hands over): the same prediction, with progress per image and per stage.
    const p0 = patients[0]!;
    const decoded = await Promise.all(p0.images.map((image) => decodeImage(image as string, { decoder: 'sharp' })));
    const events: ProgressEvent[] = [];
    const [fromMemory] = await pipeline.predict([{ images: decoded, age: p0.age, lymphCount: p0.lymphCount }], { onProgress: (e) => events.push(e) });
    expect(fromMemory!.probability).toBeCloseTo(predicted[0]!.probability, 6);
    expect(fromMemory!.images.map((im) => im.attention)).toEqual(predicted[0]!.images.map((im) => im.attention));
    const steps = (stage: string): string[] => decoded.map((_, i) => `${stage} ${i + 1}/${decoded.length}`);
    expect(events.map((e) => `${e.stage} ${e.done}/${e.total}`)).toEqual([...steps('features'), ...steps('embedding')]);
    expect(events[0]!.detail).toEqual({ source: `<decoded 96×96>`, failed: 0 });
    const aborted = new AbortController();
    aborted.abort(new Error('stopped by the user'));
    await expect(pipeline.predict([{ images: decoded, age: p0.age, lymphCount: p0.lymphCount }], { signal: aborted.signal })).rejects.toThrow('stopped by the user');
    pipeline.dispose();
  });

  it.each([
    ['metadata-only', 'metadata-only' as const],
    ['logistic regression on mean features + metadata', { model: { kind: 'logistic-regression', options: { c: 0.5 } } }],
    ['logistic regression with the texture descriptors', { features: { texture: true }, model: { kind: 'logistic-regression', options: { c: 0.5 } } }],
  ])('the built-in %s kind cross-validates, saves and loads to identical predictions', async (_name, config) => {
    const pipeline = new LymphocytosisPipeline(config, { workers: 0 });
    const events: ProgressEvent[] = [];
    const { result } = await pipeline.crossValidate(patients, { folds: 2, onProgress: (e) => events.push(e) });
    expect(result.folds).toHaveLength(2);
    // Without handmade features nothing is segmented.
    expect(events.some((e) => e.stage === 'features')).toBe(config !== 'metadata-only');
    await pipeline.fit(patients);
    const dir = join(root, `model-${pipeline.config.model.kind}-${pipeline.config.features.handmade}-${pipeline.config.features.names.length}`);
    await pipeline.save(dir);
    const loaded = await LymphocytosisPipeline.load(dir, { workers: 0 });
    expect(await loaded.predict(patients)).toEqual(await pipeline.predict(patients));
    pipeline.dispose();
    loaded.dispose();
  });

  it('the default (per-cell boosted trees on 68 descriptors per cell) fits, predicts every cell\'s score, saves and loads to identical predictions', async () => {
    const pipeline = await new LymphocytosisPipeline('default', { workers: 0, cacheDir: join(root, 'cache-default') }).fit(patients);
    const predicted = await pipeline.predict(patients);
    for (const p of predicted) {
      expect(Object.keys(p.experts).sort()).toEqual(['cells', 'metadata']);
      for (const image of p.images) if (image.status === 'ok') expect(image.attention).toBeGreaterThan(0);
    }
    const dir = join(root, 'model-default');
    await pipeline.save(dir);
    const loaded = await LymphocytosisPipeline.load(dir, { workers: 0 });
    expect(await loaded.predict(patients)).toEqual(predicted);
    const manifest = JSON.parse(await readFile(join(dir, PIPELINE_MANIFEST_FILE), 'utf8')) as { featureNames: string[] };
    expect(manifest.featureNames).toHaveLength(68);
    pipeline.dispose();
    loaded.dispose();
  });
});
